#include "lib/attest/policy.h"

#include <algorithm>

#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::attest {
namespace {

bool IsSnp(Platform p) { return p == Platform::kSevSnp || p == Platform::kSimulatedSevSnp; }
bool IsSimulated(Platform p) {
  return p == Platform::kSimulatedSevSnp || p == Platform::kSimulatedTdx;
}

absl::Status Bad(std::string_view field, std::string_view why) {
  return absl::InvalidArgumentError(StrCat("attestation policy ", field, ": ", why));
}

absl::Status CheckKeys(const nlohmann::json& j, std::string_view where,
                       std::initializer_list<std::string_view> allowed) {
  if (!j.is_object()) return Bad(where, "must be an object");
  for (const auto& [k, v] : j.items()) {
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
      return Bad(StrCat(where, ".", k), "unknown field");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Bytes> HexField(const nlohmann::json& v, std::string_view field, size_t len) {
  if (!v.is_string()) return Bad(field, "must be a hex string");
  absl::StatusOr<Bytes> b = HexDecode(v.get<std::string>());
  if (!b.ok() || b->size() != len) {
    return Bad(field, StrCat("must be ", len * 2, " hex digits"));
  }
  return b;
}

absl::StatusOr<std::vector<Bytes>> HexListField(const nlohmann::json& v, std::string_view field,
                                                size_t len) {
  if (!v.is_array()) return Bad(field, "must be an array of hex strings");
  std::vector<Bytes> out;
  for (const auto& e : v) {
    ASSIGN_OR_RETURN(Bytes b, HexField(e, field, len));
    out.push_back(std::move(b));
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> StringList(const nlohmann::json& v,
                                                    std::string_view field) {
  if (!v.is_array()) return Bad(field, "must be an array of strings");
  std::vector<std::string> out;
  for (const auto& e : v) {
    if (!e.is_string()) return Bad(field, "must be an array of strings");
    out.push_back(e.get<std::string>());
  }
  return out;
}

absl::StatusOr<uint8_t> SmallInt(const nlohmann::json& v, std::string_view field, int max) {
  if (!v.is_number_unsigned() || v.get<uint64_t>() > static_cast<uint64_t>(max)) {
    return Bad(field, StrCat("must be an integer 0-", max));
  }
  return static_cast<uint8_t>(v.get<uint64_t>());
}

absl::StatusOr<bool> BoolField(const nlohmann::json& v, std::string_view field) {
  if (!v.is_boolean()) return Bad(field, "must be true or false");
  return v.get<bool>();
}

absl::StatusOr<SnpPolicy> ParseSnp(const nlohmann::json& j) {
  RETURN_IF_ERROR(CheckKeys(j, "snp",
                            {"measurements", "minTcb", "products", "allowDebug",
                             "allowMigrationAgent", "hostData", "chipIds", "minAbi", "vmpl"}));
  SnpPolicy p;
  if (!j.contains("measurements")) return Bad("snp.measurements", "is required");
  ASSIGN_OR_RETURN(p.measurements, HexListField(j["measurements"], "snp.measurements", 48));
  if (j.contains("minTcb")) {
    const auto& t = j["minTcb"];
    RETURN_IF_ERROR(CheckKeys(t, "snp.minTcb", {"bootloader", "tee", "snp", "microcode", "fmc"}));
    auto get = [&t](const char* k, std::optional<uint8_t>& out) -> absl::Status {
      if (!t.contains(k)) return absl::OkStatus();
      ASSIGN_OR_RETURN(uint8_t v, SmallInt(t[k], StrCat("snp.minTcb.", k), 255));
      out = v;
      return absl::OkStatus();
    };
    RETURN_IF_ERROR(get("bootloader", p.min_tcb.bootloader));
    RETURN_IF_ERROR(get("tee", p.min_tcb.tee));
    RETURN_IF_ERROR(get("snp", p.min_tcb.snp));
    RETURN_IF_ERROR(get("microcode", p.min_tcb.microcode));
    RETURN_IF_ERROR(get("fmc", p.min_tcb.fmc));
  }
  if (j.contains("products")) {
    ASSIGN_OR_RETURN(std::vector<std::string> products, StringList(j["products"], "snp.products"));
    for (const auto& s : products) {
      if (s != "Milan" && s != "Genoa" && s != "Turin") {
        return Bad("snp.products", StrCat("unknown product '", s, "' (Milan, Genoa, Turin)"));
      }
    }
    p.products = std::move(products);
  }
  if (j.contains("allowDebug")) {
    ASSIGN_OR_RETURN(p.allow_debug, BoolField(j["allowDebug"], "snp.allowDebug"));
  }
  if (j.contains("allowMigrationAgent")) {
    ASSIGN_OR_RETURN(p.allow_migration_agent,
                     BoolField(j["allowMigrationAgent"], "snp.allowMigrationAgent"));
  }
  if (j.contains("hostData")) {
    ASSIGN_OR_RETURN(p.host_data, HexListField(j["hostData"], "snp.hostData", 32));
  }
  if (j.contains("chipIds")) {
    ASSIGN_OR_RETURN(p.chip_ids, HexListField(j["chipIds"], "snp.chipIds", 64));
  }
  if (j.contains("minAbi")) {
    const auto& a = j["minAbi"];
    RETURN_IF_ERROR(CheckKeys(a, "snp.minAbi", {"major", "minor"}));
    SnpMinAbi abi;
    if (a.contains("major")) {
      ASSIGN_OR_RETURN(abi.major, SmallInt(a["major"], "snp.minAbi.major", 255));
    }
    if (a.contains("minor")) {
      ASSIGN_OR_RETURN(abi.minor, SmallInt(a["minor"], "snp.minAbi.minor", 255));
    }
    p.min_abi = abi;
  }
  if (j.contains("vmpl")) {
    ASSIGN_OR_RETURN(uint8_t vmpl, SmallInt(j["vmpl"], "snp.vmpl", 3));
    p.vmpl = vmpl;
  }
  return p;
}

absl::StatusOr<TdxPolicy> ParseTdx(const nlohmann::json& j) {
  RETURN_IF_ERROR(CheckKeys(j, "tdx",
                            {"mrtd", "rtmrs", "mrConfigId", "minTeeTcbSvn", "allowDebug",
                             "acceptedTcbStatus"}));
  TdxPolicy p;
  if (!j.contains("mrtd")) return Bad("tdx.mrtd", "is required");
  ASSIGN_OR_RETURN(p.mrtd, HexListField(j["mrtd"], "tdx.mrtd", 48));
  if (j.contains("rtmrs")) {
    if (!j["rtmrs"].is_array()) return Bad("tdx.rtmrs", "must be an array of 4-value arrays");
    std::vector<std::vector<Bytes>> sets;
    for (const auto& set : j["rtmrs"]) {
      ASSIGN_OR_RETURN(std::vector<Bytes> values, HexListField(set, "tdx.rtmrs", 48));
      if (values.size() != 4) return Bad("tdx.rtmrs", "each entry must list RTMR0..RTMR3");
      sets.push_back(std::move(values));
    }
    p.rtmrs = std::move(sets);
  }
  if (j.contains("mrConfigId")) {
    ASSIGN_OR_RETURN(p.mr_config_id, HexListField(j["mrConfigId"], "tdx.mrConfigId", 48));
  }
  if (j.contains("minTeeTcbSvn")) {
    ASSIGN_OR_RETURN(p.min_tee_tcb_svn, HexField(j["minTeeTcbSvn"], "tdx.minTeeTcbSvn", 16));
  }
  if (j.contains("allowDebug")) {
    ASSIGN_OR_RETURN(p.allow_debug, BoolField(j["allowDebug"], "tdx.allowDebug"));
  }
  if (j.contains("acceptedTcbStatus")) {
    ASSIGN_OR_RETURN(p.accepted_tcb_status,
                     StringList(j["acceptedTcbStatus"], "tdx.acceptedTcbStatus"));
  }
  return p;
}

nlohmann::json HexArray(const std::vector<Bytes>& v) {
  nlohmann::json a = nlohmann::json::array();
  for (const Bytes& b : v) a.push_back(HexEncode(b));
  return a;
}

}  // namespace

std::string ShortHex(ByteSpan b) {
  std::string h = HexEncode(b);
  if (h.size() <= 8) return h;
  return h.substr(0, 8) + "\u2026";
}

std::string HexList(const std::vector<Bytes>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ", ";
    out += ShortHex(values[i]);
  }
  return out + "]";
}

bool InAllowList(const std::vector<Bytes>& list, ByteSpan value) {
  return std::any_of(list.begin(), list.end(), [&value](const Bytes& b) {
    return std::equal(b.begin(), b.end(), value.begin(), value.end());
  });
}

absl::StatusOr<AttestationPolicy> ParseAttestationPolicy(const nlohmann::json& j) {
  RETURN_IF_ERROR(CheckKeys(j, "", {"allowSimulated", "snp", "tdx"}));
  AttestationPolicy p;
  if (j.contains("allowSimulated")) {
    ASSIGN_OR_RETURN(p.allow_simulated, BoolField(j["allowSimulated"], "allowSimulated"));
  }
  if (j.contains("snp")) {
    ASSIGN_OR_RETURN(SnpPolicy snp, ParseSnp(j["snp"]));
    p.snp = std::move(snp);
  }
  if (j.contains("tdx")) {
    ASSIGN_OR_RETURN(TdxPolicy tdx, ParseTdx(j["tdx"]));
    p.tdx = std::move(tdx);
  }
  return p;
}

nlohmann::json AttestationPolicyToJson(const AttestationPolicy& p) {
  nlohmann::json j = {{"allowSimulated", p.allow_simulated}};
  if (p.snp) {
    const SnpPolicy& s = *p.snp;
    nlohmann::json sj = {{"measurements", HexArray(s.measurements)},
                         {"allowDebug", s.allow_debug},
                         {"allowMigrationAgent", s.allow_migration_agent}};
    nlohmann::json t = nlohmann::json::object();
    if (s.min_tcb.bootloader) t["bootloader"] = *s.min_tcb.bootloader;
    if (s.min_tcb.tee) t["tee"] = *s.min_tcb.tee;
    if (s.min_tcb.snp) t["snp"] = *s.min_tcb.snp;
    if (s.min_tcb.microcode) t["microcode"] = *s.min_tcb.microcode;
    if (s.min_tcb.fmc) t["fmc"] = *s.min_tcb.fmc;
    sj["minTcb"] = t;
    if (s.products) sj["products"] = *s.products;
    if (s.host_data) sj["hostData"] = HexArray(*s.host_data);
    if (s.chip_ids) sj["chipIds"] = HexArray(*s.chip_ids);
    if (s.min_abi) sj["minAbi"] = {{"major", s.min_abi->major}, {"minor", s.min_abi->minor}};
    if (s.vmpl) sj["vmpl"] = *s.vmpl;
    j["snp"] = sj;
  }
  if (p.tdx) {
    const TdxPolicy& t = *p.tdx;
    nlohmann::json tj = {{"mrtd", HexArray(t.mrtd)}, {"allowDebug", t.allow_debug}};
    if (t.rtmrs) {
      nlohmann::json sets = nlohmann::json::array();
      for (const auto& set : *t.rtmrs) sets.push_back(HexArray(set));
      tj["rtmrs"] = sets;
    }
    if (t.mr_config_id) tj["mrConfigId"] = HexArray(*t.mr_config_id);
    if (t.min_tee_tcb_svn) tj["minTeeTcbSvn"] = HexEncode(*t.min_tee_tcb_svn);
    if (t.accepted_tcb_status) tj["acceptedTcbStatus"] = *t.accepted_tcb_status;
    j["tdx"] = tj;
  }
  return j;
}

PolicyResult EvaluatePolicy(const AttestationPolicy& policy, const Claims& claims) {
  PolicyResult r;
  if (IsSimulated(claims.platform) && !policy.allow_simulated) {
    r.failures.push_back(StrCat("allowSimulated: evidence is ", PlatformName(claims.platform),
                                " but the policy does not allow simulated evidence"));
  }
  if (IsSnp(claims.platform)) {
    if (policy.snp) {
      EvaluateSnpPolicy(*policy.snp, claims, r.failures);
    } else {
      r.failures.push_back("snp: the policy has no snp section, SEV-SNP evidence is not accepted");
    }
  } else if (policy.tdx) {
    EvaluateTdxPolicy(*policy.tdx, claims, r.failures);
  } else {
    r.failures.push_back("tdx: the policy has no tdx section, TDX evidence is not accepted");
  }
  r.ok = r.failures.empty();
  return r;
}

}  // namespace c8s::attest
