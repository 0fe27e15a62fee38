// tests/testing/command.h: runs a command line from a test and captures what it printed and its
// exit status (the tests that run the built `ravel`, RAVEL_CLI, as a user would). Test-only,
// header-only.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace ravel::test_support {

struct CommandResult {
  int code = -1;          // exit status; 128 + N when killed by signal N (as a shell reports it)
  bool signaled = false;  // killed by a signal: a crash (SIGSEGV, SIGABRT) unless the test sent it
  std::string out, err;
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void set_status(CommandResult* r, int status) {
  r->signaled = WIFSIGNALED(status);
  r->code = WIFEXITED(status) ? WEXITSTATUS(status) : r->signaled ? 128 + WTERMSIG(status) : -1;
}

// Runs `cmd` through the shell and captures its stdout; stderr goes where the command line sends
// it, or into `err` when `capture_err` (a file per test process: ctest runs tests in parallel).
inline CommandResult run_command(const std::string& cmd, bool capture_err = false) {
  CommandResult r;
  std::string err_file;
  std::string line = cmd;
  if (capture_err) {
    err_file = (std::filesystem::temp_directory_path() /
                ("ravel_test_stderr_" + std::to_string(::getpid()) + ".txt"))
                   .string();
    line += " 2>" + err_file;
  }
  FILE* p = popen(line.c_str(), "r");
  if (p == nullptr) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  set_status(&r, pclose(p));
  if (capture_err) {
    r.err = slurp(err_file);
    std::remove(err_file.c_str());
  }
  return r;
}

}  // namespace ravel::test_support
