// scenarios/litmus/lkmm_ravel_run.h: a .ravel scenario under --memory-model lkmm: verdicts over
// every LKMM-consistent execution, each violation with a witness (rf and co).
//
// Design note. The scenario's threads (lkmm_ravel.h) go through the litmus enumerator and the
// LKMM (lkmm_enum.h, model/lkmm); every consistent execution is then judged as the sc explorer
// judges an interleaving, with the same violation kinds and messages:
//   assertion  a thread's assert/BUG_ON failed on its path, or final's on the final memory
//   warn       WARN_ON/WARN fired
//   race       the LKMM's data-race flag (plain accesses not ordered: linux-kernel.cat)
//   hang       a thread's await(cond) found cond false reading the co-last write of every
//              location it read: no later write can wake it (an await that read an older value
//              is the same as one that re-reads; that execution is dropped, as GenMC does)
//   deadlock   a thread's lock found the lock held, reading its co-last write: the holder never
//              unlocks (an older write read: the execution is dropped, as for await)
//   lockdep    rcu_dereference outside rcu_read_lock() ("suspicious RCU usage"); a lock-order
//              cycle over the executions judged (lkmm_ravel.h LockOrder)
//   null-deref a dereference of NULL
// An execution in which some thread's assertion ended it does not run final, as under sc.
// The result has the sc run's shape (interp::RunResult), so `expect`, the PASS/FAIL line and
// the JSON object are the same; `executions` counts the consistent executions judged.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "model/lkmm/exec.h"
#include "scenarios/interp/interp.h"
#include "scenarios/lang/ast.h"
#include "scenarios/lang/diag.h"
#include "scenarios/litmus/lkmm_enum.h"

namespace ravel::litmus {

// The execution a violation was found in, for the report: its events (with the thread and the
// scenario position of each) and its rf and co.
struct LkmmWitness {
  lkmm::Execution x;
  std::vector<std::string> thread;  // per event: the task's name ("" for an initial write)
  std::vector<std::string> where;   // per event: file:line:col of its statement
  std::vector<std::string> names;   // per location
};

struct RavelLkmmResult {
  interp::RunResult run;               // executions, violations, complete, elapsed
  std::vector<LkmmWitness> witnesses;  // one per run.result.violations entry
  uint64_t candidates = 0;             // candidate executions checked
  uint64_t runs = 0;                   // thread runs explored (lkmm_enum::Stats::runs)
  uint64_t skeletons = 0;              // the model's skeletons computed (Stats::skeletons)
  uint64_t mismatches = 0;             // Stats::mismatches (Limits::cross_check)
  uint64_t pieces = 0, busiest = 0;    // --threads: Stats::pieces and Stats::busiest
  // Consistent executions dropped because a wait read an older write and would read again:
  // an await re-reads its condition (a woken wait_event too), a lock waits for the unlock.
  uint64_t dropped = 0;       // by an await, wait_for_completion or wait_event that re-reads
  uint64_t dropped_lock = 0;  // by a lock read that saw an older lock write
  // Input, for tests comparing with sc (tests/litmus/lkmm_superset_test.cc): when set, called
  // with the final memory (per location; `names` are the globals) of every judged execution
  // that no thread's assertion or wait ended, as an sc final-state observer after the join.
  std::function<void(const std::vector<std::string>& names, const std::vector<int64_t>& memory)>
      on_final;
};

// Whether lkmm models every construct of the scenario (lkmm_ravel.h screen): false with *diag
// set (the first error rendered at its line:col) otherwise. `ravel run` screens every file
// before running any, as it does under sc.
bool screen_ravel_lkmm(const lang::Program& prog, const lang::Source& src, std::string* diag);

// False with *diag set (errors rendered at the scenario's line:col) when the scenario uses what
// lkmm does not model.
// `limits` may stop the enumeration early: run.result.complete is then false.
bool run_ravel_lkmm(const lang::Program& prog, const lang::Source& src, uint32_t loop_bound,
                    RavelLkmmResult* out, std::string* diag, const lkmm_enum::Limits& limits = {});

// The witness as text (one rf line per read, one co line per location written) and as JSON
// (trace-format.md, "lkmm witness"): {"events": [...], "rf": [[w, r]...], "co": {loc: [w...]}}.
std::string witness_text(const LkmmWitness& w);
std::string witness_json(const LkmmWitness& w);

}  // namespace ravel::litmus
