// tools/ravel/run_lkmm.cc: one .ravel scenario of `ravel run --memory-model lkmm`
// (docs/litmus.md "Scenarios under lkmm"): the verdict line and JSON object of an sc run, with
// strategy "axiomatic", each violation followed by the witness execution's rf and co.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <thread>

#include "scenarios/interp/outcome.h"
#include "scenarios/litmus/lkmm_ravel_run.h"
#include "tools/ravel/cli.h"
#include "tools/ravel/interrupt.h"
#include "tools/ravel/junit.h"
#include "tools/ravel/run_explore.h"
#include "tools/ravel/run_litmus.h"
#include "tools/ravel/run_lkmm_trace.h"

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

// The text report: sc's verdict lines with the memory model named, the counts with --verbose,
// and each violation with its witness (rf and co).
std::string lkmm_text(const interp::ReportInfo& info, const lang::Program& prog,
                      const litmus::RavelLkmmResult& r, const interp::Outcome& out, bool verbose) {
  std::string text = interp::text_summary(info, prog, r.run, out, false);
  text.insert(text.rfind("  strategy axiomatic") + 2, "memory model lkmm, ");
  if (verbose) {
    const uint64_t consistent = r.run.result.executions + r.dropped + r.dropped_lock;
    text += "  candidate executions " + std::to_string(r.candidates) + ", consistent " +
            std::to_string(consistent) + ", dropped: await re-reads " + std::to_string(r.dropped) +
            ", lock waits " + std::to_string(r.dropped_lock) + "; thread runs " +
            std::to_string(r.runs) + ", model skeletons " + std::to_string(r.skeletons) + "\n";
  }
  for (size_t k = 0; k < r.witnesses.size(); ++k) {
    const FoundViolation& v = r.run.result.violations[k];
    text += "\n  " + std::string(violation_name(v.violation.kind)) + ": " + v.violation.message +
            "\n    at " + loc_text(v.violation.loc) + " (execution " + std::to_string(v.execution) +
            ")\n" + litmus::witness_text(r.witnesses[k]);
  }
  return text;
}

// The JUnit case (junit.h's rules): failed when the outcome differs from `expect`, with the
// text report (witnesses included) as its body.
JunitCase lkmm_junit_case(const interp::ReportInfo& info, const lang::Program& prog,
                          const interp::Outcome& out, const std::string& text) {
  JunitCase c{prog.title.empty() ? info.file : prog.title,
              info.file,
              info.elapsed_s,
              JunitCase::Status::kPassed,
              "",
              ""};
  if (out.match) return c;
  auto kinds = [](const std::vector<std::string>& k) {
    std::string s;
    for (const std::string& x : k) s += (s.empty() ? "" : ", ") + x;
    return s.empty() ? std::string("ok") : s;
  };
  c.status = JunitCase::Status::kFailed;
  c.message = "expected " + kinds(out.expected) + "; found " + kinds(out.found);
  c.details = text;
  return c;
}

}  // namespace

int run_lkmm_scenario(const RunOptions& o, const std::string& file, const lang::Checked& c,
                      LitmusRow* row, const std::function<std::string()>& trace_path,
                      JunitCase* junit, SarifLog* sarif) {
  const lang::Program& prog = *c.program;
  litmus::RavelLkmmResult r;
  std::string diag;
  if (!litmus::run_ravel_lkmm(prog, *c.source, static_cast<uint32_t>(o.loop_bound), &r, &diag,
                              lkmm_limits(o))) {
    clear_progress();
    std::fputs(diag.c_str(), stderr);
    row->verdict = "ERROR";
    if (junit != nullptr) {
      *junit = JunitCase{prog.title.empty() ? file : prog.title, file, 0, JunitCase::Status::kError,
                         diag.substr(0, diag.find('\n')),        diag};
    }
    return kExitUsage;
  }
  clear_progress();
  interp::Outcome out = interp::evaluate(prog, r.run);
  interp::ReportInfo info{file, "axiomatic", r.run.result.elapsed_s};
  const std::string text = lkmm_text(info, prog, r, out, o.verbose);
  if (o.json) {
    std::printf("%s\n", lkmm_json(info, prog, r, out).c_str());
  } else if (!o.quiet || !out.match) {
    std::fputs(text.c_str(), stdout);
  }
  lkmm_pieces_note(o, file, r.candidates, r.pieces, r.busiest);
  if (junit != nullptr) *junit = lkmm_junit_case(info, prog, out, text);
  if (sarif != nullptr) sarif->add_lkmm(file, prog, r, out);
  int rc = out.match ? kExitOk : kExitMismatch;
  if (std::string err;
      !o.trace.empty() && !r.witnesses.empty() &&
      !write_output_file(trace_path(),
                         lkmm_trace_json(file, c, static_cast<uint32_t>(o.loop_bound), r), &err)) {
    std::fprintf(stderr, "ravel: %s\n", err.c_str());
    rc = kExitInternal;
  }
  row->verdict = out.match ? "PASS" : "FAIL";
  row->expected = out.expected.empty() ? "ok" : "";
  for (const std::string& k : out.expected) row->expected += (row->expected.empty() ? "" : ",") + k;
  row->found = out.found.empty() ? "ok" : "";
  for (const std::string& k : out.found) row->found += (row->found.empty() ? "" : ",") + k;
  row->executions = out.executions;
  row->elapsed = r.run.result.elapsed_s;
  return rc;
}

namespace {

// --threads N (0: every core) or --simulate-workers K: what the judging pass is split over.
litmus::lkmm_enum::Workers lkmm_workers(const RunOptions& o) {
  if (o.simulate_workers > 0) return {static_cast<unsigned>(o.simulate_workers), true};
  return {o.threads == 0 ? std::max(1u, std::thread::hardware_concurrency())
                         : static_cast<unsigned>(o.threads),
          false};
}

}  // namespace

litmus::lkmm_enum::Limits lkmm_limits(const RunOptions& o) {
  // An interrupt stops the enumeration as it stops an sc exploration: the run is reported
  // incomplete and `run` exits 128 + the signal (docs/exit-codes.md).
  litmus::lkmm_enum::Limits l;
  l.executions = o.executions, l.time_limit_s = o.time_limit_s;
  l.stop_on_first = o.stop_on_first, l.interrupted = interrupt_flag();
  // The exploration by reads-from is the default; RAVEL_LKMM_REFERENCE=1 runs the brute-force
  // enumeration of candidate executions instead, to compare (docs/litmus.md).
  l.explore = std::getenv("RAVEL_LKMM_REFERENCE") == nullptr;
  l.workers = lkmm_workers(o);
  // On a terminal, what the enumeration has done so far, from its first second on: a run whose
  // thread runs multiply before any candidate is complete shows it is working (and how hard).
  if (progress_wanted(o)) {
    const auto start = std::chrono::steady_clock::now();
    l.progress = [start](const litmus::lkmm_enum::Stats& s) {
      const double t =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      char buf[160];
      std::snprintf(buf, sizeof buf,
                    "lkmm: %llu thread runs, %llu candidate executions, %llu consistent, %.0f s",
                    static_cast<unsigned long long>(s.runs),
                    static_cast<unsigned long long>(s.candidates),
                    static_cast<unsigned long long>(s.consistent), t);
      show_progress(buf);
    };
  }
  return l;
}

void lkmm_pieces_note(const RunOptions& o, const std::string& file, uint64_t candidates,
                      uint64_t pieces, uint64_t busiest) {
  const litmus::lkmm_enum::Workers w = lkmm_workers(o);
  if (pieces == 0 || !(o.verbose || w.simulated)) return;
  const double mean = static_cast<double>(candidates) / w.n;
  std::string speedup;  // simulated: one thread's candidates over the busiest worker's
  if (w.simulated && busiest > 0) {
    speedup = "; speedup " + std::to_string(static_cast<double>(candidates) / busiest);
    speedup.resize(speedup.find('.') + 3);
  }
  std::fprintf(stderr,
               "%s: %s %u workers: %llu candidate executions in %llu pieces; candidates per "
               "worker: busiest %llu, mean %.1f (%.2fx)%s\n",
               file.c_str(), w.simulated ? "simulated:" : "threads:", w.n,
               static_cast<unsigned long long>(candidates), static_cast<unsigned long long>(pieces),
               static_cast<unsigned long long>(busiest), mean,
               mean > 0 ? static_cast<double>(busiest) / mean : 0.0, speedup.c_str());
}

namespace {

// The refusal of an option under lkmm for any file, or nullptr. Each names what the option
// would control under sc and lkmm has not: a schedule, a sampler, dpor's reductions, sleeping.
const char* refused_for_all(const RunOptions& o) {
  if (o.strategy_given) {
    return "--strategy does not apply with --memory-model lkmm: every candidate execution is "
           "enumerated and judged by the model (strategy axiomatic)";
  }
  if (o.seed_given) return "--seed does not apply with --memory-model lkmm: nothing is sampled";
  if (o.estimate) return "--estimate estimates dpor's interleavings, not lkmm's executions";
  if (o.mpi || o.split_order_given) {
    return "--mpi and --split-order split dpor's exploration; under --memory-model lkmm the "
           "judging pass is split over the threads of one process (--threads N, "
           "--simulate-workers K: docs/parallel.md)";
  }
  if (!o.replay.empty()) {
    return "--replay is not supported with --memory-model lkmm: an LKMM execution has no "
           "schedule to replay";
  }
  if (!o.commute || !o.symmetry || !o.coarse) {
    return "--no-reduction names dpor's reductions; --memory-model lkmm has none to turn off";
  }
  if (o.signals || o.early_timeouts) {
    return "--signals and --timeouts apply to sleeping waits, which --memory-model lkmm does "
           "not interrupt (mutex_lock_interruptible is refused; a timed wait times out only "
           "when nothing else can run, as sc's default)";
  }
  return nullptr;
}

// Refusals that depend on the kind of file: a litmus test has no violations to stop at (its
// data race is a flag) and no trace.
const char* refused_for_file(const RunOptions& o, bool litmus) {
  if (litmus && o.stop_on_first) {
    return "--stop-on-first does not apply to litmus tests under --memory-model lkmm: an "
           "observation has no violation to stop at (--executions or --time-limit bound it)";
  }
  if (litmus && !o.trace.empty()) {
    return "--trace writes the trace of a .ravel scenario's violation; a litmus test under "
           "--memory-model lkmm has none (--verbose prints its witness)";
  }
  return nullptr;
}

}  // namespace

bool lkmm_options_ok(const RunOptions& o, const std::vector<std::string>& files) {
  if (o.memory_model != "lkmm") return true;
  const char* bad = refused_for_all(o);
  for (size_t i = 0; bad == nullptr && i < files.size(); ++i) {
    bad = refused_for_file(o, is_litmus_file(files[i]));
  }
  if (bad == nullptr) return true;
  usage_error("run", bad);
  return false;
}

}  // namespace ravel::cli
