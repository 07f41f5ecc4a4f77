// Intel's TDX TCB-level rules (attestation-formats.md §3.6), table-driven over synthetic TCB
// info: level selection, module identity, QE identity and how their statuses converge.
#include "lib/attest/tdx_tcb.h"

#include <catch2/catch_test_macros.hpp>
#include <functional>

#include "lib/attest/verify_error.h"
#include "lib/base/strings.h"

namespace c8s::attest {
namespace {

TdxTcbLevel PlatformLevel(uint8_t sgx, uint16_t pcesvn, uint8_t tdx2, std::string status) {
  TdxTcbLevel l;
  for (auto& c : l.sgx_components) c = sgx;
  l.pcesvn = pcesvn;
  l.tdx_components[0] = 9;  // judged by the module identity when TEE_TCB_SVN[1] != 0
  l.tdx_components[2] = tdx2;
  l.result.status = std::move(status);
  if (l.result.status != "UpToDate") l.result.advisory_ids = {"INTEL-SA-P"};
  return l;
}

TdxModuleLevel IsvLevel(uint16_t svn, std::string status) {
  TdxModuleLevel l;
  l.isvsvn = svn;
  l.result.status = std::move(status);
  if (l.result.status != "UpToDate") l.result.advisory_ids = {"INTEL-SA-M"};
  return l;
}

struct Fixture {
  TdxTcbInfo info;
  QeIdentity qe;
  PckExtensions pck;
  TdxQuote quote;
  Fixture() {
    info.fmspc = pck.fmspc = Bytes(6, 0x90);
    info.pce_id = pck.pceid = Bytes(2, 0);
    info.tdx_module.mrsigner = Bytes(48, 0);
    info.tdx_module.attributes_mask = ~uint64_t{0};
    TdxModuleIdentity m = info.tdx_module;
    m.id = "TDX_01";
    m.levels = {IsvLevel(6, "UpToDate"), IsvLevel(2, "OutOfDate")};
    info.module_identities = {m};
    info.levels = {
        PlatformLevel(5, 13, 3, "UpToDate"), PlatformLevel(4, 13, 3, "SWHardeningNeeded"),
        PlatformLevel(3, 11, 3, "ConfigurationNeeded"), PlatformLevel(2, 11, 0, "OutOfDate")};
    for (auto& c : pck.sgx_tcb_comp) c = 5;
    pck.pcesvn = 13;
    quote.body.tee_tcb_svn = {7, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    quote.body.mr_signer_seam = Bytes(48, 0);
    qe.mrsigner = quote.qe_report.mr_signer = Bytes(32, 0xdc);
    qe.isvprodid = quote.qe_report.isv_prod_id = 2;
    qe.miscselect_mask = 0xffffffff;
    qe.attributes = Bytes(16, 0);
    qe.attributes[0] = 0x11;
    qe.attributes_mask = Bytes(16, 0xff);
    quote.qe_report.attributes = qe.attributes;
    quote.qe_report.isv_svn = 4;
    qe.levels = {IsvLevel(4, "UpToDate"), IsvLevel(0, "OutOfDate")};
  }
};

struct Row {
  const char* name;
  std::function<void(Fixture&)> change;
  std::string want;  // status, or "error <kind>: <message prefix>"
};

TEST_CASE("TDX TCB status: level selection and convergence", "[unit]") {
  const Row rows[] = {
      {"up to date", [](Fixture&) {}, "UpToDate"},
      {"sgx component below first level", [](Fixture& f) { f.pck.sgx_tcb_comp[15] = 4; },
       "SWHardeningNeeded"},
      {"pcesvn below", [](Fixture& f) { f.pck.pcesvn = 12; }, "ConfigurationNeeded"},
      {"tdx component 2 below", [](Fixture& f) { f.quote.body.tee_tcb_svn[2] = 2; }, "OutOfDate"},
      {"module svn below its UpToDate level", [](Fixture& f) { f.quote.body.tee_tcb_svn[0] = 3; },
       "OutOfDate"},
      {"module OutOfDate with ConfigurationNeeded platform",
       [](Fixture& f) {
         f.quote.body.tee_tcb_svn[0] = 3;
         f.pck.pcesvn = 12;
       },
       "OutOfDateConfigurationNeeded"},
      {"QE OutOfDate with SWHardeningNeeded platform",
       [](Fixture& f) {
         f.quote.qe_report.isv_svn = 3;
         f.pck.sgx_tcb_comp[0] = 4;
       },
       "OutOfDate"},
      {"no module identity: TEE_TCB_SVN[0] judged by the level",
       [](Fixture& f) { f.quote.body.tee_tcb_svn[1] = 0; }, "error tcb-mismatch: tcb status: no "},
      {"no level matches", [](Fixture& f) { f.pck.sgx_tcb_comp[3] = 1; },
       "error tcb-mismatch: tcb status: no TCB"},
      {"unknown module major version", [](Fixture& f) { f.quote.body.tee_tcb_svn[1] = 3; },
       "error tcb-mismatch: tcb status: no TDX module identity TDX_03"},
      {"module signer mismatch", [](Fixture& f) { f.quote.body.mr_signer_seam[0] = 1; },
       "error tcb-mismatch: tdx module identity: mrsignerseam 01"},
      {"fmspc mismatch", [](Fixture& f) { f.pck.fmspc[0] = 0; },
       "error collateral: tcb info is for fmspc 909090909090"},
      {"qe mrsigner mismatch", [](Fixture& f) { f.quote.qe_report.mr_signer[0] = 0; },
       "error collateral: qe identity: mrsigner got 00dc"},
      {"qe product mismatch", [](Fixture& f) { f.quote.qe_report.isv_prod_id = 1; },
       "error collateral: qe identity: isvprodid got 1, want 2"},
      {"qe attributes mismatch", [](Fixture& f) { f.quote.qe_report.attributes[0] = 0x13; },
       "error collateral: qe identity: attributes 13"},
      {"platform level revoked", [](Fixture& f) { f.info.levels[0].result.status = "Revoked"; },
       "error revoked: tcb status: Revoked (platform Revoked, module UpToDate, qe UpToDate)"},
      {"qe level revoked",
       [](Fixture& f) {
         f.qe.levels[1].result.status = "Revoked";
         f.quote.qe_report.isv_svn = 1;
       },
       "error revoked: tcb status: Revoked (platform UpToDate, module UpToDate, qe Revoked)"},
  };
  for (const Row& row : rows) {
    INFO(row.name);
    Fixture f;
    row.change(f);
    auto r = EvaluateTdxTcb({&f.info, &f.qe, &f.pck, &f.quote});
    std::string got;
    if (r.ok()) {
      got = r->status;
    } else {
      got = StrCat("error ", VerifyErrorKindName(*GetVerifyErrorKind(r.status())), ": ",
                   StatusText(r.status()));
    }
    CHECK(got.substr(0, row.want.size()) == row.want);
  }
}

TEST_CASE("TDX TCB advisories are the union of the selected levels", "[unit]") {
  Fixture f;
  f.quote.body.tee_tcb_svn[0] = 3;  // module OutOfDate
  f.pck.pcesvn = 12;                // platform ConfigurationNeeded
  f.quote.qe_report.isv_svn = 3;    // QE OutOfDate
  auto r = EvaluateTdxTcb({&f.info, &f.qe, &f.pck, &f.quote});
  REQUIRE(r.ok());
  CHECK(r->platform_status == "ConfigurationNeeded");
  CHECK(r->module_status == "OutOfDate");
  CHECK(r->qe_status == "OutOfDate");
  CHECK(r->advisory_ids == std::vector<std::string>{"INTEL-SA-P", "INTEL-SA-M"});
}

}  // namespace
}  // namespace c8s::attest
