#include "client/component/processes.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch_test_macros.hpp>
#include <chrono>
#include <thread>

#include "lib/base/fd.h"
#include "test/support/test_env.h"

namespace c8s::testing {

std::string SimulatedMeasurementHex() {
  std::string s;
  for (int i = 0; i < 48; ++i) s += "5a";
  return s;
}

namespace {

std::vector<char*> Argv(std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return argv;
}

}  // namespace

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
  pid_ = ::fork();
  if (pid_ == 0) {
    int log = ::open((dir_ + "/cds.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (log >= 0) ::dup2(log, 2);
    std::vector<char*> argv = Argv(args);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  for (int i = 0; i < 600 && port_ == 0; ++i) {
    auto p = ReadFile(port_file);
    if (p.ok() && !p->empty()) {
      port_ = std::stoi(*p);
    } else {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        FAIL("c8s-cds exited early: " << ReadFile(dir_ + "/cds.log").value_or(""));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  REQUIRE(port_ != 0);
}

void CdsProcess::Stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

CdsProcess::~CdsProcess() { Stop(); }

Ctl RunCtl(const std::vector<std::string>& args_in, const std::string& stdin_text) {
  TempDir io;
  std::string in = io.Path("stdin"), out = io.Path("stdout"), err = io.Path("stderr");
  REQUIRE(WriteFile(in, stdin_text).ok());
  std::vector<std::string> args = {BinaryPath("bin/c8sctl")};
  args.insert(args.end(), args_in.begin(), args_in.end());
  pid_t pid = ::fork();
  if (pid == 0) {
    int fds[3] = {::open(in.c_str(), O_RDONLY), ::open(out.c_str(), O_WRONLY | O_CREAT, 0644),
                  ::open(err.c_str(), O_WRONLY | O_CREAT, 0644)};
    for (int i = 0; i < 3; ++i) ::dup2(fds[i], i);
    std::vector<char*> argv = Argv(args);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  Ctl r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = ReadFile(out).value_or("");
  r.err = ReadFile(err).value_or("");
  return r;
}

}  // namespace c8s::testing
