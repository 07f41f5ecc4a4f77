// SEV-SNP ATTESTATION_REPORT (SNP firmware ABI #56860), versions 2 to 5, parsed at exact offsets.
//
// Parsing checks the structure only (size, version, algorithm, must-be-zero fields); it does
// not check the signature (snp_verifier.h does). Errors carry a VerifyErrorKind.
//   ASSIGN_OR_RETURN(SnpReport r, ParseSnpReport(bytes));   // exactly 1184 bytes
//   SnpTcb tcb = DecodeSnpTcb(r.reported_tcb, SnpProduct::kMilan);
//   ByteSpan signed_part = r.SignedBytes();                  // [0x000, 0x2A0)
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"
#include "lib/attest/claims.h"
#include "lib/base/bytes.h"

namespace c8s::attest {

inline constexpr size_t kSnpReportSize = 0x4A0;
inline constexpr size_t kSnpSignedSize = 0x2A0;
inline constexpr size_t kSnpSignatureOffset = 0x2A0;
inline constexpr uint32_t kSnpMinVersion = 2;
inline constexpr uint32_t kSnpMaxVersion = 5;

enum class SnpProduct { kUnknown, kMilan, kGenoa, kTurin };
std::string_view SnpProductName(SnpProduct p);  // "Milan", "Genoa", "Turin", "unknown"
// From a VCEK/VLEK product name ("Milan-B0", "Milan", "Genoa", "Turin-…") or a plain name.
SnpProduct SnpProductFromName(std::string_view name);
// From the report's CPUID_FAM_ID / CPUID_MOD_ID (version 3 and later).
SnpProduct SnpProductFromCpuid(uint8_t family, uint8_t model);

// TCB_VERSION byte layout differs: Milan/Genoa {bl, tee, r, r, r, r, snp, ucode};
// Turin {fmc, bl, tee, snp, r, r, r, ucode}.
SnpTcb DecodeSnpTcb(uint64_t raw, SnpProduct product);
uint64_t EncodeSnpTcb(const SnpTcb& tcb, SnpProduct product);

// Signing key selected by KEY_INFO bits 4:2.
inline constexpr uint32_t kSnpSigningKeyVcek = 0;
inline constexpr uint32_t kSnpSigningKeyVlek = 1;
inline constexpr uint32_t kSnpSigningKeyNone = 7;

struct SnpReport {
  uint32_t version = 0;
  uint32_t guest_svn = 0;
  uint64_t policy = 0;
  std::array<uint8_t, 16> family_id{};
  std::array<uint8_t, 16> image_id{};
  uint32_t vmpl = 0;
  uint32_t signature_algo = 0;
  uint64_t current_tcb = 0;
  uint64_t platform_info = 0;
  uint32_t key_info = 0;
  std::array<uint8_t, 64> report_data{};
  std::array<uint8_t, 48> measurement{};
  std::array<uint8_t, 32> host_data{};
  std::array<uint8_t, 48> id_key_digest{};
  std::array<uint8_t, 48> author_key_digest{};
  std::array<uint8_t, 32> report_id{};
  std::array<uint8_t, 32> report_id_ma{};
  uint64_t reported_tcb = 0;
  uint8_t cpuid_fam_id = 0;  // version >= 3
  uint8_t cpuid_mod_id = 0;
  uint8_t cpuid_step = 0;
  std::array<uint8_t, 64> chip_id{};
  uint64_t committed_tcb = 0;
  uint8_t current_build = 0, current_minor = 0, current_major = 0;
  uint8_t committed_build = 0, committed_minor = 0, committed_major = 0;
  uint64_t launch_tcb = 0;
  uint64_t launch_mit_vector = 0;   // version >= 5
  uint64_t current_mit_vector = 0;  // version >= 5
  std::array<uint8_t, 72> signature_r{};  // little-endian, zero-padded
  std::array<uint8_t, 72> signature_s{};
  Bytes raw;  // the 1184 bytes

  uint32_t signing_key() const { return (key_info >> 2) & 7; }
  bool author_key_en() const { return key_info & 1; }
  bool mask_chip_key() const { return key_info & 2; }
  bool debug() const { return policy & (1ull << 19); }
  bool migrate_ma() const { return policy & (1ull << 18); }
  bool chip_id_zero() const;
  ByteSpan SignedBytes() const { return ByteSpan(raw).first(kSnpSignedSize); }
  // Product from CPUID (version >= 3), kUnknown for version 2.
  SnpProduct CpuidProduct() const;
};

// Parses exactly kSnpReportSize bytes: truncated or oversized input, versions outside 2..5,
// SIGNATURE_ALGO != 1, VMPL > 3 and every non-zero reserved field are distinct errors.
absl::StatusOr<SnpReport> ParseSnpReport(ByteSpan data);

}  // namespace c8s::attest
