// model/spinlock.cc: see spinlock.h.
#include "model/spinlock.h"

#include <string>

#include "model/cpu.h"
#include "model/kernel.h"
#include "model/lock_ops.h"
#include "model/ops.h"

namespace ravel::model {
namespace {
// A coarse section's middle is invisible only to those who take the lock: a reader of the lock
// word would miss it, so the interpreter turns coarse sections off for programs with one
// (KernelOptions::coarse_sections). A C++ caller that did not is told, never given a verdict.
void no_coarse_sections(OpKind kind, Loc loc) {
  if (!coarse_sections()) return;
  Ctx::current().model_error(std::string(ops_def_name(kind)) +
                                 " reads a lock word, which coarse sections hide: turn "
                                 "KernelOptions::coarse_sections off",
                             loc);
}

LockCall call(OpKind kind, Loc loc, int subclass = 0) {
  LockCall c;
  c.kind = kind;
  c.loc = loc;
  c.subclass = subclass;
  return c;
}
}  // namespace

Spinlock::Spinlock(Ctx& ctx, const char* name, const char* class_name, bool is_raw)
    : word(ctx.new_object(), name, &interrupted_by, is_raw ? "raw_spin_lock" : "spin_lock"),
      dep_map(class_name != nullptr ? class_name : name, LockType::kSpin),
      raw(is_raw) {}

void lockdep_set_class(LockdepMap* map, const char* key) {
  map->name = key;
  map->cls0 = -1;
}

void spin_lock(Spinlock* l, Loc loc) { spin_acquire(l->word, l->dep_map, call(op::kSpinLock, loc)); }
void spin_lock_nested(Spinlock* l, int subclass, Loc loc) {
  spin_acquire(l->word, l->dep_map, call(op::kSpinLockNested, loc, subclass));
}
void spin_unlock(Spinlock* l, Loc loc) { spin_release(l->word, l->dep_map, call(op::kSpinUnlock, loc)); }
bool spin_trylock(Spinlock* l, Loc loc) {
  no_coarse_sections(op::kSpinTrylock, loc);
  return spin_try_acquire(l->word, l->dep_map, call(op::kSpinTrylock, loc));
}
void spin_lock_irq(Spinlock* l, Loc loc) {
  local_irq_disable(loc);
  spin_acquire(l->word, l->dep_map, call(op::kSpinLockIrq, loc));
}
void spin_unlock_irq(Spinlock* l, Loc loc) {
  spin_release(l->word, l->dep_map, call(op::kSpinUnlockIrq, loc));
  local_irq_enable(loc);
}
unsigned long spin_lock_irqsave(Spinlock* l, Loc loc) {
  unsigned long flags = local_irq_save(loc);
  spin_acquire(l->word, l->dep_map, call(op::kSpinLockIrqsave, loc));
  return flags;
}
void spin_unlock_irqrestore(Spinlock* l, unsigned long flags, Loc loc) {
  spin_release(l->word, l->dep_map, call(op::kSpinUnlockIrqrestore, loc));
  local_irq_restore(flags, loc);
}
void spin_lock_bh(Spinlock* l, Loc loc) {
  local_bh_disable(loc);
  spin_acquire(l->word, l->dep_map, call(op::kSpinLockBh, loc));
}
void spin_unlock_bh(Spinlock* l, Loc loc) {
  spin_release(l->word, l->dep_map, call(op::kSpinUnlockBh, loc));
  local_bh_enable(loc);
}
bool spin_section_coarse(const Spinlock* l) {
  if (!coarse_sections() || l->word.held_by(Ctx::current().self())) return false;
  // A task that spins keeps its CPU with preemption and IRQs off: another process task or an IRQ
  // handler of that CPU cannot run until the spinner gets the lock, which a coarse step's wait
  // would not show (tests/interp/models/coarse/spin_on_shared_cpu.ravel, spin_blocks_irq.ravel).
  // An IRQ handler is alone on its CPU while it runs: the interrupted task waits either way.
  Kernel& k = Kernel::current();
  const TaskCtx& t = k.self();
  return t.irq_handler || k.cpu_alone(t);
}

bool spin_is_locked(const Spinlock* l) { return l->word.locked(); }

// spin_lock_init() (include/linux/spinlock.h). A model lock is born unlocked (a struct field
// of a kzalloc'd object too), so initializing it changes nothing unless a task holds it: the
// kernel then overwrites the holder's lock word, and CONFIG_DEBUG_SPINLOCK reports the
// holder's unlock ("spinlock already unlocked"); the model reports the init itself and leaves
// the lock held. A write of the lock word: ordered with every lock and unlock of it.
void lock_word_init(LockWord& w, const char* what, Loc loc) {
  no_coarse_sections(op::kLockInit, loc);
  Ctx::current().yield(
      {.kind = op::kLockInit, .access = Access::kWrite, .object = w.object(), .loc = loc});
  if (!w.locked()) return;
  Violation v;
  v.kind = Violation::Kind::kWarn;
  v.message = std::string("WARNING: ") + what +
              "() of a held lock: its holder's unlock finds it already unlocked";
  v.loc = loc;
  Ctx::current().report(std::move(v));
}
void spin_lock_init(Spinlock* l, Loc loc) { lock_word_init(l->word, "spin_lock_init", loc); }
void raw_spin_lock_init(Spinlock* l, Loc loc) {
  lock_word_init(l->word, "raw_spin_lock_init", loc);
}
bool spin_is_locked_read(Spinlock* l, Loc loc) {
  no_coarse_sections(op::kSpinIsLocked, loc);
  Ctx::current().yield({.kind = op::kSpinIsLocked,
                        .access = Access::kRead,
                        .object = l->word.object(),
                        .loc = loc});
  bool locked = l->word.locked();
  Ctx::current().set_result(locked);
  return locked;
}

void raw_spin_lock(Spinlock* l, Loc loc) {
  spin_acquire(l->word, l->dep_map, call(op::kRawSpinLock, loc));
}
void raw_spin_unlock(Spinlock* l, Loc loc) {
  spin_release(l->word, l->dep_map, call(op::kRawSpinUnlock, loc));
}
bool raw_spin_trylock(Spinlock* l, Loc loc) {
  no_coarse_sections(op::kRawSpinTrylock, loc);
  return spin_try_acquire(l->word, l->dep_map, call(op::kRawSpinTrylock, loc));
}
void raw_spin_lock_irq(Spinlock* l, Loc loc) {
  local_irq_disable(loc);
  spin_acquire(l->word, l->dep_map, call(op::kRawSpinLockIrq, loc));
}
void raw_spin_unlock_irq(Spinlock* l, Loc loc) {
  spin_release(l->word, l->dep_map, call(op::kRawSpinUnlockIrq, loc));
  local_irq_enable(loc);
}
unsigned long raw_spin_lock_irqsave(Spinlock* l, Loc loc) {
  unsigned long flags = local_irq_save(loc);
  spin_acquire(l->word, l->dep_map, call(op::kRawSpinLockIrqsave, loc));
  return flags;
}
void raw_spin_unlock_irqrestore(Spinlock* l, unsigned long flags, Loc loc) {
  spin_release(l->word, l->dep_map, call(op::kRawSpinUnlockIrqrestore, loc));
  local_irq_restore(flags, loc);
}

Spinlock* spinlock_new(const char* name, const char* class_name, bool raw) {
  Ctx& ctx = Ctx::current();
  return ctx.make<Spinlock>(ctx, name, class_name, raw);
}

}  // namespace ravel::model
