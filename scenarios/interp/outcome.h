// scenarios/interp/outcome.h: a run's outcome against the scenario's `expect` (language.md
// section 6, cli.md), and its renderings: the --json line and the readable text report.
//
// Design note. The outcome is the set of violation kinds found, in violations.def order; it
// matches when it equals the expected set and each expected message substring occurs in the
// message of some violation of that kind. Everything rendered is deterministic except
// elapsed_s (tests mask it).
#pragma once

#include <string>
#include <vector>

#include "scenarios/interp/interp.h"
#include "scenarios/lang/ast.h"

namespace ravel::interp {

struct Outcome {
  std::vector<std::string> expected;  // kinds, violations.def order, without "ok"
  std::vector<std::string> found;
  bool match = false;
  bool complete = false;
  uint64_t executions = 0;  // executions that count (discarded ones excluded)
  std::string model_error;  // the scenario is in error (exit 2), no verdict
};

Outcome evaluate(const lang::Program& prog, const RunResult& run);

struct ReportInfo {
  std::string file;      // as given on the command line
  std::string strategy;  // dpor, dfs, ...
  double elapsed_s = 0;
};

// One JSON object (no newline): the fields of cli.md, plus "error" when the scenario errored.
std::string json_line(const ReportInfo& info, const lang::Program& prog, const RunResult& run,
                      const Outcome& o);
// The readable report: verdict line, executions, time, each violation with message, location,
// the last steps of its trace and the replay command line.
std::string text_report(const ReportInfo& info, const lang::Program& prog, const RunResult& run,
                        const Outcome& o, bool verbose);
// The first violation's events as JSON ({"version": 1, ...}); empty when none was found.
std::string trace_json(const ReportInfo& info, const lang::Program& prog, const RunResult& run);
// The events of one execution (replay) as text.
std::string trace_text(const std::vector<Event>& events, size_t last_n);

}  // namespace ravel::interp
