#include "test/nri/runtime_driver.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/ttrpc/frame.h"
#include "lib/ttrpc/message.h"

namespace c8s::nri::testing {

ConfigureRequest DefaultConfigure() { return {"", "containerd", "v2.0.5", 5000, 2000}; }

absl::Status RawPeer::Write(std::string_view bytes) { return WriteAll(fd_.get(), bytes); }

absl::Status RawPeer::Fill(absl::Duration timeout) {
  pollfd p{fd_.get(), POLLIN, 0};
  int n = ::poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(timeout)));
  if (n < 0) return ErrnoStatus("poll", errno);
  if (n == 0) return absl::DeadlineExceededError("raw peer: nothing to read in time");
  char buf[65536];
  ssize_t got = ::read(fd_.get(), buf, sizeof buf);
  if (got < 0) return ErrnoStatus("read", errno);
  if (got == 0) return absl::UnavailableError("raw peer: the plugin closed the socket");
  mux_.Feed(std::string_view(buf, static_cast<size_t>(got)));
  return absl::OkStatus();
}

absl::StatusOr<ttrpc::MuxFrame> RawPeer::ReadMuxFrame(absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (true) {
    ASSIGN_OR_RETURN(std::optional<ttrpc::MuxFrame> f, mux_.Next());
    if (f) return *std::move(f);
    RETURN_IF_ERROR(Fill(std::max(deadline - absl::Now(), absl::ZeroDuration())));
  }
}

absl::StatusOr<std::string> RawPeer::ReadMuxFrameBytes(absl::Duration timeout) {
  ASSIGN_OR_RETURN(ttrpc::MuxFrame f, ReadMuxFrame(timeout));
  std::string out;
  ttrpc::AppendMuxFrames(out, f.conn_id, f.payload);
  return out;
}

absl::Status RawPeer::ExpectClosed(absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (true) {
    absl::Status st = Fill(std::max(deadline - absl::Now(), absl::ZeroDuration()));
    if (absl::IsUnavailable(st)) return absl::OkStatus();
    if (!st.ok()) return st;
  }
}

std::string PluginRequestFrame(uint32_t stream_id, std::string_view method,
                               std::string_view payload, int64_t timeout_nano) {
  ttrpc::Request r{
      std::string(kPluginService), std::string(method), std::string(payload), timeout_nano, {}};
  std::string frame, wire;
  ttrpc::AppendFrame(frame, stream_id, ttrpc::MessageType::kRequest, 0, ttrpc::EncodeRequest(r));
  ttrpc::AppendMuxFrames(wire, ttrpc::kPluginServiceConn, frame);
  return wire;
}

RuntimeDriver::RuntimeDriver(UniqueFd fd, absl::Status registration_reply)
    : session_(std::move(fd), ttrpc::Framing::kNriMux),
      runtime_server_(session_.writer(ttrpc::kRuntimeServiceConn)),
      plugin_client_(session_.writer(ttrpc::kPluginServiceConn)),
      registration_reply_(std::move(registration_reply)) {
  runtime_server_.Register(std::string(kRuntimeService), "RegisterPlugin",
                           [this](const ttrpc::Request& r) -> absl::StatusOr<std::string> {
                             ASSIGN_OR_RETURN(RegisterPluginRequest req,
                                              DecodeRegisterPluginRequest(r.payload));
                             std::lock_guard lock(mu_);
                             registrations_.push_back(req);
                             cv_.notify_all();
                             if (!registration_reply_.ok()) return registration_reply_;
                             return std::string();
                           });
  session_.Attach(ttrpc::kRuntimeServiceConn, &runtime_server_);
  session_.Attach(ttrpc::kPluginServiceConn, &plugin_client_);
  session_.Start();
}

RuntimeDriver::~RuntimeDriver() {
  // The reader calls into runtime_server_ and plugin_client_ until Wait() returns; they are
  // destroyed before session_.
  session_.Close();
  (void)session_.Wait();
}

absl::StatusOr<RegisterPluginRequest> RuntimeDriver::AwaitRegistration(absl::Duration timeout) {
  std::unique_lock lock(mu_);
  if (!cv_.wait_for(lock, absl::ToChronoNanoseconds(timeout),
                    [this] { return !registrations_.empty(); })) {
    return absl::DeadlineExceededError("driver: no RegisterPlugin in time");
  }
  RegisterPluginRequest r = registrations_.front();
  registrations_.pop_front();
  return r;
}

absl::StatusOr<std::string> RuntimeDriver::Call(std::string_view method, std::string_view payload,
                                                absl::Duration timeout) {
  return plugin_client_.Call(kPluginService, method, payload, timeout);
}

absl::StatusOr<ConfigureResponse> RuntimeDriver::Configure(const ConfigureRequest& request) {
  ASSIGN_OR_RETURN(std::string reply, Call("Configure", EncodeConfigureRequest(request)));
  return DecodeConfigureResponse(reply);
}

absl::StatusOr<SynchronizeResponse> RuntimeDriver::Synchronize(const SynchronizeRequest& request) {
  ASSIGN_OR_RETURN(std::string reply, Call("Synchronize", EncodeSynchronizeRequest(request)));
  return DecodeSynchronizeResponse(reply);
}

absl::Status RuntimeDriver::CreateContainer(const PodSandbox& pod, const Container& container) {
  absl::StatusOr<std::string> reply =
      Call("CreateContainer", EncodePodContainerRequest({pod, container}));
  if (!reply.ok()) return reply.status();
  if (!reply->empty()) {
    return absl::InternalError("driver: CreateContainer reply carries an adjustment");
  }
  return absl::OkStatus();
}

absl::Status RuntimeDriver::StopContainer(const PodSandbox& pod, const Container& container) {
  return Call("StopContainer", EncodePodContainerRequest({pod, container})).status();
}

absl::Status RuntimeDriver::RemoveContainer(const PodSandbox& pod, const Container& container) {
  StateChangeEvent ev{Event::kRemoveContainer, pod, container};
  return Call("StateChange", EncodeStateChangeEvent(ev)).status();
}

}  // namespace c8s::nri::testing
