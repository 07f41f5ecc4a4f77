// Client::Watch (client.h): one watch request, its chunked body split into JSON lines.
#include <httplib.h>

#include "lib/base/strings.h"
#include "lib/kube/client.h"
#include "lib/kube/errors.h"

namespace c8s::kube {

void WatchCanceller::Cancel() {
  std::lock_guard<std::mutex> lock(mu_);
  cancelled_ = true;
  if (active_ != nullptr) active_->stop();  // shuts the socket down: the blocked read returns
}

bool WatchCanceller::cancelled() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cancelled_;
}

bool WatchCanceller::Attach(httplib::SSLClient* client) {
  std::lock_guard<std::mutex> lock(mu_);
  if (cancelled_) return false;
  active_ = client;
  return true;
}

void WatchCanceller::Detach() {
  std::lock_guard<std::mutex> lock(mu_);
  active_ = nullptr;
}

absl::Status Client::Watch(const Resource& r, const std::string& ns, const WatchOptions& o,
                           const std::function<bool(const WatchEvent&)>& on_event) {
  absl::StatusOr<std::string> token = config_.BearerToken();
  if (!token.ok()) return token.status();
  std::string path =
      Path(r, ns) + "?watch=true&timeoutSeconds=" + std::to_string(o.timeout_seconds);
  if (o.bookmarks) path += "&allowWatchBookmarks=true";
  if (!o.resource_version.empty()) {
    path += "&resourceVersion=" + httplib::detail::encode_query_param(o.resource_version);
  }
  if (!o.label_selector.empty()) {
    path += "&labelSelector=" + httplib::detail::encode_query_param(o.label_selector);
  }
  if (!o.field_selector.empty()) {
    path += "&fieldSelector=" + httplib::detail::encode_query_param(o.field_selector);
  }
  httplib::Headers headers = {{"Accept", "application/json"}, {"User-Agent", "c8s-kube/0.1"}};
  if (!token->empty()) headers.emplace("Authorization", "Bearer " + *token);
  absl::StatusOr<std::unique_ptr<httplib::SSLClient>> http = Connect(/*reuse=*/false);
  if (!http.ok()) return http.status();
  (*http)->set_read_timeout(o.timeout_seconds + 30, 0);
  (*http)->set_keep_alive(false);  // the stream ends with the connection

  std::string buffer;
  absl::Status result = absl::OkStatus();
  int http_code = 0;
  std::string error_body;
  bool stopped = false;
  auto receiver = [&](const char* data, size_t len) {
    if (o.cancel != nullptr && o.cancel->load()) {
      stopped = true;
      return false;
    }
    if (http_code != 200) {
      error_body.append(data, len);
      return error_body.size() < (1 << 20);
    }
    buffer.append(data, len);
    size_t nl;
    while ((nl = buffer.find('\n')) != std::string::npos) {
      std::string line = buffer.substr(0, nl);
      buffer.erase(0, nl + 1);
      if (line.empty()) continue;
      json ev = json::parse(line, nullptr, false);
      if (!ev.is_object() || !ev.contains("type") || !ev["type"].is_string()) {
        result = absl::DataLossError("watch: malformed event line");
        return false;
      }
      WatchEvent event{ev["type"].get<std::string>(), ev.value("object", json())};
      if (event.type == "ERROR") {
        int code = event.object.is_object() ? event.object.value("code", 500) : 500;
        result = HttpError(code, event.object.dump(), "");
        return false;
      }
      if (!on_event(event)) {
        stopped = true;
        return false;
      }
    }
    return true;
  };
  auto on_response = [&](const httplib::Response& response) {
    http_code = response.status;
    return true;
  };
  if (o.canceller != nullptr && !o.canceller->Attach(http->get())) return absl::OkStatus();
  httplib::Result res = (*http)->Get(path, headers, on_response, receiver);
  if (o.canceller != nullptr) {
    o.canceller->Detach();
    if (o.canceller->cancelled()) return absl::OkStatus();
  }
  if (!result.ok()) return result;
  if (stopped) return absl::OkStatus();
  if (http_code != 0 && http_code != 200) {
    return HttpError(http_code, error_body, res ? res->get_header_value("Retry-After") : "");
  }
  if (!res) {
    return absl::UnavailableError(
        StrCat("watch ", Path(r, ns), ": ", httplib::to_string(res.error())));
  }
  return absl::OkStatus();
}

}  // namespace c8s::kube
