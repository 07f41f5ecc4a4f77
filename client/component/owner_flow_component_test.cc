// The owner's path against a real c8s-cds, with the real c8sctl: verify -> claim -> (the
// operator proposes over gRPC) -> pending -> diff -> approve -> history; a replayed approval
// is refused; a CDS served from older storage is refused as a rollback.
#include <grpcpp/grpcpp.h>

#include <catch2/catch_test_macros.hpp>
#include <filesystem>

#include "c8s/cds/v1/cds.grpc.pb.h"
#include "client/component/processes.h"
#include "lib/base/fd.h"
#include "lib/crypto/grpc_tls.h"
#include "lib/crypto/tls.h"
#include "lib/manifest/approval.h"
#include "lib/manifest/fixtures_for_test.h"
#include "lib/manifest/serialize.h"
#include "test/support/test_env.h"

namespace c8s::testing {
namespace {

namespace v1 = ::c8s::cds::v1;
using manifest::testing::FixturePath;

bool Has(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

struct Owner {
  TempDir dir;
  std::unique_ptr<CdsProcess> cds = std::make_unique<CdsProcess>(dir.Path("cds"));
  std::string state = dir.Path("owner");

  std::vector<std::string> With(std::vector<std::string> args) const {
    args.push_back("--state-dir");
    args.push_back(state);
    return args;
  }
  Ctl Verify(std::vector<std::string> extra = {}) const {
    std::vector<std::string> args = {"verify",
                                     "--cds",
                                     cds->target(),
                                     "--measurement",
                                     SimulatedMeasurementHex(),
                                     "--allow-simulated",
                                     "--image",
                                     kCdsImage,
                                     "--simulated-root",
                                     cds->root_pem()};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunCtl(With(args));
  }
  // The operator's side: a plain gRPC call pinned to the CA c8sctl saved.
  std::unique_ptr<v1::Manifest::Stub> Operator() const {
    auto ca = crypto::Certificate::FromPem(*ReadFile(state + "/ca.pem"));
    REQUIRE(ca.ok());
    auto verifier = std::make_shared<crypto::CaPeerVerifier>(*ca, Clock::Real());
    return v1::Manifest::NewStub(grpc::CreateChannel(
        cds->target(), crypto::MakeGrpcChannelCredentials(std::nullopt, verifier)));
  }
  void Propose(const std::string& fixture) const {
    auto m = manifest::testing::LoadFixtureManifest(fixture);
    v1::ProposeRequest req;
    req.set_manifest_json(*manifest::CanonicalBytes(m));
    v1::ProposeResponse resp;
    grpc::ClientContext c;
    grpc::Status st = Operator()->Propose(&c, req, &resp);
    INFO(st.error_message());
    REQUIRE(st.ok());
    CHECK(resp.state() == "PendingApproval");
  }
};

std::string Hash(const std::string& fixture) {
  return *manifest::ManifestHash(manifest::testing::LoadFixtureManifest(fixture));
}

TEST_CASE("owner: claim, approve a proposal, verify history; replay refused", "[component]") {
  Owner o;
  std::string alice = FixturePath("owner-alice.key.pem");
  REQUIRE(o.Verify({"--expect", "unclaimed"}).code == 0);

  // Before the claim nothing is approvable.
  Ctl early = RunCtl(o.With({"manifest", "approve", "--key", alice, "--owner", "alice", "--yes"}));
  CHECK(early.code == 1);
  CHECK(Has(early.err, "the CDS is not claimed yet"));

  // A claim by a key the manifest does not list is stopped before anything is sent.
  Ctl bob = RunCtl(o.With({"claim", "--manifest", FixturePath("example.json"), "--key",
                           FixturePath("owner-bob.key.pem"), "--owner", "alice", "--yes"}));
  INFO(bob.err);
  CHECK(bob.code == 1);
  CHECK(Has(bob.err, "owner check (before sending): "));

  Ctl claim = RunCtl(o.With({"claim", "--manifest", FixturePath("example.json"), "--key", alice,
                             "--owner", "alice", "--yes"}));
  INFO(claim.out << claim.err);
  REQUIRE(claim.code == 0);
  CHECK(Has(claim.out, "claimed: generation 1"));
  CHECK(Has(claim.out, "trustDomain:   prod.example.com"));

  Ctl again = RunCtl(o.With({"claim", "--manifest", FixturePath("example.json"), "--key", alice,
                             "--owner", "alice", "--yes"}));
  CHECK(again.code == 1);
  CHECK(Has(again.err, "already claimed: the CDS is at generation 1 (claimed by [alice])"));

  Ctl claimed =
      o.Verify({"--expect", "claimed", "--owner-key", FixturePath("owner-alice.pub.pem")});
  INFO(claimed.out << claimed.err);
  CHECK(claimed.code == 0);
  CHECK(Has(claimed.out, "state:        claimed, generation 1"));
  CHECK(Has(claimed.out, "owner signatures verified for generations 1"));
  Ctl someone_else = o.Verify({"--owner-key", FixturePath("owner-bob.pub.pem")});
  CHECK(someone_else.code == 1);
  CHECK(Has(someone_else.err, "REFUSED: claimed by someone else: the claim (generation 1"));
  CHECK(Has(someone_else.err, "approved by [alice]"));
  Ctl fresh = o.Verify({"--expect", "unclaimed"});
  CHECK(fresh.code == 1);
  CHECK(Has(fresh.err,
            "expected an unclaimed CDS, but it is claimed (generation 1; the claim "
            "was approved by [alice])"));

  // The operator proposes v2; the owner reviews and approves it.
  o.Propose("example-v2.json");
  Ctl pending = RunCtl(o.With({"manifest", "pending"}));
  INFO(pending.out << pending.err);
  REQUIRE(pending.code == 0);
  CHECK(Has(pending.out, "pending: " + Hash("example-v2.json")));
  CHECK(Has(pending.out, "would become generation 2 after sha256:"));

  Ctl diff = RunCtl(o.With({"manifest", "diff"}));
  INFO(diff.out << diff.err);
  REQUIRE(diff.code == 0);
  std::string golden = ReadTestFile(FixturePath("example-to-v2.diff.txt"));
  CHECK(Has(diff.out, golden));

  Ctl no_yes = RunCtl(o.With({"manifest", "approve", "--key", alice, "--owner", "alice"}));
  CHECK(no_yes.code == 2);
  CHECK(Has(no_yes.err, "refusing without --yes (stdin is not a terminal)"));

  Ctl approve = RunCtl(o.With({"manifest", "approve", "--hash", Hash("example-v2.json"), "--key",
                               alice, "--owner", "alice", "--yes"}));
  INFO(approve.out << approve.err);
  REQUIRE(approve.code == 0);
  CHECK(Has(approve.out, "approved: generation 2 is active, manifest " + Hash("example-v2.json")));
  CHECK(Has(approve.out, golden));

  Ctl history = RunCtl(o.With({"manifest", "history", "--out", o.dir.Path("history.json")}));
  INFO(history.out << history.err);
  REQUIRE(history.code == 0);
  CHECK(Has(history.out, "2 entries, hash chain and CA signatures verified"));
  CHECK(Has(history.out, "  1  "));
  CHECK(Has(history.out, Hash("example-v2.json") + "  approved by [alice] (owner signatures "
                                                   "verified)"));
  // The saved history also verifies offline with the pinned CA and the saved manifests.
  Ctl offline = RunCtl({"manifest", "verify-history", o.dir.Path("history.json"), "--ca",
                        o.state + "/ca.pem", "--manifest", FixturePath("example.json"),
                        "--manifest", FixturePath("example-v2.json")});
  INFO(offline.out << offline.err);
  CHECK(offline.code == 0);

  // Replay: the operator proposes example.json again, and someone resends alice's claim
  // statement (generation 1) for it. The CDS refuses; the history does not move.
  o.Propose("example.json");
  auto ca = crypto::Certificate::FromPem(*ReadFile(o.state + "/ca.pem"));
  manifest::ApprovalStatement old{manifest::ClusterId(*ca->GetPublicKey()), 1,
                                  std::string(manifest::kZeroEntryHash), Hash("example.json")};
  Bytes sig =
      *manifest::SignApproval(old, manifest::testing::LoadFixturePrivateKey("owner-alice.key.pem"));
  v1::ApproveRequest replay;
  replay.set_statement_json(*manifest::CanonicalBytes(old));
  replay.set_owner("alice");
  replay.set_signature(std::string(sig.begin(), sig.end()));
  v1::ApproveResponse resp;
  grpc::ClientContext c;
  grpc::Status st = o.Operator()->Approve(&c, replay, &resp);
  CHECK(st.error_code() == grpc::StatusCode::PERMISSION_DENIED);
  CHECK(st.error_message() ==
        "approval refused: approval is for generation 1, next generation is 3");
  Ctl after = RunCtl(o.With({"manifest", "history"}));
  CHECK(after.code == 0);
  CHECK(Has(after.out, "head: generation 2 "));
}

TEST_CASE("owner: a CDS served from older storage is refused as a rollback", "[component]") {
  Owner o;
  std::string alice = FixturePath("owner-alice.key.pem");
  REQUIRE(o.Verify().code == 0);
  REQUIRE(RunCtl(o.With({"claim", "--manifest", FixturePath("example.json"), "--key", alice,
                         "--owner", "alice", "--yes"}))
              .code == 0);
  // The untrusted storage keeps a copy of generation 1 ...
  o.cds->Stop();
  std::filesystem::copy(o.dir.Path("cds/state"), o.dir.Path("gen1-state"),
                        std::filesystem::copy_options::recursive);
  o.cds = std::make_unique<CdsProcess>(o.dir.Path("cds"));
  o.Propose("example-v2.json");
  REQUIRE(RunCtl(o.With({"manifest", "approve", "--key", alice, "--owner", "alice", "--yes",
                         "--cds", o.cds->target()}))
              .code == 0);
  // ... and serves it back to a restarted CDS.
  o.cds->Stop();
  std::filesystem::remove_all(o.dir.Path("cds/state"));
  std::filesystem::copy(o.dir.Path("gen1-state"), o.dir.Path("cds/state"),
                        std::filesystem::copy_options::recursive);
  o.cds = std::make_unique<CdsProcess>(o.dir.Path("cds"));
  Ctl r = RunCtl(o.With({"manifest", "history", "--cds", o.cds->target()}));
  INFO(r.out << r.err);
  CHECK(r.code == 1);
  CHECK(Has(r.err,
            "REFUSED: history rollback: offered generation 1 but generation 2 was "
            "already seen"));
  Ctl v = o.Verify();
  CHECK(v.code == 1);
  CHECK(Has(v.err, "history rollback"));
}

}  // namespace
}  // namespace c8s::testing
