// tests/reduction/extra_write_test.cc: Operation::add_write (an extra object an operation
// writes, checker/api.h) -- how it is recorded, how dpor's dependency relation treats it
// (checker/strategies/dpor_event.h), and the engine's check of the write mask.
#include <gtest/gtest.h>

#include <source_location>

#include "checker/explorer.h"
#include "checker/strategies/dpor_trace.h"
#include "checker/testing/primitives.h"

namespace ravel {
namespace {

constexpr ObjectId kA = object_id(0, 5), kB = object_id(0, 6), kC = object_id(0, 7);

Operation op(Access acc, ObjectId obj) {
  Operation o;
  o.kind = testing::kOpWrite;
  o.access = acc;
  o.object = obj;
  return o;
}

dpor::Ev ev(TaskId t, const Operation& o, ObjectId domain = kNoObject) {
  return dpor::Trace::op_ev(t, o, domain);
}

TEST(ExtraWrite, AddWriteMarksTheEntry) {
  Operation o = op(Access::kRead, kA);
  EXPECT_TRUE(o.add_write(kB));
  EXPECT_EQ(o.extra_count, 1);
  EXPECT_EQ(o.extra_reads[0], kB);
  EXPECT_TRUE(o.extra_written(0));
  EXPECT_EQ(o.access, Access::kRead);  // its own access is unchanged
  EXPECT_TRUE(o.add_read(kB));         // already there: stays written
  EXPECT_TRUE(o.extra_written(0));
  EXPECT_FALSE(o.add_write(kC));  // full (kMaxExtraReads == 1)
  EXPECT_TRUE(o.add_write(kNoObject));
  EXPECT_TRUE(o.add_write(kA));  // its own object: the operation writes it
  EXPECT_EQ(o.access, Access::kWrite);
  EXPECT_EQ(o.extra_count, 1);

  Operation r = op(Access::kRead, kA);
  EXPECT_TRUE(r.add_read(kB));
  EXPECT_FALSE(r.extra_written(0));
  EXPECT_TRUE(r.add_write(kB));  // a read entry becomes a write
  EXPECT_TRUE(r.extra_written(0));
  EXPECT_EQ(sizeof(Operation), 56u);
}

TEST(ExtraWrite, DependentWithEveryAccessOfTheObject) {
  Operation w = op(Access::kRead, kA);
  ASSERT_TRUE(w.add_write(kB));
  const dpor::Ev x = ev(1, w);
  EXPECT_TRUE(x.slow);
  // Its own object is only read: a read of kA commutes, a write does not.
  EXPECT_FALSE(dpor::dependent(x, ev(2, op(Access::kRead, kA))));
  EXPECT_TRUE(dpor::dependent(x, ev(2, op(Access::kWrite, kA))));
  // The extra object is written: any access of kB conflicts, both ways.
  EXPECT_TRUE(dpor::dependent(x, ev(2, op(Access::kRead, kB))));
  EXPECT_TRUE(dpor::dependent(ev(2, op(Access::kRead, kB)), x));
  EXPECT_TRUE(dpor::dependent(x, ev(2, op(Access::kWrite, kB))));
  Operation r = op(Access::kRead, kC);  // a wait reading kC and kB (extra read)
  ASSERT_TRUE(r.add_read(kB));
  EXPECT_TRUE(dpor::dependent(x, ev(2, r)));
  EXPECT_TRUE(dpor::dependent(ev(2, r), x));
  Operation w2 = op(Access::kNone, kNoObject);  // extra write against extra write
  ASSERT_TRUE(w2.add_write(kB));
  EXPECT_TRUE(dpor::dependent(x, ev(2, w2)));
  // A task in kB's domain reads it implicitly: the write may disable it.
  EXPECT_TRUE(dpor::dependent(x, ev(2, op(Access::kRead, kC), kB)));
  EXPECT_TRUE(dpor::dependent(ev(2, op(Access::kRead, kC), kB), x));
  // Other objects, and the same task, do not conflict.
  EXPECT_FALSE(dpor::dependent(x, ev(2, op(Access::kWrite, kC))));
  EXPECT_FALSE(dpor::dependent(x, ev(1, op(Access::kWrite, kB))));
  // Two extra reads of kB commute (the write mark is what makes the difference).
  Operation r2 = op(Access::kRead, kA);
  ASSERT_TRUE(r2.add_read(kB));
  EXPECT_FALSE(dpor::dependent(ev(1, r2), ev(2, r)));
}

// The engine refuses a write mark on an unused slot (set by hand instead of add_write).
TEST(ExtraWrite, MaskBeyondTheEntriesIsAModelError) {
  ExploreOptions opt;
  opt.strategy.name = "dfs";
  ExploreResult r = explore(opt, [](Ctx& ctx) {
    auto* v = ctx.make<testing::Shared<>>(ctx);
    ctx.spawn_fn({.name = "T"}, [v] {
      Operation o = testing::make_op(testing::kOpWrite, Access::kWrite, v->id(),
                                     std::source_location::current());
      o.extra_writes = 1;  // extra_count is 0
      Ctx::current().yield(o);
    });
  });
  EXPECT_NE(r.model_error.find("marks an extra object written"), std::string::npos)
      << r.model_error;
}

}  // namespace
}  // namespace ravel
