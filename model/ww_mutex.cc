// model/ww_mutex.cc: see ww_mutex.h.
#include "model/ww_mutex.h"

#include <cerrno>

#include "model/kernel.h"
#include "model/might_sleep.h"
#include "model/ops.h"
#include "model/race.h"
#include "model/slab.h"

namespace ravel::model {
namespace {

ObjectId op_object(const WwMutex* l) {
  return l->cls->wait_die ? l->word.object() : l->cls->object;
}

// Whether ctx must back off from `lock` now (__ww_mutex_check_kill).
bool must_back_off(const WwMutex* l, const WwAcquireCtx* ctx) {
  if (ctx == nullptr || ctx->acquired == 0 || !l->word.locked()) return false;
  if (!l->cls->wait_die) return ctx->wounded;
  const WwAcquireCtx* holder = l->ctx;
  return holder != nullptr && holder->stamp < ctx->stamp;  // holder older: we die
}

// A waiter's condition: the mutex is free, or the waiter must back off (its context was
// wounded, or dies against an older holder). Wound-wait gates read other mutexes' contexts, so
// they are on the class object every wound-wait operation kWrites (ww_mutex.h "Reduction").
struct FreeOrBackOff {
  static constexpr Gate::Kind kKind = Gate::Kind::kLock;
  const WwMutex* l;
  const WwAcquireCtx* ctx;
  bool holds(TaskId) const { return !l->word.locked() || must_back_off(l, ctx); }
  ObjectId object() const { return op_object(l); }
  std::string describe(TaskId waiter) const { return l->word.describe(waiter); }
};

void yield(OpKind kind, Access access, ObjectId obj, const Wait* gate, Loc loc) {
  Operation op;
  op.kind = kind;
  op.access = access;
  op.object = obj;
  op.loc = loc;
  yield_at(Ctx::current(), op, gate);
}

// The DEBUG_WW_MUTEXES checks (CONFIG_DEBUG_MUTEXES, kernel/locking/ww_mutex.h): each is a
// DEBUG_LOCKS_WARN_ON(), a WARN, reported as `warn`; the operation goes on.
void debug_warn(bool bad, const char* cond, const char* why, Loc loc) {
  if (!bad) return;
  Violation v;
  v.kind = Violation::Kind::kWarn;
  v.message = std::string("WARNING: DEBUG_LOCKS_WARN_ON(") + cond + ")";
  v.details = std::string("kernel/locking/ww_mutex.h (CONFIG_DEBUG_MUTEXES): ") + why;
  v.loc = loc;
  Ctx::current().report(std::move(v));
}

// ww_mutex_lock_acquired(): the checks of an acquisition with a context, then the bookkeeping.
void lock_acquired(WwMutex* l, WwAcquireCtx* ctx, Loc loc) {
  if (ctx == nullptr) return;
  debug_warn(ctx->done, "ww_ctx->done_acquire", "a lock taken after ww_acquire_done()", loc);
  if (ctx->contending != nullptr) {
    // Two checks; a report per location, so one warning names both when both fire.
    const bool other = ctx->contending != l;
    const bool held = ctx->acquired > 0;
    debug_warn(
        other || held,
        other ? (held ? "ww_ctx->contending_lock != ww) + DEBUG_LOCKS_WARN_ON(ww_ctx->acquired > 0"
                      : "ww_ctx->contending_lock != ww")
              : "ww_ctx->acquired > 0",
        "after -EDEADLK a ww_mutex was locked before every lock of the context was dropped "
        "and the contended one taken (ww_mutex_lock_slow)",
        loc);
    ctx->contending = nullptr;
  }
  debug_warn(ctx->cls != l->cls, "ww_ctx->ww_class != ww->ww_class",
             "the acquire context belongs to another ww class", loc);
  ++ctx->acquired;
}

// __ww_mutex_kill(): the -EDEADLK of a context holding locks records the contended lock.
void kill(WwMutex* l, WwAcquireCtx* ctx, Loc loc) {
  if (ctx == nullptr) return;
  debug_warn(ctx->contending != nullptr, "ww_ctx->contending_lock",
             "a second -EDEADLK before the first contended lock was acquired", loc);
  ctx->contending = l;
}

// Wound-wait: an older ctx waiting for a lock held by a younger one wounds it (__ww_mutex_wound).
void wound_holder(WwMutex* l, WwAcquireCtx* ctx) {
  if (ctx == nullptr || l->cls->wait_die || l->ctx == nullptr || l->ctx == ctx) return;
  if (l->ctx->stamp > ctx->stamp && l->ctx->acquired > 0) l->ctx->wounded = true;
}

int lock_common(WwMutex* l, WwAcquireCtx* ctx, OpKind kind, Loc loc) {
  Ctx& c = Ctx::current();
  might_sleep(loc);
  if (ctx != nullptr && l->ctx == ctx) {  // same context holds it
    yield(kind, Access::kWrite, op_object(l), nullptr, loc);
    c.set_result(-EALREADY);
    return -EALREADY;
  }
  if (ctx != nullptr && ctx->acquired == 0) ctx->wounded = false;
  lock_acquire(&l->dep_map, 0, false, kLockWrite, ctx ? &ctx->dep_map : nullptr, loc);
  if (ctx != nullptr && !l->cls->wait_die) {
    // Wound-wait: wounding a younger holder is the effect of a first operation (the waiter
    // queueing), before the sleep.
    yield(kind, Access::kWrite, op_object(l), nullptr, loc);
    slab_check(l->word.object(), ops_def_name(kind), loc);
    wound_holder(l, ctx);
    l->waiters.push_back(ctx);
  }
  const WaitOn<FreeOrBackOff> gate(
      FreeOrBackOff{l, ctx});  // Safety: lives on this fiber's stack while the operation is pending
  yield(kind, Access::kWrite, op_object(l), &gate, loc);
  slab_check(l->word.object(), ops_def_name(kind), loc);
  std::erase(l->waiters, ctx);
  if (l->word.locked()) {  // gate opened because we must back off
    lock_release(&l->dep_map, loc);
    kill(l, ctx, loc);
    c.set_result(-EDEADLK);
    return -EDEADLK;
  }
  l->word.acquire(c.self(), false);
  hb_acquire(l->word.object());
  l->ctx = ctx;
  lock_acquired(l, ctx, loc);
  // __ww_mutex_check_waiters(): the new holder is wounded by an older context already waiting.
  for (const WwAcquireCtx* w : l->waiters) {
    if (ctx != nullptr && w->stamp < ctx->stamp && ctx->acquired > 0) ctx->wounded = true;
  }
  c.set_result(0);
  return 0;
}

}  // namespace

WwClass::WwClass(Ctx& ctx, const char* class_name, bool is_wait_die)
    : name(class_name),
      wait_die(is_wait_die),
      object(ctx.new_object()),
      acquire_name(std::string(class_name) + "_acquire"),
      mutex_name(std::string(class_name) + "_mutex") {}

WwAcquireCtx::WwAcquireCtx(Ctx&, const char* ctx_name) : name(ctx_name) {}

WwMutex::WwMutex(Ctx& c_ctx, const char* name, WwClass* c)
    : word(c_ctx.new_object(), name, &interrupted_by, "ww_mutex_lock"),
      dep_map(intern_name(c->mutex_name), LockType::kSleep),
      cls(c) {}

void ww_acquire_init(WwAcquireCtx* ctx, WwClass* cls, Loc loc) {
  yield(op::kWwAcquireInit, Access::kWrite, cls->object, nullptr, loc);
  ctx->cls = cls;
  ctx->task = Ctx::current().self();
  ctx->stamp = cls->next_stamp++;
  ctx->acquired = 0;
  ctx->wounded = false;
  ctx->done = false;
  ctx->contending = nullptr;
  // lockdep_init_map(&ctx->dep_map, ww_class->acquire_name, ...): wait types LD_WAIT_INV.
  ctx->dep_map = LockdepMap(intern_name(cls->acquire_name), LockType::kMap, kWaitInv, kWaitInv);
  lock_acquire(&ctx->dep_map, 0, false, kLockWrite, nullptr, loc);
}

void ww_acquire_done(WwAcquireCtx* ctx, Loc loc) {
  yield(op::kWwAcquireDone, Access::kNone, kNoObject, nullptr, loc);
  debug_warn(ctx->done, "ctx->done_acquire", "ww_acquire_done() called twice", loc);
  ctx->done = true;
}

void ww_acquire_fini(WwAcquireCtx* ctx, Loc loc) {
  yield(op::kWwAcquireFini, Access::kNone, kNoObject, nullptr, loc);
  // A second fini is lockdep's "bad unlock balance" on the context's map (CONFIG_DEBUG_LOCK_ALLOC).
  lock_release(&ctx->dep_map, loc);
  debug_warn(ctx->acquired != 0, "ctx->acquired",
             "ww_acquire_fini() with ww_mutexes of the context still locked", loc);
}

int ww_mutex_lock(WwMutex* lock, WwAcquireCtx* ctx, Loc loc) {
  return lock_common(lock, ctx, op::kWwMutexLock, loc);
}

void ww_mutex_lock_slow(WwMutex* lock, WwAcquireCtx* ctx, Loc loc) {
  if (ctx != nullptr) {
    debug_warn(ctx->contending == nullptr, "!ctx->contending_lock",
               "ww_mutex_lock_slow() without a preceding -EDEADLK", loc);
  }
  lock_common(lock, ctx, op::kWwMutexLockSlow, loc);
}

int ww_mutex_trylock(WwMutex* l, WwAcquireCtx* ctx, Loc loc) {
  Ctx& c = Ctx::current();
  yield(op::kWwMutexTrylock, Access::kWrite, op_object(l), nullptr, loc);
  slab_check(l->word.object(), "ww_mutex_trylock", loc);
  if (l->word.locked()) {
    c.set_result(0);
    return 0;
  }
  if (ctx != nullptr && ctx->acquired == 0) ctx->wounded = false;
  l->word.acquire(c.self(), false);
  hb_acquire(l->word.object());
  l->ctx = ctx;
  lock_acquired(l, ctx, loc);  // ww_mutex_set_context_fastpath()
  lock_acquire(&l->dep_map, 0, true, kLockWrite, ctx ? &ctx->dep_map : nullptr, loc);
  c.set_result(1);
  return 1;
}

void ww_mutex_unlock(WwMutex* l, Loc loc) {
  yield(op::kWwMutexUnlock, Access::kWrite, op_object(l), nullptr, loc);
  slab_check(l->word.object(), "ww_mutex_unlock", loc);
  lock_release(&l->dep_map, loc);
  TaskId self = Ctx::current().self();
  if (!l->word.held_by(self)) return;
  if (l->ctx != nullptr && l->ctx->acquired > 0) --l->ctx->acquired;
  l->ctx = nullptr;
  hb_release(l->word.object());
  l->word.release(self, false);
}

WwMutex* ww_mutex_new(const char* name, WwClass* cls) {
  Ctx& ctx = Ctx::current();
  return ctx.make<WwMutex>(ctx, name, cls);
}

WwClass* ww_class_new(const char* name, bool wait_die) {
  Ctx& ctx = Ctx::current();
  return ctx.make<WwClass>(ctx, name, wait_die);
}

}  // namespace ravel::model
