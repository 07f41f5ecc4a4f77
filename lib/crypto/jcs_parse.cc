// ParseStrictJson: a small recursive-descent parser producing nlohmann::json.
//
// nlohmann's own parser silently keeps the last of duplicate keys and accepts integers beyond
// 2^53; for signed documents both are ambiguities an attacker can exploit (two verifiers
// reading different values), so every check here fails closed with the byte offset.
#include <charconv>
#include <cmath>
#include <cstdio>

#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/jcs.h"
#include "lib/crypto/jcs_internal.h"

namespace c8s::crypto {
namespace {

using jcs_internal::AppendUtf8;
using jcs_internal::DecodeUtf8;
using jcs_internal::QuoteForError;
using json = nlohmann::json;

constexpr uint64_t kMaxSafeInteger = uint64_t{1} << 53;

class Parser {
 public:
  Parser(std::string_view text, int max_depth) : s_(text), max_depth_(max_depth) {}

  absl::StatusOr<json> Run() {
    SkipWhitespace();
    json out;
    RETURN_IF_ERROR(Value(1, out));
    SkipWhitespace();
    if (pos_ != s_.size()) return Fail(pos_, StrCat("trailing content ", Describe(pos_)));
    return out;
  }

 private:
  absl::Status Fail(size_t at, std::string_view what) const {
    return absl::InvalidArgumentError(StrCat("json: ", what, " at byte ", at));
  }

  // Names the byte at `at` for error messages: 'x' for printable ASCII, else its hex value.
  std::string Describe(size_t at) const {
    if (at >= s_.size()) return "end of input";
    const auto c = static_cast<uint8_t>(s_[at]);
    char buf[16];
    if (c >= 0x20 && c < 0x7F) {
      std::snprintf(buf, sizeof(buf), "'%c'", c);
    } else {
      std::snprintf(buf, sizeof(buf), "byte 0x%02x", c);
    }
    return buf;
  }

  void SkipWhitespace() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) {
      ++pos_;
    }
  }

  absl::Status Value(int depth, json& out) {
    if (pos_ >= s_.size()) return Fail(pos_, "unexpected end of input, expected a value");
    const char c = s_[pos_];
    if (c == '{' || c == '[') {
      if (depth > max_depth_) {
        return Fail(pos_, StrCat("nesting deeper than the maximum depth ", max_depth_));
      }
      return c == '{' ? Object(depth, out) : Array(depth, out);
    }
    if (c == '"') {
      std::string str;
      RETURN_IF_ERROR(String(str));
      out = std::move(str);
      return absl::OkStatus();
    }
    if (c == '-' || (c >= '0' && c <= '9')) return Number(out);
    if (Literal("true")) return out = true, absl::OkStatus();
    if (Literal("false")) return out = false, absl::OkStatus();
    if (Literal("null")) return out = nullptr, absl::OkStatus();
    return Fail(pos_, StrCat("unexpected ", Describe(pos_), ", expected a value"));
  }

  bool Literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  absl::Status Object(int depth, json& out) {
    out = json::object();
    ++pos_;  // '{'
    SkipWhitespace();
    if (pos_ < s_.size() && s_[pos_] == '}') return ++pos_, absl::OkStatus();
    while (true) {
      if (pos_ >= s_.size() || s_[pos_] != '"') {
        return Fail(pos_, StrCat("unexpected ", Describe(pos_), ", expected an object key"));
      }
      const size_t key_at = pos_;
      std::string key;
      RETURN_IF_ERROR(String(key));
      if (out.contains(key)) {
        return Fail(key_at, StrCat("duplicate object key ", QuoteForError(key)));
      }
      SkipWhitespace();
      if (pos_ >= s_.size() || s_[pos_] != ':') {
        return Fail(pos_, StrCat("unexpected ", Describe(pos_), ", expected ':'"));
      }
      ++pos_;
      SkipWhitespace();
      json member;
      RETURN_IF_ERROR(Value(depth + 1, member));
      out[key] = std::move(member);
      SkipWhitespace();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
        SkipWhitespace();
        continue;
      }
      if (pos_ < s_.size() && s_[pos_] == '}') return ++pos_, absl::OkStatus();
      return Fail(pos_, StrCat("unexpected ", Describe(pos_), ", expected ',' or '}'"));
    }
  }

  absl::Status Array(int depth, json& out) {
    out = json::array();
    ++pos_;  // '['
    SkipWhitespace();
    if (pos_ < s_.size() && s_[pos_] == ']') return ++pos_, absl::OkStatus();
    while (true) {
      json element;
      RETURN_IF_ERROR(Value(depth + 1, element));
      out.push_back(std::move(element));
      SkipWhitespace();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
        SkipWhitespace();
        continue;
      }
      if (pos_ < s_.size() && s_[pos_] == ']') return ++pos_, absl::OkStatus();
      return Fail(pos_, StrCat("unexpected ", Describe(pos_), ", expected ',' or ']'"));
    }
  }

  // Four hex digits after "\u" at pos_; -1 if malformed.
  int32_t Hex4() {
    if (s_.size() - pos_ < 4) return -1;
    int32_t v = 0;
    for (size_t k = 0; k < 4; ++k) {
      const char c = s_[pos_ + k];
      int d;
      if (c >= '0' && c <= '9') {
        d = c - '0';
      } else if (c >= 'a' && c <= 'f') {
        d = c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        d = c - 'A' + 10;
      } else {
        return -1;
      }
      v = v * 16 + d;
    }
    pos_ += 4;
    return v;
  }

  absl::Status Escape(std::string& out) {
    const size_t at = pos_;
    ++pos_;  // '\'
    if (pos_ >= s_.size()) return Fail(at, "unterminated escape sequence");
    const char c = s_[pos_++];
    switch (c) {
      case '"': out.push_back('"'); return absl::OkStatus();
      case '\\': out.push_back('\\'); return absl::OkStatus();
      case '/': out.push_back('/'); return absl::OkStatus();
      case 'b': out.push_back('\b'); return absl::OkStatus();
      case 'f': out.push_back('\f'); return absl::OkStatus();
      case 'n': out.push_back('\n'); return absl::OkStatus();
      case 'r': out.push_back('\r'); return absl::OkStatus();
      case 't': out.push_back('\t'); return absl::OkStatus();
      case 'u': break;
      default: return Fail(at, StrCat("invalid escape sequence ", Describe(at + 1)));
    }
    const int32_t unit = Hex4();
    if (unit < 0) return Fail(at, "invalid \\u escape (expected 4 hex digits)");
    char shown[16];
    std::snprintf(shown, sizeof(shown), "%04x", static_cast<unsigned>(unit));
    if (unit >= 0xDC00 && unit <= 0xDFFF) {
      return Fail(at, StrCat("lone surrogate \\u", shown, " (low surrogate without high)"));
    }
    if (unit < 0xD800 || unit > 0xDBFF) {
      AppendUtf8(out, static_cast<uint32_t>(unit));
      return absl::OkStatus();
    }
    int32_t low = -1;
    if (s_.substr(pos_, 2) == "\\u") {
      pos_ += 2;
      low = Hex4();
    }
    if (low < 0xDC00 || low > 0xDFFF) {
      return Fail(at, StrCat("lone surrogate \\u", shown, " (high surrogate not followed by a "
                                                          "low surrogate)"));
    }
    const uint32_t cp = 0x10000 + ((static_cast<uint32_t>(unit) - 0xD800) << 10) +
                        (static_cast<uint32_t>(low) - 0xDC00);
    AppendUtf8(out, cp);
    return absl::OkStatus();
  }

  absl::Status String(std::string& out) {
    const size_t start = pos_;
    ++pos_;  // '"'
    while (true) {
      if (pos_ >= s_.size()) return Fail(start, "unterminated string");
      const auto c = static_cast<uint8_t>(s_[pos_]);
      if (c == '"') return ++pos_, absl::OkStatus();
      if (c == '\\') {
        RETURN_IF_ERROR(Escape(out));
      } else if (c < 0x20) {
        char buf[64];
        std::snprintf(buf, sizeof(buf), "unescaped control character 0x%02x in string", c);
        return Fail(pos_, buf);
      } else if (c < 0x80) {
        out.push_back(static_cast<char>(c));
        ++pos_;
      } else {
        const size_t at = pos_;
        if (DecodeUtf8(s_, pos_) < 0) return Fail(at, "invalid UTF-8 in string");
        out.append(s_.substr(at, pos_ - at));
      }
    }
  }

  absl::Status Number(json& out) {
    const size_t start = pos_;
    auto digits = [&] {
      const size_t from = pos_;
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
      return pos_ - from;
    };
    const bool negative = s_[pos_] == '-';
    if (negative) ++pos_;
    const size_t int_start = pos_;
    const size_t int_digits = digits();
    if (int_digits == 0) return Fail(start, "invalid number: expected a digit");
    if (int_digits > 1 && s_[int_start] == '0') return Fail(start, "invalid number: leading zero");
    bool integral = true;
    if (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      integral = false;
      if (digits() == 0) return Fail(start, "invalid number: expected a digit after '.'");
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      integral = false;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (digits() == 0) return Fail(start, "invalid number: expected a digit in the exponent");
    }
    const std::string_view token = s_.substr(start, pos_ - start);
    const std::string shown(token.substr(0, 40).data(), token.size() > 40 ? 40 : token.size());
    const std::string ellipsis = token.size() > 40 ? "..." : "";
    if (integral) {
      // 2^53 has 16 digits; anything longer is out of range without parsing it.
      uint64_t magnitude = kMaxSafeInteger + 1;
      if (int_digits <= 16) {
        std::from_chars(s_.data() + int_start, s_.data() + pos_, magnitude);
      }
      if (magnitude > kMaxSafeInteger) {
        return Fail(start, StrCat("integer ", shown, ellipsis, " exceeds 2^53"));
      }
      if (negative && magnitude != 0) {
        out = -static_cast<int64_t>(magnitude);
      } else {
        out = magnitude;  // unsigned, as nlohmann's own parser stores non-negative integers
      }
      return absl::OkStatus();
    }
    double value = 0;
    const auto result = std::from_chars(token.data(), token.data() + token.size(), value);
    if (result.ec != std::errc() || result.ptr != token.data() + token.size() ||
        !std::isfinite(value)) {
      return Fail(start,
                  StrCat("number ", shown, ellipsis,
                         " is outside the IEEE-754 double range (not finite or underflows)"));
    }
    out = value;
    return absl::OkStatus();
  }

  std::string_view s_;
  int max_depth_;
  size_t pos_ = 0;
};

}  // namespace

absl::StatusOr<nlohmann::json> ParseStrictJson(std::string_view text, int max_depth) {
  return Parser(text, max_depth).Run();
}

}  // namespace c8s::crypto
