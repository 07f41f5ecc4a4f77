#include "client/cli/app.h"

#include "client/cli/command.h"
#include "client/cli/register.h"

namespace c8s::cli {

int RunC8sctl(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
              client::CdsConnector connect) {
  CLI::App app("c8sctl: verify and administer a c8s confidential cluster", "c8sctl");
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show help for every subcommand");
  CommandContext ctx{out, err, 0, std::move(connect)};
  RegisterAllCommands(app, ctx);

  std::vector<std::string> reversed(args.rbegin(), args.rend() - (args.empty() ? 0 : 1));
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp& e) {
    out << app.help();
    return kExitOk;
  } catch (const CLI::CallForAllHelp& e) {
    out << app.help("", CLI::AppFormatMode::All);
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    // Subcommand help: CLI11 reports it as a ParseError with exit code 0.
    if (e.get_exit_code() == 0) {
      app.exit(e, out, err);
      return kExitOk;
    }
    err << "c8sctl: " << e.what() << "\n(run with --help for usage)\n";
    return kExitUsage;
  }
  return ctx.exit_code;
}

}  // namespace c8s::cli
