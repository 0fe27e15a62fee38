// bench/programs.h: the classic DPOR benchmark programs (docs/bench.md), written with the engine's
// test primitives (checker/testing/primitives.h). Shared by ravel-bench and the dpor tests, so
// that the counts the tests pin are the counts the benchmark reports.
//
// Every program checks its postcondition with testing::check (a fatal `assertion` violation).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "checker/explorer.h"

namespace ravel::bench {

struct Program {
  std::string name;  // "mutex_counter(3,2)"
  SetupFn setup;
  SetupFn final_fn;                 // may be empty
  std::optional<uint64_t> optimal;  // executions of an optimal reduction, when known
};

Program mutex_counter(int n, int k);   // (NK)! / (K!)^N
Program independent(int t, int m);     // 1
Program shared_counter(int t, int m);  // (TM)! / (M!)^T
Program readers(int n);                // 2^N
Program lastzero(int n);               // 64, 3328, 147456 for 5, 10, 15 (bench.md)
Program indexer(int n);                // 8 for 12, 4096 for 15 (bench.md)
Program abba_deadlock();               // two tasks lock A,B and B,A: a deadlock exists

// The suite of bench.md, in its order.
std::vector<Program> suite();

}  // namespace ravel::bench
