// Acceptance 4 of issue #7: with no NRI plugin at all, real runc never starts a container that
// has no admission record, or whose spec breaks the runtime policy; an admitted compliant one
// runs. The agent's hook server runs in this process; runc runs the real c8s-oci-hook.
#include <catch2/catch_test_macros.hpp>

#include "node-agent/agent/hook_server.h"
#include "node-agent/agent/privileged/runc_fixture.h"
#include "node-agent/agent/testing_for_test.h"
#include "test/support/test_env.h"

namespace c8s::agent {
namespace {

using nlohmann::json;

struct FixedPolicy : admission::PolicyView {
  std::shared_ptr<const manifest::PolicyBundle> bundle;
  std::shared_ptr<const manifest::PolicyBundle> Current() const override { return bundle; }
};

struct Agent {
  c8s::testing::TempDir dir;
  admission::AdmissionStore admissions;
  FixedPolicy policy;
  std::vector<manifest::BundleIdentity> bootstrap;
  Metrics metrics;
  HookGate gate{&admissions, &policy, &bootstrap, {}, &metrics};
  std::unique_ptr<HookServer> server;
  std::string socket = dir.Path("hook.sock");
  Agent() {
    testing::TestCa ca;
    manifest::PolicyBundle b = ca.Bundle(5);
    manifest::Container pinned;
    pinned.image = "ghcr.io/acme/pinned@sha256:" + std::string(64, '2');
    pinned.args = testing::kMarkerCommand;
    b.identities[0].containers.push_back(pinned);
    policy.bundle = std::make_shared<manifest::PolicyBundle>(b);
    auto s = HookServer::Start(socket, &gate);
    REQUIRE(s.ok());
    server = std::move(*s);
  }
  void Admit(const std::string& id, const std::string& image = testing::kImage) {
    admission::Admission a = testing::ApiAdmission(id, 5);
    a.image = image;
    admissions.Record(a);
  }
};

// Runs the bundle; returns runc's output. `want_ran` says whether the process must have run.
std::string Expect(testing::RuncBundle& b, bool want_ran) {
  std::string out;
  int rc = b.Run(&out);
  INFO("runc exit " << rc << ": " << out);
  CHECK(b.ProcessRan() == want_ran);
  CHECK((rc == 0) == want_ran);
  return out;
}

bool Has(const std::string& out, const std::string& what) {
  return out.find(what) != std::string::npos;
}

TEST_CASE("runc + c8s-oci-hook: only admitted, compliant containers run", "[privileged]") {
  C8S_REQUIRE_PRIVILEGED_OR_SKIP("runs containers with runc");
  Agent agent;

  SECTION("admitted and compliant: runs") {
    testing::RuncBundle b(agent.socket);
    agent.Admit(b.id());
    Expect(b, true);
  }
  SECTION("no admission record (NRI plugin absent): never starts") {
    testing::RuncBundle b(agent.socket);
    std::string out = Expect(b, false);
    CHECK(Has(out, "no admission record for container " + b.id()));
  }
  SECTION("privileged spec: never starts") {
    testing::RuncBundle b(agent.socket, [](json& s) {
      for (const char* set : {"bounding", "effective", "permitted"}) {
        s["process"]["capabilities"][set].push_back("CAP_SYS_ADMIN");
      }
      s["linux"]["maskedPaths"] = json::array();
    });
    agent.Admit(b.id());
    std::string out = Expect(b, false);
    CHECK(Has(out, "capabilities: SYS_ADMIN added"));
    CHECK(Has(out, "privileged: /proc/kcore is not in linux.maskedPaths"));
  }
  SECTION("host path: never starts") {
    testing::RuncBundle b(agent.socket, [](json& s) {
      s["mounts"].push_back({{"destination", "/host-etc"},
                             {"type", "bind"},
                             {"source", "/etc"},
                             {"options", {"rbind", "ro"}}});
    });
    agent.Admit(b.id());
    std::string out = Expect(b, false);
    CHECK(Has(out, "mount /host-etc: host path /etc is not allowed (hostPaths: [])"));
  }
  SECTION("extra device: never starts") {
    testing::RuncBundle b(agent.socket, [](json& s) {
      s["linux"]["devices"] = {{{"path", "/dev/kmsg"}, {"type", "c"}, {"major", 1}, {"minor", 11}}};
    });
    agent.Admit(b.id());
    std::string out = Expect(b, false);
    CHECK(Has(out, "device /dev/kmsg: not allowed (devices: [])"));
  }
  SECTION("TEE device, even granted: never starts") {
    auto bundle = std::make_shared<manifest::PolicyBundle>(*agent.policy.bundle);
    bundle->identities[0].runtime.devices = {"/dev/sev-guest"};
    agent.policy.bundle = bundle;
    testing::RuncBundle b(agent.socket, [](json& s) {
      s["linux"]["devices"] = {
          {{"path", "/dev/sev-guest"}, {"type", "c"}, {"major", 10}, {"minor", 124}}};
    });
    agent.Admit(b.id());
    std::string out = Expect(b, false);
    CHECK(Has(out, "device /dev/sev-guest: TEE devices are reserved to the node agent"));
  }
  SECTION("host network namespace: never starts") {
    testing::RuncBundle b(agent.socket, [](json& s) {
      json kept = json::array();
      for (const json& ns : s["linux"]["namespaces"]) {
        if (ns["type"] != "network") kept.push_back(ns);
      }
      s["linux"]["namespaces"] = kept;
    });
    agent.Admit(b.id());
    std::string out = Expect(b, false);
    CHECK(Has(out, "shares the host's network namespace"));
  }
  SECTION("root user against runAsNonRoot: never starts") {
    testing::RuncBundle b(agent.socket, [](json& s) { s["process"]["user"]["uid"] = 0; });
    agent.Admit(b.id());
    std::string out = Expect(b, false);
    CHECK(Has(out, "runAsNonRoot: process.user.uid is 0"));
  }
  SECTION("pinned command line changed after admission: never starts") {
    testing::RuncBundle b(agent.socket, [](json& s) {
      s["process"]["args"] = {"/bin/sh", "-c", "echo ran > /tmp/ran; echo injected"};
    });
    agent.Admit(b.id(), "ghcr.io/acme/pinned@sha256:" + std::string(64, '2'));
    std::string out = Expect(b, false);
    CHECK(Has(out, "pinned by identity shop/api"));
  }
  SECTION("pinned command line kept: runs") {
    testing::RuncBundle b(agent.socket);
    agent.Admit(b.id(), "ghcr.io/acme/pinned@sha256:" + std::string(64, '2'));
    Expect(b, true);
  }
  SECTION("agent unreachable: fails closed") {
    agent.server->Stop();
    ::unlink(agent.socket.c_str());
    testing::RuncBundle b(agent.socket);
    agent.Admit(b.id());
    std::string out = Expect(b, false);
    CHECK(Has(out, "node agent unreachable at " + agent.socket + " (fail closed)"));
  }
}

}  // namespace
}  // namespace c8s::agent
