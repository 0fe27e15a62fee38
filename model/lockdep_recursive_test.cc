// model/lockdep_recursive_test.cc: v5.10's recursive-read detection (kernel/locking/lockdep.c
// __bfs "Step 2", hlock_conflict; Documentation/locking/lockdep-design.rst "Recursive read
// locks"): dependencies out of a lock held as a recursive reader are recorded, and a cycle is
// reported only when it is strong (no -(*R)-> followed by -(S*)->). Pseudo-locks (lockdep maps)
// in one task: the orders are what lockdep sees, no schedule can block.
#include <gtest/gtest.h>

#include "model/cpu.h"
#include "model/lockdep.h"
#include "model/testing.h"

namespace ravel::model {
namespace {

using testing::count;
using testing::dump;
using testing::run;

struct Take {
  int lock;      // 0 = X, 1 = Y
  uint8_t read;  // kLockWrite, kLockRead, kLockRecursiveRead
};

// Takes `outer` then `inner` (nested), releases both, then the second pair the same way; X can
// be a map acquired with check = 0 (rcu_lock_acquire's).
int circular_reports(Take a_outer, Take a_inner, Take b_outer, Take b_inner, bool x_checked) {
  auto r = run([=](Ctx& ctx) {
    auto* x = ctx.make<LockdepMap>("X", LockType::kMap);
    auto* y = ctx.make<LockdepMap>("Y", LockType::kMap);
    x->check = x_checked;
    LockdepMap* maps[] = {x, y};
    spawn_thread_fn(ctx, {.name = "T0"}, [=] {
      for (const auto& [outer, inner] : {std::pair{a_outer, a_inner}, {b_outer, b_inner}}) {
        lock_acquire(maps[outer.lock], 0, false, outer.read, nullptr, HERE);
        lock_acquire(maps[inner.lock], 0, false, inner.read, nullptr, HERE);
        lock_release(maps[inner.lock], HERE);
        lock_release(maps[outer.lock], HERE);
      }
    });
  });
  EXPECT_EQ(count(r, Violation::Kind::kLockdep), count(r, Violation::Kind::kLockdep, "circular"))
      << dump(r);
  return count(r, Violation::Kind::kLockdep, "possible circular locking dependency detected");
}

constexpr uint8_t kW = kLockWrite;
constexpr uint8_t kR = kLockRead;
constexpr uint8_t kRR = kLockRecursiveRead;

// srcu_read_lock(X); lock(Y) against lock(Y); synchronize_srcu(X): X -(SN)-> Y -(EN)-> X.
TEST(LockdepRecursiveRead, ReaderThenLockAgainstLockThenWriterIsCircular) {
  EXPECT_EQ(circular_reports({0, kRR}, {1, kW}, {1, kW}, {0, kW}, true), 1);
}

// Both take X as recursive readers: X -(SN)-> Y -(ER)-> X is not strong (the acquisition of X
// as a recursive reader is followed by X held shared): readers do not block readers.
TEST(LockdepRecursiveRead, RecursiveReadersInBothOrdersAreNotCircular) {
  EXPECT_EQ(circular_reports({0, kRR}, {1, kW}, {1, kW}, {0, kRR}, true), 0);
}

// write_lock(X); lock(Y) against lock(Y); recursive read of X: X -(EN)-> Y -(ER)-> X enters X as
// a recursive reader and leaves it held exclusively: strong (the reader waits for the writer).
TEST(LockdepRecursiveRead, WriterThenLockAgainstLockThenRecursiveReaderIsCircular) {
  EXPECT_EQ(circular_reports({0, kW}, {1, kW}, {1, kW}, {0, kRR}, true), 1);
}

// A non-recursive reader (down_read) is an N acquisition: X -(SN)-> Y -(EN)-> X is strong, and
// so is the cycle with the second order taking X as a non-recursive reader (Y -(EN)-> X).
TEST(LockdepRecursiveRead, NonRecursiveReadersStillMakeCycles) {
  EXPECT_EQ(circular_reports({0, kR}, {1, kW}, {1, kW}, {0, kR}, true), 1);
}

// rcu_lock_map (check = 0): held, but never in a dependency either way.
TEST(LockdepRecursiveRead, UncheckedMapIsInNoDependency) {
  EXPECT_EQ(circular_reports({0, kRR}, {1, kW}, {1, kW}, {0, kRR}, false), 0);
  EXPECT_EQ(circular_reports({0, kRR}, {1, kW}, {1, kW}, {0, kW}, false), 0);
}

TEST(LockdepRecursiveRead, DependencyKinds) {
  EXPECT_EQ(dep_kind(kRR, kRR), kDepSR);
  EXPECT_EQ(dep_kind(kW, kRR), kDepER);
  EXPECT_EQ(dep_kind(kR, kW), kDepSN);
  EXPECT_EQ(dep_kind(kW, kR), kDepEN);
}

}  // namespace
}  // namespace ravel::model
