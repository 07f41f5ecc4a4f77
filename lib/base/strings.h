// String building that works with std::string_view.
//
// Debian's abseil is built with its own absl::string_view (ABSL_OPTION_USE_STD_STRING_VIEW=0),
// so absl::StrCat does not take std::string_view. Use c8s::StrCat everywhere instead:
//   std::string msg = StrCat("measurement mismatch: got ", got, ", want one of [", want, "]");
//   std::string text = StatusText(status);   // absl::Status message as std::string
#pragma once

#include <concepts>
#include <string>
#include <string_view>
#include <type_traits>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace c8s {
namespace strings_internal {

inline void AppendPiece(std::string& out, std::string_view s) { out.append(s); }
inline void AppendPiece(std::string& out, const char* s) { out.append(s); }
inline void AppendPiece(std::string& out, const std::string& s) { out.append(s); }
inline void AppendPiece(std::string& out, absl::string_view s) { out.append(s.data(), s.size()); }
inline void AppendPiece(std::string& out, char c) { out.push_back(c); }
inline void AppendPiece(std::string& out, bool b) { out.append(b ? "true" : "false"); }
template <typename T>
  requires(std::is_arithmetic_v<T> && !std::same_as<T, char> && !std::same_as<T, bool>)
void AppendPiece(std::string& out, T v) {
  out.append(std::to_string(v));
}

}  // namespace strings_internal

template <typename... Args>
std::string StrCat(const Args&... args) {
  std::string out;
  (strings_internal::AppendPiece(out, args), ...);
  return out;
}

inline std::string StatusText(const absl::Status& s) { return std::string(s.message()); }
inline std::string_view ToStd(absl::string_view s) { return {s.data(), s.size()}; }

}  // namespace c8s
