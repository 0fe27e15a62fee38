// scenarios/interp/fuzz_run_test.cc: the inputs the run-level fuzzer found (tests/fuzz/run/),
// and the hostile inputs that once crashed or hung ravel, replayed through fuzz_run_one in every build: each once
// crashed, hung or gave an internal error.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "scenarios/interp/fuzz_run_one.h"

namespace ravel::interp {
namespace {

TEST(FuzzRun, RegressionInputsRunCleanly) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(RAVEL_SOURCE_DIR) / "tests/fuzz/run";
  int n = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".ravel") continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    EXPECT_EQ(fuzz_run_one(ss.str()), "") << e.path();
    ++n;
  }
  EXPECT_GE(n, 1);
}

}  // namespace
}  // namespace ravel::interp
