// model/grace_period.h: grace periods over read-side sections, shared by RCU (model/rcu.h, one
// domain per execution) and SRCU (model/srcu.h, one domain per srcu_struct).
//
// A domain has two objects. Its entry object is read by every section's entry and written by
// every grace-period start; its grace-period object is updated (kAdd) by every section's exit,
// read by a grace period's wait and written when a callback has been invoked. So entries
// commute with each other and exits commute with each other (docs/reduction.md "Read-side
// sections"); what orders them against a grace period is its start (entries) and its wait
// (exits). A grace period is the set of sections active at its start: it waits exactly for
// pre-existing readers, as the kernel's guarantee says (Documentation/RCU/whatisRCU.rst,
// Documentation/RCU/Design/Requirements/Requirements.rst "Grace-Period Guarantee"), and no longer.
//
// Happens-before: the end of each section of a grace period -> whoever waited for it (the
// kernel's grace-period memory barriers also order already-finished pre-existing readers before
// the grace period's end: Documentation/RCU/Design/Memory-Ordering/Tree-RCU-Memory-Ordering.rst);
// the queuing of a callback -> the callback (task creation); each invoked callback -> a barrier
// that waited for it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "checker/api.h"
#include "model/race.h"

namespace ravel::model {

struct GpSection {
  TaskId task = kNoTask;
  bool active = true;
  VectorClock end;  // the reader's clock when the section ended
};

// How a domain names itself and runs its callbacks.
struct GpFlavor {
  const char* gp_what;       // "an RCU grace period", for a waiting task's description
  const char* barrier_what;  // "rcu_barrier() waiting for RCU callbacks"
  const char* cb_prefix;     // callback task names: "<cb_prefix><index>"
  OpKind batch;              // the callback task's operations (rcu_do_batch)
  void (*enter)();           // the callback's context around fn() (softirq for RCU)
  void (*exit)();
};

struct GpDomain {
  GpDomain(ObjectId gp_object, ObjectId entry_object, GpFlavor how)
      : obj(gp_object), entry(entry_object), flavor(how) {}
  ObjectId obj;
  ObjectId entry;
  GpFlavor flavor;
  std::vector<GpSection> sections;
  std::vector<uint8_t> invoked;     // per queued callback
  std::vector<VectorClock> cb_end;  // per queued callback: its clock when it finished

  // A new active section of task t (its index), and the end of one (its clock, taken now).
  uint32_t open(TaskId t);
  void close(uint32_t section);
  bool any_active() const;
};

// A grace period, taken at its start (after the start's step): the sections still active, which
// it waits for, and the joined end clocks of those already finished.
struct GracePeriod {
  std::vector<uint32_t> active;
  VectorClock ended;
};
GracePeriod gp_snapshot(const GpDomain& d);

// Waits (one gated step on d.obj, if a section of `gp` is still active, or always when
// `always`) for the grace period, then orders the sections' ends before the caller.
void gp_wait(GpDomain& d, OpKind kind, GracePeriod gp, Loc loc, bool always);

// Queues fn() to run after a grace period starting now: one step (`kind`, kWrite of d.obj and of
// d.entry, argument `head`; calling on a freed head is a uaf), then a callback task that waits,
// runs fn() in the flavor's context and marks it invoked (a kWrite of d.obj).
void gp_queue_callback(GpDomain& d, OpKind kind, ObjectId head, std::function<void()> fn, Loc loc);

// rcu_barrier()/srcu_barrier(): waits until every callback queued before it has been invoked.
void gp_barrier(GpDomain& d, OpKind kind, Loc loc);

}  // namespace ravel::model
