// scenarios/litmus/lkmm_explore.cc: executions grown thread by thread, reads choosing their
// writes (see lkmm_explore.h).
#include "scenarios/litmus/lkmm_explore.h"

#include <algorithm>
#include <climits>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "scenarios/litmus/lkmm_depth.h"
#include "scenarios/litmus/lkmm_emit.h"
#include "scenarios/litmus/lkmm_hb_cut.h"
#include "scenarios/litmus/lkmm_pieces.h"
#include "scenarios/litmus/lkmm_visited.h"

namespace ravel::litmus::lkmm_enum {
namespace {

using lkmm::Event;
using lkmm_thread::Trace;

const Depth kNoWrites;  // the initial value's

// Where a read takes its value from.
struct Source {
  enum class Kind : uint8_t { kInit, kWrite, kPromise } kind = Kind::kInit;
  int thread = -1;  // kWrite, kPromise: the writing thread
  int event = -1;   // kInit: the location; kWrite: the write's index in its thread
  int64_t value = 0;
  // Of the value (Explorer::depths), not part of the source's identity; points into the
  // explorer's tables, valid while the source is being listed (each_source).
  const Depth* depth = &kNoWrites;
  bool operator<(const Source& o) const {
    return kind != o.kind       ? kind < o.kind
           : thread != o.thread ? thread < o.thread
                                : event < o.event;
  }
};

// Per thread, per location: the values the thread's runs store there, each with the least
// depth it was stored with (Explorer::depths; least: componentwise).
using Stores = std::vector<std::vector<std::map<int64_t, Depth>>>;

bool is_write(const Event& e, int loc) { return e.kind == lkmm::Kind::kWrite && e.loc == loc; }

// Whether the read at `event` of run `r` is the read of an RMW that stores (the atomicity cut).
bool stores(const Trace& r, int event) {
  return std::any_of(r.rmw.begin(), r.rmw.end(),
                     [&](const auto& pair) { return pair.first == event; });
}

Source init_source(int loc) { return Source{Source::Kind::kInit, -1, loc, 0}; }

// first_visit(): a write of the runs before a position, by value.
struct LeastWrite {
  int64_t value;
  const Depth* depth;
  bool free;  // no storing RMW reads from it yet
};

// Per location, the distinct values the writes of the runs before a position store, in the
// order each_source() meets them: all a thread's runs depend on besides the pass's promises.
using Env = std::vector<std::vector<int64_t>>;
constexpr size_t kCachedEnvs = 1024;  // per position (dfs)

// A thread's runs for one Env, with each run's side of the happens-before cut (the judging
// pass's, computed when the cut first needs it).
struct Runs {
  std::vector<Trace> traces;
  std::vector<HbCut::Run> cut;
};

// The judging pass cut into pieces (--threads, lkmm_pieces.h). A branch point is a loop over
// a position's runs (dfs()) or over a read's sources (choose()). A piece is the path of
// indices taken at the branch points from the root to a node, and a range of the node's own
// branch point (a leaf: none), explored whole below that.
struct Piece {
  std::vector<uint32_t> path;
  uint32_t lo = 0, hi = UINT32_MAX;
};
struct Split {
  enum class Mode : uint8_t {
    kWhole,   // the whole pass (one thread)
    kCut,     // list the pieces (cut_piece())
    kReplay,  // one piece: follow its path and range, then explore everything below
  } mode = Mode::kWhole;
  Piece piece;                           // kCut: the path so far; kReplay: the piece
  std::vector<Piece>* pieces = nullptr;  // kCut: the pieces listed
  size_t depth = 0;                      // branch points above the node
  // The product of their widths: choosing a child uniformly at each branch point, 1 / ways is
  // the chance of reaching the node, so the nodes cut at about w ways number about w (the
  // chances of the nodes of one level add up to 1 at most).
  uint64_t ways = 1;
};
// The pieces: 8 K^2 ways for K workers (64 at least). The busiest worker exceeds the mean by
// about its heaviest piece, and the candidates of the pieces are uneven, so the pieces must
// outnumber the workers more the more workers there are: measured with --simulate-workers
// (docs/parallel.md, "Under lkmm"), 8 K^2 keeps the busiest of 16 and of 64 workers within
// 1.25x of the mean on the bench programs, where 32 K left it at 1.4x and 2.3x; more pieces
// cost their replays (about 10 % more CPU at 3,000 pieces than at 100 on two threads).
// Whatever the cut, the executions are reported in one thread's order: the output does not
// depend on it.
uint64_t piece_ways(unsigned workers) {
  return std::max<uint64_t>(64, 8 * uint64_t(workers) * workers);
}

class Explorer : public lkmm_thread::ReadOracle {
 public:
  Explorer(size_t threads, const std::vector<int64_t>& init, const ThreadPaths& thread_paths,
           uint32_t axioms, const std::function<void(const Final&)>& cb, Stats* stats, Error* err,
           Stop* stop, Workers workers = {})
      : init_(init),
        thread_paths_(thread_paths),
        axioms_(axioms),
        workers_(workers),
        cb_(&cb),
        stats_(stats),
        err_(err),
        stop_(stop),
        prune_rmw_((axioms & lkmm::kAtomic) && (axioms & lkmm::kCoherence) &&
                   !(axioms & kNoPruning)),
        runs_(threads, nullptr),
        cache_at_(threads),
        writes_at_(threads),
        src_(threads),
        depth_(threads),
        pending_(threads),
        stores_(threads, std::vector<std::map<int64_t, Depth>>(init.size())),
        reads_(threads, std::vector<bool>(init.size())),
        writes_(threads, std::vector<bool>(init.size())),
        most_writes_(threads, 0),
        most_writes_to_(threads, std::vector<int>(init.size(), 0)),
        seen_at_(threads) {
    for (int64_t v : init) domain_.push_back({v});
    for (size_t t = 0; t < threads; ++t) order_.push_back(static_cast<int>(t));
  }

  bool run();
  // A worker of the split judging pass: the learnt state of `learnt` (its thread order and
  // the values each thread stores), ready to judge pieces.
  void adopt(const Explorer& learnt) {
    order_ = learnt.order_;
    stores_ = learnt.stores_;
    start_pass(true);
  }
  // PieceWorker::checks_inside().
  uint64_t checks_inside(const Stop& stop) const {
    return inside_ ? stop.checks - inside_from_ : 0;
  }
  // Judges the piece `path` (Split::kReplay), reporting to `cb`, counting into `stats`.
  bool judge_piece(const Piece& piece, const std::function<void(const Final&)>& cb, Stats* stats,
                   Error* err, Stop* stop) {
    cb_ = &cb, stats_ = stats, err_ = err, stop_ = stop;
    split_ = Split{Split::Mode::kReplay, piece, nullptr, 0, 1};
    inside_ = false;
    failed_ = false;
    dfs(0);
    return !failed_;
  }

  // The values a read may return, each once: the run fixes the value and choose() the write it
  // comes from. One run per source would repeat a path once per write of its value and reach the
  // per-thread path limit on programs the reference runs.
  std::vector<int64_t> options(int loc, const Trace& so_far) override {
    std::vector<int64_t> v;
    each_source(cur_, loc, so_far.ev, so_far.ev.size(), [&](const Source& s) {
      if (std::find(v.begin(), v.end(), s.value) == v.end()) v.push_back(s.value);
    });
    return v;
  }

 private:
  // Calls f(source) for each write a read at `loc` of the thread at `pos` may read from, its own
  // events before it being own[0, end): the initial write, the writes of the threads run
  // before it, its own earlier writes, and promises of the threads run after it. Allocates
  // nothing (the hot path: every read of every run visited).
  template <class F>
  void each_source(size_t pos, int loc, const std::vector<Event>& own, size_t end, F f) const;
  void start_pass(bool judging);
  bool pass(bool judging);
  bool judge_split();
  bool cut_piece(size_t width, bool leaf = false);
  bool takes(size_t depth, size_t i) const {
    const Piece& p = split_.piece;
    if (split_.mode != Split::Mode::kReplay || depth > p.path.size()) return true;
    return depth == p.path.size() ? p.lo <= i && i < p.hi : p.path[depth] == i;
  }
  // Split::kReplay: the piece's own part starts (its first child, or its leaf).
  void go_inside() {
    if (split_.mode != Split::Mode::kReplay || inside_) return;
    inside_ = true;
    inside_from_ = stop_ != nullptr ? stop_->checks : 0;
  }
  void enter(size_t depth, uint64_t ways, size_t width, size_t i) {
    if (depth == split_.piece.path.size()) go_inside();
    if (split_.mode == Split::Mode::kCut) {
      split_.piece.path.resize(depth);
      split_.piece.path.push_back(static_cast<uint32_t>(i));
    }
    split_.depth = depth + 1;
    split_.ways = ways * std::max<size_t>(width, 1);
  }
  // Puts the branch depth and ways back when a branch point's loop ends (or returns early).
  struct Leave {
    Split& s;
    size_t depth;
    uint64_t ways;
    ~Leave() { s.depth = depth, s.ways = ways; }
  };
  void dfs(size_t pos);
  struct Pending;
  template <class F>
  void each_keeper(const Trace& r, const Pending& p, F f) const;
  bool keeps(const Trace& r, const std::vector<Pending>& promised) const;
  void visit(size_t pos, const Trace& r, HbCut::Run* cut, const std::vector<Pending>& promised);
  void note(int t, size_t pos, const Trace& r);
  void depths(size_t pos, const Trace& r);
  bool too_many(const Depth& d) const;
  bool settled() const;
  void choose(size_t pos, size_t k);
  bool too_long(size_t pos, const Trace& r);
  void leaf();
  void order_by_flow();
  size_t round_bound() const;
  void env(size_t pos, Env* out) const;
  bool first_visit(size_t pos);
  bool is_taken(size_t p, int i) const {
    return rmw_taken_.count(Source{Source::Kind::kWrite, order_[p], i, 0}) != 0;
  }

  // A read whose source is still to be chosen: the thread's position, its event, candidates.
  struct Pending {
    size_t pos;
    int event;
    std::vector<Source> options;
  };
  bool learns(size_t pos, const Pending& p, const Source& s) const;
  bool coherent_in_thread(size_t pos, const Pending& p, const Source& s) const;

  const std::vector<int64_t>& init_;
  const ThreadPaths& thread_paths_;
  uint32_t axioms_;
  Workers workers_;  // of the judging pass (lkmm_pieces.h)
  const std::function<void(const Final&)>* cb_;
  Stats* stats_;
  Error* err_;
  Stop* stop_;
  bool prune_rmw_;
  Split split_;
  bool inside_ = false;              // go_inside()
  uint64_t inside_from_ = 0;         // the stop's checks then
  std::vector<uint64_t> listed_at_;  // Split::kCut: the stop's checks when each piece was listed
  bool judging_ = false;
  bool cut_hb_ = false;  // the judging pass, with happens-before checked: hb_cut_ is used
  bool failed_ = false;
  std::vector<std::vector<int64_t>> domain_;   // unused by the oracle; the front ends' argument
  std::vector<int> order_;                     // thread run at each position
  size_t cur_ = 0;                             // position of the thread running now
  std::vector<const Trace*> runs_;             // by position: the run chosen
  std::vector<std::map<Env, Runs>> cache_at_;  // by position: runs per Env
  std::vector<std::vector<std::vector<int>>> writes_at_;  // by position, location: the writes
  std::vector<std::vector<Source>> src_;                  // by position, per event: a read's source
  std::vector<std::vector<Depth>> depth_;      // by position, per event: its value's depth
  Depth deepest_read_;                         // depths(): of the reads so far
  std::vector<int> writes_to_;                 // note(): per location, the run's writes
  std::vector<std::vector<Pending>> pending_;  // by position: what its thread's run must choose
  std::set<Source> rmw_taken_;                 // writes a storing RMW already reads from
  Stores stores_, next_stores_;
  std::vector<std::vector<bool>> reads_, writes_;  // per thread, per location: accessed
  std::vector<size_t> most_writes_;                // per thread: the most writes of one run
  std::vector<std::vector<int>> most_writes_to_;   // per thread, location: the same, to it
  // The writes too_many() dropped in this pass: (thread, location, value) -> the least chain.
  std::map<std::tuple<int, int, int64_t>, int> dropped_;
  // By position: the states a learning pass has visited there (first_visit()).
  std::vector<Visited> seen_at_;
  Judging judge_state_;            // the judging pass's skeletons and buffers, shared by its leaves
  HbCut hb_cut_;                   // the judging pass's happens-before cut (lkmm_hb_cut.h)
  std::vector<size_t> pos_of_;     // by thread: its position in order_
  Env env_;                        // dfs(): the Env of the position entered
  LearnState state_;               // first_visit(): the state of the position entered
  std::vector<LeastWrite> least_;  // first_visit(): a location's writes
  std::vector<const Trace*> leaf_ts_;      // leaf(): each thread's run
  std::vector<std::vector<int>> leaf_rf_;  // leaf(): each read's write
};

template <class F>
void Explorer::each_source(size_t pos, int loc, const std::vector<Event>& own, size_t end,
                           F f) const {
  f(Source{Source::Kind::kInit, -1, loc, init_[loc]});
  auto add = [&](size_t p, const std::vector<Event>& ev, int i) {
    const std::vector<Depth>& depth = depth_[p];
    // Own writes: depths() fills them in order.
    const Depth* d = size_t(i) < depth.size() ? &depth[i] : &kNoWrites;
    f(Source{Source::Kind::kWrite, order_[p], i, ev[i].value, d});
  };
  for (size_t p = 0; p < pos; ++p) {
    for (int i : writes_at_[p][loc]) add(p, runs_[p]->ev, i);
  }
  for (size_t i = 0; i < end; ++i) {
    if (is_write(own[i], loc)) add(pos, own, int(i));
  }
  for (size_t p = pos + 1; p < order_.size(); ++p) {
    for (const auto& [v, d] : stores_[order_[p]][loc]) {
      f(Source{Source::Kind::kPromise, order_[p], -1, v, &d});
    }
  }
}

// The depth of each event's value in the run at `pos`: a read's is the least depth of a source
// of its value (componentwise; the initial value's has no writes), a write's the deepest of
// the reads before it in the run (componentwise: its value and whether it happens are
// computed from those) plus itself. A value of depth d needs a chain of d.chain writes, and
// chains that hold k writes of thread t to location x for each count k of d.per (and k writes
// of all threads to x). The chains leading to a write of a consistent execution are made of
// its writes, none twice (a repeated write is a cycle of dependencies and reads-from that hb or
// coherence rejects: no value out of thin air), so they are no longer than its writes (the
// reference's bound on its rounds of value domains, lkmm_enum.cc), hold at most as many writes
// of t to x as one run of t makes, and at most as many writes to x as the runs of all threads
// make: a promise of a deeper value is never needed (note() drops it). The last two bounds are
// what stop a counter that promises would increment round after round at the increments its
// threads make; the last is needed because a read's depth is the least over its sources
// component by component, which often leaves no increment of any one thread.
void Explorer::depths(size_t pos, const Trace& r) {
  std::vector<Depth>& depth = depth_[pos];
  if (depth.size() < r.ev.size()) depth.resize(r.ev.size());  // kept: their buffers are reused
  deepest_read_.chain = 0;
  deepest_read_.per.clear();
  const int t = order_[pos], locs = static_cast<int>(init_.size());
  for (size_t i = 0; i < r.ev.size(); ++i) {
    const Event& e = r.ev[i];
    Depth& d = depth[i];
    d.chain = 0;
    d.per.clear();
    if (e.kind == lkmm::Kind::kRead) {
      bool any = false;  // no source: choose() drops the run
      each_source(pos, e.loc, r.ev, i, [&](const Source& s) {
        if (s.value != e.value) return;
        if (any) {
          lower_to(&d, *s.depth);
        } else {
          d.chain = s.depth->chain;
          d.per.assign(s.depth->per.begin(), s.depth->per.end());
          any = true;
        }
      });
      raise_to(&deepest_read_, d);
    } else if (e.kind == lkmm::Kind::kWrite) {
      d.chain = deepest_read_.chain;
      d.per.assign(deepest_read_.per.begin(), deepest_read_.per.end());
      add_write(&d, t * locs + e.loc);
      add_count(&d.per, static_cast<int>(order_.size()) * locs + e.loc);  // all threads'
    }
  }
}

// Whether depth d holds more writes of some thread to some location than one of its runs
// makes, or more writes to a location than the runs of all threads make (depths()).
bool Explorer::too_many(const Depth& d) const {
  const int locs = static_cast<int>(init_.size());
  const int threads = static_cast<int>(order_.size());
  for (const auto& [key, n] : d.per) {
    const int t = key / locs, loc = key % locs;
    if (t < threads) {
      if (n > most_writes_to_[t][loc]) return true;
      continue;
    }
    int all = 0;  // the writes of every thread to the location (the last components)
    for (int u = 0; u < threads; ++u) all += most_writes_to_[u][loc];
    if (n > all) return true;
  }
  return false;
}

void Explorer::note(int t, size_t pos, const Trace& r) {
  size_t w = 0;
  std::vector<int>& to = writes_to_;
  to.assign(init_.size(), 0);
  for (const Event& e : r.ev) {
    if (e.loc < 0 || e.kind == lkmm::Kind::kFence) continue;
    if (e.kind == lkmm::Kind::kWrite) {
      writes_[t][e.loc] = true;
      ++w, ++to[e.loc];
    } else {
      reads_[t][e.loc] = true;
    }
  }
  most_writes_[t] = std::max(most_writes_[t], w);
  for (size_t l = 0; l < to.size(); ++l)
    most_writes_to_[t][l] = std::max(most_writes_to_[t][l], to[l]);
  const std::vector<Depth>& depth = depth_[pos];
  for (size_t i = 0; i < r.ev.size(); ++i) {
    const Event& e = r.ev[i];
    if (e.loc < 0 || e.kind != lkmm::Kind::kWrite) continue;
    // Never needed (depths()): longer than an execution, or too many writes of one thread.
    if (static_cast<size_t>(depth[i].chain) > round_bound()) continue;
    if (too_many(depth[i])) {
      auto [it, added] = dropped_.emplace(std::make_tuple(t, e.loc, e.value), depth[i].chain);
      if (!added) it->second = std::min(it->second, depth[i].chain);
      continue;
    }
    auto [it, added] = next_stores_[t][e.loc].emplace(e.value, depth[i]);
    if (!added) lower_to(&it->second, depth[i]);
  }
}

void Explorer::dfs(size_t pos) {
  if (failed_ || (stop_ != nullptr && stop_->now())) return;
  if (pos == order_.size()) return leaf();
  if (!judging_ && !(axioms_ & kEveryState) && !first_visit(pos)) return;
  const int t = order_[pos];
  // A thread's runs depend on the values its reads may return (options()): the initial ones,
  // those the runs before it write (Env) and the promises, fixed in a pass; never on the
  // sources those threads' reads chose, nor on which earlier runs wrote the values. So they
  // are computed again only when that Env changes, not once per combination of earlier runs
  // and reads-from choices.
  // Bounded memory: a position's cache is emptied when it holds kCachedEnvs values (the runs
  // pointed to from deeper positions are not in it), and by pass() (new promises).
  if (cache_at_[pos].size() >= kCachedEnvs) cache_at_[pos].clear();
  env(pos, &env_);  // a buffer: a copy is made only for an Env not met before
  auto it = cache_at_[pos].find(env_);
  const bool added = it == cache_at_[pos].end();
  if (added) it = cache_at_[pos].emplace(env_, Runs{}).first;
  Runs& runs = it->second;
  if (added) {
    runs.traces.clear();
    cur_ = pos;
    lkmm_thread::OracleScope scope(this);
    if (!thread_paths_(t, domain_, &runs.traces, err_)) {
      failed_ = true;
      return;
    }
    stats_->runs += runs.traces.size();
    runs.cut.clear();
    if (cut_hb_) runs.cut.resize(runs.traces.size());  // filled as the cut needs them
  }
  if (cut_piece(runs.traces.size())) return;
  // The promises the threads before made on this one: the same for each of its runs.
  std::vector<Pending> promised;
  for (size_t q = 0; q < pos; ++q) {
    for (size_t i = 0; i < src_[q].size(); ++i) {
      const Source& s = src_[q][i];
      if (s.kind == Source::Kind::kPromise && s.thread == t) promised.push_back({q, int(i), {}});
    }
  }
  const Leave leave{split_, split_.depth, split_.ways};
  for (size_t i = 0; i < runs.traces.size(); ++i) {
    if (failed_ || (stop_ != nullptr && stop_->stopped)) return;
    if (!takes(leave.depth, i)) continue;
    const Trace& r = runs.traces[i];
    if (too_long(pos, r)) return;
    // Most runs of a thread others read promises from break one of them and lead nowhere:
    // skipped before anything is built for them, and nothing learnt from them (no execution
    // below holds them; a branch that makes no such promise notes them).
    if (!keeps(r, promised)) continue;
    if (!judging_) depths(pos, r), note(t, pos, r);  // the judging pass learns nothing new
    enter(leave.depth, leave.ways, runs.traces.size(), i);
    visit(pos, r, cut_hb_ ? &runs.cut[i] : nullptr, promised);
  }
  runs_[pos] = nullptr;
}

// Calls f(w) for each write w of run `r` that keeps promise `p` made on its thread: a write of
// the promised location and value.
template <class F>
void Explorer::each_keeper(const Trace& r, const Pending& p, F f) const {
  const int64_t value = src_[p.pos][p.event].value;
  const int loc = runs_[p.pos]->ev[p.event].loc;
  for (size_t w = 0; w < r.ev.size(); ++w) {
    if (is_write(r.ev[w], loc) && r.ev[w].value == value) f(int(w));
  }
}

// Whether run `r` keeps every promise made on its thread.
bool Explorer::keeps(const Trace& r, const std::vector<Pending>& promised) const {
  for (const Pending& p : promised) {
    bool kept = false;
    each_keeper(r, p, [&](int) { kept = true; });
    if (!kept) return false;
  }
  return true;
}

// Run `r` of the thread at `pos`, which keeps the promises made on it (keeps()): a choice of
// source for each of its reads and of a write for each promise (choose()).
void Explorer::visit(size_t pos, const Trace& r, HbCut::Run* cut,
                     const std::vector<Pending>& promised) {
  const int t = order_[pos];
  runs_[pos] = &r;
  if (cut != nullptr) hb_cut_.place(pos, &r, cut);
  writes_at_[pos].assign(init_.size(), {});
  for (size_t i = 0; i < r.ev.size(); ++i) {
    if (r.ev[i].kind == lkmm::Kind::kWrite) writes_at_[pos][r.ev[i].loc].push_back(int(i));
  }
  // This run's reads: each may read from any source of the value it returned.
  std::vector<Pending> todo;
  src_[pos].assign(r.ev.size(), Source{});
  for (size_t i = 0; i < r.ev.size(); ++i) {
    const Event& e = r.ev[i];
    if (e.kind != lkmm::Kind::kRead) continue;
    Pending p{pos, int(i), {}};
    each_source(pos, e.loc, r.ev, i, [&](const Source& s) {
      if (s.value == e.value) p.options.push_back(s);
    });
    todo.push_back(std::move(p));
  }
  // Each promise: a branch per write that keeps it.
  for (const Pending& p : promised) {
    Pending kept{p.pos, p.event, {}};
    each_keeper(r, p, [&](int w) {
      kept.options.push_back({Source::Kind::kWrite, t, w, src_[p.pos][p.event].value});
    });
    todo.push_back(std::move(kept));
  }
  pending_[pos] = std::move(todo);
  choose(pos, 0);  // leaves the promises it resolved as it found them
}

// An execution of more events than a relation holds is refused as soon as the runs chosen so
// far exceed it, not after the passes that learn the stored values (lkmm_enum.cc build()
// refuses it the same way).
bool Explorer::too_long(size_t pos, const Trace& r) {
  size_t events = init_.size() + r.ev.size();
  for (size_t p = 0; p < pos; ++p) events += runs_[p]->ev.size();
  if (events <= lkmm::kMaxEvents) return false;
  *err_ = Error{
      Pos{}, "more than " + std::to_string(lkmm::kMaxEvents) + " events in one execution (lkmm)"};
  failed_ = true;
  return true;
}

// Chooses a source for each pending read of position `pos`, then runs the next thread.
void Explorer::choose(size_t pos, size_t k) {
  if (k == pending_[pos].size()) return dfs(pos + 1);
  const Pending& p = pending_[pos][k];
  if (cut_piece(p.options.size())) return;
  Source& slot = src_[p.pos][p.event];
  const Source saved = slot;
  const Trace& r = *runs_[p.pos];
  const bool storing = stores(r, p.event);
  // A learning pass: a storing read takes the first free write of its value, besides its
  // promises (see learns()).
  bool took = false;
  const Leave leave{split_, split_.depth, split_.ways};
  for (size_t j = 0; j < p.options.size(); ++j) {
    const Source& s = p.options[j];
    if (failed_ || (stop_ != nullptr && stop_->stopped)) break;
    if (!takes(leave.depth, j)) continue;
    if (!judging_ && !storing && !learns(pos, p, s)) continue;
    if (!judging_ && storing && s.kind != Source::Kind::kPromise && took) continue;
    if (judging_ && prune_rmw_ && !coherent_in_thread(pos, p, s)) continue;
    // An external write (a promise's once kept): an rfe edge, cut when it closes an hb cycle.
    const bool rfe = cut_hb_ && s.kind == Source::Kind::kWrite && s.thread != order_[p.pos];
    if (rfe && !hb_cut_.add(pos_of_[s.thread], s.event, p.pos, p.event)) continue;
    const bool cut = prune_rmw_ && storing && s.kind != Source::Kind::kPromise;
    if (cut && !rmw_taken_.insert(s).second) {
      if (rfe) hb_cut_.undo();
      continue;
    }
    took = took || (storing && s.kind != Source::Kind::kPromise);
    slot = s;
    enter(leave.depth, leave.ways, p.options.size(), j);
    choose(pos, k + 1);
    if (cut) rmw_taken_.erase(s);
    if (rfe) hb_cut_.undo();
  }
  slot = saved;
}

// Whether a learning pass follows source `s` of pending read `p`. A learning pass only learns
// the values the runs store (note()), and which runs a position visits depends on the values
// the runs before it write (Env) and on the promises made on its thread, never on which write
// of a value a read took. So a read follows one source of its value that promises nothing when
// there is one (its other sources could only add promises: fewer runs visited after it), and
// otherwise one promise per thread (each source of a value is one promise of its thread); a
// promise made on this thread is kept by its first write of the value (visit() found one).
// Every run a full pass visits is visited, after the same runs: the same values and depths are
// learnt, in far fewer branches (mutex_counter(2,3): 5 million leaves a pass before).
// A read of an RMW that stores (choose()) takes the write it reads from away from the storing
// RMWs after it (the atomicity cut), so its sources are not alike: it follows every promise
// (kept, it takes a write of that thread). Its free writes are told apart below by one thing
// only: the running thread's own may also keep a storing promise made on it, the others (the
// initial write, the earlier runs') may not. A later storing read of the run may read every
// write an earlier one may, and first_visit() counts the free writes of a value, not which
// ones. So taking the first free write (each_source() lists the runs before first) leaves
// every choice below that taking another would (mutex_counter(3,2): 707,000 states checked
// by the learning passes before, 177,000 now, the same 21,731 of them new).
bool Explorer::learns(size_t pos, const Pending& p, const Source& s) const {
  if (p.pos != pos) return &s == &p.options.front();
  if (s.kind != Source::Kind::kPromise) {
    return &s == &*std::find_if(p.options.begin(), p.options.end(),
                                [](const Source& o) { return o.kind != Source::Kind::kPromise; });
  }
  return std::all_of(p.options.begin(), p.options.end(),
                     [](const Source& o) { return o.kind == Source::Kind::kPromise; });
}

// Whether read `p` may read from `s` as far as its own thread's accesses of the location whose
// writes are known tell (the judging pass; only when coherence is checked). Coherence
// (`acyclic po-loc | com`) orders the writes two reads of one thread read from as the reads
// (CoRR), a write before the write a later read reads from (CoWR), and the write a read reads
// from before a later write (CoRW); the initial write comes first and one thread's writes in
// program order. An order against those is no execution: every candidate below this choice
// fails the coherence cut (lkmm_enum.cc forced_orders() rejects it once all sources are
// known), so the branch is not followed. Promises are checked when they are kept, since that
// chooses their write; an own read checks the reads before it (the later ones check it).
bool Explorer::coherent_in_thread(size_t pos, const Pending& p, const Source& s) const {
  if (s.kind == Source::Kind::kPromise) return true;
  using K = Source::Kind;
  // Whether a cannot come before b in coherence (a != b).
  auto cannot_precede = [](const Source& a, const Source& b) {
    if (a.kind == K::kInit) return false;
    if (b.kind == K::kInit) return true;
    return a.thread == b.thread && b.event < a.event;
  };
  const Trace& r = *runs_[p.pos];
  const int loc = r.ev[p.event].loc;
  const size_t end = p.pos == pos ? size_t(p.event) : r.ev.size();
  for (size_t i = 0; i < end; ++i) {
    const Event& e = r.ev[i];
    if (int(i) == p.event || e.loc != loc) continue;
    const bool before = int(i) < p.event;
    Source o;
    if (e.kind == lkmm::Kind::kWrite) {
      if (!before) continue;
      o = Source{K::kWrite, order_[p.pos], int(i), e.value};
    } else if (e.kind == lkmm::Kind::kRead) {
      o = src_[p.pos][i];
      if (o.kind == K::kPromise) continue;
    } else {
      continue;
    }
    if (before ? cannot_precede(o, s) : cannot_precede(s, o)) return false;
  }
  return true;
}

void Explorer::leaf() {
  if (!judging_ || cut_piece(0, true)) return;
  go_inside();
  const size_t n = order_.size();
  // Members, so that the leaves (one per combination judged) reuse their memory.
  std::vector<const Trace*>& ts = leaf_ts_;
  std::vector<std::vector<int>>& rf = leaf_rf_;
  ts.resize(n), rf.resize(n);
  std::vector<size_t> pos_of(n);
  for (size_t p = 0; p < n; ++p) ts[order_[p]] = runs_[p], pos_of[order_[p]] = p;
  std::vector<int> base(n);
  int next = static_cast<int>(init_.size());
  for (size_t t = 0; t < n; ++t) base[t] = next, next += static_cast<int>(ts[t]->ev.size());
  for (size_t t = 0; t < n; ++t) {
    const std::vector<Source>& src = src_[pos_of[t]];
    rf[t].assign(src.size(), -1);
    for (size_t i = 0; i < src.size(); ++i) {
      if (ts[t]->ev[i].kind != lkmm::Kind::kRead) continue;
      const Source& s = src[i];
      rf[t][i] = s.kind == Source::Kind::kInit ? s.event : base[s.thread] + s.event;
    }
  }
  if (!judge_fixed_rf(ts, init_, rf, axioms_, *cb_, stats_, err_, stop_, &judge_state_)) {
    failed_ = true;
  }
}

// The order threads run in: a thread after those whose writes it reads (seen in the first
// pass), so that most reads find their write already there; a cycle (threads reading each
// other) is broken by the declaration order. Any order gives the same executions; this one
// needs the fewest promises.
void Explorer::order_by_flow() {
  const size_t n = order_.size();
  std::vector<bool> placed(n, false);
  auto feeds = [&](size_t a, size_t b) {  // a writes a location b reads
    for (size_t l = 0; l < init_.size(); ++l) {
      if (writes_[a][l] && reads_[b][l]) return true;
    }
    return false;
  };
  order_.clear();
  while (order_.size() < n) {
    size_t pick = n;
    for (size_t t = 0; t < n && pick == n; ++t) {
      if (placed[t]) continue;
      bool ready = true;
      for (size_t u = 0; u < n && ready; ++u) ready = placed[u] || u == t || !feeds(u, t);
      if (ready) pick = t;
    }
    for (size_t t = 0; t < n && pick == n; ++t) {
      if (!placed[t]) pick = t;
    }
    placed[pick] = true;
    order_.push_back(static_cast<int>(pick));
  }
}

void Explorer::env(size_t pos, Env* out) const {
  out->resize(init_.size());
  for (std::vector<int64_t>& vs : *out) vs.clear();
  for (size_t p = 0; p < pos; ++p) {
    for (size_t loc = 0; loc < init_.size(); ++loc) {
      for (int i : writes_at_[p][loc]) {
        const int64_t v = runs_[p]->ev[i].value;
        std::vector<int64_t>& vs = (*out)[loc];
        if (std::find(vs.begin(), vs.end(), v) == vs.end()) vs.push_back(v);
      }
    }
  }
}

// Whether a learning pass reaches position `pos` in a state no state reached there before
// covers (lkmm_visited.h). What a learning pass learns below `pos` (note(): the values the
// runs store, with their depths) is a function of: the values the runs before write, per
// location, each with the least depth of its writes (the runs of the threads from `pos` on,
// options(), and the depths of their reads, depths()); the promises made on those threads
// (which of their runs keep them: visit()); under the atomicity cut, per value, how many of
// its writes no storing RMW reads from yet (the choices left to a storing RMW below; a
// learning pass tells a read's sources apart by nothing else); and the events so far
// (too_long()). Which runs and which sources led there does not matter, so the learning
// passes visit states, not every combination of the threads' runs. The judging pass visits
// every combination: each is a candidate.
bool Explorer::first_visit(size_t pos) {
  // The state is built in buffers kept from one call to the next (their Depths' vectors too):
  // Visited copies it only when it is new.
  LearnState& s = state_;
  s.values.clear(), s.promises.clear(), s.left.clear();
  size_t depths = 0;
  size_t events = 0;
  for (size_t p = 0; p < pos; ++p) events += runs_[p]->ev.size();
  s.values.push_back(static_cast<int64_t>(events));
  for (size_t loc = 0; loc < init_.size(); ++loc) {
    least_.clear();
    for (size_t p = 0; p < pos; ++p) {
      for (int i : writes_at_[p][loc]) {
        least_.push_back({runs_[p]->ev[i].value, &depth_[p][i], !is_taken(p, i)});
      }
    }
    std::sort(least_.begin(), least_.end(),
              [](const LeastWrite& a, const LeastWrite& b) { return a.value < b.value; });
    const size_t count_at = s.values.size();
    s.values.push_back(0);
    const size_t init_at = s.left.size();
    if (prune_rmw_) s.left.push_back(0);
    for (size_t k = 0; k < least_.size(); ++k) {
      const Depth& d = *least_[k].depth;
      if (k == 0 || least_[k].value != least_[k - 1].value) {
        s.values.push_back(least_[k].value), ++s.values[count_at];
        if (prune_rmw_) s.left.push_back(0);
        if (depths == s.depths.size()) s.depths.emplace_back();
        s.depths[depths].chain = d.chain;
        s.depths[depths++].per.assign(d.per.begin(), d.per.end());
      } else {
        lower_to(&s.depths[depths - 1], d);  // the least depth of the value's writes
      }
      if (prune_rmw_ && least_[k].free) ++s.left.back();
    }
    // The initial write, if free, is one more write of its value; its own entry when no run
    // writes that value.
    if (prune_rmw_ && rmw_taken_.count(init_source(int(loc))) == 0) {
      size_t at = init_at;
      for (size_t k = count_at + 1; k < s.values.size(); ++k) {
        if (s.values[k] == init_[loc]) at = init_at + (k - count_at);
      }
      ++s.left[at];
    }
  }
  s.depths.resize(depths);
  for (size_t q = 0; q < pos; ++q) {
    for (size_t i = 0; i < src_[q].size(); ++i) {
      const Source& o = src_[q][i];
      if (o.kind != Source::Kind::kPromise) continue;
      if (std::find(order_.begin() + long(pos), order_.end(), o.thread) == order_.end()) continue;
      const int storing = prune_rmw_ && stores(*runs_[q], int(i)) ? 1 : 0;
      s.promises.emplace_back(o.thread, runs_[q]->ev[i].loc, o.value, storing);
    }
  }
  std::sort(s.promises.begin(), s.promises.end());
  // One write keeps any number of promises of a read that does not store: listed once.
  auto end = std::unique(s.promises.begin(), s.promises.end(),
                         [](const auto& a, const auto& b) { return a == b && !std::get<3>(a); });
  s.promises.erase(end, s.promises.end());
  return seen_at_[pos].first(s, kCachedEnvs * 64);
}

// What the learning passes learnt, in one word (Stats::learnt).
uint64_t fingerprint(const Stores& stores) {
  uint64_t h = kMixSeed;
  for (size_t t = 0; t < stores.size(); ++t) {
    for (size_t loc = 0; loc < stores[t].size(); ++loc) {
      for (const auto& [v, d] : stores[t][loc]) {
        for (int64_t x : {int64_t(t), int64_t(loc), v, int64_t(d.chain)}) h = mix(h, x);
        for (const auto& [k, n] : d.per) h = mix(mix(h, k), n);
      }
    }
  }
  return h;
}

// The reference's bound on the value rounds: one more than the writes one execution can have
// (a chain gains a write per round at least, and depths() bounds chains by fewer).
size_t Explorer::round_bound() const {
  size_t n = 1;
  for (size_t w : most_writes_) n += w;
  return n;
}

// Whether the pass just made learned all there is: the same values with the same depths as
// the pass before; or the same values with the same chains, and every write too_many()
// dropped stores a value the thread stores anyway with a chain no longer. Then the next pass
// would run the same runs (they depend on the values) and find the same chains; the counts
// of its promises may only be smaller, so it may keep some of the writes dropped here, which
// add nothing: it would learn nothing, and so would the passes after it.
bool Explorer::settled() const {
  if (next_stores_ == stores_) return true;
  for (size_t t = 0; t < stores_.size(); ++t) {
    for (size_t l = 0; l < stores_[t].size(); ++l) {
      const auto& a = stores_[t][l];
      const auto& b = next_stores_[t][l];
      if (a.size() != b.size()) return false;
      for (auto i = a.begin(), j = b.begin(); i != a.end(); ++i, ++j) {
        if (i->first != j->first || i->second.chain != j->second.chain) return false;
      }
    }
  }
  for (const auto& [key, chain] : dropped_) {
    const auto& [t, loc, v] = key;
    auto it = next_stores_[t][loc].find(v);
    if (it == next_stores_[t][loc].end() || it->second.chain > chain) return false;
  }
  return true;
}

void Explorer::start_pass(bool judging) {
  judging_ = judging;
  cut_hb_ = judging && (axioms_ & lkmm::kHappensBefore) && !(axioms_ & kNoPruning);
  if (cut_hb_) {
    hb_cut_.reset(order_.size());
    pos_of_.assign(order_.size(), 0);
    for (size_t p = 0; p < order_.size(); ++p) pos_of_[order_[p]] = p;
  }
  next_stores_ = stores_;
  dropped_.clear();
  for (auto& cache : cache_at_) cache.clear();  // the promises may have changed
  for (auto& seen : seen_at_) seen.clear();
}

bool Explorer::pass(bool judging) {
  start_pass(judging);
  dfs(0);
  return !failed_;
}

// Split::kCut at a branch point of `width` children (or a leaf): whether the node is listed
// as pieces instead of explored. A node whose children reach piece_ways() ways is cut into
// about piece_ways() / ways ranges of children, each a piece; a leaf reached below that is one.
bool Explorer::cut_piece(size_t width, bool leaf) {
  if (split_.mode != Split::Mode::kCut) return false;
  const uint64_t target = piece_ways(workers_.n);
  if (!leaf && split_.ways * width < target) return false;
  Piece p = split_.piece;
  p.path.resize(split_.depth);
  const uint64_t checks = stop_ != nullptr ? stop_->checks : 0;
  if (leaf) {
    split_.pieces->push_back(std::move(p));
    listed_at_.push_back(checks);
    return true;
  }
  const uint64_t n = std::min<uint64_t>(width, (target + split_.ways - 1) / split_.ways);
  const size_t size = (width + n - 1) / n;
  for (size_t lo = 0; lo < width; lo += size) {
    p.lo = static_cast<uint32_t>(lo), p.hi = static_cast<uint32_t>(std::min(lo + size, width));
    split_.pieces->push_back(p);
    listed_at_.push_back(checks);
  }
  return true;
}

// The judging pass over workers_: its pieces listed on this one (the upper nodes only),
// then judged by the workers and reported in their order (lkmm_pieces.h), so the consistent
// executions reach the callback in the order pass(true) reports them.
bool Explorer::judge_split() {
  std::vector<Piece> pieces;
  split_ = Split{Split::Mode::kCut, {}, &pieces, 0, 1};
  const bool listed = pass(true);  // false: an error below the pieces listed (too_long())
  const Error cut_err = *err_;
  split_ = Split{};
  if (stop_ != nullptr && stop_->stopped) return true;
  auto make = [&]() -> std::unique_ptr<PieceWorker> {
    auto e = std::make_unique<Explorer>(order_.size(), init_, thread_paths_, axioms_, *cb_, stats_,
                                        err_, stop_);
    e->adopt(*this);
    class Worker : public PieceWorker {
     public:
      Worker(std::unique_ptr<Explorer> e, const std::vector<Piece>& pieces)
          : e_(std::move(e)), pieces_(pieces) {}
      bool judge(size_t k, const std::function<void(const Final&)>& cb, Stats* stats, Error* err,
                 Stop* stop) override {
        return e_->judge_piece(pieces_[k], cb, stats, err, stop);
      }
      uint64_t checks_inside(const Stop& stop) const override { return e_->checks_inside(stop); }

     private:
      std::unique_ptr<Explorer> e_;
      const std::vector<Piece>& pieces_;
    };
    return std::make_unique<Worker>(std::move(e), pieces);
  };
  std::vector<uint64_t> listed_after;
  for (uint64_t at : listed_at_)
    listed_after.push_back((stop_ != nullptr ? stop_->checks : 0) - at);
  if (!judge_pieces(pieces.size(), workers_, make, *cb_, stats_, err_, stop_, listed_after)) {
    return false;
  }
  if (!listed && (stop_ == nullptr || !stop_->stopped)) {
    *err_ = cut_err;  // met after every piece before it, as pass(true) meets it
    return false;
  }
  return true;
}

bool Explorer::run() {
  // A first pass without promises learns who writes what the others read.
  if (!pass(false)) return false;
  if (stop_ != nullptr && stop_->stopped) return true;
  order_by_flow();
  // The values each thread may store, to a fixed point (bounded as the reference's domains).
  // Each pass adds values of greater depth, up to round_bound(): a fixed point in as many
  // passes at most.
  for (size_t round = 0;; ++round) {
    const bool same = settled();
    stores_ = next_stores_;
    if (same || round + 1 >= round_bound()) break;
    if (!pass(false)) return false;
    if (stop_ != nullptr && stop_->stopped) return true;
  }
  stats_->learnt = fingerprint(stores_);
  return workers_.n > 1 || workers_.simulated ? judge_split() : pass(true);
}

}  // namespace

bool explore(size_t threads, const std::vector<int64_t>& init, const ThreadPaths& thread_paths,
             uint32_t axioms, const std::function<void(const Final&)>& on_consistent, Stats* stats,
             Error* err, Stop* stop, Workers workers) {
  Explorer e(threads, init, thread_paths, axioms, on_consistent, stats, err, stop, workers);
  return e.run();
}

}  // namespace ravel::litmus::lkmm_enum
