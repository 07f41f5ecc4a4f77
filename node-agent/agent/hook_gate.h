// The decision behind `c8s-oci-hook`: a container may be created only when the NRI plugin
// recorded an admission for it and its full OCI spec satisfies the admitted identity's runtime
// policy (and pinned command line / environment) in the policy enforced now. Pod sandboxes
// (pause containers, which NRI does not admit) pass only as sandboxes: the configured pause
// command, the default runtime policy, host namespaces allowed (the app containers that join
// them are checked on their own).
//
//   HookGate gate(&admissions, &policy, &bootstrap.entries, {}, &metrics);
//   hook::HookReply reply = gate.Decide(request);
#pragma once

#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "lib/base/metrics.h"
#include "lib/manifest/bundle.h"
#include "node-agent/admission/admission_store.h"
#include "node-agent/hook/hook_protocol.h"
#include "node-agent/hook/runtime_check.h"

namespace c8s::agent {

struct HookGateOptions {
  hook::VolumeRoots roots;
  // Command lines a pod sandbox may run (containerd's pause image).
  std::vector<std::vector<std::string>> sandbox_commands = {{"/pause"}};
};

class HookGate {
 public:
  HookGate(const admission::AdmissionStore* admissions, const admission::PolicyView* policy,
           const std::vector<manifest::BundleIdentity>* bootstrap, HookGateOptions options,
           Metrics* metrics)
      : admissions_(admissions),
        policy_(policy),
        bootstrap_(bootstrap),
        options_(std::move(options)),
        metrics_(metrics) {}

  hook::HookReply Decide(const hook::HookRequest& request);

  // Sandboxes the gate let through (they have no NRI admission; the task-event detector asks).
  bool IsAllowedSandbox(const std::string& container_id) const;
  void ForgetSandbox(const std::string& container_id);

 private:
  hook::HookReply DecideSandbox(const hook::HookRequest& request, const hook::OciSpec& spec);
  hook::HookReply DecideContainer(const hook::HookRequest& request, const hook::OciSpec& spec);
  hook::HookReply Finish(const hook::HookRequest& request, hook::HookReply reply);

  const admission::AdmissionStore* admissions_;
  const admission::PolicyView* policy_;
  const std::vector<manifest::BundleIdentity>* bootstrap_;
  HookGateOptions options_;
  Metrics* metrics_;
  mutable std::mutex mu_;
  std::set<std::string> sandboxes_;
};

}  // namespace c8s::agent
