// scenarios/litmus/lkmm_ravel_misc.cc: small built-ins under lkmm that are an existing model
// with another name or no access at all (see lkmm_ravel_eval.h):
//   - mutex_lock_interruptible(): kernel/locking/mutex.c takes the lock as mutex_lock() does
//     and returns -EINTR only when a signal is pending while it would sleep. Scenarios have no
//     signals unless --signals is given (sc's model/mutex.cc), and lkmm refuses --signals
//     (tools/ravel/run_lkmm.cc): it is mutex_lock() (lkmm_ravel_kernel.cc: an ACQUIRE, lock.cat's
//     LKR+LKW) returning 0.
//   - KREF_INIT(n): include/linux/kref.h, the initial count of a struct kref (its one location).
//   - IS_ERR_OR_NULL(p), PTR_ERR(p), ERR_PTR(e): include/linux/err.h, arithmetic on the value, no
//   access;
//     as sc's builtins_lang.cc (PTR_ERR of an address is 0 there: a pointer is no integer).
#include "scenarios/litmus/lkmm_ravel_eval.h"

namespace ravel::litmus::lkmm_ravel {

bool misc_builtin_name(const std::string& n) {
  return n == "mutex_lock_interruptible" || n == "KREF_INIT" || n == "IS_ERR_OR_NULL" ||
         n == "PTR_ERR" || n == "ERR_PTR";
}

bool Eval::misc(const std::string& n, const Expr* e, Frame& f, Val* out) {
  if (!misc_builtin_name(n)) return false;
  if (n == "mutex_lock_interruptible") {
    if (atomic_held()) {
      refuse(e->pos,
             "mutex_lock_interruptible() under a spinlock is not modelled under lkmm (sleeping "
             "in atomic context is checked under sc)");
    }
    lock("spin_lock", e, f);
    *out = Val{0, 0};
    return true;
  }
  Val v = eval(e->args[0], f);
  if (n == "KREF_INIT" || n == "ERR_PTR") {  // the count; an errno as a pointer value
    *out = v;
  } else if (n == "IS_ERR_OR_NULL") {  // IS_ERR_VALUE(): in [-MAX_ERRNO, -1]
    *out = Val{v.v == 0 || (v.v < 0 && v.v >= -4095) ? 1 : 0, v.deps};
  } else {  // PTR_ERR
    const bool pointer = em_.is_address(v.v) || v.v >= kFnBase;
    *out = Val{pointer ? 0 : v.v, v.deps};
  }
  return true;
}

}  // namespace ravel::litmus::lkmm_ravel
