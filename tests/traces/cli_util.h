// tests/traces/cli_util.h: running the `ravel` binary from tests (RAVEL_CLI, through
// tests/testing/command.h) and reading files.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/testing/command.h"

namespace ravel_traces {

namespace fs = std::filesystem;
inline const std::string kSrc = RAVEL_SOURCE_DIR;
inline const std::string kCli = RAVEL_CLI;

using Result = ravel::test_support::CommandResult;
using ravel::test_support::slurp;

// A scratch folder of this test process.
inline fs::path scratch() {
  fs::path d = fs::temp_directory_path() / ("ravel_traces_test_" + std::to_string(getpid()));
  fs::create_directories(d);
  return d;
}

// Runs `ravel ARGS` through the shell (ARGS may hold quoted words).
inline Result run_cli(const std::string& args) {
  return ravel::test_support::run_command(kCli + " " + args, true);
}

}  // namespace ravel_traces
