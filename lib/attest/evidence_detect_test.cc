// Provider auto-detection: configfs-tsm wins when its root exists; with nothing available the
// error names every source tried.
#include "lib/attest/evidence_detect.h"

#include <catch2/catch_test_macros.hpp>

#include "lib/attest/verify_error.h"
#include "test/support/test_env.h"

namespace c8s::attest {
namespace {

TEST_CASE("detection picks configfs-tsm when its root exists", "[unit]") {
  c8s::testing::TempDir root;
  DetectOptions o;
  o.configfs_tsm_root = root.path();
  o.sev_guest_device = "/nonexistent/sev-guest";
  absl::StatusOr<std::unique_ptr<EvidenceProvider>> p = DetectEvidenceProvider(o);
  REQUIRE(p.ok());
  CHECK((*p)->Name() == "configfs-tsm");
}

TEST_CASE("detection explains what is missing", "[unit]") {
  DetectOptions o;
  o.configfs_tsm_root = "/nonexistent/tsm";
  o.sev_guest_device = "/nonexistent/sev-guest";
  o.tdx_guest_device = "/nonexistent/tdx_guest";
  absl::Status st = DetectEvidenceProvider(o).status();
  CHECK(GetVerifyErrorKind(st) == VerifyErrorKind::kUnavailable);
  std::string msg(st.message());
  CHECK(msg.find("no TEE evidence source on this machine") == 0);
  CHECK(msg.find("configfs-tsm: configfs-tsm is not available: /nonexistent/tsm") !=
        std::string::npos);
  CHECK(msg.find("sev-guest: /dev/sev-guest fallback is not available") != std::string::npos);
  CHECK(msg.find("/nonexistent/tdx_guest does not exist") != std::string::npos);
}

}  // namespace
}  // namespace c8s::attest
