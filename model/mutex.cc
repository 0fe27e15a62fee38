// model/mutex.cc: see mutex.h.
#include "model/mutex.h"

#include <cerrno>

#include "model/kernel.h"
#include "model/lock_ops.h"
#include "model/might_sleep.h"
#include "model/ops.h"
#include "model/race.h"
#include "model/spinlock.h"

namespace ravel::model {
namespace {
LockCall call(OpKind kind, Loc loc, int subclass = 0) {
  LockCall c;
  c.kind = kind;
  c.loc = loc;
  c.subclass = subclass;
  return c;
}
}  // namespace

Mutex::Mutex(Ctx& ctx, const char* name, const char* class_name)
    : word(ctx.new_object(), name, &interrupted_by, "mutex_lock"),
      dep_map(class_name != nullptr ? class_name : name, LockType::kSleep) {}

void mutex_lock(Mutex* m, Loc loc) { sleep_acquire(m->word, m->dep_map, call(op::kMutexLock, loc)); }

void mutex_lock_nested(Mutex* m, int subclass, Loc loc) {
  sleep_acquire(m->word, m->dep_map, call(op::kMutexLock, loc, subclass));
}

int mutex_lock_interruptible(Mutex* m, Loc loc) {
  LockCall c = call(op::kMutexLockInterruptible, loc);
  Kernel& k = Kernel::current();
  if (!k.options().signals) {
    sleep_acquire(m->word, m->dep_map, c);
    k.ctx().set_result(0);
    return 0;
  }
  might_sleep(loc);
  lock_acquire(&m->dep_map, 0, false, kLockWrite, nullptr, loc);
  lock_yield(m->word, c, false);
  Ctx& ctx = k.ctx();
  if (!m->word.free_for(false) && ctx.choose(2) == 1) {
    // A signal arrived while it would sleep: __mutex_lock_common's -EINTR path drops the
    // lockdep acquisition.
    lock_release(&m->dep_map, loc);
    ctx.set_result(-EINTR);
    return -EINTR;
  }
  if (!m->word.free_for(false)) lock_yield(m->word, c, true);
  m->word.acquire(ctx.self(), false);
  hb_acquire(m->word.object());
  ctx.set_result(0);
  return 0;
}

bool mutex_trylock(Mutex* m, Loc loc) {
  return sleep_try_acquire(m->word, m->dep_map, call(op::kMutexTrylock, loc));
}

void mutex_unlock(Mutex* m, Loc loc) {
  sleep_release(m->word, m->dep_map, call(op::kMutexUnlock, loc));
}

bool mutex_is_locked(Mutex* m, Loc loc) {
  Operation op;
  op.kind = op::kMutexIsLocked;
  op.access = Access::kRead;
  op.object = m->word.object();
  op.loc = loc;
  Ctx& ctx = Ctx::current();
  ctx.yield(op);
  bool locked = m->word.locked();
  ctx.set_result(locked);
  return locked;
}

void mutex_init(Mutex* m, Loc loc) { lock_word_init(m->word, "mutex_init", loc); }

Mutex* mutex_new(const char* name, const char* class_name) {
  Ctx& ctx = Ctx::current();
  return ctx.make<Mutex>(ctx, name, class_name);
}

}  // namespace ravel::model
