// c8s-bench-operator: the real c8s-cds as a child process on loopback, and the two calls the
// benchmark makes itself (the CA to pin, and the pending proposal to check).
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace c8s::bench {

class CdsChild {
 public:
  // `binary`: path of c8s-cds; state goes to `dir`.
  static absl::StatusOr<std::unique_ptr<CdsChild>> Start(const std::string& binary,
                                                         const std::string& dir);
  ~CdsChild();
  std::string address() const;
  absl::StatusOr<std::string> CaPem() const;
  absl::StatusOr<std::string> Pending(const std::string& hash) const;
  // SIGTERM, wait; the child's CPU seconds (user + system).
  double Stop();

 private:
  CdsChild(pid_t pid, int port) : pid_(pid), port_(port) {}
  pid_t pid_;
  int port_;
};

}  // namespace c8s::bench
