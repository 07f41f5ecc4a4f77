// Regenerates every golden file of test/fixtures/manifest/ from example.json and
// example-v2.json and byte-compares. C8S_UPDATE_GOLDEN=1 rewrites them instead (and the fuzz
// seed corpus). Files carrying CA signatures (ECDSA, randomized) are checked by verifying the
// checked-in signature and comparing the signed content.
#include <catch2/catch_test_macros.hpp>
#include <cstdlib>
#include <map>

#include "lib/base/fd.h"
#include "lib/crypto/jcs.h"
#include "lib/manifest/approval.h"
#include "lib/manifest/bundle.h"
#include "lib/manifest/diff.h"
#include "lib/manifest/fixtures_for_test.h"
#include "lib/manifest/history.h"
#include "lib/manifest/serialize.h"

namespace c8s::manifest {
namespace {

using namespace testing;  // NOLINT

bool UpdateGolden() {
  const char* v = std::getenv("C8S_UPDATE_GOLDEN");
  return v != nullptr && std::string_view(v) == "1";
}

template <typename T>
T Ok(absl::StatusOr<T> v) {
  INFO(v.status().ToString());
  REQUIRE(v.ok());
  return *std::move(v);
}

struct Golden {
  std::map<std::string, std::string> files;  // deterministic: byte-compared
  std::vector<HistoryEntry> history;
  PolicyBundle bundle;
  Manifest v1, v2;
};

ApprovalStatement Approve(Golden& g, const std::string& prefix, const std::string& cluster,
                          int64_t generation, const std::string& previous, const Manifest& m,
                          const crypto::PrivateKey& key, const std::string& owner,
                          std::vector<Approval>* approvals) {
  ApprovalStatement st{cluster, generation, previous, Ok(ManifestHash(m))};
  Bytes sig = Ok(SignApproval(st, key));
  g.files[prefix + ".json"] = PrettyJson(ToJson(st));
  g.files[prefix + ".canonical.json"] = Ok(CanonicalBytes(st));
  g.files[prefix + ".sig"] = Base64Encode(sig) + "\n";
  approvals->push_back({owner, st, sig});
  return st;
}

Golden Build() {
  Golden g;
  g.v1 = LoadFixtureManifest("example.json");
  g.v2 = LoadFixtureManifest("example-v2.json");
  crypto::PrivateKey alice = LoadFixturePrivateKey("owner-alice.key.pem");
  std::string cluster = ClusterId(LoadFixturePublicKey("ca.pub.pem"));
  g.files["cluster.txt"] = cluster + "\n";
  for (auto [name, m] : {std::pair{"example", &g.v1}, std::pair{"example-v2", &g.v2}}) {
    g.files[StrCat(name, ".canonical.json")] = Ok(CanonicalBytes(*m));
    g.files[StrCat(name, ".sha256")] = Ok(ManifestHash(*m)) + "\n";
  }
  g.files["example-to-v2.diff.txt"] = RenderDiff(Diff(g.v1, g.v2));

  HistoryEntry e1{1,  Ok(ManifestHash(g.v1)), std::string(kZeroEntryHash),
                  {}, "2026-11-01T09:00:00Z", ApprovalMode::kOwner};
  Approve(g, "approval-gen1", cluster, 1, std::string(kZeroEntryHash), g.v1, alice, "alice",
          &e1.approvals);
  std::string h1 = Ok(EntryHash(e1));
  HistoryEntry e2{2, Ok(ManifestHash(g.v2)), h1, {}, "2026-11-22T10:00:00Z", ApprovalMode::kOwner};
  Approve(g, "approval-gen2", cluster, 2, h1, g.v2, alice, "alice", &e2.approvals);
  g.history = {e1, e2};
  g.files["history.heads.txt"] = StrCat("1 ", h1, "\n2 ", Ok(EntryHash(e2)), "\n");

  std::vector<BundleNode> nodes = {{"node-2", "10.0.0.12", 15443}, {"node-1", "10.0.0.11", 15443}};
  BundleInfrastructure infra;
  infra.cds = {"10.0.0.5:7443"};
  infra.api_server = {"10.0.0.1:443"};
  infra.dns = {"10.0.0.10:53"};
  g.bundle = Ok(DeriveBundle(g.v2, 2, nodes, infra, "2026-11-22T10:00:05Z"));
  g.files["bundle.canonical.json"] = Ok(CanonicalBytes(g.bundle));
  return g;
}

void Write(const std::string& path, const std::string& data) {
  absl::Status st = WriteFile(path, data);
  INFO(path << ": " << st.ToString());
  REQUIRE(st.ok());
}

TEST_CASE("golden files match what the library produces", "[unit]") {
  Golden g = Build();
  crypto::PublicKey ca_pub = LoadFixturePublicKey("ca.pub.pem");
  if (UpdateGolden()) {
    crypto::PrivateKey ca = LoadFixturePrivateKey("ca.key.pem");
    for (const auto& [name, data] : g.files) Write(FixturePath(name), data);
    std::vector<SignedHistoryEntry> signed_entries;
    for (const HistoryEntry& e : g.history) signed_entries.push_back(Ok(SignHistoryEntry(e, ca)));
    Write(FixturePath("history.json"), PrettyJson(HistoryToJson(signed_entries)));
    std::string wire = Ok(SignBundle(g.bundle, ca));
    Write(FixturePath("bundle.json"), PrettyJson(Ok(crypto::ParseStrictJson(wire))));
    for (const char* name : {"example.json", "example-v2.json"}) {
      Write(c8s::testing::SourcePath(StrCat("fuzz/corpus/manifest/", name)), ReadFixture(name));
    }
    WARN("golden files rewritten (C8S_UPDATE_GOLDEN=1)");
  }
  for (const auto& [name, data] : g.files) {
    INFO("golden file " << name << " differs; rerun with C8S_UPDATE_GOLDEN=1 if intended");
    CHECK(ReadFixture(name) == data);
  }
  // history.json: same entries as regenerated, chain + CA signatures + owner approvals valid.
  std::vector<SignedHistoryEntry> history = Ok(ParseHistory(ReadFixture("history.json")));
  REQUIRE(history.size() == g.history.size());
  for (size_t i = 0; i < history.size(); ++i) CHECK(history[i].entry == g.history[i]);
  std::map<std::string, const Manifest*> by_hash = {{Ok(ManifestHash(g.v1)), &g.v1},
                                                    {Ok(ManifestHash(g.v2)), &g.v2}};
  HistoryHead head = Ok(VerifyHistory(history, ca_pub, [&](std::string_view h) -> const Manifest* {
    auto it = by_hash.find(std::string(h));
    return it == by_hash.end() ? nullptr : it->second;
  }));
  CHECK(head.generation == 2);
  CHECK(head.entry_hash == Ok(EntryHash(g.history[1])));
  // bundle.json: verifies under the CA and holds exactly the derived bundle.
  PolicyBundle bundle = Ok(VerifyBundle(ReadFixture("bundle.json"), ca_pub, "prod.example.com", 2));
  CHECK(bundle == g.bundle);
}

TEST_CASE("golden manifests: canonical bytes equal RFC 8785 of the input text", "[unit]") {
  for (const char* name : {"example.json", "example-v2.json"}) {
    std::string text = ReadFixture(name);
    std::string direct = Ok(crypto::CanonicalJson(Ok(crypto::ParseStrictJson(text))));
    CHECK(Ok(CanonicalBytes(LoadFixtureManifest(name))) == direct);
  }
}

}  // namespace
}  // namespace c8s::manifest
