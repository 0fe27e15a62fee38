// tools/ravel/cmd_lockorder.cc: `ravel lockorder PATH... [--out FILE] [--baseline FILE]`.
// Arguments are validated and scenarios checked; collection needs the interpreter (exit 3).
#include <cstdio>

#include "tools/ravel/cli.h"

namespace ravel::cli {
namespace {

int run_lockorder(const std::vector<std::string>& args) {
  std::vector<std::string> paths;
  std::string out, baseline;
  for (size_t i = 0; i < args.size(); ++i) {
    bool missing = false;
    if (take_value(args, i, "out", out, missing) ||
        take_value(args, i, "baseline", baseline, missing)) {
      if (missing) return usage_error("lockorder", "option " + args[i] + " needs a FILE");
    } else if (args[i].size() > 1 && args[i][0] == '-') {
      return usage_error("lockorder", "unknown option '" + args[i] + "'");
    } else {
      paths.push_back(args[i]);
    }
  }
  if (paths.empty()) return usage_error("lockorder", "lockorder needs at least one PATH");
  std::vector<std::string> files;
  bool ok = collect_scenarios(paths, files);
  if (!check_scenarios(files) || !ok) return kExitUsage;
  std::fputs("ravel lockorder: not implemented yet\n", stderr);
  return kExitInternal;
}

}  // namespace

const Command kLockorderCommand = {
    "lockorder", "collect the lock-class orderings scenarios exercise; diff with a baseline",
    "usage: ravel lockorder PATH... [--out FILE] [--baseline FILE]\n"
    "\n"
    "Explores the scenarios and collects every lock-class ordering observed (A taken while B\n"
    "held, with IRQ context).\n"
    "  --out FILE        write the orderings to FILE\n"
    "  --baseline FILE   fail (exit 1) on every ordering or cycle not in FILE, printed as a diff\n",
    run_lockorder};

}  // namespace ravel::cli
