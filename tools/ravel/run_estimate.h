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
interp::RunResult probe_program(const lang::Program& prog, const interp::Options& opt,
                                ExploreOptions ex, uint64_t samples, Estimate* est);

// `ravel run --estimate`: dpor itself first, for at most kExactFactor * samples executions; if
// it finishes, its count is the answer (est->exact); otherwise the probes estimate, and what dpor
// ran is a lower bound of the estimate and of its range. *seconds gets the estimated duration
// of the full run at dpor's own pace. The result holds the violations either phase found.
inline constexpr uint64_t kExactFactor = 10;
interp::RunResult estimate_program(const lang::Program& prog, const interp::Options& opt,
                                   const ExploreOptions& ex, uint64_t samples, Estimate* est,
                                   double* seconds);

// The text report's head ("ESTIMATE file ...", the figures, what the probes found).
std::string estimate_text(const interp::ReportInfo& info, const lang::Program& prog,
                          const interp::RunResult& run, const interp::Outcome& out,
                          const Estimate& est, double seconds);
// json_line's object with "estimate": {strategy, exact, executions, low, high, seconds, samples}.
std::string estimate_json(const interp::ReportInfo& info, const lang::Program& prog,
                          const interp::RunResult& run, const interp::Outcome& out,
                          const Estimate& est, double seconds);

// The exit code of an estimate-only run without a scenario error: a sample proves that a kind
// it found happens, never that one it missed cannot, so 1 only for a kind `expect` lacks.
int estimate_exit_code(const interp::Outcome& out);

// "1.2 s", "3 min 05 s", "2 h 10 min": a duration for people.
std::string human_duration(double seconds);

}  // namespace ravel::cli
