// Test helpers for lib/ttrpc and its users: hex <-> bytes for the protocol note's vectors.
#pragma once

#include <catch2/catch_test_macros.hpp>
#include <string>
#include <string_view>

#include "lib/base/bytes.h"

namespace c8s::ttrpc::testing {

// Hex with optional spaces ("0000 0002 ...") to bytes; fails the test on bad hex.
inline std::string Unhex(std::string_view spaced) {
  std::string hex;
  for (char c : spaced) {
    if (c != ' ' && c != '\n') hex.push_back(c);
  }
  auto bytes = HexDecode(hex);
  INFO(hex);
  REQUIRE(bytes.ok());
  return ToString(*bytes);
}

inline std::string Hex(std::string_view bytes) { return HexEncode(AsBytes(bytes)); }

}  // namespace c8s::ttrpc::testing
