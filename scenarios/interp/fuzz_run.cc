// scenarios/interp/fuzz_run.cc: libFuzzer target for the whole pipeline: check, then explore on
// a small budget (fuzz_run_one.h). Built only with clang and -DRAVEL_FUZZ=ON; run by `tools/dev
// test` for a bounded time over the library, the language tests and the interpreter tests.
// Inputs it finds go to tests/fuzz/run/ as regressions (replayed by fuzz_run_test).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "scenarios/interp/fuzz_run_one.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Longer inputs only slow the search down: the seeds are all under 8 KiB.
  if (size > 8192) return 0;
  std::string what = ravel::interp::fuzz_run_one(std::string(reinterpret_cast<const char*>(data), size));
  if (!what.empty()) {
    std::fprintf(stderr, "fuzz_run: %s\n", what.c_str());
    std::abort();
  }
  return 0;
}
