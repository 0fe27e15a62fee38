// checker/discard_test.cc: Ctx::discard ends an execution without a verdict (ExecutionEnd::
// kDiscarded): counted in ExploreResult::discarded, not in executions; no violation, no
// end-of-execution checks, no `final`; every strategy goes on with the other executions.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "checker/explorer.h"
#include "checker/testing/primitives.h"

namespace ravel {
namespace {

using testing::Shared;

class CountEnds final : public Plugin {
 public:
  void end_execution(Ctx& /*ctx*/) override { ++ends; }
  int ends = 0;
};

class DiscardTest : public ::testing::TestWithParam<const char*> {};

// T0 picks a value in [0, 3) and discards the executions where it picked 1.
TEST_P(DiscardTest, DiscardedExecutionsAreNotCountedNorChecked) {
  ExploreOptions opt;
  opt.strategy.name = GetParam();
  CountEnds ends;
  opt.plugins.push_back(&ends);
  int finals = 0;
  ExploreResult r = explore(
      opt,
      [](Ctx& ctx) {
        auto* x = ctx.make<Shared<>>(ctx);
        ctx.spawn_fn({.name = "T0"}, [x](Ctx& c) {
          const uint32_t v = c.choose(3);
          if (v == 1) c.discard();
          x->write(v);
        });
      },
      [&](Ctx& ctx) {
        ++finals;
        ctx.record_final_state("");
      });
  EXPECT_EQ(r.model_error, "");
  EXPECT_EQ(r.complete, std::string(GetParam()) != "bounded");  // bounded never claims it
  EXPECT_TRUE(r.violations.empty());
  EXPECT_EQ(r.executions, 2u);
  EXPECT_EQ(r.discarded, 1u);
  EXPECT_EQ(ends.ends, 2);  // Plugin::end_execution: complete executions only
  EXPECT_EQ(finals, 2);     // `final` does not run after a discard
}

// A violation found before the discard in the same execution stays reported; a task unwinding
// after the discard runs its destructors.
TEST_P(DiscardTest, EarlierNonFatalFindingsStayAndStacksUnwind) {
  ExploreOptions opt;
  opt.strategy.name = GetParam();
  int unwound = 0;
  ExploreResult r = explore(opt, [&](Ctx& ctx) {
    auto* x = ctx.make<Shared<>>(ctx);
    ctx.spawn_fn({.name = "T0"}, [x, &unwound](Ctx& c) {
      struct Guard {
        int* n;
        ~Guard() { ++*n; }
      } guard{&unwound};
      x->write(1);
      Violation v;
      v.kind = Violation::Kind::kWarn;
      v.message = "warned before discarding";
      c.report(std::move(v));
      c.discard();
    });
  });
  EXPECT_EQ(r.model_error, "");
  EXPECT_EQ(r.executions, 0u);
  EXPECT_EQ(r.discarded, 1u);
  ASSERT_EQ(r.violations.size(), 1u);
  EXPECT_EQ(r.violations[0].violation.kind, Violation::Kind::kWarn);
  EXPECT_EQ(unwound, 1);
}

INSTANTIATE_TEST_SUITE_P(Exhaustive, DiscardTest, ::testing::Values("dfs", "dpor", "bounded"));

// Sampling strategies run `iterations` executions: each ends either counted or discarded.
TEST(Discard, SamplingStrategiesAccountForEveryIteration) {
  for (const char* strategy : {"random", "pct"}) {
    ExploreOptions opt;
    opt.strategy.name = strategy;
    opt.strategy.iterations = 40;
    opt.strategy.seed = 7;
    ExploreResult r = explore(opt, [](Ctx& ctx) {
      auto* x = ctx.make<Shared<>>(ctx);
      ctx.spawn_fn({.name = "T0"}, [x](Ctx& c) {
        if (c.choose(2) == 1) c.discard();
        x->write(1);
      });
      ctx.spawn_fn({.name = "T1"}, [x] { x->read(); });
    });
    EXPECT_EQ(r.model_error, "") << strategy;
    EXPECT_EQ(r.executions + r.discarded, 40u) << strategy;
    EXPECT_GT(r.executions, 0u) << strategy;
    EXPECT_GT(r.discarded, 0u) << strategy;
  }
}

}  // namespace
}  // namespace ravel
