// scenarios/interp/fuzz_run_one.cc: see fuzz_run_one.h.
#include "scenarios/interp/fuzz_run_one.h"

#include "checker/explorer.h"
#include "scenarios/interp/interp.h"
#include "scenarios/interp/outcome.h"
#include "scenarios/lang/frontend.h"

namespace ravel::interp {

std::string fuzz_run_one(const std::string& text) {
  lang::Checked c = lang::check_text("fuzz.ravel", text);
  if (!c.ok || !check_supported(*c.program, *c.source).empty()) return "";
  Options opt;
  opt.loop_bound = kFuzzLoopBound;
  ExploreOptions ex;
  ex.max_executions = kFuzzExecutions;
  ex.max_events = kFuzzEvents;
  RunResult run = run_program(*c.program, opt, ex);
  const ExploreResult& r = run.result;
  if (r.model_error.find("internal error") != std::string::npos) return r.model_error;
  if (r.complete && !r.model_error.empty()) return "a complete run with an error: " + r.model_error;
  if (r.executions > kFuzzExecutions) return "more executions than the budget";
  Outcome o = evaluate(*c.program, run);
  if (o.match && !o.model_error.empty()) return "a match despite an error";
  return "";
}

}  // namespace ravel::interp
