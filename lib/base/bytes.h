// Byte strings and their text encodings.
//
// Binary data in c8s is `Bytes` (owning) or `ByteSpan` (a view). Text encodings are explicit:
//   Bytes digest = ...;
//   std::string hex = HexEncode(digest);                  // lowercase, no 0x
//   ASSIGN_OR_RETURN(Bytes raw, HexDecode(hex));
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace c8s {

using Bytes = std::vector<uint8_t>;
using ByteSpan = std::span<const uint8_t>;

inline ByteSpan AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline std::string_view AsChars(ByteSpan b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}
inline Bytes ToBytes(std::string_view s) { return Bytes(s.begin(), s.end()); }
inline std::string ToString(ByteSpan b) { return std::string(AsChars(b)); }

// Appends `tail` to `out`; used to build length-prefixed and concatenated messages.
inline void Append(Bytes& out, ByteSpan tail) { out.insert(out.end(), tail.begin(), tail.end()); }
inline void Append(Bytes& out, std::string_view tail) { Append(out, AsBytes(tail)); }

std::string HexEncode(ByteSpan data);
// Accepts upper- and lowercase digits; rejects odd lengths and non-hex characters.
absl::StatusOr<Bytes> HexDecode(std::string_view hex);

// Standard alphabet with padding (RFC 4648 §4).
std::string Base64Encode(ByteSpan data);
// Strict: standard alphabet, padding required, no whitespace.
absl::StatusOr<Bytes> Base64Decode(std::string_view text);
// URL-safe alphabet without padding (RFC 4648 §5), as used in JOSE-style tokens.
std::string Base64UrlEncode(ByteSpan data);
absl::StatusOr<Bytes> Base64UrlDecode(std::string_view text);

// Constant-time comparison for MACs and secrets.
bool ConstantTimeEquals(ByteSpan a, ByteSpan b);

}  // namespace c8s
