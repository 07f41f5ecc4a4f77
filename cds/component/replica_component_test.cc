// Two c8s-cds replicas on one storage directory, linked by their attested replica channel:
// the seed reaches the second one only by attestation, issuance survives the loss of either,
// a restarted replica re-joins by attestation, and both serve the same history.
#include <atomic>

#include "cds/component/replicas_for_test.h"

namespace c8s::cds::testing {
namespace {

std::string CaOf(int port) {
  auto identity = v1::Identity::NewStub(Channel(port));
  auto key = crypto::PrivateKey::Generate(crypto::KeyType::kP256);
  grpc::Status st;
  v1::IssueNodeRequest req = NodeJoinRequest(*identity, "probe", *key, &st);
  REQUIRE(st.ok());
  grpc::ClientContext c;
  v1::IssueNodeResponse resp;
  st = identity->IssueNode(&c, req, &resp);
  INFO(st.error_message());
  REQUIRE(st.ok());
  REQUIRE(resp.chain_der_size() > 0);
  return resp.chain_der(resp.chain_der_size() - 1);
}

// Joins nodes against `port` until stopped; counts successes and failures.
struct IssuanceStream {
  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, failed{0};
  std::string last_error;
  std::thread thread;
  explicit IssuanceStream(int port) {
    thread = std::thread([this, port] {
      auto identity = v1::Identity::NewStub(Channel(port));
      for (int i = 0; !stop; ++i) {
        grpc::Status st = JoinNode(*identity, StrCat("node-", i));
        if (st.ok()) {
          ++ok;
        } else {
          ++failed;
          last_error = st.error_message();
        }
      }
    });
  }
  void Stop() {
    stop = true;
    if (thread.joinable()) thread.join();
  }
  ~IssuanceStream() { Stop(); }
};

TEST_CASE(
    "replicas: one dies during issuance, the other continues; the restarted one "
    "re-joins by attestation with the same history",
    "[component][replica-failover]") {
  ReplicaDirs dirs;
  const std::string& dir = dirs.tmp.path();
  World keys;
  auto a = std::make_unique<CdsProcess>(dirs.a, ReplicaFlags(dir, "cds-0", {}));
  {
    auto manifests = v1::Manifest::NewStub(Channel(a->port()));
    grpc::Status st = ProposeAndApprove(*manifests, keys, ReplicaManifest(), true);
    INFO(st.error_message());
    REQUIRE(st.ok());
  }
  // cds-1 starts sealed on the same storage (it may not create) and gets the seed from cds-0.
  CdsProcess b(dirs.b, ReplicaFlags(dir, "cds-1", {a->replica_address()}));
  REQUIRE(WaitOpen(b.port(), 1));
  std::string ca = CaOf(a->port());
  CHECK(CaOf(b.port()) == ca);
  REQUIRE(WaitServingWithCa(b.port(), ca));

  {
    IssuanceStream stream(b.port());
    while (stream.ok < 5) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    a->Kill(SIGKILL);  // the leader dies mid-stream
    int at_kill = stream.ok;
    while (stream.ok < at_kill + 10 && stream.failed == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    stream.Stop();
    INFO(stream.last_error);
    CHECK(stream.failed == 0);
    CHECK(stream.ok >= at_kill + 10);
  }
  // With cds-0 gone, cds-1 leads: a new generation is approved there.
  manifest::Manifest m2 = ReplicaManifest();
  m2.identities[0].dns_names.push_back("api2.shop.svc");
  {
    auto manifests = v1::Manifest::NewStub(Channel(b.port()));
    grpc::Status st;
    for (int i = 0; i < 50; ++i) {  // until cds-1 noticed the leader is gone
      st = ProposeAndApprove(*manifests, keys, m2, false);
      if (st.ok()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    INFO(st.error_message());
    REQUIRE(st.ok());
  }

  // cds-0 restarts without its seed (memory only), sealed; cds-1 attests it and hands it over.
  a = std::make_unique<CdsProcess>(dirs.a, ReplicaFlags(dir, "cds-0", {b.replica_address()}));
  REQUIRE(WaitOpen(a->port(), 2));
  CHECK(CaOf(a->port()) == ca);
  REQUIRE(WaitServingWithCa(a->port(), ca));
  {
    IssuanceStream stream(a->port());
    while (stream.ok < 5 && stream.failed == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    stream.Stop();
    INFO(stream.last_error);
    CHECK(stream.failed == 0);
  }
  // A write through cds-1 now goes to cds-0 (the lower id leads again); both see it.
  manifest::Manifest m3 = m2;
  m3.identities[0].dns_names.push_back("api3.shop.svc");
  {
    auto manifests = v1::Manifest::NewStub(Channel(b.port()));
    grpc::Status st;
    for (int i = 0; i < 50; ++i) {
      st = ProposeAndApprove(*manifests, keys, m3, false);
      if (st.ok()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    INFO(st.error_message());
    REQUIRE(st.ok());
  }
  REQUIRE(WaitOpen(a->port(), 3));
  REQUIRE(WaitOpen(b.port(), 3));
  std::vector<std::string> ha = History(a->port());
  CHECK(ha.size() == 3);
  CHECK(ha == History(b.port()));
}

TEST_CASE("replicas: a CDS running another image gets no seed; the refusal names it",
          "[component]") {
  ReplicaDirs dirs;
  const std::string& dir = dirs.tmp.path();
  World keys;
  CdsProcess a(dirs.a, ReplicaFlags(dir, "cds-0", {}));
  {
    auto manifests = v1::Manifest::NewStub(Channel(a.port()));
    REQUIRE(ProposeAndApprove(*manifests, keys, ReplicaManifest(), true).ok());
  }
  std::string other = "sha256:" + std::string(64, 'e');
  CdsProcess b(dirs.b, ReplicaFlags(dir, "cds-1", {a.replica_address()}, other));
  // cds-1 stays sealed; cds-0 audited the refusal with the reason.
  std::string audit;
  for (int i = 0; i < 100; ++i) {
    audit = ReadFile(dirs.a + "/audit.jsonl").value_or("");
    if (audit.find("\"replica-join\"") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(audit.find("replica peer: image " + other +
                   " differs from this CDS's sha256:" + std::string(64, '0') +
                   " and the manifest approves no other") != std::string::npos);
  CHECK(audit.find("seed-sent") == std::string::npos);
  auto manifests = v1::Manifest::NewStub(Channel(b.port()));
  grpc::ClientContext c;
  v1::GetActiveResponse r;
  grpc::Status st = manifests->GetActive(&c, {}, &r);
  CHECK(st.error_code() == grpc::StatusCode::UNAVAILABLE);
  INFO(st.error_message());
}

}  // namespace
}  // namespace c8s::cds::testing
