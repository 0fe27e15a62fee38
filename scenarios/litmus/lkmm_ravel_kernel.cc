// scenarios/litmus/lkmm_ravel_kernel.cc: the kernel objects a scenario may use under lkmm (see
// lkmm_ravel_eval.h): mutexes (and spin_trylock), completions and krefs, each one
// location whose accesses carry the ordering the kernel documents for it. A lock that finds
// its lock held waits (lkmm_ravel_calls.cc Eval::lock); the Judge reports a deadlock when it
// waits for ever.
#include "scenarios/lang/builtins.h"
#include "scenarios/litmus/lkmm_ravel_eval.h"

namespace ravel::litmus::lkmm_ravel {

namespace {

constexpr int64_t kUintMax = 4294967295;  // complete_all()'s done (kernel/sched/completion.c)

}  // namespace

bool Eval::kernel(const std::string& n, const Expr* e, Frame& f, Val* out) {
  *out = Val{};
  if (wait_queue(n, e, f) || timed_wait(n, e, f, out) || work(n, e, f, out) ||
      fence(n, e, f, out) || xarray(n, e, f, out) || rw_lock(n, e, f, out) || resv(n, e, f, out) ||
      ww(n, e, f, out) || ww_mutex(n, e, f, out) || module(n, e, f, out) || misc(n, e, f, out) ||
      wait2(n, e, f, out)) {
    return true;
  }
  if (n == "mutex_lock" || n == "mutex_unlock") {
    // memory-barriers.txt, "LOCK ACQUISITION FUNCTIONS": a mutex's lock is an ACQUIRE and its
    // unlock a RELEASE, and one lock's critical sections are ordered; lock.cat's LKR/LKW/UL
    // give exactly that for spinlocks, so a mutex is the same events. Sleeping under a
    // spinlock is sc's atomic-sleep verdict.
    if (n == "mutex_lock" && atomic_held()) {
      refuse(e->pos,
             "mutex_lock() under a spinlock is not modelled under lkmm (sleeping in "
             "atomic context is checked under sc)");
    }
    *out = lock(n == "mutex_lock" ? "spin_lock" : "spin_unlock", e, f);
    return true;
  }
  if (n == "mutex_init" || n == "init_completion" || n == "reinit_completion" || n == "kref_init") {
    auto [loc, addr] = pointer_arg(e->args[0], f);
    store(Place{nullptr, loc, addr}, Val{n == "kref_init" ? 1 : 0, 0}, lkmm::kOnce);
    return true;
  }
  if (n == "mutex_trylock" || n == "spin_trylock") {
    // memory-barriers.txt, "LOCK ACQUISITION FUNCTIONS": a successful trylock is an ACQUIRE
    // (lock.cat's LKR+LKW, as a lock); one that fails implies no barrier at all (a read of the
    // lock that sees it held: lock.cat's LF). Returns 1 on success, as the kernel's. A spinlock
    // taken so is held as spin_lock's is (no sleeping under it).
    auto [loc, addr] = pointer_arg(e->args[0], f);
    if (n == "spin_trylock") rcu_reader(true);  // preempt_disable(), undone on failure
    *out = trylock_at(loc, addr);
    if (out->v == 0) {
      rcu_reader();
      return true;
    }
    if (n == "spin_trylock") spin_held_.push_back(loc);
    return true;
  }
  if (n == "mutex_is_locked") {
    // include/linux/mutex.h: a lockless read of the owner word, ordering nothing; lock.cat
    // gives spin_is_locked() exactly that (RL when it sees a lock write, RU when it sees an
    // unlock or the initial value), and a mutex is the same events as a spinlock here.
    auto [loc, addr] = pointer_arg(e->args[0], f);
    *out = em_.lock("spin_is_locked", loc, addr, e->pos);
    sync();
    return true;
  }
  if (n == "try_wait_for_completion" || n == "completion_done")
    return *out = try_wait(n, e, f), true;
  if (n == "kref_get_unless_zero") {
    // include/linux/kref.h: refcount_inc_not_zero(); refcount-vs-atomic.rst: an unordered RMW
    // (a control dependency on success orders later stores, which `if` gives). On 0 it fails:
    // a read only. Returns 1 when it took a reference.
    auto [loc, addr] = pointer_arg(e->args[0], f);
    Val old = em_.read(loc, lkmm::kOnce | lkmm::kRmwInsn, addr);
    if (old.v < 0) {  // lib/refcount.c: a saturated count stays so, with a warning
      em_.trace.findings.push_back({"refcount", "refcount_t: saturated; leaking memory.", e->pos});
    }
    if (old.v != 0) {
      const int r = static_cast<int>(em_.trace.ev.size()) - 1;
      const int64_t next = old.v < 0 ? kRefcountSaturated : old.v + 1;
      const int w = em_.write(loc, lkmm::kOnce | lkmm::kRmwInsn, Val{next, old.deps}, addr);
      em_.trace.rmw.push_back({r, w});
    }
    sync();
    *out = Val{old.v != 0, old.deps};
    return true;
  }
  if (n == "complete" || n == "complete_all") return complete(n, e, f), true;
  if (n == "wait_for_completion") return wait_for_completion(e, f), true;
  if (n == "kref_get") {
    auto [loc, addr] = pointer_arg(e->args[0], f);
    return refcount_inc(loc, addr, e->pos), true;
  }
  if (n == "kref_read") {
    auto [loc, addr] = pointer_arg(e->args[0], f);
    *out = load(Place{nullptr, loc, addr}, lkmm::kOnce);
    return true;
  }
  if (n == "kref_put") return *out = kref_put(e, f), true;
  return false;
}

// complete(): the counter is raised under the completion's wait-queue lock, so everything
// before it is ordered before the unlock, a RELEASE (memory-barriers.txt, "SLEEP AND WAKE-UP
// FUNCTIONS"; kernel/sched/completion.c). An RMW whose write is a release; complete_all()
// sets done to UINT_MAX, after which no wait consumes it.
void Eval::complete(const std::string& n, const Expr* e, Frame& f) {
  auto [loc, addr] = pointer_arg(e->args[0], f);
  Val old = em_.read(loc, lkmm::kOnce | lkmm::kRmwInsn, addr);
  const int r = static_cast<int>(em_.trace.ev.size()) - 1;
  const int64_t next = n == "complete_all" || old.v == kUintMax ? kUintMax : old.v + 1;
  const int w =
      em_.write(loc, lkmm::kOnce | lkmm::kRmwInsn | lkmm::kRelease, Val{next, old.deps}, addr);
  em_.trace.rmw.push_back({r, w});
  sync();
}

// wait_for_completion(): sleeps until done is non-zero, then consumes one completion under the
// lock that complete() released: an ACQUIRE read (the lock's acquire), then the decrement. A
// thread that reads 0 waits as await() does: it hangs when no later complete() can wake it.
void Eval::wait_for_completion(const Expr* e, Frame& f) {
  if (seq_ != nullptr)
    refuse(e->pos,
           "wait_for_completion() in init or final is not supported "
           "under lkmm");
  if (atomic_held()) {
    refuse(e->pos,
           "wait_for_completion() under a spinlock is not modelled under lkmm "
           "(sleeping in atomic context is checked under sc)");
  }
  auto [loc, addr] = pointer_arg(e->args[0], f);
  const uint64_t before = em_.trace.ev.size();
  Val old = em_.read(loc, lkmm::kOnce | lkmm::kRmwInsn | lkmm::kAcquire, addr);
  wait_read(before, true);  // sleeps while done is 0 (timeouts_late)
  if (old.v == 0) {
    lay_.note(&lay_.waits, pos_key(e->pos), "wait_for_completion");
    block(e->pos, before);
  }
  if (old.v == kUintMax) return;  // complete_all(): every wait returns, nothing consumed
  const int r = static_cast<int>(em_.trace.ev.size()) - 1;
  const int w = em_.write(loc, lkmm::kOnce | lkmm::kRmwInsn, Val{old.v - 1, old.deps}, addr);
  em_.trace.rmw.push_back({r, w});
}

// try_wait_for_completion() and completion_done() (kernel/sched/completion.c): a lockless
// READ_ONCE(x->done) first; 0 returns false at once, ordering nothing. Otherwise done is read
// again under the wait lock that complete() released: an ACQUIRE (modelled on the one read:
// its value is the one the locked read sees once the lockless one saw it non-zero).
// try_wait_for_completion() then consumes one completion (none after complete_all()),
// completion_done() takes the lock and drops it only. Both return whether done was non-zero.
Val Eval::try_wait(const std::string& n, const Expr* e, Frame& f) {
  auto [loc, addr] = pointer_arg(e->args[0], f);
  const bool consume = n == "try_wait_for_completion";
  Val old = em_.read(loc, lkmm::kOnce, addr);
  const int r = static_cast<int>(em_.trace.ev.size()) - 1;
  if (old.v != 0) em_.trace.ev[r].tags |= lkmm::kAcquire;
  if (old.v != 0 && old.v != kUintMax && consume) {
    em_.trace.ev[r].tags |= lkmm::kRmwInsn;
    const int w = em_.write(loc, lkmm::kOnce | lkmm::kRmwInsn, Val{old.v - 1, old.deps}, addr);
    em_.trace.rmw.push_back({r, w});
  }
  sync();
  return Val{old.v != 0, old.deps};
}

// kref_get(): refcount_inc(), fully unordered as atomic_inc (refcount-vs-atomic.rst): a relaxed
// RMW. lib/refcount.c refcount_warn_saturate(): from 0 it is "addition on 0; use-after-free",
// from a saturated (negative) count "saturated; leaking memory"; either leaves the count
// saturated, so a later put warns of an underflow, as sc's model/refcount.cc does. Also
// dma_buf_get()'s (lkmm_ravel_dma_buf.cc) and dma_fence_get()'s. Returns the old count.
Val Eval::refcount_inc(int loc, uint64_t addr, lang::Pos pos) {
  Val old = em_.read(loc, lkmm::kOnce | lkmm::kRmwInsn, addr);
  const int r = static_cast<int>(em_.trace.ev.size()) - 1;
  int64_t next = old.v + 1;
  if (old.v <= 0) {
    next = kRefcountSaturated;
    em_.trace.findings.push_back({"refcount",
                                  old.v == 0 ? "refcount_t: addition on 0; use-after-free."
                                             : "refcount_t: saturated; leaking memory.",
                                  pos});
  }
  const int w = em_.write(loc, lkmm::kOnce | lkmm::kRmwInsn, Val{next, old.deps}, addr);
  em_.trace.rmw.push_back({r, w});
  sync();
  return old;
}

// refcount_dec_and_test(), which refcount-vs-atomic.rst orders as a RELEASE, plus an ACQUIRE
// when it reaches zero (the control dependency and smp_acquire__after_ctrl_dep()): what follows
// the last put (a release function) runs under the test's control dependency and sees every
// access made before every other put. From 0 or a saturated count it is refcount_t's
// "underflow; use-after-free." (lib/refcount.c, sc's model/refcount.cc), and nothing is
// written: sc saturates the count there, but storing that value would make it one more value
// every read of the count may be promised, in the runs the exploration only guesses too (one
// run in five more for five kref_puts); the finding is the same, later ones may be worded
// "addition on 0" where sc says "saturated". Returns the old count: 1 when this put was the
// last. kref_put's, dma_buf_put's (lkmm_ravel_dma_buf.cc) and dma_fence_put's
// (lkmm_ravel_fence_ref.cc).
Val Eval::refcount_dec_and_test(int loc, uint64_t addr, lang::Pos pos) {
  Val old = em_.read(loc, lkmm::kOnce | lkmm::kRmwInsn, addr);
  const int r = static_cast<int>(em_.trace.ev.size()) - 1;
  if (old.v <= 0) {
    em_.trace.findings.push_back({"refcount", "refcount_t: underflow; use-after-free.", pos});
    sync();
    return old;
  }
  const int w =
      em_.write(loc, lkmm::kOnce | lkmm::kRmwInsn | lkmm::kRelease, Val{old.v - 1, old.deps}, addr);
  em_.trace.rmw.push_back({r, w});
  sync();
  if (old.v == 1) {
    em_.trace.ev[r].tags |= lkmm::kAcquire;
    em_.branch(old.deps);
  }
  return old;
}

// kref_put(&r, release): the last put calls the release function, by name, with the kref.
Val Eval::kref_put(const Expr* e, Frame& f) {
  auto [loc, addr] = pointer_arg(e->args[0], f);
  const Expr* fn = e->args[1];
  if (fn->kind != lang::ExprKind::kIdent || fn->bind.kind != lang::Binding::Kind::kFunction) {
    refuse(fn->pos, "kref_put()'s release function must be a function's name under lkmm");
  }
  Val old = refcount_dec_and_test(loc, addr, e->pos);
  if (old.v != 1) return Val{0, old.deps};
  invoke(prog_.functions[fn->bind.index], {Val{lkmm_thread::kAddrBase + loc, addr}}, fn->pos);
  return Val{1, old.deps};
}

// A trylock's attempt (mutex_trylock, spin_trylock, dma_resv_trylock, ww_mutex_trylock): 1 and
// held on success, which lockdep records as a trylock (Layout::trylocks: no dependency).
Val Eval::trylock_at(int loc, uint64_t addr, int64_t value, int64_t* seen) {
  Val v = em_.try_lock(loc, addr, value, seen);
  sync();
  if (v.v != 0)
    held_.push_back(loc), lay_.note(&lay_.trylocks, std::make_pair(pos_key(em_.last_pos), loc));
  return v;
}

}  // namespace ravel::litmus::lkmm_ravel
