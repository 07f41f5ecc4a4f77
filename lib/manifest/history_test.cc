#include "lib/manifest/history.h"

#include <catch2/catch_test_macros.hpp>
#include <map>

#include "lib/manifest/fixtures_for_test.h"
#include "lib/manifest/serialize.h"

namespace c8s::manifest {
namespace {

using testing::LoadFixtureManifest;
using testing::LoadFixturePrivateKey;
using testing::LoadFixturePublicKey;
using testing::ReadFixture;

template <typename T>
T Ok(absl::StatusOr<T> v) {
  INFO(v.status().ToString());
  REQUIRE(v.ok());
  return *std::move(v);
}

// gen 1: claim of v1 by alice; gen 2: v2 (adds bob) by alice; gen 3: v3 (Automatic) by bob;
// gen 4: v4 activated automatically.
struct Chain {
  crypto::PrivateKey ca = LoadFixturePrivateKey("ca.key.pem");
  crypto::PublicKey ca_pub = LoadFixturePublicKey("ca.pub.pem");
  crypto::PrivateKey alice = LoadFixturePrivateKey("owner-alice.key.pem");
  crypto::PrivateKey bob = LoadFixturePrivateKey("owner-bob.key.pem");
  std::vector<Manifest> manifests;
  std::map<std::string, const Manifest*> by_hash;
  std::vector<SignedHistoryEntry> entries;

  Chain() {
    manifests.push_back(LoadFixtureManifest("example.json"));
    manifests.push_back(LoadFixtureManifest("example-v2.json"));
    manifests.push_back(manifests[1]);
    manifests[2].approval = ApprovalMode::kAutomatic;
    manifests.push_back(manifests[2]);
    manifests[3].secrets[0].version = 5;
    for (const Manifest& m : manifests) by_hash[Ok(ManifestHash(m))] = &m;
    Append(0, "alice", alice, ApprovalMode::kOwner);
    Append(1, "alice", alice, ApprovalMode::kOwner);
    Append(2, "bob", bob, ApprovalMode::kOwner);
    Append(3, "", bob, ApprovalMode::kAutomatic);
  }

  std::string Head() const {
    return entries.empty() ? std::string(kZeroEntryHash) : Ok(EntryHash(entries.back().entry));
  }

  void Append(size_t index, const std::string& owner, const crypto::PrivateKey& key,
              ApprovalMode mode) {
    HistoryEntry e{static_cast<int64_t>(entries.size() + 1),
                   Ok(ManifestHash(manifests[index])),
                   Head(),
                   {},
                   "2026-11-22T10:00:00Z",
                   mode};
    if (!owner.empty()) {
      ApprovalStatement st{ClusterId(ca_pub), e.generation, e.previous_entry_hash, e.manifest_hash};
      e.approvals.push_back({owner, st, Ok(SignApproval(st, key))});
    }
    entries.push_back(Ok(SignHistoryEntry(e, ca)));
  }

  void Resign(size_t i) { entries[i] = Ok(SignHistoryEntry(entries[i].entry, ca)); }

  ManifestLookup Lookup() const {
    return [this](std::string_view h) -> const Manifest* {
      auto it = by_hash.find(std::string(h));
      return it == by_hash.end() ? nullptr : it->second;
    };
  }
};

void ExpectRefused(const absl::StatusOr<HistoryHead>& r, std::string_view want) {
  INFO(r.status().ToString());
  REQUIRE_FALSE(r.ok());
  CHECK(std::string(r.status().message()).find(want) != std::string::npos);
}

TEST_CASE("a valid history verifies, with and without the manifests", "[unit]") {
  Chain c;
  HistoryHead head = Ok(VerifyHistory(c.entries, c.ca_pub));
  CHECK(head.generation == 4);
  CHECK(head.entry_hash == c.Head());
  CHECK(Ok(VerifyHistory(c.entries, c.ca_pub, c.Lookup())) == head);
  // JSON round trip.
  auto parsed = ParseHistory(PrettyJson(HistoryToJson(c.entries)));
  REQUIRE(parsed.ok());
  CHECK(*parsed == c.entries);
}

TEST_CASE("history rewrites, gaps and forged entries are detected", "[unit]") {
  Chain c;
  SECTION("entry rewritten and re-signed breaks the chain") {
    c.entries[1].entry.activated_at = "2026-11-23T00:00:00Z";
    c.Resign(1);
    ExpectRefused(VerifyHistory(c.entries, c.ca_pub),
                  "history entry generation 3: previousEntryHash");
  }
  SECTION("entry changed without the CA") {
    c.entries[2].entry.activated_at = "2026-11-23T00:00:00Z";
    ExpectRefused(VerifyHistory(c.entries, c.ca_pub), "generation 3: bad CA signature");
  }
  SECTION("other CA") {
    auto other = crypto::PrivateKey::Generate(crypto::KeyType::kP256);
    REQUIRE(other.ok());
    ExpectRefused(VerifyHistory(c.entries, other->GetPublicKey()),
                  "generation 1: bad CA signature");
  }
  SECTION("generation gap") {
    c.entries.erase(c.entries.begin() + 1);
    ExpectRefused(VerifyHistory(c.entries, c.ca_pub), "expected generation 2");
  }
  SECTION("missing claim") {
    c.entries.erase(c.entries.begin());
    ExpectRefused(VerifyHistory(c.entries, c.ca_pub), "expected generation 1");
  }
  SECTION("Owner entry without approvals") {
    c.entries[1].entry.approvals.clear();
    c.Resign(1);
    ExpectRefused(VerifyHistory(c.entries, c.ca_pub), "without an approval");
  }
  SECTION("approval of another entry pasted in") {
    c.entries[1].entry.approvals = c.entries[0].entry.approvals;
    c.Resign(1);
    ExpectRefused(VerifyHistory(c.entries, c.ca_pub), "not for this entry");
  }
  SECTION("approval by an owner only added in that same manifest") {
    // Re-approve generation 2 by bob, who is an owner of v2 but not of v1.
    HistoryEntry& e = c.entries[1].entry;
    ApprovalStatement st = e.approvals[0].statement;
    e.approvals[0] = {"bob", st, Ok(SignApproval(st, c.bob))};
    c.Resign(1);
    for (size_t i = 2; i < c.entries.size(); ++i) {  // re-link the rest honestly
      c.entries[i].entry.previous_entry_hash = Ok(EntryHash(c.entries[i - 1].entry));
      for (Approval& a : c.entries[i].entry.approvals) {
        a.statement.previous_entry_hash = c.entries[i].entry.previous_entry_hash;
        a.signature = Ok(SignApproval(a.statement, c.bob));
      }
      c.Resign(i);
    }
    CHECK(VerifyHistory(c.entries, c.ca_pub).ok());  // chain alone cannot see it
    ExpectRefused(VerifyHistory(c.entries, c.ca_pub, c.Lookup()),
                  "generation 2: unknown owner \"bob\"");
  }
  SECTION("Automatic mode claimed while the manifest in force requires Owner") {
    c.entries[1].entry.mode = ApprovalMode::kAutomatic;
    c.entries[1].entry.approvals.clear();
    c.Resign(1);
    c.entries.resize(2);
    CHECK(VerifyHistory(c.entries, c.ca_pub).ok());
    ExpectRefused(VerifyHistory(c.entries, c.ca_pub, c.Lookup()),
                  "mode Automatic but the manifest in force requires Owner");
  }
  SECTION("unknown manifest") {
    ExpectRefused(VerifyHistory(c.entries, c.ca_pub,
                                [](std::string_view) -> const Manifest* { return nullptr; }),
                  "is not available");
  }
}

TEST_CASE("rollback and fork of the head are refused", "[unit]") {
  Chain c;
  HistoryHead seen = Ok(VerifyHistory(c.entries, c.ca_pub));
  CHECK(CheckHead(seen, seen).ok());
  CHECK(CheckHead(HistoryHead{}, seen).ok());
  std::vector<SignedHistoryEntry> older(c.entries.begin(), c.entries.begin() + 2);
  HistoryHead old_head = Ok(VerifyHistory(older, c.ca_pub));
  absl::Status rollback = CheckHead(seen, old_head);
  CHECK(std::string(rollback.message()) ==
        "history rollback: offered generation 2 but generation 4 was already seen");
  CHECK(CheckExtends(old_head, c.entries).ok());
  CHECK_FALSE(CheckExtends(seen, older).ok());

  // A fork: a different generation 4, validly signed by a (compromised) CDS.
  Chain fork;
  fork.entries[3].entry.activated_at = "2026-12-01T00:00:00Z";
  fork.Resign(3);
  HistoryHead fork_head = Ok(VerifyHistory(fork.entries, fork.ca_pub));
  absl::Status forked = CheckHead(seen, fork_head);
  REQUIRE_FALSE(forked.ok());
  CHECK(std::string(forked.message()).find("history fork at generation 4") != std::string::npos);

  // A rewritten past under a longer history.
  fork.entries[1].entry.activated_at = "2026-12-01T00:00:00Z";
  CHECK_FALSE(CheckExtends(old_head, fork.entries).ok());
}

TEST_CASE("the golden history parses and verifies", "[unit]") {
  auto history = ParseHistory(ReadFixture("history.json"));
  REQUIRE(history.ok());
  HistoryHead head = Ok(VerifyHistory(*history, LoadFixturePublicKey("ca.pub.pem")));
  CHECK(ReadFixture("history.heads.txt").find(StrCat("2 ", head.entry_hash)) != std::string::npos);
  CHECK_FALSE(ParseHistory(R"({"entries":[{"entry":{},"signature":"AA==","x":1}]})").ok());
}

}  // namespace
}  // namespace c8s::manifest
