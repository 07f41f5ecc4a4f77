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
    Run r = C8sctl(
        "evidence verify --platform snp --evidence " + p.evidence + " " + p.certs + " --at " + p.at,
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
    Run r = C8sctl(
        "evidence verify --evidence " + tmp.Path("mutated") + " " + p.certs + " --at " + p.at, tmp);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("REFUSED (signature)") != std::string::npos);
  }
  // Outside the validity window.
  Positive p = Positives()[4];
  Run r = C8sctl(
      "evidence verify --evidence " + p.evidence + " " + p.certs + " --at 2026-06-01T00:00:00Z",
      tmp);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("REFUSED (expired)") != std::string::npos);
}

// Flips one base64 character near the end of the first PEM certificate (inside its signature
// value), or one byte near the end of a DER certificate.
std::string MutateCertificate(std::string cert) {
  size_t end = cert.find("-----END CERTIFICATE-----");
  size_t at = end != std::string::npos ? end - 20 : cert.size() - 10;
  if (end != std::string::npos) {
    while (cert[at] == '\n' || cert[at] == '=') --at;
    cert[at] = cert[at] == 'A' ? 'B' : 'A';
  } else {
    cert[at] = static_cast<char>(cert[at] ^ 0x01);
  }
  return cert;
}

// "--vcek FILE --chain FILE" -> the VCEK file.
std::string VcekOf(const Positive& p) {
  size_t a = p.certs.find("--vcek ") + 7;
  return p.certs.substr(a, p.certs.find(' ', a) - a);
}

TEST_CASE("c8sctl evidence verify refuses a changed signature or certificate by kind",
          "[component]") {
  TempDir tmp;
  for (const Positive& p : Positives()) {
    INFO(p.evidence);
    // One byte of the signature's R (report offset 0x2A0 + 5).
    std::string data = c8s::ReadFile(p.evidence).value();
    bool hex = p.evidence.ends_with(".hex");
    size_t at = hex ? 2 * (0x2A0 + 5) : 0x2A0 + 5;
    data[at] = hex ? (data[at] == '0' ? '1' : '0') : static_cast<char>(data[at] ^ 0x01);
    REQUIRE(c8s::WriteFile(tmp.Path("bad-signature"), data).ok());
    Run r = C8sctl(
        "evidence verify --evidence " + tmp.Path("bad-signature") + " " + p.certs + " --at " + p.at,
        tmp);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("REFUSED (signature)") != std::string::npos);

    // One byte inside the signature of the VCEK/VLEK: the chain no longer verifies.
    std::string vcek = VcekOf(p);
    REQUIRE(
        c8s::WriteFile(tmp.Path("bad-vcek"), MutateCertificate(c8s::ReadFile(vcek).value())).ok());
    std::string certs = p.certs;
    certs.replace(certs.find(vcek), vcek.size(), tmp.Path("bad-vcek"));
    r = C8sctl("evidence verify --evidence " + p.evidence + " " + certs + " --at " + p.at, tmp);
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("REFUSED (chain)") != std::string::npos);
  }
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
                       std::string(96, '0') + R"("], "minTcb": {"snp": 30}, "chipIds": [")" +
                       std::string(128, '1') + R"("]}})";
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
  Run s = C8sctl("evidence simulate --platform snp --out " + out +
                     " --product Turin --tcb "
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

// TDX quotes of MANIFEST.md with their collateral directory. The MANIFEST's time, 2026-01-20,
// is before the notBefore of the v5 sample's PCK certificate (2026-01-27), so that quote is
// checked at 2026-02-01, still inside the collateral's window (2026-01-12 .. 2026-02-11). The
// b0c06f000000 and 00806f050000 TCB infos expired 2025-10-29, before the QE identity was
// issued: no time makes both current, so those quotes need --accept-stale-collateral (a policy
// choice, off by default), and without it they are refused as expired.
struct TdxPositive {
  std::string quote, at;
  bool stale;
  std::string status;  // with collateral
};

std::vector<TdxPositive> TdxPositives() {
  return {{"v5-td15-sample.dat", "2026-02-01T00:00:00Z", false, "UpToDate"},
          {"v4-phala.dat", "2026-01-20T00:00:00Z", true, "UpToDate"},
          {"v4-azure.bin", "2026-01-20T00:00:00Z", true, "UpToDate"},
          // Not in the MANIFEST (no expected status there): OutOfDate per Intel's algorithm,
          // as lib/attest/tdx_verifier_test.cc computes.
          {"v4-edgeless.dat", "2026-01-20T00:00:00Z", true, "OutOfDate"}};
}

std::string TdxArgs(const std::string& quote, const std::string& at) {
  return "evidence verify --platform tdx --evidence " + quote + " --at " + at;
}

TEST_CASE("c8sctl evidence verify accepts every TDX quote, with and without collateral",
          "[component]") {
  TempDir tmp;
  const std::string collateral = " --collateral " + V("tdx-collateral");
  for (const TdxPositive& p : TdxPositives()) {
    INFO(p.quote);
    std::string quote = V("tdx-quotes/" + p.quote);
    Run bare = C8sctl(TdxArgs(quote, p.at), tmp);
    INFO(bare.err);
    CHECK(bare.exit_code == 0);
    CHECK(bare.out.find("\"platform\": \"tdx\"") != std::string::npos);
    CHECK(bare.out.find("\"tcbStatus\": \"Unknown\"") != std::string::npos);

    Run full = C8sctl(
        TdxArgs(quote, p.at) + collateral + (p.stale ? " --accept-stale-collateral" : ""), tmp);
    INFO(full.err);
    CHECK(full.exit_code == 0);
    CHECK(full.out.find("\"tcbStatus\": \"" + p.status + "\"") != std::string::npos);
    CHECK((full.err.find("warning: tcb info: stale") != std::string::npos) == p.stale);
    if (p.stale) {
      Run strict = C8sctl(TdxArgs(quote, p.at) + collateral, tmp);
      CHECK(strict.exit_code == 1);
      CHECK(strict.err.find("REFUSED (expired): tcb info: stale") != std::string::npos);
    }
  }
  // The MANIFEST's time is too early for the v5 sample's PCK certificate.
  Run early = C8sctl(TdxArgs(V("tdx-quotes/v5-td15-sample.dat"), "2026-01-20T00:00:00Z"), tmp);
  CHECK(early.exit_code == 1);
  CHECK(early.err.find("REFUSED (expired)") != std::string::npos);
  // Hex text, as quotes are often pasted.
  std::string raw = c8s::ReadFile(V("tdx-quotes/v4-phala.dat")).value();
  REQUIRE(c8s::WriteFile(tmp.Path("quote.hex"), c8s::HexEncode(c8s::AsBytes(raw)) + "\n").ok());
  CHECK(C8sctl(TdxArgs(tmp.Path("quote.hex"), "2026-01-20T00:00:00Z"), tmp).exit_code == 0);
}

TEST_CASE("c8sctl evidence verify refuses mutated TDX quotes by kind", "[component]") {
  TempDir tmp;
  for (const TdxPositive& p : TdxPositives()) {
    INFO(p.quote);
    const std::string quote = c8s::ReadFile(V("tdx-quotes/" + p.quote)).value();
    auto refused = [&](std::string mutated, const std::string& kind) {
      REQUIRE(c8s::WriteFile(tmp.Path("mutated"), mutated).ok());
      Run r = C8sctl(TdxArgs(tmp.Path("mutated"), p.at), tmp);
      INFO(kind << ": " << r.err);
      CHECK(r.exit_code == 1);
      CHECK(r.err.find("REFUSED (" + kind + ")") != std::string::npos);
    };
    // Header (48 bytes; v5 adds a 6-byte body descriptor) then the report body, all signed by
    // the attestation key: one bit of MRTD (body offset 0x88).
    const bool v4 = quote[0] == 4;
    const size_t body = v4 ? 48 : 48 + 6;
    const size_t signed_size = body + (v4 ? 584 : 648);
    std::string m = quote;
    m[body + 0x88] ^= 0x01;
    refused(m, "signature");
    // The quote signature itself: the 64 bytes after SIGNATURE_DATA_LEN.
    m = quote;
    m[signed_size + 4 + 10] ^= 0x01;
    refused(m, "signature");
    // The PCK leaf certificate embedded in the quote (its PEM signature value).
    refused(MutateCertificate(quote), "chain");
  }
}

}  // namespace
