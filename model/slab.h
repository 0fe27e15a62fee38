// model/slab.h: kmalloc / kzalloc / kfree / kfree_rcu with KASAN- and kmemleak-style checks.
//
// Design note. A heap object is an ObjectId with an allocation record: identity (allocation
// site, allocating task, ordinal of that pair in the execution), the free site and task once
// freed. Model objects embedded in a heap object (a field's lock, kref, completion) are
// registered with slab_adopt(); plain fields are SharedVars whose owner is the heap object.
// Every model operation calls slab_check(object) after its yield: an operation on freed memory
// is a uaf ("BUG: KASAN: slab-use-after-free in <op>", fatal), on NULL a null-deref.
//
// kfree is one operation on the heap object (kWrite), then one step per adopted object
// (kWrite of that object), so that the free is dependent with every operation that can observe
// it (checker/api.h decides dependency from one object per operation). An operation on a part
// not yet freed is equivalent to one before the kfree, so splitting loses no behaviour.
//
// Kernel references: mm/kasan/report.c (wording), mm/kmemleak.c (leaks: objects allocated when
// the execution ends normally; checked by KernelPlugin::end_execution), mm/slab_common.c
// (kfree_rcu frees after a grace period, through call_rcu). GFP_KERNEL may sleep
// (might_sleep), enters lockdep's fs_reclaim map and may run registered shrinkers
// (mm/page_alloc.c: fs_reclaim_acquire; direct reclaim); GFP_NOWAIT / GFP_ATOMIC do neither.
#pragma once

#include <cstdint>

#include "checker/api.h"

namespace ravel::model {

enum class Gfp : uint8_t { kKernel, kNowait, kAtomic };

// Allocates a heap object of `type` (a name for reports, e.g. "struct job"; must outlive the
// run). Returns its ObjectId (never kNoObject: the model does not fail allocations).
ObjectId kmalloc(const char* type, Gfp gfp, Loc loc);
ObjectId kzalloc(const char* type, Gfp gfp, Loc loc);
// An object the program did not allocate but that can be freed (an ops table a module owns):
// tracked for use-after-free, never reported as a leak. Not an operation (no yield).
ObjectId slab_static_object(const char* type, Loc loc);
// `child` (a model object created for a field) lives and dies with `heap`.
void slab_adopt(ObjectId heap, ObjectId child);

// kfree(NULL) is a no-op, as in the kernel. Freed memory again: double-free (fatal).
void kfree(ObjectId p, Loc loc);
// Frees `p` after an RCU grace period (an RCU callback task), see model/rcu.h.
void kfree_rcu(ObjectId p, Loc loc);

// After an operation's yield: reports a uaf (fatal) if `object`, or the heap object it belongs
// to, has been freed. `op` names the operation ("spin_lock"). Objects the slab never saw pass.
void slab_check(ObjectId object, const char* op, Loc loc);
// Null check then slab_check: `object == kNoObject` is a null-deref (fatal).
void slab_check_deref(ObjectId object, const char* op, Loc loc);
bool slab_is_freed(ObjectId object);
size_t slab_live_count();  // heap objects (not static ones) currently allocated

// End of a complete execution: one kLeak per object still allocated.
void slab_check_leaks(Ctx& ctx);

// The kernel's free without the checks and steps of kfree, for the models themselves: frees a
// static object (module_unload freeing its ops tables). One operation on `p`.
void slab_free_internal(ObjectId p, OpKind kind, Loc loc);

}  // namespace ravel::model
