#include "lib/ttrpc/server.h"

#include "lib/base/strings.h"

namespace c8s::ttrpc {

void Server::Register(std::string service, std::string method, Handler handler) {
  ++services_[service];
  methods_[{std::move(service), std::move(method)}] = std::move(handler);
}

void Server::Reply(uint32_t stream_id, const absl::StatusOr<std::string>& result) {
  Response response;
  if (result.ok()) {
    response.payload = *result;
  } else {
    response.status = RpcFromStatus(result.status());
  }
  std::string data = EncodeResponse(response);
  if (data.size() > kMaxFrameData) {
    data = EncodeResponse({RpcStatus{static_cast<int32_t>(absl::StatusCode::kResourceExhausted),
                                     StrCat("ttrpc: reply of ", data.size(),
                                            " bytes exceeds the maximum of ", kMaxFrameData)},
                           ""});
  }
  absl::Status st = writer_->WriteFrame(stream_id, MessageType::kResponse, 0, data);
  if (!st.ok()) {
    std::lock_guard lock(mu_);
    write_error_ = st;
  }
}

void Server::OnFrame(Frame frame) {
  const FrameHeader& h = frame.header;
  if (h.type != static_cast<uint8_t>(MessageType::kRequest)) return;  // Go ignores these too
  if (frame.oversized) {
    Reply(h.stream_id,
          absl::ResourceExhaustedError(StrCat("message length ", h.length,
                                              " exceed maximum message size of ", kMaxFrameData)));
    return;
  }
  if (h.stream_id % 2 != 1) {
    Reply(h.stream_id,
          absl::InvalidArgumentError("StreamID must be odd for client initiated streams"));
    return;
  }
  if (h.stream_id <= last_stream_id_) {
    Reply(h.stream_id, absl::InvalidArgumentError("StreamID cannot be re-used and must increment"));
    return;
  }
  last_stream_id_ = h.stream_id;
  absl::StatusOr<Request> request = DecodeRequest(frame.data);
  if (!request.ok()) {
    Reply(h.stream_id, absl::InvalidArgumentError(
                           StrCat("unmarshal request error: ", StatusText(request.status()))));
    return;
  }
  auto it = methods_.find({request->service, request->method});
  if (it == methods_.end()) {
    Reply(h.stream_id, absl::UnimplementedError(services_.count(request->service)
                                                    ? StrCat("method ", request->method)
                                                    : StrCat("service ", request->service)));
    return;
  }
  Reply(h.stream_id, it->second(*request));
}

void Server::OnClosed(const absl::Status&) {}

absl::Status Server::last_write_error() const {
  std::lock_guard lock(mu_);
  return write_error_;
}

}  // namespace c8s::ttrpc
