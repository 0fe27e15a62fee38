// model/dma_fields.h: the fields of struct dma_fence and struct dma_resv that kernel code reads
// and writes directly (include/linux/dma-fence.h, include/linux/dma-resv.h), as operations of
// the fence and reservation models (dma_fence.h, dma_resv.h).
//
// Design note. A field is the model's state, not a copy: `fence->flags` is computed from the
// fence's signalled, timestamp and enable-signal state, and setting DMA_FENCE_FLAG_SIGNALED_BIT
// signals the fence (its waiters wake, HB is published) exactly as the model's own signal does.
// Each access is one visible operation on the object (a kRead or kWrite of the fence or resv id),
// so the scheduler interleaves it, the race detector orders it and the slab check reports it
// after a free. What the model cannot honour is an error of the scenario, never an
// approximation: clearing a fence's state bits (the kernel never does), setting the SIGNALED bit
// by hand while callbacks registered with dma_fence_add_callback wait (the callback list is the
// model's, only dma_fence_signal runs it).
//
// The resv's `seq` is a seqcount_ww_mutex_t (include/linux/seqlock.h, !PREEMPT_RT):
// write_seqcount_begin asserts the ww_mutex held, disables preemption and makes the count odd;
// write_seqcount_end makes it even, publishes HB and enables preemption; read_seqcount_begin
// waits while the count is odd (the kernel spins) and returns it; read_seqcount_retry tells
// whether a writer ran since. The model's dma_resv_add_fence is such a write section too.
#pragma once

#include <cstdint>

#include "checker/api.h"

namespace ravel::model {

struct DmaFence;
struct DmaResv;
struct DmaFenceOps;
struct Spinlock;
struct WwClass;
struct WwMutex;

// include/linux/dma-fence.h enum dma_fence_flag_bits.
inline constexpr int kDmaFenceFlagSignaledBit = 0;
inline constexpr int kDmaFenceFlagTimestampBit = 1;
inline constexpr int kDmaFenceFlagEnableSignalBit = 2;
inline constexpr int kDmaFenceFlagUserBits = 3;  // the first bit drivers may use

// fence->flags.
uint64_t dma_fence_flags_read(DmaFence* f, Loc loc);
bool dma_fence_flag_test(DmaFence* f, int nr, Loc loc);          // test_bit
bool dma_fence_flag_test_and_set(DmaFence* f, int nr, Loc loc);  // test_and_set_bit, set_bit
void dma_fence_flag_clear(DmaFence* f, int nr, Loc loc);         // clear_bit (user bits only)
// fence->context, ->seqno, ->error (plain fields of the fence).
enum class DmaFenceField : uint8_t { kContext, kSeqno, kError };
int64_t dma_fence_field_read(DmaFence* f, DmaFenceField which, Loc loc);
void dma_fence_field_write(DmaFence* f, DmaFenceField which, int64_t v, Loc loc);
Spinlock* dma_fence_lock_read(DmaFence* f, Loc loc);    // fence->lock
DmaFenceOps* dma_fence_ops_read(DmaFence* f, Loc loc);  // fence->ops (NULL once detached)

// obj->seq.
unsigned read_seqcount_begin(DmaResv* r, Loc loc);
bool read_seqcount_retry(DmaResv* r, unsigned start, Loc loc);
void write_seqcount_begin(DmaResv* r, Loc loc);
void write_seqcount_end(DmaResv* r, Loc loc);
// seqcount_ww_mutex_init(&obj->seq, &obj->lock): `lock` must be the resv's own.
void seqcount_ww_mutex_init(DmaResv* r, WwMutex* lock, Loc loc);
// ww_mutex_init(lock, class): the lock unlocked again; the class must be the lock's own (its
// lockdep class was fixed when it was made).
void ww_mutex_init(WwMutex* m, WwClass* cls, Loc loc);
void ww_mutex_destroy(WwMutex* m, Loc loc);

}  // namespace ravel::model
