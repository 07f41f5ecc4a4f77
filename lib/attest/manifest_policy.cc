#include "lib/attest/manifest_policy.h"

#include "lib/base/bytes.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::attest {
namespace {

absl::StatusOr<std::vector<Bytes>> DecodeHexList(const std::vector<std::string>& in,
                                                 std::string_view field) {
  std::vector<Bytes> out;
  for (const std::string& h : in) {
    absl::StatusOr<Bytes> b = HexDecode(h);
    if (!b.ok()) return absl::InvalidArgumentError(StrCat(field, ": bad hex \"", h, "\""));
    out.push_back(std::move(*b));
  }
  return out;
}

uint8_t U8(int64_t v) { return static_cast<uint8_t>(v < 0 ? 0 : (v > 255 ? 255 : v)); }

}  // namespace

absl::StatusOr<AttestationPolicy> FromManifestPolicy(const manifest::AttestationPolicy& p) {
  AttestationPolicy out;
  out.allow_simulated = p.allow_simulated;
  if (p.snp.has_value()) {
    const manifest::SnpPolicy& s = *p.snp;
    SnpPolicy snp;
    ASSIGN_OR_RETURN(snp.measurements, DecodeHexList(s.measurements, "snp.measurements"));
    snp.min_tcb.bootloader = U8(s.min_tcb.bootloader);
    snp.min_tcb.tee = U8(s.min_tcb.tee);
    snp.min_tcb.snp = U8(s.min_tcb.snp);
    snp.min_tcb.microcode = U8(s.min_tcb.microcode);
    snp.min_tcb.fmc = U8(s.min_tcb.fmc);
    if (!s.products.empty()) snp.products = s.products;
    snp.allow_debug = s.allow_debug;
    snp.allow_migration_agent = s.allow_migration_agent;
    if (!s.host_data.empty()) {
      ASSIGN_OR_RETURN(snp.host_data, DecodeHexList(s.host_data, "snp.hostData"));
    }
    if (!s.chip_ids.empty()) {
      ASSIGN_OR_RETURN(snp.chip_ids, DecodeHexList(s.chip_ids, "snp.chipIds"));
    }
    snp.min_abi = SnpMinAbi{U8(s.min_abi.major), U8(s.min_abi.minor)};
    out.snp = std::move(snp);
  }
  if (p.tdx.has_value()) {
    const manifest::TdxPolicy& t = *p.tdx;
    TdxPolicy tdx;
    ASSIGN_OR_RETURN(tdx.mrtd, DecodeHexList(t.mrtd, "tdx.mrtd"));
    if (!t.rtmrs.empty()) {
      std::vector<std::vector<Bytes>> rtmrs;
      for (const auto& four : t.rtmrs) {
        ASSIGN_OR_RETURN(
            std::vector<Bytes> v,
            DecodeHexList(std::vector<std::string>(four.begin(), four.end()), "tdx.rtmrs"));
        rtmrs.push_back(std::move(v));
      }
      tdx.rtmrs = std::move(rtmrs);
    }
    if (!t.mr_config_id.empty()) {
      ASSIGN_OR_RETURN(tdx.mr_config_id, DecodeHexList(t.mr_config_id, "tdx.mrConfigId"));
    }
    if (!t.min_tee_tcb_svn.empty()) {
      ASSIGN_OR_RETURN(Bytes svn, HexDecode(t.min_tee_tcb_svn));
      tdx.min_tee_tcb_svn = std::move(svn);
    }
    tdx.allow_debug = t.allow_debug;
    if (!t.accepted_tcb_status.empty()) tdx.accepted_tcb_status = t.accepted_tcb_status;
    out.tdx = std::move(tdx);
  }
  return out;
}

absl::StatusOr<AttestationPolicy> ManifestRolePolicy(const manifest::Manifest& m,
                                                     std::string_view name) {
  auto it = m.attestation_policies.find(std::string(name));
  if (name.empty() || it == m.attestation_policies.end()) {
    return absl::FailedPreconditionError(
        StrCat("active manifest has no attestation policy \"", name, "\" for this role"));
  }
  return FromManifestPolicy(it->second);
}

}  // namespace c8s::attest
