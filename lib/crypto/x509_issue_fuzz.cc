// The CDS encodes every certificate it issues itself (x509_tbs.cc) from names, SANs and
// claim values that come, in the end, from manifests, CSRs and node evidence. For any such
// input the encoder must either refuse with an error or produce DER that OpenSSL parses
// back to exactly what was asked for.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "lib/crypto/cert_profile.h"
#include "lib/crypto/x509.h"

namespace {

using namespace c8s;
using namespace c8s::crypto;

// Splits the input into NUL-separated fields.
std::vector<std::string> Fields(const uint8_t* data, size_t size) {
  std::vector<std::string> out(1);
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == 0xfe && out.size() < 12) {
      out.emplace_back();
    } else {
      out.back().push_back(static_cast<char>(data[i]));
    }
  }
  while (out.size() < 12) out.emplace_back();
  return out;
}

void Require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "issued certificate does not round-trip: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const absl::Time now = absl::FromUnixSeconds(1790000000);
  static const CertificateAuthority* ca = new CertificateAuthority(
      CertificateAuthority::CreateSelfSigned(PrivateKey::Generate(KeyType::kP256).value(),
                                             {"fuzz CA", "c8s"}, now - absl::Hours(1),
                                             now + absl::Hours(24 * 365))
          .value());
  static const PublicKey* key =
      new PublicKey(PrivateKey::Generate(KeyType::kP256).value().GetPublicKey());
  std::vector<std::string> f = Fields(data, size);
  uint8_t flags = f[0].empty() ? 0 : static_cast<uint8_t>(f[0][0]);
  IssueOptions o = LeafOptions({f[1], f[2]}, now, absl::Seconds(1 + (flags & 0x3f)) * 3600);
  o.server_auth = (flags & 0x40) != 0;
  o.client_auth = (flags & 0x80) != 0;
  if (!f[3].empty()) o.sans.dns.push_back(f[3]);
  if (!f[4].empty()) o.sans.ips.push_back(f[4]);
  if (!f[5].empty()) o.sans.uris.push_back(f[5]);
  if (!f[6].empty()) o.extensions.push_back({f[6], Bytes(f[7].begin(), f[7].end()), false});
  C8sClaimsExtension claims;
  if (!f[8].empty()) claims.node_name = f[8];
  if (!f[9].empty()) claims.workload_identity = f[9];
  if (!f[10].empty()) claims.node_serial_hex = f[10];
  if (!f[11].empty()) claims.measurement_hex = f[11];
  if (!claims.empty() && !AddC8sClaims(claims, o).ok()) return 0;

  absl::StatusOr<Certificate> issued = ca->Issue(*key, o);
  if (!issued.ok()) return 0;
  absl::StatusOr<Certificate> parsed = Certificate::FromDer(issued->ToDer());
  Require(parsed.ok(), "DER does not parse");
  Require(parsed->SerialHex() == issued->SerialHex(), "serial");
  Require(parsed->NotAfter() == issued->NotAfter(), "notAfter");
  Require(parsed->CommonName() == o.subject.common_name, "common name");
  absl::StatusOr<SubjectAltNames> sans = parsed->Sans();
  Require(sans.ok() && sans->dns == o.sans.dns && sans->uris == o.sans.uris &&
              sans->ips.size() == o.sans.ips.size(),
          "subjectAltName");
  if (!claims.empty()) {  // then AddC8sClaims made sure no other c8s extension is present
    absl::StatusOr<C8sClaimsExtension> read = ReadC8sClaims(*parsed);
    Require(read.ok(), "c8s claims do not decode");
    Require(read->node_name == claims.node_name, "c8sNodeName");
    Require(read->workload_identity == claims.workload_identity, "c8sWorkloadIdentity");
  }
  Require(VerifyChain(*parsed, {}, {ca->certificate()}, now).ok(), "chain");
  return 0;
}
