// tools/ravel/run_litmus.h: `ravel run FILE.litmus` (docs/litmus.md), beside the scenarios.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "checker/explorer.h"
#include "scenarios/interp/interp.h"
#include "scenarios/lang/frontend.h"
#include "scenarios/litmus/litmus_run.h"
#include "tools/ravel/junit.h"
#include "tools/ravel/run_options.h"
#include "tools/ravel/sarif.h"

namespace ravel::cli {

bool is_litmus_file(const std::string& path);

// What the batch summary shows of one litmus test.
struct LitmusRow {
  std::string verdict, expected, found;
  uint64_t executions = 0;
  double elapsed = 0;
};

// Explores one loaded litmus test, prints its report (text, or a JSON line with --json) and
// returns its exit code: 1 when it disagrees with its Result: line, 2 on an error of the test.
// `junit` (may be NULL): its test case for --junit (failed when it disagrees or is unconfirmed).
int run_litmus_file(const RunOptions& o, const std::string& file, const litmus::Loaded& l,
                    const interp::Options& m, const ExploreOptions& ex, LitmusRow* row,
                    JunitCase* junit = nullptr);

// Runs one checked .ravel scenario under --memory-model lkmm (scenarios/litmus/lkmm_ravel_run.h),
// prints its report and returns its exit code: 1 when the outcome differs from its `expect`, 2
// when it uses what lkmm does not model (the errors printed at their line:col).
// With --trace, `trace_path()` names the file to write the first violation's document to
// (run_lkmm_trace.h); it is called only when there is a violation.
// With --junit, *junit (when not null) gets the scenario's JUnit case; with --sarif, *sarif
// (when not null) its results.
int run_lkmm_scenario(const RunOptions& o, const std::string& file, const lang::Checked& c,
                      LitmusRow* row, const std::function<std::string()>& trace_path,
                      JunitCase* junit, SarifLog* sarif);

// docs/litmus.md "Options under lkmm": every option of `run` is honoured under lkmm or refused;
// false (the usage error printed) when one is refused for these files.
bool lkmm_options_ok(const RunOptions& o, const std::vector<std::string>& files);

// --executions, --time-limit and --stop-on-first as the enumerator's limits.
litmus::lkmm_enum::Limits lkmm_limits(const RunOptions& o);

// --threads with --verbose under lkmm (stderr): how the judging pass's pieces spread over the
// workers, as sc's "threads:" line says it of dpor's (docs/parallel.md "Under lkmm").
void lkmm_pieces_note(const RunOptions& o, const std::string& file, uint64_t candidates,
                      uint64_t pieces, uint64_t busiest);

}  // namespace ravel::cli
