// model/xarray.h: struct xarray (include/linux/xarray.h, lib/xarray.c,
// Documentation/core-api/xarray.rst).
//
// Design note. Entries are kept in index order (std::map: deterministic iteration). The
// modifying calls take the internal xa_lock as the kernel does -- xa_store/xa_erase are
// xa_lock(); __xa_store/__xa_erase; xa_unlock() -- as separate steps, so an IRQ can fire (and
// other CPUs run) while it is held. xa_lock is a real spinlock (model/spinlock.h) with one lockdep
// class per xarray declaration ("<name>.xa_lock"): taking it with IRQs on in process context and
// in a hardirq handler is lockdep's "inconsistent lock state", and an actual deadlock when the
// IRQ interrupts the holder. __xa_store/__xa_erase require it held (lockdep_assert_held).
// Readers follow the kernel too: xa_load and the xa_for_each steps run under RCU, not xa_lock
// (one kRead step each); the entry store is a release, a load that reads it an acquire.
// The model never allocates (a gfp argument is accepted and ignored, language.md section 5).
#pragma once

#include <cstdint>
#include <functional>
#include <map>

#include "checker/api.h"
#include "model/spinlock.h"

namespace ravel::model {

struct Xarray {
  ObjectId id = kNoObject;
  const char* name = "";
  Spinlock* xa_lock = nullptr;
  std::map<uint64_t, int64_t> entries;  // index -> entry (never 0: storing NULL erases)
};

// DEFINE_XARRAY(name): empty. `name` must outlive the run. Not an operation.
Xarray* xarray_new(const char* name, ObjectId owner = kNoObject);

void xa_lock(Xarray* xa, Loc loc);
void xa_unlock(Xarray* xa, Loc loc);
void xa_lock_irq(Xarray* xa, Loc loc);
void xa_unlock_irq(Xarray* xa, Loc loc);
unsigned long xa_lock_irqsave(Xarray* xa, Loc loc);
void xa_unlock_irqrestore(Xarray* xa, unsigned long flags, Loc loc);

// Return the previous entry (0 for none), as the kernel's do.
int64_t xa_store(Xarray* xa, uint64_t index, int64_t entry, Loc loc);
int64_t xa_erase(Xarray* xa, uint64_t index, Loc loc);
int64_t __xa_store(Xarray* xa, uint64_t index, int64_t entry, Loc loc);  // NOLINT
int64_t __xa_erase(Xarray* xa, uint64_t index, Loc loc);                 // NOLINT
int64_t xa_load(Xarray* xa, uint64_t index, Loc loc);
// xa_for_each(xa, index, entry) { body }: one step per entry found (xa_find / xa_find_after),
// in index order; the body may modify the array.
void xa_for_each(Xarray* xa, const std::function<void(uint64_t, int64_t)>& body, Loc loc);

}  // namespace ravel::model
