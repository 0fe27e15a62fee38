// scenarios/interp/interp.h: runs a checked scenario (scenarios/lang) on the engine.
//
// Design note. check_supported() rejects, before anything is explored, every construct whose
// model does not exist yet (dma_fence/dma_resv/dma_buf, rwlock, rw_semaphore, model-field
// reads): `file:line:col: error: built-in 'X' is not supported yet`, never a wrong verdict.
// run_program() explores the scenario: globals become shared variables / model objects created
// at the start of every execution, `init` runs as the engine's root task before any task is
// spawned, threads and IRQ handlers are spawned through the CPU and IRQ models, `final` runs
// after the join. The kernel and sync plugins of model/ observe every execution.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "checker/explorer.h"
#include "scenarios/lang/ast.h"
#include "scenarios/lang/diag.h"

namespace ravel::interp {

struct Options {
  uint32_t loop_bound = 1000;    // iterations of one loop (language.md section 3)
  uint32_t max_call_depth = 64;  // recursion bound: deeper is a model error
  bool signals = false;          // --signals
  // When set, receives the events of the last execution (--replay prints them).
  std::vector<Event>* record_events = nullptr;
};

struct RunResult {
  ExploreResult result;
  uint64_t discarded = 0;  // executions discarded by a failed assume (included in executions)
};

// Diagnostics (gcc style, one per line) for what the interpreter cannot run yet; empty if none.
std::string check_supported(const lang::Program& prog, const lang::Source& src);

// `explore` supplies strategy, limits and stop_on_first; its plugins list is extended.
RunResult run_program(const lang::Program& prog, const Options& opt, ExploreOptions explore);

}  // namespace ravel::interp
