// The local protocol between `c8s-oci-hook` and the node agent (a unix socket only root can
// open): one request, one reply, each a 4-byte big-endian length and a JSON object.
//
//   hook -> agent  {"containerId": "...", "bundle": "/run/...", "config": "<config.json text>",
//                   "facts": {...host_facts.h...}}
//   agent -> hook  {"allow": false, "reason": "mount /x: host path /etc is not allowed ...",
//                   "identity": "shop/api", "generation": 7}
//
//   RETURN_IF_ERROR(WriteFrame(fd, ToJson(request).dump(), deadline));
//   ASSIGN_OR_RETURN(std::string reply, ReadFrame(fd, kMaxReplyBytes, deadline));
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "node-agent/hook/host_facts.h"

namespace c8s::hook {

inline constexpr size_t kMaxRequestBytes = 8 << 20;
inline constexpr size_t kMaxReplyBytes = 64 << 10;

struct HookRequest {
  std::string container_id;
  std::string bundle;
  std::string config_json;  // config.json exactly as read from the bundle
  HostFacts facts;
};

struct HookReply {
  bool allow = false;
  std::string reason;    // why not (or, when allowed, what admitted it)
  std::string identity;  // the admitted identity, when known
  int64_t generation = 0;
};

nlohmann::json ToJson(const HookRequest& r);
absl::StatusOr<HookRequest> ParseHookRequest(std::string_view text);
nlohmann::json ToJson(const HookReply& r);
absl::StatusOr<HookReply> ParseHookReply(std::string_view text);

// Whole frames with a deadline (poll + non-blocking I/O on `fd`); a short frame, a frame above
// `max_bytes` or the deadline passing is an error naming which.
absl::Status WriteFrame(int fd, std::string_view payload, absl::Time deadline);
absl::StatusOr<std::string> ReadFrame(int fd, size_t max_bytes, absl::Time deadline);

}  // namespace c8s::hook
