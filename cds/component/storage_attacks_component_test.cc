// Untrusted storage under a real c8s-cds process (directory storage, <state-dir>/objects):
// a stale blob served back while it runs makes the next write fail with the conflict named and
// nothing activated; a corrupted or torn blob makes the process refuse to start, with the
// reason, and write nothing (no second CA on top of the damaged state).
#include "cds/component/refusals_for_test.h"
#include "cds/component/replicas_for_test.h"

namespace c8s::cds::testing {
namespace {

std::string StatePath(const std::string& state_dir) { return state_dir + "/objects/state.blob"; }

TEST_CASE("c8s-cds process: lying and corrupted storage are detected, nothing is loaded",
          "[component]") {
  c8s::testing::TempDir dir;
  std::string root = dir.Path("sim_ark.pem");
  REQUIRE(WriteFile(root, Sim().ArkPem()).ok());
  std::string state = dir.Path("state");
  World keys;
  auto cds =
      std::make_unique<CdsProcess>(state, std::vector<std::string>{"--simulated-root", root});
  auto manifests = v1::Manifest::NewStub(Channel(cds->port()));
  grpc::Status st = ProposeAndApprove(*manifests, keys, NodeManifest(), true);
  INFO(st.error_message());
  REQUIRE(st.ok());
  absl::StatusOr<std::string> claimed_blob = ReadFile(StatePath(state));
  REQUIRE(claimed_blob.ok());

  // A proposal is stored (a newer version); then storage serves the claimed version again.
  manifest::Manifest m2 = NodeManifest();
  m2.identities[0].dns_names.push_back("api2.shop.svc");
  v1::ProposeRequest prop;
  prop.set_manifest_json(Json(m2));
  v1::ProposeResponse presp;
  grpc::ClientContext pc;
  REQUIRE(manifests->Propose(&pc, prop, &presp).ok());
  absl::StatusOr<std::string> proposed_blob = ReadFile(StatePath(state));
  REQUIRE(proposed_blob.ok());
  REQUIRE(*proposed_blob != *claimed_blob);
  REQUIRE(WriteFile(StatePath(state), *claimed_blob).ok());
  std::string stale_revision = "sha256:" + HexEncode(crypto::Sha256(AsBytes(*claimed_blob)));
  std::string written_revision = "sha256:" + HexEncode(crypto::Sha256(AsBytes(*proposed_blob)));

  v1::GetPendingResponse pending;
  grpc::ClientContext gc;
  REQUIRE(manifests->GetPending(&gc, {}, &pending).ok());
  manifest::ApprovalStatement statement{pending.cluster(),
                                        static_cast<int64_t>(pending.next_generation()),
                                        pending.previous_entry_hash(), pending.manifest_hash()};
  v1::ApproveRequest approve;
  approve.set_statement_json(World::Text(statement));
  approve.set_owner("alice");
  Bytes sig = keys.Sign(statement, keys.alice);
  approve.set_signature(std::string(sig.begin(), sig.end()));
  CheckRefused(
      *cds,
      {grpc::StatusCode::ABORTED,
       StrCat("not activated: persisting the new state failed: storage conflict on "
              "\"state\": expected revision ",
              written_revision, ", found ", stale_revision, " (another writer got there first)"),
       false, "approve"},
      [&] {
        grpc::ClientContext c;
        v1::ApproveResponse r;
        return manifests->Approve(&c, approve, &r);
      });
  cds->Kill(SIGTERM);

  std::string intact = *ReadFile(StatePath(state));
  std::vector<std::string> flags = {"--simulated-root", root};
  struct Damage {
    std::string name;
    std::string blob;
    std::string reason;
  };
  std::string flipped = intact;
  flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x01);
  std::vector<Damage> damages = {
      {"a flipped byte", flipped,
       "state object \\\"state\\\": authentication failed (corrupted, torn, swapped, or not "
       "sealed with this seed)"},
      {"a torn write (the tail missing)", intact.substr(0, intact.size() - 40),
       "state object \\\"state\\\": authentication failed (corrupted, torn, swapped, or not "
       "sealed with this seed)"},
      {"not a state blob", "garbage",
       "state object \\\"state\\\": not a c8s state blob (bad header, 7 bytes)"},
  };
  for (const Damage& d : damages) {
    INFO(d.name);
    REQUIRE(WriteFile(StatePath(state), d.blob).ok());
    std::map<std::string, std::string> before = ObjectHashes(state);
    CdsExit run = RunCdsToExit(state, flags);
    INFO(run.log);
    CHECK(run.code == 1);
    CHECK(run.log.find("c8s-cds failed") != std::string::npos);
    CHECK(run.log.find(d.reason) != std::string::npos);
    CHECK(ObjectHashes(state) == before);
  }

  // Intact again: the CDS loads generation 1, the refused approval left no trace.
  REQUIRE(WriteFile(StatePath(state), intact).ok());
  cds = std::make_unique<CdsProcess>(state, flags);
  CdsSnapshot loaded = TakeSnapshot(*cds);
  CHECK(loaded.generation == 1);
  CHECK(loaded.metrics.at("c8s_cds_manifest_generation") == 1);
}

// Storage serving an old blob to a restarting replica: the blob is genuine (sealed with the
// cluster's seed), so the replica opens it, but the leader's push names a newer version; the
// replica takes that one, reports the storage as stale, and loses nothing.
TEST_CASE("replicas: a stale state blob served to a restarted replica is reported; nothing lost",
          "[component]") {
  ReplicaDirs dirs;
  const std::string& dir = dirs.tmp.path();
  World keys;
  CdsProcess a(dirs.a, ReplicaFlags(dir, "cds-0", {}));
  auto manifests = v1::Manifest::NewStub(Channel(a.port()));
  REQUIRE(ProposeAndApprove(*manifests, keys, ReplicaManifest(), true).ok());
  absl::StatusOr<std::string> generation1 = ReadFile(StatePath(dirs.a));
  REQUIRE(generation1.ok());
  auto b = std::make_unique<CdsProcess>(dirs.b, ReplicaFlags(dir, "cds-1", {a.replica_address()}));
  REQUIRE(WaitOpen(b->port(), 1));
  manifest::Manifest m2 = ReplicaManifest();
  m2.identities[0].dns_names.push_back("api2.shop.svc");
  grpc::Status st = ProposeAndApprove(*manifests, keys, m2, false);
  INFO(st.error_message());
  REQUIRE(st.ok());
  REQUIRE(WaitOpen(b->port(), 2));
  auto written = static_cast<int64_t>(ScrapeMetrics(a.http_port()).at("c8s_cds_state_version"));
  b->Kill(SIGTERM);

  REQUIRE(WriteFile(StatePath(dirs.a), *generation1).ok());
  b = std::make_unique<CdsProcess>(dirs.b, ReplicaFlags(dir, "cds-1", {a.replica_address()}));
  std::string anomalies = "c8s_cds_storage_anomalies_total{kind=\"storage\"}";
  std::map<std::string, double> metrics;
  for (int i = 0; i < 100; ++i) {
    metrics = ScrapeMetrics(b->http_port());
    if (metrics.count(anomalies) != 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(metrics[anomalies] == 1);
  std::string audit = ReadFile(dirs.b + "/audit.jsonl").value_or("");
  INFO(audit);
  CHECK(audit.find(StrCat("storage is stale: it serves version ", written - 2, ", version ",
                          written, " was written")) != std::string::npos);
  CHECK(WaitOpen(b->port(), 2));
  CHECK(History(b->port()) == History(a.port()));
  CHECK(History(b->port()).size() == 2);
}

}  // namespace
}  // namespace c8s::cds::testing
