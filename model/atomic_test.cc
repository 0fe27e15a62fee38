// model/atomic_test.cc: atomic_t and bitop values, and that marked accesses never race.
#include "model/atomic.h"

#include <gtest/gtest.h>

#include "model/cpu.h"
#include "model/race_testing.h"

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

}  // namespace
}  // namespace ravel::model
