// tools/ravel/cmd_help.cc: `ravel help [command]`, `ravel help builtins`, `ravel help --man`,
// `ravel help --bash-completion`.
#include <cstdio>

#include "tools/ravel/cli.h"

namespace ravel::cli {
int run_help_builtins();         // cmd_help_builtins.cc
int run_help_man();              // man.cc
int run_help_bash_completion();  // completion.cc
namespace {

constexpr OptionSpec kHelpOptions[] = {{"man", "", ""}, {"bash-completion", "", ""}};

int run_help(const std::vector<std::string>& args) {
  ParsedArgs p;
  if (!parse_args("help", kHelpOptions, args, &p)) return kExitUsage;
  if (p.options.size() + p.positionals.size() > 1) {
    return usage_error("help", "help takes at most one command");
  }
  if (!p.options.empty()) {
    return p.options[0].name == "man" ? run_help_man() : run_help_bash_completion();
  }
  if (p.positionals.empty()) {
    std::fputs(general_usage().c_str(), stdout);
    return kExitOk;
  }
  const std::string& topic = p.positionals[0];
  if (topic == "builtins") return run_help_builtins();
  if (topic == "exit-codes") {
    std::fputs(exit_code_help().c_str(), stdout);
    return kExitOk;
  }
  const Command* c = find_command(topic);
  if (!c) return usage_error("", "unknown command '" + topic + "'");
  std::fputs(std::string(c->usage).c_str(), stdout);
  return kExitOk;
}

}  // namespace

const Command kHelpCommand = {
    "help", "show usage of ravel or of one command",
    "usage: ravel help [command | exit-codes]\n"
    "       ravel help builtins           (the scenario language's built-ins)\n"
    "       ravel help --man              (this help as the manual page ravel(1))\n"
    "       ravel help --bash-completion  (the bash completion script the package installs)\n",
    kHelpOptions, run_help};

}  // namespace ravel::cli
