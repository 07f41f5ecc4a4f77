#include "lib/attest/snp_verifier.h"

#include <algorithm>
#include <functional>
#include <string_view>

#include "lib/attest/snp_chain.h"
#include "lib/attest/verify_error.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/hash.h"

namespace c8s::attest {
namespace {

std::string Hex8(uint8_t v) { return HexEncode(ByteSpan(&v, 1)); }

absl::Status TcbMismatch(std::string_view component, uint8_t got_report, uint8_t got_cert) {
  return VerifyError(VerifyErrorKind::kTcbMismatch,
                     StrCat("REPORTED_TCB ", component, " SPL is ", got_report,
                            " but the signing key certificate says ", got_cert));
}

absl::Status CheckComponent(std::string_view name, uint8_t report_value,
                            const std::optional<uint8_t>& cert_value) {
  if (!cert_value) {
    return VerifyError(VerifyErrorKind::kCertificate,
                       StrCat("signing key certificate has no ", name, " SPL extension"));
  }
  if (*cert_value != report_value) return TcbMismatch(name, report_value, *cert_value);
  return absl::OkStatus();
}

// Every byte of REPORTED_TCB must be vouched for by the certificate: defined components equal
// their extension, reserved bytes equal spl4..7 where present and are zero otherwise.
absl::Status CheckTcb(const SnpReport& r, const SnpValidatedChain& chain) {
  const VekExtensions& e = chain.ext;
  auto byte = [&r](int i) { return static_cast<uint8_t>(r.reported_tcb >> (8 * i)); };
  if (chain.product == SnpProduct::kTurin) {
    RETURN_IF_ERROR(CheckComponent("FMC", byte(0), e.fmc_spl));
    RETURN_IF_ERROR(CheckComponent("boot loader", byte(1), e.bl_spl));
    RETURN_IF_ERROR(CheckComponent("TEE", byte(2), e.tee_spl));
    RETURN_IF_ERROR(CheckComponent("SNP", byte(3), e.snp_spl));
    for (int i = 4; i <= 6; ++i) {
      if (byte(i) != 0) {
        return VerifyError(
            VerifyErrorKind::kTcbMismatch,
            StrCat("REPORTED_TCB reserved byte ", i, " is 0x", Hex8(byte(i)), ", want 0 on Turin"));
      }
    }
  } else {
    RETURN_IF_ERROR(CheckComponent("boot loader", byte(0), e.bl_spl));
    RETURN_IF_ERROR(CheckComponent("TEE", byte(1), e.tee_spl));
    for (int i = 2; i <= 5; ++i) {
      uint8_t want = e.spl4_7[i - 2].value_or(0);
      if (byte(i) != want) {
        return TcbMismatch(StrCat("spl", i + 2), byte(i), want);
      }
    }
    RETURN_IF_ERROR(CheckComponent("SNP", byte(6), e.snp_spl));
  }
  return CheckComponent("microcode", byte(7), e.ucode_spl);
}

absl::Status CheckChipId(const SnpReport& r, const SnpValidatedChain& chain) {
  if (chain.kind != SigningKeyKind::kVcek) return absl::OkStatus();
  // A masked chip ID (all zero) cannot be compared; the claims say so and a policy that pins
  // chip IDs refuses it.
  if (r.chip_id_zero()) return absl::OkStatus();
  const Bytes& hw = *chain.ext.hw_id;
  size_t n = chain.product == SnpProduct::kTurin ? 8 : 64;
  bool rest_zero =
      std::all_of(r.chip_id.begin() + n, r.chip_id.end(), [](uint8_t b) { return b == 0; });
  if (hw.size() != n || !std::equal(hw.begin(), hw.end(), r.chip_id.begin()) || !rest_zero) {
    return VerifyError(
        VerifyErrorKind::kChipIdMismatch,
        StrCat("CHIP_ID ", HexEncode(r.chip_id), " does not match the VCEK hwID ", HexEncode(hw)));
  }
  return absl::OkStatus();
}

absl::Status CheckSignature(const SnpReport& r, const crypto::P384VerifyingKey& key) {
  // r and s are little-endian in 72-byte fields; only the low 48 bytes may be non-zero.
  Bytes big_endian[2];
  for (int i = 0; i < 2; ++i) {
    const auto& part = i == 0 ? r.signature_r : r.signature_s;
    if (!std::all_of(part.begin() + 48, part.end(), [](uint8_t b) { return b == 0; })) {
      return VerifyError(
          VerifyErrorKind::kSignature,
          StrCat("report signature ", i == 0 ? "R" : "S", " has non-zero bytes above bit 384"));
    }
    big_endian[i].assign(part.rend() - 48, part.rend());
  }
  absl::Status st = key.VerifyDigest(crypto::Sha384(r.SignedBytes()), big_endian[0], big_endian[1]);
  if (!st.ok()) {
    return VerifyError(VerifyErrorKind::kSignature,
                       StrCat("report signature (ECDSA P-384 over bytes 0x000-0x29f) does not "
                              "verify with the signing key certificate: ",
                              st.message()));
  }
  return absl::OkStatus();
}

}  // namespace

Claims SnpClaimsFromReport(const SnpReport& r, SnpProduct product) {
  Claims c;
  c.platform = Platform::kSevSnp;
  c.product = std::string(SnpProductName(product));
  c.signing_key =
      r.signing_key() == kSnpSigningKeyVlek ? SigningKeyKind::kVlek : SigningKeyKind::kVcek;
  c.measurement.assign(r.measurement.begin(), r.measurement.end());
  c.report_data.assign(r.report_data.begin(), r.report_data.end());
  c.host_data.assign(r.host_data.begin(), r.host_data.end());
  c.debug = r.debug();
  c.migration_agent = r.migrate_ma();
  c.report_version = r.version;
  c.vmpl = r.vmpl;
  c.guest_svn = r.guest_svn;
  c.policy = r.policy;
  c.policy_abi_major = static_cast<uint8_t>(r.policy >> 8);
  c.policy_abi_minor = static_cast<uint8_t>(r.policy);
  c.platform_info = r.platform_info;
  c.smt_enabled = r.platform_info & 1;
  c.tsme_enabled = r.platform_info & 2;
  c.reported_tcb = DecodeSnpTcb(r.reported_tcb, product);
  c.current_tcb = DecodeSnpTcb(r.current_tcb, product);
  c.committed_tcb = DecodeSnpTcb(r.committed_tcb, product);
  c.launch_tcb = DecodeSnpTcb(r.launch_tcb, product);
  c.id_key_digest.assign(r.id_key_digest.begin(), r.id_key_digest.end());
  c.author_key_digest.assign(r.author_key_digest.begin(), r.author_key_digest.end());
  c.chip_id.assign(r.chip_id.begin(), r.chip_id.end());
  c.chip_id_masked = r.chip_id_zero();
  c.report_id.assign(r.report_id.begin(), r.report_id.end());
  c.family_id.assign(r.family_id.begin(), r.family_id.end());
  c.image_id.assign(r.image_id.begin(), r.image_id.end());
  return c;
}

absl::StatusOr<Claims> VerifySnpEvidence(const Evidence& evidence, const SnpVerifyOptions& opt) {
  ASSIGN_OR_RETURN(SnpReport report, ParseSnpReport(evidence.report));
  return VerifySnpReport(report, evidence, opt);
}

absl::StatusOr<Claims> VerifySnpReport(const SnpReport& r, const Evidence& evidence,
                                       const SnpVerifyOptions& opt) {
  std::shared_ptr<const SnpValidatedChain> chain;
  Bytes key;
  if (opt.cache) {
    key = SnpChainCacheKey(r, evidence, opt);
    chain = opt.cache->Find(key);
  }
  if (!chain) {
    ASSIGN_OR_RETURN(chain, BuildSnpChain(r, evidence, opt));
    if (opt.cache) opt.cache->Insert(key, chain);
  }
  RETURN_IF_ERROR(CheckSnpChainTime(*chain, opt.now));

  // Product: version 3+ reports carry CPUID; version 2 reports rely on the certificate.
  if (r.version >= 3) {
    SnpProduct cpuid = r.CpuidProduct();
    if (cpuid == SnpProduct::kUnknown) {
      return VerifyError(VerifyErrorKind::kProduct,
                         StrCat("report CPUID family 0x", Hex8(r.cpuid_fam_id), " model 0x",
                                Hex8(r.cpuid_mod_id), " is not a known SEV-SNP product"));
    }
    if (cpuid != chain->product) {
      return VerifyError(
          VerifyErrorKind::kProduct,
          StrCat("report CPUID says ", SnpProductName(cpuid),
                 " but the signing key certificate is for ", SnpProductName(chain->product)));
    }
  }
  RETURN_IF_ERROR(CheckTcb(r, *chain));
  RETURN_IF_ERROR(CheckChipId(r, *chain));
  RETURN_IF_ERROR(CheckSignature(r, *chain->vek_key));
  if (opt.expected_report_data &&
      !std::equal(opt.expected_report_data->begin(), opt.expected_report_data->end(),
                  r.report_data.begin(), r.report_data.end())) {
    return VerifyError(VerifyErrorKind::kReportData,
                       StrCat("report data: got ", HexEncode(r.report_data), ", want ",
                              HexEncode(*opt.expected_report_data)));
  }
  Claims c = SnpClaimsFromReport(r, chain->product);
  c.signing_key = chain->kind;
  if (chain->simulated) {
    c.platform = Platform::kSimulatedSevSnp;
    c.assurance = AssuranceLevel::kSimulated;
  } else if (chain->kind == SigningKeyKind::kVlek) {
    c.assurance = AssuranceLevel::kFirmwareOnly;
  } else {
    c.assurance = opt.assurance;
  }
  return c;
}

std::shared_ptr<const SnpValidatedChain> SnpChainCache::Find(const Bytes& key) const {
  std::lock_guard lock(mu_);
  auto it = map_.find(key);
  return it == map_.end() ? nullptr : it->second;
}

void SnpChainCache::Insert(const Bytes& key, std::shared_ptr<const SnpValidatedChain> chain) {
  std::lock_guard lock(mu_);
  if (map_.size() >= capacity_) map_.clear();  // simple bound; chains are cheap to rebuild
  map_[key] = std::move(chain);
}

size_t SnpChainCache::size() const {
  std::lock_guard lock(mu_);
  return map_.size();
}

size_t SnpChainCache::KeyHash::operator()(const Bytes& b) const {
  // Only spreads the buckets; a hit is decided by comparing the whole key.
  return std::hash<std::string_view>()(
      std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
}

}  // namespace c8s::attest
