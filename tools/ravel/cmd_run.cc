// tools/ravel/cmd_run.cc: `ravel run [options] PATH...` (docs/cli.md).
//
// Every file is parsed, checked and screened for unsupported built-ins before anything is
// explored (exit 2). Each scenario then runs through the interpreter (scenarios/interp), its
// outcome is compared with its `expect`, and a text report (or one --json line) is printed.
// Each violation's report is report::format_violation_text of its schedule replayed into a full
// trace (tools/ravel/run_trace.h); --trace writes the first one's document, --replay prints and
// writes the document of the execution it names (the same bytes).
// Exit codes: cli.h (docs/exit-codes.md); a batch exits with its worst scenario's and reports
// every scenario whatever the others did. A --replay runs one execution, which says nothing about
// `expect`: exit 0 once it ran. Ctrl-C / SIGTERM: interrupt.h.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <set>

#include "checker/explorer.h"
#include "reports/text.h"
#include "reports/trace.h"
#include "scenarios/interp/interp.h"
#include "scenarios/interp/outcome.h"
#include "scenarios/lang/frontend.h"
#include "scenarios/litmus/lkmm_ravel_run.h"
#include "checker/path.h"
#include "tools/ravel/cli.h"
#include "tools/ravel/interrupt.h"
#include "tools/ravel/junit.h"
#include "tools/ravel/mpi.h"
#include "tools/ravel/run_estimate.h"
#include "tools/ravel/run_explore.h"
#include "tools/ravel/run_litmus.h"
#include "tools/ravel/run_options.h"
#include "tools/ravel/run_trace.h"
#include "tools/ravel/sarif.h"

namespace ravel::cli {
namespace {

// --trace FILE with one scenario; with several, FILE is a folder holding STEM.json per scenario
// with a violation (STEM-2.json, ... when two scenarios share a stem: deterministic, by order).
class TracePaths {
 public:
  TracePaths(const RunOptions& o, size_t files) : o_(o), files_(files) {}
  std::string next(const std::string& file) {
    if (files_ == 1) return o_.trace;
    std::error_code ec;  // a folder that cannot be made shows as the write's error
    std::filesystem::create_directories(o_.trace, ec);
    std::string stem = std::filesystem::path(file).stem().string();
    std::string name = stem;
    for (int n = 2; !used_.insert(name).second; ++n) name = stem + "-" + std::to_string(n);
    return (std::filesystem::path(o_.trace) / name).string() + ".json";
  }

 private:
  const RunOptions& o_;
  size_t files_;
  std::set<std::string> used_;
};

// The report of one violation found by exploring: report::format_violation_text of its replayed
// trace (*doc gets the trace). False on an internal error (the replay failed).
bool violation_report(const ScenarioRef& ref, const FoundViolation& v, bool verbose, report::TraceDoc* doc,
                      std::string* text) {
  std::string err;
  // Its history first (earlier executions lockdep's report rests on), then its own execution.
  if (!scenario_trace(ref, report::replay_argument(v.history, v.schedule), doc, &err)) {
    std::fprintf(stderr, "ravel: internal error: %s\n", err.c_str());
    return false;
  }
  int64_t i = match_violation(*doc, v.violation);
  if (i >= 0) {
    *text = "\n" + report::format_violation_text(*doc, static_cast<size_t>(i), verbose) + "\n";
    return true;
  }
  // Not reproduced even after its history (should not happen): report it over the replayed
  // steps all the same (the written trace stays the replay's own).
  report::TraceDoc shown = *doc;
  report::TraceViolation tv;
  tv.kind = violation_name(v.violation.kind);
  tv.message = v.violation.message;
  tv.details = v.violation.details;
  tv.loc = v.violation.loc;
  for (uint32_t e : v.violation.events) {
    if (e < shown.events.size()) tv.events.push_back(e);
  }
  shown.violations.push_back(std::move(tv));
  *text = "\n" + report::format_violation_text(shown, shown.violations.size() - 1, verbose) +
          "note: the replay (with its history) does not show this report: it rests on state a "
          "detector kept from executions of this run that are not in its history\n\n";
  return true;
}

struct Row {
  std::string file, verdict, expected, found;
  uint64_t executions = 0;
  double elapsed = 0;
};

std::string join(const std::vector<std::string>& v) {
  if (v.empty()) return "ok";
  std::string s;
  for (const std::string& k : v) s += (s.empty() ? "" : ",") + k;
  return s;
}

void print_summary(const std::vector<Row>& rows) {
  size_t w = 8;
  for (const Row& r : rows) w = std::max(w, r.file.size());
  std::printf("\n%-6s %-*s %12s %9s  %s\n", "result", static_cast<int>(w), "scenario", "executions",
              "time (s)", "expected -> found");
  for (const Row& r : rows) {
    std::printf("%-6s %-*s %12llu %9.3f  %s -> %s\n", r.verdict.c_str(), static_cast<int>(w),
                r.file.c_str(), static_cast<unsigned long long>(r.executions), r.elapsed,
                r.expected.c_str(), r.found.c_str());
  }
}

// Whether every schedule of `replay` ('H1;H2;S') decodes. A malformed schedule is bad input,
// refused before anything runs ("invalid schedule"), never an error of the scenario.
bool valid_schedule(const std::string& replay, std::string* error) {
  size_t begin = 0;
  for (;;) {
    size_t end = replay.find(kScheduleSeparator, begin);
    std::vector<Choice> choices;
    if (!Path::decode(replay.substr(begin, end == std::string::npos ? end : end - begin),
                      &choices, error)) {
      return false;
    }
    if (end == std::string::npos) return true;
    begin = end + 1;
  }
}

// The state of one `ravel run` across its scenarios.
struct Batch {
  const RunOptions& o;
  TracePaths trace_paths;
  std::vector<Row> rows;
  std::vector<JunitCase> cases;
  SarifLog sarif;
  int exit_code = kExitOk;
};

// Prints the text or JSON head of one scenario and says what its exit code is.
int scenario_verdict(const RunOptions& o, const interp::ReportInfo& info, const lang::Program& prog,
                     const interp::RunResult& run, const interp::Outcome& out, bool text) {
  if (o.json) std::printf("%s\n", interp::json_line(info, prog, run, out).c_str());
  if (text) std::fputs(interp::text_summary(info, prog, run, out, o.verbose).c_str(), stdout);
  if (!run.result.lost.empty()) {  // --mpi: a worker died; what was committed is reported
    std::fprintf(stderr, "ravel: incomplete: a worker was lost while exploring %s: %s\n",
                 info.file.c_str(), run.result.lost.c_str());
    return kExitInternal;
  }
  if (out.model_error.empty()) return !out.match && o.replay.empty() ? kExitMismatch : kExitOk;
  if (run.result.out_of_memory) {
    std::fprintf(stderr, "ravel: resource limit: out of memory while exploring %s (%s)\n",
                 info.file.c_str(), out.model_error.c_str());
    return kExitInternal;
  }
  if (run.result.strategy_error && !o.replay.empty()) {
    std::fprintf(stderr, "ravel: invalid schedule for %s: %s\n", info.file.c_str(),
                 out.model_error.c_str());
    return kExitUsage;
  }
  // The message carries the scenario location ("file:line:col: loop bound exceeded ...").
  std::fprintf(stderr, "ravel: error in the scenario: %s\n", out.model_error.c_str());
  return kExitUsage;
}

// The head of an estimate-only run (docs/estimate.md); its exit code when the scenario is not in
// error: estimate_exit_code.
int estimate_verdict(const RunOptions& o, const interp::ReportInfo& info, const lang::Program& prog,
                     const interp::RunResult& run, const interp::Outcome& out,
                     const EstimateFigures& fig, bool text) {
  if (o.json) {
    std::printf("%s\n", estimate_json(info, prog, run, out, fig.est, fig.seconds).c_str());
  }
  if (text) std::fputs(estimate_text(info, prog, run, out, fig.est, fig.seconds).c_str(), stdout);
  if (out.model_error.empty()) return estimate_exit_code(out);
  // The error's message and exit code, as a normal run's (its head was printed above).
  return scenario_verdict(RunOptions{}, info, prog, run, out, false);
}

// The replayed execution of --replay: its violations and steps. False on an internal error.
bool replayed_execution(const RunOptions& o, const ScenarioRef& ref, bool text,
                        report::TraceDoc* doc) {
  std::string err;
  if (!scenario_trace(ref, o.replay, doc, &err)) {
    std::fprintf(stderr, "ravel: internal error: %s\n", err.c_str());
    return false;
  }
  if (!text) return true;
  for (size_t k = 0; k < doc->violations.size(); ++k) {
    std::printf("\n%s", report::format_violation_text(*doc, k, o.verbose).c_str());
  }
  std::printf("\nreplayed execution (%zu steps", doc->events.size());
  if (!doc->history.empty()) {
    std::printf(", after %zu earlier execution%s", doc->history.size(),
                doc->history.size() == 1 ? "" : "s");
  }
  std::printf("):\n%s", all_steps_text(*doc).c_str());
  return true;
}

// The violations found by exploring, each replayed into its full report; *first gets the first
// one's trace. A scenario in error is not replayed (its replay would hit the same error): its
// violations are reported from the exploration's own data, the same in every mode.
// Returns kExitInternal when a replay fails (that scenario only: the batch goes on).
int explored_violations(const RunOptions& o, const ScenarioRef& ref, const interp::ReportInfo& info,
                        const interp::RunResult& run, bool errored, bool text,
                        report::TraceDoc* first, bool* have_first) {
  const std::vector<FoundViolation>& vs = run.result.violations;
  if (errored) {
    for (size_t k = 0; k < vs.size() && text; ++k) {
      std::fputs(interp::violation_text(info, vs[k], o.verbose).c_str(), stdout);
    }
    return kExitOk;
  }
  for (size_t k = 0; k < vs.size() && (text || k == 0); ++k) {
    if (!text && o.trace.empty()) break;
    report::TraceDoc doc;
    std::string report_text;
    if (!violation_report(ref, vs[k], o.verbose, &doc, &report_text)) return kExitInternal;
    if (text) std::fputs(report_text.c_str(), stdout);
    if (k == 0) {
      *first = std::move(doc);
      *have_first = true;
    }
  }
  return kExitOk;
}

// Reports one explored scenario: verdict, violations, trace file, summary row, JUnit case.
void report_scenario(Batch& b, const std::string& file, const lang::Checked& checked,
                     const interp::RunResult& run, const EstimateFigures& est) {
  const RunOptions& o = b.o;
  const lang::Program& prog = *checked.program;
  ScenarioRef ref{&prog, file, checked.source->text(), scenario_options(o)};
  clear_progress();
  if (!est.parallel.empty()) std::fprintf(stderr, "%s: %s\n", file.c_str(), est.parallel.c_str());
  interp::Outcome out = interp::evaluate(prog, run);
  const std::string strategy = o.estimate ? "estimate" : !o.replay.empty() ? "replay" : o.strategy;
  interp::ReportInfo info{file, strategy, run.result.elapsed_s};
  bool text = !o.json && (!o.quiet || (!out.match && out.model_error.empty()));
  int rc = kExitOk;
  if (o.estimate) {
    text = !o.json && (!o.quiet || estimate_exit_code(out) != kExitOk);
    rc = estimate_verdict(o, info, prog, run, out, est, text);
  } else {
    b.cases.push_back(junit_case(info, prog, run, out));
    rc = scenario_verdict(o, info, prog, run, out, text);
  }
  if (std::string err; !o.sarif.empty() && !b.sarif.add(ref, run, out, &err)) {
    std::fprintf(stderr, "ravel: internal error: %s\n", err.c_str());
    rc = worst_exit(rc, kExitInternal);
  }
  report::TraceDoc first;
  bool have_first = false;
  if (!o.replay.empty() && out.model_error.empty()) {
    if (replayed_execution(o, ref, text, &first)) {
      have_first = true;
    } else {
      rc = worst_exit(rc, kExitInternal);
    }
  } else if (o.replay.empty()) {
    bool errored = !out.model_error.empty();
    rc = worst_exit(rc, explored_violations(o, ref, info, run, errored, text, &first, &have_first));
  }
  if (!o.trace.empty() && have_first) {
    std::string error;
    if (!write_output_file(b.trace_paths.next(file), report::trace_to_json(first), &error)) {
      std::fprintf(stderr, "ravel: %s\n", error.c_str());
      rc = worst_exit(rc, kExitInternal);
    }
  }
  const char* verdict = !out.model_error.empty() ? "ERROR"
                        : o.estimate               ? "EST"
                        : out.match                ? "PASS"
                                                   : "FAIL";
  const uint64_t executions =
      o.estimate ? static_cast<uint64_t>(std::llround(est.est.executions)) : out.executions;
  b.rows.push_back({file, verdict, join(out.expected), join(out.found), executions,
                    run.result.elapsed_s});
  b.exit_code = worst_exit(b.exit_code, rc);
  std::fflush(stdout);
}

// Parses, checks and screens every file before exploring any. False (diagnostics printed) when
// one is not valid. A litmus test gets an empty Checked and its Loaded in tests[i].
bool check_all(const RunOptions& o, const std::vector<std::string>& files,
               std::vector<lang::Checked>& checked,
               std::vector<std::unique_ptr<litmus::Loaded>>& tests) {
  bool ok = true;
  for (const std::string& f : files) {
    tests.emplace_back();
    if (is_litmus_file(f)) {
      checked.emplace_back();
      tests.back() = std::make_unique<litmus::Loaded>();
      if (std::string diag;
          !litmus::load_litmus(f, tests.back().get(), &diag, o.memory_model, lkmm_limits(o))) {
        std::fputs(diag.c_str(), stderr);
        ok = false;
      }
      continue;
    }
    checked.push_back(lang::check_file(f));
    lang::Checked& c = checked.back();
    if (!c.ok) {
      std::fputs(c.diagnostics.c_str(), stderr);
      ok = false;
    } else if (o.memory_model == "lkmm") {
      // docs/litmus.md "Scenarios under lkmm": what lkmm does not model is refused, never
      // handed to the sc interpreter.
      if (std::string d; !litmus::screen_ravel_lkmm(*c.program, *c.source, &d)) {
        std::fputs(d.c_str(), stderr);
        ok = false;
      }
    } else if (std::string u = interp::check_supported(*c.program, *c.source); !u.empty()) {
      std::fputs(u.c_str(), stderr);
      ok = false;
    }
  }
  return ok;
}

void report_lkmm_scenario(Batch& b, const std::string& file, const lang::Checked& c) {
  LitmusRow row;
  JunitCase junit;
  int rc = run_lkmm_scenario(b.o, file, c, &row, [&] { return b.trace_paths.next(file); },
                             b.o.junit.empty() ? nullptr : &junit,
                             b.o.sarif.empty() ? nullptr : &b.sarif);
  if (!b.o.junit.empty()) b.cases.push_back(std::move(junit));
  b.rows.push_back({file, row.verdict, row.expected, row.found, row.executions, row.elapsed});
  b.exit_code = worst_exit(b.exit_code, rc);
  std::fflush(stdout);
}

void report_litmus(Batch& b, const std::string& file, const litmus::Loaded& l) {
  LitmusRow row;
  JunitCase junit;
  int rc = run_litmus_file(b.o, file, l, scenario_options(b.o), explore_options(b.o), &row,
                           b.o.junit.empty() ? nullptr : &junit);
  if (!b.o.junit.empty()) b.cases.push_back(std::move(junit));
  b.rows.push_back({file, row.verdict, row.expected, row.found, row.executions, row.elapsed});
  b.exit_code = worst_exit(b.exit_code, rc);
  std::fflush(stdout);
}

int run_mpi(const RunOptions& o, const std::vector<std::string>& files,
            std::vector<lang::Checked>& checked);
int run_batch(const RunOptions& o, const std::vector<std::string>& files,
              std::vector<lang::Checked>& checked,
              std::vector<std::unique_ptr<litmus::Loaded>>& tests);

int run_run(const std::vector<std::string>& args) {
  RunOptions o;
  if (!parse_run_options(args, o)) return kExitUsage;
  std::vector<std::string> files;
  if (!collect_scenarios(o.paths, files, true)) return kExitUsage;
  if (!o.replay.empty() && files.size() != 1) {
    return usage_error("run", "--replay needs exactly one scenario file");
  }
  if (!o.replay.empty() && is_litmus_file(files[0])) {
    return usage_error("run", "--replay applies to .ravel scenarios, not to litmus tests");
  }
  // Under lkmm a litmus test's judging pass is split as a scenario's (lkmm_options_ok()).
  const bool parallel =
      o.memory_model != "lkmm" && (o.threads_given || o.simulate_workers > 0 || o.mpi);
  for (const std::string& f : files) {
    if (parallel && is_litmus_file(f)) {
      return usage_error("run", "--threads, --simulate-workers and --mpi apply to .ravel "
                                "scenarios, not to litmus tests (" + f + ")");
    }
  }
  if (std::string error; !o.replay.empty() && !valid_schedule(o.replay, &error)) {
    std::fprintf(stderr, "ravel: invalid schedule: %s\n", error.c_str());
    return kExitUsage;
  }
  if (!lkmm_options_ok(o, files)) return kExitUsage;
  std::vector<lang::Checked> checked;
  std::vector<std::unique_ptr<litmus::Loaded>> tests;
  if (!check_all(o, files, checked, tests)) return kExitUsage;
  install_interrupt_handlers();
  if (o.mpi) return run_mpi(o, files, checked);
  return run_batch(o, files, checked, tests);
}

// --mpi: rank 0 runs the batch with the other ranks as its workers; they serve its pieces.
int run_mpi(const RunOptions& o, const std::vector<std::string>& files,
            std::vector<lang::Checked>& checked) {
  int rank = 0, size = 1;
  if (std::string err; !mpi_start(&rank, &size, &err)) {
    std::fprintf(stderr, "ravel: --mpi: %s\n", err.c_str());
    return kExitInternal;
  }
  if (rank > 0) {
    // Silent: rank 0 prints everything. A piece runs as a --threads worker's would.
    if (std::freopen("/dev/null", "w", stdout) == nullptr) return kExitInternal;
    ExploreOptions ex = explore_options(o);
    ex.progress = nullptr;
    const int rc = mpi_serve(rank, [&](const PieceRequest& q, dpor::PieceOutput* out,
                                       ExploreResult* res) {
      const lang::Program& prog = *checked.at(q.scenario).program;
      run_request(ex, interp::piece_env(prog, scenario_options(o)), q, out, res);
    });
    mpi_stop(rank);
    return rc;
  }
  if (size < 2) {
    std::fprintf(stderr, "ravel: --mpi needs at least 2 ranks (mpirun -np K, K >= 2): rank 0 "
                         "coordinates, the others explore\n");
    mpi_stop(rank);
    return kExitUsage;
  }
  std::vector<std::unique_ptr<litmus::Loaded>> none(files.size());
  const int rc = run_batch(o, files, checked, none);
  // The report first: after a signal, MPI_Finalize may wait on a dead rank until mpirun's
  // SIGKILL, and stdout (a pipe to mpirun) is not flushed by a killed process.
  std::fflush(stdout);
  std::fflush(stderr);
  mpi_stop(rank);
  return rc;
}

int run_batch(const RunOptions& o, const std::vector<std::string>& files,
              std::vector<lang::Checked>& checked,
              std::vector<std::unique_ptr<litmus::Loaded>>& tests) {
  Batch b{o, TracePaths(o, files.size()), {}, {}, {}, kExitOk};
  if (o.jobs == 1 || o.memory_model == "lkmm") {
    // One at a time, each reported as soon as explored: what finished is on the screen (and
    // survives a Ctrl-C) while the next one runs.
    for (size_t i = 0; i < files.size() && !interrupt_flag()->load(); ++i) {
      if (tests[i]) {
        report_litmus(b, files[i], *tests[i]);
      } else if (o.memory_model == "lkmm") {
        report_lkmm_scenario(b, files[i], checked[i]);
      } else {
        EstimateFigures est;
        interp::RunResult run = explore_one(o, checked[i], &est, i);
        report_scenario(b, files[i], checked[i], run, est);
      }
    }
  } else {
    std::vector<char> explored;
    std::vector<EstimateFigures> estimates;
    std::vector<interp::RunResult> runs = explore_all(o, checked, explored, estimates);
    for (size_t i = 0; i < files.size(); ++i) {
      if (tests[i] && !interrupt_flag()->load()) report_litmus(b, files[i], *tests[i]);
      if (explored[i]) report_scenario(b, files[i], checked[i], runs[i], estimates[i]);
    }
  }
  if (files.size() > 1 && !o.json) print_summary(b.rows);
  if (!o.junit.empty()) {
    std::string err;
    if (!write_junit(o.junit, b.cases, &err)) {
      std::fprintf(stderr, "ravel: %s\n", err.c_str());
      b.exit_code = worst_exit(b.exit_code, kExitInternal);
    }
  }
  if (std::string err; !o.sarif.empty() && !b.sarif.write(o.sarif, &err)) {
    std::fprintf(stderr, "ravel: %s\n", err.c_str());
    b.exit_code = worst_exit(b.exit_code, kExitInternal);
  }
  if (interrupt_signal() != 0) {
    std::fprintf(stderr,
                 "ravel: interrupted (signal %d): %zu of %zu scenarios reported, the last one "
                 "incomplete\n",
                 interrupt_signal(), b.rows.size(), files.size());
    return interrupted_exit_code();
  }
  return b.exit_code;
}

}  // namespace

const Command kRunCommand = {
    "run", "explore every interleaving of scenarios and compare with their expect",
    "usage: ravel run [options] PATH...\n"
    "\n"
    "PATH is a .ravel file, a .litmus file (the kernel's C litmus format, docs/litmus.md) or a\n"
    "folder (searched recursively for both, in sorted order).\n"
    "\n"
    "options:\n"
    "  --strategy dpor          exhaustive with partial-order reduction (default)\n"
    "  --strategy dfs           exhaustive, every interleaving, no reduction\n"
    "  --strategy bounded --preemptions N   interleavings with at most N preemptions\n"
    "  --strategy random        sampled executions (with --executions N)\n"
    "  --strategy pct --depth D sampled executions, PCT with bug depth D\n"
    "  --executions N           stop after N executions (the run is then incomplete)\n"
    "  --time-limit S           stop after S seconds (the run is then incomplete)\n"
    "  --seed N                 seed for random and pct (default 0)\n"
    "  --stop-on-first          stop at the first violation\n"
    "  --jobs N                 explore N scenarios at once, on N threads (default 1; same\n"
    "                           output for any N)\n"
    "  --threads N              explore one scenario on N threads (every strategy;\n"
    "                           default 1, 0: all cores; the same output as one thread,\n"
    "                           docs/parallel.md)\n"
    "  --simulate-workers K     run the pieces of --threads over K simulated workers on one\n"
    "                           thread and print each one's share of the executions (stderr)\n"
    "  --mpi                    run under mpirun (-np K, K >= 2): rank 0 coordinates, ranks\n"
    "                           1..K-1 explore the pieces of --threads (the same output;\n"
    "                           a lost worker: exit 3, the run incomplete; docs/parallel.md)\n"
    "  --split-order ORDER      dpor's pieces with --threads, --simulate-workers or --mpi:\n"
    "                           sequential (default: one thread's output, byte for byte) or\n"
    "                           independent (pieces that need no other: they spread over\n"
    "                           the workers; the same output for any number of workers, the\n"
    "                           same behaviours as one thread, another execution order)\n"
    "  --json                   one JSON object per scenario on stdout (JSON Lines)\n"
    "  --trace FILE             write the first violation's trace (ravel-trace/2 JSON; under\n"
    "                           lkmm ravel-lkmm-trace/1: events, rf, co; with several\n"
    "                           scenarios FILE is a folder: one STEM.json each)\n"
    "  --replay SCHEDULE        run the one execution SCHEDULE names and print its trace\n"
    "                           (with --trace: the same document, byte for byte); 'H1;H2;S'\n"
    "                           first replays the earlier executions H1, H2 a lockdep report\n"
    "                           rests on (its history, as printed), then records S\n"
    "  --junit FILE             write JUnit XML (one test case per scenario or litmus test)\n"
    "  --sarif FILE             write SARIF 2.1.0 (one result per violation, the counterexample\n"
    "                           as a code flow; expected violations are suppressed) to FILE\n"
    "  --loop-bound N           iterations of one loop before the scenario is in error (1000)\n"
    "  --signals                mutex_lock_interruptible may return -EINTR\n"
    "  --timeouts=early         every timed wait may also time out at any point\n"
    "  --memory-model MODEL     sc (default): every interleaving, sequentially consistent;\n"
    "                           lkmm: the Linux-kernel memory model (herd7's axioms), for\n"
    "                           .litmus files and scenarios of marked accesses, barriers,\n"
    "                           atomics, spinlocks, RCU, mutexes, completions, krefs and\n"
    "                           dma_fences (other constructs are refused); --executions,\n"
    "                           --time-limit and --stop-on-first bound the enumeration, the\n"
    "                           options of the interleaving strategies are refused\n"
    "  --no-reduction=commute   dpor: counter updates nobody observes (kref_get, a kref_put\n"
    "                           that does not release, atomic_inc...) race like writes\n"
    "  --no-reduction=symmetry  identical threads are explored in every start order, not\n"
    "                           only in declaration order\n"
    "  --no-reduction=coarse    a model's internal spinlock section (a fence's enable\n"
    "                           section) is three operations, not one ('commute,symmetry,\n"
    "                           coarse': all off)\n"
    "  --estimate               do not explore: estimate dpor's executions and time from random\n"
    "                           probes of its tree (seeded by --seed; a range of about 95 %;\n"
    "                           violations the probes meet are reported; exit 1 only for a\n"
    "                           kind expect lacks)\n"
    "  --estimate-samples N     probes of --estimate (default 1000)\n"
    "  --quiet / --verbose      less or more text on stdout\n"
    "\n"
    "Numbers are decimal and range-checked: --loop-bound 1..1000000000, --preemptions\n"
    "0..100000, --depth 1..1000, --jobs 1..256, --threads 0..256, --simulate-workers 1..4096,\n"
    "--executions 1..2^62, --seed any 64-bit value,\n"
    "--estimate-samples 1..10000000, "
    "--time-limit above 0 up to 1e9; an option may be given once.\n"
    "\n"
    "exit status: 0 every outcome matches its expect; 1 some outcome differs, or an incomplete\n"
    "run missed an expected kind or finished no execution; 2 usage error, invalid scenario or\n"
    "schedule, or an error of the scenario; 3 internal error, out of memory or an output that\n"
    "cannot be written; 130/143 interrupted by SIGINT/SIGTERM (what finished is reported). See\n"
    "'ravel help exit-codes'.\n",
    kRunOptions, run_run};

}  // namespace ravel::cli
