// model/srcu.h: sleepable RCU (include/linux/srcu.h, kernel/rcu/srcutree.c,
// Documentation/RCU/whatisRCU.rst "SRCU").
//
// Each srcu_struct is a grace-period domain of its own (model/grace_period.h): its readers
// delay only its grace periods, and its read-side sections may sleep. The reduction is RCU's
// (docs/reduction.md "Read-side sections"): an entry reads the domain's entry object, an exit
// updates (kAdd) its grace-period object, synchronize_srcu()'s start writes the entry object and
// its wait is always a step.
//
// The index. srcu_read_lock() returns the parity of the grace periods started so far on the
// struct (srcutree.c: ssp->srcu_idx & 1, which each grace period flips), and srcu_read_unlock()
// must be given the index its srcu_read_lock() returned: the kernel counts readers per index, so
// a wrong index leaves one count unbalanced (a later grace period hangs or ends early). The model
// keeps one section per srcu_read_lock() and ends, for srcu_read_unlock(), the calling task's
// latest open section with that index; for srcu_up_read(), which any task may call, the oldest
// open srcu_down_read() section with that index. An index no open section has is reported as a
// warning (the kernel WARNs only for an index other than 0 or 1, WARN_ON_ONCE(idx & ~0x1)).
//
// Lockdep (CONFIG_DEBUG_LOCK_ALLOC): srcu_read_lock() acquires the struct's map as a recursive
// read (srcu_lock_acquire = lock_map_acquire_read) and srcu_read_unlock() releases it;
// srcu_down_read()/srcu_up_read() do not touch it (another task may end the section).
// synchronize_srcu() is a lock_map_sync() of the map (acquire and release as a write, no
// section): with it lockdep sees "srcu_read_lock(s); mutex_lock(m)" against
// "mutex_lock(m); synchronize_srcu(s)" as the deadlock it is, and synchronize_srcu() inside a
// read-side section of the same struct as recursive locking.
//
// Callbacks (call_srcu) run from a workqueue in process context with BHs disabled
// (srcu_invoke_callbacks), after a grace period of their struct.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "checker/api.h"
#include "model/grace_period.h"
#include "model/lockdep.h"
#include "model/race.h"

namespace ravel::model {

struct SrcuStruct {
  // DEFINE_SRCU / DEFINE_STATIC_SRCU / init_srcu_struct. `name` must outlive the run.
  SrcuStruct(Ctx& ctx, const char* name);
  const char* name;
  std::string gp_what;       // "an SRCU grace period of <name>"
  std::string barrier_what;  // "srcu_barrier() waiting for SRCU callbacks of <name>"
  std::string cb_prefix;     // "<name>_cb"
  GpDomain gp;
  // __SRCU_DEP_MAP_INIT: a map named after the struct, no wait-type checks (readers may sleep).
  LockdepMap dep_map;
  uint64_t started = 0;  // grace periods started: srcu_read_lock()'s index is its parity
  struct Reader {
    uint32_t section;  // in gp.sections, which holds the task that began it
    int64_t idx;
    bool down;  // srcu_down_read(): any task may end it
  };
  std::vector<Reader> readers;  // open sections, oldest first
};

// A new SrcuStruct in the running execution (the arena frees it with the execution).
SrcuStruct* srcu_struct_new(const char* name);

void init_srcu_struct(SrcuStruct* ssp, Loc loc);
void cleanup_srcu_struct(SrcuStruct* ssp, Loc loc);
int srcu_read_lock(SrcuStruct* ssp, Loc loc);
void srcu_read_unlock(SrcuStruct* ssp, int64_t idx, Loc loc);
int srcu_down_read(SrcuStruct* ssp, Loc loc);
void srcu_up_read(SrcuStruct* ssp, int64_t idx, Loc loc);
void synchronize_srcu(SrcuStruct* ssp, Loc loc);
void synchronize_srcu_expedited(SrcuStruct* ssp, Loc loc);
void call_srcu(SrcuStruct* ssp, ObjectId head, std::function<void()> fn, Loc loc);
void srcu_barrier(SrcuStruct* ssp, Loc loc);
// srcu_read_lock_held(): the current task holds the struct's map (srcu_read_lock, not
// srcu_down_read).
bool srcu_read_lock_held(const SrcuStruct* ssp);
// srcu_dereference_check(p, ssp, c): lockdep accepts it where c or srcu_read_lock_held(ssp)
// holds -- not inside a plain rcu_read_lock() section. srcu_dereference() is it with c = 0.
int64_t srcu_dereference_check(SharedVar* p, SrcuStruct* ssp, bool cond, Loc loc);

}  // namespace ravel::model
