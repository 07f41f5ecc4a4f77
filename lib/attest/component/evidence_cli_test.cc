// Runs the c8sctl binary (`evidence verify` / `evidence simulate`) on every positive SEV-SNP
// vector of ../shared/vectors/MANIFEST.md at the time the MANIFEST gives, on mutated copies, and
// on files in the shapes operators have them (hex, reversed chain, padding).
#include <sys/wait.h>

#include <catch2/catch_test_macros.hpp>
#include <cstdlib>

#include "lib/base/bytes.h"
#include "lib/base/fd.h"
#include "test/support/test_env.h"

namespace {

using c8s::testing::BinaryPath;
using c8s::testing::SharedPath;
using c8s::testing::TempDir;

struct Run {
  int exit_code;
  std::string out, err;
};

Run C8sctl(const std::string& args, const TempDir& tmp) {
  std::string out = tmp.Path("stdout"), err = tmp.Path("stderr");
  std::string cmd = BinaryPath("bin/c8sctl") + " " + args + " >" + out + " 2>" + err;
  int rc = std::system(cmd.c_str());
  Run r{WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, "", ""};
  r.out = c8s::ReadFile(out).value_or("");
  r.err = c8s::ReadFile(err).value_or("");
  return r;
}

std::string V(const std::string& rel) { return SharedPath("vectors/" + rel); }

struct Positive {
  std::string evidence, certs, at;
};

// The positive SNP vectors and their MANIFEST.md times.
std::vector<Positive> Positives() {
  std::string gcp = "--vcek " + V("snp-milan-v5-gcp/sev-gcp-vcek.pem") + " --chain " +
                    V("snp-milan-v5-gcp/sev-gcp-cert-chain.pem");
  return {
      {V("snp-milan-v2-virtee/report_milan.hex"),
       "--vcek " + V("snp-milan-v2-virtee/vcek_milan.der") + " --chain " +
           V("snp-milan-v2-virtee/cert_chain_milan"),
       "2024-01-01T00:00:00Z"},
      {V("snp-milan-v5-gcp/sev-gcp.bin"), gcp, "2026-01-01T00:00:00Z"},
      {V("snp-milan-v5-gcp/sev-gcp-reportdata.bin"), gcp, "2026-01-01T00:00:00Z"},
      {V("snp-milan-v5-gcp/sev-gcp-x25519-bound.bin"),
       "--vcek " + V("snp-milan-v5-gcp/sev-gcp-x25519-vcek.pem") + " --chain " +
           V("snp-milan-v5-gcp/sev-gcp-x25519-cert-chain.pem"),
       "2026-01-01T00:00:00Z"},
      {V("snp-milan-v3-vlek-aws/test-vlek-report.bin"),
       "--vcek " + V("snp-milan-v3-vlek-aws/test-vlek.der") + " --chain " +
           V("amd-roots/milan_asvk_ark.pem"),
       "2025-06-01T00:00:00Z"},
      {V("snp-milan-v3-vlek-aws/test-report.bin"),
       "--vcek " + V("snp-milan-v3-vlek-aws/test-vcek.der") + " --chain " +
           V("amd-roots/milan_ask.pem"),
       "2024-01-01T00:00:00Z"},
  };
}

TEST_CASE("c8sctl evidence verify accepts every positive SNP vector", "[component]") {
  TempDir tmp;
  for (const Positive& p : Positives()) {
    INFO(p.evidence);
    Run r = C8sctl("evidence verify --platform snp --evidence " + p.evidence + " " + p.certs +
                       " --at " + p.at,
                   tmp);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("\"platform\": \"sev-snp\"") != std::string::npos);
    CHECK(r.out.find("\"product\": \"Milan\"") != std::string::npos);
  }
}

TEST_CASE("c8sctl evidence verify refuses mutated vectors with exit 1", "[component]") {
  TempDir tmp;
  for (const Positive& p : Positives()) {
    INFO(p.evidence);
    std::string data = c8s::ReadFile(p.evidence).value();
    bool hex = p.evidence.ends_with(".hex");
    // Flip one bit inside MEASUREMENT (byte 0x90 + 5; in hex text, its first digit).
    size_t at = hex ? 2 * (0x90 + 5) : 0x90 + 5;
    data[at] = hex ? (data[at] == '0' ? '1' : '0') : static_cast<char>(data[at] ^ 0x01);
    REQUIRE(c8s::WriteFile(tmp.Path("mutated"), data).ok());
    Run r = C8sctl("evidence verify --evidence " + tmp.Path("mutated") + " " + p.certs +
                       " --at " + p.at,
                   tmp);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("REFUSED (signature)") != std::string::npos);
  }
  // Outside the validity window.
  Positive p = Positives()[4];
  Run r = C8sctl("evidence verify --evidence " + p.evidence + " " + p.certs +
                     " --at 2026-06-01T00:00:00Z",
                 tmp);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("REFUSED (expired)") != std::string::npos);
}

TEST_CASE("c8sctl evidence verify takes files as they come", "[component]") {
  TempDir tmp;
  // Hex report with trailing padding, chain in reverse order (ARK before ASK), DER VCEK.
  std::string report = c8s::ReadFile(V("snp-milan-v3-vlek-aws/test-report.bin")).value();
  std::string hex = c8s::HexEncode(c8s::AsBytes(report + std::string(64, '\0')));
  REQUIRE(c8s::WriteFile(tmp.Path("report.hex"), hex + "\n").ok());
  std::string chain = c8s::ReadFile(V("amd-roots/milan_ark.pem")).value() +
                      c8s::ReadFile(V("amd-roots/milan_ask.pem")).value();
  REQUIRE(c8s::WriteFile(tmp.Path("chain.pem"), chain).ok());
  Run r = C8sctl("evidence verify --evidence " + tmp.Path("report.hex") + " --vcek " +
                     V("snp-milan-v3-vlek-aws/test-vcek.der") + " --chain " +
                     tmp.Path("chain.pem") + " --at 2024-01-01T00:00:00Z",
                 tmp);
  INFO(r.err);
  CHECK(r.exit_code == 0);
}

TEST_CASE("c8sctl evidence verify --policy prints every failed check", "[component]") {
  TempDir tmp;
  std::string policy = R"({"allowSimulated": false, "snp": {"measurements": [")" +
                       std::string(96, '0') +
                       R"("], "minTcb": {"snp": 30}, "chipIds": [")" + std::string(128, '1') +
                       R"("]}})";
  REQUIRE(c8s::WriteFile(tmp.Path("policy.json"), policy).ok());
  Positive p = Positives()[4];  // the AWS VLEK report: chip-ID pinning unavailable
  Run r = C8sctl("evidence verify --evidence " + p.evidence + " " + p.certs + " --at " + p.at +
                     " --policy " + tmp.Path("policy.json"),
                 tmp);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("REFUSED by policy (3 failed checks)") != std::string::npos);
  CHECK(r.err.find("FAIL snp.measurement: got ") != std::string::npos);
  CHECK(r.err.find("FAIL snp.minTcb.snp: got ") != std::string::npos);
  CHECK(r.err.find("chip-ID pinning is unavailable with a VLEK") != std::string::npos);
}

TEST_CASE("c8sctl evidence simulate writes SNP evidence the verifier accepts only with its root",
          "[component]") {
  TempDir tmp;
  std::string out = tmp.Path("sim");
  Run s = C8sctl("evidence simulate --platform snp --out " + out + " --product Turin --tcb "
                 "bootloader=2,tee=1,snp=5,microcode=90,fmc=3 --measurement " +
                     std::string(96, 'a'),
                 tmp);
  INFO(s.err);
  REQUIRE(s.exit_code == 0);
  std::string args = "evidence verify --evidence " + out + "/report.bin --vcek " + out +
                     "/vcek.der --chain " + out + "/cert_chain.pem";
  Run bad = C8sctl(args, tmp);
  CHECK(bad.exit_code == 1);
  CHECK(bad.err.find("REFUSED (chain)") != std::string::npos);
  Run ok = C8sctl(args + " --roots " + out + "/roots", tmp);
  INFO(ok.err);
  CHECK(ok.exit_code == 0);
  CHECK(ok.out.find("\"platform\": \"simulated-sev-snp\"") != std::string::npos);
  CHECK(ok.out.find("\"fmc\": 3") != std::string::npos);
}

}  // namespace
