// tests/litmus/lkmm_hb_cut_test.cc: the exploration's happens-before cut (lkmm_hb_cut.h) on
// hand-built runs: which events a run's ppo' orders, which reads-from edges close a cycle and
// which do not. The programs it prunes are compared with the reference enumeration, which
// has no cut, by lkmm_explore_test.cc (every litmus test, scenario and random program there).
#include "scenarios/litmus/lkmm_hb_cut.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <utility>
#include <vector>

namespace ravel::litmus::lkmm_enum {
namespace {

using lkmm::Event;
using lkmm::Kind;
using lkmm_thread::Trace;

Event read(int thread, int loc, uint32_t tags) {
  Event e;
  e.thread = thread, e.kind = Kind::kRead, e.loc = loc, e.tags = tags, e.value = 1;
  return e;
}

Event write(int thread, int loc, uint32_t tags) {
  Event e;
  e.thread = thread, e.kind = Kind::kWrite, e.loc = loc, e.tags = tags, e.value = 1;
  return e;
}

uint64_t bits(std::initializer_list<int> events) {
  uint64_t b = 0;
  for (int e : events) b |= uint64_t{1} << e;
  return b;
}

constexpr int kX = 0, kY = 1, kZ = 2;

// Load buffering: thread t reads `from` and then writes `to`, with the given annotations.
Trace lb(int t, int from, uint32_t read_tags, int to, uint32_t write_tags) {
  Trace r;
  r.ev = {read(t, from, read_tags), write(t, to, write_tags)};
  return r;
}

TEST(LkmmHbCut, AcquireAndReleaseOrderTheirSide) {
  EXPECT_EQ(HbCut::of(lb(0, kX, lkmm::kOnce, kY, lkmm::kRelease)).reach,
            (std::vector<uint64_t>{bits({1}), 0}));
  EXPECT_EQ(HbCut::of(lb(0, kX, lkmm::kAcquire, kY, lkmm::kOnce)).reach,
            (std::vector<uint64_t>{bits({1}), 0}));
  EXPECT_EQ(HbCut::of(lb(0, kX, lkmm::kOnce, kY, lkmm::kOnce)).reach,
            (std::vector<uint64_t>{0, 0}));
}

// A release orders what precedes it before itself, not what follows it
// (lb-release-orders-only-before.litmus: the cycle through the write after it is allowed).
TEST(LkmmHbCut, AReleaseOrdersNothingAfterIt) {
  Trace r;
  r.ev = {read(0, kX, lkmm::kOnce), write(0, kY, lkmm::kRelease), write(0, kZ, lkmm::kOnce)};
  EXPECT_EQ(HbCut::of(r).reach, (std::vector<uint64_t>{bits({1}), 0, 0}));
  r.ev.insert(r.ev.begin() + 2, Event{});  // smp_mb() before the last write: then ordered
  r.ev[2].thread = 0, r.ev[2].fence = lkmm::Fence::kMb;
  EXPECT_EQ(HbCut::of(r).reach[0], bits({1, 3}));
}

// A dependency orders only marked events: hb is restricted to Marked edge by edge.
TEST(LkmmHbCut, DependenciesOrderMarkedEventsOnly) {
  Trace once = lb(0, kX, lkmm::kOnce, kY, lkmm::kOnce);
  once.data = {{0, 1}};
  EXPECT_EQ(HbCut::of(once).reach[0], bits({1}));
  Trace plain = lb(0, kX, 0, kY, lkmm::kOnce);
  plain.data = {{0, 1}};
  EXPECT_EQ(HbCut::of(plain).reach[0], 0u);
}

// Runs placed in a cut, their sides computed by the cut when an edge needs them.
struct Placed {
  std::vector<Trace> traces;
  std::vector<HbCut::Run> sides;
  HbCut cut;
  explicit Placed(std::vector<Trace> t) : traces(std::move(t)), sides(traces.size()) {
    cut.reset(traces.size());
    for (size_t p = 0; p < traces.size(); ++p) cut.place(p, &traces[p], &sides[p]);
  }
};

TEST(LkmmHbCut, TheEdgeThatClosesACycleIsRefused) {
  Placed placed(
      {lb(0, kX, lkmm::kOnce, kY, lkmm::kRelease), lb(1, kY, lkmm::kAcquire, kX, lkmm::kOnce)});
  HbCut& cut = placed.cut;
  EXPECT_FALSE(placed.sides[0].ready);  // computed when an edge first touches the run
  EXPECT_TRUE(cut.add(1, 1, 0, 0));     // P0 reads x from P1
  EXPECT_TRUE(placed.sides[0].ready);
  EXPECT_FALSE(cut.add(0, 1, 1, 0));  // P1 reads y from P0: r(x) -> w(y) -> r(y) -> w(x) -> r(x)
  cut.undo();                         // P0's read takes another write
  EXPECT_TRUE(cut.add(0, 1, 1, 0));
}

TEST(LkmmHbCut, UnorderedRunsCloseNoCycle) {
  Placed placed(
      {lb(0, kX, lkmm::kOnce, kY, lkmm::kOnce), lb(1, kY, lkmm::kAcquire, kX, lkmm::kOnce)});
  HbCut& cut = placed.cut;
  EXPECT_TRUE(cut.add(1, 1, 0, 0));
  EXPECT_TRUE(cut.add(0, 1, 1, 0));  // lb-once: allowed
}

// The cycle runs through three threads, two edges chosen before the one that closes it.
TEST(LkmmHbCut, CyclesThroughSeveralEdges) {
  Placed placed({lb(0, kX, lkmm::kAcquire, kY, lkmm::kOnce),
                 lb(1, kY, lkmm::kAcquire, kZ, lkmm::kOnce),
                 lb(2, kZ, lkmm::kAcquire, kX, lkmm::kOnce)});
  HbCut& cut = placed.cut;
  EXPECT_TRUE(cut.add(0, 1, 1, 0));
  EXPECT_TRUE(cut.add(1, 1, 2, 0));
  EXPECT_FALSE(cut.add(2, 1, 0, 0));
  cut.undo();  // the second edge: without it the third closes nothing
  EXPECT_TRUE(cut.add(2, 1, 0, 0));
}

}  // namespace
}  // namespace ravel::litmus::lkmm_enum
