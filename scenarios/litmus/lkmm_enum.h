// scenarios/litmus/lkmm_enum.h: the candidate executions of a litmus test, judged by the LKMM.
//
// Design note. herd7's method, in three steps:
//   1. value domains: each location starts with {initial value}; every thread is run with
//      every read answered from the current domains (lkmm_thread.h) and every value it stores
//      joins its location's domain, until nothing changes (a test whose domains keep growing
//      is refused);
//   2. per-thread paths with those domains, then every combination of one path per thread;
//   3. for each combination, every reads-from choice (a read takes its value from a write of
//      the same location and value, or the initial write) and every coherence order (per
//      location, initial write first, same-thread writes in program order) -- a candidate
//      execution (model/lkmm/exec.h), kept when model/lkmm/lkmm.h accepts it.
// Each consistent execution is reported once: distinct (rf, co) pairs are distinct
// executions, as herd7 counts them. The enumerator knows nothing of the model's rules.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "model/lkmm/lkmm.h"
#include "scenarios/litmus/lkmm_thread.h"

namespace ravel::litmus::lkmm_enum {

struct Final {
  std::vector<const lkmm_thread::Trace*> threads;  // the path each process took
  std::vector<int64_t> memory;                     // final value of each location (co-last)
  bool data_race = false;
  const lkmm::Execution* execution = nullptr;  // the execution itself (valid during the call)
};

struct Stats {
  uint64_t candidates = 0;  // candidate executions checked
  uint64_t consistent = 0;  // of which the model accepts
};

// False with *err set when the test cannot be enumerated (a construct lkmm refuses, too many
// events or paths, domains that do not converge).
bool enumerate(const std::vector<lkmm_thread::Body>& bodies, const lkmm_thread::Layout& layout,
               uint32_t axioms, const std::function<void(const Final&)>& on_consistent,
               Stats* stats, Error* err);

}  // namespace ravel::litmus::lkmm_enum
