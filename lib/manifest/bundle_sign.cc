// Signing and verifying node policy bundles with the CA key.
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/jcs.h"
#include "lib/manifest/bundle.h"
#include "lib/manifest/json_reader.h"

namespace c8s::manifest {
namespace {

Bytes SignedMessage(std::string_view canonical_bundle) {
  // Built as one string: g++ 12 warns (falsely) on vector appends of a constant prefix.
  return ToBytes(StrCat(kBundleSignatureContext, canonical_bundle));
}

}  // namespace

absl::StatusOr<std::string> SignBundle(const PolicyBundle& bundle,
                                       const crypto::PrivateKey& ca_key) {
  if (ca_key.type() != crypto::KeyType::kP256) {
    return absl::InvalidArgumentError("bundles are signed with the CA's P-256 key");
  }
  nlohmann::json doc = ToJson(bundle);
  ASSIGN_OR_RETURN(std::string canon, crypto::CanonicalJson(doc));
  ASSIGN_OR_RETURN(Bytes signature, ca_key.Sign(SignedMessage(canon)));
  return crypto::CanonicalJson({{"bundle", doc}, {"signature", Base64Encode(signature)}});
}

absl::StatusOr<PolicyBundle> VerifyBundle(std::string_view signed_json,
                                          const crypto::PublicKey& ca_public_key,
                                          std::string_view trust_domain,
                                          int64_t enforced_generation) {
  if (ca_public_key.type() != crypto::KeyType::kP256) {
    return absl::InvalidArgumentError(
        StrCat("CA key is ", crypto::KeyTypeName(ca_public_key.type()), ", want P-256"));
  }
  ASSIGN_OR_RETURN(nlohmann::json doc, crypto::ParseStrictJson(signed_json));
  ASSIGN_OR_RETURN(internal::ObjectReader r,
                   internal::ObjectReader::Open(doc, "", {"bundle", "signature"}));
  ASSIGN_OR_RETURN(const nlohmann::json* bundle_json, r.Required("bundle"));
  std::string signature_text;
  RETURN_IF_ERROR(r.String("signature", &signature_text));
  auto signature = Base64Decode(signature_text);
  if (!signature.ok()) return internal::PathError("signature", "not strict base64");
  // Verify the bytes as received before interpreting any of them.
  ASSIGN_OR_RETURN(std::string canon, crypto::CanonicalJson(*bundle_json));
  absl::Status st = ca_public_key.Verify(SignedMessage(canon), *signature);
  if (!st.ok()) {
    return absl::PermissionDeniedError(StrCat("policy bundle: bad CA signature: ", StatusText(st)));
  }
  ASSIGN_OR_RETURN(PolicyBundle bundle, ParseBundleJson(*bundle_json, "bundle"));
  if (bundle.trust_domain != trust_domain) {
    return absl::PermissionDeniedError(StrCat("policy bundle for trust domain ",
                                              bundle.trust_domain, " but this node is in ",
                                              trust_domain));
  }
  if (bundle.generation < enforced_generation) {
    return absl::PermissionDeniedError(
        StrCat("policy bundle rollback: generation ", bundle.generation,
               " is below the enforced generation ", enforced_generation));
  }
  return bundle;
}

}  // namespace c8s::manifest
