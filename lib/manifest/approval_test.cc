#include "lib/manifest/approval.h"

#include <catch2/catch_test_macros.hpp>

#include "lib/manifest/fixtures_for_test.h"
#include "lib/manifest/serialize.h"

namespace c8s::manifest {
namespace {

using testing::LoadFixtureManifest;
using testing::LoadFixturePrivateKey;
using testing::LoadFixturePublicKey;
using testing::ReadFixture;

std::string Hash(const Manifest& m) { return *ManifestHash(m); }
const std::string kActiveEntry = "sha256:" + std::string(64, 'e');

struct World {
  Manifest v1 = LoadFixtureManifest("example.json");
  Manifest v2 = LoadFixtureManifest("example-v2.json");
  crypto::PrivateKey alice = LoadFixturePrivateKey("owner-alice.key.pem");
  crypto::PrivateKey bob = LoadFixturePrivateKey("owner-bob.key.pem");
  std::string cluster = ClusterId(LoadFixturePublicKey("ca.pub.pem"));
  ActiveState active{cluster, 7, kActiveEntry, &v1};  // v1 active at generation 7

  ApprovalStatement Next() const { return {cluster, 8, kActiveEntry, Hash(v2)}; }
  Bytes Sign(const ApprovalStatement& st, const crypto::PrivateKey& key) const {
    auto sig = SignApproval(st, key);
    REQUIRE(sig.ok());
    return *sig;
  }
};

void ExpectRefused(const absl::Status& st, std::string_view want) {
  INFO(st.ToString());
  REQUIRE_FALSE(st.ok());
  CHECK(st.code() == absl::StatusCode::kPermissionDenied);
  CHECK(std::string(st.message()).find(want) != std::string::npos);
}

TEST_CASE("an owner of the active manifest approves the next generation", "[unit]") {
  World w;
  ApprovalStatement st = w.Next();
  CHECK(CheckApproval(st, w.Sign(st, w.alice), "alice", w.active, w.v2).ok());
}

TEST_CASE("replayed or misdirected approvals are refused", "[unit]") {
  World w;
  ApprovalStatement st = w.Next();
  SECTION("wrong cluster") {
    st.cluster = "sha256:" + std::string(64, 'a');
    ExpectRefused(CheckApproval(st, w.Sign(st, w.alice), "alice", w.active, w.v2),
                  "approval for cluster sha256:aaaa");
    ExpectRefused(CheckApproval(st, w.Sign(st, w.alice), "alice", w.active, w.v2),
                  StrCat("but this cluster is ", w.cluster));
  }
  SECTION("old generation") {
    st.generation = 3;
    ExpectRefused(CheckApproval(st, w.Sign(st, w.alice), "alice", w.active, w.v2),
                  "approval is for generation 3, next generation is 8");
  }
  SECTION("same generation again (replay after activation)") {
    ActiveState later = w.active;
    later.generation = 8;
    later.entry_hash = "sha256:" + std::string(64, 'f');
    ExpectRefused(CheckApproval(st, w.Sign(st, w.alice), "alice", later, w.v2),
                  "approval is for generation 8, next generation is 9");
  }
  SECTION("wrong predecessor") {
    st.previous_entry_hash = "sha256:" + std::string(64, 'd');
    ExpectRefused(CheckApproval(st, w.Sign(st, w.alice), "alice", w.active, w.v2),
                  "approval names predecessor sha256:dddd");
  }
  SECTION("other manifest") {
    ExpectRefused(CheckApproval(st, w.Sign(st, w.alice), "alice", w.active, w.v1),
                  "approval is for manifest");
  }
  SECTION("unknown owner") {
    ExpectRefused(CheckApproval(st, w.Sign(st, w.alice), "mallory", w.active, w.v2),
                  "unknown owner \"mallory\" (owners: [alice])");
  }
  SECTION("an owner added by the change cannot approve it") {
    ExpectRefused(CheckApproval(st, w.Sign(st, w.bob), "bob", w.active, w.v2),
                  "unknown owner \"bob\"");
  }
  SECTION("signature by another key under alice's name") {
    ExpectRefused(CheckApproval(st, w.Sign(st, w.bob), "alice", w.active, w.v2),
                  "bad approval signature by owner \"alice\"");
  }
  SECTION("signature over another statement") {
    ApprovalStatement other = st;
    other.generation = 9;
    ExpectRefused(CheckApproval(st, w.Sign(other, w.alice), "alice", w.active, w.v2),
                  "bad approval signature");
  }
}

TEST_CASE("the claim is signed by an owner listed in the claimed manifest", "[unit]") {
  World w;
  ActiveState unclaimed{w.cluster, 0, std::string(kZeroEntryHash), nullptr};
  ApprovalStatement st{w.cluster, 1, std::string(kZeroEntryHash), Hash(w.v1)};
  CHECK(CheckApproval(st, w.Sign(st, w.alice), "alice", unclaimed, w.v1).ok());
  ExpectRefused(CheckApproval(st, w.Sign(st, w.bob), "bob", unclaimed, w.v1), "unknown owner");
  ApprovalStatement bad = st;
  bad.previous_entry_hash = kActiveEntry;
  ExpectRefused(CheckApproval(bad, w.Sign(bad, w.alice), "alice", unclaimed, w.v1),
                "approval names predecessor");
  // The P-256 owner of v2 may claim with v2.
  ApprovalStatement st2{w.cluster, 1, std::string(kZeroEntryHash), Hash(w.v2)};
  CHECK(CheckApproval(st2, w.Sign(st2, w.bob), "bob", unclaimed, w.v2).ok());
}

TEST_CASE("approval statements: strict JSON, canonical bytes, key types", "[unit]") {
  World w;
  auto parsed = ParseApprovalStatement(ReadFixture("approval-gen2.json"));
  REQUIRE(parsed.ok());
  CHECK(*CanonicalBytes(*parsed) == ReadFixture("approval-gen2.canonical.json"));
  CHECK_FALSE(ParseApprovalStatement(R"({"type":"c8s/approval/v2","cluster":"sha256:00"})").ok());
  std::string extra = ReadFixture("approval-gen2.canonical.json");
  extra.insert(1, "\"note\":\"x\",");
  auto refused = ParseApprovalStatement(extra);
  REQUIRE_FALSE(refused.ok());
  CHECK(std::string(refused.status().message()).find("note: unknown field") != std::string::npos);
  auto x25519 = crypto::PrivateKey::Generate(crypto::KeyType::kX25519);
  REQUIRE(x25519.ok());
  CHECK_FALSE(SignApproval(w.Next(), *x25519).ok());
  // The checked-in Ed25519 signature verifies and is deterministic.
  auto sig = Base64Decode(std::string_view(ReadFixture("approval-gen2.sig")).substr(0, 88));
  REQUIRE(sig.ok());
  CHECK(VerifyApprovalSignature(*parsed, *sig, "alice", w.v1).ok());
  CHECK(w.Sign(*parsed, w.alice) == *sig);
}

}  // namespace
}  // namespace c8s::manifest
