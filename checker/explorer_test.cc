// checker/explorer_test.cc: explore() end to end on small models with exact execution counts.
#include "checker/explorer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "checker/testing/primitives.h"

namespace ravel {
namespace {

using testing::Event;
using testing::Mutex;
using testing::Shared;

ExploreOptions dfs_options() {
  ExploreOptions opt;
  opt.strategy.name = "dfs";
  return opt;
}

const char* const kNames[] = {"T0", "T1", "T2", "T3"};

// Two tasks, each one unprotected read-modify-write of a counter; final asserts 2.
void lost_update_setup(Ctx& ctx) {
  auto* c = ctx.make<Shared<>>(ctx);
  for (int i = 0; i < 2; ++i) ctx.spawn_fn({.name = kNames[i]}, [c] { c->write(c->read() + 1); });
}

TEST(Explorer, TwoTasksTwoIndependentWritesGiveSixExecutions) {
  ExploreResult r = explore(dfs_options(), [](Ctx& ctx) {
    for (int i = 0; i < 2; ++i) {
      auto* x = ctx.make<Shared<>>(ctx);
      ctx.spawn_fn({.name = kNames[i]}, [x] {
        x->write(1);
        x->write(2);
      });
    }
  });
  EXPECT_EQ(r.model_error, "");
  EXPECT_EQ(r.executions, 6u);
  EXPECT_TRUE(r.complete);
  EXPECT_TRUE(r.violations.empty());
  EXPECT_EQ(r.blocked, 0u);
  EXPECT_EQ(r.events, 6u * 5u);  // 4 writes + the join of init
}

TEST(Explorer, ChooseThreeGivesThreeExecutions) {
  std::vector<uint32_t> seen;
  ExploreResult r = explore(dfs_options(), [&](Ctx& ctx) { seen.push_back(ctx.choose(3)); });
  EXPECT_EQ(r.executions, 3u);
  EXPECT_TRUE(r.complete);
  EXPECT_EQ(seen, (std::vector<uint32_t>{0, 1, 2}));
}

TEST(Explorer, ChooseOneIsNotABranch) {
  ExploreResult r = explore(dfs_options(), [](Ctx& ctx) { EXPECT_EQ(ctx.choose(1), 0u); });
  EXPECT_EQ(r.executions, 1u);
}

TEST(Explorer, ValueChoicesMultiplyWithInterleavings) {
  // T0 chooses among 2 values before its single write; T1 writes once: 2 x 2 orders.
  ExploreResult r = explore(
      dfs_options(),
      [](Ctx& ctx) {
        auto* x = ctx.make<Shared<>>(ctx);
        ctx.spawn_fn({.name = "T0"}, [x](Ctx& c) { x->write(c.choose(2)); });
        ctx.spawn_fn({.name = "T1"}, [x] { x->write(7); });
      },
      [](Ctx&) {});
  EXPECT_EQ(r.executions, 4u);
}

TEST(Explorer, FinalStatesOfCompleteExecutions) {
  ExploreResult r = explore(dfs_options(), lost_update_setup, [](Ctx& ctx) {
    ctx.record_final_state(std::to_string(ctx.execution_index() < 100 ? 0 : 1));
  });
  EXPECT_EQ(r.final_states, (std::vector<std::string>{"0"}));
}

TEST(Explorer, MutexCounterKeepsTheInvariant) {
  Shared<>* counter = nullptr;
  ExploreResult r = explore(
      dfs_options(),
      [&](Ctx& ctx) {
        auto* m = ctx.make<Mutex>(ctx);
        counter = ctx.make<Shared<>>(ctx);
        for (int i = 0; i < 3; ++i) {
          ctx.spawn_fn({.name = kNames[i]}, [m, c = counter] {
            for (int k = 0; k < 2; ++k) {
              m->lock();
              c->write(c->read() + 1);
              m->unlock();
            }
          });
        }
      },
      [&](Ctx&) { testing::check(counter->peek() == 6, "counter == 6"); });
  EXPECT_EQ(r.model_error, "");
  EXPECT_TRUE(r.violations.empty());
  EXPECT_EQ(r.executions, 90u);  // (NK)!/(K!)^N for N=3, K=2: the lock order decides
}

TEST(Explorer, LostUpdateIsAnAssertionWithSchedule) {
  Shared<>* c = nullptr;
  ExploreResult r = explore(
      dfs_options(),
      [&](Ctx& ctx) {
        c = ctx.make<Shared<>>(ctx);
        for (int i = 0; i < 2; ++i) {
          ctx.spawn_fn({.name = kNames[i]}, [x = c] { x->write(x->read() + 1); });
        }
      },
      [&](Ctx&) { testing::check(c->peek() == 2, "lost update"); });
  EXPECT_EQ(r.executions, 6u);
  ASSERT_EQ(r.violations.size(), 1u);  // the same check: deduplicated by (kind, loc)
  const FoundViolation& f = r.violations[0];
  EXPECT_EQ(f.violation.kind, Violation::Kind::kAssertion);
  EXPECT_EQ(f.violation.message, "lost update");
  EXPECT_EQ(f.execution, 1u);  // T0 r, T1 r, ... is the second dfs execution
  EXPECT_EQ(f.schedule.rfind("v1:", 0), 0u);
  EXPECT_EQ(f.trace.size(), 5u);  // 2 reads, 2 writes, join
}

TEST(Explorer, AbBaMutexesDeadlockNamingBothTasks) {
  ExploreResult r = explore(dfs_options(), [](Ctx& ctx) {
    auto* a = ctx.make<Mutex>(ctx);
    auto* b = ctx.make<Mutex>(ctx);
    ctx.spawn_fn({.name = "T0"}, [a, b] {
      a->lock();
      b->lock();
      b->unlock();
      a->unlock();
    });
    ctx.spawn_fn({.name = "T1"}, [a, b] {
      b->lock();
      a->lock();
      a->unlock();
      b->unlock();
    });
  });
  EXPECT_EQ(r.model_error, "");
  ASSERT_EQ(r.violations.size(), 1u);
  const Violation& v = r.violations[0].violation;
  EXPECT_EQ(v.kind, Violation::Kind::kDeadlock);
  EXPECT_NE(v.message.find("T0 blocked in mutex_lock at "), std::string::npos) << v.message;
  EXPECT_NE(v.message.find("held by T1"), std::string::npos) << v.message;
  EXPECT_NE(v.message.find("T1 blocked in mutex_lock at "), std::string::npos) << v.message;
  EXPECT_NE(v.message.find("held by T0"), std::string::npos) << v.message;
  EXPECT_EQ(v.message.find("init"), std::string::npos) << v.message;  // init's join is implied
  EXPECT_NE(std::string(v.loc.file).find("explorer_test.cc"), std::string::npos);
  EXPECT_TRUE(r.complete);
  EXPECT_GT(r.executions, 1u);  // the non-deadlocking orders ran too
}

TEST(Explorer, EventNobodySetsIsAHang) {
  ExploreResult r = explore(dfs_options(), [](Ctx& ctx) {
    auto* e = ctx.make<Event>(ctx);
    ctx.spawn_fn({.name = "T0"}, [e] { e->wait(); });
  });
  ASSERT_EQ(r.violations.size(), 1u);
  const Violation& v = r.violations[0].violation;
  EXPECT_EQ(v.kind, Violation::Kind::kHang);
  EXPECT_NE(v.message.find("T0 blocked in event_wait"), std::string::npos) << v.message;
  EXPECT_EQ(r.executions, 1u);
}

TEST(Explorer, EventThatIsSetIsSilent) {
  ExploreResult r = explore(dfs_options(), [](Ctx& ctx) {
    auto* e = ctx.make<Event>(ctx);
    ctx.spawn_fn({.name = "T0"}, [e] { e->wait(); });
    ctx.spawn_fn({.name = "T1"}, [e] { e->set(); });
  });
  EXPECT_TRUE(r.violations.empty());
  EXPECT_EQ(r.executions, 1u);  // the wait is disabled until the set
}

TEST(Explorer, TimedWaitTimesOutOnlyWhenNothingElseCanRun) {
  std::vector<bool> results;
  ExploreResult r = explore(dfs_options(), [&](Ctx& ctx) {
    auto* e = ctx.make<Event>(ctx);
    ctx.spawn_fn({.name = "T0"}, [e, &results] { results.push_back(e->wait_timeout()); });
    ctx.spawn_fn({.name = "T1"}, [e] { e->set(); });
  });
  EXPECT_TRUE(r.violations.empty());
  EXPECT_EQ(results, (std::vector<bool>{true}));

  results.clear();
  r = explore(dfs_options(), [&](Ctx& ctx) {
    auto* e = ctx.make<Event>(ctx);
    ctx.spawn_fn({.name = "T0"}, [e, &results] { results.push_back(e->wait_timeout()); });
  });
  EXPECT_TRUE(r.violations.empty());
  EXPECT_EQ(results, (std::vector<bool>{false}));
  EXPECT_EQ(r.executions, 1u);
}

TEST(Explorer, DfsBranchesOverWhichWaitTimesOut) {
  std::vector<std::string> orders;
  ExploreResult r = explore(
      dfs_options(),
      [&](Ctx& ctx) {
        auto* e = ctx.make<Event>(ctx);
        for (int i = 0; i < 2; ++i) ctx.spawn_fn({.name = kNames[i]}, [e] { e->wait_timeout(); });
      },
      [&](Ctx& ctx) {
        std::string o;
        for (const auto& ev : ctx.events()) {
          if (ev.timed_out) o += ctx.task_name(ev.task);
        }
        orders.push_back(o);
      });
  EXPECT_TRUE(r.violations.empty());
  EXPECT_EQ(r.executions, 2u);
  EXPECT_EQ(orders, (std::vector<std::string>{"T0T1", "T1T0"}));
}

}  // namespace
}  // namespace ravel
