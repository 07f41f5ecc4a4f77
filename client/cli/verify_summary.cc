#include "client/cli/verify_summary.h"

#include "lib/base/clock.h"
#include "lib/base/strings.h"
#include "lib/crypto/hash.h"

namespace c8s::cli {
namespace {

std::string Generations(const std::vector<int64_t>& g) {
  if (g.empty()) return "none";
  std::string out;
  for (int64_t v : g) out += StrCat(out.empty() ? "" : ", ", v);
  return out;
}

}  // namespace

std::string AssuranceDescription(attest::AssuranceLevel level) {
  switch (level) {
    case attest::AssuranceLevel::kFullImage:
      return "firmware, kernel, initrd and command line are measured (self-managed SNP/TDX)";
    case attest::AssuranceLevel::kFirmwareAndRtmrs:
      return "firmware (MRTD) is measured; kernel, command line and initrd only via RTMRs "
             "(GKE TDX)";
    case attest::AssuranceLevel::kFirmwareOnly:
      return "only the provider's firmware is measured, nothing of the guest image "
             "(GKE/EKS SNP): the owner pins firmware values";
    case attest::AssuranceLevel::kParavisor:
      return "only the paravisor is measured; the rest would need vTPM PCRs (AKS SNP)";
    case attest::AssuranceLevel::kSimulated:
      return "SIMULATED evidence: no hardware protection at all (development only)";
    case attest::AssuranceLevel::kUnknown:
      break;
  }
  return "not stated: give the reference values' \"assurance\" (or --assurance) for what the "
         "launch measurement covers on this platform";
}

void PrintVerifySummary(std::ostream& out, const VerifySummary& s) {
  const client::VerifiedCds& c = s.cds;
  const attest::Claims& claims = c.claims;
  out << "CDS " << s.target << ": verified\n"
      << "  cluster:      " << c.cluster << "\n"
      << "  CA:           " << c.ca.Subject() << ", serial " << c.ca.SerialHex() << ", valid until "
      << FormatRfc3339(c.ca.NotAfter()) << " (pinned)\n"
      << "  sealing key:  X25519 " << crypto::Sha256Prefixed(c.sealing_key.SpkiDer())
      << " (SPKI hash)\n"
      << "  CDS:          image " << c.image_digest << ", pod " << c.pod_ref << "\n"
      << "  evidence:     " << attest::PlatformName(claims.platform) << ", " << claims.product
      << ", signed by " << attest::SigningKeyKindName(claims.signing_key) << "\n"
      << "  measurement:  " << HexEncode(claims.measurement) << "\n"
      << "  assurance:    " << attest::AssuranceLevelName(claims.assurance) << ": "
      << AssuranceDescription(claims.assurance) << "\n";
  if (!c.state.claimed) {
    out << "  state:        UNCLAIMED (nothing is issued until `c8sctl claim`)\n";
  } else {
    out << "  state:        claimed, generation " << s.history.head.generation << ", head "
        << s.history.head.entry_hash << ", approval " << manifest::ApprovalModeName(s.mode) << "\n"
        << "  manifest:     " << s.active_hash << " (active)\n"
        << "  history:      " << s.entries.size()
        << " entries; chain and CA signatures verified; owner signatures verified for "
           "generations "
        << Generations(s.history.approvals_verified);
    if (!s.history.approvals_unchecked.empty()) {
      out << " (not for " << Generations(s.history.approvals_unchecked)
          << ": their manifests were never seen here)";
    }
    out << "\n";
  }
  out << "  saved:        " << s.state_dir << " (CA, sealing key, manifest, history head)\n";
}

void PrintVerifyWarnings(std::ostream& err, const VerifySummary& s) {
  if (s.mode == manifest::ApprovalMode::kAutomatic) {
    err << "WARNING: ************************************************************\n"
           "WARNING: APPROVAL MODE IS AUTOMATIC (development only).\n"
           "WARNING: Manifests proposed by the control plane become active WITHOUT an\n"
           "WARNING: owner's approval: the cluster's policy is whatever the operator says.\n"
           "WARNING: ************************************************************\n";
  }
  if (s.cds.claims.assurance == attest::AssuranceLevel::kSimulated) {
    err << "WARNING: the CDS's evidence is SIMULATED: it proves nothing about hardware.\n";
  }
}

}  // namespace c8s::cli
