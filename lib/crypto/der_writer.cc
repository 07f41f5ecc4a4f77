#include "lib/crypto/der_writer.h"

#include <ctime>

#include "lib/base/strings.h"

namespace c8s::crypto {
namespace {

// Number of octets the long form needs for `len` (0 for the short form).
size_t LengthOctets(size_t len) {
  size_t n = 0;
  if (len < 0x80) return 0;
  for (size_t v = len; v != 0; v >>= 8) ++n;
  return n;
}

void PutLength(uint8_t* at, size_t len, size_t octets) {
  if (octets == 0) {
    at[0] = static_cast<uint8_t>(len);
    return;
  }
  at[0] = static_cast<uint8_t>(0x80 | octets);
  for (size_t i = 0; i < octets; ++i) {
    at[octets - i] = static_cast<uint8_t>(len >> (8 * i));
  }
}

}  // namespace

size_t DerWriter::Begin(uint8_t tag) {
  out_.push_back(tag);
  out_.push_back(0);  // the length octet: End() writes it, widened to the long form if needed
  return out_.size();
}

void DerWriter::End(size_t mark) {
  size_t len = out_.size() - mark;
  size_t octets = LengthOctets(len);
  if (octets != 0) out_.insert(out_.begin() + static_cast<std::ptrdiff_t>(mark), octets, 0);
  PutLength(out_.data() + mark - 1, len, octets);
}

void DerWriter::Tlv(uint8_t tag, ByteSpan contents) {
  out_.push_back(tag);
  size_t octets = LengthOctets(contents.size());
  size_t at = out_.size();
  out_.resize(at + 1 + octets);
  PutLength(out_.data() + at, contents.size(), octets);
  Raw(contents);
}

void DerWriter::Boolean(bool value) {
  uint8_t v = value ? 0xff : 0x00;
  Tlv(kDerBoolean, ByteSpan(&v, 1));
}

void DerWriter::UnsignedInteger(ByteSpan magnitude) {
  while (magnitude.size() > 1 && magnitude[0] == 0) magnitude = magnitude.subspan(1);
  size_t mark = Begin(kDerInteger);
  if (magnitude.empty() || (magnitude[0] & 0x80) != 0) out_.push_back(0);
  Raw(magnitude);
  End(mark);
}

void DerWriter::Integer(int64_t value) {
  uint8_t be[8];
  for (int i = 0; i < 8; ++i)
    be[7 - i] = static_cast<uint8_t>(static_cast<uint64_t>(value) >> (8 * i));
  // Two's complement, minimal: drop a leading octet while the next one carries its sign.
  size_t start = 0;
  while (start < 7 && ((be[start] == 0x00 && (be[start + 1] & 0x80) == 0) ||
                       (be[start] == 0xff && (be[start + 1] & 0x80) != 0))) {
    ++start;
  }
  Tlv(kDerInteger, ByteSpan(be + start, 8 - start));
}

void DerWriter::BitString(ByteSpan bytes, uint8_t unused_bits) {
  size_t mark = Begin(kDerBitString);
  out_.push_back(unused_bits);
  Raw(bytes);
  End(mark);
}

void DerWriter::Time(absl::Time t) {
  absl::CivilSecond c = absl::ToCivilSecond(t, absl::UTCTimeZone());
  char text[32];
  bool utc = c.year() >= 1950 && c.year() < 2050;
  int n = utc ? std::snprintf(text, sizeof(text), "%02d%02d%02d%02d%02d%02dZ",
                              static_cast<int>(c.year() % 100), c.month(), c.day(), c.hour(),
                              c.minute(), c.second())
              : std::snprintf(text, sizeof(text), "%04d%02d%02d%02d%02d%02dZ",
                              static_cast<int>(c.year()), c.month(), c.day(), c.hour(), c.minute(),
                              c.second());
  Tlv(utc ? kDerUtcTime : kDerGeneralizedTime, std::string_view(text, static_cast<size_t>(n)));
}

Bytes DerTlvOf(uint8_t tag, ByteSpan contents) {
  DerWriter w;
  w.Tlv(tag, contents);
  return w.Take();
}

}  // namespace c8s::crypto
