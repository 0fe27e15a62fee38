// tools/ravel/cmd_help.cc: `ravel help [command]`, `ravel help builtins`.
#include <cstdio>

#include "tools/ravel/cli.h"

namespace ravel::cli {
int run_help_builtins();  // cmd_help_builtins.cc
int run_help_man();       // man.cc
namespace {

int run_help(const std::vector<std::string>& args) {
  if (args.empty()) {
    std::fputs(general_usage().c_str(), stdout);
    return kExitOk;
  }
  if (args.size() > 1) return usage_error("help", "help takes at most one command");
  if (args[0] == "builtins") return run_help_builtins();
  if (args[0] == "--man") return run_help_man();
  if (args[0] == "exit-codes") {
    std::fputs(exit_code_help().c_str(), stdout);
    return kExitOk;
  }
  const Command* c = find_command(args[0]);
  if (!c) return usage_error("", "unknown command '" + args[0] + "'");
  std::fputs(std::string(c->usage).c_str(), stdout);
  return kExitOk;
}

}  // namespace

const Command kHelpCommand = {"help", "show usage of ravel or of one command",
                              "usage: ravel help [command | exit-codes]\n"
                              "       ravel help builtins   (the scenario language's built-ins)\n"
                              "       ravel help --man      (this help as the manual page ravel(1))\n",
                              run_help};

}  // namespace ravel::cli
