// A minimal protocol-buffers wire codec (varints and length-delimited fields), enough for the
// ttrpc envelope and the NRI messages, without libprotobuf: the NRI path must build in the
// sanitizer and fuzz builds (no gRPC/protobuf there) and decodes only the fields it acts on.
//
//   WireWriter w;
//   w.String(1, "nri.pkg.api.v1alpha1.Runtime");
//   w.Varint(4, timeout_nano);
//   WireReader r(bytes);
//   while (r.Next()) { if (r.field() == 1) service = r.bytes(); }
//   RETURN_IF_ERROR(r.status());
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace c8s::ttrpc {

enum class WireType : uint8_t { kVarint = 0, kFixed64 = 1, kLen = 2, kFixed32 = 5 };

// Appends fields to a byte string. Proto3 leaves default values out: callers skip them.
class WireWriter {
 public:
  void Varint(uint32_t field, uint64_t value);
  void Int64(uint32_t field, int64_t value) { Varint(field, static_cast<uint64_t>(value)); }
  // int32 is sign-extended to 64 bits on the wire (negative values take 10 bytes).
  void Int32(uint32_t field, int32_t value) { Int64(field, value); }
  void Bool(uint32_t field, bool value) { Varint(field, value ? 1 : 0); }
  void Bytes(uint32_t field, std::string_view value);
  void String(uint32_t field, std::string_view value) { Bytes(field, value); }
  // Only non-empty strings (proto3 presence).
  void StringIfSet(uint32_t field, std::string_view value) {
    if (!value.empty()) Bytes(field, value);
  }
  // A map<string,string> entry: a message {1: key, 2: value}.
  void MapEntry(uint32_t field, std::string_view key, std::string_view value);

  const std::string& data() const { return out_; }
  std::string Take() { return std::move(out_); }

  static void AppendVarint(std::string& out, uint64_t value);

 private:
  std::string out_;
};

// Walks the fields of one message. Unknown fields are the caller's to skip (it just ignores
// them: Next() has already stepped over their bytes). Groups (wire types 3/4) and truncated or
// over-long varints are errors; after an error Next() returns false and status() says why.
class WireReader {
 public:
  explicit WireReader(std::string_view data) : data_(data) {}

  bool Next();
  uint32_t field() const { return field_; }
  WireType type() const { return type_; }
  uint64_t varint() const { return value_; }         // kVarint, kFixed64, kFixed32
  std::string_view bytes() const { return bytes_; }  // kLen
  const absl::Status& status() const { return status_; }

  // The current field's value with a wire-type check ("field 2: wire type 0, want 2").
  absl::Status ExpectType(WireType want) const;
  absl::Status ReadString(std::string* out) const;
  absl::Status ReadInt64(int64_t* out) const;
  absl::Status ReadInt32(int32_t* out) const;
  absl::Status ReadUint32(uint32_t* out) const;
  absl::Status ReadBool(bool* out) const;

 private:
  bool Fail(std::string message);
  bool ReadRawVarint(uint64_t* out);

  std::string_view data_;
  size_t pos_ = 0;
  uint32_t field_ = 0;
  WireType type_ = WireType::kVarint;
  uint64_t value_ = 0;
  std::string_view bytes_;
  absl::Status status_;
};

// Decodes a map entry message {1: key, 2: value} (either may be absent: empty).
absl::Status ReadMapEntry(std::string_view entry, std::string* key, std::string* value);

}  // namespace c8s::ttrpc
