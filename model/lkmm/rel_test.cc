// model/lkmm/rel_test.cc: the bit-matrix relation algebra of rel.h against small hand-made
// relations.
#include "model/lkmm/rel.h"

#include <gtest/gtest.h>

namespace ravel::lkmm {
namespace {

Rel chain(int n) {  // 0 -> 1 -> ... -> n-1
  Rel r;
  for (int i = 0; i + 1 < n; ++i) r.add(i, i + 1);
  return r;
}

TEST(Rel, SequenceInverseAndRestriction) {
  Rel c = chain(4);
  Rel two = c.seq(c);
  EXPECT_TRUE(two.has(0, 2) && two.has(1, 3));
  EXPECT_FALSE(two.has(0, 1));
  EXPECT_TRUE(c.inv().has(3, 2));
  EXPECT_FALSE(c.inv().has(2, 3));
  EXPECT_EQ(c.dom(bit(1)).range(), bit(2));
  EXPECT_EQ(c.rng(bit(1)).domain(), bit(0));
  EXPECT_EQ(Rel::cross(bit(0) | bit(1), bit(5)).range(), bit(5));
  EXPECT_TRUE(Rel::id(bit(7)).has(7, 7));
}

TEST(Rel, ClosuresAndCycles) {
  Rel c = chain(5);
  Rel p = c.plus();
  EXPECT_TRUE(p.has(0, 4));
  EXPECT_FALSE(p.has(4, 0));
  EXPECT_FALSE(p.has(2, 2));
  EXPECT_TRUE(c.star().has(2, 2));
  EXPECT_TRUE(c.acyclic());
  c.add(4, 0);
  EXPECT_FALSE(c.acyclic());
  EXPECT_FALSE(c.plus().irreflexive());
  Rel self;
  self.add(63, 63);  // the last event
  EXPECT_FALSE(self.irreflexive());
}

TEST(Rel, SetOperations) {
  Rel a = chain(3), b;
  b.add(0, 1);
  b.add(2, 0);
  EXPECT_TRUE((a | b).has(2, 0));
  EXPECT_TRUE((a & b).has(0, 1));
  EXPECT_FALSE((a & b).has(1, 2));
  EXPECT_TRUE((a - b).has(1, 2));
  EXPECT_FALSE((a - b).has(0, 1));
  EXPECT_TRUE(Rel().empty());
  EXPECT_TRUE(a.opt().has(1, 1));
}

}  // namespace
}  // namespace ravel::lkmm
