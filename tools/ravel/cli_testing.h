// tools/ravel/cli_testing.h: runs the built `ravel` (RAVEL_CLI) from the repo root, as a user
// would, for the command-line tests (exit_codes_test.cc, cli_table_test.cc). Test-only. The
// result and the status decoding are tests/testing/command.h's; this file adds the runs that
// need `exec` (a signal shows in the status) and an interrupt.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/testing/command.h"

namespace ravel::cli::testing {

using Result = ::ravel::test_support::CommandResult;
using ::ravel::test_support::slurp;

// A per-process scratch path (ctest runs test binaries in parallel).
inline std::string scratch(const std::string& name) {
  return ::testing::TempDir() + "/ravel_cli_" + std::to_string(::getpid()) + "_" + name;
}

// Runs `LAUNCHER ravel ARGS` through the shell from the repo root (LAUNCHER: a command that
// runs ravel, such as mpirun; may be empty); stdout goes to `stdout_to` (a file such as
// /dev/full) when given. `limit` is a shell prefix such as "ulimit -v 400000;".
inline Result ravel_via(const std::string& launcher, const std::string& args,
                        const std::string& stdout_to = "", const std::string& limit = "") {
  std::string out = scratch("out"), err = scratch("err");
  std::string cmd = limit + "cd '" RAVEL_SOURCE_DIR "' && exec " + launcher + " '" RAVEL_CLI
                    "' " + args + " >" + (stdout_to.empty() ? out : stdout_to) + " 2>" + err;
  int status = std::system(cmd.c_str());
  Result r;
  // `exec` replaces the shell: a signal that kills ravel shows in the status itself.
  ::ravel::test_support::set_status(&r, status);
  r.out = slurp(out);
  r.err = slurp(err);
  std::remove(out.c_str());
  std::remove(err.c_str());
  return r;
}

inline Result ravel(const std::string& args, const std::string& stdout_to = "",
                    const std::string& limit = "") {
  return ravel_via("", args, stdout_to, limit);
}

// Starts `LAUNCHER... ravel ARGV...` from the repo root (LAUNCHER: e.g. env and mpirun with
// their arguments; empty: ravel itself), waits until its stdout holds `ready` (or 60 s) and then
// `settle_ms`, sends `sig` to the process started, and returns what it printed and its status.
inline Result ravel_interrupted(const std::vector<std::string>& argv, const std::string& ready,
                                int sig, const std::vector<std::string>& launcher = {},
                                int settle_ms = 100) {
  std::string out = scratch("iout"), err = scratch("ierr");
  pid_t pid = ::fork();
  if (pid == 0) {
    if (::chdir(RAVEL_SOURCE_DIR) != 0) ::_exit(127);
    int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(o, 1);
    ::dup2(e, 2);
    std::vector<char*> args;
    for (const std::string& a : launcher) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(const_cast<char*>(RAVEL_CLI));
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  for (int i = 0; i < 6000 && slurp(out).find(ready) == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  // The scenario after `ready` is being explored now (it runs for seconds): interrupt it.
  std::this_thread::sleep_for(std::chrono::milliseconds(settle_ms));
  ::kill(pid, sig);
  int status = 0;
  ::waitpid(pid, &status, 0);
  Result r;
  ::ravel::test_support::set_status(&r, status);
  r.out = slurp(out);
  r.err = slurp(err);
  std::remove(out.c_str());
  std::remove(err.c_str());
  return r;
}

}  // namespace ravel::cli::testing
