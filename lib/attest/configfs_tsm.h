// Evidence from the Linux configfs-tsm report interface (kernel >= 6.7), for SEV-SNP and TDX:
// create an entry under <root>/, write inblob (and privlevel), read outblob, auxblob and
// provider, and compare `generation` before and after so that a concurrent writer to the same
// entry is detected (retry, then fail). The root is configurable so that tests run against a
// fake tree.
//   ASSIGN_OR_RETURN(auto p, ConfigfsTsmProvider::Open({}));   // kUnavailable without TSM
//   ASSIGN_OR_RETURN(Evidence ev, p->GetEvidence(report_data));
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "lib/attest/evidence.h"

namespace c8s::attest {

struct ConfigfsTsmOptions {
  std::string root = "/sys/kernel/config/tsm/report";
  // Attempts when `generation` shows a concurrent write; then the call fails.
  int max_attempts = 3;
  // SNP: VMPL to request (privlevel attribute); unset leaves the kernel default.
  std::optional<uint32_t> privlevel;
  // Test seam: called after each step ("mkdir", "write:inblob", "write:privlevel",
  // "read:outblob", "rmdir") with the entry directory, so that a fake kernel can react
  // synchronously (populate attributes, produce the report, remove attributes).
  std::function<void(const std::string& step, const std::string& entry_dir)> fake_kernel;
};

class ConfigfsTsmProvider : public EvidenceProvider {
 public:
  // Fails with kUnavailable (verify_error.h) when `root` does not exist.
  static absl::StatusOr<std::unique_ptr<ConfigfsTsmProvider>> Open(ConfigfsTsmOptions options);

  absl::StatusOr<Evidence> GetEvidence(const ReportData& report_data) override;
  std::string_view Name() const override { return "configfs-tsm"; }

 private:
  explicit ConfigfsTsmProvider(ConfigfsTsmOptions o) : opt_(std::move(o)) {}
  // One attempt; nullopt when the generation check detected a race.
  absl::StatusOr<std::optional<Evidence>> Attempt(const ReportData& report_data);
  ConfigfsTsmOptions opt_;
};

}  // namespace c8s::attest
