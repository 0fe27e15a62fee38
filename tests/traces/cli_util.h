// tests/traces/cli_util.h: running the `ravel` binary from tests (RAVEL_CLI) and reading files.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace ravel_traces {

namespace fs = std::filesystem;
inline const std::string kSrc = RAVEL_SOURCE_DIR;
inline const std::string kCli = RAVEL_CLI;

struct Result {
  int code = -1;
  std::string out, err;
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A scratch folder of this test process.
inline fs::path scratch() {
  fs::path d = fs::temp_directory_path() / ("ravel_traces_test_" + std::to_string(getpid()));
  fs::create_directories(d);
  return d;
}

// Runs `ravel ARGS` through the shell (ARGS may hold quoted words).
inline Result run_cli(const std::string& args) {
  std::string err_file = (scratch() / "stderr.txt").string();
  std::string cmd = kCli + " " + args + " 2>" + err_file;
  Result r;
  FILE* p = popen(cmd.c_str(), "r");
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.err = slurp(err_file);
  return r;
}

}  // namespace ravel_traces
