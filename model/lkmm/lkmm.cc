// model/lkmm/lkmm.cc: the relations and constraints of linux-kernel.cat (see lkmm.h).
//
// Every function below computes one relation of the cat file; the comment gives its name and
// says in words what it captures. Sets are event masks (rel.h); `[S] ; r ; [T]` is
// r.dom(S).rng(T).
#include "model/lkmm/lkmm.h"

#include <optional>
#include <vector>

namespace ravel::lkmm {
namespace {

// The event sets and base relations everything else is built from.
struct Base {
  int n = 0;
  Set all, R, W, M, IW;
  Set marked, plain;
  Set acquire, release, noreturn, rmw_insn, mb_r, mb_w;
  Set lkw, lkr, ul, srcu_lock, srcu_unlock;
  Set fence[16];  // fence events by Fence kind
  Rel po, loc, intl, ext;
  Rel rf, co, fr, rmw, addr, data, ctrl;
  Rel rcu_rscs, srcu_rscs;
};

bool has(const Event& e, uint32_t t) { return (e.tags & t) != 0; }

void event_sets(const Execution& x, Base* b) {
  for (int i = 0; i < b->n; ++i) {
    const Event& e = x.ev[i];
    Set s = bit(i);
    b->all |= s;
    if (e.kind == Kind::kRead) b->R |= s;
    if (e.kind == Kind::kWrite) b->W |= s;
    if (e.kind == Kind::kFence) b->fence[static_cast<int>(e.fence)] |= s;
    if (has(e, kInit)) b->IW |= s;
    if (has(e, kAcquire | kLockR)) b->acquire |= s;   // lock.cat: Acquire includes LKR
    if (has(e, kRelease | kUnlock)) b->release |= s;  // lock.cat: Release includes UL
    if (has(e, kNoreturn)) b->noreturn |= s;
    if (has(e, kRmwInsn)) b->rmw_insn |= s;
    if (has(e, kMbTag) && e.kind == Kind::kRead) b->mb_r |= s;
    if (has(e, kMbTag) && e.kind == Kind::kWrite) b->mb_w |= s;
    if (has(e, kLockW)) b->lkw |= s;
    if (has(e, kLockR)) b->lkr |= s;
    if (has(e, kUnlock)) b->ul |= s;
    if (has(e, kSrcuLock)) b->srcu_lock |= s;
    if (has(e, kSrcuUnlock)) b->srcu_unlock |= s;
  }
  b->M = b->R | b->W;
}

void marked_sets(const Execution& x, Base* b) {
  b->marked = marked_events(x);
  b->plain = b->M & ~b->marked;
}

// The events of each thread and of each location: the rows of int and loc, built in one pass
// rather than pair by pair (every candidate execution builds them).
struct Groups {
  std::vector<Set> thread, loc;
};

Groups groups(const Execution& x) {
  Groups g;
  for (int i = 0; i < static_cast<int>(x.ev.size()); ++i) {
    const Event& e = x.ev[i];
    if (e.thread >= 0) {
      if (e.thread >= static_cast<int>(g.thread.size())) g.thread.resize(e.thread + 1);
      g.thread[e.thread].set(i);
    }
    if (e.loc >= 0) {
      if (e.loc >= static_cast<int>(g.loc.size())) g.loc.resize(e.loc + 1);
      g.loc[e.loc].set(i);
    }
  }
  return g;
}

// po (program order), loc (same location), int/ext (same thread or not; initial writes belong
// to no thread, so they are external to everything, themselves included).
void structure(const Execution& x, Base* b) {
  const Groups g = groups(x);
  for (int i = 0; i < b->n; ++i) {
    const Event& e = x.ev[i];
    const Set same = e.thread >= 0 ? g.thread[e.thread] : Set();
    b->intl.set_row(i, same);
    b->ext.set_row(i, b->all & ~same);
    b->po.set_row(i, same & Set::after(i));
    if (e.loc >= 0) b->loc.set_row(i, g.loc[e.loc]);
  }
}

Base make_base(const Execution& x) {
  Base b;
  b.n = static_cast<int>(x.ev.size());
  // Every relation has the execution's events as its universe (rel.h: opt and star).
  const Rel none(b.n);
  b.po = b.loc = b.intl = b.ext = none;
  event_sets(x, &b);
  structure(x, &b);
  b.rf = none | x.rf;
  b.co = none | x.co;
  b.fr = b.rf.inv().seq(b.co);  // fr: a read is before every write co-after the one it read
  b.rmw = none | x.rmw;
  b.rcu_rscs = none | x.rcu_rscs;
  marked_sets(x, &b);
  // srcu-rscs: an srcu_read_lock (or srcu_down_read) is matched with the unlock of the same
  // srcu_struct that is handed the index it returned, through registers or through memory
  // (carry-srcu-data = (data ; [~Srcu-unlock] ; rf)*), possibly on another thread.
  const Rel data = none | x.data;
  Rel carry_srcu = data.rng(~b.srcu_unlock).seq(b.rf).star();
  b.srcu_rscs = carry_srcu.dom(b.srcu_lock).seq(data).rng(b.srcu_unlock) & b.loc;
  // The bell file then extends dependencies through memory: a value stored and read back by
  // the same thread keeps depending on what it was computed from (carry-dep, dep+plain.litmus).
  Rel carry = data.rng(~b.srcu_unlock).seq(b.rf & b.intl).star();
  b.addr = carry.seq(none | x.addr);
  b.data = carry.seq(data);
  b.ctrl = carry.seq(none | x.ctrl);
  return b;
}

Set fences(const Base& b, Fence f) { return b.fence[static_cast<int>(f)]; }

// fencerel(S) = po ; [S] ; po: from before a fence of kind S to after it.
Rel fencerel(const Base& b, Set s) { return b.po.rng(s).seq(b.po); }

// po-unlock-lock-po: a lock handover seen from one thread, from before an unlock to after a
// later lock of the same thread or to after the lock that read from it.
Rel po_unlock_lock_po(const Base& b) {
  return b.po.rng(b.ul).seq((b.po | b.rf).rng(b.lkr)).seq(b.po);
}

// mb: what smp_mb() orders, and everything the kernel documents as acting like it: fully
// ordered RMWs (their Mb-tagged halves), smp_mb__before_atomic/__after_atomic around an RMW,
// smp_mb__after_spinlock after a lock, smp_mb__after_unlock_lock after a handover,
// smp_mb__after_srcu_read_unlock after srcu_read_unlock.
Rel mb(const Base& b) {
  Set M = b.M;
  Rel po_opt = b.po.opt();
  Rel r = fencerel(b, fences(b, Fence::kMb)).dom(M).rng(M);
  r = r | b.po.dom(M).rng(b.mb_r) | b.po.dom(b.mb_w).rng(M);
  r = r | fencerel(b, fences(b, Fence::kBeforeAtomic)).dom(M).rng(b.rmw_insn).seq(po_opt).rng(M);
  r = r | po_opt.dom(M).rng(b.rmw_insn).seq(fencerel(b, fences(b, Fence::kAfterAtomic))).rng(M);
  r = r | po_opt.dom(M).rng(b.lkw).seq(fencerel(b, fences(b, Fence::kAfterSpinlock))).rng(M);
  r = r | po_unlock_lock_po(b).dom(M).rng(fences(b, Fence::kAfterUnlockLock)).seq(b.po).rng(M);
  r = r | po_opt.dom(M)
              .rng(b.srcu_unlock)
              .seq(fencerel(b, fences(b, Fence::kAfterSrcuReadUnlock)))
              .rng(M);
  return r;
}

// The fence relations before RCU is taken into account (the cat file redefines fence and
// strong-fence after rb; the earlier definitions are the ones ppo, cumul-fence and pb use).
struct Fences {
  Rel acq_po, po_rel, rmb, wmb, mb, gp, strong, nonrw, fence, pulp;
};

Fences make_fences(const Base& b) {
  Fences f;
  f.acq_po = b.po.dom(b.acquire).rng(b.M);  // acq-po: an acquire before what follows it
  f.po_rel = b.po.dom(b.M).rng(b.release);  // po-rel: what precedes a release before it
  Set r4rmb = b.R & ~b.noreturn;            // R4rmb: reads smp_rmb() orders
  f.rmb = fencerel(b, fences(b, Fence::kRmb)).dom(r4rmb).rng(r4rmb);
  f.wmb = fencerel(b, fences(b, Fence::kWmb)).dom(b.W).rng(b.W);
  f.mb = mb(b);
  // gp: a grace period (synchronize_rcu/srcu) orders what precedes it before what follows.
  f.gp = b.po.rng(fences(b, Fence::kSyncRcu) | fences(b, Fence::kSyncSrcu)).seq(b.po.opt());
  f.strong = f.mb | f.gp;
  f.nonrw = f.strong | f.po_rel | f.acq_po;
  f.fence = f.nonrw | f.wmb | f.rmb;
  f.pulp = po_unlock_lock_po(b);
  return f;
}

// ppo (preserved program order): what one CPU cannot reorder. to-r: an address dependency to
// a read, or a dependency to a marked write read back by its own thread; to-w: any dependency
// (or control dependency) to a write, a write or read overwritten on its own thread, an
// address dependency to a plain access followed by smp_wmb(); plus fences and lock handovers
// within the thread.
Rel ppo(const Base& b, const Fences& f) {
  Rel dep = b.addr | b.data;
  Rel rfi = b.rf & b.intl;
  Rel to_r = b.addr.rng(b.R) | dep.rng(b.marked).seq(rfi);
  Rel overwrite = b.co | b.fr;
  Rel to_w = (dep | b.ctrl).rng(b.W) | (overwrite & b.intl) | b.addr.rng(b.plain).seq(f.wmb);
  return to_r | to_w | (f.fence & b.intl) | (f.pulp & b.intl);
}

// rmw-sequence = (rf ; rmw)*: a write followed by a chain of RMWs, each reading the previous.
Rel rmw_sequence(const Base& b) { return b.rf.seq(b.rmw).star(); }

// cumul-fence: the fences that order writes for every CPU: a strong fence or a release,
// A-cumulative (also covering a write read just before it: (rfe ; [Marked])? ; r), smp_wmb(),
// and lock handovers, extended through RMW chains.
Rel cumul_fence(const Base& b, const Fences& f) {
  Rel a_cumul = (b.rf & b.ext).rng(b.marked).opt().seq(f.strong | f.po_rel);
  return (a_cumul | f.wmb | f.pulp).dom(b.marked).rng(b.marked).seq(rmw_sequence(b));
}

// prop: how a write (or the write a read was overwritten by) propagates: an optional external
// co/fr step, fences that carry it along, and an optional external read of it.
Rel prop(const Base& b, const Rel& cumul) {
  Rel overwrite_ext = (b.co | b.fr) & b.ext;
  Rel rfe = b.rf & b.ext;
  return overwrite_ext.opt()
      .dom(b.marked)
      .seq(cumul.star())
      .rng(b.marked)
      .seq(rfe.opt())
      .rng(b.marked);
}

// hb (happens-before): preserved program order, external reads-from, and prop within one
// thread (a write that must have propagated to the thread before one of its own events).
Rel hb(const Base& b, const Rel& ppo_r, const Rel& prop_r) {
  Rel intra = (prop_r - Rel::id(b.all, b.n)) & b.intl;
  return (ppo_r | (b.rf & b.ext) | intra).dom(b.marked).rng(b.marked);
}

// pb (propagates-before): a propagation followed by a strong fence and anything that happens
// after it.
Rel pb(const Base& b, const Rel& prop_r, const Fences& f, const Rel& hb_star) {
  return prop_r.seq(f.strong).seq(hb_star).rng(b.marked);
}

// rcu-order: sequences of grace periods and read-side critical sections (joined by rcu-link)
// with at least as many grace periods as critical sections; SRCU pieces must name the same
// srcu_struct (& loc). Computed as the least fixed point of the cat's recursive definition.
Rel rcu_order(const Base& b, const Rel& link) {
  Rel gp = Rel::id(fences(b, Fence::kSyncRcu), b.n);
  Rel sgp = Rel::id(fences(b, Fence::kSyncSrcu), b.n);
  Rel rscsi = b.rcu_rscs.inv();
  Rel srscsi = b.srcu_rscs.inv();
  Rel order = gp | sgp;
  for (;;) {
    Rel next = order | gp.seq(link).seq(rscsi) | rscsi.seq(link).seq(gp);
    next = next | (sgp.seq(link).seq(srscsi) & b.loc) | (srscsi.seq(link).seq(sgp) & b.loc);
    Rel mid = link.seq(order).seq(link);
    next = next | gp.seq(mid).seq(rscsi) | rscsi.seq(mid).seq(gp);
    next = next | (sgp.seq(mid).seq(srscsi) & b.loc) | (srscsi.seq(mid).seq(sgp) & b.loc);
    next = next | order.seq(link).seq(order);
    if (next == order) return order;
    order = next;
  }
}

// The relations the RCU constraint and the plain-access section share.
struct Temporal {
  Fences f;
  Rel cumul, prop, hb, hb_star, pb, pb_star, rcu_fence, rb;
};

// rcu-fence = po ; rcu-order ; po?, and rb: a propagation followed by an RCU fence and
// anything after it (the RCU analogue of pb).
void rcu_relations(const Base& b, Temporal* t) {
  // Without a grace period rcu-order is empty (each of its terms starts or ends at one, or at
  // rcu-order itself), and so are rcu-fence and rb: most executions have none.
  if (!(fences(b, Fence::kSyncRcu) | fences(b, Fence::kSyncSrcu)).any()) {
    t->rcu_fence = t->rb = Rel(b.n);
    return;
  }
  Rel link = b.po.opt().seq(t->hb_star).seq(t->pb_star).seq(t->prop).seq(b.po);  // rcu-link
  t->rcu_fence = b.po.seq(rcu_order(b, link)).seq(b.po.opt());
  t->rb = t->prop.seq(t->rcu_fence).seq(t->hb_star).seq(t->pb_star).rng(b.marked);
}

// The plain-access section's relations that depend on the skeleton only (lkmm.h): every
// candidate of the skeleton meets them with its own rf, co and fr (plain_verdict()).
void plain_relations(const Base& b, const Temporal& t, Skeleton* s) {
  s->plain = true;
  const Fences& f = t.f;
  Rel fence = f.fence | t.rcu_fence;  // the redefinitions after rb
  Rel strong = f.strong | t.rcu_fence;
  Rel xbstar = (t.hb | t.pb | t.rb).star();
  Rel marked = Rel::id(b.marked, b.n);
  Rel vis = t.cumul.star()
                .seq((b.rf & b.ext).opt())
                .rng(b.marked)
                .seq(strong.rng(b.marked).seq(xbstar) | (xbstar & b.intl));
  Set r4rmb = b.R & ~b.noreturn;
  Rel rmb_any = fencerel(b, fences(b, Fence::kRmb));
  Rel w_pre = marked.seq((b.addr | fence).opt());  // w-pre-bounded
  Rel r_pre = marked.seq((b.addr | f.nonrw | rmb_any.dom(r4rmb).rng(~b.noreturn)).opt());
  Rel w_post = fence.opt().rng(b.marked).seq(rmw_sequence(b));  // w-post-bounded
  Rel r_post = (f.nonrw | rmb_any.dom(~b.noreturn).rng(r4rmb)).opt().rng(b.marked);
  Rel ww_vis = fence | strong.seq(xbstar).seq(w_pre) | w_post.seq(vis).seq(w_pre);
  s->wr_vis = fence | strong.seq(xbstar).seq(r_pre) | w_post.seq(vis).seq(r_pre);
  s->rw_xbstar = fence | r_post.seq(xbstar).seq(w_pre);
  s->rw_xbstar_inv = s->rw_xbstar.inv();
  s->wr_vis_inv = s->wr_vis.inv();
  s->ww_vis_inv = ww_vis.inv();
  s->ww_nonrace = ww_vis & (Rel::cross(b.marked, b.W, b.n) | s->rw_xbstar) &
                  (Rel::cross(b.W, b.marked, b.n) | s->wr_vis);
}

// The skeleton's first part: what only its events give (every candidate needs it).
void structure_part(const Base& b, Skeleton* s) {
  s->po_loc = b.po & b.loc;
  s->ext = b.ext;
  s->rmw = b.rmw;
  s->structured = true;
}

// The skeleton's second part: hb, pb and rb, and the verdicts of their constraints (for
// candidates that pass coherence and atomic). False when one fails.
bool temporal_part(const Base& b, uint32_t axioms, Skeleton* s, Temporal* t) {
  s->temporal = true;
  t->f = make_fences(b);
  t->cumul = cumul_fence(b, t->f);
  t->prop = prop(b, t->cumul);
  t->hb = hb(b, ppo(b, t->f), t->prop);
  if ((axioms & kHappensBefore) && !t->hb.acyclic()) return s->failed = kHappensBefore, false;
  t->hb_star = t->hb.star();
  t->pb = pb(b, t->prop, t->f, t->hb_star);
  if ((axioms & kPropagation) && !t->pb.acyclic()) return s->failed = kPropagation, false;
  t->pb_star = t->pb.star();
  rcu_relations(b, t);
  if ((axioms & kRcu) && !t->rb.irreflexive()) return s->failed = kRcu, false;
  // pre-race: two accesses of different threads, one of them plain (an initial write races
  // with nothing). Here, since only candidates that pass the constraints above need it.
  s->pre_race =
      b.ext & (Rel::cross(b.plain, b.M, b.n) | Rel::cross(b.M & ~b.IW, b.plain, b.n)) & b.loc;
  return true;
}

// plain-coherence and the data-race flag of one candidate, from the pre-race pairs in its co,
// fr and co ; rf (every incoherence and race is one) and the skeleton's plain relations.
void plain_verdict(const Skeleton& s, const Rel& rf, const Rel& pre_co, const Rel& pre_fr,
                   const Rel& pre_corf, uint32_t axioms, Verdict* v) {
  Rel wr_incoh = s.pre_race & rf & s.rw_xbstar_inv;
  Rel rw_incoh = pre_fr & s.wr_vis_inv;
  Rel ww_incoh = pre_co & s.ww_vis_inv;
  if ((axioms & kPlainCoherence) && !(wr_incoh | rw_incoh | ww_incoh).empty()) {
    v->failed = kPlainCoherence;
    return;
  }
  Rel ww_race = pre_co - s.ww_nonrace;
  Rel wr_race = (pre_corf - s.wr_vis) - s.rw_xbstar_inv;
  Rel rw_race = pre_fr - s.rw_xbstar;
  Rel races = ww_race | wr_race | rw_race;
  v->data_race = !races.empty();
  for (int a = 0; a < races.rows() && v->race_a < 0; ++a) {
    if (Set r = races.row(a)) v->race_a = a, v->race_b = r.first();
  }
}

}  // namespace

Rel po_loc(const Execution& x) {
  const int n = static_cast<int>(x.ev.size());
  const Groups g = groups(x);
  Rel out(n);
  for (int i = 0; i < n; ++i) {
    const Event& e = x.ev[i];
    if (e.thread >= 0 && e.loc >= 0) {
      out.set_row(i, g.thread[e.thread] & g.loc[e.loc] & Set::after(i));
    }
  }
  return out;
}

namespace {

// coherence: po-loc | com is acyclic (sequential consistency per variable).
bool com_acyclic(const Rel& po_loc, const Rel& rf, const Rel& co, const Rel& fr) {
  return (po_loc | rf | co | fr).acyclic();
}

}  // namespace

bool coherent(const Execution& x, const Rel& po_loc) {
  return com_acyclic(po_loc, x.rf, x.co, x.rf.inv().seq(x.co));
}

bool coherent(const Execution& x) { return coherent(x, po_loc(x)); }

const char* axiom_name(uint32_t axiom) {
  switch (axiom) {
    case kCoherence:
      return "coherence";
    case kAtomic:
      return "atomic";
    case kHappensBefore:
      return "happens-before";
    case kPropagation:
      return "propagation";
    case kRcu:
      return "rcu";
    case kPlainCoherence:
      return "plain-coherence";
  }
  return "?";
}

Set marked_events(const Execution& x) {
  // lock.cat: LKR is an Acquire and UL a Release; every lock and SRCU event is marked.
  const uint32_t tags = kInit | kOnce | kAcquire | kRelease | kLockR | kLockW | kUnlock |
                        kIsLocked | kSrcuLock | kSrcuUnlock;
  Set m = x.rmw.domain() | x.rmw.range();
  for (int i = 0; i < static_cast<int>(x.ev.size()); ++i) {
    if (x.ev[i].kind == Kind::kFence || has(x.ev[i], tags)) m.set(i);
  }
  return m;
}

namespace {

// One candidate's own relations: rf, co and fr, from its base when that was built (make_base
// computes them), else from x.
struct Com {
  Rel own[3];
  const Rel *rf, *co, *fr;
  Com(const Execution& x, const std::optional<Base>& base) {
    if (base) {
      rf = &base->rf, co = &base->co, fr = &base->fr;
      return;
    }
    const Rel none(static_cast<int>(x.ev.size()));
    own[0] = none | x.rf, own[1] = none | x.co;
    own[2] = own[0].inv().seq(own[1]);  // fr: a read is before every write co-after its write
    rf = &own[0], co = &own[1], fr = &own[2];
  }
};

// coherence (com_acyclic) and atomic (no external write comes between the read of an RMW and
// its write in co): the constraint that fails, or 0.
uint32_t per_location(const Skeleton& s, const std::optional<Base>& base, const Com& c,
                      uint32_t axioms) {
  const Rel po_loc = base ? base->po & base->loc : Rel();
  const Rel& pl = base ? po_loc : s.po_loc;
  if ((axioms & kCoherence) && !com_acyclic(pl, *c.rf, *c.co, *c.fr)) return kCoherence;
  const Rel& ext = base ? base->ext : s.ext;
  const Rel& rmw = base ? base->rmw : s.rmw;
  if ((axioms & kAtomic) && !(rmw & (*c.fr & ext).seq(*c.co & ext)).empty()) return kAtomic;
  return 0;
}

}  // namespace

Verdict judge(const Execution& x, uint32_t axioms, Skeleton* s) {
  Verdict v;
  std::optional<Base> base;  // built once, and only when a part of the skeleton is missing
  auto b = [&]() -> const Base& {
    if (!base) base = make_base(x);
    return *base;
  };
  if (!s->structured) {  // a new skeleton, or a candidate judged alone: its own base
    b();
    if (s->kept) structure_part(*base, s);
  }
  const Com c(x, base);
  if ((v.failed = per_location(*s, base, c, axioms)) != 0) return v;
  std::optional<Temporal> t;  // the same: hb, pb and rb, for the parts that need them
  auto temporal = [&]() -> const Temporal& {
    if (!t) {
      t.emplace();
      temporal_part(b(), axioms, s, &*t);
    }
    return *t;
  };
  if (!s->temporal) temporal();
  if (s->failed != 0) return v.failed = s->failed, v;
  // The plain-access section: nothing to judge without a pre-race pair in co, fr or co ; rf.
  if (s->pre_race.empty()) return v;
  const Rel pre_co = s->pre_race & *c.co, pre_fr = s->pre_race & *c.fr;
  const Rel pre_corf = s->pre_race & c.co->opt().seq(*c.rf);  // rf included
  if (pre_co.empty() && pre_fr.empty() && pre_corf.empty()) return v;
  if (!s->plain) plain_relations(b(), temporal(), s);
  plain_verdict(*s, *c.rf, pre_co, pre_fr, pre_corf, axioms, &v);
  return v;
}

Rel ppo_without_rf(const Execution& x) {
  Execution alone = x;
  const Rel none(static_cast<int>(x.ev.size()));
  alone.rf = none, alone.co = none;
  const Base b = make_base(alone);
  return ppo(b, make_fences(b)).dom(b.marked).rng(b.marked);
}

Verdict check(const Execution& x, uint32_t axioms) {
  Skeleton s;
  s.kept = false;  // judged alone: its first part is read from the base, not copied
  return judge(x, axioms, &s);
}

}  // namespace ravel::lkmm
