#include "cds/audit_log.h"

#include <catch2/catch_test_macros.hpp>

#include "test/support/test_env.h"

namespace c8s::cds {
namespace {

TEST_CASE("audit log: hash-chained lines; edits, removals and truncation are detected", "[unit]") {
  c8s::testing::TempDir dir;
  FakeClock clock(absl::FromUnixSeconds(1'790'000'000));
  std::string path = dir.Path("audit.jsonl");
  {
    auto log = AuditLog::Open(path, clock);
    REQUIRE(log.ok());
    (*log)->Record("issue-node", "issued", "", {{"node", "n1"}});
    (*log)->Record("issue-node", "refused", "challenge expired at x", {{"node", "n2"}});
    (*log)->Record("approve", "activated", "");
    CHECK((*log)->head().seq == 3);
  }
  std::string text = c8s::testing::ReadTestFile(path);
  auto head = VerifyAuditLog(text);
  REQUIRE(head.ok());
  CHECK(head->seq == 3);
  auto reopened = AuditLog::Open(path, clock);  // continues the chain
  REQUIRE(reopened.ok());
  CHECK((*reopened)->head() == *head);

  std::string edited = text;
  edited.replace(edited.find("\"n1\""), 4, "\"n9\"");
  CHECK(VerifyAuditLog(edited).status().message().find("audit log line 2: prev ") == 0);
  size_t first_nl = text.find('\n');
  CHECK(VerifyAuditLog(text.substr(first_nl + 1)).status().message() ==
        "audit log line 1: seq 2, want 1");
  CHECK(VerifyAuditLog(text.substr(0, text.size() - 2)).status().message() ==
        "audit log line 3: torn (no newline)");
  REQUIRE(WriteFile(path, edited).ok());
  CHECK(!AuditLog::Open(path, clock).ok());
}

}  // namespace
}  // namespace c8s::cds
