// checker/parallel_blocks.cc: explore_sampling_parallel (parallel_blocks.h): blocks of execution
// numbers on threads, committed in order.
#include "checker/parallel_blocks.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <tuple>

#include "checker/parallel_commit.h"
#include "checker/parallel_prelude.h"
#include "checker/parallel_sched.h"
#include "checker/strategies/strategies.h"

namespace ravel {
namespace {

// A block's runs are numbered from here (parallel.cc's kPieceBase, for the same reason).
constexpr uint64_t kBlockBase = uint64_t{1} << 31;

struct Block : par::JobRun {
  uint64_t first = 0, end = 0;            // execution numbers [first, end)
  size_t prelude = 0;                     // kept executions it replayed (a prefix of Blocks::kept_)
  uint64_t longest = 0, longest_out = 0;  // pct: its run-length estimate at the start, the end
};

class Blocks final : public par::Jobs {
 public:
  Blocks(const ExploreOptions& o, const ParallelOptions& p, const PieceEnvFactory& make,
         ParallelStats* s);
  void* pick(uint32_t worker, bool* over) override;
  void run(void* job) override { run_block(*static_cast<Block*>(job)); }
  uint64_t cost(void* job) const override {
    const Block& b = *static_cast<Block*>(job);
    return b.res.run_count + b.prelude;
  }
  void done(void* job) override;
  ExploreResult finish();

 private:
  using Clock = std::chrono::steady_clock;
  void run_block(Block& b);
  void commit();
  bool unfinished(Block& b);
  double elapsed() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }
  bool stop_requested() const {
    return (o_.stop != nullptr && o_.stop->load()) ||
           (o_.time_limit_s > 0 && elapsed() >= o_.time_limit_s);
  }

  const ExploreOptions& o_;
  const PieceEnvFactory& make_;
  ParallelStats* stats_;
  const ParallelOptions& par_;
  Clock::time_point start_;
  std::vector<Block> blocks_;
  size_t next_ = 0;  // the next block to commit
  std::vector<uint64_t> kept_;
  std::vector<std::string> kept_schedules_;
  uint64_t longest_ = 0;  // pct: the longest execution committed so far
  par::Commit c_;         // the committed total, in sequential order
  bool stop_ = false;
  std::string lost_;               // a remote worker died: the lost block and why
  std::atomic<bool> halt_{false};  // the run is over: remote workers cancel their blocks
};

// Blocks of a size that gives each thread several (balance), at most 10,000 executions (a block
// that must run again costs at most that).
Blocks::Blocks(const ExploreOptions& o, const ParallelOptions& p, const PieceEnvFactory& make,
               ParallelStats* s)
    : o_(o),
      make_(make),
      stats_(s),
      par_(p),
      start_(Clock::now()),
      c_(kBlockBase, o.max_executions, o.stop_on_first) {
  uint64_t n = o.strategy.iterations;
  if (o.max_executions != 0) n = std::min(n, o.max_executions);
  const uint32_t threads = par::worker_count(p);
  const uint64_t size = std::clamp<uint64_t>(n / (8 * uint64_t{threads}), 1, 10000);
  for (uint64_t first = 0; first < n; first += size) {
    Block b;
    b.first = first;
    b.end = std::min(n, first + size);
    blocks_.push_back(std::move(b));
  }
  stats_->worker_executions.assign(threads, 0);
  stats_->worker_runs.assign(threads, 0);
}

// The lowest block that is neither running nor done, with the prelude known now.
void* Blocks::pick(uint32_t worker, bool* over) {
  if (!stop_ && stop_requested()) stop_ = true;
  *over = stop_ || next_ == blocks_.size();
  if (*over) halt_ = true;
  if (*over) return nullptr;
  for (size_t k = next_; k < blocks_.size(); ++k) {
    Block& b = blocks_[k];
    if (b.running || b.done) continue;
    b.running = true;
    b.worker = worker;
    b.prelude = kept_.size();
    b.indices = kept_;
    b.schedules = kept_schedules_;
    b.longest = longest_;
    return &b;
  }
  return nullptr;
}

void Blocks::run_block(Block& b) {
  PieceRequest req;
  req.kind = PieceKind::kBlock;
  req.first = b.first;
  req.end = b.end;
  req.longest = b.longest;
  dpor::PieceOutput out;
  par::run_job(b, req, elapsed(), par_, o_, make_, halt_, &out);
  b.longest_out = out.longest;
}

// A block a remote worker did not finish: lost (the run stops, naming it) or cancelled (the run
// was over). True when b was such a block.
bool Blocks::unfinished(Block& b) {
  if (b.status == PieceRunner::Status::kDone) return false;
  ++stats_->reruns;
  if (b.status == PieceRunner::Status::kLost && lost_.empty()) {
    stop_ = halt_ = true;
    lost_ = "block of executions " + std::to_string(b.first + 1) + "-" + std::to_string(b.end) +
            " was lost: " + b.why + "; blocks committed before it: " + std::to_string(next_);
  }
  b.done = false;
  b.res = ExploreResult{};
  return true;
}

// Commits the done blocks in order; a block whose prelude is short (or, pct, whose run-length
// estimate at its start was not the real one) runs again.
void Blocks::commit() {
  while (!stop_ && next_ < blocks_.size() && blocks_[next_].done) {
    Block& b = blocks_[next_];
    if (b.prelude != kept_.size() || b.longest != longest_) {
      ++stats_->reruns;
      stats_->wasted_runs += b.res.run_count + b.prelude;
      b.done = false;
      b.res = ExploreResult{};
      return;  // pick() gives it again, with the whole prelude
    }
    bool cut = false;
    std::vector<std::pair<uint64_t, std::string>> kept;
    c_.add(b.res, stats_, b.worker, &cut, &kept);
    for (auto& [index, schedule] : kept) {
      kept_.push_back(index);
      kept_schedules_.push_back(std::move(schedule));
    }
    longest_ = std::max(longest_, b.longest_out);
    ++stats_->pieces;
    b.res = ExploreResult{};  // its violations and records are merged
    ++next_;
    if (cut || !c_.total.model_error.empty() || c_.total.stopped) stop_ = true;
  }
  if (stop_ || next_ == blocks_.size()) halt_ = true;
}

void Blocks::done(void* job) {
  Block& b = *static_cast<Block*>(job);
  b.running = false;
  if (unfinished(b)) return;
  b.done = true;
  stats_->worker_runs[b.worker] += cost(&b);
  stats_->prelude_runs += b.prelude;
  commit();
  c_.progress(o_, elapsed(), 0, next_, blocks_.size() - next_);
}

ExploreResult Blocks::finish() {
  if (next_ < blocks_.size() && c_.total.model_error.empty() && stop_requested()) {
    c_.total.stopped = true;
  }
  c_.total.complete = false;  // sampling is never exhaustive
  c_.finish();
  c_.total.lost = lost_;
  c_.total.elapsed_s = elapsed();
  return std::move(c_.total);
}

}  // namespace

void run_block_request(const ExploreOptions& o, const PieceEnvFactory& make,
                       const PieceRequest& req, dpor::PieceOutput* out, ExploreResult* res) {
  par::PreludeStrategy strategy(
      req.in.prelude_schedules,
      o.strategy.name == "pct"
          ? make_pct_block(o.strategy, req.first, req.end, req.longest, &out->longest)
          : make_random_block(o.strategy.seed, req.first, req.end));
  par::explore_request(o, make, req, &strategy, kBlockBase, 0, res);  // the commit cuts
}

ExploreResult explore_sampling_parallel(const ExploreOptions& options, const ParallelOptions& par,
                                        const PieceEnvFactory& make, ParallelStats* stats) {
  const uint32_t workers = par::worker_count(par);
  Blocks b(options, par, make, stats);
  if (par.simulate != 0) {
    stats->virtual_time = par::run_simulated(b, workers);
  } else {
    par::run_threads(b, workers);
  }
  return b.finish();
}

}  // namespace ravel
