// model/workqueue.h: work items and workqueues (include/linux/workqueue.h, kernel/workqueue.c).
//
// Design note. A work item has a PENDING bit: queue_work/schedule_work set it and return true,
// or return false when it is already set (a work queued while pending runs once). Each
// successful queueing is an instance run by a new task (kind "worker", process context, its own
// CPU): its first step (process_one_work, a kWrite of the work) clears PENDING -- from then on
// it can be queued again -- and runs the function inside lockdep's workqueue and work maps
// ((wq_completion)name, (work_completion)name), as process_one_work() does; its last step marks
// the instance done. flush_work waits for the last instance queued when it starts (a start step,
// then a wait gated on that instance being done); like start_flush_work() it touches the work's
// lockdep map only when the work is busy, so flush_work under a lock the work takes is a
// circular dependency for lockdep (and a deadlock when it happens). cancel_work_sync clears a
// pending instance (its worker then runs nothing) and waits for a running one. A work is
// non-reentrant: an instance starts only after the previous one finished.
// HB: queueing -> the work's start; the work's end -> the flush that waited for it.
#pragma once

#include <functional>

#include "checker/api.h"
#include "model/core/hb_clock.h"
#include "model/core/wait.h"
#include "model/lockdep.h"

namespace ravel::model {

struct Workqueue {
  Workqueue(const char* wq_name, const char* map_name)
      : name(wq_name),
        map(map_name, LockType::kMap, kWaitInv, kWaitInv) {}  // lockdep_init_map: {0:0}
  const char* name;
  LockdepMap map;
};

struct Work {
  // A flush's (or a later instance's worker's) condition: the first `target` instances are done.
  struct Flushed {
    static constexpr Gate::Kind kKind = Gate::Kind::kEvent;
    const Work* w;
    uint32_t target;
    bool holds(TaskId) const { return w->done >= target; }
    ObjectId object() const { return w->id; }
    std::string describe(TaskId) const;
  };
  using FlushGate = WaitOn<Flushed>;

  Work(ObjectId object, const char* work_name, const char* map_name)
      : id(object), name(work_name), map(map_name, LockType::kMap, kWaitInv, kWaitInv) {}
  ObjectId id;
  const char* name;
  LockdepMap map;
  std::function<void(Work*)> fn;
  bool pending = false;
  uint32_t queued = 0;     // instances queued so far
  uint32_t started = 0;    // instances whose worker has started
  uint32_t done = 0;       // instances finished (or cancelled and retired)
  uint32_t cancelled = 0;  // instances (by number) at or below which workers run nothing
  VectorClock end_clock;   // joined clocks of the instances' ends
};

// DECLARE_WORK(name, fn): a work item with its function. Not an operation.
Work* work_new(const char* name, std::function<void(Work*)> fn, ObjectId owner = kNoObject);
// alloc_workqueue(name, ...): not an operation. system_wq is "events".
Workqueue* workqueue_new(const char* name);
Workqueue* system_wq();

void INIT_WORK(Work* w, std::function<void(Work*)> fn, Loc loc);  // NOLINT
bool schedule_work(Work* w, Loc loc);
bool queue_work(Workqueue* wq, Work* w, Loc loc);
// true if it waited for the work to finish, false if the work was idle.
bool flush_work(Work* w, Loc loc);
// true if the work was pending (and is now cancelled).
bool cancel_work_sync(Work* w, Loc loc);

}  // namespace ravel::model
