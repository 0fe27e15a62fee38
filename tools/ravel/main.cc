// tools/ravel/main.cc: the `ravel` executable: global options and command dispatch
// (docs/cli.md). Commands live in cmd_*.cc; library code never calls exit().
// Every result passes through finish_stdout: lost output is an error (exit 3), never exit 0.
#include <cstdio>
#include <exception>
#include <new>
#include <string>
#include <vector>

#include "tools/ravel/cli.h"

namespace {

int dispatch(const std::vector<std::string>& args) {
  using namespace ravel::cli;
  if (args.empty()) {
    std::fputs(general_usage().c_str(), stderr);
    return kExitUsage;
  }
  const std::string& first = args[0];
  if (first == "--version" || first == "-V") {
    if (args.size() > 1) return usage_error("", first + " takes no arguments");
    std::printf("ravel %s\n", RAVEL_VERSION);
    return kExitOk;
  }
  if (first == "--help" || first == "-h") {
    std::fputs(general_usage().c_str(), stdout);
    return kExitOk;
  }
  const Command* cmd = find_command(first);
  if (!cmd) {
    std::string what = first.rfind('-', 0) == 0 ? "unknown option '" : "unknown command '";
    std::fprintf(stderr, "ravel: %s%s'\n\n%s", what.c_str(), first.c_str(),
                 general_usage().c_str());
    return kExitUsage;
  }
  std::vector<std::string> rest(args.begin() + 1, args.end());
  for (const std::string& a : rest) {
    if (a == "--help" || a == "-h") {
      std::fputs(std::string(cmd->usage).c_str(), stdout);
      return kExitOk;
    }
  }
  return cmd->run(rest);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ravel::cli;
  std::vector<std::string> args(argv + 1, argv + argc);
  int rc = kExitInternal;
  try {
    rc = dispatch(args);
  } catch (const std::bad_alloc&) {
    // A resource limit of this machine, not an error of the input (exit 3, not 2).
    std::fputs("ravel: out of memory (a resource limit, not an error of the scenario)\n", stderr);
    return kExitInternal;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ravel: internal error: %s\n", e.what());
    return kExitInternal;
  }
  return finish_stdout(rc);
}
