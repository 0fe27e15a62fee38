// tests/litmus/lkmm_explore_test.cc: the exploration of scenarios/litmus/lkmm_explore.h against
// the reference enumeration (lkmm_enum.h, kReference) on every litmus test and scenario of
// tests/litmus and on seeded random programs (lkmm_random.h): the same consistent executions,
// the same multiset of final states, the same data-race flags and violations. The limits of an
// execution (kMaxEvents) both ways: under the limit it runs, over it exit 2.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "model/lkmm/lkmm.h"
#include "scenarios/lang/frontend.h"
#include "scenarios/lang/input_file.h"
#include "scenarios/litmus/litmus_parse.h"
#include "scenarios/litmus/lkmm_enum.h"
#include "scenarios/litmus/lkmm_ravel_run.h"
#include "scenarios/litmus/lkmm_run.h"
#include "tests/litmus/lkmm_random.h"

namespace ravel::litmus {
namespace {

struct Outcome {
  bool ok = false;
  std::string diag;
  LitmusResult r;
};

// `cap`: stop the run after that many consistent executions (incomplete), so that a program
// too costly for the reference is skipped by a rule that does not depend on the machine's load.
Outcome run_litmus(const std::string& text, bool reference, int64_t cap = -1,
                   bool every_state = false) {  // else explore
  Outcome o;
  Test t;
  Error err;
  if (!parse(text, &t, &err)) {
    o.diag = err.message;
    return o;
  }
  lkmm_enum::Limits lim;
  lim.explore = !reference;
  lim.executions = cap;
  lim.time_limit_s = 60;  // a run that exceeds it fails the comparison (incomplete)
  lim.every_state = every_state;
  o.ok = run_lkmm("t.litmus", text, t, lkmm::kAllAxioms, &o.r, &o.diag, lim);
  return o;
}

std::string slurp_file(const std::string& path) {
  std::string text, reason;
  EXPECT_TRUE(lang::read_input_file(path, lang::kMaxScenarioBytes, &text, &reason)) << reason;
  return text;
}

std::vector<std::string> files(const std::string& dir, const std::string& ext) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(std::string(RAVEL_SOURCE_DIR) + dir)) {
    if (e.path().extension() == ext) out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Both agree: refused by both, or the same executions, final states (with their counts) and
// flags. Returns whether both ran.
bool agree(const std::string& text, const std::string& what, uint64_t* ref_cand = nullptr,
           uint64_t* exp_cand = nullptr, int64_t ref_cap = -1) {
  Outcome ref = run_litmus(text, true, ref_cap);
  // The exploration runs fewer thread paths than the reference's value domains, so it may run
  // what the reference refuses (more than kMaxPaths paths of one thread); never the other way.
  if (!ref.ok || !ref.r.run.result.complete) return false;
  Outcome exp = run_litmus(text, false);
  EXPECT_TRUE(exp.ok) << what << "\n" << exp.diag << "\n" << text;
  if (!exp.ok) return false;
  EXPECT_TRUE(exp.r.run.result.complete) << what << " (time limit)\n" << text;
  EXPECT_EQ(exp.r.run.result.executions, ref.r.run.result.executions) << what << "\n" << text;
  EXPECT_EQ(exp.r.obs.states, ref.r.obs.states) << what << "\n" << text;
  EXPECT_EQ(exp.r.obs.positive, ref.r.obs.positive) << what;
  EXPECT_EQ(exp.r.obs.negative, ref.r.obs.negative) << what;
  EXPECT_EQ(exp.r.flags, ref.r.flags) << what << "\n" << text;
  EXPECT_EQ(exp.r.found, ref.r.found) << what;
  if (ref_cand != nullptr) *ref_cand += ref.r.candidates, *exp_cand += exp.r.candidates;
  return true;
}

TEST(LkmmExplore, OwnLitmusTestsAgreeWithTheReference) {
  uint64_t ref = 0, exp = 0;
  int n = 0;
  for (const char* dir : {"/tests/litmus/lkmm", "/tests/litmus/sc"}) {
    for (const std::string& f : files(dir, ".litmus")) n += agree(slurp_file(f), f, &ref, &exp);
  }
  EXPECT_GT(n, 55);
  std::printf("%d litmus tests: %llu candidates (reference), %llu (exploration)\n", n,
              static_cast<unsigned long long>(ref), static_cast<unsigned long long>(exp));
}

// The scenario front end: the same executions judged, the same violations (kind and place).
TEST(LkmmExplore, ScenariosAgreeWithTheReference) {
  int n = 0;
  for (const char* dir :
       {"/tests/litmus/ravel", "/tests/litmus/ravel-kernel", "/tests/litmus/ravel-irq",
        "/tests/litmus/ravel-struct", "/tests/litmus/ravel-fence", "/tests/litmus/ravel-rw",
        "/tests/litmus/ravel-ops", "/tests/litmus/ravel-resv", "/tests/litmus/ravel-tmo",
        "/tests/litmus/ravel-work"}) {
    for (const std::string& f : files(dir, ".ravel")) {
      lang::Checked c = lang::check_text(f, slurp_file(f));
      ASSERT_TRUE(c.ok) << c.diagnostics;
      RavelLkmmResult ref, exp;
      std::string d1, d2;
      lkmm_enum::Limits reference;
      reference.explore = false;
      const bool r1 = run_ravel_lkmm(*c.program, *c.source, 1000, &ref, &d1, reference);
      const bool r2 = run_ravel_lkmm(*c.program, *c.source, 1000, &exp, &d2);  // explores
      EXPECT_EQ(r1, r2) << f << d1 << d2;
      if (!r1 || !r2) continue;
      ++n;
      EXPECT_EQ(exp.run.result.executions, ref.run.result.executions) << f;
      EXPECT_EQ(exp.dropped, ref.dropped) << f;
      auto kinds = [](const RavelLkmmResult& r) {
        std::set<std::tuple<int, std::string, uint32_t, uint32_t>> s;
        for (const FoundViolation& v : r.run.result.violations) {
          s.insert({int(v.violation.kind), v.violation.message, v.violation.loc.line,
                    v.violation.loc.col});
        }
        return s;
      };
      EXPECT_EQ(kinds(exp), kinds(ref)) << f;
    }
  }
  EXPECT_GT(n, 35);
}

// A random program whose reference run has more consistent executions than this is not
// compared (the reference checks every candidate: 272 executions of a 3-thread program cost it
// 17 s, the exploration 0.2 s). The rule depends on counts, not on the machine's load.
constexpr int64_t kRandomCap = 100;

struct RandomTally {
  int ran = 0, weak = 0, raced = 0;
  uint64_t ref = 0, exp = 0;  // candidates checked
};

// Seeded random programs [first, last) of every construct lkmm_random.h writes: the exploration
// finds what the brute-force enumeration finds, state for state.
RandomTally compare_random(int first, int last) {
  std::mt19937 rng(1317);
  RandomTally n;
  for (int i = 0; i < last; ++i) {
    testing::RandomShape shape;
    shape.max_threads = i % 4 == 3 ? 4 : 3;  // a quarter with four threads
    shape.max_statements = i % 4 == 3 ? 3 : 5;
    const std::string text = testing::random_litmus(rng, shape);
    if (i < first) continue;
    const auto t0 = std::chrono::steady_clock::now();
    const bool both = agree(text, "random " + std::to_string(i), &n.ref, &n.exp, kRandomCap);
    if (std::getenv("LKMM_EXPLORE_VERBOSE") != nullptr) {
      const std::chrono::duration<double> d = std::chrono::steady_clock::now() - t0;
      std::fprintf(stderr, "random %d: %s, %.2f s\n", i, both ? "compared" : "skipped", d.count());
    }
    if (!both) continue;
    ++n.ran;
    Outcome o = run_litmus(text, false);
    n.weak += o.r.obs.states.size() > 1;
    n.raced += o.r.flags == "data-race";
  }
  std::printf("%d random programs: %llu candidates (reference), %llu (exploration)\n", n.ran,
              static_cast<unsigned long long>(n.ref), static_cast<unsigned long long>(n.exp));
  return n;
}

TEST(LkmmExplore, RandomProgramsAgreeWithTheReference) {
  RandomTally n = compare_random(0, 60);  // about 4 s
  EXPECT_GT(n.ran, 40);
  EXPECT_GT(n.raced, 5);
  EXPECT_LT(n.raced, n.ran);
  EXPECT_GT(n.weak, 15);
}

// ctest lkmm_explore_slow (label slow): 240 more, about 45 s, most of it the reference's.
TEST(LkmmExploreSlow, MoreRandomProgramsAgreeWithTheReference) {
  RandomTally n = compare_random(60, 300);
  EXPECT_GT(n.ran, 150);
  EXPECT_GT(n.raced, 20);
  EXPECT_LT(n.raced, n.ran);
  EXPECT_GT(n.weak, 60);
}

// The learning passes skip a state an earlier one covers (lkmm_visited.h): they must learn
// exactly what exploring every state learns (the values each thread stores, with their
// depths), and so find the same executions, on every own litmus test and on random programs
// larger than the reference can check (no reference is run here).
bool covering_learns_the_same(const std::string& text, const std::string& what) {
  Outcome every = run_litmus(text, false, -1, true);
  Outcome cover = run_litmus(text, false);
  EXPECT_EQ(every.ok, cover.ok) << what << every.diag << cover.diag;
  if (!every.ok || !cover.ok || !every.r.run.result.complete) return false;
  EXPECT_EQ(cover.r.learnt, every.r.learnt) << what << "\n" << text;
  EXPECT_EQ(cover.r.run.result.executions, every.r.run.result.executions) << what;
  EXPECT_EQ(cover.r.candidates, every.r.candidates) << what;
  EXPECT_EQ(cover.r.obs.states, every.r.obs.states) << what;
  return true;
}

// The depths matter. P2 writes y = 1 first in its run that reads v = 1 (chain 2: P1 read w
// first), then in the one that reads u = 1 (chain 1): the same values with a shallower depth.
// Only there may P3 write x = 1 from a chain of 2 (it also needs v = 1): a pass that took the
// second state for the first would learn x = 1 one write deeper (chain 4 instead of 3).
const char* const kDeepFirst = R"(C deep-first
{}
P0(int *w)
{
	WRITE_ONCE(*w, 1);
}
P1(int *w, int *u, int *v)
{
	WRITE_ONCE(*u, 1);
	int r0 = READ_ONCE(*w);
	WRITE_ONCE(*v, r0);
}
P2(int *u, int *v, int *y)
{
	int r1 = READ_ONCE(*u);
	int r2 = READ_ONCE(*v);
	if (r1 == 1 || r2 == 1)
		WRITE_ONCE(*y, 1);
}
P3(int *y, int *v, int *x)
{
	int r3 = READ_ONCE(*y);
	int r4 = READ_ONCE(*v);
	if (r3 == 1 && r4 == 1)
		WRITE_ONCE(*x, 1);
}
exists (3:r3=1 /\ 3:r4=1)
)";

// About 10 s in a release build, the first 40 (2 s) under the sanitizers.
#if defined(RAVEL_ASAN)
constexpr int kCoveringPrograms = 40;
#else
constexpr int kCoveringPrograms = 150;
#endif

TEST(LkmmExplore, CoveredStatesLearnNothingNew) {
  int n = covering_learns_the_same(kDeepFirst, "deep-first");
  for (const char* dir : {"/tests/litmus/lkmm", "/tests/litmus/sc"}) {
    for (const std::string& f : files(dir, ".litmus")) {
      n += covering_learns_the_same(slurp_file(f), f);
    }
  }
  std::mt19937 rng(2026);
  for (int i = 0; i < kCoveringPrograms; ++i) {
    testing::RandomShape shape;
    shape.max_threads = i % 3 == 2 ? 4 : 3;
    shape.max_statements = i % 3 == 2 ? 3 : 5;
    const auto t0 = std::chrono::steady_clock::now();
    n +=
        covering_learns_the_same(testing::random_litmus(rng, shape), "random " + std::to_string(i));
    if (std::getenv("LKMM_EXPLORE_VERBOSE") != nullptr) {
      const std::chrono::duration<double> d = std::chrono::steady_clock::now() - t0;
      std::fprintf(stderr, "random %d: %.2f s\n", i, d.count());
    }
  }
  EXPECT_GT(n, kCoveringPrograms + 30);
}

// An execution of more than 64 events (the old bound) runs; one of more than kMaxEvents is
// refused with its position, never judged in part.
std::string long_test(int threads, int writes) {
  std::string text = "C long\n{}\n";
  for (int p = 0; p < threads; ++p) {
    text += "P" + std::to_string(p) + "(int *x)\n{\n";
    for (int i = 0; i < writes; ++i) text += "\tWRITE_ONCE(*x, " + std::to_string(p) + ");\n";
    text += "}\n";
  }
  return text + "exists (x=0)\n";
}

TEST(LkmmExplore, ExecutionsPastSixtyFourEventsRunAndPastTheLimitAreRefused) {
  // 75 events: 60 writes of x by one thread (their coherence order is program order), ten of
  // y and a read of x by another.
  std::string ok = "C long\n{}\nP0(int *x)\n{\n";
  for (int i = 0; i < 60; ++i) ok += "\tWRITE_ONCE(*x, " + std::to_string(i + 1) + ");\n";
  ok += "}\nP1(int *x, int *y)\n{\n\tint r0;\n";
  for (int i = 0; i < 10; ++i) ok += "\tWRITE_ONCE(*y, " + std::to_string(i + 1) + ");\n";
  ok += "\tr0 = READ_ONCE(*x);\n}\nexists (1:r0=0)\n";
  for (bool reference : {false, true}) {  // both ways past 64 events
    Outcome a = run_litmus(ok, reference);
    ASSERT_TRUE(a.ok) << a.diag;
    EXPECT_EQ(a.r.run.result.executions, 61u);  // the read sees the initial write or one of 60
  }
  Outcome b = run_litmus(long_test(5, 60), false);
  EXPECT_FALSE(b.ok);
  EXPECT_NE(b.diag.find("more than 256 events in one execution"), std::string::npos) << b.diag;
}

// The progress line's figures come from the run itself: shown at every clock reading when asked
// to, with the run's own counters (growing, never past what the run ends with), and not at all
// before the time it was asked for.
TEST(LkmmExplore, ProgressShowsTheRunsOwnFigures) {
  const std::string f =
      std::string(RAVEL_SOURCE_DIR) + "/tests/litmus/ravel-peterson/peterson-mb.ravel";
  lang::Checked c = lang::check_text(f, slurp_file(f));
  ASSERT_TRUE(c.ok) << c.diagnostics;
  for (double after : {0.0, 3600.0}) {
    lkmm_enum::Limits lim;
    std::vector<lkmm_enum::Stats> seen;
    lim.progress = [&](const lkmm_enum::Stats& s) { seen.push_back(s); };
    lim.progress_after_s = after;
    lim.progress_every_s = 0;
    RavelLkmmResult r;
    std::string diag;
    ASSERT_TRUE(run_ravel_lkmm(*c.program, *c.source, 1000, &r, &diag, lim)) << diag;
    if (after > 0) {
      EXPECT_TRUE(seen.empty());
      continue;
    }
    ASSERT_GE(seen.size(), 2u);
    EXPECT_GT(seen.back().runs, seen.front().runs);  // the run's counters, not a copy
    EXPECT_LE(seen.back().runs, r.runs);
    EXPECT_LE(seen.back().candidates, r.candidates);
  }
}

}  // namespace
}  // namespace ravel::litmus
