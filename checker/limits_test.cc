// checker/limits_test.cc: what stops a run besides its end: the task limit, the machine's memory,
// the time limit and the stop flag (an interrupt). Each must end the run cleanly (a model error,
// a resource error, or an incomplete run) and never abort the process.
#include <gtest/gtest.h>

#include <atomic>
#include <new>
#include <string>

#include "checker/explorer.h"
#include "checker/testing/primitives.h"

namespace ravel {
namespace {

using testing::Shared;

ExploreOptions options(const char* strategy) {
  ExploreOptions opt;
  opt.strategy.name = strategy;
  return opt;
}

// dpor keeps task sets in a 64-bit word and used to abort ("more than 64 tasks", SIGABRT) when
// setup spawned more: now the 65th spawn is a model error, under every strategy.
TEST(Limits, SpawningBeyondTheTaskLimitIsAModelError) {
  for (const char* s : {"dpor", "dfs"}) {
    ExploreResult r = explore(options(s), [](Ctx& ctx) {
      for (uint32_t i = 0; i < kMaxTasksPerExecution; ++i) {
        ctx.spawn_fn({.name = "T"}, [](Ctx&) {});
      }
    });
    EXPECT_NE(r.model_error.find("too many tasks"), std::string::npos) << s << ": " << r.model_error;
    EXPECT_NE(r.model_error.find("64"), std::string::npos) << r.model_error;
    EXPECT_FALSE(r.complete);
  }
}

TEST(Limits, SixtyFourTasksWithInitStillRun) {
  ExploreResult r = explore(options("dpor"), [](Ctx& ctx) {
    for (uint32_t i = 0; i + 1 < kMaxTasksPerExecution; ++i) {
      ctx.spawn_fn({.name = "T"}, [](Ctx&) {});
    }
  });
  EXPECT_EQ(r.model_error, "");
  EXPECT_TRUE(r.complete);
}

// A spawn at run time (a work item queued by a task) names the spawning operation's location.
TEST(Limits, RunTimeSpawnBeyondTheLimitNamesTheSpawningOperation) {
  ExploreResult r = explore(options("dpor"), [](Ctx& ctx) {
    ctx.spawn_fn({.name = "Q"}, [](Ctx& c) {
      for (uint32_t i = 0; i < kMaxTasksPerExecution; ++i) {
        c.yield({.loc = Loc{"q.ravel", 7, 9}});
        c.spawn_fn({.name = "work"}, [](Ctx&) {});
      }
    });
  });
  EXPECT_EQ(r.model_error.rfind("q.ravel:7:9: too many tasks", 0), 0u) << r.model_error;
}

// Out of memory in a task is a resource limit, flagged as such (the CLI exits 3, not 2).
TEST(Limits, OutOfMemoryInATaskIsFlagged) {
  ExploreResult r = explore(options("dfs"), [](Ctx& ctx) {
    ctx.spawn_fn({.name = "T0"}, [] { throw std::bad_alloc(); });
  });
  EXPECT_TRUE(r.out_of_memory);
  EXPECT_NE(r.model_error.find("out of memory in task T0"), std::string::npos) << r.model_error;
}

TEST(Limits, AnUncaughtExceptionIsNotOutOfMemory) {
  ExploreResult r = explore(options("dfs"), [](Ctx& ctx) {
    ctx.spawn_fn({.name = "T0"}, [] { throw std::runtime_error("boom"); });
  });
  EXPECT_FALSE(r.out_of_memory);
}

// One execution that never ends by itself (a loop without scheduling points, or with events
// under a huge event bound) used to run past --time-limit: the limit now cuts it short. The
// bound asserted is the loop's termination itself (the test would hang, ctest's timeout fails
// it), not a duration: no wall-clock assertion.
TEST(Limits, TimeLimitStopsALoopWithoutSchedulingPoints) {
  ExploreOptions opt = options("dpor");
  opt.time_limit_s = 0.05;
  ExploreResult r = explore(opt, [](Ctx& ctx) {
    ctx.spawn_fn({.name = "T0"}, [](Ctx& c) {
      for (;;) c.poll_stop();
    });
  });
  EXPECT_TRUE(r.stopped);
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.model_error, "");
  EXPECT_EQ(r.executions, 0u);  // the cut execution has no verdict and is not counted
}

TEST(Limits, TimeLimitStopsALongRunOfEvents) {
  ExploreOptions opt = options("dfs");
  opt.time_limit_s = 0.05;
  opt.max_events = UINT32_MAX;
  ExploreResult r = explore(opt, [](Ctx& ctx) {
    auto* x = ctx.make<Shared<>>(ctx);
    ctx.spawn_fn({.name = "T0"}, [x] {
      for (;;) x->write(1);
    });
  });
  EXPECT_TRUE(r.stopped);
  EXPECT_EQ(r.model_error, "");
  EXPECT_EQ(r.executions, 0u);
}

// The stop flag (Ctrl-C): set from outside, the run ends incomplete with what it found.
TEST(Limits, StopFlagEndsTheRunWithItsFindings) {
  std::atomic<bool> stop{false};
  ExploreOptions opt = options("dfs");
  opt.stop = &stop;
  ExploreResult r = explore(opt, [&](Ctx& ctx) {
    auto* x = ctx.make<Shared<>>(ctx);
    ctx.spawn_fn({.name = "T0"}, [x] { x->write(1); });
    ctx.spawn_fn({.name = "T1"}, [x, &stop](Ctx& c) {
      x->write(2);
      Violation v;
      v.kind = Violation::Kind::kWarn;
      v.message = "seen";
      c.report(v);
      stop.store(true);  // as a signal handler would, in the middle of the run
    });
  });
  EXPECT_TRUE(r.stopped);
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.violations.size(), 1u);
  EXPECT_GE(r.executions, 1u);
}

TEST(Limits, WithoutLimitsARunIsNotStopped) {
  ExploreResult r = explore(options("dfs"), [](Ctx& ctx) {
    auto* x = ctx.make<Shared<>>(ctx);
    ctx.spawn_fn({.name = "T0"}, [x](Ctx& c) {
      for (int i = 0; i < 10000; ++i) c.poll_stop();
      x->write(1);
    });
  });
  EXPECT_FALSE(r.stopped);
  EXPECT_TRUE(r.complete);
}

}  // namespace
}  // namespace ravel
