// checker/parallel_sched.h: the workers of the parallel drivers that commit jobs in sequential
// order without a look-ahead of their own (random and pct's blocks: parallel_blocks.h; dfs and
// bounded's pieces: parallel_prefix.h): real threads, or K simulated workers in virtual time.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "checker/parallel.h"
#include "checker/parallel_wire.h"

namespace ravel::par {

// What every job of these drivers carries besides its own input and output: the kept
// executions its prelude replays (those committed when it started), its result, and its run.
struct JobRun {
  std::vector<uint64_t> indices;  // the prelude's execution numbers
  std::vector<std::string> schedules;
  ExploreResult res;
  uint32_t worker = 0;
  bool running = false, done = false;
  PieceRunner::Status status = PieceRunner::Status::kDone;  // a remote worker's answer
  std::string why;                                          // kLost: how the worker died
};

// Runs `req` for job `j` (run_anywhere below) with the job's prelude and what the run's
// --time-limit leaves after `elapsed` seconds.
void run_job(JobRun& j, PieceRequest& req, double elapsed, const ParallelOptions& par,
             const ExploreOptions& o, const PieceEnvFactory& make, const std::atomic<bool>& halt,
             dpor::PieceOutput* out);

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
