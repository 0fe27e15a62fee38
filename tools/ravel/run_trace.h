// tools/ravel/run_trace.h: trace documents of scenario executions for `ravel run` (--trace,
// --replay and the per-violation text reports).
//
// Design note. A trace is made by replaying one schedule with a FRESH interpreter session
// (interp::make_setup: new kernel and sync plugins, the same model options) and report::Recorder;
// the replay's ExploreOptions are the defaults, never the run's strategy or limits. So the bytes
// depend on (file name as given, file bytes, model options, schedule) only: the document written
// while exploring and the one `ravel run --replay SCHEDULE --trace F` writes are identical.
// A violation found by exploring may rest on dependencies lockdep recorded in earlier executions
// of the run (its graph persists across them, as across a kernel's uptime): its history
// (FoundViolation::history) is replayed first, in the same session, so the replay shows it too.
// The replay argument is `H1;...;Hn;SCHEDULE` (report::replay_argument), as `--replay` takes it.
// Should a violation still be missing from its replay, match_violation() answers -1 and the
// caller says so.
#pragma once

#include <cstdint>
#include <string>

#include "checker/api.h"
#include "reports/trace.h"
#include "scenarios/interp/interp.h"
#include "scenarios/lang/ast.h"

namespace ravel::cli {

struct ScenarioRef {
  const lang::Program* prog = nullptr;
  std::string file;  // as given on the command line (the replay command repeats it)
  std::string text;  // the file's bytes
  interp::Options options;
};

// Replays `replay` (history schedules then the recorded one, ';'-separated) of the scenario into
// *doc. False (and *error) when the replay fails.
bool scenario_trace(const ScenarioRef& s, const std::string& replay, report::TraceDoc* doc,
                    std::string* error);
// Index in doc.violations of the violation of kind and location of v, or -1 when none.
int64_t match_violation(const report::TraceDoc& doc, const Violation& v);
// Every step of the document, one line each (report::format_step).
std::string all_steps_text(const report::TraceDoc& doc);

}  // namespace ravel::cli
