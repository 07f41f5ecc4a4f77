// The c8s certificate profile: attestation claims carried in non-critical X.509 extensions
// under one private OID arc (docs/certificate-profile.md is the reference).
//
//   C8sClaimsExtension claims{.platform = "sev-snp", .measurement_hex = m, .node_name = "n1"};
//   RETURN_IF_ERROR(AddC8sClaims(claims, options));          // options: IssueOptions
//   ASSIGN_OR_RETURN(C8sClaimsExtension got, ReadC8sClaims(cert));
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "lib/crypto/x509.h"

namespace c8s::crypto {

// 2.25.<UUID 16f318a5-df68-4808-822c-31bab5700885 as a decimal integer> (ITU-T X.667).
inline constexpr std::string_view kC8sOidArc = "2.25.30505243963510640454063061368761747589";

enum class ClaimAsn1 { kUtf8String, kOctetString, kInteger };

// One entry per sub-arc; the order of this table is the order of the extensions in a
// certificate and of the fields `c8sctl cert inspect` prints.
struct ClaimInfo {
  int arc;                      // kC8sOidArc + "." + arc
  std::string_view short_name;  // OpenSSL short name, e.g. "c8sPlatform"
  std::string_view long_name;   // OpenSSL long name, e.g. "c8s platform"
  ClaimAsn1 asn1;
};
const std::vector<ClaimInfo>& C8sClaimTable();
std::string C8sClaimOid(int arc);

enum class ApprovalMode { kOwner, kAutomatic };
std::string_view ApprovalModeName(ApprovalMode mode);  // "Owner", "Automatic"

struct C8sClaimsExtension {
  std::optional<std::string> platform;         // .1 "sev-snp", "tdx", "simulated"
  std::optional<std::string> measurement_hex;  // .2 lowercase hex; OCTET STRING on the wire
  std::optional<std::string> tcb;              // .3 platform TCB, e.g. "bl=3,tee=0,snp=8,ucode=115"
  std::optional<std::string> node_name;        // .4 Kubernetes node name
  std::optional<std::string> workload_identity;  // .5 "<namespace>/<WorkloadIdentity name>"
  std::optional<int64_t> manifest_generation;    // .6
  std::optional<std::string> assurance_level;    // .7 e.g. "hardware", "simulated"
  std::optional<std::string> node_serial_hex;    // .8 the node certificate's serial (INTEGER)
  std::optional<ApprovalMode> approval_mode;     // .9
  std::optional<std::string> manifest_hash;      // .10 "sha256:<hex>" of the active manifest
  bool empty() const;
  bool operator==(const C8sClaimsExtension&) const = default;
};

// Registers every c8s OID with OpenSSL (OBJ_create) once per process, thread-safe, so that
// X509_print and `Certificate::ToText()` show "c8sPlatform" instead of the dotted OID.
void RegisterC8sOids();

// An OpenSSL config file that names the c8s OIDs for the `openssl` command line:
//   OPENSSL_CONF=c8s-oids.cnf openssl x509 -text -in node.pem
std::string C8sOpenSslConfig();

// Appends one non-critical extension per present claim; fails on invalid values (bad hex,
// unknown approval mode) or when `options` already carries a c8s extension.
absl::Status AddC8sClaims(const C8sClaimsExtension& claims, IssueOptions& options);
// Decodes every c8s extension of `cert`; unknown sub-arcs are ignored, a malformed or
// critical c8s extension is an error naming it.
absl::StatusOr<C8sClaimsExtension> ReadC8sClaims(const Certificate& cert);

// (short name, printable value) for every present claim, in table order, for display.
std::vector<std::pair<std::string, std::string>> DescribeC8sClaims(
    const C8sClaimsExtension& claims);

}  // namespace c8s::crypto
