#include "client/sdk/cds_session.h"

#include <catch2/catch_test_macros.hpp>

#include "client/sdk/testing_for_test.h"
#include "lib/attest/verify_error.h"
#include "lib/manifest/fixtures_for_test.h"
#include "lib/manifest/serialize.h"

namespace c8s::client {
namespace {

using testing::FakeCds;

// A CdsClient that answers from memory: the attestation of `cds`, a recorded TLS chain, and a
// served history/active manifest.
class FakeClient : public CdsClient {
 public:
  explicit FakeClient(const FakeCds& cds) : cds_(cds) {}
  absl::StatusOr<CdsAttestation> GetAttestation(ByteSpan nonce) override {
    return cds_.Attest(nonce);
  }
  absl::StatusOr<ProposeResult> Propose(std::string_view) override { return Unused(); }
  absl::StatusOr<PendingManifest> GetPending(std::string_view) override { return Unused(); }
  absl::StatusOr<ApproveResult> Claim(std::string_view, std::string_view, std::string_view,
                                      ByteSpan) override {
    return Unused();
  }
  absl::StatusOr<ApproveResult> Approve(std::string_view, std::string_view, ByteSpan) override {
    return Unused();
  }
  absl::StatusOr<ActiveManifest> GetActive() override { return active; }
  absl::StatusOr<std::vector<RawHistoryEntry>> History(int64_t) override { return history; }
  absl::StatusOr<RecoveryChallenge> GetRecoveryChallenge(ByteSpan) override { return Unused(); }
  absl::StatusOr<RecoverResult> Recover(ByteSpan, ByteSpan,
                                        const std::vector<StoredObject>&) override {
    return Unused();
  }
  absl::StatusOr<std::vector<StoredObject>> Backup() override { return Unused(); }
  std::vector<Bytes> ServerChain() const override { return chain; }
  const std::string& target() const override { return target_; }

  std::vector<Bytes> chain;
  ActiveManifest active;
  std::vector<RawHistoryEntry> history;

 private:
  static absl::Status Unused() { return absl::UnimplementedError("not used by this test"); }
  const FakeCds& cds_;
  std::string target_ = "fake:0";
};

Bytes ServingCert(const crypto::CertificateAuthority& ca) {
  auto key = crypto::PrivateKey::Generate(crypto::KeyType::kP256);
  auto opt = crypto::LeafOptions({"c8s-cds"}, absl::Now(), absl::Hours(1));
  opt.server_auth = true;
  return ca.Issue(key->GetPublicKey(), opt)->ToDer();
}

TEST_CASE("VerifyCds binds the attestation to the TLS connection it came over", "[unit]") {
  FakeCds cds, relay;
  FakeClient client(cds);
  client.chain = {ServingCert(cds.ca), cds.ca.certificate().ToDer()};
  auto ok = VerifyCds(client, FakeCds::Reference(), FakeCds::Options());
  INFO(ok.status().ToString());
  REQUIRE(ok.ok());

  client.chain = {ServingCert(relay.ca)};  // a relay that forwards someone else's attestation
  auto relayed = VerifyCds(client, FakeCds::Reference(), FakeCds::Options());
  REQUIRE_FALSE(relayed.ok());
  CHECK(std::string(relayed.status().message())
            .rfind("tls: the server certificate of this connection (CN=c8s-cds) was not issued "
                   "by the attested CA",
                   0) == 0);
  client.chain.clear();
  CHECK(VerifyCds(client, FakeCds::Reference(), FakeCds::Options()).status().message() ==
        "tls: no server certificate was recorded for this connection");
}

struct GoldenHistory {
  crypto::CertificateAuthority ca = *crypto::CertificateAuthority::CreateSelfSigned(
      manifest::testing::LoadFixturePrivateKey("ca.key.pem"), {"c8s CA"},
      absl::Now() - absl::Hours(1), absl::Now() + absl::Hours(1));
  std::vector<manifest::SignedHistoryEntry> entries =
      *manifest::ParseHistory(manifest::testing::ReadFixture("history.json"));
  manifest::Manifest v1 = manifest::testing::LoadFixtureManifest("example.json");
  manifest::Manifest v2 = manifest::testing::LoadFixtureManifest("example-v2.json");
  manifest::ManifestLookup Known(bool with_v1, bool with_v2) {
    return [this, with_v1, with_v2](std::string_view h) -> const manifest::Manifest* {
      if (with_v1 && h == *manifest::ManifestHash(v1)) return &v1;
      if (with_v2 && h == *manifest::ManifestHash(v2)) return &v2;
      return nullptr;
    };
  }
  manifest::HistoryHead Head(int64_t generation) {
    return {generation, *manifest::EntryHash(entries[generation - 1].entry)};
  }
};

TEST_CASE("history: chain, CA signatures, approvals where known, no rollback", "[unit]") {
  GoldenHistory g;
  auto all = CheckHistory(g.entries, g.ca.certificate(), {}, g.Known(true, true));
  INFO(all.status().ToString());
  REQUIRE(all.ok());
  CHECK(all->head == g.Head(2));
  CHECK(all->approvals_verified == std::vector<int64_t>{1, 2});

  auto partial = CheckHistory(g.entries, g.ca.certificate(), g.Head(1), g.Known(false, true));
  REQUIRE(partial.ok());
  CHECK(partial->approvals_verified.empty());  // gen 2 needs v1's owners
  CHECK(partial->approvals_unchecked == std::vector<int64_t>{1, 2});

  std::vector<manifest::SignedHistoryEntry> truncated = {g.entries[0]};
  auto rollback = CheckHistory(truncated, g.ca.certificate(), g.Head(2), nullptr);
  CHECK(rollback.status().message() ==
        "history rollback: offered generation 1 but generation 2 was already seen");
  auto emptied = CheckHistory({}, g.ca.certificate(), g.Head(1), nullptr);
  CHECK(emptied.status().message() ==
        "history rollback: offered generation 0 but generation 1 was already seen");
  manifest::HistoryHead forked{2, "sha256:" + std::string(64, 'f')};
  CHECK(std::string(CheckHistory(g.entries, g.ca.certificate(), forked, nullptr).status().message())
            .rfind("history fork at generation 2", 0) == 0);

  FakeCds other;
  auto foreign = CheckHistory(g.entries, other.ca.certificate(), {}, nullptr);
  CHECK_FALSE(foreign.ok());

  // An approval that does not verify under the owners in force.
  auto tampered = g.entries;
  tampered[1].entry.approvals[0].owner = "bob";
  auto resigned = manifest::SignHistoryEntry(tampered[1].entry, g.ca.key());
  tampered[1] = *resigned;
  auto bad = CheckHistory(tampered, g.ca.certificate(), {}, g.Known(true, true));
  CHECK(std::string(bad.status().message()).rfind("history entry generation 2: unknown owner", 0) ==
        0);

  // An entry activated without an owner although the manifest in force requires one.
  auto unsigned_entry = g.entries;
  unsigned_entry[1].entry.mode = manifest::ApprovalMode::kAutomatic;
  unsigned_entry[1].entry.approvals.clear();
  unsigned_entry[1] = *manifest::SignHistoryEntry(unsigned_entry[1].entry, g.ca.key());
  auto automatic = CheckHistory(unsigned_entry, g.ca.certificate(), {}, g.Known(true, true));
  CHECK(automatic.status().message() ==
        "history entry generation 2: mode Automatic but the manifest in force requires Owner");
  // Without the manifest in force the mode cannot be checked, and says so.
  auto unknown = CheckHistory(unsigned_entry, g.ca.certificate(), {}, g.Known(false, true));
  REQUIRE(unknown.ok());
  CHECK(unknown->approvals_unchecked == std::vector<int64_t>{1, 2});
}

TEST_CASE("a claim by someone else is refused, naming the claimer", "[unit]") {
  GoldenHistory g;
  auto alice = manifest::testing::LoadFixturePublicKey("owner-alice.pub.pem");
  auto bob = manifest::testing::LoadFixturePublicKey("owner-bob.pub.pem");
  CHECK(CheckClaimedBy(g.entries, {alice}).ok());
  CHECK(CheckClaimedBy(g.entries, {bob, alice}).ok());
  absl::Status st = CheckClaimedBy(g.entries, {bob});
  CHECK(std::string(st.message()).rfind("claimed by someone else: the claim (generation 1", 0) ==
        0);
  CHECK(std::string(st.message()).find("approved by [alice]") != std::string::npos);
  CHECK(CheckClaimedBy({}, {alice}).message() == "the CDS is not claimed");
}

TEST_CASE("the active manifest must be the one the signed head names", "[unit]") {
  GoldenHistory g;
  FakeCds cds;
  FakeClient client(cds);
  std::string v2 = *manifest::CanonicalBytes(g.v2);
  client.active = {v2, 2, *manifest::ManifestHash(g.v2), g.Head(2).entry_hash};
  auto a = FetchActive(client, g.entries);
  INFO(a.status().ToString());
  REQUIRE(a.ok());
  CHECK(a->manifest == g.v2);
  CHECK(a->canonical_json == v2);

  client.active.manifest_json = *manifest::CanonicalBytes(g.v1);  // other bytes, same claims
  CHECK(std::string(FetchActive(client, g.entries).status().message())
            .rfind("active manifest: served bytes hash to ", 0) == 0);
  client.active = {v2, 1, *manifest::ManifestHash(g.v2), g.Head(2).entry_hash};
  CHECK(std::string(FetchActive(client, g.entries).status().message())
            .rfind("active manifest: the CDS says generation 1", 0) == 0);
  CHECK(FetchActive(client, {}).status().code() == absl::StatusCode::kFailedPrecondition);
}

TEST_CASE("served history parses strictly", "[unit]") {
  GoldenHistory g;
  std::vector<RawHistoryEntry> raw;
  for (const auto& e : g.entries) raw.push_back({*manifest::CanonicalBytes(e.entry), e.signature});
  auto parsed = ParseServedHistory(raw);
  REQUIRE(parsed.ok());
  CHECK(*parsed == g.entries);
  raw[1].entry_json = R"({"generation": 2, "generation": 2})";
  CHECK(std::string(ParseServedHistory(raw).status().message()).rfind("history entry 1: ", 0) == 0);
}

}  // namespace
}  // namespace c8s::client
