// tools/ravel/cmd_lockorder.cc: `ravel lockorder PATH... [--out FILE] [--baseline FILE [--update]]
// [--strategy dpor|dfs] [--jobs N] [--dot FILE] [--svg FILE]` (docs/cli.md, docs/ci.md; the
// pictures are tools/ravel/lockorder_dot.h).
//
// Every scenario is checked first (exit 2 on any error, as `ravel check`), then explored
// exhaustively by the interpreter while model/lockdep_export.h records every lock-class ordering
// lockdep validates. The merged set is order-independent (smallest location pair per ordering),
// so the file is the same for dpor and dfs, for any --jobs and for any order of PATHs. Exit codes
// (cli.h): 0 written or no regression, 1 a new ordering or cycle against the baseline, 2 bad
// input (or an error of a scenario), 3 internal or an output that could not be written.
#include <atomic>
#include <cstdio>
#include <thread>

#include "model/lockdep_export.h"
#include "scenarios/interp/interp.h"
#include "scenarios/lang/frontend.h"
#include "scenarios/lang/input_file.h"
#include "tools/ravel/cli.h"
#include "tools/ravel/lockorder.h"
#include "tools/ravel/lockorder_dot.h"

namespace ravel::cli {
namespace {

struct LockorderOptions {
  std::vector<std::string> paths;
  std::string out, baseline, strategy = "dpor";
  std::string dot, svg;  // --dot FILE, --svg FILE (tools/ravel/lockorder_dot.h)
  bool update = false;
  int64_t jobs = 1;
};

constexpr OptionSpec kLockorderOptions[] = {
    {"out", "FILE", ""},          {"baseline", "FILE", ""}, {"update", "", ""},
    {"strategy", "S", "dpor dfs"}, {"jobs", "N", ""},        {"dot", "FILE", ""},
    {"svg", "FILE", ""}};

// One option's value into `o`; false with the usage error printed when it is not valid.
bool apply(const GivenOption& g, LockorderOptions& o) {
  const std::string& v = g.value;
  if (g.name == "update") {
    o.update = true;
  } else if (g.name == "strategy") {
    if (v != "dpor" && v != "dfs") {
      usage_error("lockorder",
                  "option --strategy expects dpor or dfs (lockorder explores every execution)");
      return false;
    }
    o.strategy = v;
  } else if (g.name == "jobs") {
    uint64_t n = 0;
    if (!parse_uint(v, 1, 256, n)) {
      usage_error("lockorder", "option --jobs expects an integer from 1 to 256");
      return false;
    }
    o.jobs = static_cast<int64_t>(n);
  } else {
    // "--out=" would silently mean "no --out": an empty FILE is as missing as none.
    if (v.empty()) {
      usage_error("lockorder", "option --" + g.name + " needs a FILE");
      return false;
    }
    std::string& file = g.name == "out"        ? o.out
                        : g.name == "baseline" ? o.baseline
                        : g.name == "dot"      ? o.dot
                                               : o.svg;
    file = v;
  }
  return true;
}

int parse(const std::vector<std::string>& args, LockorderOptions& o) {
  ParsedArgs parsed;
  if (!parse_args("lockorder", kLockorderOptions, args, &parsed)) return kExitUsage;
  for (const GivenOption& g : parsed.options) {
    if (!apply(g, o)) return kExitUsage;
  }
  o.paths = parsed.positionals;
  if (o.paths.empty()) return usage_error("lockorder", "lockorder needs at least one PATH");
  if (o.update && o.baseline.empty())
    return usage_error("lockorder", "--update needs --baseline FILE");
  return kExitOk;
}

// Explores one checked scenario into `into`. Returns an error ("file: error: ...") on a model
// error or an exploration that did not cover every execution; empty on success.
std::string collect(const std::string& file, const lang::Program& prog, const std::string& strategy,
                    model::LockOrderSet& into) {
  ExploreOptions ex;
  ex.strategy.name = strategy;
  interp::RunResult run;
  {
    model::LockOrderRecorder recorder(&into);  // this thread's lockdep only
    run = interp::run_program(prog, interp::Options{}, ex);
  }
  if (!run.result.model_error.empty()) return file + ": error: " + run.result.model_error + "\n";
  if (!run.result.complete) return file + ": error: exploration did not cover every execution\n";
  return "";
}

// Explores the scenarios on `jobs` threads (the engine's per-execution state is thread_local).
// Each scenario gets its own set; merging is order-independent (LockOrderSet::add keeps the
// smallest location pair), so the result does not depend on `jobs` or on scheduling.
bool collect_all(const std::vector<std::string>& files, const std::vector<lang::Checked>& checked,
                 const LockorderOptions& o, model::LockOrderSet& all) {
  std::vector<model::LockOrderSet> sets(files.size());
  std::vector<std::string> errors(files.size());
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < files.size(); i = next++) {
      errors[i] = collect(files[i], *checked[i].program, o.strategy, sets[i]);
    }
  };
  std::vector<std::thread> threads;
  for (int64_t t = 1; t < o.jobs && static_cast<size_t>(t) < files.size(); ++t) {
    threads.emplace_back(worker);
  }
  worker();
  for (std::thread& t : threads) t.join();
  bool ok = true;
  for (size_t i = 0; i < files.size(); ++i) {
    std::fputs(errors[i].c_str(), stderr);
    ok = ok && errors[i].empty();
    all.add_all(sets[i]);
  }
  return ok;
}

bool write_file(const std::string& path, const std::string& text) {
  std::string error;
  if (write_output_file(path, text, &error)) return true;
  std::fprintf(stderr, "ravel: %s\n", error.c_str());
  return false;
}

int write_pictures(const LockorderOptions& o, const std::vector<LockEdge>& edges,
                   const LockDiff* diff);

int against_baseline(const LockorderOptions& o, const std::vector<LockEdge>& current) {
  std::vector<LockEdge> base;
  std::string text, err, reason;
  if (!lang::read_input_file(o.baseline, lang::kMaxDocumentBytes, &text, &reason)) {
    if (!o.update) {
      std::fprintf(stderr, "%s: error: cannot read the baseline: %s (create it with --update)\n",
                   o.baseline.c_str(), reason.c_str());
      return kExitUsage;
    }
  } else if (!parse_json(text, &base, &err)) {
    std::fprintf(stderr, "%s: error: not a lock-order file: %s\n", o.baseline.c_str(), err.c_str());
    return kExitUsage;
  }
  LockDiff d = diff(base, current);
  std::fputs(render(d).c_str(), stdout);
  if (int rc = write_pictures(o, current, &d); rc != kExitOk) return rc;
  if (o.update) {
    if (!write_file(o.baseline, to_json(current))) return kExitInternal;
    std::printf("lockorder: baseline %s updated (%zu orderings)\n", o.baseline.c_str(),
                current.size());
    return kExitOk;
  }
  return d.failed() ? kExitMismatch : kExitOk;
}

// --dot FILE and --svg FILE: the class graph as a picture (lockorder_dot.h), with the baseline's
// diff marked when there is one. A missing Graphviz is an error of the environment, reported like
// an unwritable file (exit 2).
int write_pictures(const LockorderOptions& o, const std::vector<LockEdge>& edges,
                   const LockDiff* diff) {
  if (o.dot.empty() && o.svg.empty()) return kExitOk;
  std::string dot = to_dot(edges, diff);
  if (!o.dot.empty() && !write_file(o.dot, dot)) return kExitUsage;
  if (std::string err; !o.svg.empty() && !dot_to_svg(dot, o.svg, &err)) {
    std::fprintf(stderr, "ravel: error: %s\n", err.c_str());
    return kExitUsage;
  }
  return kExitOk;
}

int run_lockorder(const std::vector<std::string>& args) {
  LockorderOptions o;
  if (int rc = parse(args, o); rc != kExitOk) return rc;
  std::vector<std::string> files;
  bool ok = collect_scenarios(o.paths, files);
  std::vector<lang::Checked> checked;
  for (const std::string& f : files) {
    checked.push_back(lang::check_file(f));
    lang::Checked& c = checked.back();
    std::string unsupported = c.ok ? interp::check_supported(*c.program, *c.source) : "";
    std::fputs(c.diagnostics.c_str(), stderr);
    std::fputs(unsupported.c_str(), stderr);
    ok = ok && c.ok && unsupported.empty();
  }
  if (!ok) return kExitUsage;
  model::LockOrderSet all;
  if (!collect_all(files, checked, o, all)) return kExitUsage;
  std::vector<LockEdge> edges = to_edges(all.sorted());
  if (!o.out.empty() && !write_file(o.out, to_json(edges))) return kExitInternal;
  if (!o.baseline.empty()) return against_baseline(o, edges);
  if (int rc = write_pictures(o, edges, nullptr); rc != kExitOk) return rc;
  if (o.out.empty() && o.dot.empty() && o.svg.empty()) std::fputs(to_json(edges).c_str(), stdout);
  return kExitOk;
}

}  // namespace

const Command kLockorderCommand = {
    "lockorder", "collect the lock-class orderings scenarios exercise; diff with a baseline",
    "usage: ravel lockorder PATH... [--out FILE] [--baseline FILE [--update]] [--strategy S]\n"
    "                       [--jobs N] [--dot FILE] [--svg FILE]\n"
    "\n"
    "Explores every execution of the scenarios and collects every lock-class ordering lockdep\n"
    "observes (B taken while A held, with the IRQ context of B: process/softirq/hardirq, and\n"
    "whether IRQs were off), with the smallest pair of acquisition locations seen. The output is\n"
    "sorted JSON, one ordering per line, the same for every strategy and exploration order.\n"
    "  --out FILE        write the orderings to FILE (default: standard output)\n"
    "  --baseline FILE   print a diff against FILE: '+' new orderings and '!' the cycles they\n"
    "                    close (exit 1), '-' orderings no longer observed (information)\n"
    "  --update          rewrite the baseline FILE with the orderings observed (exit 0)\n"
    "  --strategy S      dpor (default) or dfs\n"
    "  --jobs N          explore N scenarios in parallel (same output)\n"
    "  --dot FILE        write the lock-class graph as Graphviz DOT: edges as observed, cycle\n"
    "                    edges red, HARDIRQ-/SOFTIRQ-safe classes filled, HARDIRQ-unsafe bold;\n"
    "                    with --baseline, the baseline's edges too: new ones dashed\n"
    "  --svg FILE        the same graph as SVG (runs Graphviz 'dot -Tsvg'; exit 2 without it)\n"
    "  (with --dot or --svg and no --out/--baseline, the JSON is not printed)\n",
    kLockorderOptions, run_lockorder};

}  // namespace ravel::cli
