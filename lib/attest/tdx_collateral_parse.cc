// Field parsing of TCB info v3 (TDX) and QE identity v2 (TD_QE): Intel PCS API v4, "TDX TCB
// Info" and "Enclave Identity" JSON schemas. Every access checks the JSON type first, so that
// malformed collateral is a clear error and never an exception.
#include <nlohmann/json.hpp>

#include "lib/attest/tdx_collateral.h"
#include "lib/attest/verify_error.h"
#include "lib/base/clock.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::attest {
namespace {

using nlohmann::json;

absl::Status FieldError(std::string_view doc, std::string_view field, std::string_view what) {
  return VerifyError(VerifyErrorKind::kCollateral,
                     StrCat(doc, field.empty() ? "" : ".", field, ": ", what));
}

absl::StatusOr<const json*> Member(const json& j, std::string_view doc, std::string_view key) {
  if (!j.is_object()) return FieldError(doc, key, "parent is not an object");
  auto it = j.find(std::string(key));
  if (it == j.end()) return FieldError(doc, key, "missing");
  return &*it;
}

absl::StatusOr<uint64_t> Uint(const json& j, std::string_view doc, std::string_view key,
                              uint64_t max) {
  ASSIGN_OR_RETURN(const json* v, Member(j, doc, key));
  if (!v->is_number_unsigned() || v->get<uint64_t>() > max) {
    return FieldError(doc, key, StrCat("want an integer 0..", max));
  }
  return v->get<uint64_t>();
}

absl::StatusOr<std::string> String(const json& j, std::string_view doc, std::string_view key) {
  ASSIGN_OR_RETURN(const json* v, Member(j, doc, key));
  if (!v->is_string()) return FieldError(doc, key, "want a string");
  return v->get<std::string>();
}

absl::StatusOr<Bytes> Hex(const json& j, std::string_view doc, std::string_view key, size_t size) {
  ASSIGN_OR_RETURN(std::string s, String(j, doc, key));
  absl::StatusOr<Bytes> b = HexDecode(s);
  if (!b.ok() || b->size() != size)
    return FieldError(doc, key, StrCat("want ", size, " hex bytes"));
  return *b;
}

uint64_t LeUint(ByteSpan b) {
  uint64_t v = 0;
  for (size_t i = 0; i < b.size(); ++i) v |= uint64_t{b[i]} << (8 * i);
  return v;
}

absl::StatusOr<absl::Time> Time(const json& j, std::string_view doc, std::string_view key) {
  ASSIGN_OR_RETURN(std::string s, String(j, doc, key));
  absl::StatusOr<absl::Time> t = ParseRfc3339(s);
  if (!t.ok()) return FieldError(doc, key, StrCat("not an RFC 3339 time: ", s));
  return *t;
}

absl::StatusOr<TcbLevelStatus> LevelStatus(const json& level, std::string_view doc) {
  TcbLevelStatus out;
  ASSIGN_OR_RETURN(out.status, String(level, doc, "tcbStatus"));
  ASSIGN_OR_RETURN(out.tcb_date, String(level, doc, "tcbDate"));
  if (level.contains("advisoryIDs")) {
    const json& ids = level["advisoryIDs"];
    if (!ids.is_array()) return FieldError(doc, "advisoryIDs", "want an array");
    for (const json& id : ids) {
      if (!id.is_string()) return FieldError(doc, "advisoryIDs", "want strings");
      out.advisory_ids.push_back(id.get<std::string>());
    }
  }
  return out;
}

absl::StatusOr<std::vector<TdxModuleLevel>> IsvLevels(const json& j, std::string_view doc) {
  ASSIGN_OR_RETURN(const json* levels, Member(j, doc, "tcbLevels"));
  if (!levels->is_array()) return FieldError(doc, "tcbLevels", "want an array");
  std::vector<TdxModuleLevel> out;
  for (const json& l : *levels) {
    TdxModuleLevel level;
    ASSIGN_OR_RETURN(const json* tcb, Member(l, doc, "tcb"));
    ASSIGN_OR_RETURN(uint64_t svn, Uint(*tcb, doc, "isvsvn", 0xffff));
    level.isvsvn = static_cast<uint16_t>(svn);
    ASSIGN_OR_RETURN(level.result, LevelStatus(l, doc));
    out.push_back(std::move(level));
  }
  return out;
}

absl::StatusOr<TdxModuleIdentity> Module(const json& j, std::string_view doc, bool with_levels) {
  TdxModuleIdentity m;
  if (with_levels) {
    ASSIGN_OR_RETURN(m.id, String(j, doc, "id"));
  }
  ASSIGN_OR_RETURN(m.mrsigner, Hex(j, doc, "mrsigner", 48));
  ASSIGN_OR_RETURN(Bytes attr, Hex(j, doc, "attributes", 8));
  ASSIGN_OR_RETURN(Bytes mask, Hex(j, doc, "attributesMask", 8));
  m.attributes = LeUint(attr);
  m.attributes_mask = LeUint(mask);
  if (with_levels) {
    ASSIGN_OR_RETURN(m.levels, IsvLevels(j, doc));
  }
  return m;
}

absl::Status Components(const json& tcb, std::string_view doc, std::string_view key,
                        uint8_t (&out)[16]) {
  ASSIGN_OR_RETURN(const json* comps, Member(tcb, doc, key));
  if (!comps->is_array() || comps->size() != 16) return FieldError(doc, key, "want 16 entries");
  for (size_t i = 0; i < 16; ++i) {
    ASSIGN_OR_RETURN(uint64_t svn, Uint((*comps)[i], doc, "svn", 255));
    out[i] = static_cast<uint8_t>(svn);
  }
  return absl::OkStatus();
}

absl::StatusOr<json> ParseObject(std::string_view body, std::string_view doc) {
  json j = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return FieldError(doc, "", "not a JSON object");
  return j;
}

}  // namespace

absl::StatusOr<TdxTcbInfo> ParseTdxTcbInfo(std::string_view body) {
  constexpr std::string_view kDoc = "tcbInfo";
  ASSIGN_OR_RETURN(json j, ParseObject(body, kDoc));
  TdxTcbInfo info;
  ASSIGN_OR_RETURN(std::string id, String(j, kDoc, "id"));
  ASSIGN_OR_RETURN(uint64_t version, Uint(j, kDoc, "version", 1000));
  if (id != "TDX" || version != 3) {
    return FieldError(kDoc, "id", StrCat("got ", id, " version ", version, ", want TDX version 3"));
  }
  info.version = static_cast<int>(version);
  ASSIGN_OR_RETURN(info.issue_date, Time(j, kDoc, "issueDate"));
  ASSIGN_OR_RETURN(info.next_update, Time(j, kDoc, "nextUpdate"));
  ASSIGN_OR_RETURN(info.fmspc, Hex(j, kDoc, "fmspc", 6));
  ASSIGN_OR_RETURN(info.pce_id, Hex(j, kDoc, "pceId", 2));
  ASSIGN_OR_RETURN(uint64_t eval, Uint(j, kDoc, "tcbEvaluationDataNumber", 1u << 30));
  info.tcb_evaluation_data_number = static_cast<int>(eval);
  ASSIGN_OR_RETURN(const json* module, Member(j, kDoc, "tdxModule"));
  ASSIGN_OR_RETURN(info.tdx_module, Module(*module, "tcbInfo.tdxModule", false));
  if (j.contains("tdxModuleIdentities")) {
    const json& ids = j["tdxModuleIdentities"];
    if (!ids.is_array()) return FieldError(kDoc, "tdxModuleIdentities", "want an array");
    for (const json& m : ids) {
      ASSIGN_OR_RETURN(TdxModuleIdentity mi, Module(m, "tcbInfo.tdxModuleIdentities", true));
      info.module_identities.push_back(std::move(mi));
    }
  }
  ASSIGN_OR_RETURN(const json* levels, Member(j, kDoc, "tcbLevels"));
  if (!levels->is_array() || levels->empty()) return FieldError(kDoc, "tcbLevels", "want entries");
  for (const json& l : *levels) {
    TdxTcbLevel level;
    ASSIGN_OR_RETURN(const json* tcb, Member(l, kDoc, "tcb"));
    RETURN_IF_ERROR(Components(*tcb, kDoc, "sgxtcbcomponents", level.sgx_components));
    RETURN_IF_ERROR(Components(*tcb, kDoc, "tdxtcbcomponents", level.tdx_components));
    ASSIGN_OR_RETURN(uint64_t pcesvn, Uint(*tcb, kDoc, "pcesvn", 0xffff));
    level.pcesvn = static_cast<uint16_t>(pcesvn);
    ASSIGN_OR_RETURN(level.result, LevelStatus(l, kDoc));
    info.levels.push_back(std::move(level));
  }
  return info;
}

absl::StatusOr<QeIdentity> ParseQeIdentity(std::string_view body) {
  constexpr std::string_view kDoc = "enclaveIdentity";
  ASSIGN_OR_RETURN(json j, ParseObject(body, kDoc));
  QeIdentity qe;
  ASSIGN_OR_RETURN(std::string id, String(j, kDoc, "id"));
  ASSIGN_OR_RETURN(uint64_t version, Uint(j, kDoc, "version", 1000));
  if (id != "TD_QE" || version != 2) {
    return FieldError(kDoc, "id",
                      StrCat("got ", id, " version ", version, ", want TD_QE version 2"));
  }
  qe.version = static_cast<int>(version);
  ASSIGN_OR_RETURN(qe.issue_date, Time(j, kDoc, "issueDate"));
  ASSIGN_OR_RETURN(qe.next_update, Time(j, kDoc, "nextUpdate"));
  ASSIGN_OR_RETURN(Bytes misc, Hex(j, kDoc, "miscselect", 4));
  ASSIGN_OR_RETURN(Bytes misc_mask, Hex(j, kDoc, "miscselectMask", 4));
  // The JSON spells MISCSELECT as big-endian hex text of the 32-bit value.
  qe.miscselect = static_cast<uint32_t>(misc[0]) << 24 | misc[1] << 16 | misc[2] << 8 | misc[3];
  qe.miscselect_mask = static_cast<uint32_t>(misc_mask[0]) << 24 | misc_mask[1] << 16 |
                       misc_mask[2] << 8 | misc_mask[3];
  ASSIGN_OR_RETURN(qe.attributes, Hex(j, kDoc, "attributes", 16));
  ASSIGN_OR_RETURN(qe.attributes_mask, Hex(j, kDoc, "attributesMask", 16));
  ASSIGN_OR_RETURN(qe.mrsigner, Hex(j, kDoc, "mrsigner", 32));
  ASSIGN_OR_RETURN(uint64_t prod, Uint(j, kDoc, "isvprodid", 0xffff));
  qe.isvprodid = static_cast<uint16_t>(prod);
  ASSIGN_OR_RETURN(uint64_t eval, Uint(j, kDoc, "tcbEvaluationDataNumber", 1u << 30));
  qe.tcb_evaluation_data_number = static_cast<int>(eval);
  ASSIGN_OR_RETURN(qe.levels, IsvLevels(j, kDoc));
  return qe;
}

}  // namespace c8s::attest
