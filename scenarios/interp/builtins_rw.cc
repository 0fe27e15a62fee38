// scenarios/interp/builtins_rw.cc: rwlock_t and struct rw_semaphore built-ins, bound to H4a's
// model/rwlock.h (spinning reader-writer lock: the spin_lock sequence with shared readers,
// qrwlock fairness, recursive-read lockdep acquisitions in interrupt context) and model/rwsem.h
// (sleeping, fair, non-recursive reads); trylocks return 1 or 0.
#include "model/rwlock.h"
#include "model/rwsem.h"
#include "scenarios/interp/runtime.h"

namespace ravel::interp {

using model::Rwlock;
using model::RwSemaphore;

void bind_rw_builtins(std::vector<BuiltinFn>& t) {
  bind_builtin(t, "read_lock", obj_call<Rwlock, model::read_lock>);
  bind_builtin(t, "read_unlock", obj_call<Rwlock, model::read_unlock>);
  bind_builtin(t, "write_lock", obj_call<Rwlock, model::write_lock>);
  bind_builtin(t, "write_unlock", obj_call<Rwlock, model::write_unlock>);
  bind_builtin(t, "read_lock_irq", obj_call<Rwlock, model::read_lock_irq>);
  bind_builtin(t, "read_unlock_irq", obj_call<Rwlock, model::read_unlock_irq>);
  bind_builtin(t, "write_lock_irq", obj_call<Rwlock, model::write_lock_irq>);
  bind_builtin(t, "write_unlock_irq", obj_call<Rwlock, model::write_unlock_irq>);
  bind_builtin(t, "read_lock_irqsave", lock_irqsave<Rwlock, model::read_lock_irqsave>);
  bind_builtin(t, "read_unlock_irqrestore",
               unlock_irqrestore<Rwlock, model::read_unlock_irqrestore>);
  bind_builtin(t, "write_lock_irqsave", lock_irqsave<Rwlock, model::write_lock_irqsave>);
  bind_builtin(t, "write_unlock_irqrestore",
               unlock_irqrestore<Rwlock, model::write_unlock_irqrestore>);
  bind_builtin(t, "read_lock_bh", obj_call<Rwlock, model::read_lock_bh>);
  bind_builtin(t, "read_unlock_bh", obj_call<Rwlock, model::read_unlock_bh>);
  bind_builtin(t, "write_lock_bh", obj_call<Rwlock, model::write_lock_bh>);
  bind_builtin(t, "write_unlock_bh", obj_call<Rwlock, model::write_unlock_bh>);
  bind_builtin(t, "read_trylock", obj_call<Rwlock, model::read_trylock>);
  bind_builtin(t, "write_trylock", obj_call<Rwlock, model::write_trylock>);

  bind_builtin(t, "down_read", obj_call<RwSemaphore, model::down_read>);
  bind_builtin(t, "up_read", obj_call<RwSemaphore, model::up_read>);
  bind_builtin(t, "down_write", obj_call<RwSemaphore, model::down_write>);
  bind_builtin(t, "up_write", obj_call<RwSemaphore, model::up_write>);
  bind_builtin(t, "downgrade_write", obj_call<RwSemaphore, model::downgrade_write>);
  bind_builtin(t, "down_read_trylock", obj_call<RwSemaphore, model::down_read_trylock>);
  bind_builtin(t, "down_write_trylock", obj_call<RwSemaphore, model::down_write_trylock>);
}

}  // namespace ravel::interp
