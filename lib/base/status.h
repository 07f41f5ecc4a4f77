// Status helpers shared by every c8s library.
//
// c8s uses absl::Status / absl::StatusOr<T> for every fallible operation. These macros keep
// call sites short:
//   RETURN_IF_ERROR(store.Write(blob));
//   ASSIGN_OR_RETURN(Certificate cert, Certificate::FromPem(pem));
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define C8S_STATUS_CONCAT_INNER(a, b) a##b
#define C8S_STATUS_CONCAT(a, b) C8S_STATUS_CONCAT_INNER(a, b)

#define RETURN_IF_ERROR(expr)                                \
  do {                                                       \
    if (::absl::Status c8s_status_ = (expr); !c8s_status_.ok()) \
      return c8s_status_;                                    \
  } while (0)

#define C8S_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return std::move(tmp).status();  \
  lhs = std::move(tmp).value()

#define ASSIGN_OR_RETURN(lhs, expr) \
  C8S_ASSIGN_OR_RETURN_IMPL(C8S_STATUS_CONCAT(c8s_statusor_, __LINE__), lhs, expr)

namespace c8s {

// Returns `status` with `context: ` put in front of its message, keeping its code. Used to say
// where in a multi-step check an error arose ("vcek chain: signature ...").
absl::Status Annotate(const absl::Status& status, std::string_view context);

template <typename T>
absl::StatusOr<T> Annotate(absl::StatusOr<T> result, std::string_view context) {
  if (result.ok()) return result;
  return Annotate(result.status(), context);
}

}  // namespace c8s
