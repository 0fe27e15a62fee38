// tools/ravel/run_lkmm.cc: one .ravel scenario of `ravel run --memory-model lkmm`
// (docs/litmus.md "Scenarios under lkmm"): the verdict line and JSON object of an sc run, with
// strategy "axiomatic", each violation followed by the witness execution's rf and co.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "scenarios/interp/outcome.h"
#include "scenarios/litmus/lkmm_ravel_run.h"
#include "tools/ravel/cli.h"
#include "tools/ravel/run_litmus.h"

namespace ravel::cli {
namespace {

std::string loc_text(const ravel::Loc& l) {
  return std::string(l.file) + ":" + std::to_string(l.line) + ":" + std::to_string(l.col);
}

// The sc JSON object, plus "memory_model" and each violation's "witness" (trace-format.md).
std::string lkmm_json(const interp::ReportInfo& info, const lang::Program& prog,
                      const litmus::RavelLkmmResult& r, const interp::Outcome& out) {
  auto j = nlohmann::ordered_json::parse(interp::json_line(info, prog, r.run, out));
  j["memory_model"] = "lkmm";
  for (size_t k = 0; k < r.witnesses.size(); ++k) {
    j["violations"][k].erase("schedule");
    j["violations"][k]["witness"] = nlohmann::ordered_json::parse(witness_json(r.witnesses[k]));
  }
  return j.dump();
}

}  // namespace

int run_lkmm_scenario(const RunOptions& o, const std::string& file, const lang::Checked& c,
                      LitmusRow* row) {
  const lang::Program& prog = *c.program;
  litmus::RavelLkmmResult r;
  std::string diag;
  if (!litmus::run_ravel_lkmm(prog, *c.source, static_cast<uint32_t>(o.loop_bound), &r, &diag)) {
    std::fputs(diag.c_str(), stderr);
    row->verdict = "ERROR";
    return kExitUsage;
  }
  interp::Outcome out = interp::evaluate(prog, r.run);
  interp::ReportInfo info{file, "axiomatic", r.run.result.elapsed_s};
  if (o.json) {
    std::printf("%s\n", lkmm_json(info, prog, r, out).c_str());
  } else if (!o.quiet || !out.match) {
    std::string text = interp::text_summary(info, prog, r.run, out, false);
    text.insert(text.rfind("  strategy axiomatic") + 2, "memory model lkmm, ");
    std::fputs(text.c_str(), stdout);
    if (o.verbose) {
      const uint64_t consistent = r.run.result.executions + r.dropped;
      std::printf("  candidate executions %llu, consistent %llu, dropped (await re-reads) %llu\n",
                  static_cast<unsigned long long>(r.candidates),
                  static_cast<unsigned long long>(consistent),
                  static_cast<unsigned long long>(r.dropped));
    }
    for (size_t k = 0; k < r.witnesses.size(); ++k) {
      const FoundViolation& v = r.run.result.violations[k];
      std::printf("\n  %s: %s\n    at %s (execution %llu)\n%s",
                  std::string(violation_name(v.violation.kind)).c_str(),
                  v.violation.message.c_str(), loc_text(v.violation.loc).c_str(),
                  static_cast<unsigned long long>(v.execution),
                  litmus::witness_text(r.witnesses[k]).c_str());
    }
  }
  row->verdict = out.match ? "PASS" : "FAIL";
  row->expected = out.expected.empty() ? "ok" : "";
  for (const std::string& k : out.expected) row->expected += (row->expected.empty() ? "" : ",") + k;
  row->found = out.found.empty() ? "ok" : "";
  for (const std::string& k : out.found) row->found += (row->found.empty() ? "" : ",") + k;
  row->executions = out.executions;
  row->elapsed = r.run.result.elapsed_s;
  return out.match ? kExitOk : kExitMismatch;
}

}  // namespace ravel::cli
