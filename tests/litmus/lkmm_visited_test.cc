// tests/litmus/lkmm_visited_test.cc: which states a learning pass of the LKMM exploration
// explores again (scenarios/litmus/lkmm_visited.h). Skipping a state is only sound when one
// reached before learns at least as much: fewer or the same promises, as many free writes of
// each value or more, depths no deeper. Each case below is one direction of that rule.
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
  one.promises = {{2, 0, 1, 0}};
  EXPECT_TRUE(v.first(one, 100));
  LearnState two = state();
  two.promises = {{2, 0, 1, 0}, {3, 1, 5, 0}};
  EXPECT_FALSE(v.first(two, 100));
  LearnState other = state();
  other.promises = {{3, 1, 5, 0}};
  EXPECT_TRUE(v.first(other, 100));
  EXPECT_TRUE(v.first(state(), 100));  // none: fewer than each
}

// Under the atomicity cut, a write a storing RMW already reads from is one no later storing RMW
// may read from: a state with fewer free writes of a value is covered, one with more is not.
// Only the number counts, not which writes (the same state, whichever is taken).
TEST(LkmmVisited, FewerFreeWritesAreCoveredMoreAreNot) {
  Visited v;
  LearnState one = state();
  one.left = {1, 2, 1, 0, 1};  // initial write of location 1 taken, one write of value 1
  EXPECT_TRUE(v.first(one, 100));
  LearnState fewer = state();
  fewer.left = {0, 2, 1, 0, 1};
  EXPECT_FALSE(v.first(fewer, 100));
  LearnState more = state();
  more.left = {1, 2, 2, 0, 1};  // value 1 has two writes free
  EXPECT_TRUE(v.first(more, 100));
  LearnState other = state();
  other.left = {1, 1, 1, 1, 1};  // one fewer of value 0, but location 1's initial write free
  EXPECT_TRUE(v.first(other, 100));
  EXPECT_FALSE(v.first(more, 100));
}

// Two promises a storing RMW's reads made on one thread, location and value need two writes
// of it: a state with one such promise covers the state with two, not the other way round.
// A promise of a read that does not store is another promise than a storing one's (keeping
// it takes no write).
TEST(LkmmVisited, StoringPromisesCountEachRead) {
  Visited v;
  LearnState two = state();
  two.promises = {{2, 0, 1, 1}, {2, 0, 1, 1}};
  EXPECT_TRUE(v.first(two, 100));
  LearnState one = state();
  one.promises = {{2, 0, 1, 1}};
  EXPECT_TRUE(v.first(one, 100));
  EXPECT_FALSE(v.first(two, 100));
  LearnState plain = state();
  plain.promises = {{2, 0, 1, 0}};
  EXPECT_TRUE(v.first(plain, 100));
  EXPECT_FALSE(v.first(one, 100));  // still recorded: the plain promise replaced nothing
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
  two.promises = {{2, 0, 1, 0}, {3, 1, 5, 0}};
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
