// A strict reader of DER TLVs for the few structures c8s walks itself (PKCS#10 requests'
// outer layers, SGX extensions): definite lengths only, minimally encoded, within bounds.
//
//   ByteSpan in = der;
//   ASSIGN_OR_RETURN(DerTlv seq, NextDerTlv(in, "certificate request"));
//   if (seq.tag != kDerSequence) ...
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "lib/base/bytes.h"

namespace c8s::crypto {

inline constexpr uint8_t kDerInteger = 0x02;
inline constexpr uint8_t kDerBitString = 0x03;
inline constexpr uint8_t kDerOid = 0x06;
inline constexpr uint8_t kDerSequence = 0x30;
inline constexpr uint8_t kDerSet = 0x31;

struct DerTlv {
  uint8_t tag = 0;
  ByteSpan value;  // the contents
  ByteSpan whole;  // tag, length and contents, as encoded
};

// Takes the next TLV off the front of `in`. Errors name `what`.
absl::StatusOr<DerTlv> NextDerTlv(ByteSpan& in, std::string_view what);

// Dotted text of an OBJECT IDENTIFIER's contents ("1.2.840.10045.4.3.2").
std::string DerOidText(ByteSpan oid);

}  // namespace c8s::crypto
