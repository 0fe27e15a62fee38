// tests/litmus/lkmm_testing.h: what the lkmm scenario tests share.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "tools/ravel/cli_testing.h"

namespace ravel::cli::testing {

// `ravel run --memory-model lkmm tests/litmus/ravel-bad/NAME.ravel` is refused: exit 2, nothing
// on stdout, and the first error is `message` at the file's own line:col. Returns the file.
inline std::string expect_refused_under_lkmm(const std::string& name, const std::string& message) {
  const std::string file = "tests/litmus/ravel-bad/" + name + ".ravel";
  Result r = ravel("run --memory-model lkmm " + file);
  EXPECT_EQ(r.code, 2) << file << "\n" << r.out << r.err;
  EXPECT_EQ(r.err.rfind(file + message, 0), 0u) << file << "\n" << r.err;
  EXPECT_EQ(r.out, "") << file;
  return file;
}

}  // namespace ravel::cli::testing
