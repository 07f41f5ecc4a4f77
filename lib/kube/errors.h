// Typed Kubernetes API errors. A failed request becomes an absl::Status whose code follows the
// HTTP code (404 NotFound, 409 Aborted/AlreadyExists, 410 OutOfRange, 422 InvalidArgument,
// 429 ResourceExhausted) and whose payload keeps the API Status reason and Retry-After.
//
//   absl::StatusOr<json> obj = client.Get(kDeployments, "default", "web");
//   if (kube::IsNotFound(obj.status())) ...;   // qualify: absl::IsNotFound exists too (ADL)
//   if (IsTooManyRequests(st)) sleep(RetryAfter(st));
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace c8s::kube {

// `body` is the response (a Status object when the server sent one); `retry_after` the header.
absl::Status HttpError(int http_code, const std::string& body, const std::string& retry_after);

int HttpCode(const absl::Status& status);        // 0 when not an API error
std::string Reason(const absl::Status& status);  // "NotFound", "Conflict", "Expired", ...
bool IsNotFound(const absl::Status& status);
bool IsAlreadyExists(const absl::Status& status);
bool IsConflict(const absl::Status& status);  // 409 with reason Conflict
bool IsGone(const absl::Status& status);      // 410 (reason Expired or Gone)
bool IsInvalid(const absl::Status& status);   // 422
bool IsTooManyRequests(const absl::Status& status);
// Retry-After of a 429/503 (zero when absent).
absl::Duration RetryAfter(const absl::Status& status);

}  // namespace c8s::kube
