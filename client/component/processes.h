// Test-only: a real c8s-cds process on loopback with simulated own evidence, and runs of the
// real c8sctl binary with their exit code, stdout and stderr.
//
//   CdsProcess cds(dir.Path("cds"));                 // --simulate-own-evidence
//   Ctl r = RunCtl({"verify", "--cds", cds.target(), ...});
//   CHECK(r.code == 1);  CHECK(r.err.find("REFUSED (report-data)") != npos);
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace c8s::testing {

inline const std::string kCdsImage = "sha256:" + std::string(64, '7');
// The launch measurement of lib/attest's simulated SEV-SNP (SimulatedSnpConfig default).
std::string SimulatedMeasurementHex();

class CdsProcess {
 public:
  // Starts c8s-cds on 127.0.0.1:0 with its state in `dir` (created), simulated own evidence
  // whose root it writes to root_pem(); waits for the port.
  explicit CdsProcess(std::string dir, std::vector<std::string> extra_flags = {});
  ~CdsProcess();
  CdsProcess(const CdsProcess&) = delete;
  CdsProcess& operator=(const CdsProcess&) = delete;

  void Stop();
  std::string target() const { return "127.0.0.1:" + std::to_string(port_); }
  const std::string& root_pem() const { return root_; }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_, root_;
  pid_t pid_ = -1;
  int port_ = 0;
};

struct Ctl {
  int code = -1;
  std::string out, err;
};

// Runs build/bin/c8sctl with `args`; `stdin_text` is fed to its stdin.
Ctl RunCtl(const std::vector<std::string>& args, const std::string& stdin_text = "");

}  // namespace c8s::testing
