#include "node-agent/agent/hook_gate.h"

#include <catch2/catch_test_macros.hpp>

#include "node-agent/agent/testing_for_test.h"
#include "node-agent/hook/spec_fixtures_for_test.h"

namespace c8s::agent {
namespace {

struct FixedPolicy : admission::PolicyView {
  std::shared_ptr<const manifest::PolicyBundle> bundle;
  std::shared_ptr<const manifest::PolicyBundle> Current() const override { return bundle; }
};

hook::HookRequest Request(const std::string& id, const nlohmann::json& spec) {
  hook::HookRequest r;
  r.container_id = id;
  r.bundle = "/run/bundle";
  r.config_json = spec.dump();
  auto parsed = hook::ParseOciSpec(spec);
  if (!parsed.ok()) return r;
  for (const auto& m : parsed->mounts) {
    if (m.IsBind()) r.facts.resolved_source[m.source] = m.source;
  }
  for (const auto& ns : parsed->namespaces) {
    if (!ns.path.empty()) r.facts.host_namespace[ns.path] = false;
  }
  return r;
}

struct World {
  admission::AdmissionStore admissions;
  FixedPolicy policy;
  std::vector<manifest::BundleIdentity> bootstrap;
  Metrics metrics;
  HookGate gate{&admissions, &policy, &bootstrap, {}, &metrics};
  testing::TestCa ca;
};

TEST_CASE("hook gate: admission record and runtime policy", "[unit]") {
  World w;
  nlohmann::json spec = hook::testing::CompliantSpec();
  hook::HookReply r = w.gate.Decide(Request("c1", spec));
  CHECK_FALSE(r.allow);
  CHECK(r.reason ==
        "no admission record for container c1 (the NRI plugin did not admit it: "
        "absent, down, or it refused)");

  w.admissions.Record(testing::ApiAdmission("c1", 1));
  CHECK(w.gate.Decide(Request("c1", spec)).reason ==
        "admitted under a policy bundle but none is enforced");

  w.policy.bundle = std::make_shared<manifest::PolicyBundle>(w.ca.Bundle(3));
  r = w.gate.Decide(Request("c1", spec));
  CHECK(r.allow);
  CHECK(r.reason == "admitted as shop/api (policy generation 3)");
  CHECK(r.generation == 3);

  nlohmann::json privileged = spec;
  privileged["process"]["capabilities"]["bounding"].push_back("CAP_SYS_ADMIN");
  r = w.gate.Decide(Request("c1", privileged));
  CHECK_FALSE(r.allow);
  CHECK(r.reason ==
        "runtime policy of identity shop/api: capabilities: SYS_ADMIN added (in "
        "bounding) but addCapabilities is []");

  nlohmann::json other_ns = spec;
  other_ns["annotations"][hook::kAnnotationSandboxNamespace] = "kube-system";
  CHECK(w.gate.Decide(Request("c1", other_ns)).reason ==
        "spec names pod namespace kube-system but the admission is for shop");

  auto renamed = w.ca.Bundle(4);
  renamed.identities[0].ref = "shop/web";
  w.policy.bundle = std::make_shared<manifest::PolicyBundle>(renamed);
  CHECK(w.gate.Decide(Request("c1", spec)).reason ==
        "identity shop/api is not in the enforced policy (generation 4)");
  CHECK(w.metrics.Get("c8s_agent_hook_decisions_total", {{"decision", "deny"}}) == 5);
  CHECK(w.metrics.Get("c8s_agent_hook_decisions_total", {{"decision", "allow"}}) == 1);
}

TEST_CASE("hook gate: bootstrap admissions use the allow-list's runtime policy", "[unit]") {
  World w;
  manifest::BundleIdentity entry = testing::ApiIdentity();
  entry.runtime.host_network = true;
  w.bootstrap = {entry};
  w.admissions.Record(testing::ApiAdmission("c2", 0));
  nlohmann::json spec = hook::testing::CompliantSpec();
  spec["linux"]["namespaces"][4]["path"] = "/proc/1/ns/net";
  hook::HookRequest req = Request("c2", spec);
  req.facts.host_namespace["/proc/1/ns/net"] = true;
  hook::HookReply r = w.gate.Decide(req);
  CHECK(r.allow);
  CHECK(r.reason == "admitted as shop/api (bootstrap allow-list)");
  w.bootstrap.clear();
  CHECK(w.gate.Decide(req).reason ==
        "admitted by the bootstrap allow-list as shop/api, which the allow-list no longer holds");
}

TEST_CASE("hook gate: pod sandboxes", "[unit]") {
  World w;
  nlohmann::json spec = hook::testing::CompliantSpec();
  spec["annotations"][hook::kAnnotationContainerType] = "sandbox";
  spec["process"]["args"] = {"/pause"};
  spec["process"]["user"]["uid"] = 0;
  spec["process"]["capabilities"]["bounding"].push_back("CAP_NET_RAW");
  spec["linux"]["namespaces"].erase(4);  // hostNetwork pod
  spec["linux"]["namespaces"].erase(2);
  spec["mounts"].erase(6);  // no kubelet volumes in a sandbox
  hook::HookReply r = w.gate.Decide(Request(hook::testing::kSandboxId, spec));
  INFO(r.reason);
  CHECK(r.allow);
  CHECK(w.gate.IsAllowedSandbox(hook::testing::kSandboxId));

  nlohmann::json shell = spec;
  shell["process"]["args"] = {"/bin/sh", "-c", "evil"};
  CHECK(w.gate.Decide(Request("s2", shell)).reason ==
        "pod sandbox runs \"/bin/sh -c evil\", not a configured sandbox command");
  nlohmann::json devices = spec;
  devices["linux"]["resources"]["devices"] = {{{"allow", true}, {"access", "rwm"}}};
  std::string why = w.gate.Decide(Request("s3", devices)).reason;
  CHECK(why.find("pod sandbox: ") == 0);
  CHECK(why.find("device cgroup rule 0 (a *:* rwm): opens a whole class of devices, which needs "
                 "privileged: true") != std::string::npos);
  CHECK_FALSE(w.gate.IsAllowedSandbox("s3"));
  CHECK(w.gate.Decide(Request("s4", {{"linux", {}}})).reason ==
        "config.json: process: missing (the gate needs the process to check)");
}

}  // namespace
}  // namespace c8s::agent
