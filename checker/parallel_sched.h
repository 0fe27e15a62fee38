// checker/parallel_sched.h: the workers of the parallel drivers that commit jobs in sequential
// order without a look-ahead of their own (random and pct's blocks: parallel_blocks.h; dfs and
// bounded's pieces: parallel_prefix.h): real threads, or K simulated workers in virtual time.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "checker/parallel.h"

namespace ravel::par {

// A driver's jobs. pick and done are called under one lock (or on one thread), run outside it.
class Jobs {
 public:
  virtual ~Jobs() = default;
  // The next job to run on `worker` (nullptr: none now); *over: the run is over (stop).
  virtual void* pick(uint32_t worker, bool* over) = 0;
  virtual void run(void* job) = 0;
  // Its cost in runs (the simulated workers' time unit): its executions and its prelude's.
  virtual uint64_t cost(void* job) const = 0;
  // The job ran: commit what can be committed.
  virtual void done(void* job) = 0;
};

// The number of workers of `par`: its simulated ones, its remote ones, or its threads.
uint32_t worker_count(const ParallelOptions& par);

// Runs `req` on this thread, or on remote worker `worker` when par.remote is set. Returns the
// remote worker's status (kDone for a local run); *why says how a lost one ended.
PieceRunner::Status run_anywhere(const ParallelOptions& par, const ExploreOptions& o,
                                 const PieceEnvFactory& make, uint32_t worker,
                                 const PieceRequest& req, const std::atomic<bool>& halt,
                                 dpor::PieceOutput* out, ExploreResult* res, std::string* why);

// Runs the jobs on `threads` threads (the calling thread is one of them) until pick says over.
void run_threads(Jobs& jobs, uint32_t threads);
// Runs them on `workers` simulated workers on this thread: a job takes 1 + cost units of
// virtual time and is done, for the commit, when its worker's clock reaches its end. Returns
// the makespan.
double run_simulated(Jobs& jobs, uint32_t workers);

}  // namespace ravel::par
