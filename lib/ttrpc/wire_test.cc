#include "lib/ttrpc/wire.h"

#include <catch2/catch_test_macros.hpp>

#include "lib/ttrpc/testing_for_test.h"

namespace c8s::ttrpc {
namespace {

using testing::Hex;
using testing::Unhex;

TEST_CASE("wire writer encodes varints, negatives, strings and map entries", "[unit]") {
  WireWriter w;
  w.Varint(4, 5'000'000'000);
  CHECK(Hex(w.data()) == "2080e497d012");  // the note's RegisterPlugin timeout (§9.1)
  WireWriter n;
  n.Int32(1, -1);
  CHECK(Hex(n.data()) == "08ffffffffffffffffff01");
  WireWriter s;
  s.String(1, "imgpolicy");
  s.String(2, "10");
  CHECK(Hex(s.data()) == "0a09696d67706f6c69637912023130");
  WireWriter m;
  m.MapEntry(5, "k", "v");
  CHECK(Hex(m.data()) == "2a060a016b120176");
}

TEST_CASE("wire reader walks every wire type and skips unknown fields", "[unit]") {
  // field 1 varint 150, field 2 fixed64, field 3 "hi", field 4 fixed32, field 5 varint 1.
  std::string data = Unhex("089601 11 0102030405060708 1a026869 25 01020304 2801");
  WireReader r(data);
  REQUIRE(r.Next());
  CHECK(r.field() == 1);
  CHECK(r.varint() == 150);
  REQUIRE(r.Next());
  CHECK(r.type() == WireType::kFixed64);
  CHECK(r.varint() == 0x0807060504030201);
  REQUIRE(r.Next());
  CHECK(r.bytes() == "hi");
  std::string s;
  CHECK(r.ReadString(&s).ok());
  int64_t i = 0;
  CHECK(r.ReadInt64(&i).message() == "protobuf: field 3 has wire type 2, want 0");
  REQUIRE(r.Next());
  CHECK(r.type() == WireType::kFixed32);
  REQUIRE(r.Next());
  bool b = false;
  CHECK(r.ReadBool(&b).ok());
  CHECK(b);
  CHECK_FALSE(r.Next());
  CHECK(r.status().ok());
}

TEST_CASE("wire reader refuses malformed input with a reason", "[unit]") {
  struct Case {
    std::string hex, error;
  };
  for (const Case& c : {
           Case{"08", "protobuf: truncated varint at byte 1"},
           Case{"08ffffffffffffffffff02", "protobuf: varint overflows 64 bits at byte 11"},
           Case{"08ffffffffffffffffffff01", "protobuf: varint overflows 64 bits at byte 11"},
           Case{"0a05616263", "protobuf: field 1 length 5 exceeds the 3 bytes left at byte 2"},
           Case{"0b", "protobuf: field 1 has unsupported wire type 3 at byte 1"},
           Case{"0c", "protobuf: field 1 has unsupported wire type 4 at byte 1"},
           Case{"00", "protobuf: invalid field number 0 at byte 1"},
           Case{"1101020304", "protobuf: truncated fixed-width field at byte 1"},
       }) {
    std::string data = Unhex(c.hex);
    WireReader r(data);
    while (r.Next()) {
    }
    INFO(c.hex);
    CHECK(std::string(r.status().message()) == c.error);
  }
}

}  // namespace
}  // namespace c8s::ttrpc
