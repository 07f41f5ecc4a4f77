#include "lib/crypto/der.h"

#include "lib/base/strings.h"

namespace c8s::crypto {

absl::StatusOr<DerTlv> NextDerTlv(ByteSpan& in, std::string_view what) {
  if (in.size() < 2) return absl::InvalidArgumentError(StrCat(what, ": truncated DER"));
  if ((in[0] & 0x1f) == 0x1f) {
    return absl::InvalidArgumentError(StrCat(what, ": multi-byte DER tags are not used here"));
  }
  size_t len = in[1];
  size_t header = 2;
  if (len == 0x80) return absl::InvalidArgumentError(StrCat(what, ": indefinite length (BER)"));
  if (len & 0x80) {
    size_t n = len & 0x7f;
    if (n > 4 || in.size() < 2 + n) {
      return absl::InvalidArgumentError(StrCat(what, ": bad DER length"));
    }
    len = 0;
    for (size_t i = 0; i < n; ++i) len = (len << 8) | in[2 + i];
    // DER: the shortest form, so one encoding per value.
    if (len < 0x80 || in[2] == 0) {
      return absl::InvalidArgumentError(StrCat(what, ": DER length not minimally encoded"));
    }
    header += n;
  }
  if (len > in.size() - header) {
    return absl::InvalidArgumentError(StrCat(what, ": DER length past the end"));
  }
  DerTlv t{in[0], in.subspan(header, len), in.subspan(0, header + len)};
  in = in.subspan(header + len);
  return t;
}

std::string DerOidText(ByteSpan oid) {
  std::string out;
  uint64_t v = 0;
  bool first = true;
  for (uint8_t b : oid) {
    v = (v << 7) | (b & 0x7f);
    if (b & 0x80) continue;
    if (first) {
      uint64_t arc = v < 80 ? v / 40 : 2;
      out = StrCat(arc, ".", v - arc * 40);
      first = false;
    } else {
      out += StrCat(".", v);
    }
    v = 0;
  }
  return out;
}

}  // namespace c8s::crypto
