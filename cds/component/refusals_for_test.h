// Component tests of refusals by a real c8s-cds process: what it issued, stored and counted,
// taken before and after an attack; HTTPS, raw gRPC messages and raw TCP against its ports.
//
//   CheckRefused(cds, {grpc::StatusCode::ALREADY_EXISTS, "challenge already used: ...", false,
//                      "issue-node"},
//                [&] { return identity->IssueNode(&c, replayed, &r); });
#pragma once

#include <dirent.h>
#include <grpcpp/generic/generic_stub.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <condition_variable>
#include <functional>
#include <map>
#include <sstream>
#include <mutex>
#include <string>

#include "cds/component/processes_for_test.h"
#include "lib/base/metrics.h"
#include "lib/crypto/hash.h"

namespace c8s::cds::testing {

struct HttpReply {
  int status = -1;  // -1: no HTTP response at all
  std::string body;
};

// One HTTPS request to the CDS at `port` (our own loopback child: its bootstrap certificate is
// not verified). `body` is sent with POST.
inline HttpReply Https(int port, const std::string& method, const std::string& path,
                       const std::string& body = "") {
  httplib::SSLClient http("127.0.0.1", port);
  http.enable_server_certificate_verification(false);
  http.set_connection_timeout(5);
  http.set_read_timeout(5);
  httplib::Result r =
      method == "POST" ? http.Post(path, body, "application/octet-stream") : http.Get(path);
  if (!r) return {};
  return {r->status, r->body};
}

// Raw bytes as the request message of `method` (no protobuf encoding).
inline grpc::Status CallRaw(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                     const std::string& body) {
  grpc::GenericStub stub(channel);
  grpc::Slice slice(body);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  grpc::ClientContext c;
  c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  grpc::Status result;
  stub.UnaryCall(&c, method, grpc::StubOptions(), &request, &response, [&](grpc::Status st) {
    std::lock_guard lock(mu);
    result = std::move(st);
    done = true;
    cv.notify_one();
  });
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return done; });
  return result;
}

// Sends `bytes` over plain TCP to 127.0.0.1:`port` and reads until the server closes.
inline std::string RawTcp(int port, const std::string& bytes) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  REQUIRE(fd.get() >= 0);
  timeval tv{5, 0};
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::send(fd.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
          static_cast<ssize_t>(bytes.size()));
  std::string got;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd.get(), buf, sizeof buf, 0)) > 0;) got.append(buf, n);
  return got;
}

// /metrics as series -> value, e.g. `c8s_cds_issued_total{kind="node"}` -> 3.
inline std::map<std::string, double> ScrapeMetrics(int http_port) {
  HttpReply r = Https(http_port, "GET", "/metrics");
  REQUIRE(r.status == 200);
  std::map<std::string, double> out;
  std::istringstream lines(r.body);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    size_t space = line.rfind(' ');
    REQUIRE(space != std::string::npos);
    out[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return out;
}

// The files of <state_dir>/objects (the directory storage) with the SHA-256 of their content.
inline std::map<std::string, std::string> ObjectHashes(const std::string& state_dir) {
  std::map<std::string, std::string> out;
  std::string dir = state_dir + "/objects";
  DIR* d = ::opendir(dir.c_str());
  REQUIRE(d != nullptr);
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    absl::StatusOr<std::string> content = ReadFile(dir + "/" + name, 64 << 20);
    out[name] = content.ok() ? HexEncode(crypto::Sha256(AsBytes(*content))) : "unreadable";
  }
  ::closedir(d);
  return out;
}

// The lines of <state_dir>/audit.jsonl.
inline std::vector<std::string> AuditLines(const std::string& state_dir) {
  std::vector<std::string> lines;
  std::istringstream in(ReadFile(state_dir + "/audit.jsonl").value_or(""));
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

struct CdsSnapshot {
  std::map<std::string, double> metrics;
  std::map<std::string, std::string> objects;
  std::vector<std::string> audit;
  uint64_t generation = 0;  // of the active manifest; 0 while unclaimed
  std::string head;         // the active history entry's hash
};

inline CdsSnapshot TakeSnapshot(const CdsProcess& cds) {
  CdsSnapshot s{ScrapeMetrics(cds.http_port()), ObjectHashes(cds.state_dir()),
                AuditLines(cds.state_dir()), 0, ""};
  auto manifests = v1::Manifest::NewStub(Channel(cds.port()));
  grpc::ClientContext c;
  v1::GetActiveResponse active;
  if (manifests->GetActive(&c, {}, &active).ok()) {
    s.generation = active.generation();
    s.head = active.entry_hash();
  }
  return s;
}

// "series: before -> after" for every metric that changed, except the process's CPU time.
inline std::string MetricChanges(const CdsSnapshot& before, const CdsSnapshot& after) {
  std::map<std::string, double> all = before.metrics;
  all.insert(after.metrics.begin(), after.metrics.end());
  std::string out;
  for (const auto& [series, unused] : all) {
    if (series == "process_cpu_seconds_total") continue;
    auto b = before.metrics.find(series);
    auto a = after.metrics.find(series);
    double from = b == before.metrics.end() ? 0 : b->second;
    double to = a == after.metrics.end() ? 0 : a->second;
    if (from != to) out += StrCat(series, ": ", from, " -> ", to, "\n");
  }
  return out;
}

// The refusal counter of `event` for a refusal whose message starts with `reason`.
inline std::string RefusalSeries(std::string_view event, std::string_view reason) {
  return StrCat("c8s_cds_refusals_total{event=\"", event, "\",reason=\"", ReasonLabel(reason),
                "\"}");
}

struct Refusal {
  grpc::StatusCode code;
  std::string reason;  // the exact message, or its fixed leading part when `prefix`
  bool prefix = false;
  // The Cds event whose refusals are counted by reason; empty when the refusal happens before
  // the CDS core (transport, parsing) and no counter may change at all.
  std::string event;
};

// Runs `attack` and checks that it was refused exactly as `want` says and had no effect: the
// same objects in storage, the same active generation and history head, and no metric changed
// except `want.event`'s refusal counter for this reason, by exactly one; the audit log gained
// exactly that refusal with its reason (nothing when `want.event` is empty).
inline void CheckRefused(const CdsProcess& cds, const Refusal& want,
                         const std::function<grpc::Status()>& attack) {
  CdsSnapshot before = TakeSnapshot(cds);
  grpc::Status st = attack();
  CdsSnapshot after = TakeSnapshot(cds);
  INFO("refused with: " << st.error_code() << " " << st.error_message());
  CHECK(st.error_code() == want.code);
  if (want.prefix) {
    CHECK(st.error_message().rfind(want.reason, 0) == 0);
  } else {
    CHECK(st.error_message() == want.reason);
  }
  CHECK(after.objects == before.objects);
  CHECK(after.generation == before.generation);
  CHECK(after.head == before.head);
  std::string counted;
  if (!want.event.empty()) {
    std::string series = RefusalSeries(want.event, want.reason);
    auto it = before.metrics.find(series);
    double from = it == before.metrics.end() ? 0.0 : it->second;
    counted = StrCat(series, ": ", from, " -> ", from + 1, "\n");
  }
  std::string changes = MetricChanges(before, after);
  CHECK(changes == counted);
  REQUIRE(after.audit.size() == before.audit.size() + (want.event.empty() ? 0 : 1));
  if (!want.event.empty()) {
    nlohmann::json line = nlohmann::json::parse(after.audit.back(), nullptr, false);
    CHECK(line.value("event", "") == want.event);
    CHECK(line.value("outcome", "") == "refused");
    CHECK(line.value("reason", "") == st.error_message());
  }
}

}  // namespace c8s::cds::testing
