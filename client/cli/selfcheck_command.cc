#include "client/cli/selfcheck_command.h"

#include <algorithm>

#include "client/cli/app.h"
#include "client/cli/selfcheck.h"
#include "lib/base/strings.h"

namespace c8s::cli {

void RegisterSelfCheckCommands(CLI::App& app, CommandContext& ctx) {
  auto inputs = std::make_shared<SelfCheckInputs>();
  auto write_keys = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "selfcheck",
      "Run named checks of the crypto core and the manifest contract; each prints PASS or "
      "FAIL with the values involved. Exits 1 if any check fails.");
  cmd->add_option("--keys", inputs->keys_dir,
                  "Directory with ca.key/ca.pem, owner.key/owner.pub, recipient.key/"
                  "recipient.pub (default: fresh keys)");
  cmd->add_option("--write-keys", *write_keys,
                  "Write a fresh, consistent key set into DIR and exit");
  cmd->add_option("--manifest-doc", inputs->manifest_doc,
                  "MANIFEST.md whose first ```json block is the example manifest")
      ->default_val("../shared/MANIFEST.md");
  cmd->add_option("--golden", inputs->golden_dir,
                  "Golden manifest fixtures (test/fixtures/manifest)")
      ->default_val("test/fixtures/manifest");
  cmd->callback([inputs, write_keys, &ctx] {
    if (!write_keys->empty()) {
      absl::Status st = WriteSelfCheckKeys(*write_keys);
      if (!st.ok()) {
        ctx.err << "c8sctl selfcheck: " << StatusText(st) << "\n";
        ctx.exit_code = kExitUsage;
        return;
      }
      ctx.out << "wrote a self-check key set to " << *write_keys << "\n";
      return;
    }
    std::vector<CheckResult> results = RunSelfChecks(*inputs);
    ctx.out << FormatCheckResults(results);
    size_t failed = std::count_if(results.begin(), results.end(),
                                  [](const CheckResult& r) { return !r.passed; });
    ctx.out << results.size() - failed << " passed, " << failed << " failed\n";
    ctx.exit_code = failed == 0 ? kExitOk : kExitCheckFailed;
  });
}

}  // namespace c8s::cli
