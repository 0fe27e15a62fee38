// scenarios/interp/fuzz_run_one.h: one input of the run-level fuzzer (fuzz_run.cc), shared with
// the regression test that replays the inputs it found (fuzz_run_test.cc, tests/fuzz/run/).
//
// Design note. An input that `ravel check` accepts is explored for real, on a small budget
// (kFuzzExecutions executions, kFuzzEvents events each, loop bound kFuzzLoopBound): a crash, a
// sanitizer report or a hang is a finding (libFuzzer's own), and so is an internal error of the
// engine, which fuzz_run_one reports by its return value. An error of the scenario (loop bound,
// too many tasks) is the expected answer to many inputs, not a finding.
#pragma once

#include <cstdint>
#include <string>

namespace ravel::interp {

inline constexpr uint64_t kFuzzExecutions = 24;
inline constexpr uint32_t kFuzzEvents = 2000;
inline constexpr uint32_t kFuzzLoopBound = 64;

// Checks and explores `text`. Returns "" when nothing is wrong, else what is (an internal
// error, a result that contradicts itself).
std::string fuzz_run_one(const std::string& text);

}  // namespace ravel::interp
