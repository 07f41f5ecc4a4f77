#include "lib/base/bytes.h"

#include <array>

#include "lib/base/strings.h"

namespace c8s {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr char kB64Std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kB64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string B64Encode(ByteSpan data, const char* alphabet, bool pad) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    uint32_t v = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
    out += alphabet[v >> 18];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  size_t rest = data.size() - i;
  if (rest > 0) {
    uint32_t v = data[i] << 16;
    if (rest == 2) v |= data[i + 1] << 8;
    out += alphabet[v >> 18];
    out += alphabet[(v >> 12) & 63];
    if (rest == 2) out += alphabet[(v >> 6) & 63];
    if (pad) out.append(rest == 1 ? "==" : "=");
  }
  return out;
}

absl::StatusOr<Bytes> B64Decode(std::string_view text, const char* alphabet, bool padded) {
  std::array<int, 256> value;
  value.fill(-1);
  for (int k = 0; k < 64; ++k) value[static_cast<uint8_t>(alphabet[k])] = k;
  size_t pad = 0;
  if (padded) {
    if (text.size() % 4 != 0) {
      return absl::InvalidArgumentError(
          StrCat("base64: length ", text.size(), " is not a multiple of 4"));
    }
    while (pad < 2 && text.size() > pad && text[text.size() - 1 - pad] == '=') ++pad;
  } else if (text.size() % 4 == 1) {
    return absl::InvalidArgumentError("base64url: impossible length");
  }
  std::string_view body = text.substr(0, text.size() - pad);
  Bytes out;
  out.reserve(body.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < body.size(); ++i) {
    int v = value[static_cast<uint8_t>(body[i])];
    if (v < 0) {
      return absl::InvalidArgumentError(StrCat("base64: invalid character at offset ", i));
    }
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>(acc >> bits));
    }
  }
  // Leftover bits must be zero, or two encodings would decode to the same bytes.
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) {
    return absl::InvalidArgumentError("base64: non-zero padding bits");
  }
  return out;
}

}  // namespace

std::string HexEncode(ByteSpan data) {
  std::string out(data.size() * 2, '\0');
  for (size_t i = 0; i < data.size(); ++i) {
    out[2 * i] = kHexDigits[data[i] >> 4];
    out[2 * i + 1] = kHexDigits[data[i] & 15];
  }
  return out;
}

absl::StatusOr<Bytes> HexDecode(std::string_view hex) {
  if (hex.size() % 2 != 0) {
    return absl::InvalidArgumentError(StrCat("hex: odd length ", hex.size()));
  }
  Bytes out(hex.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = HexValue(hex[2 * i]);
    int lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      return absl::InvalidArgumentError(StrCat("hex: invalid character at offset ",
                                                     hi < 0 ? 2 * i : 2 * i + 1));
    }
    out[i] = static_cast<uint8_t>((hi << 4) | lo);
  }
  return out;
}

std::string Base64Encode(ByteSpan data) { return B64Encode(data, kB64Std, true); }
absl::StatusOr<Bytes> Base64Decode(std::string_view text) {
  return B64Decode(text, kB64Std, true);
}
std::string Base64UrlEncode(ByteSpan data) { return B64Encode(data, kB64Url, false); }
absl::StatusOr<Bytes> Base64UrlDecode(std::string_view text) {
  return B64Decode(text, kB64Url, false);
}

bool ConstantTimeEquals(ByteSpan a, ByteSpan b) {
  if (a.size() != b.size()) return false;
  uint8_t diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= a[i] ^ b[i];
  return diff == 0;
}

}  // namespace c8s
