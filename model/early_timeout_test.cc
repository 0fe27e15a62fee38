// model/early_timeout_test.cc: KernelOptions::early_timeouts (`ravel run --timeouts=early`,
// language.md "Timeouts"). Without it a timed wait times out only when its event cannot happen
// any more; with it every timed wait may also time out at its scheduling point (a choice
// explored both ways), while MAX_SCHEDULE_TIMEOUT waits never time out. Each test records the
// values the wait returned, over every execution, under dfs and dpor.
#include <gtest/gtest.h>

#include <climits>
#include <string>
#include <vector>

#include "model/atomic.h"
#include "model/completion.h"
#include "model/testing.h"
#include "model/cpu.h"
#include "model/dma_fence.h"
#include "model/dma_resv.h"
#include "model/race.h"
#include "model/wait.h"

namespace ravel::model {
namespace {

#define AT (::ravel::Loc{__FILE__, __LINE__, 0})

// The sorted, distinct return values of the waiter, over every execution.
std::vector<std::string> returns(const std::string& strategy, bool early, const SetupFn& setup) {
  KernelPlugin kernel(KernelOptions{.early_timeouts = early});
  ExploreOptions o;
  o.strategy.name = strategy;
  o.plugins = {&kernel};
  ExploreResult r = explore(o, setup);
  EXPECT_EQ(r.model_error, "") << strategy;
  EXPECT_TRUE(r.complete) << strategy;
  EXPECT_TRUE(r.violations.empty()) << strategy;
  return r.final_states;
}

void record(long v) { Ctx::current().record_final_state(std::to_string(v)); }

class EarlyTimeoutTest : public ::testing::TestWithParam<std::string> {};

TEST_P(EarlyTimeoutTest, WaitForCompletionTimeout) {
  auto setup = [](long timeout) {
    return [timeout](Ctx& ctx) {
      Completion* c = completion_new("done");
      spawn_thread_fn(ctx, {.name = "W"},
                      [c, timeout] { record(wait_for_completion_timeout(c, timeout, AT)); });
      spawn_thread_fn(ctx, {.name = "T"}, [c] { complete(c, AT); });
    };
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(returns(GetParam(), false, setup(100)), V({"100"}));
  EXPECT_EQ(returns(GetParam(), true, setup(100)), V({"0", "100"}));
  // MAX_SCHEDULE_TIMEOUT: never times out, with or without the option.
  EXPECT_EQ(returns(GetParam(), true, setup(kMaxScheduleTimeout)),
            V({std::to_string(kMaxScheduleTimeout)}));
}

// Already completed: an early timer finds done > 0 and the wait succeeds (the kernel tests the
// condition before sleeping), so the option adds no timeout there.
TEST_P(EarlyTimeoutTest, CompletedBeforeTheWaitNeverTimesOut) {
  auto setup = [](Ctx& ctx) {
    Completion* c = completion_new("done");
    spawn_thread_fn(ctx, {.name = "W"}, [c] {
      complete(c, AT);
      record(wait_for_completion_timeout(c, 100, AT));
    });
  };
  EXPECT_EQ(returns(GetParam(), true, setup), std::vector<std::string>({"100"}));
}

TEST_P(EarlyTimeoutTest, WaitEventTimeout) {
  auto setup = [](Ctx& ctx) {
    WaitQueueHead* wq = waitqueue_new("wq");
    SharedVar* flag = new_shared_var("flag", 0);
    spawn_thread_fn(ctx, {.name = "W"}, [wq, flag] {
      record(wait_event_timeout(wq, [flag] { return READ_ONCE(flag, AT) != 0; }, 10, AT));
    });
    spawn_thread_fn(ctx, {.name = "T"}, [wq, flag] {
      WRITE_ONCE(flag, 1, AT);
      wake_up(wq, AT);
    });
  };
  using V = std::vector<std::string>;
  // Without the option the waker always comes: the condition holds (10).
  EXPECT_EQ(returns(GetParam(), false, setup), V({"10"}));
  // Early: timed out with the condition false (0) or already true when re-tested (1).
  EXPECT_EQ(returns(GetParam(), true, setup), V({"0", "1", "10"}));
}

TEST_P(EarlyTimeoutTest, DmaFenceAndResvWaitTimeout) {
  auto fence = [](Ctx& ctx) {
    DmaFence* f = dma_fence_new("f", nullptr, nullptr);
    spawn_thread_fn(ctx, {.name = "W"},
                    [f] { record(dma_fence_wait_timeout(f, false, 100, AT)); });
    spawn_thread_fn(ctx, {.name = "T"}, [f] { dma_fence_signal(f, AT); });
  };
  auto resv = [](Ctx& ctx) {
    DmaFence* f = dma_fence_new("f", nullptr, nullptr);
    DmaResv* r = dma_resv_new("resv");
    spawn_thread_fn(ctx, {.name = "W"}, [f, r] {
      dma_resv_lock(r, nullptr, AT);
      dma_resv_reserve_fences(r, 1, AT);
      dma_resv_add_fence(r, f, DmaResvUsage::kWrite, AT);
      dma_resv_unlock(r, AT);
      record(dma_resv_wait_timeout(r, DmaResvUsage::kWrite, false, 100, AT));
    });
    spawn_thread_fn(ctx, {.name = "T"}, [f] { dma_fence_signal(f, AT); });
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(returns(GetParam(), false, fence), V({"100"}));
  EXPECT_EQ(returns(GetParam(), true, fence), V({"0", "100"}));
  EXPECT_EQ(returns(GetParam(), false, resv), V({"100"}));
  EXPECT_EQ(returns(GetParam(), true, resv), V({"0", "100"}));
}

INSTANTIATE_TEST_SUITE_P(Strategies, EarlyTimeoutTest,
                         ::testing::ValuesIn(testing::exhaustive_strategies()));

}  // namespace
}  // namespace ravel::model
