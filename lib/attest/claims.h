// Verified claims: what a piece of hardware evidence proves, for both SEV-SNP and TDX.
//
// Verifiers (snp_verifier, tdx_verifier) turn evidence into Claims only after every
// authenticity check passed; policy.h then evaluates Claims against reference values.
//   ASSIGN_OR_RETURN(Claims claims, verifier.Verify(evidence, options));
//   PolicyResult r = EvaluatePolicy(policy, claims);   // every failed check, with values
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lib/base/bytes.h"

namespace c8s::attest {

enum class Platform { kSevSnp, kTdx, kSimulatedSevSnp, kSimulatedTdx };
std::string_view PlatformName(Platform p);  // "sev-snp", "tdx", "simulated-sev-snp", ...
std::optional<Platform> PlatformFromName(std::string_view name);  // inverse of PlatformName

enum class SigningKeyKind { kNone, kVcek, kVlek, kPck };
std::string_view SigningKeyKindName(SigningKeyKind k);

// What the launch measurement covers on this platform (ARCHITECTURE.md §1).
enum class AssuranceLevel {
  kUnknown,
  kFullImage,         // firmware, kernel, initrd, command line measured
  kFirmwareAndRtmrs,  // MRTD + RTMRs from the event log (GKE TDX)
  kFirmwareOnly,      // provider firmware only (GKE/EKS SNP)
  kParavisor,         // Azure paravisor; vTPM carries the rest
  kSimulated,         // no hardware at all
};
std::string_view AssuranceLevelName(AssuranceLevel a);

// SEV-SNP TCB_VERSION decoded per product (SEV-SNP ABI: Milan/Genoa layout vs Turin).
struct SnpTcb {
  uint8_t bootloader = 0;
  uint8_t tee = 0;
  uint8_t snp = 0;
  uint8_t microcode = 0;
  uint8_t fmc = 0;  // Turin only
  uint64_t raw = 0;
};

struct Claims {
  Platform platform = Platform::kSevSnp;
  std::string product;  // "Milan", "Genoa", "Turin" for SNP; "TDX" for TDX
  SigningKeyKind signing_key = SigningKeyKind::kNone;
  AssuranceLevel assurance = AssuranceLevel::kUnknown;

  Bytes measurement;  // SNP MEASUREMENT (48) / TDX MRTD (48)
  Bytes report_data;  // 64 bytes
  Bytes host_data;    // SNP HOST_DATA (32) / TDX MRCONFIGID (48)
  bool debug = false;
  bool migration_agent = false;  // SNP policy MIGRATE_MA

  // SEV-SNP
  uint32_t report_version = 0;
  uint32_t vmpl = 0;
  uint32_t guest_svn = 0;
  uint64_t policy = 0;
  uint8_t policy_abi_major = 0;
  uint8_t policy_abi_minor = 0;
  uint64_t platform_info = 0;
  bool smt_enabled = false;
  bool tsme_enabled = false;
  SnpTcb reported_tcb;
  SnpTcb current_tcb;
  SnpTcb committed_tcb;
  SnpTcb launch_tcb;
  Bytes id_key_digest;
  Bytes author_key_digest;
  Bytes chip_id;  // 64 bytes; all zero when masked
  bool chip_id_masked = false;
  Bytes report_id;
  Bytes family_id;
  Bytes image_id;

  // TDX
  uint32_t quote_version = 0;
  Bytes tee_tcb_svn;  // 16 bytes
  Bytes mr_seam;
  Bytes mr_signer_seam;
  uint64_t td_attributes = 0;
  bool sept_ve_disable = false;
  uint64_t xfam = 0;
  Bytes mr_owner;
  Bytes mr_owner_config;
  std::vector<Bytes> rtmrs;  // 4 x 48 bytes
  Bytes ppid;
  Bytes fmspc;
  std::string tcb_status;  // "UpToDate", ..., or "Unknown" without collateral
  std::vector<std::string> advisory_ids;

  // Claims as JSON with lowercase hex, for `c8sctl evidence verify` and certificates.
  nlohmann::json ToJson() const;
};

}  // namespace c8s::attest
