// `c8sctl selfcheck`: named end-to-end checks of the crypto core and the manifest contract,
// each reported as PASS or FAIL with the values involved. `make demo` runs it.
//
//   SelfCheckInputs in{.keys_dir = dir, .manifest_doc = "../shared/MANIFEST.md"};
//   std::vector<CheckResult> results = RunSelfChecks(in);
//   bool ok = std::all_of(..., [](auto& r) { return r.passed; });
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace c8s::cli {

struct CheckResult {
  std::string name;
  bool passed = false;
  std::string detail;  // the values involved, or the precise reason for a failure
};

struct SelfCheckInputs {
  // Directory with ca.key + ca.pem, owner.key + owner.pub, recipient.key + recipient.pub.
  // Empty: fresh keys are generated in memory.
  std::string keys_dir;
  // ../shared/MANIFEST.md: its first ```json block is the example manifest.
  std::string manifest_doc;
  // test/fixtures/manifest: the golden manifest and its hash.
  std::string golden_dir;
};

// Writes a fresh, consistent key set into `dir` (the files SelfCheckInputs::keys_dir reads).
absl::Status WriteSelfCheckKeys(const std::string& dir);

std::vector<CheckResult> RunSelfChecks(const SelfCheckInputs& inputs);

// "PASS name: detail" per line.
std::string FormatCheckResults(const std::vector<CheckResult>& results);

}  // namespace c8s::cli
