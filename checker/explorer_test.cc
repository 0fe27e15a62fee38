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
  // The same as data, in TaskId order (T0 is task 1), without init's implied join.
  ASSERT_EQ(v.blocked.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const Violation::Blocked& b = v.blocked[i];
    EXPECT_EQ(b.task, i + 1);
    EXPECT_STREQ(op_name(b.op), "mutex_lock");
    EXPECT_NE(std::string(b.loc.file).find("explorer_test.cc"), std::string::npos);
    EXPECT_GT(b.loc.line, 0u);
    EXPECT_TRUE(b.gated);
    EXPECT_EQ(b.gate, Gate::Kind::kLock);
    EXPECT_EQ(b.why, i == 0 ? "held by T1" : "held by T0");
  }
  EXPECT_EQ(v.loc.line, v.blocked[0].loc.line);
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
  ASSERT_EQ(v.blocked.size(), 1u);
  EXPECT_EQ(v.blocked[0].task, 1u);
  EXPECT_EQ(v.blocked[0].gate, Gate::Kind::kEvent);
  EXPECT_EQ(v.blocked[0].why, "waiting for an event nobody set");
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

// Object ids are (creating task, ordinal): init's objects follow the lifecycle object (1), a
// task's objects are numbered by that task alone; object_index() is dense in creation order.
TEST(Explorer, ObjectIdsAreCreatingTaskAndOrdinal) {
  std::vector<std::string> seen;
  ExploreResult r = explore(dfs_options(), [&](Ctx& ctx) {
    auto* x = ctx.make<Shared<>>(ctx);
    EXPECT_EQ(x->id(), 2u);
    EXPECT_EQ(ctx.object_index(x->id()), 2u);
    for (const char* name : {"T0", "T1"}) {
      ctx.spawn_fn({.name = name}, [&seen, x](Ctx& c) {
        x->write(1);  // the creations below race: which task creates first varies
        const ObjectId a = c.new_object();
        const ObjectId b = c.new_object();
        EXPECT_EQ(a, object_id(c.self(), 1));
        EXPECT_EQ(b, object_id(c.self(), 2));
        EXPECT_EQ(object_creator(b), c.self());
        EXPECT_EQ(object_ordinal(b), 2u);
        EXPECT_EQ(c.object_index(b), c.object_index(a) + 1);
        seen.push_back(std::string(c.task_name(c.self())) + "@" +
                       std::to_string(c.object_index(a)));
      });
    }
  });
  EXPECT_EQ(r.model_error, "");
  EXPECT_EQ(r.executions, 2u);
  // Dense indices follow the creation order of each execution: 3-4 for the first creator.
  EXPECT_EQ(seen, (std::vector<std::string>{"T0@3", "T1@5", "T1@3", "T0@5"}));
  // Not created in the execution: index 0.
  explore(dfs_options(), [](Ctx& ctx) {
    EXPECT_EQ(ctx.object_index(kNoObject), 0u);
    EXPECT_EQ(ctx.object_index(object_id(7, 1)), 0u);
    EXPECT_EQ(ctx.object_count(), 1u);  // the lifecycle object
  });
}

TEST(Explorer, ObjectNamesArePerExecution) {
  std::vector<std::string> names;
  ExploreOptions opt = dfs_options();
  opt.max_executions = 2;
  ExploreResult r = explore(
      opt,
      [&](Ctx& ctx) {
        const ObjectId a = ctx.new_object();
        const ObjectId b = ctx.new_object();
        names.push_back(ctx.object_name(a) == nullptr ? "-" : ctx.object_name(a));
        ctx.set_object_name(a, "first");
        ctx.set_object_name(a, "dev->lock");  // replaces
        EXPECT_STREQ(ctx.object_name(a), "dev->lock");
        EXPECT_EQ(ctx.object_name(b), nullptr);
        EXPECT_EQ(ctx.object_name(kNoObject), nullptr);
        ctx.choose(2);
      },
      nullptr);
  EXPECT_EQ(r.model_error, "");
  EXPECT_EQ(names, (std::vector<std::string>{"-", "-"}));  // reset for every execution
  r = explore(dfs_options(), [](Ctx& ctx) { ctx.set_object_name(object_id(3, 1), "x"); });
  EXPECT_NE(r.model_error.find("set_object_name: object 12582913 (task 3 #1) was not created"),
            std::string::npos)
      << r.model_error;
}

}  // namespace
}  // namespace ravel
