#include "node-agent/hook/runtime_check.h"

#include <catch2/catch_test_macros.hpp>
#include <functional>

#include "node-agent/hook/spec_fixtures_for_test.h"

namespace c8s::hook {
namespace {

using nlohmann::json;

using SpecEdit = std::function<void(json&)>;
using PolicyEdit = std::function<void(manifest::RuntimePolicy&)>;
using FactsEdit = std::function<void(HostFacts&)>;

struct Case {
  // `want` empty: the spec is allowed; else a substring of one violation.
  Case(const char* n, SpecEdit s = nullptr, PolicyEdit p = nullptr, FactsEdit f = nullptr,
       std::string w = "")
      : name(n), spec(s), policy(p), facts(f), want(std::move(w)) {}
  const char* name;
  SpecEdit spec;
  PolicyEdit policy;
  FactsEdit facts;
  std::string want;
};

HostFacts FactsFor(const OciSpec& spec) {
  HostFacts f;
  for (const OciNamespace& ns : spec.namespaces) {
    if (!ns.path.empty()) f.host_namespace[ns.path] = ns.path.rfind("/proc/1/", 0) == 0;
  }
  for (const OciMount& m : spec.mounts) {
    if (m.IsBind()) f.resolved_source[m.source] = m.source;
  }
  f.tee_devices["/dev/sev-guest"] = {"c", 10, 124};
  return f;
}

json Bind(const std::string& src, const std::string& dst, bool ro = false) {
  json opts = {"rbind", "rprivate"};
  opts.push_back(ro ? "ro" : "rw");
  return {{"destination", dst}, {"type", "bind"}, {"source", src}, {"options", opts}};
}

void AddCap(json& s, const std::string& cap) {
  for (const char* set : {"bounding", "effective", "permitted"}) {
    s["process"]["capabilities"][set].push_back(cap);
  }
}

std::vector<std::string> Run(const Case& c) {
  json doc = testing::CompliantSpec();
  if (c.spec) c.spec(doc);
  auto spec = ParseOciSpec(doc);
  REQUIRE(spec.ok());
  manifest::RuntimePolicy policy;
  policy.run_as_non_root = true;
  if (c.policy) c.policy(policy);
  HostFacts facts = FactsFor(*spec);
  if (c.facts) c.facts(facts);
  RuntimeCheckContext ctx{testing::kPodUid, testing::kSandboxId, {}};
  return CheckRuntimePolicy(*spec, facts, policy, ctx);
}

TEST_CASE("runtime policy against OCI specs", "[unit]") {
  std::vector<Case> cases = {
      {"compliant CRI container"},
      {"added capability", [](json& s) { AddCap(s, "CAP_SYS_ADMIN"); }, nullptr, nullptr,
       "capabilities: SYS_ADMIN added (in bounding, effective, permitted) but addCapabilities is "
       "[]"},
      {"added capability granted", [](json& s) { AddCap(s, "CAP_NET_ADMIN"); },
       [](manifest::RuntimePolicy& p) { p.add_capabilities = {"NET_ADMIN"}; }},
      {"NET_RAW kept", [](json& s) { AddCap(s, "CAP_NET_RAW"); }, nullptr, nullptr,
       "capabilities: NET_RAW must be dropped"},
      {"NET_RAW granted back", [](json& s) { AddCap(s, "CAP_NET_RAW"); },
       [](manifest::RuntimePolicy& p) { p.add_capabilities = {"NET_RAW"}; }},
      {"privileged: no masked paths",
       [](json& s) { s["linux"]["maskedPaths"] = json::array(); },
       {},
       {},
       "privileged: /proc/kcore is not in linux.maskedPaths"},
      {"privileged allowed: all capabilities",
       [](json& s) {
         AddCap(s, "CAP_SYS_ADMIN");
         s["linux"]["maskedPaths"] = json::array();
       },
       [](manifest::RuntimePolicy& p) { p.privileged = true; }},
      {"host network (no netns entry)", [](json& s) { s["linux"]["namespaces"].erase(4); }, nullptr,
       nullptr,
       "host namespaces: the spec shares the host's network namespace (no linux.namespaces entry) "
       "but hostNetwork is false"},
      {"host network allowed",
       [](json& s) {
         s["linux"]["namespaces"].erase(4);
         s["linux"]["namespaces"].erase(2);
       },
       [](manifest::RuntimePolicy& p) { p.host_network = true; }},
      {"host pid joined by path",
       [](json& s) { s["linux"]["namespaces"][0]["path"] = "/proc/1/ns/pid"; }, nullptr, nullptr,
       "host namespaces: pid namespace path /proc/1/ns/pid is the host's but hostPID is false"},
      {"host ipc allowed", [](json& s) { s["linux"]["namespaces"][1]["path"] = "/proc/1/ns/ipc"; },
       [](manifest::RuntimePolicy& p) { p.host_ipc = true; }},
      {"namespace path not examined", nullptr, nullptr,
       [](HostFacts& f) { f.host_namespace.erase("/proc/4242/ns/net"); },
       "network namespace path /proc/4242/ns/net could not be examined"},
      {"host mount namespace never",
       [](json& s) { s["linux"]["namespaces"].erase(3); },
       [](manifest::RuntimePolicy& p) {
         p.privileged = true;
         p.host_network = true;
       },
       {},
       "host's mount namespace"},
      {"host path not granted",
       [](json& s) { s["mounts"].push_back(Bind("/etc", "/host-etc")); },
       {},
       {},
       "mount /host-etc: host path /etc is not allowed (hostPaths: [])"},
      {"host path granted read-only, mounted ro",
       [](json& s) { s["mounts"].push_back(Bind("/data/x", "/data", true)); },
       [](manifest::RuntimePolicy& p) {
         p.host_paths = {{"/data", true}};
       }},
      {"host path granted read-only, mounted rw",
       [](json& s) { s["mounts"].push_back(Bind("/data/x", "/data")); },
       [](manifest::RuntimePolicy& p) {
         p.host_paths = {{"/data", true}};
       },
       {},
       "is mounted read-write but hostPaths grants /data read-only"},
      {"symlink out of a grant",
       [](json& s) { s["mounts"].push_back(Bind("/data/link", "/d", true)); },
       [](manifest::RuntimePolicy& p) {
         p.host_paths = {{"/data", true}};
       },
       [](HostFacts& f) { f.resolved_source["/data/link"] = "/etc/shadow"; },
       "host path /data/link (-> /etc/shadow) is not allowed"},
      {"another pod's volume",
       [](json& s) {
         s["mounts"].push_back(Bind("/var/lib/kubelet/pods/other-uid/volumes/x", "/steal"));
       },
       {},
       {},
       "mount /steal: host path /var/lib/kubelet/pods/other-uid/volumes/x is not allowed"},
      {"bind source unresolvable",
       [](json& s) { s["mounts"].push_back(Bind("/nope", "/n")); },
       {},
       [](HostFacts& f) { f.resolved_source.erase("/nope"); },
       "bind source \"/nope\" could not be resolved"},
      {"host root even when granted",
       [](json& s) { s["mounts"].push_back(Bind("/", "/host")); },
       [](manifest::RuntimePolicy& p) {
         p.host_paths = {{"/", false}};
         p.privileged = true;
       },
       {},
       "reaches the TEE devices or configfs-tsm"},
      {"configfs-tsm bind",
       [](json& s) { s["mounts"].push_back(Bind("/sys/kernel/config/tsm", "/tsm")); },
       [](manifest::RuntimePolicy& p) {
         p.host_paths = {{"/sys/kernel/config", false}};
       },
       {},
       "reaches the TEE devices or configfs-tsm"},
      {"configfs mount",
       [](json& s) {
         s["mounts"].push_back({{"destination", "/cfg"}, {"type", "configfs"}, {"source", "x"}});
       },
       [](manifest::RuntimePolicy& p) { p.privileged = true; },
       {},
       "configfs"},
      {"sysfs read-write",
       [](json& s) {
         s["mounts"][4]["options"] = {"nosuid", "noexec", "nodev"};
       },
       nullptr, nullptr, "mount /sys: sysfs mounted read-write needs privileged: true"},
      {"block device filesystem",
       [](json& s) {
         s["mounts"].push_back(
             {{"destination", "/disk"}, {"type", "ext4"}, {"source", "/dev/sda1"}});
       },
       {},
       {},
       "filesystem type \"ext4\" (source \"/dev/sda1\") needs privileged: true"},
      {"shared propagation",
       [](json& s) {
         s["mounts"].push_back(Bind("/data", "/d", true));
         s["mounts"].back()["options"].push_back("rshared");
       },
       [](manifest::RuntimePolicy& p) {
         p.host_paths = {{"/data", true}};
       },
       {},
       "bidirectional (shared) propagation needs privileged: true"},
      {"device not granted",
       [](json& s) {
         s["linux"]["devices"] = {
             {{"path", "/dev/fuse"}, {"type", "c"}, {"major", 10}, {"minor", 229}}};
       },
       {},
       {},
       "device /dev/fuse: not allowed (devices: [])"},
      {"device granted and matching the host",
       [](json& s) {
         s["linux"]["devices"] = {
             {{"path", "/dev/fuse"}, {"type", "c"}, {"major", 10}, {"minor", 229}}};
         s["linux"]["resources"]["devices"].push_back(
             {{"allow", true}, {"type", "c"}, {"major", 10}, {"minor", 229}, {"access", "rwm"}});
       },
       [](manifest::RuntimePolicy& p) { p.devices = {"/dev/fuse"}; },
       [](HostFacts& f) {
         f.host_device["/dev/fuse"] = {"c", 10, 229};
       }},
      {"granted device path with another device's number",
       [](json& s) {
         s["linux"]["devices"] = {
             {{"path", "/dev/fuse"}, {"type", "c"}, {"major", 1}, {"minor", 1}}};
       },
       [](manifest::RuntimePolicy& p) { p.devices = {"/dev/fuse"}; },
       [](HostFacts& f) {
         f.host_device["/dev/fuse"] = {"c", 10, 229};
       },
       "device /dev/fuse: declared as c 1:1 but the host's is c 10:229"},
      {"TEE device by path, even granted",
       [](json& s) {
         s["linux"]["devices"] = {
             {{"path", "/dev/sev-guest"}, {"type", "c"}, {"major", 10}, {"minor", 124}}};
       },
       [](manifest::RuntimePolicy& p) {
         p.devices = {"/dev/sev-guest"};
         p.privileged = true;
       },
       {},
       "device /dev/sev-guest: TEE devices are reserved to the node agent"},
      {"TEE device under another name",
       [](json& s) {
         s["linux"]["devices"] = {
             {{"path", "/dev/innocent"}, {"type", "c"}, {"major", 10}, {"minor", 124}}};
       },
       [](manifest::RuntimePolicy& p) { p.devices = {"/dev/innocent"}; },
       {},
       "TEE devices are reserved to the node agent (declared c 10:124)"},
      {"all devices allowed",
       [](json& s) {
         s["linux"]["resources"]["devices"] = {{{"allow", true}, {"access", "rwm"}}};
       },
       {},
       {},
       "opens the TEE device /dev/sev-guest"},
      {"all devices allowed on a host without TEE devices",
       [](json& s) {
         s["linux"]["resources"]["devices"] = {{{"allow", true}, {"access", "rwm"}}};
       },
       {},
       [](HostFacts& f) { f.tee_devices.clear(); },
       "opens a whole class of devices, which needs privileged: true"},
      {"mknod-only wildcard",
       [](json& s) {
         s["linux"]["resources"]["devices"].push_back(
             {{"allow", true}, {"type", "c"}, {"access", "m"}});
       }},
      {"standard pseudo devices",
       [](json& s) {
         s["linux"]["resources"]["devices"].push_back(
             {{"allow", true}, {"type", "c"}, {"major", 1}, {"minor", 3}, {"access", "rwm"}});
         s["linux"]["resources"]["devices"].push_back(
             {{"allow", true}, {"type", "c"}, {"major", 136}, {"access", "rwm"}});
       }},
      {"root user", [](json& s) { s["process"]["user"]["uid"] = 0; }, nullptr, nullptr,
       "runAsNonRoot: process.user.uid is 0"},
      {"root allowed", [](json& s) { s["process"]["user"]["uid"] = 0; },
       [](manifest::RuntimePolicy& p) { p.run_as_non_root = false; }},
      {"writable root",
       [](json&) {},
       [](manifest::RuntimePolicy& p) { p.read_only_root_filesystem = true; },
       {},
       "readOnlyRootFilesystem: root.readonly is not true"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    std::vector<std::string> v = Run(c);
    std::string all;
    for (const std::string& s : v) all += s + "\n";
    INFO(all);
    if (c.want.empty()) {
      CHECK(v.empty());
    } else {
      CHECK(all.find(c.want) != std::string::npos);
    }
  }
}

TEST_CASE("PathWithin", "[unit]") {
  CHECK(PathWithin("/a/b", "/a"));
  CHECK(PathWithin("/a", "/a"));
  CHECK_FALSE(PathWithin("/ab", "/a"));
  CHECK(PathWithin("/x", "/"));
  CHECK_FALSE(PathWithin("/a", "/a/b"));
}

}  // namespace
}  // namespace c8s::hook
