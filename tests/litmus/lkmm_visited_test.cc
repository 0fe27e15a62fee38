// tests/litmus/lkmm_visited_test.cc: which states a learning pass of the LKMM exploration
// explores again (scenarios/litmus/lkmm_visited.h). Skipping a state is only sound when one
// reached before learns at least as much: fewer or the same promises and taken writes, depths
// no deeper. Each case below is one direction of that rule.
#include "scenarios/litmus/lkmm_visited.h"

#include <gtest/gtest.h>

namespace ravel::litmus::lkmm_enum {
namespace {

Depth depth(int chain, Counts per = {}) { return Depth{chain, std::move(per)}; }

// Events 6; location 0 holds values 0 and 1, location 1 holds value 5.
LearnState state() {
  LearnState s;
  s.values = {6, 2, 0, 1, 1, 5};
  s.depths = {depth(0), depth(1, {{0, 1}}), depth(2, {{0, 1}, {3, 1}})};
  return s;
}

TEST(LkmmVisited, TheSameStateIsExploredOnce) {
  Visited v;
  EXPECT_TRUE(v.first(state(), 100));
  EXPECT_FALSE(v.first(state(), 100));
  EXPECT_EQ(v.size(), 1u);
}

TEST(LkmmVisited, OtherValuesAreAnotherState) {
  Visited v;
  EXPECT_TRUE(v.first(state(), 100));
  LearnState s = state();
  s.values[0] = 7;  // more events so far
  EXPECT_TRUE(v.first(s, 100));
  s = state();
  s.values[3] = 2;  // another value written
  EXPECT_TRUE(v.first(s, 100));
}

// A state whose runs must keep more promises visits fewer runs: covered. One with fewer
// promises visits runs the first did not: explored.
TEST(LkmmVisited, MorePromisesAreCoveredFewerAreNot) {
  Visited v;
  LearnState one = state();
  one.promises = {{2, 0, 1}};
  EXPECT_TRUE(v.first(one, 100));
  LearnState two = state();
  two.promises = {{2, 0, 1}, {3, 1, 5}};
  EXPECT_FALSE(v.first(two, 100));
  LearnState other = state();
  other.promises = {{3, 1, 5}};
  EXPECT_TRUE(v.first(other, 100));
  EXPECT_TRUE(v.first(state(), 100));  // none: fewer than each
}

// A write a storing RMW already reads from is one no later storing RMW may read from.
TEST(LkmmVisited, MoreTakenWritesAreCoveredFewerAreNot) {
  Visited v;
  LearnState one = state();
  one.taken = {{1, 0, 2}};
  EXPECT_TRUE(v.first(one, 100));
  LearnState two = state();
  two.taken = {{1, 0, 2}, {1, 1, 4}};
  EXPECT_FALSE(v.first(two, 100));
  LearnState other = state();
  other.taken = {{1, 1, 4}};
  EXPECT_TRUE(v.first(other, 100));
  EXPECT_TRUE(v.first(state(), 100));
}

// Deeper values teach deeper values, which a pass records only when no shallower derivation
// exists (note()), and may drop: a shallower state is explored, a deeper one covered.
TEST(LkmmVisited, DeeperStatesAreCoveredShallowerAreNot) {
  Visited v;
  EXPECT_TRUE(v.first(state(), 100));
  LearnState deeper = state();
  deeper.depths[1] = depth(2, {{0, 2}});
  EXPECT_FALSE(v.first(deeper, 100));
  LearnState chain = state();
  chain.depths[2].chain = 1;  // a shorter chain
  EXPECT_TRUE(v.first(chain, 100));
  LearnState per = state();
  per.depths[1].per.clear();  // fewer writes of one thread to one location
  EXPECT_TRUE(v.first(per, 100));
  LearnState other = state();
  other.depths[2].per = {{0, 1}, {4, 1}};  // another thread's write instead
  EXPECT_TRUE(v.first(other, 100));
}

// A state that covers states recorded before replaces them; the set stays bounded.
TEST(LkmmVisited, BoundedAndCoveredStatesReplaced) {
  Visited v;
  LearnState two = state();
  two.promises = {{2, 0, 1}, {3, 1, 5}};
  EXPECT_TRUE(v.first(two, 100));
  EXPECT_TRUE(v.first(state(), 100));
  EXPECT_EQ(v.size(), 1u);  // the state without promises covers the one with two
  for (int64_t i = 0; i < 10; ++i) {
    LearnState s = state();
    s.values[0] = 100 + i;
    v.first(s, 4);
  }
  EXPECT_LE(v.size(), 4u);
  EXPECT_TRUE(v.first(state(), 4));  // forgotten when emptied: explored again
}

TEST(LkmmVisited, NoDeeperComparesEveryComponent) {
  EXPECT_TRUE(no_deeper(depth(1, {{0, 1}}), depth(1, {{0, 1}})));
  EXPECT_TRUE(no_deeper(depth(1, {}), depth(2, {{0, 1}})));
  EXPECT_FALSE(no_deeper(depth(2, {}), depth(1, {{0, 1}})));
  EXPECT_FALSE(no_deeper(depth(1, {{0, 2}}), depth(1, {{0, 1}})));
  EXPECT_FALSE(no_deeper(depth(1, {{3, 1}}), depth(1, {{0, 1}})));
  EXPECT_TRUE(no_deeper(depth(1, {{3, 1}}), depth(1, {{0, 1}, {3, 1}})));
}

}  // namespace
}  // namespace ravel::litmus::lkmm_enum
