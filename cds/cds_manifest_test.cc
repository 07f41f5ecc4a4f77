#include <catch2/catch_test_macros.hpp>

#include "cds/testing_for_test.h"

namespace c8s::cds {
namespace {

using testing::Json;
using testing::World;

std::string Msg(const absl::Status& st) { return std::string(st.message()); }

TEST_CASE("cds: the claim installs generation 1 signed by the CA, and survives a restart",
          "[unit]") {
  World w;
  CHECK(!w.cds->Attestation().claimed);
  CHECK(w.cds->GetActive().status().code() == absl::StatusCode::kFailedPrecondition);
  w.ClaimOrDie();
  auto active = w.cds->GetActive();
  REQUIRE(active.ok());
  CHECK(active->generation == 1);
  CHECK(active->manifest_hash == *manifest::ManifestHash(w.m1));
  auto history = w.cds->History(0);
  REQUIRE(history.size() == 1);
  auto ca_pub = w.cds->ca_certificate().GetPublicKey();
  auto head = manifest::VerifyHistory(history, *ca_pub);
  REQUIRE(head.ok());
  CHECK(head->entry_hash == active->entry_hash);

  auto again = Cds::Open(w.seed, &w.storage, {}, w.clock, nullptr);
  REQUIRE(again.ok());
  CHECK((*again)->GetActive()->entry_hash == active->entry_hash);
  CHECK((*again)->ca_certificate().ToDer() == w.cds->ca_certificate().ToDer());
}

TEST_CASE("cds: a manifest proposed before the claim is no longer pending once claimed", "[unit]") {
  World w;
  REQUIRE(w.cds->Propose(Json(w.m1)).ok());
  REQUIRE(w.cds->GetPending("").ok());
  w.ClaimOrDie();
  CHECK(Msg(w.cds->GetPending("").status()) == "no pending proposal");
}

// Every refusal: the exact reason, nothing stored, nothing activated.
TEST_CASE("cds: refused claims and approvals change nothing", "[unit]") {
  World w;
  manifest::Manifest m2 = w.m1;
  m2.trust_domain = "next.example.com";
  struct Case {
    std::string name;
    int setup;  // 0 nothing, 1 claimed, 2 claimed + m2 proposed
    std::function<absl::Status(World&)> attempt;
    std::string reason;
  };
  std::vector<Case> cases = {
      {"approve before the claim", 0,
       [&](World& w) {
         auto st = w.Next(m2);
         return w.cds->Approve(World::Text(st), "alice", w.Sign(st, w.alice)).status();
       },
       "approval refused: the CDS is not claimed yet (use Claim with the first manifest)"},
      {"claim by a key not in the claimed manifest", 0,
       [&](World& w) {
         auto st = w.Next(w.m1);
         return w.cds->Claim(Json(w.m1), World::Text(st), "bob", w.Sign(st, w.bob)).status();
       },
       "claim refused: unknown owner \"bob\" (owners: [alice])"},
      {"claim signed by another key under alice's name", 0,
       [&](World& w) {
         auto st = w.Next(w.m1);
         return w.cds->Claim(Json(w.m1), World::Text(st), "alice", w.Sign(st, w.bob)).status();
       },
       "claim refused: "},
      {"unsigned claim", 0,
       [&](World& w) {
         auto st = w.Next(w.m1);
         return w.cds->Claim(Json(w.m1), World::Text(st), "alice", {}).status();
       },
       "claim refused: "},
      {"second claim", 1,
       [&](World& w) {
         auto st = w.Next(w.m1);
         return w.cds->Claim(Json(w.m1), World::Text(st), "alice", w.Sign(st, w.alice)).status();
       },
       "claim refused: already claimed (generation 1 active)"},
      {"approval for another cluster", 2,
       [&](World& w) {
         auto st = w.Next(m2);
         st.cluster = "sha256:" + std::string(64, 'a');
         return w.cds->Approve(World::Text(st), "alice", w.Sign(st, w.alice)).status();
       },
       "approval refused: approval for cluster sha256:aaaa"},
      {"approval of an unproposed manifest", 1,
       [&](World& w) {
         auto st = w.Next(m2);
         return w.cds->Approve(World::Text(st), "alice", w.Sign(st, w.alice)).status();
       },
       "approval refused: no pending proposal with hash " + *manifest::ManifestHash(m2)},
      {"replayed claim statement as approval", 2,
       [&](World& w) {
         auto st = w.Next(m2);
         st.generation = 1;
         st.previous_entry_hash = std::string(manifest::kZeroEntryHash);
         return w.cds->Approve(World::Text(st), "alice", w.Sign(st, w.alice)).status();
       },
       "approval refused: approval is for generation 1, next generation is 2"},
      {"wrongly signed approval", 2,
       [&](World& w) {
         auto st = w.Next(m2);
         return w.cds->Approve(World::Text(st), "alice", w.Sign(st, w.bob)).status();
       },
       "approval refused: "},
      {"malformed statement", 1,
       [&](World& w) { return w.cds->Approve("{\"type\":1}", "alice", {}).status(); },
       "approval statement: "},
  };
  for (const Case& c : cases) {
    DYNAMIC_SECTION(c.name) {
      World fresh;
      if (c.setup >= 1) fresh.ClaimOrDie();
      if (c.setup == 2) REQUIRE(fresh.cds->Propose(Json(m2)).ok());
      auto before_storage = fresh.storage.objects();
      int64_t before_gen = fresh.cds->Attestation().generation;
      absl::Status st = c.attempt(fresh);
      INFO(st.ToString());
      CHECK(!st.ok());
      CHECK(Msg(st).rfind(c.reason, 0) == 0);
      CHECK(fresh.cds->Attestation().generation == before_gen);
      CHECK(fresh.storage.objects() == before_storage);
      CHECK(fresh.cds->metrics().Get("c8s_cds_issued_total", {{"kind", "node"}}) == 0);
    }
  }
}

TEST_CASE("cds: propose then approve activates generation 2; replaying the approval fails",
          "[unit]") {
  World w;
  w.ClaimOrDie();
  manifest::Manifest m2 = w.m1;
  m2.trust_domain = "next.example.com";
  auto p = w.cds->Propose(Json(m2));
  REQUIRE(p.ok());
  CHECK(!p->activated);
  auto pending = w.cds->GetPending("");
  REQUIRE(pending.ok());
  CHECK(pending->next_generation == 2);
  CHECK(pending->cluster == w.cluster());
  auto st = w.Next(m2);
  Bytes sig = w.Sign(st, w.alice);
  auto a = w.cds->Approve(World::Text(st), "alice", sig);
  REQUIRE(a.ok());
  CHECK(a->signed_entry.entry.generation == 2);
  auto replay = w.cds->Approve(World::Text(st), "alice", sig);
  CHECK(Msg(replay.status()).rfind("approval refused: no pending proposal", 0) == 0);
  REQUIRE(w.cds->Propose(Json(m2)).ok());  // already active: no new pending entry
  CHECK(w.cds->GetPending("").status().code() == absl::StatusCode::kNotFound);
  auto ca_pub = w.cds->ca_certificate().GetPublicKey();
  CHECK(manifest::VerifyHistory(w.cds->History(0), *ca_pub)->generation == 2);
}

TEST_CASE("cds: Automatic mode exists only after an owner approved it, and is flagged", "[unit]") {
  World w;
  w.m1.approval = manifest::ApprovalMode::kAutomatic;
  w.ClaimOrDie();
  manifest::Manifest m2 = w.m1;
  m2.trust_domain = "auto.example.com";
  auto p = w.cds->Propose(Json(m2));
  REQUIRE(p.ok());
  CHECK(p->activated);
  CHECK(p->mode == manifest::ApprovalMode::kAutomatic);
  auto history = w.cds->History(2);
  REQUIRE(history.size() == 1);
  CHECK(history[0].entry.mode == manifest::ApprovalMode::kAutomatic);
  CHECK(history[0].entry.approvals.empty());
  CHECK(w.cds->MetricsText().find("c8s_cds_approval_automatic 1") != std::string::npos);
  auto bundle = w.cds->CurrentBundle();
  REQUIRE(bundle.ok());
  CHECK(bundle->signed_json.find("\"approval\":\"Automatic\"") != std::string::npos);
}

TEST_CASE("cds: a proposal before the claim is only stored, never activated", "[unit]") {
  World w;
  auto p = w.cds->Propose(Json(w.m1));
  REQUIRE(p.ok());
  CHECK(!p->activated);
  CHECK(!w.cds->Attestation().claimed);
  CHECK(Msg(w.cds->Propose("{}").status()).rfind("manifest: ", 0) == 0);

  // Restarted before anyone claimed it: it reopens with the proposal still pending.
  auto again = Cds::Open(w.seed, &w.storage, {}, w.clock, nullptr);
  REQUIRE(again.ok());
  CHECK(!(*again)->Attestation().claimed);
  CHECK((*again)->ca_certificate().ToDer() == w.cds->ca_certificate().ToDer());
}

TEST_CASE("cds: a CDS restarted before its first claim or proposal opens", "[unit]") {
  World w;
  auto again = Cds::Open(w.seed, &w.storage, {}, w.clock, nullptr);
  REQUIRE(again.ok());
  CHECK(!(*again)->Attestation().claimed);
}

TEST_CASE("cds: corrupted or foreign storage refuses to open", "[unit]") {
  World w;
  w.ClaimOrDie();
  Bytes blob = w.storage.objects()["state"];
  blob[blob.size() - 1] ^= 1;
  w.storage.Set("state", blob);
  auto broken = Cds::Open(w.seed, &w.storage, {}, w.clock, nullptr);
  CHECK(broken.status().code() == absl::StatusCode::kDataLoss);
  auto foreign = Cds::Open(crypto::RandomBytes(32), &w.storage, {}, w.clock, nullptr);
  CHECK(foreign.status().code() == absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace c8s::cds
