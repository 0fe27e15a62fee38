// model/race.h: happens-before tracking, the data-race detector, and plain shared variables.
//
// Design note. Happens-before (language.md section 7) is tracked with vector clocks
// (model/core/hb_clock.h): every task has a clock, every synchronization object a clock
// (by Ctx::object_index). Primitives publish edges through hb_release(obj) / hb_acquire(obj):
// locks (unlock -> next lock), completions, wake-ups, RCU, work queueing, atomic RMWs,
// release/acquire pairs. Task spawn, task end -> `final` are handled by RaceDetector's hooks.
//
// The detector follows KCSAN's definition: two accesses to one variable race when they are not
// ordered by happens-before, at least one is a write and at least one is plain (unmarked);
// READ_ONCE/WRITE_ONCE/atomics are marked. Each variable keeps, per task, its last (plain and
// any) read and write epoch -- a full vector-clock detector (Djit+), exact for the small task
// counts of scenarios. Each pair of locations is reported once per run.
//
// Its per-execution state, and the per-execution state of every model that keeps some beyond
// its objects (slab, RCU, workqueue, dma...: exec_local<T>() below), is made when an execution
// begins by model::KernelPlugin (model/kernel.h), the one plugin of the models, which drives
// the RaceDetector's hooks. Runs that use the models register a KernelPlugin
// (ExploreOptions::plugins), otherwise the first use is a model error.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "checker/api.h"
#include "model/core/hb_clock.h"

namespace ravel::model {

// The detector's run-wide state (which pairs were reported) and its execution hooks, called by
// KernelPlugin in the engine's plugin order.
class RaceDetector {
 public:
  void begin_execution(Ctx& ctx);
  void on_task_spawned(TaskId task, TaskId parent);
  void on_event(const Event& event);
  void on_task_finished(TaskId task);

  // Run-wide deduplication of race reports: true the first time a (loc, loc) pair is seen.
  bool first_report(const Loc& a, const Loc& b);

 private:
  std::set<std::tuple<std::string, uint32_t, std::string, uint32_t>> reported_;
};

// --- per-execution storage -------------------------------------------------------------------
namespace internal {
void*& exec_slot(size_t index);  // model_error when no KernelPlugin runs
size_t next_slot_index();
}  // namespace internal

template <class T>
T& exec_local() {
  static const size_t index = internal::next_slot_index();
  void* p = internal::exec_slot(index);
  if (p == nullptr) {
    // Safety: T's constructor may itself use exec_local (growing the slot table), so the slot
    // is looked up again after construction rather than held across it.
    p = Ctx::current().make<T>();
    internal::exec_slot(index) = p;
  }
  return *static_cast<T*>(p);
}

// --- happens-before ---------------------------------------------------------------------------
// The current task publishes its clock into `sync`'s clock and advances its own component.
void hb_release(ObjectId sync);
// The current task joins `sync`'s clock.
void hb_acquire(ObjectId sync);
// Both (an atomic read-modify-write, which is fully ordered in the kernel).
void hb_acq_rel(ObjectId sync);
// A store-release (smp_store_release, rcu_assign_pointer): `sync`'s clock becomes the task's
// clock, so a later acquire that reads this store is ordered after it (reads-from).
void hb_release_store(ObjectId sync);
// The current task's clock (e.g. to remember the end of an RCU read-side section), then tick.
VectorClock hb_snapshot_release();
void hb_join(const VectorClock& clock);  // the current task acquires a remembered clock
const VectorClock& hb_clock(TaskId task);

// Fences (smp_wmb/smp_rmb/smp_mb): a release fence makes the task's clock at the fence the one
// later marked writes publish; an acquire fence joins what earlier marked reads observed.
void hb_fence(bool acquire, bool release);

// --- the race detector -----------------------------------------------------------------------
// Records an access of the current task (after its yield) and reports races against the
// variable's earlier accesses. `name` names the variable in reports (must outlive the run).
void race_access(ObjectId var, const char* name, bool write, bool marked, Loc loc);
// A marked write also publishes the task's last release fence (see hb_fence); a marked read
// collects the variable's published clock for a later acquire fence.
void marked_publish(ObjectId var);
void marked_observe(ObjectId var);

// --- plain shared variables ------------------------------------------------------------------
// A shared variable (a global `int x;` or a field of a heap object). `owner` is the heap object
// it belongs to (kNoObject for globals): accessing it after the owner is freed is a uaf, and
// operations on it are dependent with the owner's kfree.
struct SharedVar {
  ObjectId id = kNoObject;
  ObjectId owner = kNoObject;
  const char* name = "";
  int64_t value = 0;
  // The object an operation on this variable yields on (the owner for heap fields, so that the
  // field access and the kfree of its object are dependent).
  ObjectId dep_object() const { return owner != kNoObject ? owner : id; }
};

SharedVar* new_shared_var(const char* name, int64_t init, ObjectId owner = kNoObject);
int64_t plain_read(SharedVar* v, Loc loc);
void plain_write(SharedVar* v, int64_t value, Loc loc);

// A name that outlives the run (task names of spawned workers and callbacks): interned.
const char* intern_name(const std::string& name);

// A finding of a kind that lets the execution go on (a WARN, a DMA fault ...), at loc.
void report_finding(Violation::Kind kind, const std::string& message, const std::string& details,
                    Loc loc);
// NULL where a built-in needs an object: the kernel's NULL pointer dereference oops (fatal).
// Call after the operation's yield.
[[noreturn]] void report_null_deref(const char* op, Loc loc);
// An ERR_PTR(err) used as an object (a missed IS_ERR check): the kernel oopses at the small
// negative address ("BUG: unable to handle page fault for address: ffffffffffffffea"); reported
// as kNullDeref, the same class of fatal bad-pointer dereference.
[[noreturn]] void report_err_ptr_deref(const char* op, int64_t err, Loc loc);
// IS_ERR_VALUE (include/linux/err.h): an integer in [-MAX_ERRNO, -1].
inline bool is_err_value(bool is_int, int64_t v) { return is_int && v < 0 && v >= -4095; }

}  // namespace ravel::model
