#include "node-agent/admission/fixed_policy.h"

#include "lib/base/fd.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/jcs.h"
#include "lib/crypto/x509.h"

namespace c8s::admission {

absl::StatusOr<manifest::PolicyBundle> LoadVerifiedBundle(const std::string& bundle_path,
                                                          const std::string& ca_cert_path,
                                                          std::string_view trust_domain) {
  ASSIGN_OR_RETURN(std::string ca_pem, ReadFile(ca_cert_path, 1 << 20));
  absl::StatusOr<crypto::Certificate> ca = crypto::Certificate::FromPem(ca_pem);
  if (!ca.ok()) return Annotate(ca.status(), StrCat("CA certificate ", ca_cert_path));
  ASSIGN_OR_RETURN(crypto::PublicKey ca_key, ca->GetPublicKey());
  ASSIGN_OR_RETURN(std::string signed_json, ReadFile(bundle_path, 64 << 20));
  std::string domain(trust_domain);
  if (domain.empty()) {
    // Only to name the domain to check against; VerifyBundle checks the signature first.
    absl::StatusOr<nlohmann::json> doc = crypto::ParseStrictJson(signed_json);
    if (doc.ok() && doc->is_object() && doc->contains("bundle") && (*doc)["bundle"].is_object() &&
        (*doc)["bundle"].contains("trustDomain") && (*doc)["bundle"]["trustDomain"].is_string()) {
      domain = (*doc)["bundle"]["trustDomain"].get<std::string>();
    }
  }
  absl::StatusOr<manifest::PolicyBundle> bundle =
      manifest::VerifyBundle(signed_json, ca_key, domain, 0);
  if (!bundle.ok()) return Annotate(bundle.status(), bundle_path);
  return bundle;
}

}  // namespace c8s::admission
