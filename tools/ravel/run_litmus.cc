// tools/ravel/run_litmus.cc: one litmus test of `ravel run` (run_litmus.h).
#include "tools/ravel/run_litmus.h"

#include <cstdio>

#include "tools/ravel/cli.h"

namespace ravel::cli {

bool is_litmus_file(const std::string& path) {
  const std::string ext = ".litmus";
  return path.size() >= ext.size() && path.compare(path.size() - ext.size(), ext.size(), ext) == 0;
}

namespace {

// One <testcase> per litmus test, as per scenario: failed when the observation disagrees with
// the test's Result: line or cannot confirm it (an incomplete run), an error when it errored.
JunitCase litmus_junit(const litmus::LitmusReport& info, const litmus::Test& t,
                       const litmus::LitmusResult& r, bool errored) {
  JunitCase c;
  c.name = t.name;
  c.classname = info.file;
  c.time_s = r.run.result.elapsed_s;
  if (errored) {
    c.status = JunitCase::Status::kError;
    c.message = r.run.result.model_error;
  } else if (!r.match) {
    c.status = JunitCase::Status::kFailed;
    c.message = "Result: " + t.result + " documented, found " + r.found +
                (r.run.result.complete ? "" : " (incomplete)");
  }
  if (c.status != JunitCase::Status::kPassed) c.details = litmus::litmus_text(info, t, r, false);
  return c;
}

}  // namespace

int run_litmus_file(const RunOptions& o, const std::string& file, const litmus::Loaded& l,
                    const interp::Options& m, const ExploreOptions& ex, LitmusRow* row,
                    JunitCase* junit) {
  litmus::LitmusResult r = l.lkmm ? l.lkmm_result : litmus::run_litmus(l.test, l.lowered, m, ex);
  // Under lkmm the executions are the model's candidate executions, not a strategy's.
  litmus::LitmusReport info{file, l.lkmm ? "axiomatic" : o.strategy, o.memory_model};
  bool errored = !r.run.result.model_error.empty();
  if (o.json) {
    std::printf("%s\n", litmus::litmus_json(info, l.test, r).c_str());
  } else if (!o.quiet || !r.match || errored) {
    std::fputs(litmus::litmus_text(info, l.test, r, o.verbose).c_str(), stdout);
  }
  lkmm_pieces_note(o, file, r.candidates, r.pieces, r.busiest);
  row->verdict = errored ? "ERROR" : r.match ? "PASS" : "FAIL";
  row->expected = l.test.result.empty() ? "-" : l.test.result;
  row->found = r.found;
  row->executions = r.run.result.executions;
  row->elapsed = r.run.result.elapsed_s;
  if (junit != nullptr) *junit = litmus_junit(info, l.test, r, errored);
  if (errored) {
    std::fprintf(stderr, "ravel: error in the litmus test: %s\n", r.run.result.model_error.c_str());
    return r.run.result.out_of_memory ? kExitInternal : kExitUsage;
  }
  return r.match ? kExitOk : kExitMismatch;
}

}  // namespace ravel::cli
