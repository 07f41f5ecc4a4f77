// Cds::CheckStorage: a follower compares storage with the newest state blob it knows
// (pushed by the leader) and names what storage did wrong.
#include <catch2/catch_test_macros.hpp>

#include "cds/testing_for_test.h"

namespace c8s::cds {
namespace {

std::string Msg(const absl::Status& st) { return std::string(st.message()); }

TEST_CASE("cds: lying storage (stale blob, a foreign blob) is named", "[unit]") {
  testing::World w;
  w.ClaimOrDie();
  CHECK(w.cds->CheckStorage().ok());
  uint64_t claimed = w.cds->state_version();
  Bytes old = *w.cds->StateBlob();
  manifest::Manifest m2 = w.m1;
  m2.identities[0].dns_names.push_back("api2.shop.svc");
  w.ApproveOrDie(m2);
  uint64_t now = w.cds->state_version();
  REQUIRE(now > claimed);
  Bytes current = *w.cds->StateBlob();

  w.storage.Set("state", old);  // storage serves the older blob back
  CHECK(Msg(w.cds->CheckStorage()) == "storage is stale: it serves version " +
                                          std::to_string(claimed) + ", version " +
                                          std::to_string(now) + " was written");

  // A blob of the same version that this seed did not seal (another CDS's) is refused.
  testing::World other;
  other.ClaimOrDie();
  other.ApproveOrDie(m2);
  w.storage.Set("state", *other.cds->StateBlob());
  absl::Status conflicting = w.cds->CheckStorage();
  INFO(conflicting.ToString());
  CHECK(!conflicting.ok());
  CHECK(conflicting.code() == absl::StatusCode::kDataLoss);

  w.storage.Set("state", current);
  CHECK(w.cds->CheckStorage().ok());
}

}  // namespace
}  // namespace c8s::cds
