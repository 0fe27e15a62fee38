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
// An incomplete run in which no execution reached its end (a time limit inside the first one,
// an interrupt, a lost worker): it found nothing and confirms no `expect`, not even `ok`.
inline bool no_execution_finished(const Outcome& o) {
  return !o.complete && o.executions == 0 && o.model_error.empty() && o.found.empty();
}

struct ReportInfo {
  std::string file;      // as given on the command line
  std::string strategy;  // dpor, dfs, ...
  double elapsed_s = 0;
};

// One JSON object (no newline): the fields of cli.md, plus "error" when the scenario errored.
std::string json_line(const ReportInfo& info, const lang::Program& prog, const RunResult& run,
                      const Outcome& o);
// The readable report's head: verdict line, expected/found, executions, time (and with verbose
// the counters), the scenario error if any.
std::string text_summary(const ReportInfo& info, const lang::Program& prog, const RunResult& run,
                         const Outcome& o, bool verbose);
// One violation from the exploration's own data (message, location, the last steps of its trace
// by task id, the replay command line). `ravel run` prints report::format_violation_text of the
// replayed trace instead, and this only when the replay does not show the violation.
std::string violation_text(const ReportInfo& info, const FoundViolation& v, bool verbose);
// text_summary followed by violation_text of every violation (JUnit details, tests).
std::string text_report(const ReportInfo& info, const lang::Program& prog, const RunResult& run,
                        const Outcome& o, bool verbose);
// The events of one execution as text (task ids, operation, location), the last `last_n`.
std::string trace_text(const std::vector<Event>& events, size_t last_n);

}  // namespace ravel::interp
