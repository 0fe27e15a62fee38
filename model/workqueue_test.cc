// model/workqueue_test.cc: queueing semantics, flush/cancel, the flush_work lockdep dependency.
#include "model/workqueue.h"

#include <gtest/gtest.h>

#include "model/cpu.h"
#include "model/mutex.h"
#include "model/testing.h"

namespace ravel::model {
namespace {

using testing::count;
using testing::dump;
using testing::run;

TEST(Workqueue, QueuedTwiceWhilePendingRunsOnce) {
  // Queued twice before the worker can start: the second schedule_work returns false and the
  // work runs once; the counter (checked in final) is 1 in those executions, 2 otherwise.
  SharedVar* runs = nullptr;
  std::set<int64_t> seen;
  auto r = run(
      [&runs](Ctx& ctx) {
        runs = new_shared_var("runs", 0);
        SharedVar* n = runs;
        Work* w = work_new("w", [n](Work*) { plain_write(n, plain_read(n, HERE) + 1, HERE); });
        spawn_thread_fn(ctx, {.name = "T0"}, [w] {
          bool first = schedule_work(w, HERE);
          bool second = schedule_work(w, HERE);
          EXPECT_TRUE(first);
          (void)second;
        });
      },
      [&runs, &seen](Ctx&) { seen.insert(runs->value); });
  EXPECT_TRUE(r.violations.empty()) << dump(r);
  EXPECT_EQ(seen, (std::set<int64_t>{1, 2}));
}

TEST(Workqueue, SecondQueueWhilePendingReturnsFalseAndRunsOnce) {
  auto r = run([](Ctx& ctx) {
    SharedVar* runs = new_shared_var("runs", 0);
    Work* w = work_new("w", [runs](Work*) { plain_write(runs, plain_read(runs, HERE) + 1, HERE); });
    spawn_thread_fn(ctx, {.name = "T0"}, [w, runs] {
      bool a = schedule_work(w, HERE);
      bool b = schedule_work(w, HERE);
      flush_work(w, HERE);
      // If the second call found it pending, only one run happened.
      int64_t n = plain_read(runs, HERE);
      EXPECT_TRUE(a);
      EXPECT_EQ(n, b ? 2 : 1);
    });
  });
  EXPECT_TRUE(r.violations.empty()) << dump(r);
}

TEST(Workqueue, FlushWorkUnderLockTheWorkTakes) {
  auto r = run([](Ctx& ctx) {
    auto* m = mutex_new("m");
    Work* w = work_new("w", [m](Work*) {
      mutex_lock(m, HERE);
      mutex_unlock(m, HERE);
    });
    spawn_thread_fn(ctx, {.name = "T0"}, [w, m] {
      schedule_work(w, HERE);
      mutex_lock(m, HERE);
      flush_work(w, HERE);
      mutex_unlock(m, HERE);
    });
  });
  EXPECT_EQ(count(r, Violation::Kind::kDeadlock), 1) << dump(r);
  EXPECT_EQ(count(r, Violation::Kind::kLockdep, "possible circular locking dependency detected"), 1)
      << dump(r);
}

TEST(Workqueue, FlushOutsideTheLockIsSilentAndOrders) {
  auto r = run([](Ctx& ctx) {
    auto* m = mutex_new("m");
    SharedVar* data = new_shared_var("data", 0);
    Work* w = work_new("w", [m, data](Work*) {
      mutex_lock(m, HERE);
      mutex_unlock(m, HERE);
      plain_write(data, 1, HERE);  // ordered before flush_work's return
    });
    spawn_thread_fn(ctx, {.name = "T0"}, [w, m, data] {
      plain_write(data, 2, HERE);  // ordered before the work (queueing)
      schedule_work(w, HERE);
      flush_work(w, HERE);
      EXPECT_EQ(plain_read(data, HERE), 1);
      mutex_lock(m, HERE);
      mutex_unlock(m, HERE);
    });
  });
  EXPECT_TRUE(r.violations.empty()) << dump(r);
}

TEST(Workqueue, CancelWorkSyncStopsAPendingWork) {
  SharedVar* ran = nullptr;
  std::set<std::pair<bool, int64_t>> outcomes;
  auto r = run([&ran, &outcomes](Ctx& ctx) {
    ran = new_shared_var("ran", 0);
    SharedVar* x = ran;
    Work* w = work_new("w", [x](Work*) { plain_write(x, 1, HERE); });
    auto* out = &outcomes;
    spawn_thread_fn(ctx, {.name = "T0"}, [w, x, out] {
      schedule_work(w, HERE);
      bool cancelled = cancel_work_sync(w, HERE);
      out->insert({cancelled, plain_read(x, HERE)});
    });
  });
  EXPECT_TRUE(r.violations.empty()) << dump(r);
  // Cancelled while pending: never ran. Not pending any more: it ran to completion.
  EXPECT_EQ(outcomes, (std::set<std::pair<bool, int64_t>>{{true, 0}, {false, 1}}));
}

// A work never initialised (no INIT_WORK: work->func NULL). kernel/workqueue.c: queueing it
// lets the worker call address 0 (the NULL pointer oops); flushing or cancelling it is
// __flush_work()'s WARN_ON(!work->func), and returns false.
TEST(Workqueue, WorkWithoutFunction) {
  auto queued = run([](Ctx& ctx) {
    Work* w = work_new("w", {});
    spawn_thread_fn(ctx, {.name = "T0"}, [w] { schedule_work(w, HERE); });
  });
  EXPECT_EQ(count(queued, Violation::Kind::kNullDeref), 1) << dump(queued);
  auto flushed = run([](Ctx& ctx) {
    Work* w = work_new("w", {});
    spawn_thread_fn(ctx, {.name = "T0"}, [w] {
      EXPECT_FALSE(flush_work(w, HERE));
      EXPECT_FALSE(cancel_work_sync(w, HERE));
    });
  });
  EXPECT_EQ(count(flushed, Violation::Kind::kWarn, "flush_work of work w with no function"), 1)
      << dump(flushed);
  EXPECT_EQ(count(flushed, Violation::Kind::kWarn, "cancel_work_sync of work w"), 1)
      << dump(flushed);
  EXPECT_EQ(flushed.violations.size(), 2u) << dump(flushed);
  // The opposite: an initialised work never queued flushes and cancels silently.
  auto idle = run([](Ctx& ctx) {
    Work* w = work_new("w", [](Work*) {});
    spawn_thread_fn(ctx, {.name = "T0"}, [w] {
      EXPECT_FALSE(flush_work(w, HERE));
      EXPECT_FALSE(cancel_work_sync(w, HERE));
    });
  });
  EXPECT_TRUE(idle.violations.empty()) << dump(idle);
}

}  // namespace
}  // namespace ravel::model
