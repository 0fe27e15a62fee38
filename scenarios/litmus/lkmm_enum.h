// scenarios/litmus/lkmm_enum.h: the candidate executions of a litmus test or a scenario, judged
// by the LKMM.
//
// Design note. Two explorations share the candidate-level half (rf fixed or chosen, every
// coherence order, the model): the default below is herd7's method, also the brute-force
// reference the tests compare the other with; lkmm_explore.h (kExplore, the default:
// docs/litmus.md "Exploration by reads-from") grows executions thread by thread, each read
// choosing the write it reads from. The default runs in three steps:
//   1. value domains: each location starts with {initial value}; every thread is run with
//      every read answered from the current domains (a front end's ThreadPaths: litmus bodies,
//      lkmm_thread.h; scenario threads, lkmm_ravel.h) and every value it stores
//      joins its location's domain, until nothing changes (a test whose domains keep growing
//      is refused);
//   2. per-thread paths with those domains, then every combination of one path per thread;
//   3. for each combination, every reads-from choice (a read takes its value from a write of
//      the same location and value, or the initial write) and every coherence order (per
//      location, initial write first, same-thread writes in program order) -- a candidate
//      execution (model/lkmm/exec.h), kept when model/lkmm/lkmm.h accepts it.
// Each consistent execution is reported once: distinct (rf, co) pairs are distinct
// executions, as herd7 counts them. The enumerator knows nothing of the model's rules nor of
// the syntax the threads were written in.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "model/lkmm/checker.h"
#include "model/lkmm/lkmm.h"
#include "scenarios/litmus/lkmm_thread.h"

namespace ravel::litmus::lkmm_enum {

struct Final {
  std::vector<const lkmm_thread::Trace*> threads;  // the path each process took
  std::vector<int64_t> memory;                     // final value of each location (co-last)
  bool data_race = false;
  int race_a = -1, race_b = -1;  // with data_race: a racing pair (execution event indices)
  std::vector<int> base;         // index in the execution of each thread's first event
  const lkmm::Execution* execution = nullptr;  // the execution itself (valid during the call)
};

struct Stats {
  uint64_t candidates = 0;  // candidate executions checked
  uint64_t consistent = 0;  // of which the model accepts
  uint64_t runs = 0;        // thread runs explored (lkmm_explore.h; the reference: paths)
  // lkmm_explore.h: a fingerprint of the values its learning passes learnt (each thread's
  // stores per location, with their depths); 0 for the reference.
  uint64_t learnt = 0;
  uint64_t skeletons = 0;   // skeletons the model computed (lkmm/checker.h); the reference: 0
  uint64_t mismatches = 0;  // kCrossCheck: candidates the checker judged unlike lkmm::check
  // A judging pass split over workers (lkmm_pieces.h): its pieces, and the most candidates
  // one worker judged (simulated: would judge); 0 on one thread.
  uint64_t pieces = 0;
  uint64_t busiest = 0;
};

// The workers the exploration's judging pass is split over (lkmm_pieces.h): `n` threads
// (--threads N), or, `simulated`, n logical workers whose pieces one thread judges in turn
// (--simulate-workers K: Stats::busiest is then the busiest one's candidates).
struct Workers {
  unsigned n = 1;
  bool simulated = false;
};

// When to stop before every candidate is checked (`ravel run --executions`, `--time-limit`,
// `--stop-on-first`, docs/litmus.md "Options under lkmm"). The callback sets `requested` to stop
// after the execution it was given; the deadline is checked before each candidate. Either
// leaves `stopped` true, and the enumeration is then incomplete.
// The same clock reading also calls `progress` with the run's figures so far (`stats`), at most
// every half second: a terminal's progress line, for runs whose candidates come slowly.
struct Stop {
  using Clock = std::chrono::steady_clock;
  bool requested = false;
  bool has_deadline = false;
  Clock::time_point deadline;
  const std::atomic<bool>* interrupted = nullptr;  // SIGINT/SIGTERM (tools/ravel/interrupt.h)
  std::function<void(const Stats&)> progress;
  const Stats* stats = nullptr;  // what `progress` is given (set by the run that owns it)
  Clock::time_point next_progress;
  Clock::duration progress_every = std::chrono::milliseconds(500);
  bool stopped = false;
  uint64_t polls = 0;   // candidates since the clock was last read
  uint64_t checks = 0;  // calls of now(): the split judging pass's completeness (lkmm_pieces.h)
  bool now() {          // true when the enumeration must stop here
    ++checks;
    if (requested || (interrupted != nullptr && interrupted->load())) stopped = true;
    if (!stopped && (has_deadline || progress) && (++polls & 63) == 1) {
      const Clock::time_point t = Clock::now();
      stopped = has_deadline && t >= deadline;
      show_progress(t);
    }
    return stopped;
  }
  // The progress line, when it is due at time t (also while a split pass waits: lkmm_pieces.h).
  void show_progress(Clock::time_point t) {
    if (progress && stats != nullptr && t >= next_progress) {
      progress(*stats);
      next_progress = t + progress_every;
    }
  }
};

// The limits `ravel run` passes down: -1 for none. `executions` counts consistent executions
// judged; `stop_on_first` stops after the first execution that shows a violation.
struct Limits {
  int64_t executions = -1;
  double time_limit_s = -1;
  bool stop_on_first = false;
  const std::atomic<bool>* interrupted = nullptr;  // stop (incomplete) once it is set
  bool explore = true;  // explore by reads-from (kExplore); false: the reference enumeration
  // The exploration's learning passes explore every state they reach (kEveryState), not only
  // those no earlier state covers (lkmm_visited.h): for the test that covering learns the same.
  bool every_state = false;
  bool cross_check = false;  // kCrossCheck: the skeleton cache's judgements checked again
  Workers workers;           // the judging pass's (--threads, --simulate-workers)
  std::function<void(const Stats&)> progress;  // Stop's progress line, or none
  double progress_after_s = 1;                 // the line's first showing, after the start
  double progress_every_s = 0.5;               // and the least time between two
  Stop start() const {                         // the Stop of a run starting now
    Stop s;
    s.interrupted = interrupted;
    s.progress = progress;
    s.next_progress = Stop::Clock::now() + std::chrono::duration_cast<Stop::Clock::duration>(
                                               std::chrono::duration<double>(progress_after_s));
    s.progress_every = std::chrono::duration_cast<Stop::Clock::duration>(
        std::chrono::duration<double>(progress_every_s));
    s.has_deadline = time_limit_s > 0;
    s.deadline = std::chrono::steady_clock::now() +
                 std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                     std::chrono::duration<double>(s.has_deadline ? time_limit_s : 0));
    return s;
  }
};

// Every path of thread `proc` with the given value domains (a front end's evaluator, run
// through lkmm_thread::each_path). False with *err set on a construct it refuses.
using ThreadPaths = std::function<bool(int proc, const std::vector<std::vector<int64_t>>& domain,
                                       std::vector<lkmm_thread::Trace>* out, Error* err)>;

// A bit beside the model's axioms (lkmm.h) that turns the enumerator's pruning off (the
// atomicity cut of rf choices, lkmm_enum.cc): for the test that pruning changes no answer.
inline constexpr uint32_t kNoPruning = 1u << 31;

// Another bit beside the axioms: explore by reads-from (lkmm_explore.h) instead of enumerating
// candidates as herd7 does (value domains, path combinations, every rf and co).
inline constexpr uint32_t kExplore = 1u << 30;

// Another bit beside the axioms: Limits::every_state.
inline constexpr uint32_t kEveryState = 1u << 29;

// Another bit beside the axioms: every candidate judged by the skeleton cache
// (model/lkmm/checker.h) is judged again by lkmm::check, and a difference counted in
// Stats::mismatches (for the tests of the cache).
inline constexpr uint32_t kCrossCheck = 1u << 28;

// At most this many paths per thread.
inline constexpr size_t kMaxPaths = 4096;

// The candidate executions of `threads` threads over locations with initial values `init`.
// False with *err set when they cannot be enumerated (a construct the front end refuses, too
// many events or paths, domains that do not converge). `workers`: what the exploration's
// judging pass is split over (lkmm_pieces.h: the same executions in the same order for any
// number); the reference enumeration runs on one thread.
bool enumerate(size_t threads, const std::vector<int64_t>& init, const ThreadPaths& thread_paths,
               uint32_t axioms, const std::function<void(const Final&)>& on_consistent,
               Stats* stats, Error* err, Stop* stop = nullptr, Workers workers = {});

// Appends thread run `t` to `x`: its events after x's, and its RMW pairs, dependencies and RCU
// sections moved to those indices (x's relations sized for them). How a candidate is laid
// out, and how the exploration lays out one run alone (lkmm_hb_cut.h).
void append_thread(const lkmm_thread::Trace& t, lkmm::Execution* x);

// What judge_fixed_rf keeps from one call to the next (the exploration calls it once per
// combination of runs and reads-from, hundreds of thousands of times per program): the model's
// skeletons (model/lkmm/checker.h) and the buffers a combination is laid out and searched in,
// allocated once rather than per call.
class Judging {
 public:
  Judging();
  ~Judging();
  Judging(const Judging&) = delete;
  Judging& operator=(const Judging&) = delete;
  lkmm::Checker checker;
  struct Buffers;
  std::unique_ptr<Buffers> buffers;
};

// One combination of thread paths (`ts`, in thread order) whose every read has its write
// fixed: `rf[t][i]` for event i of thread t is the execution index of the write it reads from
// (initial writes first, one per location; then the threads' events in order), -1 for
// non-reads. Every coherence order is judged, by `judging`'s checker. False with *err set on
// too many events.
bool judge_fixed_rf(const std::vector<const lkmm_thread::Trace*>& ts,
                    const std::vector<int64_t>& init, const std::vector<std::vector<int>>& rf,
                    uint32_t axioms, const std::function<void(const Final&)>& on_consistent,
                    Stats* stats, Error* err, Stop* stop, Judging* judging);

// A litmus test's: False with *err set when the test cannot be enumerated (a construct lkmm
// refuses, too many events or paths, domains that do not converge).
bool enumerate(const std::vector<lkmm_thread::Body>& bodies, const lkmm_thread::Layout& layout,
               uint32_t axioms, const std::function<void(const Final&)>& on_consistent,
               Stats* stats, Error* err, Stop* stop = nullptr, Workers workers = {});

}  // namespace ravel::litmus::lkmm_enum
