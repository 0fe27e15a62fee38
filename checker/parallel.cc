// checker/parallel.cc: explore_parallel (parallel.h's design note): the jobs, the commit in
// sequential order, the worker threads and the simulated workers.
#include "checker/parallel.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>

#include "checker/parallel_blocks.h"
#include "checker/parallel_commit.h"
#include "checker/parallel_prefix.h"
#include "checker/parallel_upper.h"

namespace ravel {
namespace {

using dpor::PieceInput;

// A piece's own runs are numbered from here, so that the prelude's (earlier executions, by their
// index in the whole run) come before them; commit renumbers them. Ctx::execution_index() is 32
// bits: runs of one piece stay below 2^31.
constexpr uint64_t kPieceBase = uint64_t{1} << 31;
// The independent split's guesses are its pieces (their inputs do not change): the look-ahead
// window is this many times wider (measured: revoke(6) on 2 simulated workers, makespan 109,442
// runs with a window of 4 per worker, 72,021 with 16 or more; 8 is as good).
constexpr size_t kWiden = 8;
constexpr size_t kKeepDone = 4096;

struct Job {
  PieceInput in;
  std::string full_key;  // dpor::encode(in): the commit compares it with the real input's
  dpor::PieceOutput out;
  ExploreResult res;
  uint32_t worker = 0;
  uint64_t max_executions = 0;  // what --executions leaves for it when it was picked
  bool orphan = false;          // its input turned out wrong while it ran (pick_job)
  bool done = false;
  PieceRunner::Status status = PieceRunner::Status::kDone;  // a remote worker's answer
  std::string why;                                          // kLost: how the worker died
};

// A piece run ahead and done, and the pieces nested below it that were run ahead and done,
// committed in order on a tree of their own (par::Upper::below): where the pieces that follow in
// its subtree are guessed, so that a subtree's pieces run in parallel before its turn.
struct Spec {
  par::Upper tree;
  std::vector<std::string> chain;  // light keys of the pieces it committed (kept from pruning)
  PieceInput next;                 // the next piece of its subtree (when !exhausted)
  std::string next_key, next_full;
  bool exhausted = false;
};

class Driver {
 public:
  Driver(const ExploreOptions& o, const ParallelOptions& p, const PieceEnvFactory& make,
         ParallelStats* stats, uint32_t workers)
      : o_(o),
        make_(make),
        stats_(stats),
        remote_(p.remote),
        independent_(p.independent),
        upper_(p.split != 0 || p.independent ? p.split : kDefaultSplit, p.independent),
        workers_(workers),
        start_(Clock::now()),
        c_(kPieceBase, o.max_executions, o.stop_on_first) {
    current_ = upper_.root();
    current_key_ = par::Upper::light_key(current_);
    current_full_ = dpor::encode(current_);
    stats_->worker_executions.assign(workers, 0);
    stats_->worker_runs.assign(workers, 0);
  }
  void run_threads();
  void run_simulated();
  ExploreResult finish();

 private:
  using Clock = std::chrono::steady_clock;
  Job* pick_job();
  const std::vector<par::Upper::Guess>& guesses();
  void run_piece(Job& j);
  void complete(Job& j);
  bool unfinished(Job& j);
  void drop(const Job& j);
  void try_commit();
  void prune();
  void open_spec(const Job& j);
  void advance(Spec& spec);
  void spec_guesses(std::vector<par::Upper::Guess>* out);
  void worker(uint32_t id);
  // How many guesses the look-ahead makes, `per` per worker (kWiden).
  size_t window(size_t per) const {
    return per * size_t{workers_} * (independent_ ? kWiden : 1) + per;
  }
  double elapsed() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }
  bool over_time() const { return o_.time_limit_s > 0 && elapsed() >= o_.time_limit_s; }
  bool stop_requested() const {
    return (o_.stop != nullptr && o_.stop->load(std::memory_order_relaxed)) || over_time();
  }

  const ExploreOptions& o_;
  const PieceEnvFactory& make_;
  ParallelStats* stats_;
  PieceRunner* remote_;
  bool independent_;
  par::Upper upper_;
  uint32_t workers_;
  Clock::time_point start_;
  PieceInput current_;                                // the next piece in sequential order
  std::string current_key_;                           // its light key (Upper::light_key)
  std::string current_full_;                          // dpor::encode(current_)
  std::map<std::string, std::unique_ptr<Job>> jobs_;  // by light key: running or done
  bool finished_ = false;                             // the upper tree is exhausted
  bool stop_ = false;                // a limit, an error or an interrupt ended the run
  par::Commit c_;                    // the committed total, in sequential order
  uint64_t pending_executions_ = 0;  // done, not committed (progress line)
  uint64_t version_ = 0;             // bumped when a piece is done or committed
  uint64_t guessed_ = UINT64_MAX;    // the version guesses_ was computed at
  std::vector<par::Upper::Guess> guesses_;
  std::map<std::string, Spec> specs_;          // by the light key of the piece they start from
  std::vector<std::unique_ptr<Job>> orphans_;  // running with a wrong input, result unused
  std::string lost_;                           // a remote worker died: the lost piece and why
  std::atomic<bool> halt_{false};  // finished_ || stop_, for remote workers (cancel their pieces)
  std::mutex mu_;
  std::condition_variable cv_;
};

// The pieces that probably come after the next one: a window of a few per worker, with their
// keys. Computed again only when a piece was committed or done (flattening the wakeup subtrees
// of the upper nodes is what the look-ahead costs).
const std::vector<par::Upper::Guess>& Driver::guesses() {
  if (guessed_ == version_) return guesses_;
  guessed_ = version_;
  guesses_.clear();
  if (workers_ == 1) return guesses_;  // nobody to run them
  upper_.lookahead(
      window(4),
      [&](const std::string& key) -> const dpor::Ev* {
        auto it = jobs_.find(key);
        if (it == jobs_.end() || !it->second->done || it->second->out.upper.empty()) return nullptr;
        return &it->second->out.upper.front().ran;
      },
      &guesses_);
  spec_guesses(&guesses_);
  return guesses_;
}

// The next piece to run: the next one in sequential order when nobody runs it, else the first
// guess of the look-ahead that nobody runs.
Job* Driver::pick_job() {
  if (finished_ || stop_) return nullptr;
  auto add = [&](PieceInput in, std::string key) {
    auto job = std::make_unique<Job>();
    job->in = std::move(in);
    job->full_key = dpor::encode(job->in);
    if (o_.max_executions != 0) {
      job->max_executions = std::max<uint64_t>(
          1, o_.max_executions - std::min(o_.max_executions, c_.total.executions));
    }
    Job* j = job.get();
    jobs_.emplace(std::move(key), std::move(job));
    return j;
  };
  // A guess of the next piece still running with another input: run the real one now rather
  // than wait for the guess (it finishes as an orphan, counted as wasted).
  auto it = jobs_.find(current_key_);
  if (it != jobs_.end() && !it->second->done && it->second->full_key != current_full_) {
    it->second->orphan = true;
    orphans_.push_back(std::move(it->second));
    jobs_.erase(it);
  }
  if (jobs_.count(current_key_) == 0) return add(current_, current_key_);
  for (const par::Upper::Guess& g : guesses()) {
    if (jobs_.count(g.key) == 0) return add(g.ready ? g.in : upper_.materialize(g), g.key);
  }
  return nullptr;
}

void Driver::run_piece(Job& j) {
  PieceRequest req;
  req.max_executions = j.max_executions;
  if (o_.time_limit_s > 0) req.time_limit_s = std::max(1e-3, o_.time_limit_s - elapsed());
  if (remote_ == nullptr) {
    ravel::run_piece(o_, make_, j.in, req.max_executions, req.time_limit_s, &j.out, &j.res);
    return;
  }
  req.in = j.in;
  j.status = remote_->run(j.worker, req, halt_, &j.out, &j.res, &j.why);
}

// A piece a remote worker did not finish (cancelled or lost): counted as not used, dropped.
// True when j was such a piece.
bool Driver::unfinished(Job& j) {
  if (j.status == PieceRunner::Status::kDone) return false;
  ++stats_->reruns;
  if (j.status == PieceRunner::Status::kLost && lost_.empty()) {
    stop_ = true;
    const bool next = !j.orphan && par::Upper::light_key(j.in) == current_key_;
    lost_ = "piece " + describe_piece(j.in) + (next ? " (the next to commit)" : " (run ahead)") +
            " was lost: " + j.why +
            "; pieces committed before it: " + std::to_string(stats_->pieces);
  }
  drop(j);
  ++version_;
  return true;
}

// Removes a job from the running ones (it is then freed).
void Driver::drop(const Job& j) {
  std::erase_if(orphans_, [&](const std::unique_ptr<Job>& o) { return o.get() == &j; });
  std::erase_if(jobs_, [&](const auto& kv) { return kv.second.get() == &j; });
}

void Driver::complete(Job& j) {
  j.done = true;
  ++version_;
  if (unfinished(j)) return;
  const uint64_t runs = j.res.run_count + j.in.prelude.size();
  stats_->worker_runs[j.worker] += runs;
  if (j.orphan) {
    ++stats_->reruns;
    stats_->wasted_runs += runs;
    stats_->prelude_runs += j.in.prelude.size();
    if (j.res.stopped) stop_ = true;
    std::erase_if(orphans_, [&](const std::unique_ptr<Job>& o) { return o.get() == &j; });
    try_commit();
    return;
  }
  stats_->prelude_runs += j.in.prelude.size();
  pending_executions_ += j.res.executions;
  if (j.res.stopped) stop_ = true;  // the time limit or an interrupt: it holds for all
  const std::string key = par::Upper::light_key(j.in);
  bool nested = false;
  for (auto& [root, spec] : specs_) {
    if (!spec.exhausted && spec.next_key == key && spec.next_full == j.full_key) {
      advance(spec);
      nested = true;
    }
  }
  if (!nested && key != current_key_ && workers_ > 1) open_spec(j);
  try_commit();
  prune();
  c_.progress(o_, elapsed(), pending_executions_, stats_->pieces, jobs_.size());
}

// Commits the next pieces in sequential order while they are done.
void Driver::try_commit() {
  while (!finished_) {
    auto it = jobs_.find(current_key_);
    if (it == jobs_.end() || !it->second->done) return;
    std::unique_ptr<Job> j = std::move(it->second);
    jobs_.erase(it);
    specs_.erase(current_key_);
    if (j->full_key != current_full_) {  // run ahead with another input: again
      ++stats_->reruns;
      stats_->wasted_runs += j->res.run_count + j->in.prelude.size();
      pending_executions_ -= j->res.executions;
      ++version_;
      return;
    }
    pending_executions_ -= j->res.executions;
    bool cut = false;
    std::vector<std::pair<uint64_t, std::string>> kept;
    c_.add(j->res, stats_, j->worker, &cut, &kept);
    for (auto& [index, schedule] : kept) upper_.add_stateful(index, schedule);
    ++stats_->pieces;
    if (cut || !c_.total.model_error.empty() || j->res.stopped) {
      stop_ = true;
      return;
    }
    upper_.commit(j->in, j->out);
    ++version_;
    if (!upper_.backtrack(&current_)) {
      finished_ = true;
      return;
    }
    current_key_ = par::Upper::light_key(current_);
    current_full_ = dpor::encode(current_);
  }
}

// Drops the pieces run ahead that the look-ahead no longer expects (their input changed).
void Driver::prune() {
  // The independent split's pieces run ahead stay valid unless the prelude grew: they are kept
  // for their turn (up to kKeepDone of them) even when the window no longer shows them.
  if (independent_ && jobs_.size() < kKeepDone) return;
  std::set<std::string> keep{current_key_};
  for (const par::Upper::Guess& g : guesses()) keep.insert(g.key);
  for (auto it = specs_.begin(); it != specs_.end();) {
    if (keep.count(it->first) == 0) {
      it = specs_.erase(it);
      continue;
    }
    keep.insert(it->second.chain.begin(), it->second.chain.end());
    if (!it->second.exhausted) keep.insert(it->second.next_key);
    ++it;
  }
  for (auto it = jobs_.begin(); it != jobs_.end();) {
    if (it->second->done && keep.count(it->first) == 0) {
      ++stats_->reruns;
      stats_->wasted_runs += it->second->res.run_count + it->second->in.prelude.size();
      pending_executions_ -= it->second->res.executions;
      it = jobs_.erase(it);
    } else {
      ++it;
    }
  }
}

void Driver::open_spec(const Job& j) {
  if (!j.res.model_error.empty() || j.res.stopped || j.out.upper.empty()) return;
  const std::string key = par::Upper::light_key(j.in);
  Spec spec{par::Upper::below(j.in), {key}, {}, {}, {}, false};
  spec.tree.commit(j.in, j.out);
  advance(specs_.insert_or_assign(key, std::move(spec)).first->second);
}

// Commits the done pieces that come next in the spec's subtree, up to one not done.
void Driver::advance(Spec& spec) {
  for (;;) {
    if (!spec.tree.backtrack(&spec.next)) {
      spec.exhausted = true;
      return;
    }
    spec.next_key = par::Upper::light_key(spec.next);
    spec.next_full = dpor::encode(spec.next);
    auto it = jobs_.find(spec.next_key);
    if (it == jobs_.end() || !it->second->done || it->second->full_key != spec.next_full ||
        it->second->out.upper.empty() || !it->second->res.model_error.empty()) {
      return;
    }
    spec.tree.commit(it->second->in, it->second->out);
    spec.chain.push_back(spec.next_key);
  }
}

// The next piece of every spec's subtree, then the other branches of its path, materialized
// (their trees are the specs').
// Each guess is followed by the pieces of its subtree (sequential order).
void Driver::spec_guesses(std::vector<par::Upper::Guess>* out) {
  const size_t max = window(8);
  std::vector<par::Upper::Guess> top = std::move(*out);
  out->clear();
  for (par::Upper::Guess& g : top) {
    auto it = specs_.find(g.key);
    out->push_back(std::move(g));
    if (it == specs_.end() || it->second.exhausted || out->size() >= max) continue;
    Spec& spec = it->second;
    out->push_back({spec.next, spec.next_key, 0, dpor::WakeupForest::kNil, true});
    std::vector<par::Upper::Guess> more;
    spec.tree.lookahead(
        window(2), [](const std::string&) { return nullptr; }, &more);
    for (par::Upper::Guess& m : more) {
      out->push_back({spec.tree.materialize(m), m.key, 0, dpor::WakeupForest::kNil, true});
    }
  }
}

void Driver::worker(uint32_t id) {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    Job* j = nullptr;
    cv_.wait(lock, [&] {
      if (!stop_ && stop_requested()) stop_ = halt_ = true;
      return finished_ || stop_ || (j = pick_job()) != nullptr;
    });
    if (j == nullptr) break;
    j->worker = id;
    lock.unlock();
    run_piece(*j);
    lock.lock();
    complete(*j);
    halt_ = finished_ || stop_;
    cv_.notify_all();
  }
  cv_.notify_all();
}

void Driver::run_threads() {
  std::vector<std::thread> threads;
  for (uint32_t t = 1; t < workers_; ++t) threads.emplace_back([this, t] { worker(t); });
  worker(0);
  for (std::thread& t : threads) t.join();
}

// K logical workers in virtual time: a piece takes one unit per run (its prelude's included).
// Each idle worker takes the piece pick_job gives (run at once, on this thread); the piece is
// done, for the commit and the look-ahead, when its worker's clock reaches its end.
void Driver::run_simulated() {
  struct Busy {
    Job* job = nullptr;
    double until = 0;
  };
  std::vector<Busy> busy(workers_);
  double now = 0;
  for (;;) {
    for (uint32_t k = 0; k < workers_; ++k) {
      if (busy[k].job != nullptr) continue;
      Job* j = pick_job();
      if (j == nullptr) break;
      j->worker = k;
      run_piece(*j);
      busy[k] = {j, now + 1.0 + static_cast<double>(j->res.run_count + j->in.prelude.size())};
    }
    int next = -1;
    for (uint32_t k = 0; k < workers_; ++k) {
      if (busy[k].job != nullptr && (next < 0 || busy[k].until < busy[next].until)) {
        next = static_cast<int>(k);
      }
    }
    if (next < 0) break;
    now = busy[next].until;
    Job* j = busy[next].job;
    busy[next].job = nullptr;
    complete(*j);
    if (!stop_ && stop_requested()) stop_ = true;
    if (finished_ || stop_) break;
  }
  stats_->virtual_time = now;
}

ExploreResult Driver::finish() {
  c_.total.complete = finished_ && !stop_ && c_.total.model_error.empty();
  if (!finished_ && c_.total.model_error.empty() && stop_ && stop_requested())
    c_.total.stopped = true;
  c_.finish();
  c_.total.lost = lost_;
  c_.total.elapsed_s = elapsed();
  return std::move(c_.total);
}

}  // namespace

void run_piece(const ExploreOptions& options, const PieceEnvFactory& make,
               const dpor::PieceInput& in, uint64_t max_executions, double time_limit_s,
               dpor::PieceOutput* out, ExploreResult* res) {
  std::unique_ptr<Strategy> strategy = dpor::make_piece_strategy(in, options.strategy.commute, out);
  ExploreOptions ex = options;
  ex.progress = nullptr;
  ex.plugins.clear();
  ex.strategy_instance = strategy.get();
  ex.prelude = in.prelude;
  ex.index_base = kPieceBase;
  // Per-run records only when a limit may cut the piece: otherwise they would grow with it.
  ex.record_runs = options.max_executions != 0 || options.stop_on_first;
  ex.export_kept = true;
  ex.time_limit_s = time_limit_s;
  ex.max_executions = max_executions;
  SetupFn setup, final_fn;
  std::shared_ptr<void> keep = make(&ex, &setup, &final_fn);
  *res = explore(ex, setup, final_fn);
}

void run_request(const ExploreOptions& options, const PieceEnvFactory& make,
                 const PieceRequest& req, dpor::PieceOutput* out, ExploreResult* res) {
  switch (req.kind) {
    case PieceKind::kBlock:
      run_block_request(options, make, req, out, res);
      return;
    case PieceKind::kPrefix:
      run_prefix_request(options, make, req, out, res);
      return;
    case PieceKind::kDpor:
      break;
  }
  run_piece(options, make, req.in, req.max_executions, req.time_limit_s, out, res);
}

// Runs of one step are written once with their length ("T0*47"): a setup is dozens of nodes of
// the init task.
std::string describe_piece(const dpor::PieceInput& in) {
  std::string s, last;
  size_t run = 0;
  auto flush = [&] {
    if (run == 0) return;
    if (!s.empty()) s += '.';
    s += last + (run > 1 ? "*" + std::to_string(run) : "");
  };
  for (const dpor::PieceNode& p : in.prefix) {
    std::string step = p.choice ? "v" + std::to_string(p.value) : "T" + std::to_string(p.task);
    if (step != last) {
      flush();
      last = std::move(step);
      run = 0;
    }
    ++run;
  }
  flush();
  return "[" + s + "]";
}

ExploreResult explore_parallel(const ExploreOptions& options, const ParallelOptions& par,
                               const PieceEnvFactory& make, ParallelStats* stats) {
  ParallelStats own;
  if (stats == nullptr) stats = &own;
  *stats = ParallelStats{};
  const std::string& name = options.strategy.name;
  if (name == "random" || name == "pct")
    return explore_sampling_parallel(options, par, make, stats);
  if (name == "dfs" || name == "bounded") return explore_prefix_parallel(options, par, make, stats);
  if (options.strategy.name != "dpor") {
    ExploreResult r;
    r.model_error = "parallel exploration is for the dpor strategy, not " + options.strategy.name;
    r.strategy_error = true;
    return r;
  }
  uint32_t workers = std::max(1u, par.simulate != 0 ? par.simulate : par.threads);
  if (par.remote != nullptr && par.simulate == 0) workers = std::max(1u, par.remote->workers());
  Driver d(options, par, make, stats, workers);
  if (par.simulate != 0) {
    d.run_simulated();
  } else {
    d.run_threads();
  }
  return d.finish();
}

}  // namespace ravel
