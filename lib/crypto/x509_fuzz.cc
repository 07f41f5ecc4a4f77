// Certificates arrive from peers, vendors and users: any bytes parsed as DER or as a PEM
// bundle must give a certificate or an error, and every accessor, including the c8s
// extension decoder, must cope with whatever a parseable certificate holds.
#include <cstddef>
#include <cstdint>

#include "lib/crypto/cert_profile.h"
#include "lib/crypto/x509.h"

namespace {

void Exercise(const c8s::crypto::Certificate& cert) {
  (void)cert.Subject();
  (void)cert.Issuer();
  (void)cert.CommonName();
  (void)cert.SerialHex();
  (void)cert.NotBefore();
  (void)cert.NotAfter();
  (void)cert.GetPublicKey();
  (void)cert.Sans();
  (void)cert.IsCa();
  (void)cert.ToDer();
  (void)c8s::crypto::ReadC8sClaims(cert);
  for (const c8s::crypto::ClaimInfo& info : c8s::crypto::C8sClaimTable()) {
    (void)cert.Extension(c8s::crypto::C8sClaimOid(info.arc));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  c8s::ByteSpan input(data, size);
  if (auto cert = c8s::crypto::Certificate::FromDer(input); cert.ok()) Exercise(*cert);
  if (auto certs = c8s::crypto::Certificate::FromPemBundle(c8s::AsChars(input)); certs.ok()) {
    for (const c8s::crypto::Certificate& cert : *certs) Exercise(cert);
  }
  (void)c8s::crypto::Crl::Parse(input);
  if (auto csr = c8s::crypto::CertificateRequest::FromDer(input); csr.ok()) {
    (void)csr->Subject();
    (void)csr->CommonName();
    (void)csr->Sans();
    (void)csr->SpkiDer();
    (void)csr->VerifySelfSignature();
    (void)c8s::crypto::CertificateRequest::FromPem(csr->ToPem());
  }
  (void)c8s::crypto::CertificateRequest::FromPem(c8s::AsChars(input));
  return 0;
}
