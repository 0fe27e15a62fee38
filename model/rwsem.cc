// model/rwsem.cc: see rwsem.h. down_*/up_* are mutex_lock's sequence (model/lock_ops.h)
// with the read flavour set for the read side; downgrade_write is its own operation.
//
// The lock-word steps (fair readers, announcing writers, trylocks) are rwlock.cc's rw_* ones.
//
// Dependency (checker/api.h enabledness contract): every rwsem operation, read side and
// downgrade_write included, is one kWrite of the lock word's object. A down_read disables a
// pending down_write, an up_read or downgrade_write can enable a pending down_write / down_read,
// a blocked down_write's announcing attempt closes the fair read gate, so they must conflict;
// making down_read vs down_read dependent as well is sound and only costs reduction.
#include "model/rwsem.h"

#include "model/kernel.h"
#include "model/lock_ops.h"
#include "model/lockdep_report.h"
#include "model/might_sleep.h"
#include "model/ops.h"
#include "model/race.h"
#include "model/rwlock.h"

namespace ravel::model {
namespace {
LockCall call(OpKind kind, bool read, Loc loc, int subclass = 0) {
  LockCall c;
  c.kind = kind;
  c.read = read;
  c.lockdep_read = read ? kLockRead : kLockWrite;  // rwsem_acquire_read: never recursive
  c.subclass = subclass;
  c.loc = loc;
  return c;
}

void report_lockdep(const std::string& key, const char* headline, std::string details, Loc loc) {
  Kernel& k = Kernel::current();
  if (!k.lockdep().first_report(key)) return;
  Violation v;
  v.kind = Violation::Kind::kLockdep;
  v.message = headline;
  v.details = std::move(details);
  v.loc = loc;
  k.ctx().report(std::move(v));
}

// lock_downgrade() (kernel/locking/lockdep.c __lock_downgrade): the held entry becomes a read
// hold. Not held: print_unlock_imbalance_bug (lock_release reports it). Held for reading:
// WARN(hlock->read, "downgrading a read lock").
void lockdep_downgrade(LockdepMap* map, Loc loc) {
  TaskCtx& t = Kernel::current().self();
  for (auto it = t.held.rbegin(); it != t.held.rend(); ++it) {
    if (it->map != map) continue;
    if (it->read != kLockWrite) {
      report_lockdep(std::string("downgrade:") + map->name + ":" + loc_str(loc),
                     "downgrading a read lock",
                     "WARNING: at " + loc_str(loc) + " lock_downgrade\n" + task_label(t.id) +
                         " downgrades (" + map->name + "), which it holds for reading\n",
                     loc);
      return;
    }
    it->read = kLockRead;
    it->loc = loc;
    return;
  }
  lock_release(map, loc);  // not held: "bad unlock balance detected!"
}
}  // namespace

RwSemaphore::RwSemaphore(Ctx& ctx, const char* name, const char* class_name)
    : word(ctx.new_object(), name, &interrupted_by, "down_write", "down_read"),
      dep_map(class_name != nullptr ? class_name : name, LockType::kSleep) {}

namespace {
// mutex_lock's order (lock_ops sleep_acquire): might_sleep, lockdep, then sleep until admitted.
void acquire(RwSemaphore* s, const LockCall& c) {
  might_sleep(c.loc);
  lock_acquire(&s->dep_map, c.subclass, false, c.lockdep_read, nullptr, c.loc);
  if (c.read) {
    rw_read_wait(s->word, c, true);  // every rwsem reader is fair
  } else {
    rw_write_wait(s->word, c);
  }
}

int trylock(RwSemaphore* s, const LockCall& c) {
  if (!rw_try_take(s->word, c)) return 0;
  lock_acquire(&s->dep_map, 0, true, c.lockdep_read, nullptr, c.loc);
  return 1;
}
}  // namespace

void down_read(RwSemaphore* s, Loc loc) { acquire(s, call(op::kDownRead, true, loc)); }
void down_read_nested(RwSemaphore* s, int subclass, Loc loc) {
  acquire(s, call(op::kDownRead, true, loc, subclass));
}
void up_read(RwSemaphore* s, Loc loc) {
  sleep_release(s->word, s->dep_map, call(op::kUpRead, true, loc));
}
void down_write(RwSemaphore* s, Loc loc) { acquire(s, call(op::kDownWrite, false, loc)); }
void down_write_nested(RwSemaphore* s, int subclass, Loc loc) {
  acquire(s, call(op::kDownWrite, false, loc, subclass));
}
int down_read_trylock(RwSemaphore* s, Loc loc) {
  return trylock(s, call(op::kDownReadTrylock, true, loc));
}
int down_write_trylock(RwSemaphore* s, Loc loc) {
  return trylock(s, call(op::kDownWriteTrylock, false, loc));
}
void up_write(RwSemaphore* s, Loc loc) {
  sleep_release(s->word, s->dep_map, call(op::kUpWrite, false, loc));
}

void downgrade_write(RwSemaphore* s, Loc loc) {
  lock_yield(s->word, call(op::kDowngradeWrite, false, loc), false);
  lockdep_downgrade(&s->dep_map, loc);
  TaskId self = Ctx::current().self();
  if (s->word.writer() != self) return;
  // __downgrade_write is a release (atomic_long_add_return_release): readers let in now see
  // everything the writer did.
  hb_release(s->word.object());
  s->word.downgrade(self);
}

RwSemaphore* rwsem_new(const char* name, const char* class_name) {
  Ctx& ctx = Ctx::current();
  return ctx.make<RwSemaphore>(ctx, name, class_name);
}

}  // namespace ravel::model
