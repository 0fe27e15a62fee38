// model/race_test.cc: the data-race detector and happens-before edges.
#include "model/race.h"

#include <gtest/gtest.h>

#include "model/atomic.h"
#include "model/core/hb_clock.h"
#include "model/cpu.h"
#include "model/mutex.h"
#include "model/testing.h"
#include "model/spinlock.h"

namespace ravel::model {
namespace {

using testing::count;
using testing::dump;
using testing::run;

TEST(VectorClock, JoinCoversLeq) {
  VectorClock a, b;
  a.set(0, 2);
  b.set(1, 3);
  EXPECT_FALSE(a.covers(Epoch{1, 1}));
  a.join(b);
  EXPECT_TRUE(a.covers(Epoch{1, 3}));
  EXPECT_FALSE(a.covers(Epoch{1, 4}));
  EXPECT_TRUE(b.leq(a));
  EXPECT_FALSE(a.leq(b));
  EXPECT_EQ(a.to_string(), "[2,3]");
}

// counter++ by two tasks: read then write, optionally under a mutex.
void counter(Ctx& ctx, bool locked) {
  SharedVar* c = new_shared_var("counter", 0);
  auto* m = mutex_new("m");
  for (const char* name : {"T0", "T1"}) {
    spawn_thread_fn(ctx, {.name = name}, [c, m, locked] {
      if (locked) mutex_lock(m, HERE);
      int64_t v = plain_read(c, HERE);
      plain_write(c, v + 1, HERE);
      if (locked) mutex_unlock(m, HERE);
    });
  }
}

TEST(Race, LostUpdateOnPlainCounterIsARace) {
  auto r = run([](Ctx& ctx) { counter(ctx, false); }, [](Ctx&) {});
  ASSERT_GE(count(r, Violation::Kind::kRace, "BUG: KCSAN: data-race in counter"), 1) << dump(r);
  const std::string& msg = r.violations[0].violation.message;
  EXPECT_NE(msg.find("by T0"), std::string::npos) << msg;
  EXPECT_NE(msg.find("by T1"), std::string::npos) << msg;
  EXPECT_EQ(r.violations.size(), static_cast<size_t>(count(r, Violation::Kind::kRace))) << dump(r);
}

TEST(Race, SameCounterUnderMutexIsSilent) {
  auto r = run([](Ctx& ctx) { counter(ctx, true); });
  EXPECT_TRUE(r.violations.empty()) << dump(r);
}

TEST(Race, SpinlockOrdersToo) {
  auto r = run([](Ctx& ctx) {
    SharedVar* c = new_shared_var("counter", 0);
    auto* l = spinlock_new("l");
    for (const char* name : {"T0", "T1"}) {
      spawn_thread_fn(ctx, {.name = name}, [c, l] {
        spin_lock(l, HERE);
        plain_write(c, plain_read(c, HERE) + 1, HERE);
        spin_unlock(l, HERE);
      });
    }
  });
  EXPECT_TRUE(r.violations.empty()) << dump(r);
}

TEST(Race, InitBeforeTasksAndTasksBeforeFinal) {
  SharedVar* shared = nullptr;
  auto r = run(
      [&shared](Ctx& ctx) {
        shared = new_shared_var("x", 0);
        plain_write(shared, 1, HERE);  // init, before the tasks start
        SharedVar* x = shared;
        spawn_thread_fn(ctx, {.name = "T0"}, [x] { plain_write(x, 2, HERE); });
      },
      [&shared](Ctx&) { plain_read(shared, HERE); });
  EXPECT_TRUE(r.violations.empty()) << dump(r);
}

TEST(Race, MarkedAccessesNeverRaceButDoNotOrder) {
  // READ_ONCE/WRITE_ONCE on the flag: no race on it; but the plain data is unordered.
  auto r = run([](Ctx& ctx) {
    SharedVar* flag = new_shared_var("flag", 0);
    SharedVar* data = new_shared_var("data", 0);
    spawn_thread_fn(ctx, {.name = "P"}, [flag, data] {
      plain_write(data, 1, HERE);
      WRITE_ONCE(flag, 1, HERE);
    });
    spawn_thread_fn(ctx, {.name = "C"}, [flag, data] {
      if (READ_ONCE(flag, HERE)) plain_read(data, HERE);
    });
  });
  EXPECT_EQ(count(r, Violation::Kind::kRace, "data-race in data"), 1) << dump(r);
  EXPECT_EQ(count(r, Violation::Kind::kRace, "data-race in flag"), 0) << dump(r);
}

TEST(Race, ReleaseAcquireAndFencesOrder) {
  for (int mode : {0, 1}) {
    auto r = run([mode](Ctx& ctx) {
      SharedVar* flag = new_shared_var("flag", 0);
      SharedVar* data = new_shared_var("data", 0);
      spawn_thread_fn(ctx, {.name = "P"}, [flag, data, mode] {
        plain_write(data, 1, HERE);
        if (mode == 0) {
          smp_store_release(flag, 1, HERE);
        } else {
          smp_wmb(HERE);
          WRITE_ONCE(flag, 1, HERE);
        }
      });
      spawn_thread_fn(ctx, {.name = "C"}, [flag, data, mode] {
        bool seen;
        if (mode == 0) {
          seen = smp_load_acquire(flag, HERE) != 0;
        } else {
          seen = READ_ONCE(flag, HERE) != 0;
          smp_rmb(HERE);
        }
        if (seen) plain_read(data, HERE);
      });
    });
    EXPECT_TRUE(r.violations.empty()) << "mode " << mode << "\n" << dump(r);
  }
}

TEST(Race, PlainWriteVsMarkedReadRaces) {
  auto r = run([](Ctx& ctx) {
    SharedVar* x = new_shared_var("x", 0);
    spawn_thread_fn(ctx, {.name = "T0"}, [x] { plain_write(x, 1, HERE); });
    spawn_thread_fn(ctx, {.name = "T1"}, [x] { READ_ONCE(x, HERE); });
  });
  EXPECT_EQ(count(r, Violation::Kind::kRace, "data-race in x"), 1) << dump(r);
}

// A value-returning RMW is fully ordered (Documentation/atomic_t.txt): it publishes the write
// before it.
TEST(Race, AtomicRmwOrders) {
  auto r = run([](Ctx& ctx) {
    Atomic* a = atomic_new("a", 0);
    SharedVar* data = new_shared_var("data", 0);
    spawn_thread_fn(ctx, {.name = "P"}, [a, data] {
      plain_write(data, 1, HERE);
      atomic_inc_return(a, HERE);
    });
    spawn_thread_fn(ctx, {.name = "C"}, [a, data] {
      if (atomic_inc_return(a, HERE) == 2) plain_read(data, HERE);
    });
  });
  EXPECT_TRUE(r.violations.empty()) << dump(r);
}

// set_bit is unordered (Documentation/atomic_bitops.txt): a flag set after a plain write does
// not publish it, unless a barrier orders them (smp_wmb before it, smp_rmb after the test_bit
// that saw it); a test_and_set_bit that sets the bit is fully ordered: a barrier on both sides.
TEST(Race, SetBitDoesNotOrderButBarriersAndTestAndSetBitDo) {
  auto publish = [](int how) {
    return run([how](Ctx& ctx) {
      SharedVar* flags = new_shared_var("flags", 0);
      SharedVar* data = new_shared_var("data", 0);
      spawn_thread_fn(ctx, {.name = "P"}, [flags, data, how] {
        plain_write(data, 1, HERE);
        if (how == 1) smp_wmb(HERE);
        if (how == 2) {
          test_and_set_bit(0, flags, HERE);
        } else {
          set_bit(0, flags, HERE);
        }
      });
      spawn_thread_fn(ctx, {.name = "C"}, [flags, data, how] {
        if (!test_bit(0, flags, HERE)) return;
        if (how != 0) smp_rmb(HERE);
        plain_read(data, HERE);
      });
    });
  };
  EXPECT_EQ(count(publish(0), Violation::Kind::kRace), 1);
  EXPECT_TRUE(publish(1).violations.empty()) << dump(publish(1));
  EXPECT_TRUE(publish(2).violations.empty()) << dump(publish(2));
}

// atomic_inc returns nothing and is unordered (atomic_t.txt: "RMW operations that have no
// return value are unordered"): it does not publish the write before it, so the reader races.
TEST(Race, AtomicIncWithoutReturnDoesNotOrder) {
  auto r = run([](Ctx& ctx) {
    Atomic* a = atomic_new("a", 0);
    SharedVar* data = new_shared_var("data", 0);
    spawn_thread_fn(ctx, {.name = "P"}, [a, data] {
      plain_write(data, 1, HERE);
      atomic_inc(a, HERE);
    });
    spawn_thread_fn(ctx, {.name = "C"}, [a, data] {
      if (atomic_inc_return(a, HERE) == 2) plain_read(data, HERE);
    });
  });
  ASSERT_EQ(r.violations.size(), 1u) << dump(r);
  EXPECT_EQ(r.violations[0].violation.kind, Violation::Kind::kRace);
}

}  // namespace
}  // namespace ravel::model
