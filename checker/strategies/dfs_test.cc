// checker/strategies/dfs_test.cc: counts and determinism of dfs, bounded, random, pct, replay.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "checker/explorer.h"
#include "checker/path.h"
#include "checker/testing/primitives.h"

namespace ravel {
namespace {

using testing::Shared;

ExploreOptions with(const std::string& name) {
  ExploreOptions opt;
  opt.strategy.name = name;
  return opt;
}

// Two tasks with two independent writes each.
void two_by_two(Ctx& ctx) {
  for (const char* n : {"T0", "T1"}) {
    auto* x = ctx.make<Shared<>>(ctx);
    ctx.spawn_fn({.name = n}, [x] {
      x->write(1);
      x->write(2);
    });
  }
}

// Records, per execution, the sequence of tasks of its events ("1212" ...).
struct ScheduleLog : Plugin {
  std::vector<std::string> schedules;
  void begin_execution(Ctx&) override { schedules.emplace_back(); }
  void on_event(const Event& e) override { schedules.back() += static_cast<char>('0' + e.task); }
};

std::vector<std::string> schedules_of(ExploreOptions opt, const SetupFn& setup,
                                      const SetupFn& final_fn = nullptr) {
  ScheduleLog log;
  opt.plugins.push_back(&log);
  ExploreResult r = explore(opt, setup, final_fn);
  EXPECT_EQ(r.model_error, "");
  return log.schedules;
}

TEST(Dfs, EnumeratesEveryInterleavingOnceInOrder) {
  std::vector<std::string> s = schedules_of(with("dfs"), two_by_two);
  EXPECT_EQ(s, (std::vector<std::string>{"11220", "12120", "12210", "21120", "21210", "22110"}));
}

TEST(Dfs, IsDeterministic) {
  EXPECT_EQ(schedules_of(with("dfs"), two_by_two), schedules_of(with("dfs"), two_by_two));
}

TEST(Dfs, DetectsAModelThatIsNotDeterministic) {
  int run = 0;
  ExploreResult r = explore(with("dfs"), [&](Ctx& ctx) {
    // The number of tasks depends on state kept across executions.
    int n = run++ == 0 ? 2 : 3;
    for (int i = 0; i < n; ++i) {
      auto* x = ctx.make<Shared<>>(ctx);
      ctx.spawn_fn({.name = "T"}, [x] { x->write(1); });
    }
  });
  EXPECT_NE(r.model_error.find("nondeterminism detected"), std::string::npos) << r.model_error;
}

TEST(Bounded, PreemptionBoundLimitsInterleavings) {
  ExploreOptions opt = with("bounded");
  opt.strategy.preemptions = 0;
  std::vector<std::string> s0 = schedules_of(opt, two_by_two);
  EXPECT_EQ(s0, (std::vector<std::string>{"11220", "22110"}));
  opt.strategy.preemptions = 1;
  // ABAB and BABA need two preemptions.
  EXPECT_EQ(schedules_of(opt, two_by_two).size(), 4u);
  opt.strategy.preemptions = 2;
  EXPECT_EQ(schedules_of(opt, two_by_two).size(), 6u);
  ExploreResult r = explore(opt, two_by_two);
  EXPECT_FALSE(r.complete);  // exhaustive only within the bound
}

TEST(Bounded, SwitchingAtBlockingIsFree) {
  // T0 waits on an event T1 sets: T0's wait blocks, so running T1 is no preemption.
  ExploreOptions opt = with("bounded");
  opt.strategy.preemptions = 0;
  ExploreResult r = explore(opt, [](Ctx& ctx) {
    auto* e = ctx.make<testing::Event>(ctx);
    ctx.spawn_fn({.name = "T0"}, [e] { e->wait(); });
    ctx.spawn_fn({.name = "T1"}, [e] { e->set(); });
  });
  EXPECT_EQ(r.executions, 1u);
  EXPECT_TRUE(r.violations.empty());
}

ExploreOptions seeded(const std::string& name, uint64_t seed, uint64_t n) {
  ExploreOptions opt = with(name);
  opt.strategy.seed = seed;
  opt.strategy.iterations = n;
  return opt;
}

TEST(Random, SameSeedSameRunAndItVaries) {
  std::vector<std::string> a = schedules_of(seeded("random", 7, 40), two_by_two);
  std::vector<std::string> b = schedules_of(seeded("random", 7, 40), two_by_two);
  std::vector<std::string> c = schedules_of(seeded("random", 8, 40), two_by_two);
  EXPECT_EQ(a.size(), 40u);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  std::sort(a.begin(), a.end());
  a.erase(std::unique(a.begin(), a.end()), a.end());
  EXPECT_EQ(a.size(), 6u);  // 40 uniform draws cover the 6 interleavings
}

TEST(Random, MaxExecutionsStillApplies) {
  ExploreOptions opt = seeded("random", 1, 1000);
  opt.max_executions = 5;
  ExploreResult r = explore(opt, two_by_two);
  EXPECT_EQ(r.executions, 5u);
  EXPECT_FALSE(r.complete);
}

void lost_update(Ctx& ctx, Shared<>** out) {
  auto* c = ctx.make<Shared<>>(ctx);
  *out = c;
  for (const char* n : {"T0", "T1"}) {
    ctx.spawn_fn({.name = n}, [c] { c->write(c->read() + 1); });
  }
}

TEST(Pct, SameSeedSameRunAndFindsTheLostUpdate) {
  Shared<>* c = nullptr;
  auto setup = [&](Ctx& ctx) { lost_update(ctx, &c); };
  auto final_fn = [&](Ctx&) { testing::check(c->peek() == 2, "lost update"); };
  ExploreOptions opt = seeded("pct", 3, 50);
  opt.strategy.depth = 2;
  EXPECT_EQ(schedules_of(opt, setup, final_fn), schedules_of(opt, setup, final_fn));
  ExploreResult r = explore(opt, setup, final_fn);
  ASSERT_EQ(r.violations.size(), 1u);
  EXPECT_EQ(r.violations[0].violation.message, "lost update");
  // Depth 1 (no change point) always runs the highest-priority task to completion: no bug.
  opt.strategy.depth = 1;
  r = explore(opt, setup, final_fn);
  EXPECT_TRUE(r.violations.empty());
  EXPECT_EQ(r.executions, 50u);
}

TEST(Replay, ReproducesTheViolatingExecution) {
  Shared<>* c = nullptr;
  auto setup = [&](Ctx& ctx) {
    lost_update(ctx, &c);
    ctx.spawn_fn({.name = "T2"}, [](Ctx& cx) { cx.choose(3); });
  };
  auto final_fn = [&](Ctx&) { testing::check(c->peek() == 2, "lost update"); };
  ExploreResult found = explore(with("dfs"), setup, final_fn);
  ASSERT_EQ(found.violations.size(), 1u);
  const FoundViolation& f = found.violations[0];

  ExploreOptions opt = with("replay");
  opt.strategy.schedule = f.schedule;
  ExploreResult again = explore(opt, setup, final_fn);
  EXPECT_EQ(again.model_error, "");
  EXPECT_EQ(again.executions, 1u);
  ASSERT_EQ(again.violations.size(), 1u);
  const std::vector<Event>& a = f.trace;
  const std::vector<Event>& b = again.violations[0].trace;
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].task, b[i].task) << i;
    EXPECT_EQ(a[i].op.kind, b[i].op.kind) << i;
    EXPECT_EQ(a[i].op.object, b[i].op.object) << i;
    EXPECT_EQ(a[i].op.loc.line, b[i].op.loc.line) << i;
    EXPECT_EQ(a[i].result, b[i].result) << i;
  }
  EXPECT_EQ(again.violations[0].schedule, f.schedule);
}

TEST(Replay, DivergenceNamesTheStep) {
  ExploreOptions opt = with("replay");
  opt.strategy.schedule = "v1:1.5";
  ExploreResult r = explore(opt, two_by_two);
  EXPECT_EQ(r.model_error, "replay diverged at step 1: task 5 is not enabled");

  opt.strategy.schedule = "v1:1+4.2+2.0.0";  // T1 has finished after two steps
  r = explore(opt, two_by_two);
  EXPECT_EQ(r.model_error, "replay diverged at step 2: task 1 is not enabled");

  opt.strategy.schedule = "v1:1.1.2.2.0.2";
  r = explore(opt, two_by_two);
  EXPECT_EQ(r.model_error,
            "replay diverged at step 5: the execution ended with 1 choices of the schedule left");

  opt.strategy.schedule = "v1:1.1";
  r = explore(opt, two_by_two);
  EXPECT_EQ(r.model_error,
            "replay diverged at step 2: the schedule ended but the execution asks for a task pick");

  opt.strategy.schedule = "x";
  r = explore(opt, two_by_two);
  EXPECT_NE(r.model_error.find("bad schedule"), std::string::npos);
}

}  // namespace
}  // namespace ravel
