// model/lkmm/rel_test.cc: the bit-matrix relation algebra of rel.h against small hand-made
// relations.
#include "model/lkmm/rel.h"

#include <gtest/gtest.h>

#include <cstring>

#ifdef RAVEL_ASAN
#include <sanitizer/asan_interface.h>
#endif

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
  EXPECT_EQ(Rel::cross(bit(0) | bit(1), bit(5), 8).range(), bit(5));
  EXPECT_TRUE(Rel::id(bit(7), 8).has(7, 7));
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
  self.add(63, 63);  // the last event of the first word
  EXPECT_FALSE(self.irreflexive());
}

// acyclic() searches depth first; the closure's irreflexivity is the definition it must agree
// with, on random relations of every density (and across words).
TEST(Rel, AcyclicAgreesWithTheClosure) {
  uint64_t seed = 12345;
  auto next = [&] { return seed = seed * 6364136223846793005ULL + 1442695040888963407ULL; };
  int cyclic = 0;
  for (int round = 0; round < 400; ++round) {
    const int n = 2 + static_cast<int>(next() >> 33) % 140;
    const int edges = static_cast<int>(next() >> 33) % (2 * n);
    Rel r(n);
    for (int e = 0; e < edges; ++e) {
      const int a = static_cast<int>(next() >> 33) % n;
      const int b = static_cast<int>(next() >> 33) % n;
      if (round % 2 == 0 && a >= b) continue;  // half of them forward only: acyclic
      r.add(a, b);
    }
    EXPECT_EQ(r.acyclic(), r.plus().irreflexive()) << "round " << round;
    cyclic += r.acyclic() ? 0 : 1;
  }
  EXPECT_GT(cyclic, 50);  // both answers are exercised
  EXPECT_LT(cyclic, 350);
}

// Executions of more than 64 events (indexer(15) has 250): rows and sets span several words.
TEST(Rel, PastSixtyFourEvents) {
  const int n = kMaxEvents;
  Rel c(n);
  for (int i = 0; i + 1 < n; ++i) c.add(i, i + 1);
  Rel p = c.plus();
  EXPECT_TRUE(p.has(0, n - 1));
  EXPECT_TRUE(p.has(63, 64) && p.has(64, 200));
  EXPECT_FALSE(p.has(200, 64));
  EXPECT_TRUE(c.acyclic());
  c.add(n - 1, 0);
  EXPECT_FALSE(c.acyclic());
  EXPECT_TRUE(c.inv().has(130, 129));
  EXPECT_EQ(c.seq(c).row(127), bit(129));
  EXPECT_EQ(c.dom(bit(100)).range(), bit(101));
  EXPECT_EQ((bit(70) | bit(190)).count(), 2);
  EXPECT_EQ((bit(70) | bit(190)).first(), 70);
  EXPECT_TRUE(Rel(n).opt().has(255, 255));
  EXPECT_FALSE(Rel(10).opt().has(10, 10));  // the universe is the row count
  Rel r;
  r.add(3, 200);
  r.remove(3, 200);
  EXPECT_TRUE(r.empty());
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

// Set::after(i), which builds program order's rows, at and across word boundaries.
TEST(Rel, EventsAfter) {
  for (int i : {0, 1, 62, 63, 64, 65, 127, 128, 200, 254, 255}) {
    const Set s = Set::after(i);
    EXPECT_EQ(s.count(), kMaxEvents - 1 - i) << i;
    EXPECT_EQ(s.first(), i + 1 < kMaxEvents ? i + 1 : -1) << i;
    EXPECT_FALSE(s.test(i)) << i;
  }
  Rel r;
  r.set_row(70, Set::after(68));
  EXPECT_EQ(r.rows(), 71);
  EXPECT_TRUE(r.has(70, 69));
  EXPECT_FALSE(r.has(70, 68));
}

// Rows freed are taken again for a relation of the same row count (RowPool), not another's;
// under ASan they are poisoned while free.
TEST(Rel, FreedRowsAreReusedPerRowCount) {
  void* a = RowPool::take(10);
  RowPool::give(a, 10);
#ifdef RAVEL_ASAN
  EXPECT_TRUE(__asan_address_is_poisoned(a));
#endif
  void* b = RowPool::take(11);
  EXPECT_NE(a, b);
  void* c = RowPool::take(10);
  EXPECT_EQ(a, c);
  RowPool::give(b, 11);
  std::memset(c, 0xff, 10 * sizeof(Set));  // rows left full by the relation that freed them
  RowPool::give(c, 10);
  Rel r(10);  // takes c again: its rows must start empty all the same
  EXPECT_TRUE(r.empty());
  r.add(9, 3);
  EXPECT_EQ(r.row(9).count(), 1);
}

}  // namespace
}  // namespace ravel::lkmm
