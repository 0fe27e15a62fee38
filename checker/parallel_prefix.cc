// checker/parallel_prefix.cc: explore_prefix_parallel (parallel_prefix.h): dfs and bounded
// pieces by prefix, committed in depth-first order.
#include "checker/parallel_prefix.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "checker/parallel_commit.h"
#include "checker/parallel_prelude.h"
#include "checker/parallel_sched.h"
#include "checker/strategies/strategies.h"

namespace ravel {
namespace {

using Node = ChoiceTree::Node;
using Key = std::vector<uint32_t>;  // the alternatives of a piece's prefix

// A piece's runs are numbered from here (parallel.cc's kPieceBase, for the same reason).
constexpr uint64_t kPrefixBase = uint64_t{1} << 31;

Key key_of(const std::vector<Node>& prefix) {
  Key k;
  for (const Node& n : prefix) k.push_back(n.chosen);
  return k;
}

struct Piece : par::JobRun {
  std::vector<Node> prefix;     // its input: the branch points it starts from
  uint64_t max_executions = 0;  // what --executions left when it started
  std::vector<Node> path;       // its output: the first execution's branch points above D
  std::vector<Node> rest;       // its budget spent: where the next execution would start
};

class Prefixes final : public par::Jobs {
 public:
  Prefixes(const ExploreOptions& o, const ParallelOptions& p, const PieceEnvFactory& make,
           ParallelStats* s);
  void* pick(uint32_t worker, bool* over) override;
  void run(void* job) override;
  uint64_t cost(void* job) const override {
    const Piece& p = *static_cast<Piece*>(job);
    return p.res.run_count + p.indices.size();
  }
  void done(void* job) override;
  ExploreResult finish();

 private:
  using Clock = std::chrono::steady_clock;
  void spawn(const Piece& p);
  std::vector<std::vector<Node>> remainder(const Piece& p) const;
  size_t floor(const Piece& p) const { return std::max(split_, p.prefix.size()); }
  bool next_piece();
  void commit();
  bool unfinished(Piece& p);
  bool advance(const std::vector<Node>& path);
  double elapsed() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }
  bool stop_requested() const {
    return (o_.stop != nullptr && o_.stop->load()) ||
           (o_.time_limit_s > 0 && elapsed() >= o_.time_limit_s);
  }

  const ExploreOptions& o_;
  const PieceEnvFactory& make_;
  ParallelStats* stats_;
  const ParallelOptions& par_;
  size_t split_;
  uint64_t budget_;
  Clock::time_point start_;
  std::map<Key, Piece> pieces_;  // known, not committed; std::map's order is dfs order
  std::set<Key> ready_;          // those to run (again)
  Key next_;                     // the next piece to commit
  std::vector<Node> next_prefix_;
  std::vector<Node> resume_;              // the last committed piece of depth D's first path
  std::map<Key, std::vector<Node>> due_;  // what is left of committed pieces: next, in order
  std::vector<uint64_t> kept_;            // committed kept executions: every piece's prelude
  std::vector<std::string> kept_schedules_;
  par::Commit c_;
  uint64_t pending_executions_ = 0;  // done, not committed (progress line)
  bool finished_ = false;            // every piece committed
  bool stop_ = false;                // a limit, an error or an interrupt ended the run: no picks
  bool closed_ = false;              // nothing more is committed (a cut, an error, a stop)
  std::string lost_;                 // a remote worker died: the lost piece and why
  std::atomic<bool> halt_{false};    // the run is over: remote workers cancel their pieces
};

Prefixes::Prefixes(const ExploreOptions& o, const ParallelOptions& p, const PieceEnvFactory& make,
                   ParallelStats* s)
    : o_(o),
      make_(make),
      stats_(s),
      par_(p),
      split_(p.split != 0 ? p.split : kDefaultSplit),
      budget_(p.budget != 0 ? p.budget : kPieceBudget),
      start_(Clock::now()),
      c_(kPrefixBase, o.max_executions, o.stop_on_first) {
  pieces_[next_];
  ready_.insert(next_);
  stats_->worker_executions.assign(par::worker_count(p), 0);
  stats_->worker_runs.assign(par::worker_count(p), 0);
}

// The first piece in dfs order that is to run, with the prelude committed now. The next piece
// to commit always starts from the committed branch points.
void* Prefixes::pick(uint32_t worker, bool* over) {
  if (!stop_ && stop_requested()) stop_ = true;
  *over = stop_ || finished_;
  if (*over) halt_ = true;
  if (*over || ready_.empty()) return nullptr;
  Piece& p = pieces_[*ready_.begin()];
  if (*ready_.begin() == next_) p.prefix = next_prefix_;
  ready_.erase(ready_.begin());
  p.running = true;
  p.worker = worker;
  p.indices = kept_;
  p.schedules = kept_schedules_;
  if (o_.max_executions != 0) {
    p.max_executions = std::max<uint64_t>(1, o_.max_executions - c_.total.executions);
  }
  return &p;
}

void Prefixes::run(void* job) {
  Piece& p = *static_cast<Piece*>(job);
  PieceRequest req;
  req.kind = PieceKind::kPrefix;
  req.prefix = p.prefix;
  req.split = static_cast<uint32_t>(floor(p));
  req.budget = budget_;
  req.max_executions = p.max_executions;
  dpor::PieceOutput out;
  par::run_job(p, req, elapsed(), par_, o_, make_, halt_, &out);
  p.path = std::move(out.path);
  p.rest = std::move(out.rest);
}

// A piece a remote worker did not finish: lost (the run stops, naming it) or cancelled (the run
// was over). True when p was such a piece.
bool Prefixes::unfinished(Piece& p) {
  if (p.status == PieceRunner::Status::kDone) return false;
  ++stats_->reruns;
  if (p.status == PieceRunner::Status::kLost && lost_.empty()) {
    stop_ = closed_ = halt_ = true;
    std::string path;
    for (const Node& n : p.prefix) path += (path.empty() ? "" : ".") + std::to_string(n.chosen);
    lost_ = "piece [" + path + "] (the alternatives of its branch points) was lost: " + p.why +
            "; pieces committed before it: " + std::to_string(stats_->pieces);
  }
  p.res = ExploreResult{};
  ready_.insert(key_of(p.prefix));
  return true;
}

// The alternatives not taken on the piece's path below its prefix are pieces of their own.
void Prefixes::spawn(const Piece& p) {
  for (size_t d = p.prefix.size(); d < p.path.size(); ++d) {
    std::vector<Node> prefix(p.path.begin(), p.path.begin() + static_cast<std::ptrdiff_t>(d + 1));
    for (uint32_t c = 1; c < p.path[d].count; ++c) {
      prefix.back().chosen = c;
      Key k = key_of(prefix);
      if (k < next_ || pieces_.count(k) != 0) continue;  // committed, or known
      pieces_[k].prefix = prefix;
      ready_.insert(std::move(k));
    }
  }
  for (std::vector<Node>& prefix : remainder(p)) {
    Key k = key_of(prefix);
    if (k < next_ || pieces_.count(k) != 0) continue;
    pieces_[k].prefix = std::move(prefix);
    ready_.insert(std::move(k));
  }
}

// What is left of a piece that spent its budget, as pieces in dfs order: the subtree below the
// branch points the next execution starts from, then the alternatives not taken at each branch
// point above it, deepest first, down to the piece's floor. Each is a piece whose floor is its
// prefix's length.
std::vector<std::vector<Node>> Prefixes::remainder(const Piece& p) const {
  std::vector<std::vector<Node>> out;
  if (p.rest.empty()) return out;
  out.push_back(p.rest);
  for (size_t j = p.rest.size(); j-- > floor(p);) {
    std::vector<Node> prefix(p.rest.begin(), p.rest.begin() + static_cast<std::ptrdiff_t>(j + 1));
    for (uint32_t c = p.rest[j].chosen + 1; c < p.rest[j].count; ++c) {
      prefix.back().chosen = c;
      out.push_back(prefix);
    }
  }
  return out;
}

void Prefixes::done(void* job) {
  Piece& p = *static_cast<Piece*>(job);
  p.running = false;
  if (unfinished(p)) return;
  p.done = true;
  stats_->worker_runs[p.worker] += cost(&p);
  stats_->prelude_runs += p.indices.size();
  pending_executions_ += p.res.executions;
  if (p.res.model_error.empty()) spawn(p);
  const bool stopped = p.res.stopped;  // commit() may free p
  commit();
  // The time limit or an interrupt holds for all; the next piece to commit, still running, is
  // stopped too and committed when it comes back (its runs are a prefix of one thread's).
  if (stopped) stop_ = true;
  c_.progress(o_, elapsed(), pending_executions_, stats_->pieces, pieces_.size());
}

// The piece after the one whose first path is `path`, in dfs order: ChoiceTree::begin above D.
bool Prefixes::advance(const std::vector<Node>& path) {
  next_prefix_ = path;
  while (!next_prefix_.empty() && next_prefix_.back().chosen + 1 >= next_prefix_.back().count) {
    next_prefix_.pop_back();
  }
  if (next_prefix_.empty()) return false;
  ++next_prefix_.back().chosen;
  next_ = key_of(next_prefix_);
  return true;
}

// The next piece to commit: what is left of the committed ones (it lies inside the last piece
// of depth D), then the next piece of depth D.
bool Prefixes::next_piece() {
  if (due_.empty()) return advance(resume_);
  next_ = due_.begin()->first;
  next_prefix_ = std::move(due_.begin()->second);
  due_.erase(due_.begin());
  return true;
}

// Commits the done pieces in dfs order; one that started from other branch points or with a
// shorter prelude than the committed ones runs again.
void Prefixes::commit() {
  while (!closed_ && !finished_) {
    auto it = pieces_.find(next_);
    if (it == pieces_.end()) {  // its parent's run said otherwise: it is known now
      pieces_[next_].prefix = next_prefix_;
      ready_.insert(next_);
      return;
    }
    Piece& p = it->second;
    if (!p.done) return;
    pending_executions_ -= p.res.executions;
    if (p.prefix != next_prefix_ || p.indices.size() != kept_.size()) {
      ++stats_->reruns;
      stats_->wasted_runs += cost(&p);
      p = Piece{};
      p.prefix = next_prefix_;
      ready_.insert(next_);
      return;
    }
    bool cut = false;
    std::vector<std::pair<uint64_t, std::string>> kept;
    c_.add(p.res, stats_, p.worker, &cut, &kept);
    for (auto& [index, schedule] : kept) {
      kept_.push_back(index);
      kept_schedules_.push_back(std::move(schedule));
    }
    ++stats_->pieces;
    const bool last = cut || !c_.total.model_error.empty() || p.res.stopped;
    for (std::vector<Node>& prefix : remainder(p)) due_.emplace(key_of(prefix), std::move(prefix));
    if (p.prefix.size() <= split_) resume_ = std::move(p.path);  // a piece of depth D
    pieces_.erase(it);  // committed: not among the unused ones finish() counts
    if (last) {
      stop_ = closed_ = true;
      return;
    }
    if (!next_piece()) finished_ = true;
  }
  if (stop_ || finished_) halt_ = true;
}

ExploreResult Prefixes::finish() {
  for (auto& [key, p] : pieces_) {  // run ahead, never committed
    if (p.done) {
      ++stats_->reruns;
      stats_->wasted_runs += cost(&p);
    }
  }
  c_.total.complete = finished_ && !stop_ && c_.total.model_error.empty() &&
                      o_.strategy.name == "dfs";  // bounded covers the bound only
  if (!finished_ && c_.total.model_error.empty() && stop_ && stop_requested()) {
    c_.total.stopped = true;
  }
  c_.finish();
  c_.total.lost = lost_;
  c_.total.elapsed_s = elapsed();
  return std::move(c_.total);
}

}  // namespace

void run_prefix_request(const ExploreOptions& o, const PieceEnvFactory& make,
                        const PieceRequest& req, dpor::PieceOutput* out, ExploreResult* res) {
  ChoicePiece cp{req.prefix, req.split, &out->path, req.budget, &out->rest};
  par::PreludeStrategy strategy(req.in.prelude_schedules, o.strategy.name == "bounded"
                                                              ? make_bounded_piece(o.strategy, cp)
                                                              : make_dfs_piece(cp));
  par::explore_request(o, make, req, &strategy, kPrefixBase, req.max_executions, res);
}

ExploreResult explore_prefix_parallel(const ExploreOptions& options, const ParallelOptions& par,
                                      const PieceEnvFactory& make, ParallelStats* stats) {
  Prefixes p(options, par, make, stats);
  if (par.simulate != 0) {
    stats->virtual_time = par::run_simulated(p, par.simulate);
  } else {
    par::run_threads(p, par::worker_count(par));
  }
  return p.finish();
}

}  // namespace ravel
