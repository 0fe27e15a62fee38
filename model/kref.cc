// model/kref.cc: see kref.h.
#include "model/kref.h"

#include "model/ops.h"

namespace ravel::model {

Kref* kref_new(const char* name, ObjectId owner) {
  Kref* k = Ctx::current().make<Kref>();
  k->refcount = refcount_new(name, 1, owner);
  return k;
}

// A NULL kref reaches the refcount as NULL: the null-deref is reported by its step.
static Refcount* rc(Kref* k) { return k != nullptr ? k->refcount : nullptr; }

void kref_init(Kref* k, Loc loc) { refcount_set(rc(k), 1, loc, op::kKrefInit); }

void kref_get(Kref* k, Loc loc) { refcount_inc(rc(k), loc, op::kKrefGet); }

int kref_put(Kref* k, const std::function<void(Kref*)>& release, Loc loc) {
  if (refcount_dec_and_test(rc(k), loc, op::kKrefPut)) {
    release(k);
    return 1;
  }
  return 0;
}

unsigned int kref_read(Kref* k, Loc loc) {
  return static_cast<unsigned int>(refcount_read(rc(k), loc, op::kKrefRead));
}

int kref_get_unless_zero(Kref* k, Loc loc) {
  return refcount_inc_not_zero(rc(k), loc, op::kKrefGetUnlessZero) ? 1 : 0;
}

}  // namespace ravel::model
