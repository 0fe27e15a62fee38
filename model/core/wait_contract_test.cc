// model/core/wait_contract_test.cc: the wait mechanism's contract check (wait.h): an operation
// that waits at a gate must name the object the gate's condition declares (as its object or an
// extra read), or a write that opens the gate would not be dependent with the wait (docs/dpor.md
// "Dependency and happens-before"). In builds with assertions, the first such wait aborts.
#include <gtest/gtest.h>

#include "model/core/wait.h"
#include "model/ops.h"
#include "model/testing.h"

namespace ravel::model {
namespace {

// Open from the start: the waits below return at once; only the check is under test.
struct Open {
  static constexpr Gate::Kind kKind = Gate::Kind::kEvent;
  ObjectId declared;
  bool holds(TaskId) const { return true; }
  ObjectId object() const { return declared; }
  std::string describe(TaskId) const { return "a test wait"; }
};

// A wait at a gate declaring `declared` by an operation on `named` (and `extra`, read).
void wait(ObjectId named, ObjectId declared, ObjectId extra = kNoObject) {
  const WaitOn<Open> gate(Open{declared});
  Operation op;
  op.kind = op::kAwaitCheck;
  op.access = Access::kRead;
  op.object = named;
  op.add_read(extra);
  yield_at(Ctx::current(), op, &gate);
}

TEST(WaitContract, AWaitNamingItsObjectRuns) {
  ExploreResult r = testing::run("dfs", [](Ctx& ctx) {
    const ObjectId a = ctx.new_object();
    const ObjectId b = ctx.new_object();
    wait(a, a);
    wait(b, a, a);  // declared object as an extra read
  });
  EXPECT_EQ(r.model_error, "");
  EXPECT_EQ(r.executions, 1u);
}

TEST(WaitContractDeathTest, AWaitNotNamingItsObjectIsAnInternalError) {
#ifdef NDEBUG
  GTEST_SKIP() << "checked in builds with assertions only (wait.h yield_at)";
#else
  EXPECT_DEATH(testing::run("dfs",
                            [](Ctx& ctx) {
                              const ObjectId a = ctx.new_object();
                              const ObjectId b = ctx.new_object();
                              wait(b, a);
                            }),
               "enabledness contract");
#endif
}

}  // namespace
}  // namespace ravel::model
