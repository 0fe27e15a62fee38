// model/xarray.cc: see xarray.h.
#include "model/xarray.h"

#include <string>

#include "model/ops.h"
#include "model/race.h"
#include "model/slab.h"

namespace ravel::model {
namespace {

Xarray& step(Xarray* xa, OpKind kind, Access access, Loc loc, int64_t arg0 = 0, int64_t arg1 = 0) {
  Ctx& ctx = Ctx::current();
  ctx.yield({.kind = kind,
             .access = xa != nullptr ? access : Access::kNone,
             .object = xa != nullptr ? xa->id : kNoObject,
             .loc = loc,
             .arg0 = arg0,
             .arg1 = arg1});
  slab_check_deref(xa != nullptr ? xa->id : kNoObject, ravel::op_name(kind), loc);
  return *xa;
}

Spinlock* lock_of(Xarray* xa, Loc loc) {
  if (xa == nullptr) {
    Ctx::current().yield({.kind = op::kXaLock, .loc = loc});
    report_null_deref("xa_lock", loc);
  }
  return xa->xa_lock;
}

int64_t store_locked(Xarray* xa, OpKind kind, uint64_t index, int64_t entry, Loc loc) {
  Xarray& x = step(xa, kind, Access::kWrite, loc, static_cast<int64_t>(index), entry);
  auto it = x.entries.find(index);
  int64_t old = it != x.entries.end() ? it->second : 0;
  if (entry == 0) {
    if (it != x.entries.end()) x.entries.erase(it);
  } else {
    x.entries[index] = entry;
  }
  hb_acq_rel(x.id);  // rcu_assign_pointer() of the slot; readers acquire it
  Ctx::current().set_result(old);
  return old;
}

}  // namespace

Xarray* xarray_new(const char* name, ObjectId owner) {
  Ctx& ctx = Ctx::current();
  Xarray* xa = ctx.make<Xarray>();
  xa->id = ctx.new_object();
  xa->name = name;
  const char* lock_name = intern_name(std::string(name) + ".xa_lock");
  xa->xa_lock = spinlock_new(lock_name);
  if (owner != kNoObject) {
    slab_adopt(owner, xa->id);
    slab_adopt(owner, xa->xa_lock->word.object());
  }
  return xa;
}

void xa_lock(Xarray* xa, Loc loc) { spin_lock(lock_of(xa, loc), loc); }
void xa_unlock(Xarray* xa, Loc loc) { spin_unlock(lock_of(xa, loc), loc); }
void xa_lock_irq(Xarray* xa, Loc loc) { spin_lock_irq(lock_of(xa, loc), loc); }
void xa_unlock_irq(Xarray* xa, Loc loc) { spin_unlock_irq(lock_of(xa, loc), loc); }
unsigned long xa_lock_irqsave(Xarray* xa, Loc loc) {
  return spin_lock_irqsave(lock_of(xa, loc), loc);
}
void xa_unlock_irqrestore(Xarray* xa, unsigned long flags, Loc loc) {
  spin_unlock_irqrestore(lock_of(xa, loc), flags, loc);
}

int64_t __xa_store(Xarray* xa, uint64_t index, int64_t entry, Loc loc) {
  lockdep_assert_held(&lock_of(xa, loc)->dep_map, loc);
  return store_locked(xa, op::kRawXaStore, index, entry, loc);
}

int64_t __xa_erase(Xarray* xa, uint64_t index, Loc loc) {
  lockdep_assert_held(&lock_of(xa, loc)->dep_map, loc);
  return store_locked(xa, op::kRawXaErase, index, 0, loc);
}

int64_t xa_store(Xarray* xa, uint64_t index, int64_t entry, Loc loc) {
  xa_lock(xa, loc);
  int64_t old = store_locked(xa, op::kXaStore, index, entry, loc);
  xa_unlock(xa, loc);
  return old;
}

int64_t xa_erase(Xarray* xa, uint64_t index, Loc loc) {
  xa_lock(xa, loc);
  int64_t old = store_locked(xa, op::kXaErase, index, 0, loc);
  xa_unlock(xa, loc);
  return old;
}

int64_t xa_load(Xarray* xa, uint64_t index, Loc loc) {
  Xarray& x = step(xa, op::kXaLoad, Access::kRead, loc, static_cast<int64_t>(index));
  hb_acquire(x.id);
  auto it = x.entries.find(index);
  int64_t entry = it != x.entries.end() ? it->second : 0;
  Ctx::current().set_result(entry);
  return entry;
}

void xa_for_each(Xarray* xa, const std::function<void(uint64_t, int64_t)>& body, Loc loc) {
  uint64_t from = 0;
  for (;;) {
    Xarray& x = step(xa, op::kXaForEach, Access::kRead, loc, static_cast<int64_t>(from));
    hb_acquire(x.id);
    auto it = x.entries.lower_bound(from);
    if (it == x.entries.end()) {
      Ctx::current().set_result(-1);
      return;
    }
    uint64_t index = it->first;
    int64_t entry = it->second;
    Ctx::current().set_result(static_cast<int64_t>(index));
    body(index, entry);
    if (index == UINT64_MAX) return;
    from = index + 1;
  }
}

}  // namespace ravel::model
