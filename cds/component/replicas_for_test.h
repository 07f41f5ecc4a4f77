// Component tests of c8s-cds replicas: the manifest admitting them, their flags (one simulated
// platform, the seed in memory, an attested replica channel), and two state directories
// sharing one storage directory as replicas share the API server in a cluster.
#pragma once

#include <sys/stat.h>

#include "cds/component/processes_for_test.h"
#include "lib/base/clock.h"

namespace c8s::cds::testing {

// NodeManifest with the CDS role accepting the replicas' simulated platform (the same
// measurement as Sim(0)); no CDS identity: replicas must run this CDS's own image.
inline manifest::Manifest ReplicaManifest() {
  manifest::Manifest m = NodeManifest();
  AcceptSim0(m.attestation_policies[m.roles.cds]);
  return m;
}

inline std::vector<std::string> ReplicaFlags(const std::string& dir, const std::string& id,
                                             const std::vector<std::string>& peers,
                                             const std::string& image = "") {
  std::vector<std::string> f = {"--simulated-root",
                                dir + "/sim_ark.pem",
                                "--simulate-own-evidence",
                                "--simulated-platform",
                                dir + "/platform",
                                "--seed-in-memory",
                                "--replica-id",
                                id,
                                "--replica-listen",
                                "127.0.0.1:0",
                                "--issue-node-rate",
                                "1000",
                                "--issue-node-burst",
                                "1000"};
  if (id != "cds-0") f.push_back("--no-create");
  if (!image.empty()) f.insert(f.end(), {"--image-digest", image});
  for (const std::string& p : peers) f.insert(f.end(), {"--peer", p});
  return f;
}

// Asks GetActive through a channel from `channel()` (called per attempt) every 100 ms, up to
// `attempts` times, until an answer satisfies `done`.
template <class MakeChannel, class Done>
bool PollActive(int attempts, const MakeChannel& channel, const Done& done) {
  for (int i = 0; i < attempts; ++i) {
    grpc::ClientContext c;
    c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
    v1::GetActiveResponse r;
    if (v1::Manifest::NewStub(channel())->GetActive(&c, {}, &r).ok() && done(r)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

// The CDS at `port` serves an active manifest (it is open: it has the seed).
inline bool WaitOpen(int port, uint64_t generation) {
  std::shared_ptr<grpc::Channel> channel = Channel(port);
  return PollActive(
      200, [&] { return channel; },
      [&](const v1::GetActiveResponse& r) { return r.generation() >= generation; });
}

// The CDS at `port` serves with its cluster-CA certificate (`ca_der`): a CDS that opened
// replaces its sealed-time front servers shortly after, and a test that means to kill a
// replica mid-stream must not have that switch in the same moment.
inline bool WaitServingWithCa(int port, const std::string& ca_der) {
  absl::StatusOr<crypto::Certificate> ca = crypto::Certificate::FromDer(AsBytes(ca_der));
  REQUIRE(ca.ok());
  auto verifier = std::make_shared<crypto::CaPeerVerifier>(*ca, Clock::Real());
  auto fresh_channel = [&] {
    grpc::ChannelArguments args;
    args.SetInt("grpc.use_local_subchannel_pool", 1);  // a fresh connection per attempt
    return grpc::CreateCustomChannel(StrCat("127.0.0.1:", port),
                                     crypto::MakeGrpcChannelCredentials(std::nullopt, verifier),
                                     args);
  };
  return PollActive(100, fresh_channel, [](const v1::GetActiveResponse&) { return true; });
}

// Every history entry the CDS at `port` serves, with its CA signature.
inline std::vector<std::string> History(int port) {
  auto manifests = v1::Manifest::NewStub(Channel(port));
  grpc::ClientContext c;
  v1::HistoryResponse r;
  grpc::Status st = manifests->History(&c, {}, &r);
  INFO(st.error_message());
  REQUIRE(st.ok());
  std::vector<std::string> entries;
  for (const auto& e : r.entries()) entries.push_back(e.entry_json() + "|" + e.signature());
  return entries;
}

struct ReplicaDirs {
  c8s::testing::TempDir tmp;
  std::string a, b;
  ReplicaDirs() : a(tmp.Path("a")), b(tmp.Path("b")) {
    REQUIRE(WriteFile(tmp.Path("sim_ark.pem"), Sim().ArkPem()).ok());
    // One storage, as the API server is for replicas in a cluster; state dirs apart.
    REQUIRE(::mkdir(a.c_str(), 0700) == 0);
    REQUIRE(::mkdir(b.c_str(), 0700) == 0);
    REQUIRE(::mkdir((a + "/objects").c_str(), 0700) == 0);
    REQUIRE(::symlink((a + "/objects").c_str(), (b + "/objects").c_str()) == 0);
  }
};

}  // namespace c8s::cds::testing
