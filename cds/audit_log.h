// The CDS audit log: one JSON line per issuance, refusal and approval with its reason,
// hash-chained (each line carries the SHA-256 of the previous line) so that an edit, a
// deletion or a truncation before the last known head is detected.
//
//   AuditLog log("/var/lib/c8s-cds/audit.jsonl");            // or AuditLog("") for memory only
//   log.Record("issue-node", "refused", "challenge expired at ...", {{"node", "n1"}});
//   ASSIGN_OR_RETURN(AuditHead head, VerifyAuditLog(text));   // anyone holding the file
#pragma once

#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/base/clock.h"
#include "lib/base/fd.h"

namespace c8s::cds {

inline constexpr std::string_view kAuditGenesis =
    "sha256:0000000000000000000000000000000000000000000000000000000000000000";

struct AuditHead {
  uint64_t seq = 0;  // lines so far
  std::string hash = std::string(kAuditGenesis);
  bool operator==(const AuditHead&) const = default;
};

class AuditLog {
 public:
  // Appends to `path` (created 0600) after verifying what is there; empty path: memory only.
  static absl::StatusOr<std::unique_ptr<AuditLog>> Open(const std::string& path,
                                                        const Clock& clock);

  // Fields: seq, time, event, outcome ("issued", "refused", "activated", ...), reason,
  // details (object), prev. Write failures are logged, never silently dropped.
  void Record(std::string_view event, std::string_view outcome, std::string_view reason,
              nlohmann::json details = nlohmann::json::object());
  AuditHead head() const;
  // The last lines kept in memory (bounded), for tests and /metrics.
  std::vector<std::string> recent() const;

 private:
  AuditLog(UniqueFd fd, const Clock& clock, AuditHead head)
      : fd_(std::move(fd)), clock_(clock), head_(std::move(head)) {}
  UniqueFd fd_;
  const Clock& clock_;
  mutable std::mutex mu_;
  AuditHead head_;
  std::vector<std::string> recent_;
};

// Checks every line's `prev` and `seq`; the head after the last line. Errors name the line.
absl::StatusOr<AuditHead> VerifyAuditLog(std::string_view text);

}  // namespace c8s::cds
