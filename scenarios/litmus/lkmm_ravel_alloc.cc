// scenarios/litmus/lkmm_ravel_alloc.cc: kzalloc in a thread under --memory-model lkmm (see
// lkmm_ravel_heap.cc for the objects, their KASAN ghost and kfree) and the lockdep map
// fs_reclaim that a GFP_KERNEL allocation takes.
//
// Design note. Locations are reserved per allocation site before any path runs, so a site in a
// thread's own code (not in a function, which several tasks or one loop may run) is one object,
// and a path that reaches it a second time (a loop) is refused. The allocation is the
// allocating thread's marked write of the ghost (alive), then its plain stores of 0 to every
// location of the object: kzalloc()'s memset, which a publication without a release does not
// order before another thread's reads (the initial state, 0 as well, stands for the memory
// before the zeroing, which such a reader may still see: the LKMM's data race). Another thread
// only reaches the object through a pointer it read, whose ghost read (KASAN's shadow) carries
// the address dependency. mm/page_alloc.c: a GFP_KERNEL allocation may enter direct reclaim, and
// might_alloc() (fs_reclaim_acquire()/fs_reclaim_release(), __need_reclaim(): a gfp with
// __GFP_DIRECT_RECLAIM and __GFP_FS) takes the lockdep map fs_reclaim exclusively and releases
// it, whether reclaim happens or not; GFP_NOWAIT and GFP_ATOMIC do neither. sc's model
// (model/slab.cc alloc_op(), model/shrinker.cc gfp_reclaim_begin()) does the same. The map is a
// location nobody writes (relaxed reads carrying Trace::rw_take/rw_release, as
// lkmm_ravel_signalling.cc's dma_fence_map), and dma_resv_lockdep()'s boot order
// (reservation_ww_class_mutex -> fs_reclaim -> dma_fence_map) is primed through it
// (boot_lock_order, lkmm_ravel_resv.cc): a GFP_KERNEL allocation inside a fence signalling
// section closes that cycle, as under sc.
#include "scenarios/lang/builtins.h"
#include "scenarios/litmus/lkmm_ravel_eval.h"

namespace ravel::litmus::lkmm_ravel {
namespace {

constexpr int64_t kGfpKernel = 0xcc0, kGfpNowait = 0x800, kGfpAtomic = 0xa20;  // constants.cc

bool has_kzalloc(const lang::Expr* e) {
  if (e == nullptr) return false;
  if (e->kind == lang::ExprKind::kCall && e->a->bind.kind == lang::Binding::Kind::kBuiltin &&
      lang::builtins()[e->a->bind.index].name == "kzalloc")
    return true;
  if (has_kzalloc(e->a) || has_kzalloc(e->b) || has_kzalloc(e->c)) return true;
  for (const lang::Expr* a : e->args) {
    if (has_kzalloc(a)) return true;
  }
  return false;
}

bool has_kzalloc(const lang::Stmt* s) {
  if (s == nullptr) return false;
  for (const lang::VarDecl* d : s->decls) {
    if (d->init != nullptr && has_kzalloc(d->init->expr)) return true;
  }
  if (has_kzalloc(s->expr) || has_kzalloc(s->step)) return true;
  if (has_kzalloc(s->init) || has_kzalloc(s->body) || has_kzalloc(s->else_body)) return true;
  for (const lang::Stmt* b : s->stmts) {
    if (has_kzalloc(b)) return true;
  }
  return false;
}

}  // namespace

// fs_reclaim exists when a thread allocates (with any gfp: the location is cheap).
void add_alloc_map(const lang::Program& prog, Layout* lay) {
  bool any = false;
  for (const lang::Task& t : prog.tasks) any = any || has_kzalloc(t.body.block);
  if (!any) return;
  lay->fs_reclaim = static_cast<int>(lay->names.size());
  lay->names.push_back("fs_reclaim");
}

// might_alloc(gfp)'s fs_reclaim_acquire() + fs_reclaim_release(): an exclusive acquisition of
// the map, released at once.
void Eval::fs_reclaim() {
  if (lay_.fs_reclaim < 0) return;
  em_.read(lay_.fs_reclaim, lkmm::kOnce, 0);
  em_.trace.rw_take |= uint64_t{1} << (em_.trace.ev.size() - 1);
  sync();
  em_.read(lay_.fs_reclaim, lkmm::kOnce, 0);
  em_.trace.rw_release |= uint64_t{1} << (em_.trace.ev.size() - 1);
  sync();
}

// kzalloc(struct T, gfp) in a thread: might_alloc(), then the site's object, alive and zeroed.
Val Eval::alloc_in_thread(const Expr* e, Frame& f) {
  if (!held_.empty() || rcu_depth_ > 0 || irq_->in_handler || !irq_->enabled) {
    refuse(e->pos,
           "kzalloc in a thread under a lock, in an RCU read-side section, in an irq handler or "
           "with interrupts disabled is not modelled under lkmm (sc checks its sleep and "
           "lockdep)");
  }
  const Val gfp = e->args.size() > 1 ? eval(e->args[1], f) : Val{kGfpKernel, 0};
  if (gfp.v != kGfpKernel && gfp.v != kGfpNowait && gfp.v != kGfpAtomic)
    refuse(e->pos, "kzalloc with gfp flags other than GFP_KERNEL, GFP_NOWAIT, GFP_ATOMIC");
  for (const Layout::Heap& h : lay_.heaps) {
    if (h.site != e) continue;
    if (!allocated_.insert(e).second)
      refuse_if_consistent(e->pos, "a kzalloc site executed twice is not modelled under lkmm");
    if (gfp.v == kGfpKernel) fs_reclaim();
    em_.write(h.ghost, lkmm::kOnce, Val{kAlive, 0}, 0);
    for (int l = h.base; l < h.ghost; ++l) em_.write(l, 0, Val{0, 0}, 0);  // the memset
    sync();
    return Val{lkmm_thread::kAddrBase + h.base, 0};
  }
  refuse(e->pos, "kzalloc outside a thread's or init's own code is not modelled under lkmm");
}

}  // namespace ravel::litmus::lkmm_ravel
