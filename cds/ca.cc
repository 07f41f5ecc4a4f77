#include "cds/ca.h"

#include "lib/base/bytes.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::cds {

std::string WorkloadSpiffeId(std::string_view trust_domain, std::string_view identity) {
  size_t slash = identity.find('/');
  return StrCat("spiffe://", trust_domain, "/ns/", identity.substr(0, slash), "/id/",
                identity.substr(slash + 1));
}

std::string NodeSpiffeId(std::string_view trust_domain, std::string_view node_name) {
  return StrCat("spiffe://", trust_domain, "/node/", node_name);
}

std::string TcbString(const attest::Claims& c) {
  if (c.platform == attest::Platform::kTdx || c.platform == attest::Platform::kSimulatedTdx) {
    return StrCat("tee_tcb_svn=", HexEncode(c.tee_tcb_svn));
  }
  const attest::SnpTcb& t = c.reported_tcb;
  std::string s =
      StrCat("bl=", static_cast<int>(t.bootloader), ",tee=", static_cast<int>(t.tee),
             ",snp=", static_cast<int>(t.snp), ",ucode=", static_cast<int>(t.microcode));
  if (c.product == "Turin") s += StrCat(",fmc=", static_cast<int>(t.fmc));
  return s;
}

absl::StatusOr<ClusterCa> ClusterCa::Generate(absl::Time now) {
  ASSIGN_OR_RETURN(crypto::PrivateKey key, crypto::PrivateKey::Generate(crypto::KeyType::kP256));
  ASSIGN_OR_RETURN(crypto::CertificateAuthority ca,
                   crypto::CertificateAuthority::CreateSelfSigned(
                       std::move(key), crypto::Name("c8s cluster CA", "c8s"),
                       now - absl::Minutes(5), now + absl::Hours(24 * 3650)));
  return ClusterCa(std::move(ca));
}

absl::StatusOr<ClusterCa> ClusterCa::Load(std::string_view key_pem, std::string_view cert_pem) {
  ASSIGN_OR_RETURN(crypto::PrivateKey key, crypto::PrivateKey::FromPem(key_pem));
  ASSIGN_OR_RETURN(crypto::Certificate cert, crypto::Certificate::FromPem(cert_pem));
  ASSIGN_OR_RETURN(crypto::CertificateAuthority ca,
                   crypto::CertificateAuthority::Create(std::move(cert), std::move(key)));
  return ClusterCa(std::move(ca));
}

absl::StatusOr<crypto::Certificate> ClusterCa::IssueNode(const crypto::CertificateRequest& csr,
                                                         const NodeCertRequest& r) const {
  crypto::IssueOptions opt =
      crypto::LeafOptions(crypto::Name(r.node_name, "c8s node"), r.now, r.lifetime);
  opt.client_auth = true;
  opt.server_auth = true;
  opt.sans.uris = {NodeSpiffeId(r.trust_domain, r.node_name)};
  crypto::C8sClaimsExtension claims;
  claims.platform = std::string(attest::PlatformName(r.claims.platform));
  claims.measurement_hex = HexEncode(r.claims.measurement);
  claims.tcb = TcbString(r.claims);
  claims.node_name = r.node_name;
  claims.manifest_generation = r.stamp.generation;
  claims.assurance_level = std::string(attest::AssuranceLevelName(r.claims.assurance));
  claims.approval_mode = r.stamp.mode;
  claims.manifest_hash = r.stamp.manifest_hash;
  RETURN_IF_ERROR(crypto::AddC8sClaims(claims, opt));
  // VerifyNodeJoin checked the CSR's proof of possession moments ago.
  return ca_.IssueForVerifiedRequest(csr, opt);
}

absl::StatusOr<crypto::Certificate> ClusterCa::IssueWorkload(const crypto::CertificateRequest& csr,
                                                             const WorkloadCertRequest& r) const {
  if (r.identity.find('/') == std::string::npos) {
    return absl::InvalidArgumentError(
        StrCat("workload identity \"", r.identity, "\": want namespace/name"));
  }
  crypto::IssueOptions opt =
      crypto::LeafOptions(crypto::Name(r.identity, "c8s workload"), r.now, r.lifetime);
  opt.client_auth = true;
  opt.server_auth = true;
  opt.sans.uris = {WorkloadSpiffeId(r.trust_domain, r.identity)};
  opt.sans.dns = r.dns_names;
  crypto::C8sClaimsExtension claims = r.node_claims;
  claims.workload_identity = r.identity;
  claims.node_serial_hex = r.node_serial_hex;
  claims.manifest_generation = r.stamp.generation;
  claims.approval_mode = r.stamp.mode;
  claims.manifest_hash = r.stamp.manifest_hash;
  RETURN_IF_ERROR(crypto::AddC8sClaims(claims, opt));
  return ca_.IssueForRequest(csr, opt);
}

}  // namespace c8s::cds
