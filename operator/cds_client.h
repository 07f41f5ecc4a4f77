// What the operator asks the CDS (c8s.cds.v1 Manifest service): propose a compiled manifest,
// and read what is pending and what is active. The operator holds no keys and cannot approve
// or activate anything: these three calls are all it can do. grpc_cds_client.h is the real
// implementation (TLS, CDS CA pinned); tests of the decide logic need none.
//
//   ASSIGN_OR_RETURN(ProposeResult r, cds->Propose(compiled.canonical));
//   ASSIGN_OR_RETURN(CdsView v, cds->View(compiled.hash));   // pending? active?
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace c8s::op {

struct ProposeResult {
  std::string manifest_hash = {};
  bool activated = false;  // owner-enabled Automatic mode activated it at once
  int64_t generation = 0;  // the active generation after the call
};

// The CDS's manifest state as the operator sees it.
struct CdsView {
  bool claimed = false;
  std::string active_hash = {};  // empty while unclaimed
  int64_t active_generation = 0;
  std::string active_json = {};  // canonical bytes of the active manifest
  bool pending = false;          // the manifest asked about is among the pending proposals
};

class CdsClient {
 public:
  virtual ~CdsClient() = default;
  virtual absl::StatusOr<ProposeResult> Propose(const std::string& canonical_json) = 0;
  // Active state, and whether `pending_hash` (if not empty) is pending.
  virtual absl::StatusOr<CdsView> View(const std::string& pending_hash) = 0;
  // "127.0.0.1:7443", for logs and status messages.
  virtual std::string target() const = 0;
};

}  // namespace c8s::op
