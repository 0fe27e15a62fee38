// scenarios/litmus/lkmm_pieces.cc: the judging pass's pieces on worker threads, reported in
// their order (see lkmm_pieces.h).
#include "scenarios/litmus/lkmm_pieces.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace ravel::litmus::lkmm_enum {
namespace {

// A consistent execution a piece found, kept until its piece's turn: the Final's pointees
// copied (the worker's caches may drop its runs, and the execution is a reused buffer).
struct Kept {
  std::vector<lkmm_thread::Trace> traces;
  lkmm::Execution x;
  Final f;                 // its pointers set when it is reported
  Stats at;                // the piece's counts when it was found
  uint64_t inside_at = 0;  // and its checks (PieceWorker::checks_inside)
};

struct Result {
  std::vector<Kept> kept;
  Stats stats;          // the piece's counts
  uint64_t inside = 0;  // its checks (PieceWorker::checks_inside)
  bool done = false, ok = true, stopped = false;
  Error err;
  std::exception_ptr thrown;
};

// Workers run at most this many pieces ahead of the one being reported: the kept executions
// of a long piece's successors stay bounded.
constexpr size_t kAhead = 256;

void add(Stats* to, const Stats& d) {
  to->candidates += d.candidates, to->consistent += d.consistent, to->runs += d.runs;
  to->skeletons += d.skeletons, to->mismatches += d.mismatches;
}

Stats minus(const Stats& a, const Stats& b) {
  Stats d;
  d.candidates = a.candidates - b.candidates, d.consistent = a.consistent - b.consistent;
  d.runs = a.runs - b.runs, d.skeletons = a.skeletons - b.skeletons;
  d.mismatches = a.mismatches - b.mismatches;
  return d;
}

class Pool {
 public:
  Pool(size_t n, unsigned workers, const std::function<std::unique_ptr<PieceWorker>()>& make,
       const Stop* stop)
      : results_(n), per_worker_(workers, 0) {
    for (unsigned w = 0; w < workers; ++w) {
      workers_.push_back(make());
      stops_.emplace_back();
      Stop& s = stops_.back();
      s.interrupted = &cancel_;  // the calling thread's interrupt and stop, passed on
      s.has_deadline = stop != nullptr && stop->has_deadline;
      if (s.has_deadline) s.deadline = stop->deadline;
    }
    for (unsigned w = 0; w < workers; ++w) threads_.emplace_back([this, w] { work(w); });
  }
  // Stops the workers (a piece's exception, a stop or the end) and waits for them.
  ~Pool() {
    cancel();
    for (std::thread& t : threads_) t.join();
  }
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  void cancel() {
    cancel_ = true;
    std::lock_guard<std::mutex> l(mu_);
    cv_.notify_all();
  }
  // Piece k, once done. Meanwhile an interrupt stops the workers, and the progress line
  // shows the counts reported so far.
  Result& wait(size_t k, Stop* stop) {
    std::unique_lock<std::mutex> l(mu_);
    while (!results_[k].done) {
      cv_.wait_for(l, std::chrono::milliseconds(50));
      if (stop == nullptr) continue;
      if (stop->interrupted != nullptr && stop->interrupted->load()) cancel_ = true;
      stop->show_progress(Stop::Clock::now());
    }
    return results_[k];
  }
  void reported(size_t k) {
    std::lock_guard<std::mutex> l(mu_);
    reported_ = k + 1;
    Result reported;  // its kept executions freed
    reported.done = true;
    results_[k] = std::move(reported);
    cv_.notify_all();
  }
  const Result& result(size_t k) const { return results_[k]; }
  uint64_t busiest() const { return *std::max_element(per_worker_.begin(), per_worker_.end()); }

 private:
  void work(unsigned w) {
    Stats s;
    Error e;
    for (;;) {
      size_t k = 0;
      {
        std::unique_lock<std::mutex> l(mu_);
        cv_.wait(l,
                 [&] { return cancel_ || next_ >= results_.size() || next_ < reported_ + kAhead; });
        if (next_ >= results_.size()) return;
        k = next_++;  // after a cancel too: its stop ends it at once, marked stopped
      }
      Result& r = results_[k];
      const Stats before = s;
      auto keep = [&](const Final& f) {
        Kept kept;
        for (const lkmm_thread::Trace* t : f.threads) kept.traces.push_back(*t);
        kept.x = *f.execution;
        kept.f = f;
        kept.at = minus(s, before);
        kept.inside_at = workers_[w]->checks_inside(stops_[w]);
        r.kept.push_back(std::move(kept));
      };
      try {
        r.ok = workers_[w]->judge(k, keep, &s, &e, &stops_[w]);
      } catch (...) {
        r.thrown = std::current_exception();
      }
      if (!r.ok) r.err = e;
      r.stats = minus(s, before);
      r.inside = workers_[w]->checks_inside(stops_[w]);
      r.stopped = stops_[w].stopped;
      per_worker_[w] += r.stats.candidates;
      // A piece that threw or failed ends the run in its turn, and leaves its explorer
      // half unwound: the worker takes no other piece (the pieces before it are taken).
      const bool last = r.thrown != nullptr || !r.ok;
      std::lock_guard<std::mutex> l(mu_);
      r.done = true;
      cv_.notify_all();
      if (last) return;
    }
  }

  std::vector<Result> results_;
  std::vector<uint64_t> per_worker_;  // candidates judged, by worker
  std::vector<std::unique_ptr<PieceWorker>> workers_;
  std::vector<Stop> stops_;
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<bool> cancel_{false};
  size_t next_ = 0;      // under mu_: the next piece to hand out
  size_t reported_ = 0;  // under mu_: the pieces reported
};

// The candidates of the busiest of `workers` logical workers that take the pieces in order,
// each the next one when it is free (candidates as time; ties to the lowest worker).
uint64_t simulated_busiest(const std::vector<uint64_t>& cost, unsigned workers) {
  std::vector<uint64_t> load(std::max(1u, workers), 0);
  for (uint64_t c : cost) *std::min_element(load.begin(), load.end()) += c;
  return *std::max_element(load.begin(), load.end());
}

// After the callback asked to stop at an execution of piece k (`inside_at` its checks):
// whether one thread would call now() again (Stop::checks), which makes the run incomplete.
// Later in piece k, above the pieces after it, or in a later piece; the later pieces are
// waited for only while none of these answers (the stop came at the end of a piece).
bool more_after(Pool* pool, size_t k, uint64_t inside_at, Stop* stop,
                const std::vector<uint64_t>& listed_after) {
  if (pool->result(k).inside > inside_at || listed_after[k] > 0) return true;
  for (size_t m = k + 1; m < listed_after.size(); ++m) {
    pool->reported(m - 1);  // lets the workers take the pieces after it
    const Result& r = pool->wait(m, stop);
    if (r.inside > 0 || r.stopped || !r.ok || r.thrown || listed_after[m] > 0) return true;
  }
  return false;
}

}  // namespace

bool judge_pieces(size_t n, Workers workers,
                  const std::function<std::unique_ptr<PieceWorker>()>& make,
                  const std::function<void(const Final&)>& on_consistent, Stats* stats, Error* err,
                  Stop* stop, const std::vector<uint64_t>& listed_after) {
  Stats base = *stats;  // what came before (the learning passes)
  base.pieces = n;
  Stats sum;  // the pieces reported
  auto set = [&](const Stats& extra) {
    *stats = base;
    add(stats, sum), add(stats, extra);
  };
  Pool pool(n, workers.simulated ? 1u : std::max(1u, workers.n), make, stop);
  std::vector<uint64_t> cost;  // by piece: its candidates (the simulated workers' time)
  for (size_t k = 0; k < n; ++k) {
    Result& r = pool.wait(k, stop);
    for (Kept& kept : r.kept) {
      kept.f.threads.clear();
      for (const lkmm_thread::Trace& t : kept.traces) kept.f.threads.push_back(&t);
      kept.f.execution = &kept.x;
      set(kept.at);
      on_consistent(kept.f);  // may throw: ~Pool stops the workers
      if (stop != nullptr && stop->requested) {
        stop->stopped = more_after(&pool, k, kept.inside_at, stop, listed_after);
        return true;
      }
    }
    add(&sum, r.stats);
    set(Stats{});
    cost.push_back(r.stats.candidates);
    if (r.thrown) std::rethrow_exception(r.thrown);
    if (!r.ok) {
      *err = r.err;
      return false;
    }
    if (r.stopped) {
      if (stop != nullptr) stop->stopped = true;
      return true;
    }
    pool.reported(k);
  }
  stats->busiest = workers.simulated ? simulated_busiest(cost, workers.n) : pool.busiest();
  return true;
}

}  // namespace ravel::litmus::lkmm_enum
