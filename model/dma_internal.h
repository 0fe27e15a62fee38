// model/dma_internal.h: helpers shared by the dma_fence / dma_resv / dma_buf models (not an API).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "checker/api.h"
#include "model/lockdep.h"

namespace ravel::model {

struct DmaFence;
struct DmaFenceCbMemory;
struct DmaFenceOps;
struct DmaResv;
struct WwClass;

namespace dma {

// Per-execution state of the dma models (exec_local, model/race.h).
struct State {
  LockdepMap fence_map{"dma_fence_map", LockType::kMap, kWaitInv,
                       kWaitInv};  // dma_fence_lockdep_map (STATIC_LOCKDEP_MAP_INIT: "{0:0}")  //
                                   // dma_fence_lockdep_map
  WwClass* reservation_ww_class = nullptr;
  uint64_t next_context = 1;
  // A table with .enable_signaling exists (dma_fence_ops_filled): enable sections are never
  // coarse steps then, since one may call it. `coarse_taken`: one was already (the guard).
  bool enable_ops = false;
  bool coarse_taken = false;
  // Per task, the last dma_buf mapping it made and its buffer's resv (dma_buf_map_attachment):
  // a fence the task then adds to that resv is tagged with it (DmaResv::Slot::mapping).
  struct LastMap {
    TaskId task;
    const DmaResv* resv;
    ObjectId mapping;
  };
  std::vector<LastMap> last_map;
  // dma_buf_invalidate_mappings() ran in this execution: a fence added from then on may be
  // missing from a snapshot taken before (DmaResv::Slot::before_tasks).
  bool invalidated_any = false;
  // The fences each task's code signals (dma_note_own_job), in the order noted.
  std::vector<std::pair<TaskId, const DmaFence*>> own_jobs;
  // The callback lists' memory when a caller provides it (dma_fence_cb_memory), else nullptr:
  // every fence's list is then that memory, never DmaFence::cb_list.
  DmaFenceCbMemory* cb_memory = nullptr;
};
State& state();
// The mapping the running task made last on a buffer whose resv is `r`, or kNoObject.
ObjectId last_mapping(const DmaResv* r);
void note_mapping(const DmaResv* r, ObjectId mapping);

// One visible operation on `object` (kNoObject: touches nothing shared), then the uaf check.
void step(OpKind kind, Access access, ObjectId object, Loc loc, const Wait* gate = nullptr,
          bool may_time_out = false);
// The same for an operation built by the caller (one with an extra object, Operation::add_read
// or add_write): its yield, then the uaf check of its object.
void step(const Operation& op);
// A call through an ops table: a kRead of the table (dependent with module_unload's free), then
// the uaf check naming the member ("dma_fence_ops.signaled").
void ops_call_step(OpKind kind, ObjectId table, const char* member, Loc loc);
void warn(const std::string& message, const std::string& details, Loc loc);
void set_result(int64_t v);

// Sets f's SIGNALED bit: notes the signaller's epoch (DmaFence::signal_epoch), then publishes
// its clock on the fence (hb_release), in the caller's step.
void set_signaled(DmaFence* f);
// Whether the signal of f happens before the running task's current point. Unlike "f is
// signalled now", every interleaving equivalent to this one agrees on it, so a model may branch
// on it without a step of its own (a signal not in the past may land before or after).
bool signaled_in_past(const DmaFence* f);

// The fence's effect of signalling (lock held, inside the caller's step): -EINVAL if already
// signalled, else sets the bit, publishes HB, detaches ops, runs the callbacks in order.
int signal_locked_effect(DmaFence* f, Loc loc);

}  // namespace dma
}  // namespace ravel::model
