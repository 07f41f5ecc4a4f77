#include "lib/ttrpc/message.h"

#include <catch2/catch_test_macros.hpp>

#include "lib/ttrpc/frame.h"
#include "lib/ttrpc/mux.h"
#include "lib/ttrpc/testing_for_test.h"

namespace c8s::ttrpc {
namespace {

using testing::Hex;
using testing::Unhex;

std::string MuxRequest(uint32_t conn, uint32_t stream, const Request& r) {
  std::string frame, wire;
  AppendFrame(frame, stream, MessageType::kRequest, 0, EncodeRequest(r));
  AppendMuxFrames(wire, conn, frame);
  return wire;
}

TEST_CASE("RegisterPlugin request is byte-exact (note §9.1)", "[unit]") {
  Request r{"nri.pkg.api.v1alpha1.Runtime",
            "RegisterPlugin",
            Unhex("0a09696d67706f6c69637912023130"),
            0,
            {}};
  CHECK(Hex(MuxRequest(kRuntimeServiceConn, 1, r)) ==
        "00000002000000490000003f0000000101000a1c6e72692e706b672e6170692e7631616c706861312e52756e"
        "74696d65120e5265676973746572506c7567696e1a0f0a09696d67706f6c69637912023130");
  r.timeout_nano = 5'000'000'000;
  CHECK(Hex(MuxRequest(kRuntimeServiceConn, 1, r)) ==
        "000000020000004f000000450000000101000a1c6e72692e706b672e6170692e7631616c706861312e52756e"
        "74696d65120e5265676973746572506c7567696e1a0f0a09696d67706f6c696379120231302080e497d012");
}

TEST_CASE("containerd's Configure request decodes (note §9.3)", "[unit]") {
  std::string wire = Unhex(
      "00000001000000540000004a0000000101000a1b6e72692e706b672e6170692e7631616c706861312e506c7567"
      "696e1209436f6e6669677572651a1a120a636f6e7461696e6572641a0676322e302e3520882728d00f2080a8d6"
      "b907");
  MuxDecoder mux;
  mux.Feed(wire);
  auto mf = mux.Next();
  REQUIRE(mf.ok());
  REQUIRE(mf->has_value());
  CHECK((*mf)->conn_id == kPluginServiceConn);
  FrameDecoder frames;
  frames.Feed((*mf)->payload);
  auto f = frames.Next();
  REQUIRE(f.has_value());
  CHECK(f->header.stream_id == 1);
  auto r = DecodeRequest(f->data);
  REQUIRE(r.ok());
  CHECK(r->service == "nri.pkg.api.v1alpha1.Plugin");
  CHECK(r->method == "Configure");
  CHECK(r->timeout_nano == 2'000'000'000);
  CHECK(Hex(r->payload) == "120a636f6e7461696e6572641a0676322e302e3520882728d00f");
  CHECK(EncodeRequest(*r) == f->data);
}

TEST_CASE("responses: empty OK, payload, error status, code 0 status", "[unit]") {
  auto empty = DecodeResponse("");
  REQUIRE(empty.ok());
  CHECK_FALSE(empty->status.has_value());
  CHECK(StatusFromRpc(empty->status).ok());
  auto configure = DecodeResponse(Unhex("12021008"));  // §9.4
  REQUIRE(configure.ok());
  CHECK(Hex(configure->payload) == "1008");
  auto deny = DecodeResponse(Unhex("0a1508071211696d616765206e6f7420616c6c6f776564"));
  REQUIRE(deny.ok());
  absl::Status st = StatusFromRpc(deny->status);
  CHECK(st.code() == absl::StatusCode::kPermissionDenied);
  CHECK(st.message() == "image not allowed");
  auto zero = DecodeResponse(Unhex("0a00"));  // status{code:0} is success too
  REQUIRE(zero.ok());
  CHECK(StatusFromRpc(zero->status).ok());
  // Out-of-range codes become UNKNOWN instead of an invalid absl code.
  CHECK(StatusFromRpc(RpcStatus{99, "x"}).code() == absl::StatusCode::kUnknown);
  CHECK_FALSE(RpcFromStatus(absl::OkStatus()).has_value());
  CHECK(*RpcFromStatus(absl::UnimplementedError("method X")) == RpcStatus{12, "method X"});
}

TEST_CASE("requests with metadata and unknown fields round-trip; garbage is refused", "[unit]") {
  Request r{"s", "m", "p", 7, {{"traceparent", "00-ab"}, {"k", ""}}};
  std::string bytes = EncodeRequest(r);
  auto back = DecodeRequest(bytes + Unhex("3005"));  // unknown field 6 varint
  REQUIRE(back.ok());
  CHECK(*back == r);
  CHECK_FALSE(DecodeRequest(Unhex("0a05")).ok());
  CHECK(DecodeRequest(Unhex("2001")).ok());        // a varint timeout alone is a request
  CHECK_FALSE(DecodeRequest(Unhex("0801")).ok());  // service as a varint
  CHECK_FALSE(DecodeResponse(Unhex("0a02ff")).ok());
}

}  // namespace
}  // namespace c8s::ttrpc
