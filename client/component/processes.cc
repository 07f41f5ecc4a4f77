#include "client/component/processes.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch_test_macros.hpp>

#include "lib/base/child_process.h"
#include "lib/base/fd.h"
#include "test/support/test_env.h"

namespace c8s::testing {

std::string SimulatedMeasurementHex() {
  std::string s;
  for (int i = 0; i < 48; ++i) s += "5a";
  return s;
}

CdsProcess::CdsProcess(std::string dir, std::vector<std::string> extra) : dir_(std::move(dir)) {
  ::mkdir(dir_.c_str(), 0700);
  root_ = dir_ + "/own-root.pem";
  std::string port_file = dir_ + "/port";
  ::unlink(port_file.c_str());
  std::vector<std::string> args = {BinaryPath("bin/c8s-cds"),
                                   "--listen",
                                   "127.0.0.1:0",
                                   "--state-dir",
                                   dir_ + "/state",
                                   "--simulate-own-evidence",
                                   "--own-simulated-root-out",
                                   root_,
                                   "--image-digest",
                                   kCdsImage,
                                   "--port-file",
                                   port_file,
                                   "--log-level",
                                   "warn"};
  args.insert(args.end(), extra.begin(), extra.end());
  ChildOptions io;
  io.stderr_path = dir_ + "/cds.log";
  io.append = true;
  absl::StatusOr<pid_t> pid = SpawnChild(std::move(args), io);
  REQUIRE(pid.ok());
  pid_ = *pid;
  absl::StatusOr<int> port = WaitForPortFile(port_file, pid_);
  if (!port.ok()) {
    pid_ = -1;  // gone: WaitForPortFile reaps a child that failed to start
    FAIL(port.status() << "; its log: " << ReadFile(dir_ + "/cds.log").value_or(""));
  }
  port_ = *port;
}

void CdsProcess::Stop() {
  StopChild(pid_);
  pid_ = -1;
}

CdsProcess::~CdsProcess() { Stop(); }

Ctl RunCtl(const std::vector<std::string>& args_in, const std::string& stdin_text) {
  TempDir io;
  std::string in = io.Path("stdin"), out = io.Path("stdout"), err = io.Path("stderr");
  REQUIRE(WriteFile(in, stdin_text).ok());
  std::vector<std::string> args = {BinaryPath("bin/c8sctl")};
  args.insert(args.end(), args_in.begin(), args_in.end());
  absl::StatusOr<pid_t> pid = SpawnChild(std::move(args), {in, out, err});
  REQUIRE(pid.ok());
  ChildExit exit = StopChild(*pid, 0);
  Ctl r;
  r.code = exit.ExitCode();
  r.out = ReadFile(out).value_or("");
  r.err = ReadFile(err).value_or("");
  return r;
}

}  // namespace c8s::testing
