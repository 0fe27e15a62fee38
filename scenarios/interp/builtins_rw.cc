// scenarios/interp/builtins_rw.cc: the bindings of rwlock_t and struct rw_semaphore, declared in
// scenarios/api/rwlock.def and rwsem.def: model/rwlock.h (spinning reader-writer lock: the
// spin_lock sequence with shared readers, qrwlock fairness, recursive-read lockdep acquisitions
// in interrupt context) and model/rwsem.h (sleeping, fair, non-recursive reads). Every API has a
// shape (runtime.h), so this file only expands the declarations; trylocks return 1 or 0.
#include "model/rwlock.h"
#include "model/rwsem.h"
#include "scenarios/api/api.h"
#include "scenarios/interp/runtime.h"

namespace ravel::interp {

void bind_rw_builtins(Bindings& b) {
#include "scenarios/interp/bind_begin.inc"
#include "scenarios/api/rwlock.def"
#include "scenarios/api/rwsem.def"
#include "scenarios/interp/bind_end.inc"
}

}  // namespace ravel::interp
