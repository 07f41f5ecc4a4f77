#include "node-agent/hook/hook_protocol.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "absl/time/clock.h"
#include "lib/base/fd.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "node-agent/hook/oci_json.h"

namespace c8s::hook {
namespace {

absl::Status WaitFor(int fd, short events, absl::Time deadline, std::string_view what) {
  while (true) {
    absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      return absl::DeadlineExceededError(StrCat(what, ": timed out"));
    }
    struct pollfd p {
      fd, events, 0
    };
    int n = ::poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus(what, errno);
    if (n > 0) return absl::OkStatus();
  }
}

absl::Status WriteAllBy(int fd, std::string_view data, absl::Time deadline) {
  while (!data.empty()) {
    RETURN_IF_ERROR(WaitFor(fd, POLLOUT, deadline, "write"));
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) return ErrnoStatus("write", errno);
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

absl::Status ReadExactly(int fd, char* out, size_t len, absl::Time deadline, size_t* got) {
  *got = 0;
  while (*got < len) {
    RETURN_IF_ERROR(WaitFor(fd, POLLIN, deadline, "read"));
    ssize_t n = ::recv(fd, out + *got, len - *got, MSG_DONTWAIT);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) return ErrnoStatus("read", errno);
    if (n == 0)
      return absl::UnavailableError(
          StrCat("connection closed after ", *got, " of ", len, " bytes"));
    *got += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> StringField(const nlohmann::json& j, const char* key, bool required) {
  auto it = j.find(key);
  if (it == j.end()) {
    if (required) return absl::InvalidArgumentError(StrCat(key, ": missing"));
    return std::string();
  }
  if (!it->is_string()) return absl::InvalidArgumentError(StrCat(key, ": must be a string"));
  return it->get<std::string>();
}

}  // namespace

nlohmann::json ToJson(const HookRequest& r) {
  return {{"containerId", r.container_id},
          {"bundle", r.bundle},
          {"config", r.config_json},
          {"facts", ToJson(r.facts)}};
}

absl::StatusOr<HookRequest> ParseHookRequest(std::string_view text) {
  ASSIGN_OR_RETURN(nlohmann::json j, ParseOciJson(text, "hook request"));
  HookRequest r;
  ASSIGN_OR_RETURN(r.container_id, StringField(j, "containerId", true));
  ASSIGN_OR_RETURN(r.bundle, StringField(j, "bundle", true));
  ASSIGN_OR_RETURN(r.config_json, StringField(j, "config", true));
  auto facts = j.find("facts");
  if (facts == j.end()) return absl::InvalidArgumentError("facts: missing");
  ASSIGN_OR_RETURN(r.facts, HostFactsFromJson(*facts));
  return r;
}

nlohmann::json ToJson(const HookReply& r) {
  return {{"allow", r.allow},
          {"reason", r.reason},
          {"identity", r.identity},
          {"generation", r.generation}};
}

absl::StatusOr<HookReply> ParseHookReply(std::string_view text) {
  ASSIGN_OR_RETURN(nlohmann::json j, ParseOciJson(text, "agent reply"));
  HookReply r;
  auto allow = j.find("allow");
  if (allow == j.end() || !allow->is_boolean()) {
    return absl::InvalidArgumentError("agent reply: allow must be a boolean");
  }
  r.allow = allow->get<bool>();
  ASSIGN_OR_RETURN(r.reason, StringField(j, "reason", false));
  ASSIGN_OR_RETURN(r.identity, StringField(j, "identity", false));
  if (auto g = j.find("generation"); g != j.end()) {
    if (!g->is_number_integer()) {
      return absl::InvalidArgumentError("agent reply: generation must be an integer");
    }
    r.generation = g->get<int64_t>();
  }
  return r;
}

absl::Status WriteFrame(int fd, std::string_view payload, absl::Time deadline) {
  if (payload.size() > UINT32_MAX) return absl::InvalidArgumentError("frame too large");
  uint32_t n = static_cast<uint32_t>(payload.size());
  char header[4] = {static_cast<char>(n >> 24), static_cast<char>(n >> 16),
                    static_cast<char>(n >> 8), static_cast<char>(n)};
  RETURN_IF_ERROR(WriteAllBy(fd, std::string_view(header, 4), deadline));
  return WriteAllBy(fd, payload, deadline);
}

absl::StatusOr<std::string> ReadFrame(int fd, size_t max_bytes, absl::Time deadline) {
  unsigned char header[4];
  size_t got = 0;
  RETURN_IF_ERROR(Annotate(ReadExactly(fd, reinterpret_cast<char*>(header), 4, deadline, &got),
                           "frame header"));
  size_t len = (size_t{header[0]} << 24) | (size_t{header[1]} << 16) | (size_t{header[2]} << 8) |
               size_t{header[3]};
  if (len > max_bytes) {
    return absl::InvalidArgumentError(
        StrCat("frame of ", len, " bytes exceeds the limit of ", max_bytes));
  }
  std::string body(len, '\0');
  RETURN_IF_ERROR(Annotate(ReadExactly(fd, body.data(), len, deadline, &got), "frame body"));
  return body;
}

}  // namespace c8s::hook
