// scenarios/litmus/lkmm_explore.h: LKMM executions grown thread by thread, each read choosing
// the write it reads from (--memory-model lkmm, the default; kExplore; docs/litmus.md,
// "Exploration by reads-from").
//
// Design note. The reference enumeration (lkmm_enum.h, the default) runs every thread against
// every value its reads may return and combines the paths: its cost is paths x rf x co, and a
// thread that branches on many reads (lastzero's scanner: N! paths) is refused long before the
// executions are many. Here the threads are run one after another, in an order that puts a
// thread after the threads whose writes it reads, and each read of the running thread chooses
// its source, which fixes its value:
//   - the initial write of its location, a write of a thread already run, or an earlier write
//     of its own thread (the value is that write's);
//   - or a write of a thread not yet run (a *promise*: that thread and a value it may store
//     there). When that thread has run, the promise is kept by one of its writes of that
//     location and value (one branch per such write), or the branch is dropped.
// The values a thread may store (for promises) are collected from the runs themselves and
// iterated to a fixed point, as the reference iterates its value domains (and stopped after as
// many rounds as an execution has writes, the reference's bound). When every thread has run,
// each read has its write: every coherence order is judged by the model (lkmm_enum.h
// judge_fixed_rf). Every (paths, rf) pair is reached once (a read's choice is its source), and
// two RMWs that store never read one write (the reference's atomicity cut, applied as soon as
// both sources are known); a source that closes a happens-before cycle with the runs' ppo and
// the external reads-from chosen before is not followed (lkmm_hb_cut.h). Promises are what make
// reads from po-later writes of other threads (load buffering: po | rf cyclic) reachable, which
// GenMC's exploration does not allow and the LKMM does.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "scenarios/litmus/lkmm_enum.h"

namespace ravel::litmus::lkmm_enum {

// As enumerate() (lkmm_enum.h): every consistent execution once per (rf, co). With more than
// one worker (or simulated ones) the judging pass is split over them (lkmm_pieces.h),
// reporting the same executions in the same order.
bool explore(size_t threads, const std::vector<int64_t>& init, const ThreadPaths& thread_paths,
             uint32_t axioms, const std::function<void(const Final&)>& on_consistent, Stats* stats,
             Error* err, Stop* stop, Workers workers = {});

}  // namespace ravel::litmus::lkmm_enum
