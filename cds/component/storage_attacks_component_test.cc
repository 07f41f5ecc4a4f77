// Untrusted storage under a real c8s-cds process (directory storage, <state-dir>/objects):
// a stale blob served back while it runs makes the next write fail with the conflict named and
// nothing activated; a corrupted or torn blob makes the process refuse to start, with the
// reason, and write nothing (no second CA on top of the damaged state). With replicas, a
// restarted one served an older blob, or another blob of the same version (two conflicting
// writes acknowledged), reports the storage anomaly instead of going back.
#include "cds/component/refusals_for_test.h"
#include "cds/component/replicas_for_test.h"

namespace c8s::cds::testing {
namespace {

std::string StatePath(const std::string& state_dir) { return state_dir + "/objects/state.blob"; }

void ProposeOrDie(int port, const manifest::Manifest& m) {
  auto manifests = v1::Manifest::NewStub(Channel(port));
  v1::ProposeRequest prop;
  prop.set_manifest_json(Json(m));
  v1::ProposeResponse presp;
  grpc::ClientContext c;
  grpc::Status st = manifests->Propose(&c, prop, &presp);
  INFO(st.error_message());
  REQUIRE(st.ok());
}

// Polls the CDS's /metrics until `series` reaches `value` (5 s at most); returns the last value.
double WaitForMetric(int http_port, const std::string& series, double value) {
  double last = 0;
  for (int i = 0; i < 100; ++i) {
    std::map<std::string, double> m = ScrapeMetrics(http_port);
    last = m.count(series) != 0 ? m.at(series) : 0;
    if (last >= value) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return last;
}

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
  CHECK(WaitForMetric(b->http_port(), "c8s_cds_storage_anomalies_total{kind=\"storage\"}", 1) == 1);
  std::string audit = ReadFile(dirs.b + "/audit.jsonl").value_or("");
  INFO(audit);
  CHECK(audit.find(StrCat("storage is stale: it serves version ", written - 2, ", version ",
                          written, " was written")) != std::string::npos);
  CHECK(WaitOpen(b->port(), 2));
  CHECK(History(b->port()) == History(a.port()));
  CHECK(History(b->port()).size() == 2);
}

// Storage that acknowledged two conflicting writes of one version: a CDS holding the same seed
// (here: a process on a copy of the storage, as a split-brain writer would) wrote its own
// version 4, the leader wrote another; storage serves the first to a restarting replica, and
// the leader's push of the second is refused as a fork, reported, and not adopted.
TEST_CASE("replicas: two different blobs for one version are reported as a fork", "[component]") {
  ReplicaDirs dirs;
  const std::string& dir = dirs.tmp.path();
  World keys;
  std::vector<std::string> leader_flags = ReplicaFlags(dir, "cds-0", {});
  std::erase(leader_flags, "--seed-in-memory");  // the seed stays in <state-dir>/seed
  CdsProcess a(dirs.a, leader_flags);
  REQUIRE(
      ProposeAndApprove(*v1::Manifest::NewStub(Channel(a.port())), keys, ReplicaManifest(), true)
          .ok());
  auto b = std::make_unique<CdsProcess>(dirs.b, ReplicaFlags(dir, "cds-1", {a.replica_address()}));
  REQUIRE(WaitOpen(b->port(), 1));
  const std::string version = "c8s_cds_state_version";
  auto at = static_cast<int64_t>(ScrapeMetrics(a.http_port()).at(version));

  // The other writer: the same seed on a copy of the storage, proposing its own manifest.
  std::string fork_dir = dir + "/fork";
  REQUIRE(::mkdir(fork_dir.c_str(), 0700) == 0);
  REQUIRE(::mkdir((fork_dir + "/objects").c_str(), 0700) == 0);
  for (const auto& [name, unused] : ObjectHashes(dirs.a)) {
    REQUIRE(WriteFile(fork_dir + "/objects/" + name, *ReadFile(dirs.a + "/objects/" + name)).ok());
  }
  std::string forked_blob;
  {
    CdsProcess writer(fork_dir,
                      {"--simulated-root", dir + "/sim_ark.pem", "--seed-file", dirs.a + "/seed"});
    manifest::Manifest theirs = ReplicaManifest();
    theirs.identities[0].dns_names.push_back("theirs.shop.svc");
    ProposeOrDie(writer.port(), theirs);
    CHECK(ScrapeMetrics(writer.http_port()).at(version) == at + 1);
    forked_blob = *ReadFile(StatePath(fork_dir));
  }
  manifest::Manifest ours = ReplicaManifest();
  ours.identities[0].dns_names.push_back("ours.shop.svc");
  ProposeOrDie(a.port(), ours);
  REQUIRE(WaitForMetric(b->http_port(), version, at + 1) == at + 1);
  b->Kill(SIGTERM);

  REQUIRE(WriteFile(StatePath(dirs.a), forked_blob).ok());
  b = std::make_unique<CdsProcess>(dirs.b, ReplicaFlags(dir, "cds-1", {a.replica_address()}));
  CHECK(WaitForMetric(b->http_port(), "c8s_cds_storage_anomalies_total{kind=\"replica-state\"}",
                      1) == 1);
  std::string audit = ReadFile(dirs.b + "/audit.jsonl").value_or("");
  INFO(audit);
  CHECK(audit.find(StrCat("from replica cds-0: state object \\\"state\\\": fork: two different "
                          "blobs claim version ",
                          at + 1)) != std::string::npos);
  // Still generation 1 on both: neither proposal was approved, nothing was activated.
  CHECK(History(b->port()) == History(a.port()));
  CHECK(History(b->port()).size() == 1);
}

}  // namespace
}  // namespace c8s::cds::testing
