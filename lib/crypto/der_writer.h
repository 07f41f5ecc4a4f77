// A DER encoder for the structures c8s signs itself (the certificates the CDS issues, c8s
// claim values): each value appended as tag, minimal definite length and contents.
//
//   DerWriter w;
//   size_t seq = w.Begin(kDerSequence);
//   w.Integer(serial);
//   w.Utf8(name);
//   w.End(seq);
//   Bytes der = w.Take();
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "absl/time/time.h"
#include "lib/base/bytes.h"
#include "lib/crypto/der.h"

namespace c8s::crypto {

inline constexpr uint8_t kDerBoolean = 0x01;
inline constexpr uint8_t kDerOctetString = 0x04;
inline constexpr uint8_t kDerUtf8String = 0x0c;
inline constexpr uint8_t kDerIa5String = 0x16;
inline constexpr uint8_t kDerUtcTime = 0x17;
inline constexpr uint8_t kDerGeneralizedTime = 0x18;

class DerWriter {
 public:
  // `reserve`: the expected size, so that a certificate is written without reallocation.
  explicit DerWriter(size_t reserve = 128) { out_.reserve(reserve); }

  // Opens a constructed value; End() writes its length once the contents are known.
  size_t Begin(uint8_t tag);
  void End(size_t mark);

  void Tlv(uint8_t tag, ByteSpan contents);
  void Tlv(uint8_t tag, std::string_view contents) { Tlv(tag, AsBytes(contents)); }
  void Raw(ByteSpan encoded) { out_.insert(out_.end(), encoded.begin(), encoded.end()); }
  void Boolean(bool value);
  // A non-negative INTEGER from its big-endian magnitude (leading zeros dropped, a zero
  // octet added when the top bit is set).
  void UnsignedInteger(ByteSpan magnitude);
  void Integer(int64_t value);
  void BitString(ByteSpan bytes, uint8_t unused_bits = 0);
  // RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050, whole seconds in UTC.
  void Time(absl::Time t);

  const Bytes& bytes() const { return out_; }
  Bytes Take() { return std::move(out_); }

 private:
  Bytes out_;
};

// The DER of one TLV with `contents`, as a value to place elsewhere.
Bytes DerTlvOf(uint8_t tag, ByteSpan contents);

}  // namespace c8s::crypto
