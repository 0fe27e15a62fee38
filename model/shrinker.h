// model/shrinker.h: register_shrinker and direct reclaim inside GFP_KERNEL allocations
// (mm/shrinker.c, mm/page_alloc.c __alloc_pages_direct_reclaim, fs_reclaim_acquire).
//
// Design note. A GFP_KERNEL allocation may sleep (might_sleep) and enters lockdep's fs_reclaim
// map, as fs_reclaim_acquire() does for every __GFP_DIRECT_RECLAIM allocation; when shrinkers
// are registered the allocation may also perform direct reclaim: a Ctx::choose (reclaim or not),
// and on reclaim every registered shrinker runs, in registration order, in the allocating task's
// context inside the fs_reclaim map. That is how "shrinker takes lock L" + "GFP_KERNEL
// allocation under L" becomes a lockdep cycle, as in the kernel.
#pragma once

#include <functional>

#include "checker/api.h"

namespace ravel::model {

// Registers a shrinker callback for the rest of the execution. One operation.
void register_shrinker(std::function<void()> scan, Loc loc);
// The reclaim part of a GFP_KERNEL allocation, around the allocation's yield:
//   gfp_reclaim_begin(loc);                        // might_sleep, fs_reclaim map acquired
//   yield({kKmalloc, kRead, reclaim_object(), ...}); // sees the shrinkers registered before it
//   gfp_reclaim_end(loc);                          // maybe direct reclaim; map released
void gfp_reclaim_begin(Loc loc);
ObjectId reclaim_object();
void gfp_reclaim_end(Loc loc);

}  // namespace ravel::model
