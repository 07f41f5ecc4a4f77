// Real TDX quotes (../shared/vectors/tdx-quotes) against the real Intel SGX Root CA and the
// Intel PCS collateral in ../shared/vectors/tdx-collateral.
//
// Verification time is pinned to 2026-02-01T00:00:00Z for every quote, because:
//  - the v5 sample's PCK certificate is valid only from 2026-01-27 (so the MANIFEST's
//    2026-01-20 is too early for it), and
//  - the QE identity, the 90c06f000000 TCB info and the CRLs are valid 2026-01-12..2026-02-11.
// The b0c06f000000 and 00806f050000 TCB infos expired on 2025-10-29 (before the QE identity was
// issued), so those quotes are verified with accept_stale_collateral and a stale warning.
#include "lib/attest/tdx_verifier.h"

#include <catch2/catch_test_macros.hpp>

#include "lib/attest/verify_error.h"
#include "lib/base/clock.h"
#include "lib/base/strings.h"
#include "test/support/test_env.h"

namespace c8s::attest {
namespace {

using testing::ReadTestFile;
using testing::SharedPath;

absl::Time PinnedTime() { return ParseRfc3339("2026-02-01T00:00:00Z").value(); }

Bytes Quote(const std::string& name) {
  return ToBytes(ReadTestFile(SharedPath("vectors/tdx-quotes/" + name)));
}

TdxCollateralBundle Collateral(const std::string& fmspc_hex) {
  auto b = LoadTdxCollateralDir(SharedPath("vectors/tdx-collateral"), HexDecode(fmspc_hex).value());
  REQUIRE(b.ok());
  return *b;
}

std::string KindName(const absl::Status& st) {
  auto kind = GetVerifyErrorKind(st);
  return kind ? std::string(VerifyErrorKindName(*kind)) : "none(" + st.ToString() + ")";
}

struct RealCase {
  std::string file;
  std::string fmspc;
  uint16_t version;
  bool td15;
  bool stale;          // the TCB info is older than the QE identity (see banner)
  std::string status;  // expected TCB status (MANIFEST.md / attestation-formats.md §3.6)
};

const RealCase kRealCases[] = {
    {"v5-td15-sample.dat", "90c06f000000", 5, true, false, "UpToDate"},
    {"v4-phala.dat", "b0c06f000000", 4, false, true, "UpToDate"},
    {"v4-azure.bin", "00806f050000", 4, false, true, "UpToDate"},
    // Not in the MANIFEST; computed independently (Python over the same TCB info): the PCK's
    // SGX components 0/1 (5, 5) are below the UpToDate level's (7, 7) and the next level's
    // (6, 6); the third level is the first one met, OutOfDate.
    {"v4-edgeless.dat", "00806f050000", 4, false, true, "OutOfDate"},
};

TEST_CASE("real TDX quotes verify to the Intel root with collateral", "[unit]") {
  for (const RealCase& c : kRealCases) {
    INFO(c.file);
    TdxCollateralBundle bundle = Collateral(c.fmspc);
    REQUIRE(bundle.crls.size() == 3);
    TdxVerifyOptions opt;
    opt.now = PinnedTime();
    opt.collateral = &bundle;
    opt.accept_stale_collateral = c.stale;
    auto v = VerifyTdxQuote(Quote(c.file), opt);
    REQUIRE(v.ok());
    CHECK(v->claims.platform == Platform::kTdx);
    CHECK(v->claims.quote_version == c.version);
    CHECK(v->quote.body.td15 == c.td15);
    CHECK(HexEncode(v->claims.fmspc) == c.fmspc);
    CHECK(v->claims.tcb_status == c.status);
    CHECK(v->tcb->qe_status == "UpToDate");
    CHECK(v->claims.measurement.size() == 48);
    CHECK(v->claims.rtmrs.size() == 4);
    CHECK(v->claims.ppid.size() == 16);
    CHECK(v->warnings.size() == (c.stale ? 1u : 0u));
    if (c.status == "OutOfDate") {
      CHECK(v->claims.advisory_ids == std::vector<std::string>{"INTEL-SA-00837", "INTEL-SA-00960",
                                                               "INTEL-SA-00982", "INTEL-SA-00986"});
    } else {
      CHECK(v->claims.advisory_ids.empty());
    }
    if (c.stale) {
      opt.accept_stale_collateral = false;
      auto refused = VerifyTdxQuote(Quote(c.file), opt);
      CHECK(KindName(refused.status()) == "expired");
      CHECK(StatusText(refused.status()).find("tcb info: stale") != std::string::npos);
    }
  }
}

TEST_CASE("real TDX quotes verify without collateral: status Unknown", "[unit]") {
  for (const char* file :
       {"v5-td15-sample.dat", "v4-phala.dat", "v4-azure.bin", "v4-edgeless.dat"}) {
    INFO(file);
    TdxVerifyOptions opt;
    opt.now = PinnedTime();
    auto v = VerifyTdxQuote(Quote(file), opt);
    REQUIRE(v.ok());
    CHECK(v->claims.tcb_status == "Unknown");
    CHECK(v->claims.signing_key == SigningKeyKind::kPck);
  }
  TdxVerifyOptions opt;
  opt.now = PinnedTime();
  auto v = VerifyTdxQuote(Quote("v4-edgeless.dat"), opt);
  REQUIRE(v.ok());
  Bytes want = ToBytes("Hello from Edgeless Systems!");
  want.resize(64, 0);
  CHECK(v->claims.report_data == want);
  CHECK(HexEncode(v->claims.fmspc) == "00806f050000");
  CHECK(v->claims.sept_ve_disable);
  CHECK_FALSE(v->claims.debug);
  CHECK(v->quote.total_size == 4936);
  auto azure = VerifyTdxQuote(Quote("v4-azure.bin"), opt);  // 70 bytes of zero padding
  REQUIRE(azure.ok());
  CHECK(azure->quote.total_size == 5010 - 70);
}

TEST_CASE("TDX verification time, report data and padding errors", "[unit]") {
  TdxVerifyOptions opt;
  opt.now = ParseRfc3339("2026-01-20T00:00:00Z").value();  // before the v5 PCK's notBefore
  CHECK(KindName(VerifyTdxQuote(Quote("v5-td15-sample.dat"), opt).status()) == "expired");
  opt.now = ParseRfc3339("2030-06-01T00:00:00Z").value();  // edgeless PCK ends 2030-01-26
  CHECK(KindName(VerifyTdxQuote(Quote("v4-edgeless.dat"), opt).status()) == "expired");

  opt.now = PinnedTime();
  opt.expected_report_data = Bytes(64, 0);
  auto st = VerifyTdxQuote(Quote("v4-edgeless.dat"), opt).status();
  CHECK(KindName(st) == "report-data");
  CHECK(StatusText(st).rfind("report data: got 48656c6c6f", 0) == 0);
  opt.expected_report_data.reset();

  Bytes padded = Quote("v4-azure.bin");
  padded.back() = 1;
  CHECK(KindName(VerifyTdxQuote(padded, opt).status()) == "reserved-nonzero");

  Bytes q = Quote("v4-edgeless.dat");
  for (size_t n = 0; n < q.size(); ++n) {
    auto r = ParseTdxQuote(ByteSpan(q).first(n));
    REQUIRE_FALSE(r.ok());
    REQUIRE(KindName(r.status()) == "parse");
  }
}

TEST_CASE("TDX collateral for another FMSPC, tampered or stale is refused", "[unit]") {
  TdxVerifyOptions opt;
  opt.now = PinnedTime();
  TdxCollateralBundle other = Collateral("90c06f000000");
  opt.collateral = &other;
  auto st = VerifyTdxQuote(Quote("v4-phala.dat"), opt).status();
  CHECK(KindName(st) == "collateral");
  CHECK(StatusText(st).find("fmspc 90c06f000000") != std::string::npos);

  TdxCollateralBundle good = Collateral("90c06f000000");
  const std::string marker = "\"tcbEvaluationDataNumber\":18";
  for (std::string* doc : {&good.tcb_info_json, &good.qe_identity_json}) {
    TdxCollateralBundle tampered = good;
    std::string* t =
        doc == &good.tcb_info_json ? &tampered.tcb_info_json : &tampered.qe_identity_json;
    size_t pos = t->find(marker);
    REQUIRE(pos != std::string::npos);
    (*t)[pos + marker.size() - 1] = '9';  // one byte inside the signed value
    opt.collateral = &tampered;
    st = VerifyTdxQuote(Quote("v5-td15-sample.dat"), opt).status();
    CHECK(KindName(st) == "collateral");
    CHECK(StatusText(st).find("collateral signature") != std::string::npos);
  }
  TdxCollateralBundle bad_sig = good;
  size_t sig = bad_sig.tcb_info_json.find("\"signature\":\"") + 13;
  bad_sig.tcb_info_json[sig] = bad_sig.tcb_info_json[sig] == '0' ? '1' : '0';
  opt.collateral = &bad_sig;
  CHECK(KindName(VerifyTdxQuote(Quote("v5-td15-sample.dat"), opt).status()) == "collateral");

  opt.collateral = &good;
  opt.now = ParseRfc3339("2026-03-01T00:00:00Z").value();  // CRLs and TCB info past nextUpdate
  CHECK(KindName(VerifyTdxQuote(Quote("v5-td15-sample.dat"), opt).status()) == "expired");
}

}  // namespace
}  // namespace c8s::attest
