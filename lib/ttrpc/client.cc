#include "lib/ttrpc/client.h"

#include "lib/base/strings.h"

namespace c8s::ttrpc {

absl::StatusOr<std::string> Client::Call(std::string_view service, std::string_view method,
                                         std::string_view payload, absl::Duration timeout) {
  Request request{std::string(service), std::string(method), std::string(payload), 0, {}};
  if (timeout != absl::InfiniteDuration()) request.timeout_nano = absl::ToInt64Nanoseconds(timeout);
  std::string data = EncodeRequest(request);
  uint32_t stream_id;
  {
    std::lock_guard lock(mu_);
    if (closed_) {
      return absl::UnavailableError(StrCat("ttrpc: connection closed: ", StatusText(*closed_)));
    }
    stream_id = next_stream_id_;
    next_stream_id_ += 2;
    pending_[stream_id];
  }
  if (absl::Status st = writer_->WriteFrame(stream_id, MessageType::kRequest, 0, data); !st.ok()) {
    std::lock_guard lock(mu_);
    pending_.erase(stream_id);
    return st;
  }
  std::unique_lock lock(mu_);
  auto ready = [&] { return pending_[stream_id].has_value(); };
  if (timeout == absl::InfiniteDuration()) {
    cv_.wait(lock, ready);
  } else if (!cv_.wait_for(lock, absl::ToChronoNanoseconds(timeout), ready)) {
    pending_.erase(stream_id);
    return absl::DeadlineExceededError(StrCat(
        "ttrpc: ", service, "/", method, " got no reply within ", absl::FormatDuration(timeout)));
  }
  absl::StatusOr<std::string> result = std::move(*pending_[stream_id]);
  pending_.erase(stream_id);
  return result;
}

void Client::OnFrame(Frame frame) {
  const FrameHeader& h = frame.header;
  if (h.type != static_cast<uint8_t>(MessageType::kResponse)) return;
  absl::StatusOr<std::string> result;
  if (frame.oversized) {
    result = absl::ResourceExhaustedError(
        StrCat("message length ", h.length, " exceed maximum message size of ", kMaxFrameData));
  } else {
    absl::StatusOr<Response> response = DecodeResponse(frame.data);
    if (!response.ok()) {
      result = absl::InternalError(
          StrCat("ttrpc: undecodable response: ", StatusText(response.status())));
    } else if (absl::Status st = StatusFromRpc(response->status); !st.ok()) {
      result = st;
    } else {
      result = std::move(response->payload);
    }
  }
  {
    std::lock_guard lock(mu_);
    auto it = pending_.find(h.stream_id);
    if (it == pending_.end() || it->second.has_value()) {
      ++dropped_;
      return;
    }
    it->second = std::move(result);
  }
  cv_.notify_all();
}

void Client::OnClosed(const absl::Status& reason) {
  {
    std::lock_guard lock(mu_);
    closed_ = reason;
    for (auto& [id, slot] : pending_) {
      if (!slot.has_value()) {
        slot = absl::UnavailableError(StrCat("ttrpc: connection closed: ", StatusText(reason)));
      }
    }
  }
  cv_.notify_all();
}

uint64_t Client::dropped_replies() const {
  std::lock_guard lock(mu_);
  return dropped_;
}

}  // namespace c8s::ttrpc
