// configfs-tsm against a fake tree that behaves like the kernel's: attributes appear on mkdir,
// writing inblob bumps `generation` and produces outblob/auxblob; a concurrent writer is
// simulated by extra generation bumps.
#include "lib/attest/configfs_tsm.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch_test_macros.hpp>
#include <functional>

#include "lib/attest/simulated_snp.h"
#include "lib/attest/simulated_tdx.h"
#include "lib/attest/snp_certs.h"
#include "lib/attest/snp_verifier.h"
#include "lib/attest/tdx_verifier.h"
#include "lib/attest/verify_error.h"
#include "lib/base/clock.h"
#include "lib/base/fd.h"
#include "test/support/test_env.h"

namespace c8s::attest {
namespace {

// What the fake kernel's TSM provider produces for an inblob: outblob and auxblob.
using FakeTsmBackend = std::function<std::pair<Bytes, Bytes>(const ReportData&)>;

class FakeKernel {
 public:
  explicit FakeKernel(FakeTsmBackend backend) : backend_(std::move(backend)) {}
  // The sev_guest backend: the simulated SNP report, with its certificate table as auxblob.
  explicit FakeKernel(SimulatedSnp& sim)
      : FakeKernel([&sim](const ReportData& rd) {
          Evidence ev = sim.GetEvidence(rd).value();
          return std::pair<Bytes, Bytes>(ev.report, CertTable(sim));
        }) {}
  int races_left = 0;  // attempts on which a "concurrent writer" bumps generation
  int attempts = 0;
  std::string provider = "sev_guest";

  void operator()(const std::string& step, const std::string& dir) {
    if (step == "mkdir") {
      ++attempts;
      Set(dir, "generation", "0\n");
      Set(dir, "provider", provider + "\n");
      for (const char* f : {"inblob", "outblob", "auxblob", "privlevel"}) Set(dir, f, "");
    } else if (step == "write:inblob" || step == "write:privlevel") {
      Bump(dir);
      if (step == "write:inblob") {
        std::string in = ReadFile(dir + "/inblob").value();
        ReportData rd{};
        std::copy(in.begin(), in.begin() + std::min<size_t>(in.size(), 64), rd.begin());
        auto [out, aux] = backend_(rd);
        Set(dir, "outblob", std::string(AsChars(out)));
        Set(dir, "auxblob", std::string(AsChars(aux)));
      }
    } else if (step == "read:outblob") {
      if (races_left > 0) {
        --races_left;
        Bump(dir);  // another process wrote inblob between our write and read
      }
    } else if (step == "rmdir") {
      for (const char* f :
           {"generation", "provider", "inblob", "outblob", "auxblob", "privlevel"}) {
        unlink((dir + "/" + f).c_str());
      }
    }
  }

  static Bytes CertTable(SimulatedSnp& sim) {
    auto der = [](const std::string& pem) {
      auto certs = ParseCertificates(AsBytes(pem)).value();
      return CertDer(certs[0].get());
    };
    return BuildSnpCertTable(
        {{kGuidVcek, sim.VekDer()}, {kGuidAsk, der(sim.AskPem())}, {kGuidArk, der(sim.ArkPem())}});
  }

 private:
  static void Set(const std::string& dir, const char* name, const std::string& v) {
    REQUIRE(WriteFile(dir + "/" + name, v).ok());
  }
  static void Bump(const std::string& dir) {
    uint64_t g = std::stoull(ReadFile(dir + "/generation").value());
    Set(dir, "generation", std::to_string(g + 1) + "\n");
  }
  FakeTsmBackend backend_;
};

size_t Entries(const std::string& dir) {
  size_t n = 0;
  DIR* d = opendir(dir.c_str());
  while (dirent* e = readdir(d)) n += e->d_name[0] != '.';
  closedir(d);
  return n;
}

TEST_CASE("configfs-tsm: evidence from the fake tree verifies, entry removed", "[unit]") {
  auto sim = SimulatedSnp::Create({}).value();
  FakeKernel kernel(*sim);
  c8s::testing::TempDir root;
  ConfigfsTsmOptions opt;
  opt.root = root.path();
  opt.privlevel = 0;
  opt.fake_kernel = std::ref(kernel);
  auto provider = ConfigfsTsmProvider::Open(opt).value();
  ReportData rd;
  rd.fill(0x42);
  absl::StatusOr<Evidence> ev = provider->GetEvidence(rd);
  REQUIRE(ev.ok());
  CHECK(ev->platform == Platform::kSevSnp);
  CHECK(ev->report.size() == kSnpReportSize);
  CHECK(kernel.attempts == 1);
  CHECK(Entries(root.path()) == 0);

  SnpVerifyOptions vopt;
  vopt.simulated_roots = {ToBytes(sim->ArkPem())};
  vopt.expected_report_data = Bytes(64, 0x42);
  absl::StatusOr<Claims> c = VerifySnpEvidence(*ev, vopt);  // certificates from the auxblob
  INFO(c.status().message());
  CHECK(c.ok());
}

TEST_CASE("configfs-tsm: generation race retries, then fails after max attempts", "[unit]") {
  auto sim = SimulatedSnp::Create({}).value();
  FakeKernel kernel(*sim);
  c8s::testing::TempDir root;
  ConfigfsTsmOptions opt;
  opt.root = root.path();
  opt.max_attempts = 3;
  opt.fake_kernel = std::ref(kernel);
  auto provider = ConfigfsTsmProvider::Open(opt).value();
  ReportData rd{};

  kernel.races_left = 2;  // two racing attempts, the third succeeds
  absl::StatusOr<Evidence> ev = provider->GetEvidence(rd);
  CHECK(ev.ok());
  CHECK(kernel.attempts == 3);

  kernel.attempts = 0;
  kernel.races_left = 3;
  absl::Status st = provider->GetEvidence(rd).status();
  CHECK(st.code() == absl::StatusCode::kAborted);
  CHECK(std::string(st.message()) ==
        "configfs-tsm: generation changed during each of 3 attempts (a concurrent writer on the "
        "report entry)");
  CHECK(kernel.attempts == 3);
  CHECK(Entries(root.path()) == 0);
}

TEST_CASE("configfs-tsm: clear errors without TSM or with an unknown provider", "[unit]") {
  ConfigfsTsmOptions missing;
  missing.root = "/nonexistent/tsm/report";
  absl::Status st = ConfigfsTsmProvider::Open(missing).status();
  CHECK(GetVerifyErrorKind(st) == VerifyErrorKind::kUnavailable);
  CHECK(std::string(st.message())
            .find("configfs-tsm is not available: /nonexistent/tsm/report "
                  "does not exist") == 0);

  auto sim = SimulatedSnp::Create({}).value();
  FakeKernel kernel(*sim);
  kernel.provider = "arm_cca_guest";
  c8s::testing::TempDir root;
  ConfigfsTsmOptions opt;
  opt.root = root.path();
  opt.fake_kernel = std::ref(kernel);
  st = ConfigfsTsmProvider::Open(opt).value()->GetEvidence(ReportData{}).status();
  CHECK(std::string(st.message()) ==
        "configfs-tsm provider 'arm_cca_guest' is not supported (sev_guest or tdx_guest)");
}

TEST_CASE("configfs-tsm: a tdx_guest provider yields a TDX quote that verifies", "[unit]") {
  // The kernel's tdx_guest TSM provider returns the quote as outblob and no auxblob (the PCK
  // chain is inside the quote).
  SimulatedTdx sim = SimulatedTdx::Create().value();
  FakeKernel kernel([&sim](const ReportData& rd) {
    SimulatedTdxFields f;
    f.report_data = Bytes(rd.begin(), rd.end());
    return std::pair<Bytes, Bytes>(sim.Quote(f).value(), Bytes{});
  });
  kernel.provider = "tdx_guest";
  c8s::testing::TempDir root;
  ConfigfsTsmOptions opt;
  opt.root = root.path();
  opt.fake_kernel = std::ref(kernel);
  auto provider = ConfigfsTsmProvider::Open(opt).value();
  ReportData rd;
  rd.fill(0x5a);
  absl::StatusOr<Evidence> ev = provider->GetEvidence(rd);
  REQUIRE(ev.ok());
  CHECK(ev->platform == Platform::kTdx);
  CHECK(ev->auxblob.empty());
  CHECK(Entries(root.path()) == 0);

  TdxVerifyOptions vopt;
  vopt.now = ParseRfc3339("2026-01-15T00:00:00Z").value();
  vopt.simulated_roots = {ToBytes(sim.RootPem())};
  vopt.expected_report_data = Bytes(64, 0x5a);
  absl::StatusOr<TdxVerification> v = VerifyTdxQuote(ev->report, vopt);
  INFO(v.status().message());
  REQUIRE(v.ok());
  CHECK(v->claims.platform == Platform::kSimulatedTdx);
}

}  // namespace
}  // namespace c8s::attest
