// Simulated TDX: quotes and collateral from the simulated PKI go through the same verifier as
// real quotes; they verify only with the simulated root and then say kSimulatedTdx.
#include <catch2/catch_test_macros.hpp>

#include "lib/attest/simulated_tdx.h"
#include "lib/attest/tdx_verifier.h"
#include "lib/attest/verify_error.h"
#include "lib/base/clock.h"
#include "lib/base/strings.h"
#include "test/support/test_env.h"

namespace c8s::attest {
namespace {

absl::Time Jan15() { return ParseRfc3339("2026-01-15T00:00:00Z").value(); }

std::string KindName(const absl::Status& st) {
  auto kind = GetVerifyErrorKind(st);
  return kind ? std::string(VerifyErrorKindName(*kind)) : "none(" + st.ToString() + ")";
}

TEST_CASE("simulated TDX quote round-trips through the verifier", "[unit]") {
  SimulatedTdx sim = SimulatedTdx::Create().value();
  SimulatedTdxFields f;
  f.report_data = Bytes(64, 0xab);
  Bytes quote = sim.Quote(f).value();
  TdxCollateralBundle c = sim.Collateral({}).value();
  TdxVerifyOptions opt;
  opt.now = Jan15();
  opt.collateral = &c;

  // Without the simulated root the chain does not reach a trusted root.
  CHECK(KindName(VerifyTdxQuote(quote, opt).status()) == "chain");

  opt.simulated_roots = {ToBytes(sim.RootPem())};
  auto v = VerifyTdxQuote(quote, opt);
  REQUIRE(v.ok());
  CHECK(v->claims.platform == Platform::kSimulatedTdx);
  CHECK(v->claims.assurance == AssuranceLevel::kSimulated);
  CHECK(v->claims.tcb_status == "UpToDate");
  CHECK(v->claims.measurement == Bytes(48, 0x11));
  CHECK(v->claims.report_data == Bytes(64, 0xab));
  CHECK(HexEncode(v->claims.fmspc) == kSimulatedTdxFmspc);
  CHECK(v->claims.sept_ve_disable);

  // A module SVN below the collateral's minimum gives OutOfDate with its advisory.
  f.tee_tcb_svn[0] = 4;
  v = VerifyTdxQuote(sim.Quote(f).value(), opt);
  REQUIRE(v.ok());
  CHECK(v->claims.tcb_status == "OutOfDate");
  CHECK(v->claims.advisory_ids == std::vector<std::string>{"INTEL-SA-SIM-0001"});
  f.tee_tcb_svn[0] = 5;

  // QE below its identity's level: OutOfDate as well.
  f.qe_isvsvn = 3;
  v = VerifyTdxQuote(sim.Quote(f).value(), opt);
  REQUIRE(v.ok());
  CHECK(v->tcb->qe_status == "OutOfDate");
  CHECK(v->claims.tcb_status == "OutOfDate");
  f.qe_isvsvn = 4;

  // A TDX module major version without an identity in the TCB info: TCB not supported.
  f.tee_tcb_svn[1] = 2;
  auto unsupported = VerifyTdxQuote(sim.Quote(f).value(), opt).status();
  CHECK(KindName(unsupported) == "tcb-mismatch");
  CHECK(StatusText(unsupported).find("TDX_02") != std::string::npos);
  f.tee_tcb_svn[1] = 1;

  // Revoked PCK certificate.
  SimulatedTdxCollateralOptions revoked;
  revoked.revoke_pck = true;
  TdxCollateralBundle c3 = sim.Collateral(revoked).value();
  opt.collateral = &c3;
  auto st = VerifyTdxQuote(sim.Quote(f).value(), opt).status();
  CHECK(KindName(st) == "revoked");

  // Collateral used after nextUpdate, or before issueDate.
  opt.collateral = &c;
  opt.now = ParseRfc3339("2026-03-01T00:00:00Z").value();
  CHECK(KindName(VerifyTdxQuote(quote, opt).status()) == "expired");
  opt.now = ParseRfc3339("2025-12-01T00:00:00Z").value();
  CHECK(KindName(VerifyTdxQuote(quote, opt).status()) == "expired");
}

TEST_CASE("simulated TDX quote is byte-exact (golden layout written out by hand)", "[unit]") {
  SimulatedTdx sim = SimulatedTdx::Create().value();
  SimulatedTdxFields f;
  f.report_data = Bytes(64, 0x77);
  Bytes q = sim.Quote(f).value();
  // Header (Intel TDX DCAP quote v4): version 4, attestation key type 2 (ECDSA P-256), TEE
  // type 0x81, 4 reserved bytes, Intel QE vendor ID, 20 bytes of user data.
  const std::string header =
      "0400"
      "0200"
      "81000000"
      "00000000"
      "939a7233f79c4ca9940a0db3957f0607"
      "0000000000000000000000000000000000000000";
  CHECK(HexEncode(ByteSpan(q).first(48)) == header);
  ByteSpan body = ByteSpan(q).subspan(48, 584);
  CHECK(HexEncode(body.first(16)) == "05010300000000000000000000000000");  // TEE_TCB_SVN
  std::string mrseam;
  for (int i = 0; i < 48; ++i) mrseam += "5e";
  CHECK(HexEncode(body.subspan(0x10, 48)) == mrseam);                // MRSEAM
  CHECK(HexEncode(body.subspan(0x40, 48)) == std::string(96, '0'));  // MRSIGNERSEAM
  CHECK(HexEncode(body.subspan(0x70, 8)) == "0000000000000000");     // SEAMATTRIBUTES
  CHECK(HexEncode(body.subspan(0x78, 8)) == "0000001000000000");     // TDATTRIBUTES
  CHECK(HexEncode(body.subspan(0x80, 8)) == "e702060000000000");     // XFAM
  CHECK(body.subspan(0x88, 48)[47] == 0x11);                         // MRTD
  CHECK(body.subspan(0x148, 48)[0] == 0x21);                         // RTMR0
  CHECK(body.subspan(0x1d8, 48)[47] == 0x24);                        // RTMR3
  CHECK(body.subspan(0x208, 64)[0] == 0x77);                         // REPORTDATA
  // Signature data length at 0x278, then signature, key, certification data type 6.
  ByteSpan rest = ByteSpan(q).subspan(0x278);
  const uint32_t sig_len = rest[0] | rest[1] << 8 | rest[2] << 16 | rest[3] << 24;
  CHECK(sig_len == q.size() - 0x27c);
  CHECK(HexEncode(rest.subspan(4 + 128, 2)) == "0600");
  ByteSpan qe = rest.subspan(4 + 128 + 6, 384);
  CHECK(HexEncode(qe.subspan(0x100, 4)) == "02000400");  // ISVPRODID 2, ISVSVN 4
  ByteSpan after_sig = rest.subspan(4 + 128 + 6 + 384 + 64);
  CHECK(HexEncode(after_sig.first(2)) == "2000");            // QE auth data size 32
  CHECK(HexEncode(after_sig.subspan(2 + 32, 2)) == "0500");  // PCK chain type 5
  // The same fields come back out of the parser.
  TdxQuote parsed = ParseTdxQuote(q).value();
  CHECK(parsed.body.rtmr[2] == Bytes(48, 0x23));
  CHECK(parsed.qe_auth_data.size() == 32);
}

TEST_CASE("simulated TDX directory works with the CLI entry point", "[unit]") {
  testing::TempDir dir;
  SimulatedTdx sim = SimulatedTdx::Create().value();
  REQUIRE(sim.WriteDirectory(dir.path(), {}, {}).ok());
  TdxCliInput in;
  in.quote = ToBytes(testing::ReadTestFile(dir.Path("quote.dat")));
  in.collateral_dir = dir.Path("collateral");
  in.at = Jan15();
  CHECK(KindName(VerifyTdxEvidenceForCli(in).status()) == "chain");  // no simulated root
  in.roots_dir = dir.Path("roots");
  auto r = VerifyTdxEvidenceForCli(in);
  REQUIRE(r.ok());
  CHECK(r->claims.platform == Platform::kSimulatedTdx);
  CHECK(r->claims.tcb_status == "UpToDate");
  // Hex text input is accepted as well.
  in.quote = ToBytes(HexEncode(in.quote) + "\n");
  CHECK(VerifyTdxEvidenceForCli(in).ok());
}

TEST_CASE("CLI entry point verifies the real vectors from files", "[unit]") {
  TdxCliInput in;
  in.quote =
      ToBytes(testing::ReadTestFile(testing::SharedPath("vectors/tdx-quotes/v5-td15-sample.dat")));
  in.collateral_dir = testing::SharedPath("vectors/tdx-collateral");
  in.at = ParseRfc3339("2026-02-01T00:00:00Z").value();  // see tdx_verifier_test.cc
  auto r = VerifyTdxEvidenceForCli(in);
  REQUIRE(r.ok());
  CHECK(r->claims.platform == Platform::kTdx);
  CHECK(r->claims.tcb_status == "UpToDate");
}

}  // namespace
}  // namespace c8s::attest
