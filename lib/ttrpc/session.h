// One socket carrying ttrpc: either plain (one ttrpc connection, as containerd/ttrpc speaks it)
// or NRI-multiplexed (several logical connections, nri-protocol.md §2). A reader thread
// reassembles frames per logical connection and hands them to the attached FrameHandler (a
// ttrpc Server or Client); writers send whole frames under one lock, so frames of different
// messages and connections never interleave on the socket.
//
//   Session session(std::move(fd), Framing::kNriMux);
//   Server plugin(session.writer(kPluginServiceConn));
//   Client runtime(session.writer(kRuntimeServiceConn));
//   session.Attach(kPluginServiceConn, &plugin);
//   session.Attach(kRuntimeServiceConn, &runtime);
//   session.Start();
//   absl::Status why = session.Wait();   // peer closed, protocol error or Close()
//
// Handlers run on the reader thread: a handler must not wait for a Client call on the same
// session (the reply could never be read). Handlers must outlive the reader: call Close() and
// then Wait() before destroying them.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "lib/base/fd.h"
#include "lib/ttrpc/frame.h"
#include "lib/ttrpc/mux.h"

namespace c8s::ttrpc {

// What a server or client on one logical connection receives. Called on the reader thread.
class FrameHandler {
 public:
  virtual ~FrameHandler() = default;
  virtual void OnFrame(Frame frame) = 0;
  // The socket is gone; no more frames will come.
  virtual void OnClosed(const absl::Status& reason) = 0;
};

// How a server or client sends: one whole ttrpc frame, atomically.
class FrameWriter {
 public:
  virtual ~FrameWriter() = default;
  virtual absl::Status WriteFrame(uint32_t stream_id, MessageType type, uint8_t flags,
                                  std::string_view data) = 0;
};

enum class Framing { kPlain, kNriMux };

// Counters for tests and metrics.
struct SessionStats {
  uint64_t frames_in = 0;
  uint64_t frames_dropped = 0;  // mux frames for connections nobody attached
  uint64_t bytes_in = 0;
};

class Session {
 public:
  // With kPlain, everything goes to the handler attached to conn id 0.
  Session(UniqueFd fd, Framing framing);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Before Start(). The handler must outlive the session's reader (Close()/destructor).
  void Attach(uint32_t conn_id, FrameHandler* handler);
  FrameWriter* writer(uint32_t conn_id);
  void Start();
  // Shuts the socket down (the peer sees EOF), ends the reader and tells every handler.
  void Close();
  // Until the reader ended; returns why (peer EOF, read error, protocol error, local close).
  absl::Status Wait();
  bool WaitFor(absl::Duration timeout);
  bool closed() const { return done_.load(); }
  SessionStats stats() const;

  // Raw bytes onto the socket under the write lock (the NRI test driver sends malformed input).
  absl::Status WriteRaw(std::string_view bytes);

 private:
  class ConnWriter;
  struct Conn {
    FrameHandler* handler = nullptr;
    FrameDecoder decoder;
  };

  void ReadLoop();
  absl::Status Deliver(std::string_view bytes);
  void DeliverToConn(Conn& conn, std::string_view bytes);
  absl::Status Send(uint32_t conn_id, uint32_t stream_id, MessageType type, uint8_t flags,
                    std::string_view data);
  void Finish(absl::Status reason);

  UniqueFd fd_;
  const Framing framing_;
  std::map<uint32_t, Conn> conns_;
  std::map<uint32_t, std::unique_ptr<ConnWriter>> writers_;
  MuxDecoder mux_;
  std::mutex write_mu_;
  std::thread reader_;
  std::atomic<bool> closing_{false};
  std::atomic<bool> finishing_{false};
  std::atomic<bool> done_{false};
  mutable std::mutex state_mu_;
  std::condition_variable done_cv_;
  absl::Status reason_;
  std::atomic<uint64_t> frames_in_{0}, frames_dropped_{0}, bytes_in_{0};
};

}  // namespace c8s::ttrpc
