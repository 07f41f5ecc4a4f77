// Test-only: real c8s-cds and c8s-node-agent processes on loopback, their logs in files, and
// reading the agent's /metrics.
#pragma once

#include <httplib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch_test_macros.hpp>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "lib/base/child_process.h"
#include "lib/base/fd.h"
#include "test/support/test_env.h"

namespace c8s::agent::testing {

class Process {
 public:
  // Starts `argv` with stdout and stderr appended to `log`.
  Process(std::vector<std::string> argv, std::string log) : log_(std::move(log)) {
    ChildOptions io;
    io.stdout_path = io.stderr_path = log_;
    io.append = true;
    absl::StatusOr<pid_t> pid = SpawnChild(std::move(argv), io);
    REQUIRE(pid.ok());
    pid_ = *pid;
  }
  ~Process() { Stop(); }
  void Stop() {
    StopChild(pid_);
    pid_ = -1;
  }
  bool Running() { return pid_ > 0 && ::waitpid(pid_, nullptr, WNOHANG) == 0; }
  std::string Log() const { return ReadFile(log_).value_or(""); }

 private:
  pid_t pid_ = -1;
  std::string log_;
};

inline bool Eventually(const std::function<bool()>& f, absl::Duration limit = absl::Seconds(60)) {
  absl::Time end = absl::Now() + limit;
  while (absl::Now() < end) {
    if (f()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return f();
}

inline int WaitForPortFile(const std::string& path) {
  int port = 0;
  Eventually([&] {
    auto p = ReadFile(path);
    if (p.ok() && !p->empty()) port = std::stoi(*p);
    return port != 0;
  });
  return port;
}

// The agent's /metrics as name{labels} -> value (unlabelled gauges by name).
inline std::map<std::string, double> Metrics(int port) {
  httplib::Client http("127.0.0.1", port);
  auto res = http.Get("/metrics");
  std::map<std::string, double> out;
  if (!res || res->status != 200) return out;
  size_t pos = 0;
  const std::string& body = res->body;
  while (pos < body.size()) {
    size_t end = body.find('\n', pos);
    if (end == std::string::npos) end = body.size();
    std::string line = body.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty() || line[0] == '#') continue;
    size_t sp = line.rfind(' ');
    if (sp == std::string::npos) continue;
    out[line.substr(0, sp)] = std::stod(line.substr(sp + 1));
  }
  return out;
}

inline double Metric(int port, const std::string& name) {
  auto m = Metrics(port);
  auto it = m.find(name);
  return it == m.end() ? -1 : it->second;
}

}  // namespace c8s::agent::testing
