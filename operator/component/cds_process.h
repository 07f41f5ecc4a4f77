// Test-only: a real c8s-cds process on loopback (build/bin/c8s-cds with simulated own
// evidence, as the CDS's component tests run it) and the owner's side of approval: read the
// pending proposal, sign the approval statement with lib/manifest, claim or approve.
//
//   CdsProcess cds(dir.Path("cds"));
//   std::string ca = cds.CaPem();
//   REQUIRE(cds.Approve(hash, owner_key, "alice").ok());
#pragma once

#include <sys/types.h>

#include <string>

#include "absl/status/statusor.h"
#include "lib/crypto/keys.h"
#include "nlohmann/json.hpp"

namespace c8s::op::testing {

class CdsProcess {
 public:
  // Starts c8s-cds with its state in `dir` on 127.0.0.1:`port` (0: any) and waits for it.
  explicit CdsProcess(std::string dir, int port = 0);
  ~CdsProcess();

  void Kill();   // SIGKILL: a crash, nothing flushed beyond what the CDS persisted
  void Stop();   // SIGTERM
  void Start();  // again, same state and port: the same CA (sealed state), same address
  bool running() const { return pid_ > 0; }

  int port() const { return port_; }
  std::string address() const;
  // The CDS CA certificate (PEM), from GetAttestation; what `c8sctl verify` would pin.
  std::string CaPem();
  // The pending proposal `hash` (canonical manifest JSON), or NotFound.
  absl::StatusOr<std::string> Pending(const std::string& hash);
  // Claim (while unclaimed) or Approve the pending proposal `hash` as owner `owner`;
  // returns the new generation.
  absl::StatusOr<int64_t> Approve(const std::string& hash, const crypto::PrivateKey& key,
                                  const std::string& owner);
  // Active manifest hash and generation ("" / 0 while unclaimed).
  std::pair<std::string, int64_t> Active();
  // Propose events in the CDS's audit log (refusals included, outcome in the line).
  std::vector<nlohmann::json> ProposeEvents() const;

 private:
  std::string dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace c8s::op::testing
