// tools/ravel/run_estimate.h: `ravel run --estimate` (docs/estimate.md) and the estimate behind
// the progress line's "of ~N" and ETA during a normal run.
#pragma once

#include <string>

#include "checker/explorer.h"
#include "checker/strategies/estimate.h"
#include "scenarios/interp/interp.h"
#include "scenarios/interp/outcome.h"

namespace ravel::cli {

// Probes of one scenario: `ex` with the estimate strategy and `samples` probes (its seed, time
// limit and stop flag are kept). *est gets the figures.
interp::RunResult estimate_program(const lang::Program& prog, const interp::Options& opt,
                                   ExploreOptions ex, uint64_t samples, Estimate* est);

// Estimated seconds of dpor's full run: the estimated executions at the probes' own pace
// (a probe's execution does dpor's work: the same model run and race detection).
double estimated_seconds(const Estimate& est, const ExploreResult& probes);

// The text report's head ("ESTIMATE file ...", the figures, what the probes found).
std::string estimate_text(const interp::ReportInfo& info, const lang::Program& prog,
                          const interp::RunResult& run, const interp::Outcome& out,
                          const Estimate& est);
// json_line's object with "estimate": {strategy, executions, low, high, seconds, samples}.
std::string estimate_json(const interp::ReportInfo& info, const lang::Program& prog,
                          const interp::RunResult& run, const interp::Outcome& out,
                          const Estimate& est);

// The exit code of an estimate-only run without a scenario error: a sample proves that a kind
// it found happens, never that one it missed cannot, so 1 only for a kind `expect` lacks.
int estimate_exit_code(const interp::Outcome& out);

// "1.2 s", "3 min 05 s", "2 h 10 min": a duration for people.
std::string human_duration(double seconds);

}  // namespace ravel::cli
