// tools/ravel/run_trace.cc: see run_trace.h.
#include "tools/ravel/run_trace.h"

#include "checker/strategy.h"
#include "reports/text.h"

namespace ravel::cli {

bool scenario_trace(const ScenarioRef& s, const std::string& replay, report::TraceDoc* doc,
                    std::string* error) {
  std::unique_ptr<interp::Session> session = interp::make_setup(*s.prog, s.options);
  report::TraceRequest req;
  session->prepare(&req.options);  // default options: the document never depends on the run's
  req.setup = session->setup();
  req.final_fn = session->final_fn();
  // One session for all: the history primes its plugins (lockdep's graph) as the run did.
  size_t begin = 0;
  for (size_t end; (end = replay.find(kScheduleSeparator, begin)) != std::string::npos;
       begin = end + 1) {
    req.history.push_back(replay.substr(begin, end - begin));
  }
  req.schedule = replay.substr(begin);
  req.scenario = {.title = s.prog->title, .file = s.file, .text = s.text};
  req.model_options = interp::model_options(s.options);
  req.replay_flags = interp::replay_flags(s.options);
  return report::record_trace(req, doc, error);
}

int64_t match_violation(const report::TraceDoc& doc, const Violation& v) {
  for (size_t i = 0; i < doc.violations.size(); ++i) {
    const report::TraceViolation& t = doc.violations[i];
    if (t.kind == violation_name(v.kind) && report::loc_string(t.loc) == report::loc_string(v.loc)) {
      return static_cast<int64_t>(i);
    }
  }
  return -1;
}

std::string all_steps_text(const report::TraceDoc& doc) {
  std::string out;
  for (const report::TraceEvent& e : doc.events) out += report::format_step(doc, e);
  return out;
}

}  // namespace ravel::cli
