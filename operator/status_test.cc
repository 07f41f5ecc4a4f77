#include "operator/status.h"

#include <catch2/catch_test_macros.hpp>

namespace c8s::op {
namespace {

using nlohmann::json;

const absl::Time kT0 = absl::FromUnixSeconds(1800000000);
const std::string kHash = "sha256:" + std::string(64, 'a');
const std::string kOld = "sha256:" + std::string(64, 'b');

const json& Ready(const json& status) {
  for (const json& c : status["conditions"]) {
    if (c["type"] == "Ready") return c;
  }
  static const json none;
  return none;
}

TEST_CASE("object status: one row per situation, in precedence order", "[unit]") {
  struct Row {
    const char* what;
    StatusInput in;
    const char* phase;
    const char* ready;
    const char* reason;
    std::string hash;  // "" = no manifestHash
  };
  std::vector<Row> rows = {
      {"rejected beats everything",
       {.generation = 2,
        .rejected = "bad image",
        .blocked = "x",
        .active = true,
        .active_hash = kHash,
        .cds_error = "down",
        .proposed_hash = kHash},
       "Invalid",
       "False",
       "Invalid",
       ""},
      {"blocked beats the CDS",
       {.generation = 2, .blocked = "no AttestationPolicy serves role cds", .cds_error = "down"},
       "Pending",
       "False",
       "ManifestIncomplete",
       ""},
      {"active even while the CDS is down",
       {.generation = 2,
        .active = true,
        .active_hash = kOld,
        .active_generation = 4,
        .cds_error = "down",
        .proposed_hash = kHash},
       "Active",
       "True",
       "Active",
       kOld},
      {"CDS down before the proposal",
       {.generation = 2, .cds_error = "connection refused"},
       "Error",
       "Unknown",
       "CDSUnavailable",
       ""},
      {"CDS down after the proposal",
       {.generation = 2, .cds_error = "connection refused", .proposed_hash = kHash},
       "Error",
       "Unknown",
       "CDSUnavailable",
       kHash},
      {"proposed",
       {.generation = 2, .proposed_hash = kHash},
       "PendingApproval",
       "False",
       "PendingApproval",
       kHash},
  };
  for (const Row& row : rows) {
    INFO(row.what);
    json s = DesiredStatus(nullptr, row.in, kT0);
    CHECK(s["phase"] == row.phase);
    CHECK(s["observedGeneration"] == 2);
    CHECK(Ready(s)["status"] == row.ready);
    CHECK(Ready(s)["reason"] == row.reason);
    CHECK(Ready(s)["observedGeneration"] == 2);
    if (row.hash.empty()) {
      CHECK_FALSE(s.contains("manifestHash"));
    } else {
      CHECK(s["manifestHash"] == row.hash);
    }
  }
}

TEST_CASE("object status lifecycle writes only on change", "[unit]") {
  // Compiled but not proposed yet: nothing to say, nothing to write.
  json none = DesiredStatus(nullptr, {.generation = 1}, kT0);
  CHECK_FALSE(StatusChanged(json::object(), none));

  json s = DesiredStatus(nullptr, {.generation = 1, .proposed_hash = kHash}, kT0);
  CHECK(Ready(s)["message"] == "manifest " + kHash + " is waiting for owner approval");
  json active = DesiredStatus(
      s, {.generation = 1, .active = true, .active_hash = kHash, .active_generation = 3},
      kT0 + absl::Minutes(1));
  CHECK(active["phase"] == "Active");
  CHECK(active["activeGeneration"] == 3);
  CHECK(Ready(active)["lastTransitionTime"] == "2027-01-15T08:01:00Z");
  json again = DesiredStatus(
      active, {.generation = 1, .active = true, .active_hash = kHash, .active_generation = 3},
      kT0 + absl::Hours(1));
  CHECK_FALSE(StatusChanged(active, again));
  // A new spec pending approval: the active generation no longer describes it.
  json pending = DesiredStatus(active, {.generation = 2, .proposed_hash = kOld}, kT0);
  CHECK(pending["phase"] == "PendingApproval");
  CHECK_FALSE(pending.contains("activeGeneration"));
}

TEST_CASE("cluster status: superseded, provisioning, degraded, pending, active", "[unit]") {
  ClusterStatusInput in;
  in.manifest.generation = 1;
  in.superseded_by = "prod";
  json s = DesiredClusterStatus(nullptr, in, kT0);
  CHECK(s["phase"] == "Error");
  CHECK(Ready(s)["reason"] == "Superseded");

  in.superseded_by = "";
  s = DesiredClusterStatus(nullptr, in, kT0);
  CHECK(s["phase"] == "Provisioning");

  in.workloads_applied = true;
  in.manifest.blocked = "no AttestationPolicy serves role nodes";
  s = DesiredClusterStatus(s, in, kT0);
  CHECK(s["phase"] == "Pending");
  CHECK(Ready(s)["message"] == "no AttestationPolicy serves role nodes");

  in.manifest.blocked = "";
  in.manifest.cds_error = "CDS 127.0.0.1:1 View: connection refused";
  s = DesiredClusterStatus(s, in, kT0);
  CHECK(s["phase"] == "Error");
  bool found = false;
  for (const json& c : s["conditions"]) {
    if (c["type"] == "CDSReachable") {
      found = true;
      CHECK(c["status"] == "False");
      CHECK(c["message"] == in.manifest.cds_error);
    }
  }
  CHECK(found);

  in.manifest.cds_error = "";
  in.cds_reached = true;
  in.manifest.proposed_hash = kHash;
  in.manifest.active_hash = kOld;
  in.manifest.active_generation = 1;
  s = DesiredClusterStatus(s, in, kT0);
  CHECK(s["phase"] == "PendingApproval");
  CHECK(s["manifestHash"] == kHash);
  CHECK(s["activeManifestHash"] == kOld);
  CHECK(s["activeGeneration"] == 1);

  in.manifest.active = true;
  in.manifest.active_hash = kHash;
  in.manifest.active_generation = 2;
  s = DesiredClusterStatus(s, in, kT0);
  CHECK(s["phase"] == "Active");
  CHECK(Ready(s)["status"] == "True");
  CHECK(s["activeGeneration"] == 2);
  CHECK_FALSE(StatusChanged(s, DesiredClusterStatus(s, in, kT0 + absl::Hours(1))));

  in.workloads_error = "StatefulSet c8s-system/c8s-cds: namespaces \"c8s-system\" not found";
  s = DesiredClusterStatus(s, in, kT0);
  CHECK(s["phase"] == "Degraded");
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
