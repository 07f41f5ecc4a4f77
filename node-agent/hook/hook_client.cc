#include "node-agent/hook/hook_client.h"

#include "absl/time/clock.h"
#include "lib/base/fd.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/base/unix_socket.h"
#include "node-agent/hook/hook_protocol.h"
#include "node-agent/hook/oci_json.h"
#include "node-agent/hook/oci_spec.h"
#include "node-agent/hook/oci_state.h"

namespace c8s::hook {
namespace {

absl::StatusOr<HookReply> Ask(const HookRequest& request, const HookOptions& o) {
  absl::Time deadline = absl::Now() + o.timeout;
  ASSIGN_OR_RETURN(UniqueFd fd, ConnectUnixSocket(o.socket));
  RETURN_IF_ERROR(Annotate(WriteFrame(fd.get(), ToJson(request).dump(), deadline), "request"));
  ASSIGN_OR_RETURN(std::string reply,
                   Annotate(ReadFrame(fd.get(), kMaxReplyBytes, deadline), "reply"));
  return ParseHookReply(reply);
}

HookOutcome Refuse(std::string_view container, std::string_view why) {
  return {false, StrCat("c8s-oci-hook: container ", container.empty() ? "(unknown)" : container,
                        " refused: ", why)};
}

}  // namespace

HookOutcome RunOciHook(std::string_view state_json, const HookOptions& o) {
  absl::StatusOr<OciState> state = ParseOciState(state_json);
  if (!state.ok()) return Refuse("", StatusText(state.status()));
  std::string config_path = StrCat(state->bundle, "/config.json");
  absl::StatusOr<std::string> config = ReadFile(config_path, kMaxOciJsonBytes);
  if (!config.ok()) return Refuse(state->id, StatusText(config.status()));
  absl::StatusOr<nlohmann::json> doc = ParseOciJson(*config, "config.json");
  if (!doc.ok()) return Refuse(state->id, StatusText(doc.status()));
  absl::StatusOr<OciSpec> spec = ParseOciSpec(*doc);
  if (!spec.ok()) return Refuse(state->id, StatusText(spec.status()));

  HookRequest request{state->id, state->bundle, *std::move(config), GatherHostFacts(*spec, {})};
  absl::StatusOr<HookReply> reply = Ask(request, o);
  if (!reply.ok()) {
    return Refuse(state->id, StrCat("node agent unreachable at ", o.socket,
                                    " (fail closed): ", StatusText(reply.status())));
  }
  if (!reply->allow) return Refuse(state->id, reply->reason);
  return {true, StrCat("c8s-oci-hook: container ", state->id, " allowed: ", reply->reason)};
}

}  // namespace c8s::hook
