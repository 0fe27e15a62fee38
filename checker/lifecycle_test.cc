// checker/lifecycle_test.cc: daemons, errors, limits, plugins and unwinding of abandoned tasks.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "checker/explorer.h"
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

TEST(Daemon, MayNeverStartOrStartAtAnyPointBeforeTheJoin) {
  Shared<>* y = nullptr;
  ExploreResult r = explore(
      dfs_options(),
      [&](Ctx& ctx) {
        auto* x = ctx.make<Shared<>>(ctx);
        y = ctx.make<Shared<>>(ctx);
        ctx.spawn_fn({.name = "T0"}, [x] { x->write(1); });
        ctx.spawn_fn({.name = "D", .kind = "irq", .daemon = true}, [yy = y] { yy->write(1); });
      },
      [&](Ctx& ctx) { ctx.record_final_state("y=" + std::to_string(y->peek())); });
  EXPECT_EQ(r.model_error, "");
  // T0 then (join: D never | D start, D write); or D start first then 2 orders of the writes.
  EXPECT_EQ(r.executions, 4u);
  EXPECT_EQ(r.final_states, (std::vector<std::string>{"y=0", "y=1"}));
  EXPECT_TRUE(r.violations.empty());
}

TEST(Daemon, StartedDaemonThatBlocksForeverIsAHang) {
  ExploreResult r = explore(dfs_options(), [](Ctx& ctx) {
    auto* e = ctx.make<Event>(ctx);
    ctx.spawn_fn({.name = "D", .daemon = true}, [e] { e->wait(); });
  });
  // Never started: complete. Started: blocked forever.
  EXPECT_EQ(r.executions, 2u);
  ASSERT_EQ(r.violations.size(), 1u);
  EXPECT_EQ(r.violations[0].violation.kind, Violation::Kind::kHang);
  EXPECT_NE(r.violations[0].violation.message.find("D blocked in event_wait"), std::string::npos);
}

TEST(Daemon, StartedDaemonBlockedOnALockIsADeadlock) {
  ExploreResult r = explore(dfs_options(), [](Ctx& ctx) {
    auto* m = ctx.make<Mutex>(ctx);
    ctx.spawn_fn({.name = "T0"}, [m] { m->lock(); });  // never unlocks
    ctx.spawn_fn({.name = "D", .daemon = true}, [m] { m->lock(); });
  });
  // D blocked behind T0 (T0 locked first), or T0 blocked behind D: two locations.
  ASSERT_EQ(r.violations.size(), 2u);
  int d_behind_t0 = 0;
  for (const FoundViolation& f : r.violations) {
    EXPECT_EQ(f.violation.kind, Violation::Kind::kDeadlock);
    d_behind_t0 += f.violation.message == std::string("D blocked in mutex_lock at ") +
                                              f.violation.loc.file + ":" +
                                              std::to_string(f.violation.loc.line) + ": held by T0";
  }
  EXPECT_EQ(d_behind_t0, 1);
}

TEST(Errors, ModelErrorStopsTheRunWithItsLocation) {
  ExploreResult r = explore(dfs_options(), [](Ctx& ctx) {
    ctx.spawn_fn({.name = "T0"}, [](Ctx& c) {
      c.choose(2);
      c.model_error("loop bound exceeded", Loc{"m.ravel", 3, 1});
    });
  });
  EXPECT_EQ(r.model_error, "m.ravel:3:1: loop bound exceeded");  // file:line:col, as diagnostics
  EXPECT_EQ(r.executions, 0u);  // the run stopped in the first execution
  EXPECT_FALSE(r.complete);
}

TEST(Errors, DepthBound) {
  ExploreOptions opt = dfs_options();
  opt.max_events = 5;
  ExploreResult r = explore(opt, [](Ctx& ctx) {
    auto* x = ctx.make<Shared<>>(ctx);
    ctx.spawn_fn({.name = "T0"}, [x] {
      for (int i = 0; i < 10; ++i) x->write(i);
    });
  });
  EXPECT_EQ(r.model_error, "exceeded 5 events in one execution (depth bound)");
  EXPECT_FALSE(r.complete);
}

TEST(Errors, UncaughtExceptionInATaskIsAModelError) {
  ExploreResult r = explore(dfs_options(), [](Ctx& ctx) {
    ctx.spawn_fn({.name = "T0"}, [] { throw std::runtime_error("boom"); });
  });
  EXPECT_EQ(r.model_error, "uncaught exception in task T0: boom");
}

TEST(Errors, UnknownStrategyAndDporPlaceholder) {
  ExploreOptions opt;
  opt.strategy.name = "bogus";
  ExploreResult r = explore(opt, [](Ctx&) {});
  EXPECT_NE(r.model_error.find("unknown strategy \"bogus\""), std::string::npos);
  EXPECT_EQ(r.executions, 0u);
}

TEST(Violations, DeduplicatedByKindAndLocation) {
  auto warn = [](Ctx& ctx, uint32_t line) {
    Violation v;
    v.kind = Violation::Kind::kWarn;
    v.message = "warned";
    v.loc = Loc{"w.c", line, 0};
    ctx.report(v);  // not fatal: returns
  };
  ExploreResult r = explore(dfs_options(), [&](Ctx& ctx) {
    ctx.spawn_fn({.name = "T0"}, [&](Ctx& c) {
      uint32_t v = c.choose(3);
      warn(c, 10);
      if (v == 2) warn(c, 20);
    });
  });
  EXPECT_EQ(r.executions, 3u);
  ASSERT_EQ(r.violations.size(), 2u);
  EXPECT_EQ(r.violations[0].violation.loc.line, 10u);
  EXPECT_EQ(r.violations[0].execution, 0u);
  EXPECT_EQ(r.violations[1].violation.loc.line, 20u);
  EXPECT_EQ(r.violations[1].execution, 2u);
  EXPECT_EQ(r.violations[1].schedule, "v1:_2.0");  // the value, then init's join
}

TEST(Limits, StopOnFirstAndMaxExecutions) {
  Shared<>* c = nullptr;
  auto setup = [&](Ctx& ctx) {
    c = ctx.make<Shared<>>(ctx);
    for (const char* n : {"T0", "T1"}) {
      ctx.spawn_fn({.name = n}, [x = c] { x->write(x->read() + 1); });
    }
  };
  auto final_fn = [&](Ctx&) { testing::check(c->peek() == 2, "lost update"); };
  ExploreOptions opt = dfs_options();
  opt.stop_on_first = true;
  ExploreResult r = explore(opt, setup, final_fn);
  ASSERT_EQ(r.violations.size(), 1u);
  EXPECT_EQ(r.executions, r.violations[0].execution + 1);
  EXPECT_FALSE(r.complete);

  opt = dfs_options();
  opt.max_executions = 3;
  r = explore(opt, [](Ctx& ctx) { ctx.choose(6); });
  EXPECT_EQ(r.executions, 3u);
  EXPECT_FALSE(r.complete);
}

struct Guard {
  explicit Guard(int* c) : count(c) {}
  Guard(const Guard&) = delete;
  Guard& operator=(const Guard&) = delete;
  ~Guard() { ++*count; }
  int* count;
};

TEST(Unwinding, AbandonedTasksRunTheirDestructors) {
  int destroyed = 0;
  int arena_destroyed = 0;
  ExploreResult r = explore(dfs_options(), [&](Ctx& ctx) {
    auto* m = ctx.make<Mutex>(ctx);
    ctx.make<Guard>(&arena_destroyed);
    ctx.spawn_fn({.name = "T0"}, [m, &destroyed] {
      Guard g{&destroyed};
      m->lock();
      m->lock();  // self-deadlock: T0 is abandoned here
    });
    auto* e = ctx.make<Event>(ctx);
    ctx.spawn_fn({.name = "D", .daemon = true}, [e, &destroyed] {
      Guard g{&destroyed};
      e->wait();
    });
  });
  ASSERT_EQ(r.violations.size(), 1u);
  EXPECT_EQ(r.violations[0].violation.kind, Violation::Kind::kDeadlock);
  // Nothing is stuck while D can still start, so D starts in every execution: before or after
  // T0's first lock. Both end in the deadlock, abandoning T0 and D mid-flight.
  EXPECT_EQ(r.executions, 2u);
  EXPECT_EQ(arena_destroyed, 2);
  EXPECT_EQ(destroyed, 4);
}

struct CountingPlugin : Plugin {
  int begins = 0, ends = 0, spawned = 0, finished = 0, events = 0;
  void begin_execution(Ctx&) override { ++begins; }
  void on_task_spawned(TaskId, TaskId) override { ++spawned; }
  void on_event(const ravel::Event&) override { ++events; }
  void on_task_finished(TaskId) override { ++finished; }
  void end_execution(Ctx&) override { ++ends; }
};

TEST(Plugins, SeeEveryExecutionAndEndOnlyCompleteOnes) {
  CountingPlugin p;
  ExploreOptions opt = dfs_options();
  opt.plugins.push_back(&p);
  ExploreResult r = explore(opt, [](Ctx& ctx) {
    auto* e = ctx.make<Event>(ctx);
    ctx.spawn_fn({.name = "T0"}, [e](Ctx& c) {
      if (c.choose(2) == 1) e->wait();  // hang in execution 1
    });
  });
  EXPECT_EQ(r.executions, 2u);
  EXPECT_EQ(p.begins, 2);
  EXPECT_EQ(p.ends, 1);
  EXPECT_EQ(p.spawned, 4);   // init and T0, twice
  EXPECT_EQ(p.finished, 2);  // init and T0 in the complete one; nobody in the hang
  EXPECT_EQ(static_cast<uint64_t>(p.events), r.events);
}

}  // namespace
}  // namespace ravel

namespace ravel {
namespace {

TEST(Limits, TimeLimitStopsTheRunIncomplete) {
  ExploreOptions opt = dfs_options();
  opt.time_limit_s = 1e-9;
  ExploreResult r = explore(opt, [](Ctx& ctx) { ctx.choose(100); });
  EXPECT_LT(r.executions, 100u);
  EXPECT_FALSE(r.complete);
}

TEST(Limits, ProgressIsReportedAtMostEveryHalfSecond) {
  ExploreOptions opt = dfs_options();
  std::vector<double> calls;
  opt.progress = [&](const Progress& p) {
    EXPECT_FALSE(p.parallel);
    calls.push_back(p.elapsed_s);
  };
  ExploreResult r = explore(opt, [](Ctx& ctx) { ctx.choose(1000); });
  EXPECT_EQ(r.executions, 1000u);
  for (size_t i = 1; i < calls.size(); ++i) EXPECT_GE(calls[i] - calls[i - 1], 0.5);
}

TEST(Violations, FatalReportDoesNotReturnNonFatalDoes) {
  std::vector<std::string> reached;
  ExploreResult r = explore(dfs_options(), [&](Ctx& ctx) {
    auto* x = ctx.make<Shared<>>(ctx);
    ctx.spawn_fn({.name = "T0"}, [&, x](Ctx& c) {
      x->write(1);
      c.report(Violation{Violation::Kind::kRace, "racy", "", Loc{"r.c", 1, 0}, {}, {}, {}});
      reached.push_back("after race");
      c.report(Violation{Violation::Kind::kUaf, "freed", "", Loc{"u.c", 2, 0}, {}, {}, {}});
      reached.push_back("after uaf");
    });
  });
  EXPECT_EQ(reached, (std::vector<std::string>{"after race"}));
  ASSERT_EQ(r.violations.size(), 2u);
  EXPECT_EQ(r.violations[0].violation.events, (std::vector<uint32_t>{0}));  // T0's write
  EXPECT_EQ(r.violations[1].violation.kind, Violation::Kind::kUaf);
  EXPECT_EQ(r.violations[1].trace.size(), 1u);
}

// Open while a flag is set: stands for a CPU model's domain gate.
class FlagGate final : public Gate {
 public:
  explicit FlagGate(const Shared<>* x) : x_(x) {}
  bool open(TaskId) const override { return x_->peek() == 1; }
  Kind kind() const override { return Kind::kEvent; }
  std::string describe(TaskId) const override { return "cpu busy"; }

 private:
  const Shared<>* x_;
};

TEST(Domains, ClosedDomainGateDisablesTheTask) {
  for (bool writer : {true, false}) {
    std::vector<std::string> order;
    ExploreResult r = explore(dfs_options(), [&](Ctx& ctx) {
      auto* x = ctx.make<Shared<>>(ctx);
      auto* gate = ctx.make<FlagGate>(x);
      ctx.spawn_fn({.name = "T0", .domain = x->id(), .domain_gate = gate},
                   [x, &order] { order.push_back("T0 read " + std::to_string(x->read())); });
      if (writer) ctx.spawn_fn({.name = "T1"}, [x] { x->write(1); });
    });
    if (writer) {
      EXPECT_EQ(r.executions, 1u);
      EXPECT_TRUE(r.violations.empty());
      EXPECT_EQ(order, (std::vector<std::string>{"T0 read 1"}));
    } else {
      ASSERT_EQ(r.violations.size(), 1u);
      EXPECT_EQ(r.violations[0].violation.kind, Violation::Kind::kHang);
      EXPECT_NE(r.violations[0].violation.message.find("T0 blocked in read at "),
                std::string::npos);
      EXPECT_NE(r.violations[0].violation.message.find(": cpu busy"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace ravel
