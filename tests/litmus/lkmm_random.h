// tests/litmus/lkmm_random.h: seeded random litmus tests for --memory-model lkmm, for tests
// that compare two ways of running them (lkmm_explore_test.cc: the exploration against the
// reference enumeration).
//
// Each test has 2-4 processes of 2-6 statements over two locations x and y and a spinlock:
// READ_ONCE/WRITE_ONCE, smp_load_acquire/smp_store_release, plain loads and stores, smp_mb,
// smp_rmb, smp_wmb, xchg and cmpxchg with their ordering suffixes, atomic_inc, a store of a
// register read before (a data dependency), a branch on a register (a control dependency), a
// load through a pointer read before (an address dependency) and a spinlocked access. Values
// stored are distinct, so a final state names the writes it saw. The condition names every
// register and both locations, so the final states listed are complete.
#pragma once

#include <random>
#include <string>

namespace ravel::litmus::testing {

struct RandomShape {
  int min_threads = 2, max_threads = 4;
  int min_statements = 2, max_statements = 6;
};

std::string random_litmus(std::mt19937& rng, const RandomShape& shape = {});

}  // namespace ravel::litmus::testing
