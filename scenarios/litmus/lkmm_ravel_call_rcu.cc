// scenarios/litmus/lkmm_ravel_call_rcu.cc: call_rcu(), call_srcu(), rcu_barrier() and
// srcu_barrier() under lkmm (see lkmm_ravel_rcu_free.cc, whose callback threads these reuse).
//
// Design note. call_rcu(head, fn) (kernel/rcu/tree.c __call_rcu) and call_srcu(ssp, head, fn)
// (srcutree.c __call_srcu) queue fn(head) to run after a grace period of their domain that
// starts after the call. As a kfree_rcu() site, each call site is one callback thread
// ("rcu_cb<n>", "srcu_cb<n>": the first numbers no other callback has) and two locations: the
// head the call stored, and a flag it writes with RELEASE after it (the enqueue is ordered after
// what the caller did), inside what orders an enqueue against a barrier (enqueue_locked()). The
// callback reads the flag with ACQUIRE (0: idle, never queued), runs its domain's grace period
// (Sync-rcu, or Sync-srcu on the struct: linux-kernel.bell), reads the head and calls fn(head):
// an RCU callback in softirq context (rcu_do_batch() runs from RCU_SOFTIRQ; sc's
// model/grace_period.cc flavor.enter), so a lock taken there is lockdep's {IN-SOFTIRQ-W} and
// one also taken with BHs enabled is "inconsistent lock state" (lkmm_ravel_irq.cc IrqUsage);
// an SRCU callback with BHs disabled in a workqueue (rcu_cb_fn()). Sleeping in either is sc's
// atomic-sleep, refused.
// rcu_barrier() and srcu_barrier(ssp) wait for every callback of their domain queued before
// them (rcu_barrier() entrains a callback behind each CPU's list): per site of the domain, an
// ACQUIRE read of the flag under that same ordering (0: not queued yet, nothing to wait for;
// kfree_rcu() sites and freed fences too, as sc's barrier waits for them), then an ACQUIRE read of
// the callback's `done`, written with RELEASE after fn returns; 0 waits there, as flush_work()
// does (a hang when it never comes). In `final` every queued callback has run: a barrier there
// orders nothing. The callback function must be named (a defined function), the srcu_struct a
// global's address; a site called twice in one execution is refused (one thread per site), as
// are call_rcu() and call_srcu() in init or final.
#include "scenarios/interp/interp.h"
#include "scenarios/lang/builtins.h"
#include "scenarios/litmus/lkmm_ravel_eval.h"

namespace ravel::litmus::lkmm_ravel {

namespace {

// call_rcu(head, fn), call_srcu(ssp, head, fn): the callback's argument index.
size_t cb_arg(const lang::Expr* e) { return e->args.size() - 1; }
bool is_srcu(const std::string& n) { return n == "call_srcu"; }

// The srcu_struct global `a` takes the address of (&s), else -1.
int srcu_global(const Layout& lay, const lang::Expr* a) {
  if (a->kind != lang::ExprKind::kUnary || a->op != lang::Tok::kAmp ||
      a->a->kind != lang::ExprKind::kIdent || a->a->bind.kind != lang::Binding::Kind::kGlobal) {
    return -1;
  }
  return lay.loc_of_global[a->a->bind.index];
}

// prefix + the first number from *n that no thread of `lay` has (kfree_rcu() sites and freed
// fences are "rcu_cb<n>" too); *n moves past it.
std::string unused_name(const Layout& lay, const std::string& prefix, int* n) {
  for (;; ++*n) {
    const std::string name = prefix + std::to_string(*n);
    bool used = false;
    for (const lang::Task& t : lay.work_tasks) used = used || t.name == name;
    if (!used) return ++*n, name;
  }
}

void add_sites(const lang::Program& prog, const std::string& name, Layout* lay, Error* err) {
  std::vector<const lang::Expr*> found;
  for (const lang::Task& t : prog.tasks) calls_of(t.body.block, name, &found);
  for (const lang::Function& fn : prog.functions) calls_of(fn.body.block, name, &found);
  int n = 0;
  for (const lang::Expr* e : found) {
    const lang::Expr* fa = e->args[cb_arg(e)];
    const int fi = named_function(prog, fa);
    if (fi < 0 || !prog.functions[fi].defined) {
      *err = Error{fa->pos, name +
                                "()'s callback is modelled under lkmm only as the name of a "
                                "defined function"};
      return;
    }
    Layout::Work w;
    w.cb = &prog.functions[fi];
    if (is_srcu(name) && (w.srcu = srcu_global(*lay, e->args[0])) < 0) {
      *err = Error{e->args[0]->pos,
                   "call_srcu() is modelled under lkmm only on &s, s a global srcu_struct"};
      return;
    }
    if (w.srcu >= 0 && lay->srcu_cb_lock.count(w.srcu) == 0) {
      const int lock = static_cast<int>(lay->names.size());
      lay->names.push_back(lay->names[w.srcu] + ".cb_lock");
      lay->srcu_cb_lock[w.srcu] = lock;
      lay->quiet_locks.insert(lock);
    }
    const std::string task = unused_name(*lay, is_srcu(name) ? "srcu_cb" : "rcu_cb", &n);
    add_rcu_site(lay, w, name + at_site(found, e), ".head", e->pos, task);
  }
}

}  // namespace

bool call_rcu_builtin_name(const std::string& n) {
  return n == "call_rcu" || n == "call_srcu" || n == "rcu_barrier" || n == "srcu_barrier";
}

bool add_rcu_callbacks(const lang::Program& prog, Layout* lay, Error* err) {
  *err = Error{};
  add_sites(prog, "call_rcu", lay, err);
  if (err->message.empty()) add_sites(prog, "call_srcu", lay, err);
  if (!err->message.empty()) return false;
  if (!interp::calls_builtin(prog, "rcu_barrier") && !interp::calls_builtin(prog, "srcu_barrier"))
    return true;
  for (Layout::Work& w : lay->works) {  // every RCU callback: kfree_rcu's and fences' too
    if (w.fn != nullptr) continue;
    w.done = static_cast<int>(lay->names.size());
    lay->names.push_back(lay->names[w.pending] + ".done");
  }
  return true;
}

bool Eval::call_rcu(const std::string& n, const Expr* e, Frame& f) {
  if (!call_rcu_builtin_name(n)) return false;
  if (n == "rcu_barrier" || n == "srcu_barrier") return rcu_barrier(n, e, f), true;
  if (seq_ != nullptr) refuse(e->pos, n + "() in init or final is not modelled under lkmm");
  const int srcu = n == "call_srcu" ? pointer_arg(e->args[0], f).first : -1;
  const Val head = eval(e->args[cb_arg(e) - 1], f);
  if (!em_.is_address(head.v)) refuse(e->pos, n + "() of a head that is not an rcu_head (lkmm)");
  // __call_rcu_common() links the head into the callback list: KASAN checks the object it is
  // in (sc's gp_queue_callback() slab_check()).
  kasan(em_.location(head).first, head.deps, n.c_str(), e->pos);
  for (const Layout::Work& w : lay_.works) {
    if (w.cb == nullptr || pos_key(w.pos) != pos_key(e->pos)) continue;
    if (w.srcu != srcu) refuse(e->pos, "call_srcu()'s srcu_struct changed (lkmm)");
    enqueue_locked(w, true, e->pos);
    em_.write(w.ptr, lkmm::kOnce, head, 0);
    em_.trace.work_queue |= uint64_t{1} << em_.trace.ev.size();
    em_.write(w.pending, lkmm::kOnce | lkmm::kRelease, Val{1, 0}, 0);
    enqueue_locked(w, false, e->pos);
    sync();
    return true;
  }
  refuse(e->pos, "a " + n + "() site not found (lkmm)");
}

// What orders an enqueue against a barrier (see the design note): call_rcu()'s length update
// is fully ordered, smp_mb() before and after (kernel/rcu/rcu_segcblist.c
// rcu_segcblist_add_len(), so that rcu_barrier()'s lockless sample of ->len never misses a
// queued callback); call_srcu() enqueues under the srcu_data lock that srcu_barrier() takes
// too (srcutree.c srcu_gp_start_if_needed(), srcu_barrier_one_cpu()): here one LKMM lock per
// srcu_struct (Layout::srcu_cb_lock), which lockdep does not see, as sc's model has none.
void Eval::enqueue_locked(const Layout::Work& w, bool start, lang::Pos pos) {
  if (w.srcu < 0) return em_.fence(lkmm::Fence::kMb);
  em_.lock(start ? "spin_lock" : "spin_unlock", lay_.srcu_cb_lock.at(w.srcu), 0, pos);
}

// See the design note: the queued callbacks of the domain, sampled under the enqueues'
// ordering, then a flush of each.
void Eval::rcu_barrier(const std::string& n, const Expr* e, Frame& f) {
  const int srcu = n == "srcu_barrier" ? pointer_arg(e->args[0], f).first : -1;
  if (seq_ != nullptr) return;  // final: every queued callback ran (init queues none)
  if (rcu_depth_ > 0 || !held_.empty()) {
    refuse(e->pos, n + "() inside an RCU read-side section or under a lock is not modelled "
                       "under lkmm (sc reports it)");
  }
  std::vector<const Layout::Work*> sites, queued;
  for (const Layout::Work& w : lay_.works) {
    if (w.fn == nullptr && w.srcu == srcu) sites.push_back(&w);
  }
  if (sites.empty()) return;
  // RCU: rcu_barrier()'s smp_mb() before the sample; SRCU: the srcu_data lock around it.
  const Layout::Work& any = *sites.front();
  enqueue_locked(any, true, e->pos);
  for (const Layout::Work* w : sites) {
    if (em_.read(w->pending, lkmm::kOnce | lkmm::kAcquire, 0).v != 0) queued.push_back(w);
  }
  if (srcu >= 0) enqueue_locked(any, false, e->pos);
  for (const Layout::Work* w : queued) {
    const uint64_t at = em_.trace.ev.size();
    if (em_.read(w->done, lkmm::kOnce | lkmm::kAcquire, 0).v != 0) continue;
    lay_.note(&lay_.waits, pos_key(e->pos), n);
    block(e->pos, at, at + 1);
  }
  sync();
}

// The callback's part after the grace period: the head, then fn(head) in softirq context
// (rcu_do_batch() runs from RCU_SOFTIRQ) or, for SRCU, with BHs disabled in a workqueue
// (srcu_invoke_callbacks(): local_bh_disable() around each callback, not softirq context, so
// its locks are not {IN-SOFTIRQ-W}; sc's model/srcu.cc callback_enter()).
void Eval::rcu_cb_fn(const Layout::Work& w) {
  const Val head = em_.read(w.ptr, lkmm::kOnce, 0);
  em_.location(head);  // another value than the call's store: an inconsistent candidate
  const bool srcu = w.srcu >= 0;
  if (srcu) ++bh_;
  softirq_ = !srcu;
  rcu_reader();  // BHs disabled: an RCU reader under flavor consolidation (sc's rcu_reader())
  invoke(*w.cb, {head}, w.pos);
  if (srcu) --bh_;
  softirq_ = false;
  rcu_reader();
  if (!held_.empty() || rcu_depth_ != 0 || !srcu_held_.empty()) {
    refuse(w.pos,
           "an RCU callback that returns with a lock held or an RCU or SRCU read-side "
           "section open is not modelled under lkmm (sc reports it)");
  }
}

}  // namespace ravel::litmus::lkmm_ravel
