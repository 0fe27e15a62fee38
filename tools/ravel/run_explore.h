// tools/ravel/run_explore.h: how `ravel run` explores its scenarios (docs/cli.md): the options
// it gives the engine and the interpreter, one scenario on this thread, on --threads workers,
// --simulate-workers or the ranks of --mpi, and a batch on --jobs threads; the progress line.
// What is reported of each run is cmd_run.cc's.
#pragma once

#include <string>
#include <vector>

#include "checker/explorer.h"
#include "checker/strategies/estimate.h"
#include "scenarios/interp/interp.h"
#include "scenarios/lang/frontend.h"
#include "tools/ravel/run_options.h"

namespace ravel::cli {

// What --estimate says of one scenario (and --simulate-workers: `parallel`, for stderr).
struct EstimateFigures {
  Estimate est;
  double seconds = 0;
  std::string parallel;
};

interp::Options scenario_options(const RunOptions& o);
// The engine's options; its stop flag is the interrupt flag (interrupt.h), and the progress
// line is shown on a terminal when one scenario is explored at a time.
ExploreOptions explore_options(const RunOptions& o);

// Explores one scenario (with --estimate: estimates it, *fig gets the figures). Out of memory
// outside a task (on the scheduler's stack) ends that scenario only, as a resource limit.
// `index`: its place among the run's scenarios (--mpi: how the ranks name it).
interp::RunResult explore_one(const RunOptions& o, const lang::Checked& checked,
                              EstimateFigures* fig, size_t index);

// Explores every scenario on o.jobs threads: the engine's and the models' per-run state is
// thread_local and each scenario has its own session, so runs are independent. Reports, replays
// and traces are produced afterwards in file order, so the output does not depend on --jobs.
// After an interrupt (interrupt.h) the scenarios not yet started are left out (explored[i] 0).
std::vector<interp::RunResult> explore_all(const RunOptions& o,
                                           const std::vector<lang::Checked>& checked,
                                           std::vector<char>& explored,
                                           std::vector<EstimateFigures>& estimates);

// The progress line on a terminal: "N executions, R/s" or, with an estimate of the run (docs/
// estimate.md), "N of ~E executions (estimated), R/s, ETA T" (the executions left at the run's
// own pace; no ETA once the run passes the estimate); a parallel run adds "pieces D done, L
// left" (summed over its workers: checker/explorer.h Progress); then the violations so far.
std::string progress_text(const Progress& p, double estimated);

// Whether a run shows a progress line: stderr a terminal, no --json, one scenario at a time.
bool progress_wanted(const RunOptions& o);
// Shows `line` as the progress line (over the previous one).
void show_progress(const std::string& line);
// Erases the progress line, if one is shown, before a report is printed.
void clear_progress();

}  // namespace ravel::cli
