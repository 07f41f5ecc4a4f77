#include "lib/ttrpc/frame.h"

#include <catch2/catch_test_macros.hpp>

#include "lib/ttrpc/message.h"
#include "lib/ttrpc/mux.h"
#include "lib/ttrpc/testing_for_test.h"

namespace c8s::ttrpc {
namespace {

using testing::Hex;
using testing::Unhex;

TEST_CASE("frames encode as the note's vectors (§9.2, §9.6, §9.7)", "[unit]") {
  std::string empty_ok;
  AppendFrame(empty_ok, 1, MessageType::kResponse, 0, EncodeResponse({}));
  CHECK(Hex(empty_ok) == "00000000000000010200");
  std::string deny;
  Response r{RpcStatus{7, "image not allowed"}, ""};
  AppendFrame(deny, 5, MessageType::kResponse, 0, EncodeResponse(r));
  std::string mux;
  AppendMuxFrames(mux, kPluginServiceConn, deny);
  CHECK(Hex(mux) ==
        "0000000100000021000000170000000502000a1508071211696d616765206e6f7420616c6c6f776564");
}

TEST_CASE("frame decoder reassembles frames fed byte by byte", "[unit]") {
  std::string wire;
  AppendFrame(wire, 1, MessageType::kRequest, 0, "abc");
  AppendFrame(wire, 3, MessageType::kResponse, 0, "");
  AppendFrame(wire, 5, MessageType::kData, kFlagRemoteClosed, std::string(5000, 'x'));
  FrameDecoder d;
  std::vector<Frame> got;
  for (char c : wire) {
    d.Feed(std::string_view(&c, 1));
    while (auto f = d.Next()) got.push_back(std::move(*f));
  }
  REQUIRE(got.size() == 3);
  CHECK(got[0].header.stream_id == 1);
  CHECK(got[0].data == "abc");
  CHECK(got[1].header.length == 0);
  CHECK(got[1].header.type == 2);
  CHECK(got[2].header.flags == kFlagRemoteClosed);
  CHECK(got[2].data.size() == 5000);
  CHECK(d.buffered() == 0);
}

TEST_CASE("frame decoder skips an oversized frame and keeps the stream in sync", "[unit]") {
  std::string wire;
  AppendFrameHeader(wire, {static_cast<uint32_t>(kMaxFrameData + 1), 7, 1, 0});
  std::string junk(kMaxFrameData + 1, 'j');
  std::string next;
  AppendFrame(next, 9, MessageType::kRequest, 0, "after");
  FrameDecoder d;
  d.Feed(wire);
  auto big = d.Next();
  REQUIRE(big.has_value());
  CHECK(big->oversized);
  CHECK(big->header.stream_id == 7);
  CHECK(big->data.empty());
  // The announced bytes arrive in pieces and are dropped without being buffered.
  for (size_t off = 0; off < junk.size(); off += 65536) {
    d.Feed(std::string_view(junk).substr(off, 65536));
    CHECK(d.buffered() == 0);
    CHECK_FALSE(d.Next().has_value());
  }
  d.Feed(next);
  auto after = d.Next();
  REQUIRE(after.has_value());
  CHECK(after->data == "after");
}

TEST_CASE("mux frames to containerd stay within 4096 bytes, one message each", "[unit]") {
  std::string frame;
  AppendFrame(frame, 1, MessageType::kResponse, 0, std::string(10000, 'z'));
  std::string wire;
  AppendMuxFrames(wire, kRuntimeServiceConn, frame);
  MuxDecoder d;
  d.Feed(wire);
  std::string joined;
  size_t frames = 0;
  while (true) {
    auto next = d.Next();
    REQUIRE(next.ok());
    if (!next->has_value()) break;
    CHECK((*next)->conn_id == kRuntimeServiceConn);
    CHECK((*next)->payload.size() <= kMuxSendLimit);
    joined += (*next)->payload;
    ++frames;
  }
  CHECK(frames == 3);  // 10010 bytes: 4096 + 4096 + 1818
  CHECK(joined == frame);
}

TEST_CASE("mux decoder refuses a frame longer than Go ever sends", "[unit]") {
  MuxDecoder d;
  d.Feed(Unhex("00000001 00400010"));  // 4 MiB + 16
  auto next = d.Next();
  REQUIRE_FALSE(next.ok());
  CHECK(std::string(next.status().message()) ==
        "nri mux: frame for conn 1 announces 4194320 bytes, more than the maximum 4194314");
  MuxDecoder partial;
  partial.Feed(Unhex("00000001 0000000a 0000"));
  auto wait = partial.Next();
  REQUIRE(wait.ok());
  CHECK_FALSE(wait->has_value());
}

}  // namespace
}  // namespace c8s::ttrpc
