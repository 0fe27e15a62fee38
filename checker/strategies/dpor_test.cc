// checker/strategies/dpor_test.cc: dpor's execution counts on programs whose number of
// Mazurkiewicz traces is known, and its verdicts in both directions.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "bench/programs.h"
#include "checker/explorer.h"
#include "checker/strategies/wakeup_tree.h"
#include "checker/testing/primitives.h"

namespace ravel {
namespace {

// A reversal whose last event may turn out disabled is inserted as an uncertain leaf, which
// covers nothing: an equal sequence goes on past it. The same one-event uncertain leaf inserted
// again is not copied (a copy would run or be dropped as the leaf is), while a longer sequence
// through the leaf still gets its own branch, once.
TEST(WakeupForest, AnUncertainLeafIsNotCopied) {
  dpor::WakeupForest forest;
  dpor::WakeupForest::List root;
  const dpor::Ev a{.task = 1, .seq = 3, .obj = 5, .acc = Access::kWrite};
  const dpor::Ev b{.task = 2, .seq = 0, .obj = 5, .acc = Access::kWrite};
  auto size = [&] {
    dpor::WakeupForest::Flat flat;
    forest.flatten(root, &flat);
    return flat.ev.size();
  };
  std::vector<dpor::Ev> v{a};
  EXPECT_TRUE(forest.insert(&root, &v, true));
  for (int i = 0; i < 100; ++i) {
    v = {a};
    EXPECT_FALSE(forest.insert(&root, &v, true));
  }
  EXPECT_EQ(size(), 1u);
  v = {a, b};
  EXPECT_TRUE(forest.insert(&root, &v, true));  // a then b: past the leaf, a branch of its own
  EXPECT_EQ(size(), 3u);
  v = {a, b};
  EXPECT_FALSE(forest.insert(&root, &v, true));  // merged into that branch
  EXPECT_EQ(size(), 3u);
  v = {b};
  EXPECT_TRUE(forest.insert(&root, &v, false));  // certain, another task: a new leaf
  v = {b};
  EXPECT_FALSE(forest.insert(&root, &v, true));  // covered by the certain leaf
  EXPECT_EQ(size(), 4u);
  forest.clear(&root);
}

using testing::Event;
using testing::Mutex;
using testing::Shared;

ExploreResult run(const char* strategy, const bench::Program& p) {
  ExploreOptions opt;
  opt.strategy.name = strategy;
  return explore(opt, p.setup, p.final_fn);
}

void expect_optimal(const bench::Program& p) {
  SCOPED_TRACE(p.name);
  ExploreResult r = run("dpor", p);
  EXPECT_EQ(r.model_error, "");
  EXPECT_TRUE(r.complete);
  EXPECT_TRUE(r.violations.empty());
  ASSERT_TRUE(p.optimal.has_value());
  EXPECT_EQ(r.executions, *p.optimal);
}

TEST(Dpor, MutexCounterTwoByTwoIsSix) { expect_optimal(bench::mutex_counter(2, 2)); }
TEST(Dpor, MutexCounterThreeByTwoIsNinety) { expect_optimal(bench::mutex_counter(3, 2)); }
TEST(Dpor, IndependentIsOne) { expect_optimal(bench::independent(3, 5)); }
TEST(Dpor, ReadersTwoIsFour) { expect_optimal(bench::readers(2)); }
TEST(Dpor, SharedCounterIsMultinomial) { expect_optimal(bench::shared_counter(2, 3)); }
TEST(Dpor, LastzeroFiveIsSixtyFour) { expect_optimal(bench::lastzero(5)); }
TEST(Dpor, IndexerTwelveIsEight) { expect_optimal(bench::indexer(12)); }

TEST(Dpor, FindsAbBaDeadlock) {
  ExploreResult r = run("dpor", bench::abba_deadlock());
  EXPECT_EQ(r.model_error, "");
  ASSERT_EQ(r.violations.size(), 1u);
  EXPECT_EQ(r.violations[0].violation.kind, Violation::Kind::kDeadlock);
  // Lock orders: T0 takes both first, T1 takes both first, each takes one (deadlock).
  EXPECT_EQ(r.executions, 3u);
}

TEST(Dpor, SameLockOrderHasNoDeadlock) {
  ExploreOptions opt;
  ExploreResult r = explore(opt, [](Ctx& ctx) {
    auto* a = ctx.make<Mutex>(ctx);
    auto* b = ctx.make<Mutex>(ctx);
    for (const char* name : {"T0", "T1"}) {
      ctx.spawn_fn({.name = name}, [a, b] {
        a->lock();
        b->lock();
        b->unlock();
        a->unlock();
      });
    }
  });
  EXPECT_TRUE(r.violations.empty());
  EXPECT_EQ(r.executions, 2u);
}

TEST(Dpor, LostUpdateIsFound) {
  ExploreOptions opt;
  ExploreResult r = explore(
      opt,
      [](Ctx& ctx) {
        auto* x = ctx.make<Shared<>>(ctx);
        for (const char* name : {"T0", "T1"}) {
          ctx.spawn_fn({.name = name}, [x] { x->write(x->read() + 1); });
        }
        ctx.spawn_fn({.name = "checker"}, [] {});
        ctx.record_final_state("");
      },
      nullptr);
  EXPECT_TRUE(r.complete);
  // r1 w1 r2 w2 and its mirror, plus the two interleavings where both read before a write
  // (orders of the writes): 4 traces... the 2 reads commute, so 2 x 2 = 4 orders of conflicts.
  EXPECT_EQ(r.executions, 4u);
}

TEST(Dpor, EveryChoiceValueIsExplored) {
  std::vector<int> finals;
  ExploreOptions opt;
  ExploreResult r = explore(
      opt,
      [&](Ctx& ctx) {
        auto* x = ctx.make<Shared<>>(ctx);
        ctx.spawn_fn({.name = "T0"},
                     [x] { x->write(static_cast<int64_t>(Ctx::current().choose(3))); });
        ctx.spawn_fn({.name = "T1"}, [x] { x->read(); });
      },
      nullptr);
  EXPECT_TRUE(r.complete);
  // 3 values x 2 orders of the write and the read.
  EXPECT_EQ(r.executions, 6u);
}

TEST(Dpor, EventWaitThatNobodySetsIsAHang) {
  ExploreOptions opt;
  ExploreResult r = explore(opt, [](Ctx& ctx) {
    auto* e = ctx.make<Event>(ctx);
    auto* x = ctx.make<Shared<>>(ctx);
    ctx.spawn_fn({.name = "T0"}, [e, x] {
      if (x->read() == 0) e->wait();
    });
    ctx.spawn_fn({.name = "T1"}, [x] { x->write(1); });
  });
  ASSERT_EQ(r.violations.size(), 1u);
  EXPECT_EQ(r.violations[0].violation.kind, Violation::Kind::kHang);
  EXPECT_EQ(r.executions, 2u);
}

// init's join waits for every task: the reads of `final` happen after all their events, so
// they add no reordering (and no blocked execution).
TEST(Dpor, ReadsInFinalDoNotRace) {
  ExploreOptions opt;
  Shared<>* x = nullptr;
  ExploreResult r = explore(
      opt,
      [&](Ctx& ctx) {
        x = ctx.make<Shared<>>(ctx);
        Shared<>* px = x;
        ctx.spawn_fn({.name = "T0"}, [px] { px->write(1); });
        ctx.spawn_fn({.name = "T1"}, [px] { px->write(2); });
      },
      [&](Ctx& ctx) { ctx.record_final_state(std::to_string(x->read())); });
  EXPECT_TRUE(r.complete);
  EXPECT_EQ(r.executions, 2u);
  EXPECT_EQ(r.blocked, 0u);
  EXPECT_EQ(r.final_states, (std::vector<std::string>{"1", "2"}));
}

// A daemon (an IRQ that may never fire) that nobody waits for: both "never ran" and "ran
// before / after the reader" must be explored, like dfs does.
TEST(Dpor, DaemonThatMayNeverStartIsExplored) {
  auto run_with = [](const char* strategy) {
    ExploreOptions opt;
    opt.strategy.name = strategy;
    Shared<>* x = nullptr;
    int64_t* seen = nullptr;
    ExploreResult r = explore(
        opt,
        [&](Ctx& ctx) {
          x = ctx.make<Shared<>>(ctx);
          seen = ctx.make<int64_t>(-1);
          Shared<>* px = x;
          int64_t* ps = seen;
          ctx.spawn_fn({.name = "irq", .kind = "irq", .daemon = true}, [px] { px->write(1); });
          ctx.spawn_fn({.name = "T0"}, [px, ps] { *ps = px->read(); });
        },
        [&](Ctx& ctx) {
          ctx.record_final_state("x=" + std::to_string(x->peek()) +
                                 " seen=" + std::to_string(*seen));
        });
    EXPECT_TRUE(r.complete) << strategy;
    return r.final_states;
  };
  const std::vector<std::string> dfs = run_with("dfs");
  EXPECT_EQ(dfs, (std::vector<std::string>{"x=0 seen=0", "x=1 seen=0", "x=1 seen=1"}));
  EXPECT_EQ(run_with("dpor"), dfs);
}

// Two threads each create an object mid-run (concurrently: after a first step that conflicts)
// and write it, publish it, and write the other's object when they find it published. The
// identity of each object must not depend on which creation ran first (api.h: ids are a function
// of the creating task and its ordinal), so dpor's reversals re-execute events on the same
// objects as recorded, and dpor reaches every final state of dfs.
TEST(Dpor, ObjectsCreatedConcurrentlyKeepTheirIdentity) {
  auto run_with = [](const char* strategy, std::set<std::string>* ids) {
    ExploreOptions opt;
    opt.strategy.name = strategy;
    struct State {
      Shared<>* x;
      Shared<>* p[2];
      Shared<>* obj[2] = {nullptr, nullptr};
    };
    State* st = nullptr;
    ExploreResult r = explore(
        opt,
        [&](Ctx& ctx) {
          st = ctx.make<State>();
          st->x = ctx.make<Shared<>>(ctx);
          st->p[0] = ctx.make<Shared<>>(ctx);
          st->p[1] = ctx.make<Shared<>>(ctx);
          State* s = st;
          for (int i : {0, 1}) {
            ctx.spawn_fn({.name = i == 0 ? "T0" : "T1"}, [s, i](Ctx& c) {
              s->x->write(i + 1);
              s->obj[i] = c.make<Shared<>>(c);  // created during the effect of the write of x
              s->obj[i]->write(i + 1);
              s->p[i]->write(1);
              if (s->p[1 - i]->read() != 0) s->obj[1 - i]->write(s->obj[1 - i]->read() + 10);
            });
          }
        },
        [&](Ctx& ctx) {
          ctx.record_final_state("x=" + std::to_string(st->x->peek()) + " o0=" +
                                 std::to_string(st->obj[0]->peek()) +
                                 " o1=" + std::to_string(st->obj[1]->peek()));
          ids->insert(std::to_string(st->obj[0]->id()) + "," + std::to_string(st->obj[1]->id()));
        });
    EXPECT_EQ(r.model_error, "") << strategy;
    EXPECT_TRUE(r.complete) << strategy;
    return r;
  };
  std::set<std::string> dfs_ids, dpor_ids;
  const ExploreResult dfs = run_with("dfs", &dfs_ids);
  const ExploreResult dpor = run_with("dpor", &dpor_ids);
  // The same object has the same id in every interleaving, whichever creation ran first.
  EXPECT_EQ(dfs_ids.size(), 1u);
  EXPECT_EQ(dpor_ids, dfs_ids);
  EXPECT_EQ(dpor.final_states, dfs.final_states);
  EXPECT_EQ(dfs.final_states.size(), 6u);
  EXPECT_LE(dpor.executions, dfs.executions);
  EXPECT_EQ(dpor.blocked, 0u);
}

// An execution discarded by an assumption (Ctx::discard) ends before the other tasks ran: what
// they would have done next still races with the events that ran, so the sibling executions
// (here: T1 writes x before T0 reads it, and T2 writes y before T0 reads it) are explored and
// their violation found. The first execution of both strategies runs T0 first and discards.
TEST(Dpor, DiscardedBranchDoesNotHideSiblingViolations) {
  auto run_with = [](const char* strategy) {
    ExploreOptions opt;
    opt.strategy.name = strategy;
    ExploreResult r = explore(opt, [](Ctx& ctx) {
      auto* x = ctx.make<Shared<>>(ctx);
      auto* y = ctx.make<Shared<>>(ctx);
      ctx.spawn_fn({.name = "T0"}, [x, y](Ctx& c) {
        if (x->read() == 0) c.discard();  // assume(x == 1)
        testing::check(y->read() == 0, "y written before T0 read it");
      });
      ctx.spawn_fn({.name = "T1"}, [x] { x->write(1); });
      ctx.spawn_fn({.name = "T2"}, [y] { y->write(1); });
    });
    EXPECT_EQ(r.model_error, "") << strategy;
    EXPECT_TRUE(r.complete) << strategy;
    EXPECT_EQ(r.violations.size(), 1u) << strategy;
    if (!r.violations.empty()) {
      EXPECT_EQ(r.violations[0].violation.kind, Violation::Kind::kAssertion) << strategy;
      EXPECT_GE(r.violations[0].execution, 1u) << strategy;  // not the first, discarded one
    }
    EXPECT_GE(r.discarded, 1u) << strategy;
    return r;
  };
  const ExploreResult dfs = run_with("dfs");
  const ExploreResult dpor = run_with("dpor");
  // Traces: x read before T1's write (discarded; y's order is irrelevant after it), or after it
  // with y read before (ok) or after (violation) T2's write.
  EXPECT_EQ(dpor.executions, 2u);
  EXPECT_LE(dpor.executions, dfs.executions);
  EXPECT_LE(dpor.discarded, dfs.discarded);
}

}  // namespace
}  // namespace ravel

namespace ravel {
namespace {

// Commuting updates (api.h Access::kAdd / kSub, docs/reduction.md). `n` tasks each apply one
// update of `delta` to a counter starting at `init`, then read nothing: the executions dpor
// explores with and without the reduction.
uint64_t updates(int n, int64_t init, int64_t delta, bool commute) {
  ExploreOptions opt;
  opt.strategy.commute = commute;
  ExploreResult r = explore(opt, [n, init, delta](Ctx& ctx) {
    auto* a = ctx.make<testing::Atomic>(ctx, init);
    static const char* const kNames[] = {"T0", "T1", "T2", "T3"};
    for (int i = 0; i < n; ++i) {
      ctx.spawn_fn({.name = kNames[i]}, [a, delta] { a->update(delta); });
    }
  });
  EXPECT_EQ(r.model_error, "");
  EXPECT_TRUE(r.complete);
  return r.executions;
}

TEST(Dpor, UnobservedIncrementsCommute) {
  EXPECT_EQ(updates(3, 1, +1, true), 1u);
  EXPECT_EQ(updates(3, 1, +1, false), 6u);  // --no-reduction=commute: every order
}

// From 2, the second decrement reaches 1 and the third 0: the one that reaches zero observes
// it (a kWrite), so which task does it is explored; the unobserved ones commute.
TEST(Dpor, DecrementReachingZeroIsOrdered) {
  EXPECT_EQ(updates(2, 5, -1, true), 1u);
  EXPECT_EQ(updates(2, 2, -1, true), 2u);  // the second one reaches 1: observed (<= 1)
  EXPECT_EQ(updates(3, 3, -1, false), 6u);
  EXPECT_LE(updates(3, 3, -1, true), 6u);
}

// An increment from zero observes it (refcount_inc's use-after-free warning): both orders.
TEST(Dpor, IncrementFromZeroIsOrdered) { EXPECT_EQ(updates(2, 0, +1, true), 2u); }

}  // namespace
}  // namespace ravel
