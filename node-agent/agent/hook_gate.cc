#include "node-agent/agent/hook_gate.h"

#include <algorithm>

#include "lib/base/log.h"
#include "lib/base/strings.h"
#include "node-agent/hook/oci_json.h"
#include "node-agent/hook/process_pin.h"

namespace c8s::agent {
namespace {

std::string JoinViolations(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : "; ") + s;
  return out;
}

hook::HookReply Deny(std::string reason, std::string identity = "", int64_t generation = 0) {
  return {false, std::move(reason), std::move(identity), generation};
}

std::string Annotation(const hook::OciSpec& spec, const char* key) {
  auto it = spec.annotations.find(key);
  return it == spec.annotations.end() ? "" : it->second;
}

}  // namespace

hook::HookReply HookGate::Decide(const hook::HookRequest& request) {
  absl::StatusOr<nlohmann::json> doc = hook::ParseOciJson(request.config_json, "config.json");
  if (!doc.ok()) return Finish(request, Deny(StatusText(doc.status())));
  absl::StatusOr<hook::OciSpec> spec = hook::ParseOciSpec(*doc);
  if (!spec.ok()) return Finish(request, Deny(StatusText(spec.status())));
  if (Annotation(*spec, hook::kAnnotationContainerType) == "sandbox") {
    return Finish(request, DecideSandbox(request, *spec));
  }
  return Finish(request, DecideContainer(request, *spec));
}

hook::HookReply HookGate::DecideSandbox(const hook::HookRequest& request,
                                        const hook::OciSpec& spec) {
  const auto& allowed = options_.sandbox_commands;
  if (std::find(allowed.begin(), allowed.end(), spec.process.args) == allowed.end()) {
    std::string args;
    for (const std::string& a : spec.process.args) args += (args.empty() ? "" : " ") + a;
    return Deny(StrCat("pod sandbox runs \"", args, "\", not a configured sandbox command"));
  }
  manifest::RuntimePolicy sandbox;
  sandbox.host_network = sandbox.host_pid = sandbox.host_ipc = true;
  sandbox.run_as_non_root = false;
  // containerd gives the pause process the default capabilities, NET_RAW included; it runs
  // nothing that could use them, and the app containers get their own sets checked.
  sandbox.add_capabilities = {"NET_RAW"};
  hook::RuntimeCheckContext ctx{"", request.container_id, options_.roots};
  std::vector<std::string> v = hook::CheckRuntimePolicy(spec, request.facts, sandbox, ctx);
  if (!v.empty()) return Deny(StrCat("pod sandbox: ", JoinViolations(v)));
  {
    std::lock_guard lock(mu_);
    sandboxes_.insert(request.container_id);
  }
  return {true, "pod sandbox", "", 0};
}

hook::HookReply HookGate::DecideContainer(const hook::HookRequest& request,
                                          const hook::OciSpec& spec) {
  std::optional<admission::Admission> a = admissions_->Lookup(request.container_id);
  if (!a) {
    return Deny(StrCat("no admission record for container ", request.container_id,
                       " (the NRI plugin did not admit it: absent, down, or it refused)"));
  }
  std::string ns = Annotation(spec, hook::kAnnotationSandboxNamespace);
  if (!ns.empty() && ns != a->pod_namespace) {
    return Deny(
        StrCat("spec names pod namespace ", ns, " but the admission is for ", a->pod_namespace),
        a->identity);
  }
  std::shared_ptr<const manifest::PolicyBundle> bundle = policy_->Current();
  const manifest::BundleIdentity* identity = nullptr;
  int64_t generation = 0;
  if (a->bundle_generation == 0) {
    for (const manifest::BundleIdentity& b : *bootstrap_) {
      if (b.ref == a->identity) identity = &b;
    }
    if (identity == nullptr) {
      return Deny(StrCat("admitted by the bootstrap allow-list as ", a->identity,
                         ", which the allow-list no longer holds"),
                  a->identity);
    }
  } else {
    if (bundle == nullptr) return Deny("admitted under a policy bundle but none is enforced");
    generation = bundle->generation;
    for (const manifest::BundleIdentity& b : bundle->identities) {
      if (b.ref == a->identity) identity = &b;
    }
    if (identity == nullptr) {
      return Deny(StrCat("identity ", a->identity, " is not in the enforced policy (generation ",
                         generation, ")"),
                  a->identity, generation);
    }
  }
  hook::RuntimeCheckContext ctx{a->pod_uid, Annotation(spec, hook::kAnnotationSandboxId),
                                options_.roots};
  std::vector<std::string> v =
      hook::CheckRuntimePolicy(spec, request.facts, identity->runtime, ctx);
  std::vector<std::string> pins = hook::CheckPinnedProcess(spec.process, a->image, *identity);
  v.insert(v.end(), pins.begin(), pins.end());
  if (!v.empty()) {
    return Deny(StrCat("runtime policy of identity ", a->identity, ": ", JoinViolations(v)),
                a->identity, generation);
  }
  return {true,
          StrCat("admitted as ", a->identity,
                 generation ? StrCat(" (policy generation ", generation, ")")
                            : std::string(" (bootstrap allow-list)")),
          a->identity, generation};
}

hook::HookReply HookGate::Finish(const hook::HookRequest& request, hook::HookReply reply) {
  metrics_->Inc("c8s_agent_hook_decisions_total", {{"decision", reply.allow ? "allow" : "deny"}});
  if (reply.allow) {
    log::Info("container allowed", {{"container", request.container_id},
                                    {"identity", reply.identity},
                                    {"reason", reply.reason}});
  } else {
    log::Warn("container refused", {{"container", request.container_id},
                                    {"identity", reply.identity},
                                    {"reason", reply.reason}});
  }
  return reply;
}

bool HookGate::IsAllowedSandbox(const std::string& container_id) const {
  std::lock_guard lock(mu_);
  return sandboxes_.count(container_id) > 0;
}

void HookGate::ForgetSandbox(const std::string& container_id) {
  std::lock_guard lock(mu_);
  sandboxes_.erase(container_id);
}

}  // namespace c8s::agent
