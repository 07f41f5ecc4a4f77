// Where manifest writes go (ARCHITECTURE.md §3.1 step 6: one elected replica serializes all
// writes): this replica's Cds when it leads or runs alone, the leader over the replica link
// otherwise (replica_link.h).
//
//   LocalWrites local(&runtime);
//   ASSIGN_OR_RETURN(Activation a, router->Approve(statement, "alice", sig));
#pragma once

#include <string_view>

#include "absl/status/statusor.h"
#include "cds/runtime.h"
#include "lib/base/status.h"

namespace c8s::cds {

class WriteRouter {
 public:
  virtual ~WriteRouter() = default;
  virtual absl::StatusOr<Proposal> Propose(std::string_view manifest_json) = 0;
  virtual absl::StatusOr<Activation> Claim(std::string_view manifest_json,
                                           std::string_view statement_json, std::string_view owner,
                                           ByteSpan signature) = 0;
  virtual absl::StatusOr<Activation> Approve(std::string_view statement_json,
                                             std::string_view owner, ByteSpan signature) = 0;
};

class LocalWrites : public WriteRouter {
 public:
  explicit LocalWrites(CdsRuntime* rt) : rt_(rt) {}
  absl::StatusOr<Proposal> Propose(std::string_view manifest_json) override {
    ASSIGN_OR_RETURN(std::shared_ptr<Cds> cds, Open());
    return cds->Propose(manifest_json);
  }
  absl::StatusOr<Activation> Claim(std::string_view manifest_json, std::string_view statement,
                                   std::string_view owner, ByteSpan signature) override {
    ASSIGN_OR_RETURN(std::shared_ptr<Cds> cds, Open());
    return cds->Claim(manifest_json, statement, owner, signature);
  }
  absl::StatusOr<Activation> Approve(std::string_view statement, std::string_view owner,
                                     ByteSpan signature) override {
    ASSIGN_OR_RETURN(std::shared_ptr<Cds> cds, Open());
    return cds->Approve(statement, owner, signature);
  }

 private:
  absl::StatusOr<std::shared_ptr<Cds>> Open() {
    std::shared_ptr<Cds> cds = rt_->cds();
    if (cds == nullptr) return absl::UnavailableError("sealed: this CDS has no seed yet");
    return cds;
  }
  CdsRuntime* rt_;
};

}  // namespace c8s::cds
