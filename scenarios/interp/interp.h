// scenarios/interp/interp.h: runs a checked scenario (scenarios/lang) on the engine.
//
// Design note. check_supported() rejects, before anything is explored, every construct whose
// model does not exist yet (dma_fence/dma_resv/dma_buf, rwlock, rw_semaphore, model-field
// reads): `file:line:col: error: built-in 'X' is not supported yet`, never a wrong verdict.
// run_program() explores the scenario: globals become shared variables / model objects created
// at the start of every execution, `init` runs as the engine's root task before any task is
// spawned, threads and IRQ handlers are spawned through the CPU and IRQ models, `final` runs
// after the join. The kernel and sync plugins of model/ observe every execution.
// make_setup() exposes what run_program() explores -- the setup and final functions and FRESH
// model plugins -- so a violation's schedule can be replayed with the same model options
// (report::record_trace, `ravel run --trace/--replay`). Fresh plugins matter: lockdep keeps its
// dependency graph across the executions of one exploration, like the kernel across a boot.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "checker/explorer.h"
#include "checker/parallel.h"
#include "scenarios/lang/ast.h"
#include "scenarios/lang/diag.h"

namespace ravel::interp {

struct Options {
  uint32_t loop_bound = 1000;    // iterations of one loop (language.md section 3)
  uint32_t max_call_depth = 64;  // recursion bound: deeper is a model error
  bool signals = false;          // --signals
  bool early_timeouts = false;   // --timeouts=early (model::KernelOptions::early_timeouts)
  // Identical threads start in declaration order only (symmetry.h; --no-reduction=symmetry).
  bool symmetry = true;
  // Models' internal spinlock sections as one step (model::KernelOptions::coarse_sections;
  // --no-reduction=coarse). The program can still turn it off (coarse_sections_allowed).
  bool coarse = true;
};

// The model-affecting options as (name, value) pairs, fixed order (trace documents embed them),
// and the `ravel run` flags that reproduce the non-default ones (for the replay command line).
std::vector<std::pair<std::string, std::string>> model_options(const Options& opt);
std::vector<std::string> replay_flags(const Options& opt);

struct RunResult {
  ExploreResult result;
  uint64_t discarded = 0;  // executions discarded by a failed assume (ExploreResult::discarded)
};

// Diagnostics (gcc style, one per line) for what the interpreter cannot run yet; empty if none.
std::string check_supported(const lang::Program& prog, const lang::Source& src);
// Whether the program calls synchronize_rcu, call_rcu, kfree_rcu or rcu_barrier, or a built-in
// that may free a fence with kfree_rcu (dma_fence_put, dma_resv_add_fence): then the RCU model
// counts atomic regions as readers (model::KernelOptions::rcu_consolidated).
bool uses_grace_periods(const lang::Program& prog);
// Whether the program calls the built-in `name` anywhere (a function it never calls included).
bool calls_builtin(const lang::Program& prog, const std::string& name);
// Whether the program allows coarse sections: it reads no lock word without taking it
// (spin_trylock, raw_spin_trylock, spin_is_locked).
bool coarse_sections_allowed(const lang::Program& prog);
// Whether the scenario's own code (not <linux/list.h>'s) uses a fence's cb_list or a
// dma_fence_cb's node or func: the fences' callback lists are then its memory
// (fence_cb_list.cc, model/dma_fence.h DmaFenceCbMemory).
bool fence_cb_in_memory(const lang::Program& prog);

// One exploration's interpreter state and model plugins. setup()/final_fn() refer to it: the
// session must outlive every explore() that uses them, and serves one explore() only.
class Session {
 public:
  Session(const lang::Program& prog, const Options& opt);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  const SetupFn& setup() const;
  const SetupFn& final_fn() const;  // empty when the scenario has no `final`
  // Appends the kernel and sync plugins and raises the fiber stack size (tree walking).
  void prepare(ExploreOptions* ex) const;
  uint64_t discarded() const;  // executions discarded by a failed assume so far
  // The value of global `slot` (its Binding::kGlobal index) in the execution being finished,
  // read without a scheduling point: for observers of the final state that run after `final`
  // (litmus tests, scenarios/litmus). An integer in decimal, a reference to a global by that
  // global's name, NULL as 0; "?" for anything else (a heap object, a function).
  std::string final_value(uint32_t slot) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::unique_ptr<Session> make_setup(const lang::Program& prog, const Options& opt);

// `explore` supplies strategy, limits and stop_on_first; its plugins list is extended.
RunResult run_program(const lang::Program& prog, const Options& opt, ExploreOptions explore);
// The same exploration on par.threads threads (checker/parallel.h): every piece gets its own
// Session, so the pieces share nothing but the program. The same result as run_program.
RunResult run_program_parallel(const lang::Program& prog, const Options& opt,
                               const ExploreOptions& explore, const ParallelOptions& par,
                               ParallelStats* stats);
// What each piece of those runs in: a new Session of the program (a remote worker's too).
PieceEnvFactory piece_env(const lang::Program& prog, const Options& opt);

}  // namespace ravel::interp
