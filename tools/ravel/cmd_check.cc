// tools/ravel/cmd_check.cc: `ravel check PATH...`: parse and check scenarios without exploring.
#include <cstdio>

#include "scenarios/litmus/litmus_run.h"
#include "tools/ravel/cli.h"
#include "tools/ravel/run_litmus.h"

namespace ravel::cli {
namespace {

int run_check(const std::vector<std::string>& args) {
  ParsedArgs parsed;
  if (!parse_args("check", {}, args, &parsed)) return kExitUsage;
  const std::vector<std::string>& paths = parsed.positionals;
  if (paths.empty()) return usage_error("check", "check needs at least one PATH");
  std::vector<std::string> files;
  bool ok = collect_scenarios(paths, files, true);
  // In file order: a litmus test is parsed, lowered and screened as `ravel run` would
  // (docs/litmus.md), a scenario parsed and checked.
  for (const std::string& f : files) {
    if (!is_litmus_file(f)) {
      ok = check_scenarios({f}) && ok;
      continue;
    }
    litmus::Loaded l;
    if (std::string diag; !litmus::load_litmus(f, &l, &diag)) {
      std::fputs(diag.c_str(), stderr);
      ok = false;
    }
  }
  return ok ? kExitOk : kExitUsage;
}

}  // namespace

const Command kCheckCommand = {
    "check", "parse and check scenarios without exploring them",
    "usage: ravel check PATH...\n"
    "\n"
    "Parses and checks each scenario (a .ravel file, or a folder searched recursively for\n"
    ".ravel files in sorted order) without exploring it; a .litmus file (folders: next to the\n"
    ".ravel files) is parsed and lowered as 'ravel run' would. Errors are printed to stderr as\n"
    "file:line:col: error: message, with the source line and a caret.\n"
    "\n"
    "Only regular files of at most 1 MiB are read (a device or a FIFO is refused).\n"
    "\n"
    "exit status: 0 every scenario is valid; 2 a scenario does not parse or check, or usage\n"
    "error; 3 the standard output cannot be written. See 'ravel help exit-codes'.\n",
    {}, run_check};

}  // namespace ravel::cli
