#include "lib/ttrpc/wire.h"

#include "lib/base/strings.h"

namespace c8s::ttrpc {
namespace {

// Protobuf field numbers are 1..2^29-1.
constexpr uint64_t kMaxFieldNumber = (uint64_t{1} << 29) - 1;

void AppendTag(std::string& out, uint32_t field, WireType type) {
  WireWriter::AppendVarint(out, (uint64_t{field} << 3) | static_cast<uint8_t>(type));
}

}  // namespace

void WireWriter::AppendVarint(std::string& out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

void WireWriter::Varint(uint32_t field, uint64_t value) {
  AppendTag(out_, field, WireType::kVarint);
  AppendVarint(out_, value);
}

void WireWriter::Bytes(uint32_t field, std::string_view value) {
  AppendTag(out_, field, WireType::kLen);
  AppendVarint(out_, value.size());
  out_.append(value);
}

void WireWriter::MapEntry(uint32_t field, std::string_view key, std::string_view value) {
  WireWriter entry;
  entry.StringIfSet(1, key);
  entry.StringIfSet(2, value);
  Bytes(field, entry.data());
}

bool WireReader::Fail(std::string message) {
  status_ = absl::InvalidArgumentError(StrCat("protobuf: ", message, " at byte ", pos_));
  data_ = {};
  pos_ = 0;
  return false;
}

bool WireReader::ReadRawVarint(uint64_t* out) {
  uint64_t value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos_ >= data_.size()) return Fail("truncated varint");
    uint8_t byte = static_cast<uint8_t>(data_[pos_++]);
    // The tenth byte may only carry the top bit of a 64-bit value.
    if (shift == 63 && byte > 1) return Fail("varint overflows 64 bits");
    value |= uint64_t{byte & 0x7fu} << shift;
    if ((byte & 0x80) == 0) {
      *out = value;
      return true;
    }
  }
  return Fail("varint longer than 10 bytes");
}

bool WireReader::Next() {
  if (!status_.ok() || pos_ >= data_.size()) return false;
  uint64_t tag = 0;
  if (!ReadRawVarint(&tag)) return false;
  uint64_t field = tag >> 3;
  if (field == 0 || field > kMaxFieldNumber) return Fail(StrCat("invalid field number ", field));
  field_ = static_cast<uint32_t>(field);
  switch (tag & 7) {
    case 0:
      type_ = WireType::kVarint;
      return ReadRawVarint(&value_);
    case 1:
    case 5: {
      size_t n = (tag & 7) == 1 ? 8 : 4;
      if (data_.size() - pos_ < n) return Fail("truncated fixed-width field");
      value_ = 0;
      for (size_t i = 0; i < n; ++i) {
        value_ |= uint64_t{static_cast<uint8_t>(data_[pos_ + i])} << (8 * i);
      }
      pos_ += n;
      type_ = n == 8 ? WireType::kFixed64 : WireType::kFixed32;
      return true;
    }
    case 2: {
      uint64_t len = 0;
      if (!ReadRawVarint(&len)) return false;
      if (len > data_.size() - pos_) {
        return Fail(StrCat("field ", field_, " length ", len, " exceeds the ", data_.size() - pos_,
                           " bytes left"));
      }
      bytes_ = data_.substr(pos_, len);
      pos_ += len;
      type_ = WireType::kLen;
      return true;
    }
    default:
      return Fail(StrCat("field ", field_, " has unsupported wire type ", tag & 7));
  }
}

absl::Status WireReader::ExpectType(WireType want) const {
  if (type_ == want) return absl::OkStatus();
  return absl::InvalidArgumentError(StrCat("protobuf: field ", field_, " has wire type ",
                                           static_cast<int>(type_), ", want ",
                                           static_cast<int>(want)));
}

absl::Status WireReader::ReadString(std::string* out) const {
  if (absl::Status st = ExpectType(WireType::kLen); !st.ok()) return st;
  out->assign(bytes_);
  return absl::OkStatus();
}

absl::Status WireReader::ReadInt64(int64_t* out) const {
  if (absl::Status st = ExpectType(WireType::kVarint); !st.ok()) return st;
  *out = static_cast<int64_t>(value_);
  return absl::OkStatus();
}

absl::Status WireReader::ReadInt32(int32_t* out) const {
  if (absl::Status st = ExpectType(WireType::kVarint); !st.ok()) return st;
  *out = static_cast<int32_t>(value_);  // protobuf truncates int32 to the low 32 bits
  return absl::OkStatus();
}

absl::Status WireReader::ReadUint32(uint32_t* out) const {
  if (absl::Status st = ExpectType(WireType::kVarint); !st.ok()) return st;
  *out = static_cast<uint32_t>(value_);
  return absl::OkStatus();
}

absl::Status WireReader::ReadBool(bool* out) const {
  if (absl::Status st = ExpectType(WireType::kVarint); !st.ok()) return st;
  *out = value_ != 0;
  return absl::OkStatus();
}

absl::Status ReadMapEntry(std::string_view entry, std::string* key, std::string* value) {
  key->clear();
  value->clear();
  WireReader r(entry);
  while (r.Next()) {
    if (r.field() == 1) {
      if (absl::Status st = r.ReadString(key); !st.ok()) return st;
    } else if (r.field() == 2) {
      if (absl::Status st = r.ReadString(value); !st.ok()) return st;
    }
  }
  return r.status();
}

}  // namespace c8s::ttrpc
