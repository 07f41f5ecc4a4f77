#include "lib/ttrpc/session.h"

#include <catch2/catch_test_macros.hpp>
#include <thread>

#include "lib/ttrpc/client.h"
#include "lib/ttrpc/server.h"
#include "lib/ttrpc/testing_for_test.h"
#include "lib/ttrpc/unix_socket.h"
#include "test/support/test_env.h"

namespace c8s::ttrpc {
namespace {

using testing::Hex;

// A server and a client on the two ends of a socket pair, plain or multiplexed.
struct Pair {
  explicit Pair(Framing framing, uint32_t conn = 0) {
    auto fds = UnixSocketPair();
    REQUIRE(fds.ok());
    server_session = std::make_unique<Session>(std::move(fds->first), framing);
    client_session = std::make_unique<Session>(std::move(fds->second), framing);
    server = std::make_unique<Server>(server_session->writer(conn));
    client = std::make_unique<Client>(client_session->writer(conn));
    server->Register("test.Echo", "Echo", [](const Request& r) -> absl::StatusOr<std::string> {
      return "echo:" + r.payload;
    });
    server->Register("test.Echo", "Deny", [](const Request&) -> absl::StatusOr<std::string> {
      return absl::PermissionDeniedError("image x is not pinned by digest");
    });
    server->Register("test.Echo", "Timeout", [](const Request& r) -> absl::StatusOr<std::string> {
      return std::to_string(r.timeout_nano);
    });
    server_session->Attach(conn, server.get());
    client_session->Attach(conn, client.get());
    server_session->Start();
    client_session->Start();
  }
  ~Pair() {
    client_session->Close();
    server_session->Close();
    client_session.reset();
    server_session.reset();
  }
  std::unique_ptr<Session> server_session, client_session;
  std::unique_ptr<Server> server;
  std::unique_ptr<Client> client;
};

TEST_CASE("ttrpc client and server talk over plain and NRI-multiplexed sockets", "[unit]") {
  for (Framing framing : {Framing::kPlain, Framing::kNriMux}) {
    Pair p(framing, framing == Framing::kPlain ? 0 : kRuntimeServiceConn);
    auto echo = p.client->Call("test.Echo", "Echo", "hi", absl::Seconds(5));
    REQUIRE(echo.ok());
    CHECK(*echo == "echo:hi");
    auto timeout = p.client->Call("test.Echo", "Timeout", "", absl::Milliseconds(1500));
    REQUIRE(timeout.ok());
    CHECK(*timeout == "1500000000");
    auto deny = p.client->Call("test.Echo", "Deny", "", absl::Seconds(5));
    CHECK(deny.status().code() == absl::StatusCode::kPermissionDenied);
    CHECK(deny.status().message() == "image x is not pinned by digest");
    auto method = p.client->Call("test.Echo", "Nope", "", absl::Seconds(5));
    CHECK(method.status().code() == absl::StatusCode::kUnimplemented);
    CHECK(method.status().message() == "method Nope");
    auto service = p.client->Call("test.Other", "Echo", "", absl::Seconds(5));
    CHECK(service.status().message() == "service test.Other");
    // A large message crosses in several mux frames and comes back whole.
    std::string big(100000, 'b');
    auto large = p.client->Call("test.Echo", "Echo", big, absl::Seconds(5));
    REQUIRE(large.ok());
    CHECK(*large == "echo:" + big);
  }
}

TEST_CASE("ttrpc server answers protocol violations on the offending stream", "[unit]") {
  auto fds = UnixSocketPair();
  REQUIRE(fds.ok());
  Session server_session(std::move(fds->first), Framing::kPlain);
  Server server(server_session.writer(0));
  server.Register("s", "m", [](const Request&) -> absl::StatusOr<std::string> { return "ok"; });
  server_session.Attach(0, &server);
  server_session.Start();
  UniqueFd peer = std::move(fds->second);

  auto exchange = [&](std::string frame) {
    REQUIRE(WriteAll(peer.get(), frame).ok());
    std::string got;
    FrameDecoder d;
    char buf[4096];
    while (true) {
      ssize_t n = ::read(peer.get(), buf, sizeof buf);
      REQUIRE(n > 0);
      d.Feed(std::string_view(buf, static_cast<size_t>(n)));
      if (auto f = d.Next()) {
        auto r = DecodeResponse(f->data);
        REQUIRE(r.ok());
        return std::make_pair(f->header.stream_id, StatusFromRpc(r->status));
      }
    }
  };
  std::string ok_req = EncodeRequest({"s", "m", "", 0, {}});
  std::string f;
  AppendFrame(f, 2, MessageType::kRequest, 0, ok_req);
  auto [even_id, even] = exchange(f);
  CHECK(even_id == 2);
  CHECK(even.message() == "StreamID must be odd for client initiated streams");
  f.clear();
  AppendFrame(f, 5, MessageType::kRequest, 0, ok_req);
  CHECK(exchange(f).second.ok());
  f.clear();
  AppendFrame(f, 3, MessageType::kRequest, 0, ok_req);
  CHECK(exchange(f).second.message() == "StreamID cannot be re-used and must increment");
  f.clear();
  AppendFrame(f, 7, MessageType::kRequest, 0, "\x0a\x05");
  auto [bad_id, bad] = exchange(f);
  CHECK(bad_id == 7);
  CHECK(bad.code() == absl::StatusCode::kInvalidArgument);
  CHECK(std::string(bad.message()).find("unmarshal request error: protobuf:") == 0);
  f.clear();
  AppendFrameHeader(f, {static_cast<uint32_t>(kMaxFrameData + 5), 9, 1, 0});
  f += std::string(kMaxFrameData + 5, 'x');
  auto [big_id, big] = exchange(f);
  CHECK(big_id == 9);
  CHECK(big.code() == absl::StatusCode::kResourceExhausted);
  // Unknown frame types are ignored; the connection still serves.
  f.clear();
  AppendFrame(f, 11, MessageType::kData, 0, "zz");
  AppendFrame(f, 13, MessageType::kRequest, 0, ok_req);
  auto [id, st] = exchange(f);
  CHECK(id == 13);
  CHECK(st.ok());
  CHECK_FALSE(server_session.closed());
  server_session.Close();
  (void)server_session.Wait();  // before `server` is destroyed
}

TEST_CASE("ttrpc client fails pending calls when the peer goes, and on its deadline", "[unit]") {
  auto fds = UnixSocketPair();
  REQUIRE(fds.ok());
  Session session(std::move(fds->first), Framing::kNriMux);
  Client client(session.writer(kRuntimeServiceConn));
  session.Attach(kRuntimeServiceConn, &client);
  session.Start();
  UniqueFd peer = std::move(fds->second);
  // Nobody answers: the deadline is the caller's.
  auto late = client.Call("s", "m", "", absl::Milliseconds(50));
  CHECK(late.status().code() == absl::StatusCode::kDeadlineExceeded);
  std::thread closer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    peer.reset();
  });
  auto gone = client.Call("s", "m", "", absl::Seconds(10));
  closer.join();
  CHECK(gone.status().code() == absl::StatusCode::kUnavailable);
  CHECK(std::string(gone.status().message()).find("peer closed the connection") !=
        std::string::npos);
  CHECK(session.Wait().code() == absl::StatusCode::kUnavailable);
  CHECK(client.Call("s", "m", "", absl::Seconds(1)).status().code() ==
        absl::StatusCode::kUnavailable);
}

TEST_CASE("session drops mux frames for unopened connections and ends on a bad trunk", "[unit]") {
  auto fds = UnixSocketPair();
  REQUIRE(fds.ok());
  Session session(std::move(fds->first), Framing::kNriMux);
  Server server(session.writer(kPluginServiceConn));
  session.Attach(kPluginServiceConn, &server);
  session.Start();
  UniqueFd peer = std::move(fds->second);
  REQUIRE(WriteAll(peer.get(), testing::Unhex("00000007 00000002 abcd")).ok());
  REQUIRE(WriteAll(peer.get(), testing::Unhex("00000001 7fffffff")).ok());
  absl::Status why = session.Wait();
  CHECK(why.code() == absl::StatusCode::kInvalidArgument);
  CHECK(session.stats().frames_dropped == 1);
  char c;
  CHECK(::read(peer.get(), &c, 1) == 0);  // the session shut the socket
}

}  // namespace
}  // namespace c8s::ttrpc
