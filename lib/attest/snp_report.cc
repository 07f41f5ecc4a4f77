#include "lib/attest/snp_report.h"

#include <algorithm>
#include <cstring>

#include "lib/attest/verify_error.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::attest {
namespace {

uint32_t Le32(ByteSpan b, size_t off) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | b[off + i];
  return v;
}
uint64_t Le64(ByteSpan b, size_t off) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | b[off + i];
  return v;
}
template <size_t N>
void Copy(std::array<uint8_t, N>& out, ByteSpan b, size_t off) {
  std::memcpy(out.data(), b.data() + off, N);
}

std::string Hex64(uint64_t v) {
  static const char* kDigits = "0123456789abcdef";
  std::string s = "0x";
  bool started = false;
  for (int shift = 60; shift >= 0; shift -= 4) {
    int d = (v >> shift) & 0xf;
    if (d || started || shift == 0) {
      s.push_back(kDigits[d]);
      started = true;
    }
  }
  return s;
}

// Fails with kReservedNonZero naming the first non-zero byte of [begin, end).
absl::Status CheckZero(ByteSpan b, size_t begin, size_t end, std::string_view what) {
  for (size_t i = begin; i < end; ++i) {
    if (b[i] != 0) {
      return VerifyError(VerifyErrorKind::kReservedNonZero,
                         StrCat("report ", what, " [", Hex64(begin), ", ", Hex64(end),
                                ") must be zero: byte ", Hex64(i), " is ", Hex64(b[i])));
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::string_view SnpProductName(SnpProduct p) {
  switch (p) {
    case SnpProduct::kMilan: return "Milan";
    case SnpProduct::kGenoa: return "Genoa";
    case SnpProduct::kTurin: return "Turin";
    case SnpProduct::kUnknown: break;
  }
  return "unknown";
}

SnpProduct SnpProductFromName(std::string_view name) {
  // KDS names carry a stepping suffix ("Milan-B0"); VLEK names do not ("Milan").
  std::string_view base = name.substr(0, name.find('-'));
  if (base == "Milan") return SnpProduct::kMilan;
  if (base == "Genoa") return SnpProduct::kGenoa;
  if (base == "Turin") return SnpProduct::kTurin;
  return SnpProduct::kUnknown;
}

SnpProduct SnpProductFromCpuid(uint8_t family, uint8_t model) {
  // Family 19h models 00h-0Fh are Milan, 10h-1Fh Genoa; family 1Ah models 00h-1Fh Turin.
  if (family == 0x19 && model <= 0x0f) return SnpProduct::kMilan;
  if (family == 0x19 && model >= 0x10 && model <= 0x1f) return SnpProduct::kGenoa;
  if (family == 0x1a && model <= 0x1f) return SnpProduct::kTurin;
  return SnpProduct::kUnknown;
}

SnpTcb DecodeSnpTcb(uint64_t raw, SnpProduct product) {
  auto byte = [raw](int i) { return static_cast<uint8_t>(raw >> (8 * i)); };
  SnpTcb t;
  t.raw = raw;
  if (product == SnpProduct::kTurin) {
    t.fmc = byte(0);
    t.bootloader = byte(1);
    t.tee = byte(2);
    t.snp = byte(3);
  } else {
    t.bootloader = byte(0);
    t.tee = byte(1);
    t.snp = byte(6);
  }
  t.microcode = byte(7);
  return t;
}

uint64_t EncodeSnpTcb(const SnpTcb& t, SnpProduct product) {
  auto at = [](uint8_t v, int i) { return static_cast<uint64_t>(v) << (8 * i); };
  if (product == SnpProduct::kTurin) {
    return at(t.fmc, 0) | at(t.bootloader, 1) | at(t.tee, 2) | at(t.snp, 3) | at(t.microcode, 7);
  }
  return at(t.bootloader, 0) | at(t.tee, 1) | at(t.snp, 6) | at(t.microcode, 7);
}

bool SnpReport::chip_id_zero() const {
  return std::all_of(chip_id.begin(), chip_id.end(), [](uint8_t b) { return b == 0; });
}

SnpProduct SnpReport::CpuidProduct() const {
  if (version < 3) return SnpProduct::kUnknown;
  return SnpProductFromCpuid(cpuid_fam_id, cpuid_mod_id);
}

absl::StatusOr<SnpReport> ParseSnpReport(ByteSpan b) {
  if (b.size() != kSnpReportSize) {
    return VerifyError(VerifyErrorKind::kParse,
                       StrCat("SNP report is ", b.size(), " bytes, want exactly ", kSnpReportSize,
                              b.size() < kSnpReportSize ? " (truncated)" : " (oversized)"));
  }
  SnpReport r;
  r.version = Le32(b, 0x000);
  if (r.version < kSnpMinVersion || r.version > kSnpMaxVersion) {
    return VerifyError(VerifyErrorKind::kVersion,
                       StrCat("SNP report version ", r.version, " is not supported (want ",
                              kSnpMinVersion, " to ", kSnpMaxVersion, ")"));
  }
  r.guest_svn = Le32(b, 0x004);
  r.policy = Le64(b, 0x008);
  Copy(r.family_id, b, 0x010);
  Copy(r.image_id, b, 0x020);
  r.vmpl = Le32(b, 0x030);
  r.signature_algo = Le32(b, 0x034);
  r.current_tcb = Le64(b, 0x038);
  r.platform_info = Le64(b, 0x040);
  r.key_info = Le32(b, 0x048);
  Copy(r.report_data, b, 0x050);
  Copy(r.measurement, b, 0x090);
  Copy(r.host_data, b, 0x0C0);
  Copy(r.id_key_digest, b, 0x0E0);
  Copy(r.author_key_digest, b, 0x110);
  Copy(r.report_id, b, 0x140);
  Copy(r.report_id_ma, b, 0x160);
  r.reported_tcb = Le64(b, 0x180);
  Copy(r.chip_id, b, 0x1A0);
  r.committed_tcb = Le64(b, 0x1E0);
  r.current_build = b[0x1E8];
  r.current_minor = b[0x1E9];
  r.current_major = b[0x1EA];
  r.committed_build = b[0x1EC];
  r.committed_minor = b[0x1ED];
  r.committed_major = b[0x1EE];
  r.launch_tcb = Le64(b, 0x1F0);
  Copy(r.signature_r, b, 0x2A0);
  Copy(r.signature_s, b, 0x2A0 + 0x48);

  if (r.vmpl > 3) {
    return VerifyError(VerifyErrorKind::kParse, StrCat("report VMPL ", r.vmpl, " is not 0-3"));
  }
  if (r.signature_algo != 1) {
    return VerifyError(VerifyErrorKind::kParse,
                       StrCat("report SIGNATURE_ALGO ", r.signature_algo,
                              " is not 1 (ECDSA P-384 with SHA-384)"));
  }
  if ((r.policy & (1ull << 17)) == 0) {
    return VerifyError(VerifyErrorKind::kReservedNonZero,
                       StrCat("report POLICY ", Hex64(r.policy),
                              ": reserved bit 17 must be one"));
  }
  if (r.policy >> 26) {
    return VerifyError(VerifyErrorKind::kReservedNonZero,
                       StrCat("report POLICY ", Hex64(r.policy), ": reserved bits 63:26 are set"));
  }
  if (r.platform_info & ~0xbfull) {
    return VerifyError(VerifyErrorKind::kReservedNonZero,
                       StrCat("report PLATFORM_INFO ", Hex64(r.platform_info),
                              ": reserved bit 6 or bits 63:8 are set"));
  }
  if (r.key_info >> 5) {
    return VerifyError(VerifyErrorKind::kReservedNonZero,
                       StrCat("report KEY_INFO ", Hex64(r.key_info),
                              ": reserved bits 31:5 are set"));
  }
  uint32_t sk = r.signing_key();
  if (sk == kSnpSigningKeyNone) {
    return VerifyError(VerifyErrorKind::kKeyKind, "report is unsigned (KEY_INFO signing key 7)");
  }
  if (sk != kSnpSigningKeyVcek && sk != kSnpSigningKeyVlek) {
    return VerifyError(VerifyErrorKind::kKeyKind,
                       StrCat("report KEY_INFO signing key ", sk, " is reserved"));
  }
  RETURN_IF_ERROR(CheckZero(b, 0x04C, 0x050, "reserved field"));
  if (r.version >= 3) {
    r.cpuid_fam_id = b[0x188];
    r.cpuid_mod_id = b[0x189];
    r.cpuid_step = b[0x18A];
    RETURN_IF_ERROR(CheckZero(b, 0x18B, 0x1A0, "reserved field"));
  } else {
    RETURN_IF_ERROR(CheckZero(b, 0x188, 0x1A0, "reserved field (CPUID bytes in version 2)"));
  }
  RETURN_IF_ERROR(CheckZero(b, 0x1EB, 0x1EC, "reserved field"));
  RETURN_IF_ERROR(CheckZero(b, 0x1EF, 0x1F0, "reserved field"));
  if (r.version >= 5) {
    r.launch_mit_vector = Le64(b, 0x1F8);
    r.current_mit_vector = Le64(b, 0x200);
  } else {
    RETURN_IF_ERROR(CheckZero(b, 0x1F8, 0x208, "reserved field (mitigation vectors before v5)"));
  }
  RETURN_IF_ERROR(CheckZero(b, 0x208, 0x2A0, "reserved field"));
  RETURN_IF_ERROR(CheckZero(b, 0x2A0 + 0x90, kSnpReportSize, "signature reserved field"));
  r.raw.assign(b.begin(), b.end());
  return r;
}

}  // namespace c8s::attest
