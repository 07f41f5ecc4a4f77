// CanonicalJson: RFC 8785 serialization of an nlohmann::json value.
#include "lib/crypto/jcs.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <utility>
#include <vector>

#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/jcs_internal.h"

namespace c8s::crypto {
namespace {

using json = nlohmann::json;
using jcs_internal::DecodeUtf8;
using jcs_internal::QuoteForError;

constexpr uint64_t kMaxSafeInteger = uint64_t{1} << 53;
// Values built in code (not parsed) have no depth limit; this one keeps recursion bounded.
constexpr int kMaxCanonicalDepth = 1000;

// §3.2.2.2: only '"', '\' and C0 controls are escaped; everything else is copied as UTF-8.
absl::Status AppendString(std::string_view s, std::string& out) {
  out.push_back('"');
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<uint8_t>(s[i]);
    if (c >= 0x80) {
      const size_t at = i;
      if (DecodeUtf8(s, i) < 0) {
        return absl::InvalidArgumentError(
            StrCat("canonical json: invalid UTF-8 at byte ", at, " of string ", QuoteForError(s)));
      }
      out.append(s.substr(at, i - at));
      continue;
    }
    ++i;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\f': out += "\\f"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
  return absl::OkStatus();
}

// Object keys sort by their UTF-16 code units (§3.2.3), which differs from UTF-8 byte order
// for characters above U+FFFF (surrogates D800-DFFF sort below U+E000-U+FFFF).
absl::StatusOr<std::u16string> Utf16(std::string_view s) {
  std::u16string out;
  for (size_t i = 0; i < s.size();) {
    const int32_t cp = DecodeUtf8(s, i);
    if (cp < 0) {
      return absl::InvalidArgumentError(
          StrCat("canonical json: invalid UTF-8 in object key ", QuoteForError(s)));
    }
    if (cp >= 0x10000) {
      out.push_back(static_cast<char16_t>(0xD800 + ((cp - 0x10000) >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + ((cp - 0x10000) & 0x3FF)));
    } else {
      out.push_back(static_cast<char16_t>(cp));
    }
  }
  return out;
}

absl::Status Append(const json& v, std::string& out, int depth) {
  if (depth > kMaxCanonicalDepth) {
    return absl::InvalidArgumentError(
        StrCat("canonical json: nesting deeper than ", kMaxCanonicalDepth));
  }
  switch (v.type()) {
    case json::value_t::null: out += "null"; return absl::OkStatus();
    case json::value_t::boolean: out += v.get<bool>() ? "true" : "false"; return absl::OkStatus();
    case json::value_t::string: return AppendString(v.get_ref<const std::string&>(), out);
    case json::value_t::number_unsigned: {
      const uint64_t n = v.get<uint64_t>();
      if (n > kMaxSafeInteger) {
        return absl::InvalidArgumentError(StrCat("canonical json: integer ", n, " exceeds 2^53"));
      }
      out += std::to_string(n);
      return absl::OkStatus();
    }
    case json::value_t::number_integer: {
      const int64_t n = v.get<int64_t>();
      const uint64_t magnitude = n < 0 ? uint64_t{0} - static_cast<uint64_t>(n) : n;
      if (magnitude > kMaxSafeInteger) {
        return absl::InvalidArgumentError(StrCat("canonical json: integer ", n, " exceeds 2^53"));
      }
      out += std::to_string(n);
      return absl::OkStatus();
    }
    case json::value_t::number_float: {
      const double d = v.get<double>();
      if (!std::isfinite(d)) {
        return absl::InvalidArgumentError(
            StrCat("canonical json: ", std::isnan(d) ? "NaN" : "Infinity",
                   " has no JSON representation (RFC 8785 §3.2.2.3)"));
      }
      // Doubles in (2^53, 1e21) print as plain integers (e.g. 1e20 -> "100000000000000000000")
      // that no I-JSON reader, ParseStrictJson included, accepts back; refuse them so that every
      // canonical form re-parses to itself.
      if (std::fabs(d) > static_cast<double>(kMaxSafeInteger) && std::fabs(d) < 1e21) {
        return absl::InvalidArgumentError(StrCat("canonical json: number ",
                                                 FormatEcmaScriptNumber(d),
                                                 " is an integer that exceeds 2^53"));
      }
      out += FormatEcmaScriptNumber(d);
      return absl::OkStatus();
    }
    case json::value_t::array: {
      out.push_back('[');
      bool first = true;
      for (const json& element : v) {
        if (!first) out.push_back(',');
        first = false;
        RETURN_IF_ERROR(Append(element, out, depth + 1));
      }
      out.push_back(']');
      return absl::OkStatus();
    }
    case json::value_t::object: {
      std::vector<std::pair<std::u16string, json::const_iterator>> members;
      members.reserve(v.size());
      for (auto it = v.begin(); it != v.end(); ++it) {
        ASSIGN_OR_RETURN(std::u16string key, Utf16(it.key()));
        members.emplace_back(std::move(key), it);
      }
      std::sort(members.begin(), members.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      out.push_back('{');
      bool first = true;
      for (const auto& [unused, it] : members) {
        if (!first) out.push_back(',');
        first = false;
        RETURN_IF_ERROR(AppendString(it.key(), out));
        out.push_back(':');
        RETURN_IF_ERROR(Append(it.value(), out, depth + 1));
      }
      out.push_back('}');
      return absl::OkStatus();
    }
    case json::value_t::binary:
      return absl::InvalidArgumentError("canonical json: binary values have no JSON form");
    case json::value_t::discarded:
      break;
  }
  return absl::InvalidArgumentError("canonical json: discarded value");
}

}  // namespace

// ECMAScript Number::toString (ECMA-262 §7.1.12.1, as RFC 8785 §3.2.2.3 requires). The
// shortest round-trip digits come from std::to_chars, which, like ECMAScript, picks the
// candidate closest to the exact value when several shortest digit strings round-trip.
std::string FormatEcmaScriptNumber(double value) {
  if (value == 0 || !std::isfinite(value)) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value < 0 ? "-Infinity" : "Infinity";
    return "0";  // both +0 and -0
  }
  std::string out;
  if (value < 0) {
    out.push_back('-');
    value = -value;
  }
  char buf[64];
  const auto result = std::to_chars(buf, buf + sizeof(buf), value, std::chars_format::scientific);
  const std::string_view sci(buf, result.ptr - buf);  // "d[.ddd]e[+-]XX"
  const size_t e_at = sci.find('e');
  std::string digits(1, sci[0]);
  if (e_at > 1) digits.append(sci.substr(2, e_at - 2));
  int exponent = 0;
  std::from_chars(sci.data() + e_at + (sci[e_at + 1] == '+' ? 2 : 1), sci.data() + sci.size(),
                  exponent);
  const int k = static_cast<int>(digits.size());
  const int n = exponent + 1;  // value = 0.digits * 10^n
  if (k <= n && n <= 21) {
    out += digits;
    out.append(n - k, '0');
  } else if (0 < n && n <= 21) {
    out += digits.substr(0, n);
    out.push_back('.');
    out += digits.substr(n);
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(-n, '0');
    out += digits;
  } else {
    out.push_back(digits[0]);
    if (k > 1) {
      out.push_back('.');
      out += digits.substr(1);
    }
    out.push_back('e');
    out.push_back(n - 1 < 0 ? '-' : '+');
    out += std::to_string(n - 1 < 0 ? 1 - n : n - 1);
  }
  return out;
}

absl::StatusOr<std::string> CanonicalJson(const nlohmann::json& value) {
  std::string out;
  RETURN_IF_ERROR(Append(value, out, 0));
  return out;
}

}  // namespace c8s::crypto
