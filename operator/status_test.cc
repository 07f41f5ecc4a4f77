#include "operator/status.h"

#include <catch2/catch_test_macros.hpp>

namespace c8s::op {
namespace {

using nlohmann::json;

const absl::Time kT0 = absl::FromUnixSeconds(1800000000);
const std::string kHash = "sha256:" + std::string(64, 'a');

TEST_CASE("status follows the manifest lifecycle", "[unit]") {
  json s = DesiredStatus(nullptr, {.generation = 1, .manifest_hash = kHash}, kT0);
  CHECK(s["phase"] == "PendingApproval");
  CHECK(s["manifestHash"] == kHash);
  CHECK(s["observedGeneration"] == 1);
  CHECK(s["conditions"][0]["status"] == "False");

  json active = DesiredStatus(s, {.generation = 1, .manifest_hash = kHash, .active_hash = kHash},
                              kT0 + absl::Minutes(1));
  CHECK(active["phase"] == "Active");
  CHECK(active["conditions"][0]["status"] == "True");
  CHECK(active["conditions"][0]["lastTransitionTime"] == "2027-01-15T08:01:00Z");

  // Same inputs later: identical status, nothing to write.
  json again =
      DesiredStatus(active, {.generation = 1, .manifest_hash = kHash, .active_hash = kHash},
                    kT0 + absl::Hours(1));
  CHECK_FALSE(StatusChanged(active, again));

  json down = DesiredStatus(
      active, {.generation = 2, .cds_error = "connection refused", .manifest_hash = kHash}, kT0);
  CHECK(down["phase"] == "Error");
  CHECK(down["conditions"][0]["reason"] == "CDSUnavailable");
  CHECK(down["conditions"][0]["observedGeneration"] == 2);
  CHECK(StatusChanged(active, down));

  json invalid = DesiredStatus(active, {.generation = 3, .rejected = "bad image"}, kT0);
  CHECK(invalid["phase"] == "Invalid");
  CHECK_FALSE(invalid.contains("manifestHash"));
  CHECK(invalid["conditions"].size() == 1);
}

TEST_CASE("SetCondition keeps other conditions and the transition time", "[unit]") {
  json s;
  SetCondition(&s, "Proposed", "True", "Proposed", "ok", 1, kT0);
  SetCondition(&s, "Ready", "False", "Pending", "wait", 1, kT0);
  SetCondition(&s, "Proposed", "True", "Proposed", "still ok", 2, kT0 + absl::Hours(1));
  REQUIRE(s["conditions"].size() == 2);
  CHECK(s["conditions"][0]["message"] == "still ok");
  CHECK(s["conditions"][0]["lastTransitionTime"] == "2027-01-15T08:00:00Z");
  SetCondition(&s, "Proposed", "False", "Failed", "no", 2, kT0 + absl::Hours(1));
  CHECK(s["conditions"][0]["lastTransitionTime"] == "2027-01-15T09:00:00Z");
}

}  // namespace
}  // namespace c8s::op
