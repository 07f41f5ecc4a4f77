#include <cstdio>

#include "lib/crypto/jcs_internal.h"

namespace c8s::crypto::jcs_internal {

int32_t DecodeUtf8(std::string_view s, size_t& i) {
  if (i >= s.size()) return -1;
  const auto b0 = static_cast<uint8_t>(s[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  size_t len;
  uint32_t cp;
  uint32_t min;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return -1;  // continuation byte or 0xF8..0xFF as a lead byte
  }
  if (s.size() - i < len) return -1;
  for (size_t k = 1; k < len; ++k) {
    const auto b = static_cast<uint8_t>(s[i + k]);
    if ((b & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (b & 0x3F);
  }
  // Overlong forms would give one character two encodings; surrogates are not characters.
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
  i += len;
  return static_cast<int32_t>(cp);
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string QuoteForError(std::string_view text, size_t max_bytes) {
  std::string out = "\"";
  const size_t n = text.size() < max_bytes ? text.size() : max_bytes;
  const std::string_view shown = text.substr(0, n);
  for (size_t i = 0; i < n;) {
    const auto c = static_cast<uint8_t>(text[i]);
    size_t next = i;
    if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
      out.push_back(static_cast<char>(c));
      ++i;
    } else if (c >= 0x80 && DecodeUtf8(shown, next) >= 0xA0) {
      out.append(text.substr(i, next - i));  // printable non-ASCII stays readable
      i = next;
    } else {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
      ++i;
    }
  }
  out += '"';
  if (n < text.size()) out += "...";
  return out;
}

}  // namespace c8s::crypto::jcs_internal
