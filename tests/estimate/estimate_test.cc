// tests/estimate/estimate_test.cc: the estimator of `ravel run --estimate` (checker/strategies/
// estimate.h). Exact where the tree makes it provable, within a factor 2 of dpor's own count
// (computed here by running dpor) on small library scenarios, the same figures for the same seed.
// No timing: the measured figures are in docs/bench.md.
#include <gtest/gtest.h>

#include <string>

#include "checker/strategies/estimate.h"
#include "scenarios/interp/interp.h"
#include "scenarios/lang/frontend.h"

namespace ravel {
namespace {

struct Both {
  uint64_t dpor = 0;  // dpor's executions (the truth)
  Estimate est;
};

Estimate estimate(const lang::Program& prog, uint64_t samples, uint64_t seed) {
  ExploreOptions ex;
  ex.strategy.name = "estimate";
  ex.strategy.iterations = samples;
  ex.strategy.seed = seed;
  Estimate est;
  ex.strategy.estimate = &est;
  interp::RunResult r = interp::run_program(prog, interp::Options{}, ex);
  EXPECT_EQ(r.result.model_error, "");
  EXPECT_EQ(est.samples, samples);
  return est;
}

uint64_t dpor_executions(const lang::Program& prog) {
  ExploreOptions ex;
  interp::RunResult r = interp::run_program(prog, interp::Options{}, ex);
  EXPECT_TRUE(r.result.complete);
  return r.result.executions;
}

Both run_text(const std::string& text, uint64_t samples = 100, uint64_t seed = 0) {
  lang::Checked c = lang::check_text("t.ravel", text);
  EXPECT_TRUE(c.ok) << c.diagnostics;
  if (!c.ok) return {};
  return {dpor_executions(*c.program), estimate(*c.program, samples, seed)};
}

void expect_exact(const Both& b, double n) {
  EXPECT_EQ(b.dpor, static_cast<uint64_t>(n));
  EXPECT_EQ(b.est.executions, n);
  EXPECT_EQ(b.est.low, n);
  EXPECT_EQ(b.est.high, n);
  EXPECT_EQ(b.est.stddev, 0);
}

TEST(Estimate, OneThreadIsOneExecution) {
  expect_exact(run_text("int x;\nthread A { x = 1; x = 2; int y = x; }\n"), 1);
}

TEST(Estimate, IndependentThreadsAreOneExecution) {
  expect_exact(run_text("int x; int y; int z;\n"
                        "thread A { x = 1; x = 2; }\n"
                        "thread B { y = 1; int v = y; }\n"
                        "thread C { z = 3; }\n"),
               1);
}

// N independent two-way races: every path of the tree has the same branching, 2^N.
TEST(Estimate, IndependentRacesAreExact) {
  expect_exact(run_text("int x; int y; int z;\n"
                        "thread A { x = 1; }\nthread B { x = 2; }\n"
                        "thread C { y = 1; }\nthread D { y = 2; }\n"
                        "thread E { z = 1; }\nthread F { z = 2; }\n"),
               8);
}

// Two mutexes in opposite orders: the third execution's branch (at the root) is found only by
// the deadlocked execution below the first branch, a late branch.
TEST(Estimate, LateBranchOfADeadlock) {
  Both b = run_text("struct mutex a; struct mutex b;\n"
                    "thread T0 { mutex_lock(&a); mutex_lock(&b); mutex_unlock(&b); "
                    "mutex_unlock(&a); }\n"
                    "thread T1 { mutex_lock(&b); mutex_lock(&a); mutex_unlock(&a); "
                    "mutex_unlock(&b); }\n"
                    "expect deadlock, lockdep;\n",
                    400);
  EXPECT_EQ(b.dpor, 3u);
  EXPECT_GE(b.est.executions, 1.5);
  EXPECT_LE(b.est.executions, 6);
}

TEST(Estimate, SameSeedSameFigures) {
  const std::string text =
      "int x; int y;\n"
      "thread A { x = 1; y = 1; }\nthread B { y = 2; x = 2; }\nthread C { int v = x; }\n";
  Both a = run_text(text, 50, 7);
  Both b = run_text(text, 50, 7);
  EXPECT_EQ(a.est.executions, b.est.executions);
  EXPECT_EQ(a.est.low, b.est.low);
  EXPECT_EQ(a.est.high, b.est.high);
  EXPECT_EQ(a.est.stddev, b.est.stddev);
}

class Library : public ::testing::TestWithParam<const char*> {};

TEST_P(Library, WithinAFactorTwoOfDpor) {
  lang::Checked c = lang::check_file(std::string(RAVEL_SOURCE_DIR) + "/" + GetParam());
  ASSERT_TRUE(c.ok) << c.diagnostics;
  const uint64_t truth = dpor_executions(*c.program);
  const Estimate est = estimate(*c.program, 300, 0);
  EXPECT_GE(est.executions, static_cast<double>(truth) / 2) << "dpor: " << truth;
  EXPECT_LE(est.executions, static_cast<double>(truth) * 2) << "dpor: " << truth;
}

INSTANTIATE_TEST_SUITE_P(Small, Library,
                         ::testing::Values("examples/abba.ravel",
                                           "scenarios/locking/rwsem-trylock-under-mutex.ravel",
                                           "scenarios/locking/rwlock-recursive-read-irq.ravel",
                                           "scenarios/kref/drops-last-releases.ravel",
                                           "scenarios/fence-ops/ops-unload-rcu.ravel",
                                           "scenarios/fence-ops/outlive-module-release.ravel",
                                           "scenarios/syncobj/unplug-enodev.ravel",
                                           "scenarios/dma-buf/revoke-dynamic.ravel"));

}  // namespace
}  // namespace ravel
