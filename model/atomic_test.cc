// model/atomic_test.cc: atomic_t and bitop values, and that marked accesses never race.
#include "model/atomic.h"

#include <gtest/gtest.h>

#include "model/cpu.h"
#include "model/kernel.h"
#include "model/testing.h"

namespace ravel::model {
namespace {

using testing::dump;
using testing::run;

TEST(Atomic, ValuesFollowTheKernel) {
  auto r = run([](Ctx& ctx) {
    Atomic* a = atomic_new("a", 1);
    SharedVar* flags = new_shared_var("flags", 0);
    spawn_thread_fn(ctx, {.name = "T0"}, [a, flags] {
      EXPECT_EQ(atomic_cmpxchg(a, 0, 5, HERE), 1);  // fails: returns the current value
      EXPECT_EQ(atomic_cmpxchg(a, 1, 5, HERE), 1);  // succeeds
      EXPECT_EQ(atomic_xchg(a, 2, HERE), 5);
      atomic_add(3, a, HERE);
      atomic_sub(1, a, HERE);
      EXPECT_EQ(atomic_inc_return(a, HERE), 5);
      atomic_set(a, 1, HERE);
      EXPECT_TRUE(atomic_dec_and_test(a, HERE));
      EXPECT_EQ(atomic_read(a, HERE), 0);
      EXPECT_FALSE(test_and_set_bit(3, flags, HERE));
      EXPECT_TRUE(test_and_set_bit(3, flags, HERE));
      set_bit(0, flags, HERE);
      clear_bit(3, flags, HERE);
      EXPECT_TRUE(test_bit(0, flags, HERE));
      EXPECT_FALSE(test_bit(3, flags, HERE));
      EXPECT_EQ(READ_ONCE(flags, HERE), 1);
    });
  });
  EXPECT_TRUE(r.violations.empty()) << dump(r);
}

TEST(Atomic, ConcurrentIncrementsNeitherRaceNorLoseUpdates) {
  std::set<int64_t> finals;
  Atomic* shared = nullptr;
  auto r = run(
      [&shared](Ctx& ctx) {
        shared = atomic_new("a", 0);
        Atomic* a = shared;
        for (const char* name : {"T0", "T1"}) {
          spawn_thread_fn(ctx, {.name = name}, [a] { atomic_inc(a, HERE); });
        }
      },
      [&shared, &finals](Ctx&) { finals.insert(shared->value); });
  EXPECT_TRUE(r.violations.empty()) << dump(r);
  EXPECT_EQ(finals, (std::set<int64_t>{2}));
}

// The bit operations do not check their word (include/asm-generic/bitops): NULL is an oops.
TEST(Atomic, NullWord) {
  for (int op = 0; op < 4; ++op) {
    auto r = run([op](Ctx& ctx) {
      spawn_thread_fn(ctx, {.name = "T0"}, [op] {
        SharedVar* none = nullptr;
        if (op == 0) set_bit(1, none, HERE);
        if (op == 1) clear_bit(1, none, HERE);
        if (op == 2) test_bit(1, none, HERE);
        if (op == 3) test_and_set_bit(1, none, HERE);
      });
    });
    ASSERT_EQ(r.violations.size(), 1u) << op << dump(r);
    EXPECT_EQ(r.violations[0].violation.kind, Violation::Kind::kNullDeref) << op;
  }
}

// Commuting updates (docs/reduction.md): three tasks that only set bits of one word, or only
// increment one atomic_t, are one execution with the reduction and every order (3! = 6) without
// it; the final value is the same either way.
uint64_t executions(bool commute, void (*op)(SharedVar*, Atomic*, int)) {
  KernelPlugin kernel;
  ExploreOptions opt;
  opt.strategy.commute = commute;
  opt.plugins = {&kernel};
  ExploreResult r = explore(opt, [op](Ctx& ctx) {
    SharedVar* flags = new_shared_var("flags", 0);
    Atomic* a = atomic_new("a", 0);
    static const char* const kNames[] = {"T0", "T1", "T2"};
    for (int i = 0; i < 3; ++i) {
      spawn_thread_fn(ctx, {.name = kNames[i]}, [op, flags, a, i] { op(flags, a, i); });
    }
  });
  EXPECT_EQ(r.model_error, "");
  EXPECT_TRUE(r.complete);
  EXPECT_TRUE(r.violations.empty()) << dump(r);
  return r.executions;
}

TEST(Atomic, SetBitsAndNonReturningAddsCommute) {
  auto set = [](SharedVar* f, Atomic*, int i) { set_bit(i, f, HERE); };
  auto inc = [](SharedVar*, Atomic* a, int) { atomic_inc(a, HERE); };
  auto clear = [](SharedVar* f, Atomic*, int i) { clear_bit(i, f, HERE); };
  EXPECT_EQ(executions(true, set), 1u);
  EXPECT_EQ(executions(false, set), 6u);
  EXPECT_EQ(executions(true, inc), 1u);
  EXPECT_EQ(executions(true, clear), 1u);
}

// A value-returning bit operation observes the word: it is ordered against the others.
TEST(Atomic, TestAndSetBitIsOrdered) {
  auto tas = [](SharedVar* f, Atomic*, int) { test_and_set_bit(0, f, HERE); };
  EXPECT_EQ(executions(true, tas), 6u);
}

}  // namespace
}  // namespace ravel::model
