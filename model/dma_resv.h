// model/dma_resv.h: struct dma_resv (drivers/dma-buf/dma-resv.c, include/linux/dma-resv.h).
//
// Design note. The lock is a WwMutex of the execution's predefined wait-die class
// reservation_ww_class (one lockdep class "reservation_ww_class_mutex" for every resv, so two
// resvs nested without an acquire context are recursive locking). The fence container is a model
// object: add_fence kWrites it, unlocked readers (wait_timeout, test_signaled: the kernel's RCU
// iterator) kRead it. Slots follow the kernel's debug build: dma_resv_reserve_fences(r, n) makes n
// free slots, dma_resv_add_fence uses one unless it replaces a fence of the same context or a
// signalled one, and without a free slot it is the kernel's BUG_ON (assertion, fatal);
// dma_resv_unlock drops unused reservations (dma_resv_reset_max_fences, CONFIG_DEBUG_MUTEXES).
// Usages are ordered KERNEL < WRITE < READ < BOOKKEEP: waiting for (testing) a usage covers every
// fence of that usage and of the ones below it (dma_resv_iter with usage filter). The resv holds a
// fence reference per slot (dma_fence_get/put), never a heap object.
#pragma once

#include <vector>

#include "checker/api.h"
#include "model/dma_fence.h"
#include "model/race.h"
#include "model/ww_mutex.h"

namespace ravel::model {

enum class DmaResvUsage : int { kKernel = 0, kWrite = 1, kRead = 2, kBookkeep = 3 };

struct DmaResv {
  // read_seqcount_begin's condition: no writer inside a write section (dma_fields.h).
  struct SeqEven {
    static constexpr Gate::Kind kKind = Gate::Kind::kEvent;
    const DmaResv* r;
    bool holds(TaskId) const { return (r->seq & 1) == 0; }
    ObjectId object() const { return r->id; }
    std::string describe(TaskId) const;
  };
  struct Slot {
    DmaFence* fence;
    DmaResvUsage usage;
    // The mapping of this resv's buffer that the adding task made last (dma::State::last_map),
    // if any: its job's fence, most likely. Only the order in which a device's write reads the
    // invalidation's fences uses it (model/dma_buf.h), never a verdict.
    ObjectId mapping = kNoObject;
    // Added while the adding task was the only one (init, before the threads) and before any
    // dma_buf_invalidate_mappings(): the slot was in the resv before every invalidation, and
    // leaves it only by a replacement, so while it is there every snapshot holds its fence.
    // Used by dma_access()'s own-job test (model/dma_buf.cc own_job_pending).
    bool before_tasks = false;
  };
  const char* name = "resv";
  ObjectId id = kNoObject;  // the fence container
  WwMutex* lock = nullptr;
  std::vector<Slot> fences;
  int free_slots = 0;     // max_fences - num_fences
  bool has_list = false;  // obj->fences allocated (a first dma_resv_reserve_fences); NULL before
  unsigned seq = 0;       // obj->seq, the seqcount_ww_mutex_t of the fence container
  // obj->fences when scenario code manages the list itself (dma_fields.h): the RCU pointer's
  // variable; the model's container (`fences` above) is then refused, and the other way round.
  SharedVar* fences_var = nullptr;
  WaitOn<SeqEven> seq_gate{SeqEven{this}};
};

// The predefined wait-die class of this execution (`&reservation_ww_class` in scenarios).
WwClass* reservation_ww_class();
// dma_resv_init(): not an operation. `owner`: the heap object it is a field of, if any.
DmaResv* dma_resv_new(const char* name, ObjectId owner = kNoObject);

int dma_resv_lock(DmaResv* r, WwAcquireCtx* ctx, Loc loc);  // 0 / -EDEADLK / -EALREADY
void dma_resv_lock_slow(DmaResv* r, WwAcquireCtx* ctx, Loc loc);
bool dma_resv_trylock(DmaResv* r, Loc loc);
void dma_resv_unlock(DmaResv* r, Loc loc);
void dma_resv_assert_held(DmaResv* r, Loc loc);
int dma_resv_reserve_fences(DmaResv* r, unsigned int num_fences, Loc loc);  // 0
void dma_resv_add_fence(DmaResv* r, DmaFence* f, DmaResvUsage usage, Loc loc);
// Waits for every fence of `usage` and below: the remaining timeout (`timeout`, or 1 for 0) or 0.
long dma_resv_wait_timeout(DmaResv* r, DmaResvUsage usage, bool intr, long timeout, Loc loc);
bool dma_resv_test_signaled(DmaResv* r, DmaResvUsage usage, Loc loc);
// The fences of `usage` and below now (no operation: for dma_buf's invalidation snapshot, which
// runs with the lock held).
std::vector<DmaFence*> dma_resv_fences_locked(const DmaResv* r, DmaResvUsage usage);
// The same, with their slots (the mapping tag).
std::vector<DmaResv::Slot> dma_resv_slots_locked(const DmaResv* r, DmaResvUsage usage);

}  // namespace ravel::model
