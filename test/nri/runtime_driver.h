// The NRI runtime driver: containerd's side of the NRI protocol (nri-protocol.md), so that the
// plugin is tested over a real unix socket without containerd. Two levels:
//  - RawPeer: bytes on the socket, for the note's byte-level vectors, malformed and oversized
//    frames and out-of-order sequences;
//  - RuntimeDriver: containerd's roles on the NRI mux (conn 1: ttrpc client of the Plugin
//    service; conn 2: ttrpc server of the Runtime service answering RegisterPlugin).
//
//   RuntimeDriver driver(std::move(containerd_end));
//   ASSIGN_OR_RETURN(nri::RegisterPluginRequest reg, driver.AwaitRegistration(absl::Seconds(5)));
//   ASSIGN_OR_RETURN(nri::ConfigureResponse cfg, driver.Configure(DefaultConfigure()));
//   absl::Status verdict = driver.CreateContainer(pod, container);   // OK = allowed
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/base/fd.h"
#include "lib/ttrpc/client.h"
#include "lib/ttrpc/mux.h"
#include "lib/ttrpc/server.h"
#include "lib/ttrpc/session.h"
#include "node-agent/nri/api.h"

namespace c8s::nri::testing {

// What containerd 2.0.5 sends in Configure (note §5.2).
ConfigureRequest DefaultConfigure();

class RawPeer {
 public:
  explicit RawPeer(UniqueFd fd) : fd_(std::move(fd)) {}
  absl::Status Write(std::string_view bytes);
  // The next mux frame, whole; DEADLINE_EXCEEDED if none within `timeout`, UNAVAILABLE on EOF.
  absl::StatusOr<ttrpc::MuxFrame> ReadMuxFrame(absl::Duration timeout);
  // The next mux frame re-encoded as the bytes it arrived as (header + payload).
  absl::StatusOr<std::string> ReadMuxFrameBytes(absl::Duration timeout);
  // OK when the peer closes the socket within `timeout`.
  absl::Status ExpectClosed(absl::Duration timeout);
  int fd() const { return fd_.get(); }
  UniqueFd Release() { return std::move(fd_); }

 private:
  absl::Status Fill(absl::Duration timeout);
  UniqueFd fd_;
  ttrpc::MuxDecoder mux_;
};

// A containerd ttrpc Request on conn 1, as a whole mux frame.
std::string PluginRequestFrame(uint32_t stream_id, std::string_view method,
                               std::string_view payload, int64_t timeout_nano = 2'000'000'000);

class RuntimeDriver {
 public:
  // `registration_reply` is what RegisterPlugin gets (set before the session starts, so that
  // the plugin's first call cannot race it).
  explicit RuntimeDriver(UniqueFd fd, absl::Status registration_reply = absl::OkStatus());
  ~RuntimeDriver();

  // Waits for the plugin's RegisterPlugin (answered with `registration_reply`).
  absl::StatusOr<RegisterPluginRequest> AwaitRegistration(absl::Duration timeout);

  absl::StatusOr<ConfigureResponse> Configure(const ConfigureRequest& request);
  absl::StatusOr<SynchronizeResponse> Synchronize(const SynchronizeRequest& request);
  // OK = allowed (an empty CreateContainerResponse), else the plugin's status.
  absl::Status CreateContainer(const PodSandbox& pod, const Container& container);
  absl::Status StopContainer(const PodSandbox& pod, const Container& container);
  absl::Status RemoveContainer(const PodSandbox& pod, const Container& container);
  // Any Plugin-service method with a raw payload.
  absl::StatusOr<std::string> Call(std::string_view method, std::string_view payload,
                                   absl::Duration timeout = absl::Seconds(2));

  ttrpc::Session& session() { return session_; }
  void Close() { session_.Close(); }

 private:
  ttrpc::Session session_;
  ttrpc::Server runtime_server_;
  ttrpc::Client plugin_client_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<RegisterPluginRequest> registrations_;
  absl::Status registration_reply_;
};

}  // namespace c8s::nri::testing
