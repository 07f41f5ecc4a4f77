#include "node-agent/cli/app.h"

#include "node-agent/cli/command.h"

namespace c8s::node_agent {

int RunNodeAgent(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  CLI::App app("c8s-node-agent: per-node agent of a c8s confidential cluster", "c8s-node-agent");
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show help for every subcommand");
  CommandContext ctx{out, err};
  RegisterAllCommands(app, ctx);
  std::vector<std::string> reversed(args.rbegin(), args.rend() - (args.empty() ? 0 : 1));
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return kExitOk;
  } catch (const CLI::CallForAllHelp&) {
    out << app.help("", CLI::AppFormatMode::All);
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) {  // subcommand --help
      app.exit(e, out, err);
      return kExitOk;
    }
    err << "c8s-node-agent: " << e.what() << "\n(run with --help for usage)\n";
    return kExitUsage;
  }
  return ctx.exit_code;
}

}  // namespace c8s::node_agent
