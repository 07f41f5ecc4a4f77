#include "cds/replica_net.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::cds {
namespace {

absl::StatusOr<sockaddr_in> ParseIpv4(const std::string& host_port) {
  size_t colon = host_port.rfind(':');
  if (colon == std::string::npos) {
    return absl::InvalidArgumentError(StrCat("address \"", host_port, "\": want ipv4:port"));
  }
  std::string host = host_port.substr(0, colon);
  if (host == "localhost") host = "127.0.0.1";
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  int port = 0;
  for (char c : host_port.substr(colon + 1)) {
    if (c < '0' || c > '9' || port > 65535) {
      return absl::InvalidArgumentError(StrCat("address \"", host_port, "\": bad port"));
    }
    port = port * 10 + (c - '0');
  }
  if (port > 65535 || ::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    return absl::InvalidArgumentError(StrCat("address \"", host_port, "\": want ipv4:port"));
  }
  addr.sin_port = htons(static_cast<uint16_t>(port));
  return addr;
}

}  // namespace

absl::StatusOr<UniqueFd> ListenTcp(const std::string& host_port, int* bound_port) {
  ASSIGN_OR_RETURN(sockaddr_in addr, ParseIpv4(host_port));
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return ErrnoStatus("socket", errno);
  int one = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    return ErrnoStatus(StrCat("bind ", host_port), errno);
  }
  if (::listen(fd.get(), 64) != 0) return ErrnoStatus(StrCat("listen ", host_port), errno);
  socklen_t len = sizeof addr;
  ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len);
  *bound_port = ntohs(addr.sin_port);
  return fd;
}

absl::StatusOr<UniqueFd> AcceptTcp(int listen_fd, absl::Duration timeout) {
  struct pollfd p {listen_fd, POLLIN, 0};
  int rc = ::poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(timeout)));
  if (rc == 0) return absl::DeadlineExceededError("accept: no connection");
  if (rc < 0) return ErrnoStatus("poll", errno);
  UniqueFd fd(::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC));
  if (!fd.valid()) return ErrnoStatus("accept", errno);
  int one = 1;
  ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

absl::StatusOr<UniqueFd> ConnectTcp(const std::string& host_port, absl::Duration timeout) {
  ASSIGN_OR_RETURN(sockaddr_in addr, ParseIpv4(host_port));
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd.valid()) return ErrnoStatus("socket", errno);
  int one = 1;
  ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    if (errno != EINPROGRESS) return ErrnoStatus(StrCat("connect ", host_port), errno);
    struct pollfd p {fd.get(), POLLOUT, 0};
    if (::poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(timeout))) <= 0) {
      return absl::UnavailableError(StrCat("connect ", host_port, ": timed out"));
    }
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) return ErrnoStatus(StrCat("connect ", host_port), err);
  }
  return fd;
}

absl::Status WriteFrame(crypto::TlsStream& stream, const nlohmann::json& frame) {
  std::string body = frame.dump();
  if (body.size() > kMaxReplicaFrame) {
    return absl::ResourceExhaustedError(StrCat("replica frame of ", body.size(), " bytes"));
  }
  Bytes out(4 + body.size());
  for (int i = 0; i < 4; ++i) out[i] = static_cast<uint8_t>(body.size() >> (8 * (3 - i)));
  std::copy(body.begin(), body.end(), out.begin() + 4);
  return stream.Write(out);
}

absl::StatusOr<nlohmann::json> ParseFrame(ByteSpan body) {
  nlohmann::json j = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return absl::InvalidArgumentError("replica frame: not a JSON object");
  }
  if (!j.contains("type") || !j["type"].is_string()) {
    return absl::InvalidArgumentError("replica frame: no string \"type\"");
  }
  return j;
}

absl::StatusOr<nlohmann::json> ReadFrame(crypto::TlsStream& stream, absl::Duration timeout) {
  ASSIGN_OR_RETURN(Bytes header, stream.ReadExact(4, timeout));
  size_t n = (size_t{header[0]} << 24) | (size_t{header[1]} << 16) | (size_t{header[2]} << 8) |
             header[3];
  if (n > kMaxReplicaFrame) {
    return absl::ResourceExhaustedError(
        StrCat("replica frame: ", n, " bytes announced, limit ", kMaxReplicaFrame));
  }
  ASSIGN_OR_RETURN(Bytes body, stream.ReadExact(n, timeout + absl::Seconds(30)));
  return ParseFrame(body);
}

}  // namespace c8s::cds
