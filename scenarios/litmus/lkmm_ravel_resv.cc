// scenarios/litmus/lkmm_ravel_resv.cc: struct dma_resv under lkmm (see lkmm_ravel_eval.h): its
// lock, taken without an acquire context, as include/linux/dma-resv.h defines it (a ww_mutex,
// obj->lock, of reservation_ww_class).
//
// Design note. A dma_resv global is one location: its ww_mutex's lock word, a lock location
// as a struct mutex is (lkmm_ravel_kernel.cc). Every dma_resv's lock is in one lockdep class,
// reservation_ww_class_mutex (dma_resv_init()'s single ww_mutex_init() site; model/dma_resv.cc
// under sc), so two of them nested without an acquire context are lockdep's "possible
// recursive locking" (LockOrder::take with Layout::lock_class). With an acquire context the
// lock is lkmm_ravel_ww.cc's (wait-die). What is not modelled stays refused: a dma_resv inside
// a struct or a dma_buf. The fence slots are lkmm_ravel_resv_fences.cc's.
#include <algorithm>
#include <set>
#include <string>

#include "scenarios/lang/builtins.h"
#include "scenarios/litmus/lkmm_ravel_eval.h"

namespace ravel::litmus::lkmm_ravel {

namespace {

bool is_resv(const lang::SType& t) {
  return t.kind == lang::SType::Kind::kModel && t.depth == 0 &&
         t.model == lang::ModelType::kDmaResv;
}

}  // namespace

bool resv_builtin_name(const std::string& n) {
  static const std::set<std::string> kNames = {
      "dma_resv_lock",
      "dma_resv_unlock",
      "dma_resv_trylock",
      "dma_resv_assert_held",
  };
  return kNames.count(n) > 0;
}

// Every dma_resv global's lock in the class of the first one: the one class
// reservation_ww_class_mutex of drivers/dma-buf/dma-resv.c dma_resv_init().
void add_resvs(const lang::Program& prog, Layout* lay) {
  int first = -1;
  for (const lang::VarDecl* d : prog.globals) {
    if (!is_resv(d->type->stype)) continue;
    const int loc = lay->loc_of_global[d->bind.index];
    if (lay->lock_class.size() <= static_cast<size_t>(loc)) lay->lock_class.resize(loc + 1, -1);
    if (first < 0) first = loc;
    lay->lock_class[loc] = first;
  }
  lay->resv_class = first;
}

// dma_resv_lockdep() (drivers/dma-buf/dma-resv.c) records reservation_ww_class_mutex ->
// fs_reclaim -> dma_fence_map at boot; sc primes it when a dma_resv or dma_fence is created
// (model/dma_fence_signal.cc dma_resv_lockdep()). Of that chain lkmm has the reservation class,
// fs_reclaim (a thread allocates: lkmm_ravel_alloc.cc) and the map, each when the program uses
// it: consecutive ones present are primed, so a dma_resv taken or a GFP_KERNEL allocation made
// inside a signalling section closes the cycle, as under sc.
void boot_lock_order(const Layout& lay, LockOrder* order) {
  if (lay.resv_class < 0 && lay.fences.empty()) return;  // dma_resv_lockdep() never runs
  static const char* const kAt =
      "dma_resv_lockdep() at boot (reservation_ww_class_mutex -> fs_reclaim -> dma_fence_map)";
  int prev = -1;
  for (int l : {lay.resv_class, lay.fs_reclaim, lay.fence_map}) {
    if (l < 0) continue;
    if (prev >= 0) order->prime({prev, l}, kAt);
    prev = l;
  }
}

bool Eval::resv(const std::string& n, const Expr* e, Frame& f, Val* out) {
  if (resv_fences(n, e, f, out)) return true;  // lkmm_ravel_resv_fences.cc
  if (!resv_builtin_name(n)) return false;
  // init may fill a reservation (lock, reserve, add, unlock) and map a dma_buf under it (the
  // exporter's .map asserts the lock), as sc's init does; the trylock stays a thread's.
  if (seq_ != nullptr && n == "dma_resv_trylock")
    refuse(e->pos, n + "() in init or final is not modelled under lkmm");
  // A ww_mutex is a sleeping lock owned by a task: in an irq handler even its trylock and
  // unlock are DEBUG_MUTEXES warnings (kernel/locking/mutex.c), left to sc.
  if (irq_->in_handler) refuse(e->pos, n + "() in an irq handler is not modelled under lkmm");
  if (n == "dma_resv_lock") {
    // dma_resv_lock(obj, ctx) = ww_mutex_lock(&obj->lock, ctx). With ctx NULL it is
    // mutex_lock() (kernel/locking/ww_mutex.h, mutex.c: __ww_mutex_lock() takes no wound/wait
    // path without a context) and returns 0: an ACQUIRE, its unlock a RELEASE
    // (memory-barriers.txt, "LOCK ACQUISITION FUNCTIONS"), lock.cat's lock events as a mutex's.
    // It may sleep (might_sleep()): in atomic context it is sc's atomic-sleep verdict, refused.
    Val ctx = eval(e->args[1], f);
    if (ctx.v != 0) {  // with an acquire context: wait-die (lkmm_ravel_ww.cc)
      *out = ww_resv_lock(ctx, e, f);
      return true;
    }
    if (atomic_held() || rcu_depth_ > 0 || !irq_->enabled) {
      refuse(e->pos,
             "dma_resv_lock() under a spinlock, in an RCU read-side section or with "
             "interrupts disabled is not modelled under lkmm (sleeping in atomic context is "
             "checked under sc)");
    }
    auto [loc, addr] = pointer_arg(e->args[0], f);
    lock_at("spin_lock", loc, addr, e->pos, n);
    *out = Val{};
    return true;
  }
  if (n == "dma_resv_unlock") {
    // dma_resv_unlock(): dma_resv_reset_max_fences() (CONFIG_DEBUG_MUTEXES), ww_mutex_unlock():
    // the mutex's RELEASE. Of a lock not held it is lockdep's bad unlock balance under sc.
    auto [loc, addr] = pointer_arg(e->args[0], f);
    if (holds(loc)) reset_max_fences(loc);  // lkmm_ravel_resv_fences.cc
    *out = ww_release(n, "a reservation", loc, addr, e->pos);
    return true;
  }
  auto [loc, addr] = pointer_arg(e->args[0], f);
  if (n == "dma_resv_assert_held") {
    // lockdep_assert_held(&obj->lock.base): sc words its failure with the class's map; a
    // failure is refused here rather than worded differently.
    if (!holds(loc)) {
      refuse(e->pos,
             "dma_resv_assert_held() without the reservation's lock held is not modelled "
             "under lkmm (lockdep_assert_held: sc reports it)");
    }
    *out = Val{};
    return true;
  }
  // dma_resv_trylock() = ww_mutex_trylock(&obj->lock, NULL): as mutex_trylock(), an ACQUIRE
  // when it succeeds, a plain read of the lock when it fails; no lockdep dependency
  // (lockdep's trylock rule). Returns true on success.
  *out = trylock_at(loc, addr);
  return true;
}

// ww_mutex_unlock() (a dma_resv's lock, a struct ww_mutex): of a lock the thread does not hold
// it is lockdep's bad unlock balance under sc, refused here; otherwise the context's
// ctx->acquired-- (lkmm_ravel_ww.cc) and the mutex's RELEASE.
Val Eval::ww_release(const std::string& n, const std::string& what, int loc, uint64_t addr,
                     lang::Pos pos) {
  if (!holds(loc)) {
    refuse(pos, n + "() of " + what +
                    " this thread does not hold is not modelled under lkmm (sc reports it)");
  }
  ww_unlocked(loc);
  return lock_at("spin_unlock", loc, addr, pos, n);
}

}  // namespace ravel::litmus::lkmm_ravel
