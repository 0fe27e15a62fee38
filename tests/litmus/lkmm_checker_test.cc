// tests/litmus/lkmm_checker_test.cc: the model's skeleton cache (model/lkmm/checker.h) judges
// every candidate as lkmm::check does. Each candidate the exploration's checker judges is
// judged again from scratch (Limits::cross_check) over the project's own litmus tests, random
// programs of every construct lkmm_random.h writes, every scenario under tests/litmus, and
// programs whose candidates share few skeletons (a mutex-protected plain counter); and the
// key's rules one by one on a hand-built execution.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "model/lkmm/checker.h"
#include "scenarios/lang/frontend.h"
#include "scenarios/lang/input_file.h"
#include "scenarios/litmus/litmus_parse.h"
#include "scenarios/litmus/lkmm_enum.h"
#include "scenarios/litmus/lkmm_ravel_run.h"
#include "scenarios/litmus/lkmm_run.h"
#include "tests/litmus/lkmm_random.h"

namespace ravel::litmus {
namespace {

struct Tally {
  int runs = 0;
  uint64_t candidates = 0, skeletons = 0, mismatches = 0;
};

lkmm_enum::Limits cross_checked() {
  lkmm_enum::Limits lim;
  lim.cross_check = true;
  lim.executions = 2000;  // a bound by count, not by the machine's load
  return lim;
}

void litmus(const std::string& text, const std::string& what, Tally* t) {
  Test test;
  Error err;
  ASSERT_TRUE(parse(text, &test, &err)) << what << ": " << err.message;
  LitmusResult r;
  std::string diag;
  if (!run_lkmm("t.litmus", text, test, lkmm::kAllAxioms, &r, &diag, cross_checked())) return;
  EXPECT_EQ(r.mismatches, 0u) << what << "\n" << text;
  ++t->runs, t->candidates += r.candidates, t->skeletons += r.skeletons;
  t->mismatches += r.mismatches;
}

void scenario(const std::string& path, const std::string& text, Tally* t) {
  lang::Checked c = lang::check_text(path, text);
  ASSERT_TRUE(c.ok) << c.diagnostics;
  RavelLkmmResult r;
  std::string diag;
  if (!run_ravel_lkmm(*c.program, *c.source, 1000, &r, &diag, cross_checked())) return;
  EXPECT_EQ(r.mismatches, 0u) << path;
  ++t->runs, t->candidates += r.candidates, t->skeletons += r.skeletons;
  t->mismatches += r.mismatches;
}

std::string slurp(const std::string& path) {
  std::string text, reason;
  EXPECT_TRUE(lang::read_input_file(path, lang::kMaxScenarioBytes, &text, &reason)) << reason;
  return text;
}

std::vector<std::string> files_under(const std::string& dir, const std::string& prefix,
                                     const std::string& ext) {
  std::vector<std::string> out;
  for (const auto& d : std::filesystem::directory_iterator(std::string(RAVEL_SOURCE_DIR) + dir)) {
    if (!d.is_directory() || d.path().filename().string().rfind(prefix, 0) != 0) continue;
    if (d.path().filename().string().find("bad") != std::string::npos) continue;
    for (const auto& e : std::filesystem::directory_iterator(d.path())) {
      if (e.path().extension() == ext) out.push_back(e.path().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(LkmmChecker, LitmusTestsAndRandomProgramsJudgeAsTheModel) {
  Tally t;
  for (const std::string& f : files_under("/tests/litmus", "lkmm", ".litmus")) {
    litmus(slurp(f), f, &t);
  }
  for (const std::string& f : files_under("/tests/litmus", "sc", ".litmus")) {
    litmus(slurp(f), f, &t);
  }
  std::mt19937 rng(4242);
  for (int i = 0; i < 120; ++i) {
    testing::RandomShape shape;
    shape.max_threads = i % 3 == 2 ? 4 : 3;
    shape.max_statements = i % 3 == 2 ? 4 : 6;
    litmus(testing::random_litmus(rng, shape), "random " + std::to_string(i), &t);
  }
  EXPECT_EQ(t.mismatches, 0u);
  EXPECT_GT(t.runs, 150);
  // The cache was used: candidates shared skeletons (else this would test nothing).
  EXPECT_LT(t.skeletons, t.candidates);
}

TEST(LkmmChecker, ScenariosJudgeAsTheModel) {
  Tally t;
  for (const std::string& f : files_under("/tests/litmus", "ravel", ".ravel")) {
    scenario(f, slurp(f), &t);
  }
  EXPECT_EQ(t.mismatches, 0u);
  EXPECT_GT(t.runs, 300);
  EXPECT_LT(t.skeletons, t.candidates);
}

// Two threads increment a plain counter under a mutex, twice each: the plain reads' writes vary
// under a few lock orders (mutex_counter(2,2) of bench/lkmm/programs.py).
TEST(LkmmChecker, PlainReadsUnderALockShareTheirSkeletons) {
  std::string text = "scenario \"counter\";\nstruct mutex m;\nint c;\n";
  for (int t = 0; t < 2; ++t) {
    text += "thread t" + std::to_string(t) + " {\n";
    for (int k = 0; k < 2; ++k) text += "  mutex_lock(&m);\n  c = c + 1;\n  mutex_unlock(&m);\n";
    text += "}\n";
  }
  text += "final { assert(c == 4); }\nexpect ok;\n";
  Tally t;
  scenario("counter.ravel", text, &t);
  ASSERT_EQ(t.runs, 1);
  EXPECT_EQ(t.mismatches, 0u);
  EXPECT_GT(t.candidates, 5 * t.skeletons);  // 262 candidates, 40 skeletons
}

// The key, rule by rule, on message passing over a plain data location d and a marked flag f:
// P0: d = 1 (plain); WRITE_ONCE(f, 1).  P1: r = READ_ONCE(f); s = d (plain); d = 2 (plain).
struct Mp {
  lkmm::Execution x;
  enum : int { kInitD, kInitF, kWd, kWf, kRf, kRd, kWd2 };
  Mp() {
    using lkmm::Event;
    using lkmm::Kind;
    x.ev = {Event{-1, Kind::kWrite, lkmm::kInit, lkmm::Fence::kNone, 0, 0},
            Event{-1, Kind::kWrite, lkmm::kInit, lkmm::Fence::kNone, 1, 0},
            Event{0, Kind::kWrite, 0, lkmm::Fence::kNone, 0, 1},
            Event{0, Kind::kWrite, lkmm::kOnce, lkmm::Fence::kNone, 1, 1},
            Event{1, Kind::kRead, lkmm::kOnce, lkmm::Fence::kNone, 1, 1},
            Event{1, Kind::kRead, 0, lkmm::Fence::kNone, 0, 1},
            Event{1, Kind::kWrite, 0, lkmm::Fence::kNone, 0, 2}};
    const int n = static_cast<int>(x.ev.size());
    for (lkmm::Rel* r : {&x.rf, &x.co, &x.rmw, &x.addr, &x.data, &x.ctrl, &x.rcu_rscs}) {
      *r = lkmm::Rel(n);
    }
    x.rf.add(kWf, kRf);
    x.rf.add(kWd, kRd);
    x.co.add(kInitF, kWf);
    x.co.add(kInitD, kWd);
    x.co.add(kInitD, kWd2);
    x.co.add(kWd, kWd2);
  }
  std::vector<uint64_t> key() const {
    std::vector<uint64_t> k;
    lkmm::Checker::key(x, lkmm::kAllAxioms, &k);
    return k;
  }
};

TEST(LkmmChecker, TheKeyHoldsWhatTheMarkedRelationsAreComputedFrom) {
  const std::vector<uint64_t> base = Mp().key();
  {  // A plain read's external write, and its value: not in the key.
    Mp m;
    m.x.rf.remove(Mp::kWd, Mp::kRd);
    m.x.rf.add(Mp::kInitD, Mp::kRd);
    m.x.ev[Mp::kRd].value = 0;
    EXPECT_EQ(m.key(), base);
  }
  {  // The coherence order of a location no marked access touches: not in the key.
    Mp m;
    m.x.co.remove(Mp::kWd, Mp::kWd2);
    m.x.co.add(Mp::kWd2, Mp::kWd);
    EXPECT_EQ(m.key(), base);
  }
  {  // A marked read's write: in the key.
    Mp m;
    m.x.rf.remove(Mp::kWf, Mp::kRf);
    m.x.rf.add(Mp::kInitF, Mp::kRf);
    EXPECT_NE(m.key(), base);
  }
  {  // A plain read of its own thread's write (dependencies are carried through it).
    Mp m;
    m.x.rf.remove(Mp::kWd, Mp::kRd);
    m.x.rf.add(Mp::kWd2, Mp::kRd);
    EXPECT_NE(m.key(), base);
  }
  {  // The coherence order of a location a marked access touches.
    Mp m;
    m.x.ev[Mp::kWd2].tags = lkmm::kOnce;
    const std::vector<uint64_t> marked = m.key();
    m.x.co.remove(Mp::kWd, Mp::kWd2);
    m.x.co.add(Mp::kWd2, Mp::kWd);
    EXPECT_NE(m.key(), marked);
  }
  {  // An event's annotation, and a dependency.
    Mp m;
    m.x.ev[Mp::kRf].tags = lkmm::kAcquire;
    EXPECT_NE(m.key(), base);
    Mp d;
    d.x.addr.add(Mp::kRf, Mp::kRd);
    EXPECT_NE(d.key(), base);
  }
  {  // With an SRCU read-side lock, every reads-from edge (carry-srcu-data follows any).
    Mp m;
    m.x.ev.push_back(lkmm::Event{1, lkmm::Kind::kRead, lkmm::kSrcuLock, lkmm::Fence::kNone, 2, 0});
    const std::vector<uint64_t> srcu = m.key();
    m.x.rf.remove(Mp::kWd, Mp::kRd);
    m.x.rf.add(Mp::kInitD, Mp::kRd);
    EXPECT_NE(m.key(), srcu);
  }
}

// A cache shared by candidates of different skeletons judges each as check() does, in any order.
TEST(LkmmChecker, OneCheckerJudgesEveryCandidateAsCheckDoes) {
  lkmm::Checker checker;
  std::vector<Mp> all(4);
  all[1].x.rf.remove(Mp::kWf, Mp::kRf);  // the flag's initial value: d may be read as 1 or 0
  all[1].x.rf.add(Mp::kInitF, Mp::kRf);
  all[2].x.rf.remove(Mp::kWd, Mp::kRd);  // d read from the initial write after the flag (no
  all[2].x.rf.add(Mp::kInitD, Mp::kRd);  // barrier orders them: allowed, and a data race)
  all[3].x.rf.remove(Mp::kWd, Mp::kRd);  // d read from its own later write: incoherent
  all[3].x.rf.add(Mp::kWd2, Mp::kRd);
  for (int round = 0; round < 2; ++round) {
    for (const Mp& m : all) {
      const lkmm::Verdict a = checker.check(m.x), b = lkmm::check(m.x);
      EXPECT_EQ(a.failed, b.failed);
      EXPECT_EQ(a.data_race, b.data_race);
      EXPECT_EQ(a.race_a, b.race_a);
      EXPECT_EQ(a.race_b, b.race_b);
    }
  }
  EXPECT_EQ(lkmm::check(all[3].x).failed, lkmm::kCoherence);
  EXPECT_TRUE(lkmm::check(all[0].x).data_race);
  EXPECT_GT(checker.shared(), 0u);
}

// Both judge an RMW broken by another thread's write (the atomic axiom) and a read of a write
// that program order puts after it (coherence) on their own, without an enumerator's cuts.
TEST(LkmmChecker, CoherenceAndAtomicityAreJudgedWithoutTheEnumeratorsCuts) {
  using lkmm::Event;
  using lkmm::Kind;
  lkmm::Execution x;  // x = 0; P0: an RMW of x reading 0, writing 1; P1: x = 2 (ONCE)
  x.ev = {Event{-1, Kind::kWrite, lkmm::kInit, lkmm::Fence::kNone, 0, 0},
          Event{0, Kind::kRead, lkmm::kOnce | lkmm::kRmwInsn, lkmm::Fence::kNone, 0, 0},
          Event{0, Kind::kWrite, lkmm::kOnce | lkmm::kRmwInsn, lkmm::Fence::kNone, 0, 1},
          Event{1, Kind::kWrite, lkmm::kOnce, lkmm::Fence::kNone, 0, 2}};
  for (lkmm::Rel* r : {&x.rf, &x.co, &x.rmw, &x.addr, &x.data, &x.ctrl, &x.rcu_rscs}) {
    *r = lkmm::Rel(4);
  }
  x.rmw.add(1, 2);
  x.rf.add(0, 1);
  x.co.add(0, 3), x.co.add(0, 2), x.co.add(3, 2);  // P1's write between the RMW's halves
  lkmm::Checker checker;
  EXPECT_EQ(lkmm::check(x).failed, lkmm::kAtomic);
  EXPECT_EQ(checker.check(x).failed, lkmm::kAtomic);
  x.co.remove(3, 2), x.co.add(2, 3);  // P1's write after it: consistent
  EXPECT_TRUE(lkmm::check(x).consistent());
  EXPECT_TRUE(checker.check(x).consistent());
  x.rf.remove(0, 1), x.rf.add(2, 1);  // the RMW reads its own write: a coherence cycle
  EXPECT_EQ(lkmm::check(x).failed, lkmm::kCoherence);
  EXPECT_EQ(checker.check(x).failed, lkmm::kCoherence);
}

}  // namespace
}  // namespace ravel::litmus
