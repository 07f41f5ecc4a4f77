// The part of NRI's api.proto (nri.pkg.api.v1alpha1, NRI v0.8.0) that the image-policy plugin and
// the test driver exchange, as plain structs with hand-written protobuf codecs
// (../shared/notes/nri-protocol.md §4 has the field numbers). Fields the plugin does not act on
// (mounts, hooks, linux resources, ...) are skipped when decoding, as unknown fields are.
//
//   ASSIGN_OR_RETURN(CreateContainerRequest req, DecodeCreateContainerRequest(payload));
//   std::string reply = EncodeConfigureResponse({.events = EventMask(Event::kCreateContainer)});
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace c8s::nri {

inline constexpr std::string_view kPluginService = "nri.pkg.api.v1alpha1.Plugin";
inline constexpr std::string_view kRuntimeService = "nri.pkg.api.v1alpha1.Runtime";
// The only image identifier containerd 2.0 puts into NRI (note §7).
inline constexpr std::string_view kImageNameAnnotation = "io.kubernetes.cri.image-name";

enum class Event : int32_t {
  kUnknown = 0,
  kRunPodSandbox = 1,
  kStopPodSandbox = 2,
  kRemovePodSandbox = 3,
  kCreateContainer = 4,
  kPostCreateContainer = 5,
  kStartContainer = 6,
  kPostStartContainer = 7,
  kUpdateContainer = 8,
  kPostUpdateContainer = 9,
  kStopContainer = 10,
  kRemoveContainer = 11,
};
// The subscription bit of an event is 1 << (event - 1) (note §4.4).
constexpr int32_t EventMask(Event e) { return int32_t{1} << (static_cast<int32_t>(e) - 1); }
// Bits v0.8.0 accepts in ConfigureResponse.events (0x7FF); anything else makes it drop us.
inline constexpr int32_t kValidEventsV080 = 0x7ff;

struct RegisterPluginRequest {
  std::string plugin_name;
  std::string plugin_idx;
  bool operator==(const RegisterPluginRequest&) const = default;
};

struct ConfigureRequest {
  std::string config;
  std::string runtime_name;
  std::string runtime_version;
  int64_t registration_timeout_ms = 0;
  int64_t request_timeout_ms = 0;
  bool operator==(const ConfigureRequest&) const = default;
};

struct ConfigureResponse {
  int32_t events = 0;
  bool operator==(const ConfigureResponse&) const = default;
};

using StringMap = std::map<std::string, std::string>;

// Not decoded (the plugin never reads them, and skipping them keeps CreateContainer cheap):
// pod annotations (field 6; they can be large, e.g. kubectl's last-applied-configuration),
// container labels (field 5; they include the image's own LABELs, which the image author
// controls), and container annotations other than the CRI's own `io.kubernetes.cri.*`.
struct PodSandbox {
  std::string id, name, uid, namespace_name;
  StringMap labels;
  std::string runtime_handler;
  uint32_t pid = 0;
  bool operator==(const PodSandbox&) const = default;
};

inline constexpr std::string_view kCriAnnotationPrefix = "io.kubernetes.cri.";

struct Container {
  std::string id, pod_sandbox_id, name;
  int32_t state = 0;
  StringMap annotations;  // io.kubernetes.cri.* only
  std::vector<std::string> args, env;
  uint32_t pid = 0;
  bool operator==(const Container&) const = default;
};

struct SynchronizeRequest {
  std::vector<PodSandbox> pods;
  std::vector<Container> containers;
  bool more = false;
  bool operator==(const SynchronizeRequest&) const = default;
};

// The plugin never returns updates; only `more` is echoed (note §5.3).
struct SynchronizeResponse {
  bool more = false;
  bool operator==(const SynchronizeResponse&) const = default;
};

// CreateContainerRequest, StopContainerRequest and UpdateContainerRequest all start with
// {1 pod, 2 container}.
struct PodContainerRequest {
  PodSandbox pod;
  Container container;
  bool operator==(const PodContainerRequest&) const = default;
};

struct StateChangeEvent {
  Event event = Event::kUnknown;
  PodSandbox pod;
  std::optional<Container> container;
  bool operator==(const StateChangeEvent&) const = default;
};

std::string EncodeRegisterPluginRequest(const RegisterPluginRequest& r);
absl::StatusOr<RegisterPluginRequest> DecodeRegisterPluginRequest(std::string_view data);
std::string EncodeConfigureRequest(const ConfigureRequest& r);
absl::StatusOr<ConfigureRequest> DecodeConfigureRequest(std::string_view data);
std::string EncodeConfigureResponse(const ConfigureResponse& r);
absl::StatusOr<ConfigureResponse> DecodeConfigureResponse(std::string_view data);
std::string EncodeSynchronizeRequest(const SynchronizeRequest& r);
absl::StatusOr<SynchronizeRequest> DecodeSynchronizeRequest(std::string_view data);
std::string EncodeSynchronizeResponse(const SynchronizeResponse& r);
absl::StatusOr<SynchronizeResponse> DecodeSynchronizeResponse(std::string_view data);
std::string EncodePodContainerRequest(const PodContainerRequest& r);
absl::StatusOr<PodContainerRequest> DecodePodContainerRequest(std::string_view data);
std::string EncodeStateChangeEvent(const StateChangeEvent& r);
absl::StatusOr<StateChangeEvent> DecodeStateChangeEvent(std::string_view data);

std::string EncodePodSandbox(const PodSandbox& pod);
absl::StatusOr<PodSandbox> DecodePodSandbox(std::string_view data);
std::string EncodeContainer(const Container& container);
absl::StatusOr<Container> DecodeContainer(std::string_view data);

}  // namespace c8s::nri
