#include "lib/manifest/approval.h"

#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/hash.h"
#include "lib/crypto/jcs.h"
#include "lib/manifest/formats.h"
#include "lib/manifest/json_reader.h"
#include "lib/manifest/serialize.h"

namespace c8s::manifest {

using internal::ObjectReader;

std::string ClusterId(const crypto::PublicKey& ca_public_key) {
  return crypto::Sha256Prefixed(ca_public_key.SpkiDer());
}

nlohmann::json ToJson(const ApprovalStatement& s) {
  return {{"type", std::string(kApprovalType)},
          {"cluster", s.cluster},
          {"generation", s.generation},
          {"previousEntryHash", s.previous_entry_hash},
          {"manifestHash", s.manifest_hash}};
}

absl::StatusOr<ApprovalStatement> ParseApprovalStatementJson(const nlohmann::json& doc,
                                                             std::string_view path) {
  ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::Open(doc, std::string(path),
                                                      {"type", "cluster", "generation",
                                                       "previousEntryHash", "manifestHash"}));
  std::string type;
  RETURN_IF_ERROR(r.String("type", &type));
  if (type != kApprovalType) {
    return internal::PathError(r.PathOf("type"), StrCat("\"", type, "\" is not ", kApprovalType));
  }
  ApprovalStatement s;
  RETURN_IF_ERROR(r.String("cluster", &s.cluster));
  RETURN_IF_ERROR(CheckSha256Hash(s.cluster, r.PathOf("cluster")));
  RETURN_IF_ERROR(r.Int("generation", 1, int64_t{1} << 53, &s.generation));
  RETURN_IF_ERROR(r.String("previousEntryHash", &s.previous_entry_hash));
  RETURN_IF_ERROR(CheckSha256Hash(s.previous_entry_hash, r.PathOf("previousEntryHash")));
  RETURN_IF_ERROR(r.String("manifestHash", &s.manifest_hash));
  RETURN_IF_ERROR(CheckSha256Hash(s.manifest_hash, r.PathOf("manifestHash")));
  return s;
}

absl::StatusOr<ApprovalStatement> ParseApprovalStatement(std::string_view text) {
  ASSIGN_OR_RETURN(nlohmann::json doc, crypto::ParseStrictJson(text));
  return ParseApprovalStatementJson(doc);
}

absl::StatusOr<std::string> CanonicalBytes(const ApprovalStatement& statement) {
  return crypto::CanonicalJson(ToJson(statement));
}

absl::StatusOr<Bytes> SignApproval(const ApprovalStatement& statement,
                                   const crypto::PrivateKey& owner_key) {
  if (owner_key.type() != crypto::KeyType::kP256 && owner_key.type() != crypto::KeyType::kEd25519) {
    return absl::InvalidArgumentError(
        StrCat("owner keys are P-256 or Ed25519, not ", crypto::KeyTypeName(owner_key.type())));
  }
  ASSIGN_OR_RETURN(std::string canon, CanonicalBytes(statement));
  return owner_key.Sign(AsBytes(canon));
}

absl::Status VerifyApprovalSignature(const ApprovalStatement& statement, ByteSpan signature,
                                     std::string_view owner_name, const Manifest& signers) {
  const NamedKey* owner = signers.FindOwner(owner_name);
  if (owner == nullptr) {
    std::string names;
    for (const NamedKey& o : signers.owners) names += StrCat(names.empty() ? "" : ", ", o.name);
    return absl::PermissionDeniedError(
        StrCat("unknown owner \"", owner_name, "\" (owners: [", names, "])"));
  }
  ASSIGN_OR_RETURN(crypto::PublicKey key, crypto::PublicKey::FromPem(owner->public_key_pem));
  ASSIGN_OR_RETURN(std::string canon, CanonicalBytes(statement));
  absl::Status st = key.Verify(AsBytes(canon), signature);
  if (!st.ok()) {
    return absl::PermissionDeniedError(
        StrCat("bad approval signature by owner \"", owner_name, "\": ", StatusText(st)));
  }
  return absl::OkStatus();
}

absl::Status CheckApproval(const ApprovalStatement& statement, ByteSpan signature,
                           std::string_view owner_name, const ActiveState& active,
                           const Manifest& proposed) {
  if (statement.cluster != active.cluster) {
    return absl::PermissionDeniedError(StrCat("approval for cluster ", statement.cluster,
                                              " but this cluster is ", active.cluster));
  }
  if (statement.generation != active.generation + 1) {
    return absl::PermissionDeniedError(StrCat("approval is for generation ", statement.generation,
                                              ", next generation is ", active.generation + 1));
  }
  if (statement.previous_entry_hash != active.entry_hash) {
    return absl::PermissionDeniedError(
        StrCat("approval names predecessor ", statement.previous_entry_hash,
               " but the active history entry is ", active.entry_hash));
  }
  ASSIGN_OR_RETURN(std::string proposed_hash, ManifestHash(proposed));
  if (statement.manifest_hash != proposed_hash) {
    return absl::PermissionDeniedError(StrCat("approval is for manifest ", statement.manifest_hash,
                                              " but the proposed manifest is ", proposed_hash));
  }
  // The claim is approved by an owner of the manifest it installs; every later change by an
  // owner of the manifest in force, so a change of owners cannot approve itself.
  const Manifest* signers = active.generation == 0 ? &proposed : active.manifest;
  if (signers == nullptr) {
    return absl::FailedPreconditionError(
        StrCat("active generation ", active.generation, " has no manifest to take owners from"));
  }
  return VerifyApprovalSignature(statement, signature, owner_name, *signers);
}

}  // namespace c8s::manifest
