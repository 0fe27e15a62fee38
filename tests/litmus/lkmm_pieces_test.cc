// tests/litmus/lkmm_pieces_test.cc: the judging pass split over worker threads
// (scenarios/litmus/lkmm_pieces.h, `--memory-model lkmm --threads N`) reports what one thread
// reports, in the same order: on every scenario of tests/litmus/ravel* and on seeded random
// litmus tests, whole and cut by --executions and --stop-on-first (the first violation, its
// witness, the executions' final states in order, the counts and whether the run is complete).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "scenarios/lang/frontend.h"
#include "scenarios/lang/input_file.h"
#include "scenarios/litmus/litmus_parse.h"
#include "scenarios/litmus/lkmm_enum.h"
#include "scenarios/litmus/lkmm_ravel_run.h"
#include "scenarios/litmus/lkmm_run.h"
#include "tests/litmus/lkmm_random.h"

namespace ravel::litmus {
namespace {

std::vector<std::string> ravel_files() {
  std::vector<std::string> out;
  const std::string root = std::string(RAVEL_SOURCE_DIR) + "/tests/litmus";
  for (const auto& dir : std::filesystem::directory_iterator(root)) {
    if (!dir.is_directory() || !dir.path().filename().string().starts_with("ravel")) continue;
    for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
      if (e.path().extension() == ".ravel") out.push_back(e.path().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Everything a scenario's run reports but the work the caches saved (Stats::runs, skeletons):
// the verdicts in order, with their execution and witness, and each judged execution's final
// memory in the order it was judged.
std::string report(const lang::Checked& c, unsigned workers, int64_t executions, bool first,
                   bool* complete) {
  RavelLkmmResult r;
  std::string finals;
  r.on_final = [&](const std::vector<std::string>&, const std::vector<int64_t>& memory) {
    for (int64_t v : memory) finals += std::to_string(v) + " ";
    finals += "| ";
  };
  lkmm_enum::Limits lim;
  lim.workers.n = workers;
  lim.executions = executions;
  lim.stop_on_first = first;
  std::string diag;
  if (!run_ravel_lkmm(*c.program, *c.source, 1000, &r, &diag, lim)) return "refused: " + diag;
  *complete = r.run.result.complete;
  std::string out = std::to_string(r.run.result.executions) + " executions, " +
                    std::to_string(r.candidates) + " candidates, dropped " +
                    std::to_string(r.dropped) + "/" + std::to_string(r.dropped_lock) +
                    (r.run.result.complete ? " complete\n" : " incomplete\n");
  for (size_t k = 0; k < r.run.result.violations.size(); ++k) {
    const FoundViolation& v = r.run.result.violations[k];
    out += std::to_string(int(v.violation.kind)) + " " + v.violation.message + " at " +
           std::to_string(v.violation.loc.line) + ":" + std::to_string(v.violation.loc.col) +
           " execution " + std::to_string(v.execution) + "\n" + witness_text(r.witnesses[k]);
  }
  return out + finals;
}

TEST(LkmmPieces, ScenariosReportTheSameOnAnyNumberOfWorkers) {
  int ran = 0, cut = 0, split = 0;
  for (const std::string& f : ravel_files()) {
    std::string text, reason;
    ASSERT_TRUE(lang::read_input_file(f, lang::kMaxScenarioBytes, &text, &reason)) << reason;
    lang::Checked c = lang::check_text(f, text);
    ASSERT_TRUE(c.ok) << c.diagnostics;
    bool complete = false;
    const std::string one = report(c, 1, -1, false, &complete);
    if (one.starts_with("refused")) continue;
    ++ran;
    EXPECT_EQ(report(c, 3, -1, false, &complete), one) << f;
    // Cut where one thread cuts: after 1 and 2 executions, and at the first violation.
    for (int64_t n : {1, 2}) {
      bool whole = false;
      const std::string a = report(c, 1, n, false, &whole);
      cut += !whole;
      EXPECT_EQ(report(c, 2, n, false, &complete), a) << f << " --executions " << n;
    }
    const std::string a = report(c, 1, -1, true, &complete);
    EXPECT_EQ(report(c, 3, -1, true, &complete), a) << f << " --stop-on-first";
    split += one.find("execution 0\n") != std::string::npos;
  }
  EXPECT_GT(ran, 150);
  EXPECT_GT(cut, 100);   // the cuts cut (else the order would not be tested by them)
  EXPECT_GT(split, 30);  // violations found at the first execution, with their witnesses
}

// Litmus tests: the same observation (every final state with its count), flags and counts.
TEST(LkmmPieces, RandomLitmusTestsObserveTheSameOnAnyNumberOfWorkers) {
  std::mt19937 rng(4242);
  int ran = 0;
  for (int i = 0; i < 40; ++i) {
    testing::RandomShape shape;
    shape.max_threads = 3, shape.max_statements = 4;  // lkmm_explore_test.cc's smaller half
    const std::string text = testing::random_litmus(rng, shape);
    litmus::Test t;
    Error err;
    ASSERT_TRUE(parse(text, &t, &err)) << err.message;
    auto run = [&](unsigned workers, int64_t executions) {
      lkmm_enum::Limits lim;
      lim.workers.n = workers;
      lim.executions = executions;
      LitmusResult r;
      std::string diag;
      if (!run_lkmm("t.litmus", text, t, lkmm::kAllAxioms, &r, &diag, lim)) return diag;
      std::string out = r.found + " " + r.flags + " " + std::to_string(r.candidates) + " " +
                        std::to_string(r.run.result.executions) +
                        (r.run.result.complete ? " complete" : " incomplete");
      for (const auto& [state, n] : r.obs.states) out += "\n" + state + ": " + std::to_string(n);
      return out;
    };
    const std::string one = run(1, -1);
    ++ran;
    EXPECT_EQ(run(2, -1), one) << text;
    EXPECT_EQ(run(3, 3), run(1, 3)) << text;
  }
  EXPECT_EQ(ran, 40);
}

}  // namespace
}  // namespace ravel::litmus
