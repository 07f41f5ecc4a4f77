#include "lib/manifest/history.h"

#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/hash.h"
#include "lib/crypto/jcs.h"
#include "lib/manifest/formats.h"
#include "lib/manifest/json_reader.h"

namespace c8s::manifest {

using internal::Element;
using internal::ObjectReader;
using internal::PathError;
using Json = nlohmann::json;

namespace {

absl::Status ReadBase64(const ObjectReader& r, std::string_view key, Bytes* out) {
  std::string text;
  RETURN_IF_ERROR(r.String(key, &text));
  auto decoded = Base64Decode(text);
  if (!decoded.ok() || decoded->empty()) return PathError(r.PathOf(key), "not strict base64");
  *out = std::move(*decoded);
  return absl::OkStatus();
}

}  // namespace

Json ToJson(const HistoryEntry& e) {
  Json approvals = Json::array();
  for (const Approval& a : e.approvals) {
    approvals.push_back({{"owner", a.owner},
                         {"statement", ToJson(a.statement)},
                         {"signature", Base64Encode(a.signature)}});
  }
  return {{"generation", e.generation},
          {"manifestHash", e.manifest_hash},
          {"previousEntryHash", e.previous_entry_hash},
          {"approvals", approvals},
          {"activatedAt", e.activated_at},
          {"mode", std::string(ApprovalModeName(e.mode))}};
}

Json ToJson(const SignedHistoryEntry& s) {
  return {{"entry", ToJson(s.entry)}, {"signature", Base64Encode(s.signature)}};
}

Json HistoryToJson(const std::vector<SignedHistoryEntry>& entries) {
  Json list = Json::array();
  for (const SignedHistoryEntry& s : entries) list.push_back(ToJson(s));
  return {{"entries", list}};
}

absl::StatusOr<HistoryEntry> ParseHistoryEntryJson(const Json& doc, std::string_view path) {
  ASSIGN_OR_RETURN(ObjectReader r,
                   ObjectReader::Open(doc, std::string(path),
                                      {"generation", "manifestHash", "previousEntryHash",
                                       "approvals", "activatedAt", "mode"}));
  HistoryEntry e;
  RETURN_IF_ERROR(r.Int("generation", 1, int64_t{1} << 53, &e.generation));
  RETURN_IF_ERROR(r.String("manifestHash", &e.manifest_hash));
  RETURN_IF_ERROR(CheckSha256Hash(e.manifest_hash, r.PathOf("manifestHash")));
  RETURN_IF_ERROR(r.String("previousEntryHash", &e.previous_entry_hash));
  RETURN_IF_ERROR(CheckSha256Hash(e.previous_entry_hash, r.PathOf("previousEntryHash")));
  ASSIGN_OR_RETURN(const Json* approvals_json, r.Required("approvals"));
  ASSIGN_OR_RETURN(const Json::array_t* approvals,
                   internal::ReadArray(*approvals_json, r.PathOf("approvals")));
  for (size_t i = 0; i < approvals->size(); ++i) {
    std::string ap = Element(r.PathOf("approvals"), i);
    ASSIGN_OR_RETURN(ObjectReader a,
                     ObjectReader::Open((*approvals)[i], ap, {"owner", "statement", "signature"}));
    Approval approval;
    RETURN_IF_ERROR(a.String("owner", &approval.owner));
    RETURN_IF_ERROR(CheckKeyName(approval.owner, a.PathOf("owner")));
    ASSIGN_OR_RETURN(const Json* st, a.Required("statement"));
    ASSIGN_OR_RETURN(approval.statement, ParseApprovalStatementJson(*st, a.PathOf("statement")));
    RETURN_IF_ERROR(ReadBase64(a, "signature", &approval.signature));
    e.approvals.push_back(std::move(approval));
  }
  RETURN_IF_ERROR(r.String("activatedAt", &e.activated_at));
  RETURN_IF_ERROR(CheckRfc3339Utc(e.activated_at, r.PathOf("activatedAt")));
  std::string mode;
  RETURN_IF_ERROR(r.String("mode", &mode));
  if (mode != "Owner" && mode != "Automatic") {
    return PathError(r.PathOf("mode"), StrCat("\"", mode, "\" is not Owner or Automatic"));
  }
  e.mode = mode == "Owner" ? ApprovalMode::kOwner : ApprovalMode::kAutomatic;
  return e;
}

absl::StatusOr<SignedHistoryEntry> ParseSignedHistoryEntryJson(const Json& doc,
                                                               std::string_view path) {
  ASSIGN_OR_RETURN(ObjectReader r,
                   ObjectReader::Open(doc, std::string(path), {"entry", "signature"}));
  SignedHistoryEntry s;
  ASSIGN_OR_RETURN(const Json* entry, r.Required("entry"));
  ASSIGN_OR_RETURN(s.entry, ParseHistoryEntryJson(*entry, r.PathOf("entry")));
  RETURN_IF_ERROR(ReadBase64(r, "signature", &s.signature));
  return s;
}

absl::StatusOr<std::vector<SignedHistoryEntry>> ParseHistory(std::string_view text) {
  ASSIGN_OR_RETURN(Json doc, crypto::ParseStrictJson(text));
  ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::Open(doc, "", {"entries"}));
  ASSIGN_OR_RETURN(const Json* list_json, r.Required("entries"));
  ASSIGN_OR_RETURN(const Json::array_t* list, internal::ReadArray(*list_json, "entries"));
  std::vector<SignedHistoryEntry> out;
  for (size_t i = 0; i < list->size(); ++i) {
    ASSIGN_OR_RETURN(SignedHistoryEntry s,
                     ParseSignedHistoryEntryJson((*list)[i], Element("entries", i)));
    out.push_back(std::move(s));
  }
  return out;
}

absl::StatusOr<std::string> CanonicalBytes(const HistoryEntry& entry) {
  return crypto::CanonicalJson(ToJson(entry));
}

absl::StatusOr<std::string> EntryHash(const HistoryEntry& entry) {
  ASSIGN_OR_RETURN(std::string canon, CanonicalBytes(entry));
  return crypto::Sha256Prefixed(AsBytes(canon));
}

namespace {

absl::StatusOr<Bytes> SignedMessage(const HistoryEntry& entry) {
  ASSIGN_OR_RETURN(std::string canon, CanonicalBytes(entry));
  // Built as one string: g++ 12 warns (falsely) on vector appends of a constant prefix.
  return ToBytes(StrCat(kHistorySignatureContext, canon));
}

}  // namespace

absl::StatusOr<SignedHistoryEntry> SignHistoryEntry(const HistoryEntry& entry,
                                                    const crypto::PrivateKey& ca_key) {
  if (ca_key.type() != crypto::KeyType::kP256) {
    return absl::InvalidArgumentError("history entries are signed with the CA's P-256 key");
  }
  ASSIGN_OR_RETURN(Bytes message, SignedMessage(entry));
  ASSIGN_OR_RETURN(Bytes signature, ca_key.Sign(message));
  return SignedHistoryEntry{entry, std::move(signature)};
}

absl::Status VerifyHistoryEntrySignature(const SignedHistoryEntry& s,
                                         const crypto::PublicKey& ca_public_key) {
  if (ca_public_key.type() != crypto::KeyType::kP256) {
    return absl::InvalidArgumentError(
        StrCat("CA key is ", crypto::KeyTypeName(ca_public_key.type()), ", want P-256"));
  }
  ASSIGN_OR_RETURN(Bytes message, SignedMessage(s.entry));
  absl::Status st = ca_public_key.Verify(message, s.signature);
  if (!st.ok()) {
    return absl::PermissionDeniedError(StrCat("history entry generation ", s.entry.generation,
                                              ": bad CA signature: ", StatusText(st)));
  }
  return absl::OkStatus();
}

}  // namespace c8s::manifest
