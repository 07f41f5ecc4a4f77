// Simulated SEV-SNP: round trip through the real verifier, refusal without allowSimulated,
// configurable mismatches, and a golden report compared with a layout written by hand.
#include "lib/attest/simulated_snp.h"

#include <catch2/catch_test_macros.hpp>

#include "lib/attest/policy.h"
#include "lib/attest/snp_verifier.h"
#include "lib/attest/verify_error.h"
#include "lib/base/fd.h"
#include "test/support/test_env.h"

namespace c8s::attest {
namespace {

// A fixed P-384 key so that the golden report's certificate key is fixed too.
constexpr char kFixedVcekKey[] = R"(-----BEGIN PRIVATE KEY-----
MIG2AgEAMBAGByqGSM49AgEGBSuBBAAiBIGeMIGbAgEBBDCPx4pwhPlCFc0otbhu
GRi1Y9KV/t5giDz+EACxEx4nDkTIGgmh+kXYaYweeQQTa0qhZANiAAT+lGFsllBm
K1FAunBc2CQ/T+5gyMhY/OyHA5W5vxztXQi9un0JTw6cpas3Cj6eui0yn3m5IXup
GwtiWR9j75Kje5jiTgbO/aqDTDwFlzGmETO/Tey1APc7nkhQWYMtv1M=
-----END PRIVATE KEY-----
)";

std::string KindOf(const absl::Status& s) {
  auto k = GetVerifyErrorKind(s);
  return k ? std::string(VerifyErrorKindName(*k)) : std::string(s.message());
}

ReportData Rd(uint8_t v) {
  ReportData rd;
  rd.fill(v);
  return rd;
}

SnpVerifyOptions SimOptions(const SimulatedSnp& sim) {
  SnpVerifyOptions o;
  o.simulated_roots = {ToBytes(sim.ArkPem())};
  return o;
}

TEST_CASE("golden simulated report matches the hand-written layout", "[unit]") {
  SimulatedSnpConfig cfg;
  cfg.version = 3;
  cfg.product = SnpProduct::kGenoa;
  cfg.vek_key_pem = kFixedVcekKey;
  cfg.measurement = Bytes(48, 0xab);
  cfg.host_data = Bytes(32, 0xcd);
  cfg.chip_id = Bytes(64, 0x11);
  cfg.tcb = {.bootloader = 7, .tee = 1, .snp = 21, .microcode = 0x54, .fmc = 0, .raw = 0};
  cfg.policy = 0x30000;
  cfg.platform_info = 0x3;
  cfg.vmpl = 2;
  cfg.guest_svn = 9;
  cfg.fw_major = 1, cfg.fw_minor = 55, cfg.fw_build = 0x23;
  auto sim = SimulatedSnp::Create(cfg).value();
  Evidence ev = sim->GetEvidence(Rd(0xee)).value();

  // ATTESTATION_REPORT v3 written out byte by byte (attestation-formats.md §1.1).
  Bytes want(0x2A0, 0);
  auto put = [&want](size_t off, std::initializer_list<uint8_t> bytes) {
    for (uint8_t b : bytes) want[off++] = b;
  };
  auto fill = [&want](size_t off, size_t n, uint8_t v) {
    for (size_t i = 0; i < n; ++i) want[off + i] = v;
  };
  put(0x000, {0x03, 0, 0, 0});                       // VERSION 3
  put(0x004, {0x09, 0, 0, 0});                       // GUEST_SVN
  put(0x008, {0x00, 0x00, 0x03, 0, 0, 0, 0, 0});     // POLICY 0x30000
  put(0x030, {0x02, 0, 0, 0});                       // VMPL 2
  put(0x034, {0x01, 0, 0, 0});                       // SIGNATURE_ALGO 1
  put(0x038, {0x07, 0x01, 0, 0, 0, 0, 0x15, 0x54});  // CURRENT_TCB Genoa layout
  put(0x040, {0x03, 0, 0, 0, 0, 0, 0, 0});           // PLATFORM_INFO
  put(0x048, {0x00, 0, 0, 0});                       // KEY_INFO: VCEK
  fill(0x050, 64, 0xee);                             // REPORT_DATA
  fill(0x090, 48, 0xab);                             // MEASUREMENT
  fill(0x0C0, 32, 0xcd);                             // HOST_DATA
  fill(0x140, 32, 0x01);                             // REPORT_ID
  fill(0x160, 32, 0xff);                             // REPORT_ID_MA
  put(0x180, {0x07, 0x01, 0, 0, 0, 0, 0x15, 0x54});  // REPORTED_TCB
  put(0x188, {0x19, 0x11, 0x01});                    // CPUID Genoa
  fill(0x1A0, 64, 0x11);                             // CHIP_ID
  put(0x1E0, {0x07, 0x01, 0, 0, 0, 0, 0x15, 0x54});  // COMMITTED_TCB
  put(0x1E8, {0x23, 55, 1, 0, 0x23, 55, 1, 0});      // CURRENT / COMMITTED build.minor.major
  put(0x1F0, {0x07, 0x01, 0, 0, 0, 0, 0x15, 0x54});  // LAUNCH_TCB
  REQUIRE(ev.report.size() == 0x4A0);
  CHECK(HexEncode(ByteSpan(ev.report).first(0x2A0)) == HexEncode(want));
  // The signature: R and S little-endian, each 48 significant bytes then 24 zero bytes.
  for (size_t i = 0x2A0 + 48; i < 0x2A0 + 72; ++i) CHECK(ev.report[i] == 0);
  for (size_t i = 0x2A0 + 0x90; i < 0x4A0; ++i) CHECK(ev.report[i] == 0);

  absl::StatusOr<Claims> c = VerifySnpEvidence(ev, SimOptions(*sim));
  INFO(c.status().message());
  REQUIRE(c.ok());
  CHECK(c->platform == Platform::kSimulatedSevSnp);
  CHECK(c->assurance == AssuranceLevel::kSimulated);
  CHECK(c->product == "Genoa");
  CHECK(c->reported_tcb.snp == 21);
  CHECK(c->vmpl == 2);
}

TEST_CASE("simulated evidence round-trips for every version and product", "[unit]") {
  for (SnpProduct p : {SnpProduct::kMilan, SnpProduct::kGenoa, SnpProduct::kTurin}) {
    for (uint32_t v = 2; v <= 5; ++v) {
      for (bool vlek : {false, true}) {
        INFO(SnpProductName(p) << " v" << v << (vlek ? " VLEK" : " VCEK"));
        SimulatedSnpConfig cfg;
        cfg.product = p;
        cfg.version = v;
        cfg.vlek = vlek;
        auto sim = SimulatedSnp::Create(cfg).value();
        absl::StatusOr<Claims> c =
            VerifySnpEvidence(sim->GetEvidence(Rd(1)).value(), SimOptions(*sim));
        INFO(c.status().message());
        REQUIRE(c.ok());
        CHECK(c->product == SnpProductName(p));
        CHECK(c->reported_tcb.microcode == 115);
        if (p == SnpProduct::kTurin) CHECK(c->reported_tcb.fmc == 1);
        CHECK(c->signing_key == (vlek ? SigningKeyKind::kVlek : SigningKeyKind::kVcek));
      }
    }
  }
}

TEST_CASE("a platform rebuilt from parts signs evidence that verifies under the same ARK",
          "[unit]") {
  SimulatedSnpConfig cfg;
  auto original = SimulatedSnp::Create(cfg).value();
  SimulatedSnpParts parts = original->Parts();
  CHECK(parts.vek_key_pem.rfind("-----BEGIN PRIVATE KEY-----", 0) == 0);
  auto copy = SimulatedSnp::FromParts(cfg, parts).value();
  const ReportData want = Rd(7);
  absl::StatusOr<Claims> c =
      VerifySnpEvidence(copy->GetEvidence(want).value(), SimOptions(*original));
  INFO(c.status().message());
  REQUIRE(c.ok());
  CHECK(c->report_data == Bytes(want.begin(), want.end()));
  CHECK(copy->MakeCrl({}, absl::Now(), absl::Now() + absl::Hours(1)).status().message() ==
        "simulated CRL: platform built from parts has no ARK key");
  parts.vek_der.clear();
  CHECK(SimulatedSnp::FromParts(cfg, parts).status().message() ==
        "simulated SNP parts: ARK, ASK and VEK certificate needed");
}

TEST_CASE("simulated evidence: not trusted without its root, refused without allowSimulated",
          "[unit]") {
  auto sim = SimulatedSnp::Create({}).value();
  Evidence ev = sim->GetEvidence(Rd(2)).value();
  absl::Status st = VerifySnpEvidence(ev, SnpVerifyOptions{}).status();
  CHECK(KindOf(st) == "chain");

  Claims c = VerifySnpEvidence(ev, SimOptions(*sim)).value();
  AttestationPolicy policy;
  policy.snp = SnpPolicy{};
  policy.snp->measurements = {Bytes(48, 0x5a)};
  PolicyResult refused = EvaluatePolicy(policy, c);
  CHECK(!refused.ok);
  REQUIRE(refused.failures.size() == 1);
  CHECK(refused.failures[0].rfind("allowSimulated:", 0) == 0);
  policy.allow_simulated = true;
  CHECK(EvaluatePolicy(policy, c).ok);
}

TEST_CASE("configurable measurement and TCB produce policy mismatches", "[unit]") {
  SimulatedSnpConfig cfg;
  cfg.measurement = Bytes(48, 0x7f);
  cfg.tcb.snp = 2;
  auto sim = SimulatedSnp::Create(cfg).value();
  Claims c = VerifySnpEvidence(sim->GetEvidence(Rd(3)).value(), SimOptions(*sim)).value();
  AttestationPolicy policy;
  policy.allow_simulated = true;
  policy.snp = SnpPolicy{};
  policy.snp->measurements = {Bytes(48, 0x5a)};
  policy.snp->min_tcb.snp = 8;
  PolicyResult r = EvaluatePolicy(policy, c);
  CHECK(r.failures.size() == 2);
}

TEST_CASE("simulated chain and report written to a directory verify from the files", "[unit]") {
  auto sim = SimulatedSnp::Create({}).value();
  c8s::testing::TempDir dir;
  REQUIRE(sim->WriteToDirectory(dir.path(), Rd(4)).ok());
  Evidence ev;
  ev.report = ToBytes(ReadFile(dir.Path("report.bin")).value());
  ev.certs = {ToBytes(ReadFile(dir.Path("vcek.der")).value()),
              ToBytes(ReadFile(dir.Path("cert_chain.pem")).value())};
  SnpVerifyOptions opt;
  opt.simulated_roots = {ToBytes(ReadFile(dir.Path("roots/sim_ark.pem")).value())};
  CHECK(VerifySnpEvidence(ev, opt).ok());
}

TEST_CASE("optional CRL check: revoked VCEK, revoked ASK, stale and foreign CRLs", "[unit]") {
  auto sim = SimulatedSnp::Create({}).value();
  Evidence ev = sim->GetEvidence(Rd(5)).value();
  SnpVerifyOptions opt = SimOptions(*sim);
  opt.now = absl::FromUnixSeconds(1767225600);  // 2026-01-01
  absl::Time issued = opt.now - absl::Hours(24), next = opt.now + absl::Hours(24 * 30);

  opt.crls = {sim->MakeCrl({}, issued, next).value()};
  CHECK(VerifySnpEvidence(ev, opt).ok());

  opt.crls = {sim->MakeCrl({0}, issued, next).value()};
  absl::Status st = VerifySnpEvidence(ev, opt).status();
  CHECK(KindOf(st) == "revoked");
  CHECK(std::string(st.message()) == "VEK (CN=SEV-VCEK) is revoked by the CRL of ARK-Milan");

  opt.crls = {sim->MakeCrl({2}, issued, next).value()};
  CHECK(std::string(VerifySnpEvidence(ev, opt).status().message()) ==
        "ASK (CN=SEV-Milan) is revoked by the CRL of ARK-Milan");

  opt.crls = {
      sim->MakeCrl({}, issued - absl::Hours(24 * 60), issued - absl::Hours(24 * 30)).value()};
  st = VerifySnpEvidence(ev, opt).status();
  CHECK(KindOf(st) == "expired");
  CHECK(std::string(st.message()).find("CRL of ARK-Milan is not valid at 2026-01-01T00:00:00Z") ==
        0);

  // A CRL with the right issuer name but signed by another (simulated) ARK key.
  auto other = SimulatedSnp::Create({}).value();
  opt.crls = {other->MakeCrl({}, issued, next).value()};
  st = VerifySnpEvidence(ev, opt).status();
  CHECK(KindOf(st) == "chain");
  CHECK(std::string(st.message()) == "CRL signature by ARK (CN=ARK-Milan) does not verify");
  opt.crls = {ToBytes("not a CRL")};
  CHECK(KindOf(VerifySnpEvidence(ev, opt).status()) == "certificate");
}

TEST_CASE("simulated chain survives a restart through its exported state", "[unit]") {
  auto sim = SimulatedSnp::Create({});
  REQUIRE(sim.ok());
  std::string state = (*sim)->ExportState();
  auto again = SimulatedSnp::FromState({}, state);
  REQUIRE(again.ok());
  CHECK((*again)->ArkPem() == (*sim)->ArkPem());
  auto ev = (*again)->GetEvidence(Rd(7));
  REQUIRE(ev.ok());
  auto claims = VerifySnpEvidence(*ev, SimOptions(**sim));  // the old root still verifies it
  INFO(claims.status().ToString());
  CHECK(claims.ok());
  CHECK(SimulatedSnp::FromState({}, "junk").status().message() ==
        "simulated SNP state: expected the VEK and ARK private keys first");
  auto other = SimulatedSnp::Create({});
  std::string other_state = (*other)->ExportState();
  std::string mixed = other_state.substr(0, other_state.find("-----BEGIN CERTIFICATE-----")) +
                      state.substr(state.find("-----BEGIN CERTIFICATE-----"));
  CHECK(SimulatedSnp::FromState({}, mixed).status().message() ==
        "simulated SNP state: the keys do not belong to the ARK and VEK certificates");
}

}  // namespace
}  // namespace c8s::attest
