// The cluster CA inside the CDS (ARCHITECTURE.md §3.1, §4): an ECDSA P-256 key generated in
// CVM memory, node certificates carrying the verified hardware claims, and workload
// certificates with a SPIFFE URI SAN that copy the issuing node's claims.
//
//   ASSIGN_OR_RETURN(ClusterCa ca, ClusterCa::Generate(clock.Now()));
//   ASSIGN_OR_RETURN(Certificate node, ca.IssueNode(csr, node_claims, {.lifetime = ...}));
//   ASSIGN_OR_RETURN(Certificate wl, ca.IssueWorkload(csr, workload_request));
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/attest/claims.h"
#include "lib/crypto/cert_profile.h"
#include "lib/crypto/x509.h"

namespace c8s::cds {

// What the active manifest says, stamped into every certificate.
struct ManifestStamp {
  int64_t generation = 0;
  std::string manifest_hash;
  crypto::ApprovalMode mode = crypto::ApprovalMode::kOwner;
};

struct NodeCertRequest {
  std::string node_name;
  std::string trust_domain;
  attest::Claims claims;  // verified
  ManifestStamp stamp;
  absl::Time now;
  absl::Duration lifetime = absl::Hours(24);
};

struct WorkloadCertRequest {
  std::string identity;  // "namespace/name", defined by the active manifest
  std::string trust_domain;
  std::vector<std::string> dns_names;
  crypto::C8sClaimsExtension node_claims;  // read from the caller's node certificate
  std::string node_serial_hex;
  ManifestStamp stamp;
  absl::Time now;
  absl::Duration lifetime = absl::Hours(1);
};

// "spiffe://<trustDomain>/ns/<ns>/id/<name>" for "ns/name"; node certificates use
// "spiffe://<trustDomain>/node/<node name>".
std::string WorkloadSpiffeId(std::string_view trust_domain, std::string_view identity);
std::string NodeSpiffeId(std::string_view trust_domain, std::string_view node_name);
// "bl=3,tee=0,snp=8,ucode=115[,fmc=1]" for SNP, "tee_tcb_svn=<hex>" for TDX.
std::string TcbString(const attest::Claims& claims);

class ClusterCa {
 public:
  // A fresh P-256 key and a self-signed CA certificate valid for 10 years.
  static absl::StatusOr<ClusterCa> Generate(absl::Time now);
  static absl::StatusOr<ClusterCa> Load(std::string_view key_pem, std::string_view cert_pem);

  // IssueNode takes a CSR whose proof of possession VerifyNodeJoin has checked; IssueWorkload
  // checks the CSR's self-signature itself before anything is issued.
  absl::StatusOr<crypto::Certificate> IssueNode(const crypto::CertificateRequest& csr,
                                                const NodeCertRequest& request) const;
  absl::StatusOr<crypto::Certificate> IssueWorkload(const crypto::CertificateRequest& csr,
                                                    const WorkloadCertRequest& request) const;

  const crypto::CertificateAuthority& authority() const { return ca_; }
  const crypto::Certificate& certificate() const { return ca_.certificate(); }
  const crypto::PrivateKey& key() const { return ca_.key(); }

 private:
  explicit ClusterCa(crypto::CertificateAuthority ca) : ca_(std::move(ca)) {}
  crypto::CertificateAuthority ca_;
};

}  // namespace c8s::cds
