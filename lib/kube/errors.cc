#include "lib/kube/errors.h"

#include <cstdlib>

#include "absl/strings/cord.h"
#include "lib/base/strings.h"
#include "nlohmann/json.hpp"

namespace c8s::kube {
namespace {

constexpr char kPayload[] = "type.c8s.dev/kube.Status";

absl::StatusCode CodeFor(int http, const std::string& reason) {
  switch (http) {
    case 400:
    case 422:
      return absl::StatusCode::kInvalidArgument;
    case 401:
      return absl::StatusCode::kUnauthenticated;
    case 403:
      return absl::StatusCode::kPermissionDenied;
    case 404:
      return absl::StatusCode::kNotFound;
    case 409:
      return reason == "AlreadyExists" ? absl::StatusCode::kAlreadyExists
                                       : absl::StatusCode::kAborted;
    case 410:
      return absl::StatusCode::kOutOfRange;
    case 429:
      return absl::StatusCode::kResourceExhausted;
    case 500:
      return absl::StatusCode::kInternal;
    default:
      return http >= 500 ? absl::StatusCode::kUnavailable : absl::StatusCode::kUnknown;
  }
}

nlohmann::json Payload(const absl::Status& s) {
  auto p = s.GetPayload(kPayload);  // absl::optional in Debian abseil
  if (!p) return nlohmann::json();
  return nlohmann::json::parse(std::string(*p), nullptr, false);
}

}  // namespace

absl::Status HttpError(int http_code, const std::string& body, const std::string& retry_after) {
  nlohmann::json status = nlohmann::json::parse(body, nullptr, false);
  std::string reason, message;
  if (status.is_object() && status.value("kind", "") == "Status") {
    reason = status.value("reason", "");
    message = status.value("message", "");
  } else {
    message = body.substr(0, 200);
  }
  absl::Status s(CodeFor(http_code, reason),
                 StrCat("kube API ", http_code, " ", reason, ": ", message));
  nlohmann::json payload = {{"code", http_code}, {"reason", reason}};
  if (!retry_after.empty()) payload["retryAfterSeconds"] = std::atoll(retry_after.c_str());
  std::string text = payload.dump();
  s.SetPayload(kPayload, absl::Cord(absl::string_view(text.data(), text.size())));
  return s;
}

int HttpCode(const absl::Status& s) {
  nlohmann::json p = Payload(s);
  return p.is_object() ? p.value("code", 0) : 0;
}

std::string Reason(const absl::Status& s) {
  nlohmann::json p = Payload(s);
  return p.is_object() ? p.value("reason", "") : "";
}

bool IsNotFound(const absl::Status& s) { return HttpCode(s) == 404; }
bool IsAlreadyExists(const absl::Status& s) {
  return HttpCode(s) == 409 && Reason(s) == "AlreadyExists";
}
bool IsConflict(const absl::Status& s) {
  return HttpCode(s) == 409 && Reason(s) != "AlreadyExists";
}
bool IsGone(const absl::Status& s) { return HttpCode(s) == 410; }
bool IsInvalid(const absl::Status& s) { return HttpCode(s) == 422; }
bool IsTooManyRequests(const absl::Status& s) { return HttpCode(s) == 429; }

absl::Duration RetryAfter(const absl::Status& s) {
  nlohmann::json p = Payload(s);
  if (!p.is_object()) return absl::ZeroDuration();
  return absl::Seconds(p.value("retryAfterSeconds", 0));
}

}  // namespace c8s::kube
