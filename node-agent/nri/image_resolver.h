// Resolving tag references through containerd's own image store (containerd.services.images.v1
// Images/Get on its gRPC socket, namespace k8s.io): the digest of the index or manifest that
// containerd holds under the name, within the caller's deadline. Built only with gRPC
// (grpc_image_resolver.cc); without it the plugin refuses tag references.
//
//   ASSIGN_OR_RETURN(auto resolver, NewContainerdImageResolver("/run/containerd/containerd.sock"));
//   Decider decider(policy, bootstrap, resolver.get());
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "node-agent/admission/decision.h"

namespace c8s::nri {

inline constexpr std::string_view kDefaultContainerdAddress = "/run/containerd/containerd.sock";
inline constexpr std::string_view kCriNamespace = "k8s.io";

absl::StatusOr<std::unique_ptr<admission::ImageResolver>> NewContainerdImageResolver(
    const std::string& socket_path, std::string containerd_namespace = std::string(kCriNamespace));

}  // namespace c8s::nri
