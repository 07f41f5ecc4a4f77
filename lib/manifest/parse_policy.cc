// Attestation policies: the snp and tdx reference values (MANIFEST.md schema).
#include <algorithm>

#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/manifest/formats.h"
#include "lib/manifest/parse_internal.h"

namespace c8s::manifest::internal {
namespace {

// A set of lowercase hex values of one length.
absl::Status HexSet(const ObjectReader& r, std::string_view key, size_t hex_len,
                    std::vector<std::string>* out) {
  RETURN_IF_ERROR(r.StringList(key, out));
  for (size_t i = 0; i < out->size(); ++i) {
    RETURN_IF_ERROR(CheckLowerHex((*out)[i], hex_len, Element(r.PathOf(key), i)));
  }
  return CheckStringSet(*out, r.PathOf(key));
}

absl::Status EnumSet(const ObjectReader& r, std::string_view key,
                     std::initializer_list<std::string_view> allowed,
                     std::vector<std::string>* out) {
  RETURN_IF_ERROR(r.StringList(key, out));
  for (size_t i = 0; i < out->size(); ++i) {
    if (std::find(allowed.begin(), allowed.end(), (*out)[i]) == allowed.end()) {
      std::string list;
      for (std::string_view a : allowed) list += StrCat(list.empty() ? "" : ", ", a);
      return PathError(Element(r.PathOf(key), i),
                       StrCat("\"", (*out)[i], "\" is not one of [", list, "]"));
    }
  }
  return CheckStringSet(*out, r.PathOf(key));
}

absl::Status ParseSnp(const Json& j, const std::string& path, SnpPolicy* out) {
  ASSIGN_OR_RETURN(ObjectReader r,
                   ObjectReader::Open(j, path,
                                      {"measurements", "minTcb", "products", "allowDebug",
                                       "allowMigrationAgent", "hostData", "chipIds", "minAbi"}));
  RETURN_IF_ERROR(HexSet(r, "measurements", 96, &out->measurements));
  ASSIGN_OR_RETURN(const Json* tcb_json, r.Required("minTcb"));
  ASSIGN_OR_RETURN(ObjectReader tcb,
                   ObjectReader::Open(*tcb_json, r.PathOf("minTcb"),
                                      {"bootloader", "tee", "snp", "microcode", "fmc"}));
  RETURN_IF_ERROR(tcb.Int("bootloader", 0, 255, &out->min_tcb.bootloader));
  RETURN_IF_ERROR(tcb.Int("tee", 0, 255, &out->min_tcb.tee));
  RETURN_IF_ERROR(tcb.Int("snp", 0, 255, &out->min_tcb.snp));
  RETURN_IF_ERROR(tcb.Int("microcode", 0, 255, &out->min_tcb.microcode));
  RETURN_IF_ERROR(tcb.Int("fmc", 0, 255, &out->min_tcb.fmc));
  RETURN_IF_ERROR(EnumSet(r, "products", {"Genoa", "Milan", "Turin"}, &out->products));
  RETURN_IF_ERROR(r.Bool("allowDebug", &out->allow_debug));
  RETURN_IF_ERROR(r.Bool("allowMigrationAgent", &out->allow_migration_agent));
  RETURN_IF_ERROR(HexSet(r, "hostData", 64, &out->host_data));
  RETURN_IF_ERROR(HexSet(r, "chipIds", 128, &out->chip_ids));
  ASSIGN_OR_RETURN(const Json* abi_json, r.Required("minAbi"));
  ASSIGN_OR_RETURN(ObjectReader abi,
                   ObjectReader::Open(*abi_json, r.PathOf("minAbi"), {"major", "minor"}));
  RETURN_IF_ERROR(abi.Int("major", 0, 255, &out->min_abi.major));
  return abi.Int("minor", 0, 255, &out->min_abi.minor);
}

std::string DescribeRtmrs(const std::array<std::string, 4>& r) {
  return StrCat("[", r[0].substr(0, 12), "…]");
}

absl::Status ParseTdx(const Json& j, const std::string& path, TdxPolicy* out) {
  ASSIGN_OR_RETURN(ObjectReader r,
                   ObjectReader::Open(j, path,
                                      {"mrtd", "rtmrs", "mrConfigId", "minTeeTcbSvn", "allowDebug",
                                       "acceptedTcbStatus"}));
  RETURN_IF_ERROR(HexSet(r, "mrtd", 96, &out->mrtd));
  ASSIGN_OR_RETURN(const Json* rtmrs_json, r.Required("rtmrs"));
  ASSIGN_OR_RETURN(const Json::array_t* rtmrs, ReadArray(*rtmrs_json, r.PathOf("rtmrs")));
  out->rtmrs.assign(rtmrs->size(), {});
  for (size_t i = 0; i < rtmrs->size(); ++i) {
    std::string tuple_path = Element(r.PathOf("rtmrs"), i);
    std::vector<std::string> values;
    RETURN_IF_ERROR(ReadStringList((*rtmrs)[i], tuple_path, &values));
    if (values.size() != 4) {
      return PathError(tuple_path, StrCat("want 4 RTMR values, got ", values.size()));
    }
    for (size_t k = 0; k < 4; ++k) {
      RETURN_IF_ERROR(CheckLowerHex(values[k], 96, Element(tuple_path, k)));
      out->rtmrs[i][k] = values[k];
    }
  }
  RETURN_IF_ERROR(CheckSet(out->rtmrs, r.PathOf("rtmrs"), std::less<std::array<std::string, 4>>(),
                           &DescribeRtmrs));
  RETURN_IF_ERROR(HexSet(r, "mrConfigId", 96, &out->mr_config_id));
  RETURN_IF_ERROR(r.String("minTeeTcbSvn", &out->min_tee_tcb_svn));
  RETURN_IF_ERROR(CheckLowerHex(out->min_tee_tcb_svn, 32, r.PathOf("minTeeTcbSvn")));
  RETURN_IF_ERROR(r.Bool("allowDebug", &out->allow_debug));
  // Intel's TCB statuses except Revoked, which no policy may accept.
  return EnumSet(r, "acceptedTcbStatus",
                 {"ConfigurationAndSWHardeningNeeded", "ConfigurationNeeded", "OutOfDate",
                  "OutOfDateConfigurationNeeded", "SWHardeningNeeded", "UpToDate"},
                 &out->accepted_tcb_status);
}

}  // namespace

absl::Status ParseAttestationPolicy(const Json& j, const std::string& path,
                                    AttestationPolicy* out) {
  ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::Open(j, path, {"allowSimulated", "snp", "tdx"}));
  RETURN_IF_ERROR(r.Bool("allowSimulated", &out->allow_simulated));
  if (r.Has("snp")) {
    ASSIGN_OR_RETURN(const Json* snp, r.Required("snp"));
    RETURN_IF_ERROR(ParseSnp(*snp, r.PathOf("snp"), &out->snp.emplace()));
  }
  if (r.Has("tdx")) {
    ASSIGN_OR_RETURN(const Json* tdx, r.Required("tdx"));
    RETURN_IF_ERROR(ParseTdx(*tdx, r.PathOf("tdx"), &out->tdx.emplace()));
  }
  return absl::OkStatus();
}

}  // namespace c8s::manifest::internal
