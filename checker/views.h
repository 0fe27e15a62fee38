// checker/views.h: what models tell reports (part of the engine's contract, checker/api.h).
//
// A trace is recorded by replaying one schedule (reports/trace.h). What only a model knows
// about a task at an event (its CPU, its context, the locks it holds) and about the run (the
// lock-order graph lockdep learned) reaches reports through these plain values, answered by
// Plugin::view_task / view_objects / order_graph: reports include the engine, never a model.
// Read-only and only while a trace is recorded: exploration never calls them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "checker/api.h"

namespace ravel {

// A lock (or other resource) a task holds, innermost last in TaskView::held.
struct HeldResource {
  const void* key = nullptr;  // identity of the instance; never dereferenced (it may dangle)
  std::string name;           // its class as reports print it ("&l->lock", "a/1" when nested)
  int cls = -1;               // index in the OrderGraph, -1 when none
  Loc loc;                    // where it was taken
  int read = 0;               // 0 exclusive, 1 shared, 2 shared recursive (lockdep's `read`)
};

// Where a task runs and in which state, as the model sees it before the task's next step.
struct TaskView {
  bool known = false;  // the model placed the task (a CPU, a context)
  int cpu = -1;
  bool handler = false;                   // an interrupt handler, not a thread
  bool hardirq = false, softirq = false;  // the context its next step runs in
  bool irqs_off = false;
  int preempt = 0, bh = 0, rcu = 0;  // disable/read-side nesting depths
  std::vector<HeldResource> held;
};

// One recorded ordering between two resource classes (lockdep's "from held while taking to").
struct OrderEdge {
  int to = -1;
  Loc from_loc, to_loc;  // where each was taken when the edge was recorded
  std::string task;
  int64_t execution = -1;  // the execution that recorded it (Ctx::execution_index()), -1 at boot
};

// A run-wide graph of resource classes (lockdep's dependency graph).
class OrderGraph {
 public:
  virtual ~OrderGraph() = default;
  virtual const std::string& class_name(int cls) const = 0;
  virtual std::vector<OrderEdge> edges_from(int cls) const = 0;  // in recording order
};

}  // namespace ravel
