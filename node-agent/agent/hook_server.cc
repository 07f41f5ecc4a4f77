#include "node-agent/agent/hook_server.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "absl/time/clock.h"
#include "lib/base/log.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/base/unix_socket.h"

namespace c8s::agent {

absl::StatusOr<std::unique_ptr<HookServer>> HookServer::Start(const std::string& path,
                                                              HookGate* gate, int workers) {
  ASSIGN_OR_RETURN(UniqueFd listener, ListenUnixSocket(path, 0600));
  // Non-blocking: every worker wakes for one connection, and those that lose the race to
  // accept() must go back to poll() rather than block where Stop() cannot reach them.
  int flags = ::fcntl(listener.get(), F_GETFL);
  if (flags < 0 || ::fcntl(listener.get(), F_SETFL, flags | O_NONBLOCK) != 0) {
    return ErrnoStatus("fcntl(O_NONBLOCK) on the hook socket", errno);
  }
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) return ErrnoStatus("pipe2", errno);
  std::unique_ptr<HookServer> s(
      new HookServer(gate, std::move(listener), UniqueFd(pipe_fds[0]), UniqueFd(pipe_fds[1])));
  for (int i = 0; i < workers; ++i) s->threads_.emplace_back([p = s.get()] { p->Serve(); });
  log::Info("hook socket listening", {{"path", path}});
  return s;
}

HookServer::~HookServer() { Stop(); }

void HookServer::Stop() {
  if (stopping_.exchange(true)) return;
  (void)::write(wake_write_.get(), "x", 1);
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

// Every worker polls the listener; the kernel hands each connection to one accept().
void HookServer::Serve() {
  while (!stopping_) {
    struct pollfd fds[2] = {{listener_.get(), POLLIN, 0}, {wake_read_.get(), POLLIN, 0}};
    int n = ::poll(fds, 2, -1);
    if (n < 0 && errno == EINTR) continue;
    if (stopping_ || (fds[1].revents & POLLIN)) return;
    int c = ::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (c < 0) continue;  // another worker took it, or the peer went away
    Handle(UniqueFd(c));
  }
}

void HookServer::Handle(UniqueFd conn) {
  absl::Time deadline = absl::Now() + absl::Seconds(5);
  absl::StatusOr<std::string> text = hook::ReadFrame(conn.get(), hook::kMaxRequestBytes, deadline);
  hook::HookReply reply;
  if (!text.ok()) {
    log::Warn("hook request unreadable", {{"error", StatusText(text.status())}});
    reply.reason = StrCat("request unreadable: ", StatusText(text.status()));
  } else if (absl::StatusOr<hook::HookRequest> req = hook::ParseHookRequest(*text); !req.ok()) {
    reply.reason = StrCat("malformed request: ", StatusText(req.status()));
    log::Warn("hook request malformed", {{"error", reply.reason}});
  } else {
    reply = gate_->Decide(*req);
  }
  absl::Status st = hook::WriteFrame(conn.get(), hook::ToJson(reply).dump(), deadline);
  if (!st.ok()) log::Warn("hook reply not delivered", {{"error", StatusText(st)}});
}

}  // namespace c8s::agent
