// The pinned-args/env checks of a decision and the wording of its refusals (internal to
// decision.cc; table-tested in decision_test.cc).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "lib/manifest/model.h"
#include "node-agent/admission/decision.h"

namespace c8s::admission::internal {

// True for variables the kubelet or containerd add to every container: HOSTNAME, KUBERNETES_*,
// and service links (<SVC>_SERVICE_HOST, <SVC>_SERVICE_PORT[_<NAME>], <SVC>_PORT[_<N>_<PROTO>
// [_PROTO|_PORT|_ADDR]]), with SVC in [A-Z0-9_].
bool IsRuntimeInjectedEnv(std::string_view name);

// OK when `container` pins nothing or the request matches its pins; else PERMISSION_DENIED
// naming the first difference.
absl::Status CheckPins(const ContainerRequest& request, const manifest::Container& pinned,
                       const std::string& identity);

// "a=b, c=d" (sorted), for refusals.
std::string DescribeLabels(const std::map<std::string, std::string>& labels);
// ["a", "b"]
std::string DescribeList(const std::vector<std::string>& items);

}  // namespace c8s::admission::internal
