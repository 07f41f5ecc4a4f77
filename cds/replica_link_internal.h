// Internal to cds/: one attested connection between two CDS replicas (replica_link.h).
#pragma once

#include <condition_variable>
#include <deque>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "cds/replica_link.h"
#include "nlohmann/json.hpp"

namespace c8s::cds {

class ReplicaLink : public std::enable_shared_from_this<ReplicaLink> {
 public:
  ReplicaLink(ReplicaManager* manager, std::unique_ptr<crypto::TlsStream> stream, bool dialed,
              std::string address)
      : manager_(manager), stream_(std::move(stream)), dialed_(dialed),
        address_(std::move(address)) {}
  ~ReplicaLink();

  // The connection's life, on its own thread: hellos, the seed if one side needs it, state
  // exchange, then frames until the peer is silent for too long or the link is stopped.
  void Run();
  void Send(nlohmann::json frame);
  // A forwarded write: sends `frame` with a fresh id and waits for its result.
  absl::StatusOr<nlohmann::json> Call(nlohmann::json frame, absl::Duration timeout);
  void Stop();

  const std::string& peer_id() const { return peer_id_; }
  const std::string& address() const { return address_; }
  bool dialed() const { return dialed_; }
  bool peer_open() const { return peer_open_; }
  bool done() const { return done_; }

 private:
  absl::Status Hello();
  absl::Status HandOverSeed(const attest::Claims& peer, const nlohmann::json& hello);
  absl::Status ReceiveSeed();
  absl::Status Handle(const nlohmann::json& frame);
  absl::Status OnState(const nlohmann::json& frame);
  void WriterLoop();
  void SendState();

  ReplicaManager* manager_;
  std::unique_ptr<crypto::TlsStream> stream_;
  bool dialed_;
  std::string address_;
  std::string peer_id_;
  std::atomic<bool> peer_open_{false};
  std::atomic<bool> done_{false};
  crypto::hpke::KeyPair recipient_;  // one-time, while this side is sealed

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<nlohmann::json> out_;
  bool stopping_ = false;
  std::thread writer_;
  uint64_t next_call_ = 1;
  std::map<uint64_t, std::promise<nlohmann::json>> calls_;
};

}  // namespace c8s::cds
