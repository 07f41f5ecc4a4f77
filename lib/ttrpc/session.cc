#include "lib/ttrpc/session.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "lib/base/strings.h"

namespace c8s::ttrpc {

class Session::ConnWriter : public FrameWriter {
 public:
  ConnWriter(Session* session, uint32_t conn_id) : session_(session), conn_id_(conn_id) {}
  absl::Status WriteFrame(uint32_t stream_id, MessageType type, uint8_t flags,
                          std::string_view data) override {
    return session_->Send(conn_id_, stream_id, type, flags, data);
  }

 private:
  Session* session_;
  uint32_t conn_id_;
};

Session::Session(UniqueFd fd, Framing framing) : fd_(std::move(fd)), framing_(framing) {}

Session::~Session() {
  Close();
  if (reader_.joinable()) reader_.join();
}

void Session::Attach(uint32_t conn_id, FrameHandler* handler) {
  conns_[framing_ == Framing::kPlain ? 0 : conn_id].handler = handler;
}

FrameWriter* Session::writer(uint32_t conn_id) {
  auto& w = writers_[conn_id];
  if (!w) w = std::make_unique<ConnWriter>(this, conn_id);
  return w.get();
}

void Session::Start() {
  reader_ = std::thread([this] { ReadLoop(); });
}

void Session::Close() {
  if (closing_.exchange(true)) return;
  // shutdown() wakes the blocked read(); the fd itself is closed by the destructor, after the
  // reader has stopped using it.
  if (fd_.valid()) ::shutdown(fd_.get(), SHUT_RDWR);
  if (!reader_.joinable()) Finish(absl::CancelledError("session closed before it started"));
}

absl::Status Session::Wait() {
  std::unique_lock lock(state_mu_);
  done_cv_.wait(lock, [this] { return done_.load(); });
  return reason_;
}

bool Session::WaitFor(absl::Duration timeout) {
  std::unique_lock lock(state_mu_);
  return done_cv_.wait_for(lock, absl::ToChronoNanoseconds(timeout),
                           [this] { return done_.load(); });
}

SessionStats Session::stats() const {
  return {frames_in_.load(), frames_dropped_.load(), bytes_in_.load()};
}

absl::Status Session::WriteRaw(std::string_view bytes) {
  std::lock_guard lock(write_mu_);
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("ttrpc: send", errno);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

absl::Status Session::Send(uint32_t conn_id, uint32_t stream_id, MessageType type, uint8_t flags,
                           std::string_view data) {
  if (data.size() > kMaxFrameData) {
    return absl::ResourceExhaustedError(
        StrCat("ttrpc: message of ", data.size(), " bytes exceeds the maximum of ", kMaxFrameData));
  }
  if (finishing_.load()) return absl::UnavailableError("ttrpc: connection closed");
  thread_local std::string frame, wire;
  frame.clear();
  AppendFrame(frame, stream_id, type, flags, data);
  if (framing_ == Framing::kPlain) return WriteRaw(frame);
  wire.clear();
  AppendMuxFrames(wire, conn_id, frame);
  return WriteRaw(wire);
}

void Session::DeliverToConn(Conn& conn, std::string_view bytes) {
  conn.decoder.Feed(bytes);
  while (std::optional<Frame> f = conn.decoder.Next()) {
    frames_in_.fetch_add(1, std::memory_order_relaxed);
    conn.handler->OnFrame(std::move(*f));
  }
}

absl::Status Session::Deliver(std::string_view bytes) {
  if (framing_ == Framing::kPlain) {
    auto it = conns_.find(0);
    if (it != conns_.end() && it->second.handler != nullptr) DeliverToConn(it->second, bytes);
    return absl::OkStatus();
  }
  mux_.Feed(bytes);
  while (true) {
    absl::StatusOr<std::optional<MuxFrame>> next = mux_.Next();
    if (!next.ok()) return next.status();
    if (!next->has_value()) return absl::OkStatus();
    MuxFrame& f = **next;
    auto it = conns_.find(f.conn_id);
    if (it == conns_.end() || it->second.handler == nullptr) {
      frames_dropped_.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    DeliverToConn(it->second, f.payload);
  }
}

void Session::ReadLoop() {
  std::string buf(64 * 1024, '\0');
  absl::Status reason;
  while (true) {
    ssize_t n = ::read(fd_.get(), buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      if (closing_) {
        reason = absl::CancelledError("ttrpc: session closed locally");
      } else if (errno == ECONNRESET) {
        reason = absl::UnavailableError("ttrpc: peer closed the connection (reset)");
      } else {
        reason = ErrnoStatus("ttrpc: read", errno);
      }
      break;
    }
    if (n == 0) {
      reason = closing_ ? absl::CancelledError("ttrpc: session closed locally")
                        : absl::UnavailableError("ttrpc: peer closed the connection");
      break;
    }
    bytes_in_.fetch_add(static_cast<uint64_t>(n), std::memory_order_relaxed);
    if (absl::Status st = Deliver(std::string_view(buf.data(), static_cast<size_t>(n))); !st.ok()) {
      reason = st;
      ::shutdown(fd_.get(), SHUT_RDWR);
      break;
    }
  }
  Finish(reason);
}

void Session::Finish(absl::Status reason) {
  if (finishing_.exchange(true)) return;
  {
    std::lock_guard lock(state_mu_);
    reason_ = reason;
  }
  for (auto& [id, conn] : conns_) {
    if (conn.handler != nullptr) conn.handler->OnClosed(reason);
  }
  {
    // Waiters return only after every handler has been told.
    std::lock_guard lock(state_mu_);
    done_.store(true);
  }
  done_cv_.notify_all();
}

}  // namespace c8s::ttrpc
