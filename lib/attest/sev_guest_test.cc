// /dev/sev-guest: the ioctl path needs a real SEV-SNP guest; without one, Open must say so
// clearly. The MSG_REPORT_RSP unwrapping is tested with constructed responses.
#include "lib/attest/sev_guest.h"

#include <catch2/catch_test_macros.hpp>

#include "lib/attest/snp_report.h"
#include "lib/attest/verify_error.h"

namespace c8s::attest {
namespace {

TEST_CASE("sev-guest: a missing device is a clear kUnavailable error", "[unit]") {
  SevGuestOptions opt;
  opt.device = "/nonexistent/sev-guest";
  absl::Status st = SevGuestProvider::Open(opt).status();
  CHECK(GetVerifyErrorKind(st) == VerifyErrorKind::kUnavailable);
  CHECK(std::string(st.message()).find("/dev/sev-guest fallback is not available: ") == 0);
  CHECK(std::string(st.message()).find("not a SEV-SNP guest") != std::string::npos);
}

TEST_CASE("sev-guest: MSG_REPORT_RSP unwrapping", "[unit]") {
  Bytes resp(4000, 0);
  resp[4] = 0xA0;
  resp[5] = 0x04;
  resp[0x20] = 0x05;  // first byte of the report
  absl::StatusOr<Bytes> r = ParseSnpReportResponse(resp);
  REQUIRE(r.ok());
  CHECK(r->size() == kSnpReportSize);
  CHECK((*r)[0] == 5);
  resp[0] = 0x16;  // INVALID_PARAM
  CHECK(std::string(ParseSnpReportResponse(resp).status().message()) ==
        "SNP firmware refused the report request: status 0x16000000");
  resp[0] = 0;
  resp[4] = 0x00;
  CHECK(GetVerifyErrorKind(ParseSnpReportResponse(resp).status()) == VerifyErrorKind::kParse);
  CHECK(!ParseSnpReportResponse(Bytes(100, 0)).ok());
}

}  // namespace
}  // namespace c8s::attest
