// scenarios/litmus/lkmm_ravel_rcu_free.cc: kfree_rcu() of a kzalloc'd object under lkmm (see
// lkmm_ravel_heap.cc for heap objects and lkmm_ravel_work.cc for the worker threads reused here).
//
// Design note. kfree_rcu(p, field) (include/linux/rcupdate.h kfree_rcu -> kvfree_call_rcu())
// queues p to be freed by an RCU callback, which runs only after a grace period that starts
// after the call: every reader that began before the call has finished. Like a work item, each
// call site is one extra thread, its callback ("rcu_cb0", ... by site), and two locations: a flag
// (the "queued" bit) and the pointer the call stored. The call writes the pointer, then the
// flag with RELEASE (the callback is enqueued on a per-CPU list that the grace-period machinery
// later reads: the enqueue is ordered after what the caller did). The callback reads the flag
// with ACQUIRE: 0, it is idle, never called or dropped as a work's idle worker is (a queued
// callback always runs); 1, synchronize_rcu() (the grace period), the pointer read, and kfree()
// as lkmm_ravel_heap.cc does it (the ghost's xchg, KASAN's double free). A site called twice in
// one execution is refused, as a work queued twice is (queued_twice()). kfree_rcu() in init or
// final is refused; so is one of a pointer that is not a kzalloc'd object (sc's model error).
// The call itself is KASAN-checked on the object (the rcu_head it links), as sc's is.
//
// dma_fence_free() (drivers/dma-buf/dma-fence.c: kfree_rcu(fence, rcu), the last put of a fence
// whose ops have no .release) frees the fence global the same way: such a fence gets a ghost
// (alive before init) and a callback of its own, and every access to its locations (the bit,
// error, inline lock, callback list, refcount, ops pointer) is preceded by a read of the ghost
// with the access's address dependencies (Emitter::before_access), as lkmm_ravel_heap.cc does
// for heap objects: a read that sees it freed is KASAN's use-after-free. The refcount reaches 0
// once (a get from 0 is refused), so the callback is queued at most once.
#include "scenarios/lang/builtins.h"
#include "scenarios/litmus/lkmm_ravel_eval.h"

namespace ravel::litmus::lkmm_ravel {

using lkmm_thread::kAddrBase;

// Every kfree_rcu() of the tasks and functions (init's and final's are refused when run).
void add_rcu_frees(const lang::Program& prog, Layout* lay) {
  std::vector<const lang::Expr*> found;
  for (const lang::Task& t : prog.tasks) calls_of(t.body.block, "kfree_rcu", &found);
  for (const lang::Function& fn : prog.functions) calls_of(fn.body.block, "kfree_rcu", &found);
  const size_t first = lay->work_tasks.size();
  for (const lang::Expr* e : found) {
    const std::string task = "rcu_cb" + std::to_string(lay->work_tasks.size() - first);  // sc's
    add_rcu_site(lay, Layout::Work{}, "kfree_rcu" + at_site(found, e), ".ptr", e->pos, task);
  }
}

std::string at_site(const std::vector<const lang::Expr*>& sites, const lang::Expr* e) {
  std::string at = "@" + std::to_string(e->pos.line);
  for (const lang::Expr* o : sites) {
    if (o != e && o->pos.line == e->pos.line) return at + ":" + std::to_string(e->pos.col);
  }
  return at;
}

void add_rcu_site(Layout* lay, Layout::Work w, const std::string& site,
                  const std::string& ptr_suffix, lang::Pos pos, const std::string& task) {
  w.pending = static_cast<int>(lay->names.size());
  lay->names.push_back(site);
  w.ptr = static_cast<int>(lay->names.size());
  lay->names.push_back(site + ptr_suffix);
  w.pos = pos;
  lay->works.push_back(w);
  lang::Task& t = lay->work_tasks.emplace_back();
  t.pos = pos;
  t.name = task;
  lay->threads.push_back(&t);
}

// kfree_rcu(p, field): NULL is a no-op (the kfree_rcu macro tests the pointer); otherwise p
// must be a kzalloc'd object's address. The pointer, then the RELEASE write of the flag (see
// the design note); the flag write counts as a queueing (Trace::work_queue).
void Eval::kfree_rcu(const Expr* e, Frame& f) {
  if (seq_ != nullptr) refuse(e->pos, "kfree_rcu() in init or final is not modelled under lkmm");
  Val p = eval(e->args[0], f);
  if (p.v == 0) return;
  const int64_t loc = p.v - kAddrBase;
  const int h = em_.is_address(p.v) ? lay_.heap_of[loc] : -1;
  if (h < 0 || lay_.heaps[h].base != loc)
    refuse(e->pos, "kfree_rcu of a pointer that is not a kzalloc'd object (sc's model error)");
  // kvfree_call_rcu() links the object's rcu_head: KASAN checks it (sc's queue_callback()).
  kasan(static_cast<int>(loc), p.deps, "kfree_rcu", e->pos);
  for (const Layout::Work& w : lay_.works) {
    if (w.fn != nullptr || pos_key(w.pos) != pos_key(e->pos)) continue;
    em_.write(w.ptr, lkmm::kOnce, p, 0);
    em_.trace.work_queue |= uint64_t{1} << em_.trace.ev.size();
    em_.write(w.pending, lkmm::kOnce | lkmm::kRelease, Val{1, 0}, 0);
    sync();
    return;
  }
  refuse(e->pos, "a kfree_rcu() site not found (lkmm)");
}

// The callback (rcu_do_batch() after the grace period, then kvfree()): the ACQUIRE read of the
// flag, idle on 0; synchronize_rcu()'s grace period; the pointer; kfree() on KASAN's ghost.
// A call_rcu() or call_srcu() site's callback waits for its domain's grace period, then calls
// its function (lkmm_ravel_call_rcu.cc). With a barrier in the scenario, a RELEASE write of
// done when it has run.
void Eval::rcu_callback(const Layout::Work& w) {
  em_.last_pos = w.pos;
  const uint64_t at = em_.trace.ev.size();
  if (em_.read(w.pending, lkmm::kOnce | lkmm::kAcquire, 0).v == 0) block(w.pos, at, at + 1);
  if (w.srcu >= 0) {
    em_.fence(lkmm::Fence::kSyncSrcu, w.srcu);
  } else {
    em_.fence(lkmm::Fence::kSyncRcu);
  }
  if (w.cb != nullptr) {
    rcu_cb_fn(w);
  } else if (w.ptr < 0) {
    free_ghost(w.ghost, 0, w.pos);  // dma_fence_free(): the fence's own
  } else {
    // Another value than the call's store is an inconsistent candidate: DeadPath on no address.
    Val p = em_.read(w.ptr, lkmm::kOnce, 0);
    const int loc = em_.location(p).first;
    const int h = loc < static_cast<int>(lay_.heap_of.size()) ? lay_.heap_of[loc] : -1;
    if (h < 0 || lay_.heaps[h].base != loc) refuse(w.pos, "kfree_rcu's pointer changed (lkmm)");
    free_ghost(lay_.heaps[h].ghost, p.deps, w.pos);
  }
  em_.last_pos = w.pos;
  if (w.done >= 0) em_.write(w.done, lkmm::kOnce | lkmm::kRelease, Val{1, 0}, 0);
}

void add_fence_frees(const lang::Program& prog, Layout* lay) {
  for (auto& [bit, fc] : lay->fences) {
    const bool no_release = fc.ops < 0 || lay->ops_tables.at(fc.table).release < 0;
    if (fc.ref < 0 || !no_release) continue;
    const lang::VarDecl* decl = nullptr;
    for (const lang::VarDecl* d : prog.globals) {
      if (lay->loc_of_global[d->bind.index] == bit) decl = d;
    }
    fc.ghost = static_cast<int>(lay->names.size());
    lay->names.push_back(lay->names[bit] + "(kasan)");
    lay->preset[fc.ghost] = kAlive;
    lay->fence_ghost_of.resize(lay->names.size(), -1);
    const bool inline_lock = lay->names[fc.lock] == lay->names[bit] + ".lock";
    for (int l : {bit, fc.error, inline_lock ? fc.lock : -1, fc.cb, fc.ref, fc.ops}) {
      if (l >= 0) lay->fence_ghost_of[l] = fc.ghost;
    }
    Layout::Work w;
    w.pending = static_cast<int>(lay->names.size());
    lay->names.push_back(lay->names[bit] + ".rcu");
    w.ghost = fc.ghost;
    w.pos = decl->pos;
    fc.free_work = static_cast<int>(lay->works.size());
    lay->works.push_back(w);
    lang::Task& t = lay->work_tasks.emplace_back();
    t.pos = decl->pos;
    t.name = "rcu_cb" + std::to_string(lay->work_tasks.size() - 1);
    lay->threads.push_back(&t);
  }
}

// dma_fence_free(): kfree_rcu(fence, rcu), queued as kfree_rcu() is (the flag, RELEASE).
void Eval::fence_free(const Layout::Fence& fc, lang::Pos pos) {
  if (seq_ != nullptr) refuse(pos, "a fence freed in init or final is not modelled under lkmm");
  if (fc.free_work < 0) refuse(pos, "dma_fence_free() of this fence (lkmm)");
  const Layout::Work& w = lay_.works[fc.free_work];
  em_.trace.work_queue |= uint64_t{1} << em_.trace.ev.size();
  em_.write(w.pending, lkmm::kOnce | lkmm::kRelease, Val{1, 0}, 0);
  sync();
}

void Eval::hook_fence_kasan() {
  if (lay_.fence_ghost_of.empty() || em_.before_access) return;
  owns_hook_ = true;
  em_.before_access = [this](int loc, uint64_t deps) { fence_kasan(loc, deps); };
}

// KASAN's shadow check of a freeable fence's memory (see the design note), worded as
// lkmm_ravel_heap.cc's, the operation being the built-in that accesses the fence.
void Eval::fence_kasan(int loc, uint64_t deps) {
  if (loc < 0 || loc >= static_cast<int>(lay_.fence_ghost_of.size())) return;
  const int ghost = lay_.fence_ghost_of[loc];
  if (ghost < 0) return;
  if (em_.read(ghost, lkmm::kOnce, deps).v == kFreed) {
    em_.trace.findings.push_back(
        {"uaf", "BUG: KASAN: slab-use-after-free in " + builtin_, em_.last_pos});
  }
}

}  // namespace ravel::litmus::lkmm_ravel
