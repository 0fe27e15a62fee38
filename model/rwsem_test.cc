// model/rwsem_test.cc: struct rw_semaphore through the C++ API, both directions, dfs and dpor.
#include "model/rwsem.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <set>
#include <string>

#include "model/atomic.h"
#include "model/completion.h"
#include "model/testing.h"
#include "model/cpu.h"
#include "model/race.h"
#include "model/spinlock.h"

namespace ravel::model {
namespace {
using testing::found;
using testing::run;
using testing::summary;
constexpr auto kDeadlock = Violation::Kind::kDeadlock;
constexpr auto kLockdep = Violation::Kind::kLockdep;
constexpr auto kAtomicSleep = Violation::Kind::kAtomicSleep;

class RwsemTest : public ::testing::TestWithParam<std::string> {};

void down(RwSemaphore* s, bool read) { read ? down_read(s, RAVEL_LOC) : down_write(s, RAVEL_LOC); }
void up(RwSemaphore* s, bool read) { read ? up_read(s, RAVEL_LOC) : up_write(s, RAVEL_LOC); }

int inside = 0;
int max_inside = 0;

int max_occupancy(const std::string& strategy, bool read0, bool read1) {
  max_inside = 0;
  auto r = run(strategy, [read0, read1](Ctx& ctx) {
    inside = 0;
    auto* s = rwsem_new("sem");
    auto* x = new_shared_var("x", 0);
    for (bool read : {read0, read1}) {
      spawn_thread_fn(ctx, {.name = read ? "R" : "W"}, [=] {
        down(s, read);
        EXPECT_TRUE(preemptible());  // a sleeping lock leaves the context preemptible
        max_inside = std::max(max_inside, ++inside);
        if (read) {
          plain_read(x, RAVEL_LOC);
        } else {
          plain_write(x, 1, RAVEL_LOC);
        }
        --inside;
        up(s, read);
      });
    }
  });
  EXPECT_TRUE(r.complete) << summary(r);
  EXPECT_TRUE(r.violations.empty()) << summary(r);
  return max_inside;
}

TEST_P(RwsemTest, ReadersShareWritersExclude) {
  EXPECT_EQ(max_occupancy(GetParam(), true, true), 2);
  EXPECT_EQ(max_occupancy(GetParam(), true, false), 1);
  EXPECT_EQ(max_occupancy(GetParam(), false, false), 1);
}

void abba(Ctx& ctx, bool opposite, bool t0_reads_a) {
  auto* a = rwsem_new("a");
  auto* b = rwsem_new("b");
  spawn_thread_fn(ctx, {.name = "T0"}, [=] {
    down(a, t0_reads_a);
    down_write(b, RAVEL_LOC);
    up_write(b, RAVEL_LOC);
    up(a, t0_reads_a);
  });
  spawn_thread_fn(ctx, {.name = "T1"}, [=] {
    RwSemaphore* first = opposite ? b : a;
    RwSemaphore* second = opposite ? a : b;
    down_write(first, RAVEL_LOC);
    down_write(second, RAVEL_LOC);
    up_write(second, RAVEL_LOC);
    up_write(first, RAVEL_LOC);
  });
}

TEST_P(RwsemTest, AbbaWriteSidesDeadlockAndCircular) {
  // The read side takes part in the dependency graph (read = 1, not recursive).
  for (bool t0_reads_a : {false, true}) {
    auto r = run(GetParam(), [t0_reads_a](Ctx& ctx) { abba(ctx, true, t0_reads_a); });
    EXPECT_TRUE(r.complete) << summary(r);
    EXPECT_TRUE(found(r, kDeadlock)) << summary(r);
    EXPECT_TRUE(found(r, kLockdep, "possible circular locking dependency detected")) << summary(r);
  }
  auto ok = run(GetParam(), [](Ctx& ctx) { abba(ctx, false, false); });
  EXPECT_TRUE(ok.complete) << summary(ok);
  EXPECT_TRUE(ok.violations.empty()) << summary(ok);
}

TEST_P(RwsemTest, DownReadUnderSpinlockIsAtomicSleep) {
  for (bool under_spinlock : {true, false}) {
    auto r = run(GetParam(), [under_spinlock](Ctx& ctx) {
      auto* l = spinlock_new("l");
      auto* s = rwsem_new("sem");
      spawn_thread_fn(ctx, {.name = "T0"}, [=] {
        if (under_spinlock) spin_lock(l, RAVEL_LOC);
        down_read(s, RAVEL_LOC);
        up_read(s, RAVEL_LOC);
        if (under_spinlock) spin_unlock(l, RAVEL_LOC);
      });
    });
    EXPECT_EQ(found(r, kAtomicSleep, "BUG: sleeping function called from invalid context"),
              under_spinlock)
        << summary(r);
    if (under_spinlock) {
      ASSERT_FALSE(r.violations.empty());
      EXPECT_NE(r.violations[0].violation.details.find("spinlock l held"), std::string::npos);
    } else {
      EXPECT_TRUE(r.violations.empty()) << summary(r);
    }
  }
}

TEST_P(RwsemTest, UpReadNotHeldIsBadUnlockBalance) {
  auto r = run(GetParam(), [](Ctx& ctx) {
    auto* s = rwsem_new("sem");
    spawn_thread_fn(ctx, {.name = "T0"}, [=] { up_read(s, RAVEL_LOC); });
  });
  EXPECT_TRUE(found(r, kLockdep, "bad unlock balance detected!")) << summary(r);
  auto ok = run(GetParam(), [](Ctx& ctx) {
    auto* s = rwsem_new("sem");
    spawn_thread_fn(ctx, {.name = "T0"}, [=] {
      down_read(s, RAVEL_LOC);
      up_read(s, RAVEL_LOC);
    });
  });
  EXPECT_TRUE(ok.violations.empty()) << summary(ok);
}

// rwsem's read acquisition is not recursive (read = 1): a second down_read of the class is
// reported; down_read of two classes is not, nor is down_read_nested.
TEST_P(RwsemTest, DownReadTwiceIsRecursiveLocking) {
  for (int how : {0, 1, 2}) {
    auto r = run(GetParam(), [how](Ctx& ctx) {
      auto* a = rwsem_new("a");
      auto* b = rwsem_new("b");
      spawn_thread_fn(ctx, {.name = "T0"}, [=] {
        down_read(a, RAVEL_LOC);
        if (how == 0) down_read(a, RAVEL_LOC);
        if (how == 1) down_read(b, RAVEL_LOC);
        if (how == 2) down_read_nested(a, 1, RAVEL_LOC);
        up_read(how == 1 ? b : a, RAVEL_LOC);
        up_read(a, RAVEL_LOC);
      });
    });
    EXPECT_TRUE(r.complete) << summary(r);
    EXPECT_EQ(found(r, kLockdep, "possible recursive locking detected"), how == 0) << summary(r);
    if (how != 0) {
      EXPECT_TRUE(r.violations.empty()) << summary(r);
    }
  }
}

// T0 writes x under down_write and downgrades; T1 reads x under down_read. With downgrade_write
// T1 can get in while T0 still holds the lock (for reading), and always sees T0's write once T0
// is in; without it (up_write later) the two never overlap. `held` (WRITE_ONCE/READ_ONCE, so
// visible to dpor and race-free) says whether T0 holds the lock.
TEST_P(RwsemTest, DowngradeWriteLetsReaderIn) {
  for (bool downgrade : {true, false}) {
    static std::set<std::pair<int64_t, bool>> seen;  // (x, T0 still holds sem)
    seen.clear();
    auto r = run(GetParam(), [downgrade](Ctx& ctx) {
      auto* s = rwsem_new("sem");
      auto* x = new_shared_var("x", 0);
      auto* held = new_shared_var("held", 0);
      spawn_thread_fn(ctx, {.name = "T0"}, [=] {
        down_write(s, RAVEL_LOC);
        WRITE_ONCE(held, 1, RAVEL_LOC);
        plain_write(x, 1, RAVEL_LOC);
        if (downgrade) {
          downgrade_write(s, RAVEL_LOC);
          lockdep_assert_held_read(&s->dep_map, RAVEL_LOC);
          plain_read(x, RAVEL_LOC);
          WRITE_ONCE(held, 0, RAVEL_LOC);
          up_read(s, RAVEL_LOC);
        } else {
          plain_read(x, RAVEL_LOC);
          WRITE_ONCE(held, 0, RAVEL_LOC);
          up_write(s, RAVEL_LOC);
        }
      });
      spawn_thread_fn(ctx, {.name = "T1"}, [=] {
        down_read(s, RAVEL_LOC);
        int64_t v = plain_read(x, RAVEL_LOC);
        seen.insert({v, READ_ONCE(held, RAVEL_LOC) != 0});
        up_read(s, RAVEL_LOC);
      });
    });
    EXPECT_TRUE(r.complete) << summary(r);
    EXPECT_TRUE(r.violations.empty()) << summary(r);
    EXPECT_EQ(seen.count({1, true}), downgrade ? 1u : 0u) << GetParam();
    EXPECT_EQ(seen.count({0, true}), 0u);
    EXPECT_TRUE(seen.count({0, false}) && seen.count({1, false}));
  }
}

TEST_P(RwsemTest, DowngradeNotWriteHeldIsReported) {
  auto r = run(GetParam(), [](Ctx& ctx) {
    auto* s = rwsem_new("sem");
    spawn_thread_fn(ctx, {.name = "T0"}, [=] { downgrade_write(s, RAVEL_LOC); });
  });
  EXPECT_TRUE(found(r, kLockdep, "bad unlock balance detected!")) << summary(r);
  auto rd = run(GetParam(), [](Ctx& ctx) {
    auto* s = rwsem_new("sem");
    spawn_thread_fn(ctx, {.name = "T0"}, [=] {
      down_read(s, RAVEL_LOC);
      downgrade_write(s, RAVEL_LOC);
      up_read(s, RAVEL_LOC);
    });
  });
  EXPECT_TRUE(found(rd, kLockdep, "downgrading a read lock")) << summary(rd);
}

// rwsem fairness (rwsem.c: RWSEM_FLAG_WAITERS is in RWSEM_READ_FAILED_MASK; no reader lock
// stealing while reader-owned): A's second down_read queues behind B's waiting down_write, which
// waits for A's first read hold -- a deadlock. Not when B is absent, nor when B writes only after
// A's reads ended. Lockdep reports the recursive read in every case (read = 1).
enum class Writer { kNone, kConcurrent, kAfter };
ExploreResult recursive_read(const std::string& strategy, Writer writer) {
  return run(strategy, [writer](Ctx& ctx) {
    auto* s = rwsem_new("s");
    Completion* done = completion_new("reads_done");
    spawn_thread_fn(ctx, {.name = "A"}, [=] {
      down_read(s, RAVEL_LOC);
      down_read(s, RAVEL_LOC);
      up_read(s, RAVEL_LOC);
      up_read(s, RAVEL_LOC);
      complete(done, RAVEL_LOC);
    });
    if (writer == Writer::kNone) return;
    spawn_thread_fn(ctx, {.name = "B"}, [=] {
      if (writer == Writer::kAfter) wait_for_completion(done, RAVEL_LOC);
      down_write(s, RAVEL_LOC);
      up_write(s, RAVEL_LOC);
    });
  });
}

TEST_P(RwsemTest, RecursiveReadDeadlocksBehindWaitingWriter) {
  for (Writer w : {Writer::kNone, Writer::kConcurrent, Writer::kAfter}) {
    auto r = recursive_read(GetParam(), w);
    EXPECT_TRUE(r.complete) << summary(r);
    EXPECT_TRUE(found(r, kLockdep, "possible recursive locking detected")) << summary(r);
    EXPECT_EQ(found(r, kDeadlock), w == Writer::kConcurrent) << summary(r);
    if (w == Writer::kConcurrent) {
      EXPECT_TRUE(found(r, kDeadlock,
                        "down_read(s) held for reading by itself, queued behind B "
                        "waiting in down_write(s)"))
          << summary(r);
      EXPECT_TRUE(found(r, kDeadlock, "down_write(s) held for reading by A")) << summary(r);
    }
  }
}

// Trylocks never sleep (fine under a spinlock) and fail while the other side holds it or a
// writer waits (RWSEM_READ_FAILED_MASK; rwsem_write_trylock needs count == 0): R's
// down_read_trylock while R holds the read side fails exactly when W has queued in between (or
// holds it: impossible here), W's down_write_trylock fails while R holds it. dfs and dpor reach
// the same outcomes.
TEST_P(RwsemTest, TrylocksFailWhileWriterHoldsOrWaits) {
  auto r = run(GetParam(), [](Ctx& ctx) {
    auto* s = rwsem_new("s");
    auto* l = spinlock_new("l");
    Completion* r0 = completion_new("r0");
    Completion* w0 = completion_new("w0");
    auto& out = *ctx.make<std::array<std::string, 2>>();
    spawn_thread_fn(ctx, {.name = "R"}, [=, &out] {
      down_read(s, RAVEL_LOC);
      spin_lock(l, RAVEL_LOC);  // a trylock never sleeps: fine under a spinlock
      int again = down_read_trylock(s, RAVEL_LOC);
      int w = down_write_trylock(s, RAVEL_LOC);  // held for reading: always 0
      spin_unlock(l, RAVEL_LOC);
      EXPECT_EQ(w, 0);
      if (again) up_read(s, RAVEL_LOC);
      up_read(s, RAVEL_LOC);
      out[0] = "R:" + std::to_string(again);
      complete(r0, RAVEL_LOC);
    });
    spawn_thread_fn(ctx, {.name = "W"}, [=, &out] {
      down_write(s, RAVEL_LOC);
      up_write(s, RAVEL_LOC);
      int w = down_write_trylock(s, RAVEL_LOC);
      if (w) up_write(s, RAVEL_LOC);
      out[1] = "W:" + std::to_string(w);
      complete(w0, RAVEL_LOC);
    });
    spawn_thread_fn(ctx, {.name = "end"}, [=, &out] {
      wait_for_completion(r0, RAVEL_LOC);
      wait_for_completion(w0, RAVEL_LOC);
      Ctx::current().record_final_state(out[0] + " " + out[1]);
    });
  });
  EXPECT_TRUE(r.complete) << summary(r);
  EXPECT_TRUE(r.violations.empty()) << summary(r);
  // R's read_trylock fails while W waits; W's write trylock fails while R holds (W went first).
  // "R:0 W:0" cannot happen: a W queued behind R gets the lock only once R dropped it for good.
  EXPECT_EQ(r.final_states, (std::vector<std::string>{"R:0 W:1", "R:1 W:0", "R:1 W:1"}))
      << GetParam();
}

// down_write_trylock records no dependency: B taken under down_write_trylock(a) inside b is no
// a -> b cycle; with down_write it is, and can deadlock.
TEST_P(RwsemTest, TrylockAddsNoDependency) {
  for (bool trylock : {true, false}) {
    auto r = run(GetParam(), [trylock](Ctx& ctx) {
      auto* a = rwsem_new("a");
      auto* b = rwsem_new("b");
      spawn_thread_fn(ctx, {.name = "T0"}, [=] {
        down_write(b, RAVEL_LOC);
        if (trylock ? down_write_trylock(a, RAVEL_LOC) == 1 : (down_write(a, RAVEL_LOC), true)) {
          up_write(a, RAVEL_LOC);
        }
        up_write(b, RAVEL_LOC);
      });
      spawn_thread_fn(ctx, {.name = "T1"}, [=] {
        down_read(a, RAVEL_LOC);
        down_write(b, RAVEL_LOC);
        up_write(b, RAVEL_LOC);
        up_read(a, RAVEL_LOC);
      });
    });
    EXPECT_TRUE(r.complete) << summary(r);
    EXPECT_EQ(found(r, kLockdep, "possible circular locking dependency detected"), !trylock)
        << summary(r);
    EXPECT_EQ(found(r, kDeadlock), !trylock) << summary(r);
    if (trylock) {
      EXPECT_TRUE(r.violations.empty()) << summary(r);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Strategies, RwsemTest,
                         ::testing::ValuesIn(testing::exhaustive_strategies()));

}  // namespace
}  // namespace ravel::model
