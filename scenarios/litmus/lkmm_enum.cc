// scenarios/litmus/lkmm_enum.cc: value domains, path combinations, rf and co enumeration (see
// lkmm_enum.h).
#include "scenarios/litmus/lkmm_enum.h"

#include <algorithm>
#include <set>

#include "scenarios/litmus/lkmm_explore.h"

namespace ravel::litmus::lkmm_enum {
namespace {

using lkmm::Event;
using lkmm::Execution;
using lkmm::Kind;
using lkmm_thread::Trace;

constexpr int kMaxRounds = 64;

using Domain = std::vector<std::vector<int64_t>>;
using Paths = std::vector<std::vector<Trace>>;

size_t max_writes(const Paths& paths) {
  size_t n = 0;
  for (const auto& p : paths) {
    size_t most = 0;
    for (const Trace& t : p) {
      size_t w = 0;
      for (const Event& e : t.ev) w += e.kind == Kind::kWrite;
      most = std::max(most, w);
    }
    n += most;
  }
  return n + 1;
}

// The paths of every thread with the final domains.
bool rerun(size_t threads, const ThreadPaths& thread_paths, const Domain& domain, Paths* paths,
           Error* err) {
  paths->assign(threads, {});
  for (size_t p = 0; p < threads; ++p) {
    if (!thread_paths(static_cast<int>(p), domain, &(*paths)[p], err)) return false;
  }
  return true;
}

// Step 1 and 2: the fixed point of the value domains, and every path of every thread.
bool domains_and_paths(size_t threads, const std::vector<int64_t>& init,
                       const ThreadPaths& thread_paths, Paths* paths, Error* err) {
  Domain domain;
  for (int64_t v : init) domain.push_back({v});
  for (int round = 0; round < kMaxRounds; ++round) {
    paths->assign(threads, {});
    std::vector<std::set<int64_t>> next(domain.size());
    for (size_t l = 0; l < domain.size(); ++l) next[l].insert(domain[l].begin(), domain[l].end());
    for (size_t p = 0; p < threads; ++p) {
      if (!thread_paths(static_cast<int>(p), domain, &(*paths)[p], err)) return false;
      for (const Trace& t : (*paths)[p]) {
        for (const Event& e : t.ev) {
          if (e.kind == Kind::kWrite) next[e.loc].insert(e.value);
        }
      }
    }
    bool same = true;
    for (size_t l = 0; l < domain.size(); ++l) {
      std::vector<int64_t> d(next[l].begin(), next[l].end());
      same = same && d == domain[l];
      domain[l] = std::move(d);
    }
    // A value of a consistent execution is computed from values read, each stored by some
    // write: a chain of at most as many writes as one execution has (a longer one would be a
    // cycle, which hb or coherence rejects: no value out of thin air). After that many rounds
    // the domains hold every value such an execution can see; later rounds (an atomic_inc
    // reading its own increments) only add values no execution reads.
    if (same) return true;
    if (static_cast<size_t>(round) + 1 >= max_writes(*paths)) {
      return rerun(threads, thread_paths, domain, paths, err);
    }
  }
  *err = Error{Pos{}, "the values the locations may hold do not converge (lkmm)"};
  return false;
}

// One combination of paths, laid out as one execution: initial writes first, then each
// thread's events in program order.
struct Layout {
  Execution x;
  std::vector<int> reads;                    // read events
  std::vector<std::vector<int>> writes;      // per location: its non-initial writes
  std::vector<std::vector<int>> rf_choices;  // per read: the writes it may read from
  std::vector<int> base;                     // per thread: the index of its first event
};

bool build(const std::vector<const Trace*>& ts, const std::vector<int64_t>& init, Layout* out,
           Error* err) {
  Execution& x = out->x;
  if (ts.size() > static_cast<size_t>(lkmm::kMaxEvents)) {  // threads are sets of events too
    *err = Error{Pos{}, "more than " + std::to_string(lkmm::kMaxEvents) + " threads (lkmm)"};
    return false;
  }
  size_t n = init.size();
  for (const Trace* t : ts) n += t->ev.size();
  if (n <= static_cast<size_t>(lkmm::kMaxEvents)) {  // every relation sized once, not row by row
    x.ev.reserve(n);
    for (lkmm::Rel* r : {&x.rf, &x.co, &x.rmw, &x.addr, &x.data, &x.ctrl, &x.rcu_rscs}) {
      *r = lkmm::Rel(static_cast<int>(n));
    }
  }
  for (size_t l = 0; l < init.size(); ++l) {
    Event e;
    e.kind = Kind::kWrite, e.loc = static_cast<int>(l), e.value = init[l];
    e.tags = lkmm::kInit;
    x.ev.push_back(e);
  }
  for (const Trace* t : ts) {
    int base = static_cast<int>(x.ev.size());
    out->base.push_back(base);
    if (base + t->ev.size() > lkmm::kMaxEvents) {
      *err = Error{Pos{}, "more than " + std::to_string(lkmm::kMaxEvents) +
                              " events in one execution (lkmm)"};
      return false;
    }
    append_thread(*t, &x);
  }
  out->writes.resize(init.size());
  for (std::vector<int>& w : out->writes) w.clear();
  for (int i = 0; i < static_cast<int>(x.ev.size()); ++i) {
    const Event& e = x.ev[i];
    if (e.kind == Kind::kRead) out->reads.push_back(i);
    if (e.kind == Kind::kWrite && !(e.tags & lkmm::kInit)) out->writes[e.loc].push_back(i);
  }
  return true;
}

// A read may read from a write of its location and value that is not po-after it (coherence
// would reject that at once) and not its own RMW's write.
bool rf_choices(Layout* l) {
  const std::vector<Event>& ev = l->x.ev;
  for (int r : l->reads) {
    std::vector<int> c;
    const Event& re = ev[r];
    if (ev[re.loc].value == re.value) c.push_back(re.loc);  // the initial write
    for (int w : l->writes[re.loc]) {
      bool later = ev[w].thread == re.thread && w > r;
      if (!later && ev[w].value == re.value) c.push_back(w);
    }
    if (c.empty()) return false;
    l->rf_choices.push_back(std::move(c));
  }
  return true;
}

// The vectors of a Search, kept by a Judging from one combination to the next.
struct SearchBuffers {
  std::vector<int> src;           // per read: the write
  std::vector<lkmm::Set> before;  // per write: the writes coherence puts before it
  std::vector<int> rmw_next;      // per write: the RMW write that must follow it, or -1
  std::vector<int> last;          // per location: its co-last write
};

class Search {
 public:
  Search(Layout* l, uint32_t axioms, const std::vector<const Trace*>& ts,
         const std::function<void(const Final&)>& cb, Stats* stats, Stop* stop,
         SearchBuffers* buffers, lkmm::Checker* checker = nullptr)
      : checker_(checker),
        src_(buffers->src),
        before_(buffers->before),
        rmw_next_(buffers->rmw_next),
        last_(buffers->last),
        l_(l),
        axioms_(axioms),
        ts_(ts),
        cb_(cb),
        stats_(stats),
        stop_(stop),
        prune_rmw_((axioms & lkmm::kAtomic) && (axioms & lkmm::kCoherence) &&
                   !(axioms & kNoPruning)),
        po_loc_(lkmm::po_loc(l->x)),
        prune_co_(prune_rmw_) {
    src_.assign(l->x.ev.size(), -1);
    last_.assign(l->writes.size(), 0);
  }

  void rf(size_t k) {
    if (k == l_->reads.size()) return co(0);
    const int r = l_->reads[k];
    // Two RMWs that store never read from the same write: both writes would be co-after it
    // (coherence: an RMW's write follows what its read read), so one would sit between the
    // other's read and write (the cat file's atomic axiom, `empty rmw & (fre; coe)`). Cut here,
    // before any coherence order is built (only when both constraints are checked: the tests
    // that drop one must see every candidate).
    const bool rmw = prune_rmw_ && l_->x.rmw.row(r).any();
    for (int w : l_->rf_choices[k]) {
      if (stop_ != nullptr && stop_->stopped) return;  // the layout is dropped: no undo
      if (rmw && rmw_read_.test(w)) continue;
      if (rmw) rmw_read_.set(w);
      l_->x.rf.add(w, r);
      src_[r] = w;
      rf(k + 1);
      l_->x.rf.remove(w, r);
      if (rmw) rmw_read_.reset(w);
    }
  }

 private:
  // Coherence order of location `loc` onwards: every interleaving of its writes that keeps each
  // thread's writes in program order (the write-write coherence the model requires anyway).
  // They are built as merges of the threads' chains, in the lexicographic order of the write
  // indices (the order the permutations used to come in): filtering all permutations cost n!
  // steps for n writes of one thread, a hang from about 15 writes of one location.
  void co(size_t loc) {
    if (loc == l_->writes.size()) return judge();
    if (loc == 0 && prune_co_ && !forced_orders()) return;
    std::vector<int> order;
    std::vector<char> used(l_->writes[loc].size(), 0);
    merge(loc, &order, &used);
  }

  void merge(size_t loc, std::vector<int>* order, std::vector<char>* used) {
    const std::vector<int>& all = l_->writes[loc];  // by index: each thread's in program order
    if (order->size() == all.size()) return with_order(loc, *order);
    lkmm::Set seen;  // threads whose first unused write came already (fewer than events)
    const int last = order->empty() ? static_cast<int>(loc) : order->back();
    for (size_t i = 0; i < all.size(); ++i) {
      if ((*used)[i]) continue;
      const int t = l_->x.ev[all[i]].thread;
      if (seen.test(t)) continue;
      seen.set(t);
      if (prune_co_ && !placeable(all[i], last)) continue;
      (*used)[i] = 1;
      placed_.set(all[i]);
      order->push_back(all[i]);
      merge(loc, order, used);
      order->pop_back();
      placed_.reset(all[i]);
      (*used)[i] = 0;
      if (stop_ != nullptr && stop_->stopped) return;
    }
  }

  void with_order(size_t loc, const std::vector<int>& order) {
    if (stop_ != nullptr && stop_->stopped) return;
    // The initial write (event `loc`) first, then `order`: each write's row holds the writes
    // after it. Those rows hold nothing else (only this location's order sets them), so they
    // are cleared on return instead of the relation being copied and restored.
    lkmm::Rel& co_rel = l_->x.co;
    const int init = static_cast<int>(loc);
    lkmm::Set after;
    for (size_t i = order.size(); i-- > 0;) {
      co_rel.set_row(order[i], after);
      after.set(order[i]);
    }
    co_rel.set_row(init, after);
    last_[loc] = order.empty() ? init : order.back();
    // Prune with the model's coherence constraint on the orders chosen so far (only when
    // every constraint is checked: the tests that drop coherence must see everything).
    if (!(axioms_ & lkmm::kCoherence) || lkmm::coherent(l_->x, po_loc_)) co(loc + 1);
    for (int w : order) co_rel.set_row(w, lkmm::Set());
    co_rel.set_row(init, lkmm::Set());
  }

  // The orders of each location's writes that coherence and atomicity leave, before any is
  // built (the coherence cut rejects the others only once a location's order is complete: a
  // lock word written twelve times by two threads has 924 merges and one order left).
  // Coherence (`acyclic po-loc | com`) forces, for events of one thread and location in
  // program order: a write before the write a later read reads from (CoWR), the write a read
  // reads from before a later write (CoRW), and the writes two reads read from in their order
  // (CoRR); the initial write comes first, so a pair that would put a write before it leaves
  // no order at all. Atomicity (`empty rmw & (fre; coe)`) puts an RMW's write right after the
  // write its read reads from: a write of another thread between them is that axiom's case,
  // one of the same thread a coherence cycle. Applied only when both constraints are checked
  // (the tests that drop one must see every candidate); the orders left come in the same
  // order as before, so the same executions are judged in the same order.
  bool forced_orders() {
    const std::vector<Event>& ev = l_->x.ev;
    const int n = static_cast<int>(ev.size());
    before_.assign(n, lkmm::Set());
    rmw_next_.assign(n, -1);
    auto order = [&](int a, int b) {  // a co-before b
      if (a == b) return true;
      if (ev[b].tags & lkmm::kInit) return false;
      if (!(ev[a].tags & lkmm::kInit)) before_[b].set(a);
      return true;
    };
    bool ok = true;
    for (int a = 0; a < n && ok; ++a) {
      const bool ra = ev[a].kind == Kind::kRead;
      const int fa = ra ? src_[a] : a;
      po_loc_.row(a).each([&](int b) {  // b after a in program order, the same location
        const bool rb = ev[b].kind == Kind::kRead;
        if (rb) ok = ok && order(fa, src_[b]);
        if (!rb && ra) ok = ok && order(fa, b);
      });
      if (ra && l_->x.rmw.row(a).any()) rmw_next_[fa] = l_->x.rmw.row(a).first();
    }
    return ok;
  }

  // Whether write w may come next after `last` (the initial write or the last placed).
  bool placeable(int w, int last) const {
    if (rmw_next_[last] >= 0 && rmw_next_[last] != w) return false;
    for (int a : l_->writes[l_->x.ev[w].loc]) {
      if (before_[w].test(a) && !placed_.test(a)) return false;
    }
    return true;
  }

  void judge() {
    if (stop_ != nullptr && stop_->now()) return;
    ++stats_->candidates;
    const uint32_t axioms = axioms_ & lkmm::kAllAxioms;
    lkmm::Verdict v =
        checker_ != nullptr ? checker_->check(l_->x, axioms) : lkmm::check(l_->x, axioms);
    if (checker_ != nullptr && (axioms_ & kCrossCheck)) {
      const lkmm::Verdict u = lkmm::check(l_->x, axioms);
      if (u.failed != v.failed || u.data_race != v.data_race || u.race_a != v.race_a ||
          u.race_b != v.race_b) {
        ++stats_->mismatches;
      }
    }
    if (!v.consistent()) return;
    ++stats_->consistent;
    Final f;
    f.threads = ts_;
    f.data_race = v.data_race;
    f.race_a = v.race_a, f.race_b = v.race_b;
    f.base = l_->base;
    f.execution = &l_->x;
    for (size_t loc = 0; loc < l_->writes.size(); ++loc)
      f.memory.push_back(l_->x.ev[last_[loc]].value);
    cb_(f);
  }

  lkmm::Checker* checker_;  // null: lkmm::check (the reference enumeration)
  std::vector<int>& src_;
  std::vector<lkmm::Set>& before_;
  std::vector<int>& rmw_next_;
  std::vector<int>& last_;
  Layout* l_;
  uint32_t axioms_;
  const std::vector<const Trace*>& ts_;
  const std::function<void(const Final&)>& cb_;
  Stats* stats_;
  Stop* stop_;
  bool prune_rmw_;
  lkmm::Set rmw_read_;  // writes an RMW that stores already reads from
  lkmm::Rel po_loc_;    // of the events, which every order of the search shares
  bool prune_co_;       // forced_orders(): when coherence and atomicity are both checked
  lkmm::Set placed_;    // the writes of the location being ordered already placed
};

}  // namespace

struct Judging::Buffers {
  Layout layout;
  SearchBuffers search;
};
Judging::Judging() : buffers(std::make_unique<Buffers>()) {}
Judging::~Judging() = default;

void append_thread(const Trace& t, Execution* x) {
  const int base = static_cast<int>(x->ev.size());
  auto add = [base](lkmm::Rel* r, const lkmm_thread::Pairs& pairs) {
    for (auto [a, b] : pairs) r->add(base + a, base + b);
  };
  x->ev.insert(x->ev.end(), t.ev.begin(), t.ev.end());
  add(&x->rmw, t.rmw), add(&x->addr, t.addr), add(&x->data, t.data), add(&x->ctrl, t.ctrl);
  add(&x->rcu_rscs, t.rscs);
}

bool judge_fixed_rf(const std::vector<const Trace*>& ts, const std::vector<int64_t>& init,
                    const std::vector<std::vector<int>>& rf, uint32_t axioms,
                    const std::function<void(const Final&)>& on_consistent, Stats* stats,
                    Error* err, Stop* stop, Judging* judging) {
  Layout& l = judging->buffers->layout;
  l.x.ev.clear(), l.reads.clear(), l.base.clear();  // the vectors keep their memory
  if (!build(ts, init, &l, err)) return false;
  l.rf_choices.resize(l.reads.size());
  size_t k = 0;
  for (size_t t = 0; t < ts.size(); ++t) {
    for (size_t i = 0; i < ts[t]->ev.size(); ++i) {
      if (ts[t]->ev[i].kind == Kind::kRead) l.rf_choices[k++].assign(1, rf[t][i]);
    }
  }
  Search(&l, axioms, ts, on_consistent, stats, stop, &judging->buffers->search, &judging->checker)
      .rf(0);
  stats->skeletons = judging->checker.skeletons();
  return true;
}

bool enumerate(size_t threads, const std::vector<int64_t>& init, const ThreadPaths& thread_paths,
               uint32_t axioms, const std::function<void(const Final&)>& on_consistent,
               Stats* stats, Error* err, Stop* stop, Workers workers) {
  if (axioms & kExplore) {
    return explore(threads, init, thread_paths, axioms, on_consistent, stats, err, stop, workers);
  }
  Paths paths;
  if (!domains_and_paths(threads, init, thread_paths, &paths, err)) return false;
  for (const auto& p : paths) stats->runs += p.size();
  for (const auto& p : paths) {
    if (p.empty()) return true;  // a thread with no path that completes: no execution at all
  }
  std::vector<size_t> pick(paths.size(), 0);
  for (;;) {
    // Checked before each combination, so a stop after the very last execution leaves the
    // enumeration complete.
    if (stop != nullptr && stop->now()) return true;
    std::vector<const Trace*> ts;
    for (size_t p = 0; p < paths.size(); ++p) ts.push_back(&paths[p][pick[p]]);
    Layout l;
    if (!build(ts, init, &l, err)) return false;
    SearchBuffers buffers;
    if (rf_choices(&l)) Search(&l, axioms, ts, on_consistent, stats, stop, &buffers).rf(0);
    size_t k = paths.size();
    while (k-- > 0 && ++pick[k] == paths[k].size()) pick[k] = 0;
    if (k == static_cast<size_t>(-1)) return true;
  }
}

bool enumerate(const std::vector<lkmm_thread::Body>& bodies, const lkmm_thread::Layout& layout,
               uint32_t axioms, const std::function<void(const Final&)>& on_consistent,
               Stats* stats, Error* err, Stop* stop, Workers workers) {
  auto thread_paths = [&](int p, const Domain& domain, std::vector<Trace>* out, Error* e) {
    return lkmm_thread::paths(bodies[p], p, layout, domain, kMaxPaths, out, e);
  };
  return enumerate(bodies.size(), layout.init, thread_paths, axioms, on_consistent, stats, err,
                   stop, workers);
}

}  // namespace ravel::litmus::lkmm_enum
