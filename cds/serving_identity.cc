#include "cds/serving_identity.h"

#include "absl/time/clock.h"
#include "lib/base/status.h"

namespace c8s::cds {

absl::StatusOr<crypto::TlsIdentity> ServingIdentity(Cds* cds, const crypto::SubjectAltNames& sans) {
  ASSIGN_OR_RETURN(crypto::PrivateKey key, crypto::PrivateKey::Generate(crypto::KeyType::kP256));
  if (cds == nullptr) {
    absl::Time now = absl::Now();
    ASSIGN_OR_RETURN(crypto::CertificateAuthority self,
                     crypto::CertificateAuthority::CreateSelfSigned(
                         key, crypto::Name("c8s-cds (sealed)", "c8s"), now - absl::Minutes(5),
                         now + absl::Hours(24 * 30)));
    return crypto::TlsIdentity{{self.certificate()}, std::move(key)};
  }
  ASSIGN_OR_RETURN(crypto::CertificateRequest csr,
                   crypto::CertificateRequest::Create(key, {"c8s-cds"}, {}));
  ASSIGN_OR_RETURN(crypto::Certificate cert, cds->IssueServing(csr, sans));
  return crypto::TlsIdentity{{cert, cds->ca_certificate()}, std::move(key)};
}

}  // namespace c8s::cds
