// checker/api.h: the engine's contract with models (kernel primitives, the scenario interpreter,
// and models written directly in C++ by tests and benchmarks).
//
// Design note. The engine knows tasks, objects, operations, gates and choices; it never knows a
// spinlock or a fence. A model operation
//   (a) describes itself as an Operation {kind, object, access, gate, location},
//   (b) yields once (Ctx::yield), the single scheduling point of that operation,
//   (c) applies its effect when the fiber resumes, before its next yield.
// Nothing of the effect may be visible to other tasks before the yield returns.
//
// Dependency (for partial-order reduction) is decided from (object, access) alone:
//   two operations of different tasks are dependent iff they touch the same object and at least
//   one of them is kWrite (kAdd/kSub: see Access, they commute only with their own kind). An operation may also access up to kMaxExtraReads further objects
//   (Operation::extra_reads: a wait whose condition reads several objects, `await(a && b)`);
//   those count like its own access: it is dependent with every kWrite of any of them. An extra
//   object is kRead unless add_write() marked it kWrite (Operation::extra_writes): the operation
//   that ends a task's last atomic region both releases its lock and may open a grace period's
//   gate, so it writes the RCU state too; such an extra write conflicts with every access of
//   that object by another operation (its object, its extra objects, its domain).
//   Additionally every operation of a task implicitly performs a kRead of
//   the task's `domain` object (its CPU, when the CPU model sets one), so an operation that
//   writes a domain (an IRQ firing, preemption being disabled) is dependent with every operation
//   of the tasks living in that domain: it can disable them.
//
// Enabledness contract (what keeps the reduction sound with blocking):
//   a pending operation whose `gate` is closed cannot be scheduled. A gate may change from open to
//   closed or back only through an operation that kWrites or updates (kAdd/kSub, as its
//   `object`) or writes as an extra write one of the pending operation's objects (`object` or an
//   `extra_reads` entry) or the waiter's `domain`: such an operation is dependent with it.
//   Models that break this make dpor unsound; the reduction tests check it.
//
// Lifetime (Safety): Operation::gate and Loc::file must stay valid while the operation is pending
// and, for Loc::file, for the whole run (reports print it after the execution ended).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ravel {

using TaskId = uint32_t;
inline constexpr TaskId kNoTask = UINT32_MAX;

// An object's id is a function of (creating task, that task's ordinal): the k-th object created
// by task t has the same id in every interleaving, whichever task created its objects first
// (design.md: an object's identity is (creation site, creating task, ordinal)). dpor relies on
// it: a reversal re-executes events in another order, and they must name the objects recorded.
// The creator is the running task; on the scheduler's stack (a plugin callback) the task whose
// event is being processed, and before any event (Plugin::begin_execution) task 0, init.
// Creator 0's ordinals start at 1 (0 is "no object"; 1 is the engine's lifecycle object), so a
// model creating everything in setup sees ids 1, 2, 3... Ids are sparse across creators: per-
// execution tables index Ctx::object_index(id) (dense, creation order), or two levels.
using ObjectId = uint32_t;
inline constexpr ObjectId kNoObject = 0;
// Tasks of one execution, init (task 0) included: dpor keeps task sets in one 64-bit word.
// Spawning one more is a model error naming the limit and the spawning operation's location.
inline constexpr uint32_t kMaxTasksPerExecution = 64;
inline constexpr uint32_t kObjectOrdinalBits = 22;
inline constexpr uint32_t kMaxObjectCreators = 1u << (32 - kObjectOrdinalBits);  // tasks 0..1023
inline constexpr uint32_t kMaxObjectOrdinal = (1u << kObjectOrdinalBits) - 1;
constexpr ObjectId object_id(TaskId creator, uint32_t ordinal) {
  return (creator << kObjectOrdinalBits) | ordinal;
}
constexpr TaskId object_creator(ObjectId o) { return o >> kObjectOrdinalBits; }
constexpr uint32_t object_ordinal(ObjectId o) { return o & kMaxObjectOrdinal; }

enum class Access : uint8_t {
  kNone,   // touches no shared state: independent of every other operation
  kRead,   // commutes with other kReads of the same object
  kWrite,  // conflicts with every access to the same object
  // Commuting updates (docs/reduction.md): an update whose effect, if its result is not
  // observed, is the same in either order with another update of the same kind on the same
  // object (counter increments with each other, decrements with each other). It conflicts with
  // kRead, kWrite and the other kind. When the effect does observe the value (a decrement that
  // reaches zero, an increment from zero that warns), the model calls Ctx::observed() and the
  // event is a kWrite; when it leaves the value where the next update of its kind would observe
  // it, Ctx::update_at_edge(). An update may open or close the gate of an operation that reads
  // its object (await(atomic_read(&a) == 2)): it conflicts with that read, as the enabledness
  // contract above requires. Its other effects (happens-before for the race detector) must
  // commute with the other updates of its kind too.
  kAdd,
  kSub,
};

// Operation kinds are defined by models (model/ops.def); the engine only stores and reports them.
// The names come from a registry that models fill in (see OpKindNames below).
using OpKind = uint16_t;
// Except the engine's own steps, whose kinds are part of this contract: every op table starts
// with them, in this order (model/ops.def does; model/ops.cc static_asserts it). kOpStart is a
// daemon's first event, kOpJoinAll the root task's wait for every other task (execution.h).
inline constexpr OpKind kOpStart = 0;
inline constexpr OpKind kOpFinish = 1;
inline constexpr OpKind kOpJoinAll = 2;

struct Loc {
  const char* file = "";
  uint32_t line = 0;
  uint32_t col = 0;
};

// Why a pending operation may be unable to run. Implemented by model/core (lock words, wait
// queues, CPU state); the engine only asks it questions.
class Gate {
 public:
  enum class Kind : uint8_t {
    kLock,   // waiting for a lock: a task stuck here makes the end state a `deadlock`
    kEvent,  // waiting for an event (completion, fence, flush, grace period, await): a `hang`
  };
  // Hot path: called for every pending gated operation at every scheduling point.
  virtual bool open(TaskId waiter) const = 0;
  virtual Kind kind() const = 0;
  // Report time only: "mutex_lock(&a) held by T1", "wait_for_completion(&done)".
  virtual std::string describe(TaskId waiter) const = 0;

 protected:
  ~Gate() = default;
};

// One extra object keeps sizeof(Operation) at 56 bytes (it fits the padding before `loc`), so
// the hot path copies no more than before (bench: mutex_counter(4,2) dfs points/s unchanged);
// each further one costs 4 bytes of every pending operation and event.
inline constexpr uint32_t kMaxExtraReads = 1;

struct Operation {
  OpKind kind = 0;
  Access access = Access::kNone;
  uint8_t extra_count = 0;  // entries used in extra_reads (<= kMaxExtraReads)
  ObjectId object = kNoObject;
  const Gate* gate = nullptr;  // nullptr: always enabled
  // Further objects the operation kReads, besides `object` (fixed capacity, no allocation):
  // a gated wait whose condition reads several objects names all of them, so that each write
  // that may open its gate is dependent with it (enabledness contract above). Set with
  // add_read(), which ignores kNoObject and duplicates of `object` and of earlier entries.
  ObjectId extra_reads[kMaxExtraReads] = {};
  // False when the list is full (the object was not added): the model must report it.
  bool add_read(ObjectId o) { return add_extra(o) >= 0; }
  // Like add_read, and the operation kWrites `o` (bit i of extra_writes). Naming `object`
  // itself makes the operation's own access kWrite. False when the list is full.
  bool add_write(ObjectId o) {
    if (o == kNoObject) return true;
    if (o == object) {
      access = Access::kWrite;
      return true;
    }
    const int i = add_extra(o);
    if (i < 0) return false;
    extra_writes = static_cast<uint8_t>(extra_writes | (1u << i));
    return true;
  }
  bool extra_written(uint32_t i) const { return ((extra_writes >> i) & 1u) != 0; }
  // A timed wait: when no task can run any more, the engine may let this operation proceed with
  // Ctx::timed_out() true (language.md section 7: a timed wait times out only when its event
  // cannot happen).
  bool may_time_out = false;
  // Bit i set: extra_reads[i] is written, not only read (add_write). Bits >= extra_count must
  // be clear (the engine checks). In the padding after may_time_out: sizeof stays 56.
  uint8_t extra_writes = 0;
  Loc loc;
  int64_t arg0 = 0;  // shown in traces; meaning defined by the op kind
  int64_t arg1 = 0;

 private:
  // Index of `o` in extra_reads (added if new), -1 when the list is full; kNoObject and
  // `object` are not added (index kMaxExtraReads: nothing to mark).
  int add_extra(ObjectId o) {
    if (o == kNoObject || o == object) return static_cast<int>(kMaxExtraReads);
    for (uint32_t i = 0; i < extra_count; ++i) {
      if (extra_reads[i] == o) return static_cast<int>(i);
    }
    if (extra_count == kMaxExtraReads) return -1;
    extra_reads[extra_count] = o;
    return extra_count++;
  }
};
// The hot path copies pending operations and events: keep it at 56 bytes (see kMaxExtraReads).
static_assert(sizeof(Operation) == 56 || sizeof(void*) != 8, "Operation grew");
static_assert(kMaxExtraReads <= 8, "Operation::extra_writes is an 8-bit mask");

// One executed operation, in execution order. The trace is built from these alone.
struct Event {
  uint32_t index = 0;
  TaskId task = kNoTask;
  Operation op;
  int64_t result = 0;   // set by the model with Ctx::set_result() after applying the effect
  bool timed_out = false;
};

struct Violation {
  enum class Kind : uint8_t {
#define X(e, name, fatal) e,
#include "checker/violations.def"
#undef X
  };
  // A task that could not run when a deadlock or hang ended the execution (the engine fills
  // `blocked` in its stuck-state report, in TaskId order; the message says the same in words).
  struct Blocked {
    TaskId task = kNoTask;
    OpKind op = 0;          // its pending operation (op_name() names it)
    Loc loc;                // where that operation is
    bool gated = false;     // false: no gate explains it (should not happen; "(no gate)")
    Gate::Kind gate = Gate::Kind::kEvent;  // the closed gate (its domain's when that is closed)
    std::string why;        // Gate::describe(task): "mutex_lock(&a) held by T1"
  };
  Kind kind;
  std::string message;           // first line: the headline ("possible recursive locking detected")
  std::string details;           // further lines: lockdep-style splat, chain, unsafe scenario
  Loc loc;                       // where it was detected
  std::vector<uint32_t> events;  // indices of the events that form it (0-based, in this execution)
  std::vector<Blocked> blocked;  // deadlock / hang: the blocked tasks (empty for other kinds)
  // Earlier executions of this run the finding depends on, by Ctx::execution_index(): a detector
  // whose state spans executions (lockdep's dependency graph) names those whose recorded state
  // its report relies on. Each must have called Ctx::keep_schedule(). The engine turns them into
  // FoundViolation::history (sorted, deduplicated, the current execution dropped).
  std::vector<uint64_t> history;
};

const char* violation_name(Violation::Kind kind);
bool violation_is_fatal(Violation::Kind kind);
// Parses a spec name ("atomic-sleep"); false when unknown.
bool violation_from_name(const std::string& name, Violation::Kind* out);

// Task description for Ctx::spawn. The body is a plain function pointer and argument so that
// spawning allocates nothing on the hot path; Ctx::spawn_fn wraps callables.
struct TaskSpec {
  const char* name = "";       // must outlive the run (static, or owned by the program)
  const char* kind = "thread"; // thread / irq / worker / rcu-callback / init (trace label only)
  int32_t cpu = -1;            // trace label only; the CPU model owns CPU semantics
  ObjectId domain = kNoObject; // see the dependency rule above
  // Consulted for every pending operation of the task, in addition to the operation's own gate:
  // the CPU model closes it while an IRQ handler runs on the task's CPU or another task on it
  // has preemption disabled. May change only through operations that kWrite `domain`.
  const Gate* domain_gate = nullptr;
  // A daemon may never start (an IRQ that never fires). Once it has executed an operation it is
  // an ordinary task: it must finish, or the end state is a deadlock or hang.
  bool daemon = false;
  // Symmetry reduction (docs/reduction.md). Tasks spawned with one object here form a class the
  // spawner promises to be interchangeable: the same code on the same data, in environments
  // nothing tells apart (own CPUs in the same state, no IRQ bound to them, nothing that names
  // one of them), and models decide nothing by task-id order. Every execution in which they
  // start in another order is a renaming of one in which they start in spawn order, so the
  // engine explores only those: a member's first operation waits until the member spawned
  // before it has run its first one, and first operations of a class write the object (the
  // dependency that wait needs, api.h enabledness contract). kNoObject: no class.
  ObjectId symmetry = kNoObject;
  void (*entry)(void* arg) = nullptr;
  void* arg = nullptr;
};

class Execution;  // checker/execution.h; models never touch it directly

// When an execution is abandoned (a fatal violation, a deadlock, a model error, a sleep-set-blocked
// execution, or the end of the execution with a daemon still suspended), each suspended task's
// stack is unwound so that destructors run: by a forced unwind (checker/fiber.h), which typed
// handlers do not see. Models must not swallow it: a `catch (...)` in model code must rethrow
// (`catch (...) { cleanup(); throw; }`). ExecutionAbandoned itself is thrown on the scheduler's
// stack (a model error from a plugin callback) and caught by the engine. While a fiber unwinds, Ctx::yield returns at
// once (destructors may still call model operations), so model loops must not spin on yield.
struct ExecutionAbandoned {};

// The model-facing handle. Every model call goes through the Ctx of the running execution, which
// is also reachable from any fiber with Ctx::current().
class Ctx {
 public:
  explicit Ctx(Execution* exec) : exec_(exec) {}

  static Ctx& current();  // the Ctx of the execution running on this thread

  // --- scheduling ---
  // The single scheduling point of a visible operation. Returns when the strategy has picked
  // this task and the gate (if any) is open, or the wait timed out (see timed_out()).
  void yield(const Operation& op);
  bool timed_out() const;            // whether the last yield of this task returned by timeout
  void set_result(int64_t result);   // result of the operation that the last yield started
  // The effect of the operation that the last yield started depended on its object's value (a
  // kAdd/kSub update whose result matters): the event counts as a kWrite from now on. Call it
  // before the task's next yield. No-op for other accesses.
  void observed();
  // The effect of the kAdd/kSub update that the last yield started did not observe the value,
  // but left it where the next update of the same kind would (a decrement that leaves 1: the
  // next one reaches zero): the two would not commute, so this one commutes with no update of
  // its kind. No-op for other accesses.
  void update_at_edge();
  TaskId self() const;

  // --- tasks ---
  TaskId spawn(const TaskSpec& spec);
  template <class F>
  TaskId spawn_fn(TaskSpec spec, F&& fn);  // fn is copied into the execution arena
  // Moves a task into a domain (the CPU model places `init` on cpu 0 this way).
  void set_domain(TaskId t, ObjectId domain, const Gate* domain_gate);
  const char* task_name(TaskId t) const;
  const char* task_kind(TaskId t) const;  // TaskSpec::kind
  bool task_finished(TaskId t) const;
  size_t task_count() const;

  // --- objects and choices ---
  // A new object of the running task (see ObjectId). More than kMaxObjectOrdinal objects of one
  // task, or objects created by a task id >= kMaxObjectCreators, are a model error.
  ObjectId new_object();
  // Dense index of an object of this execution, in [1, object_count()] in creation order (which
  // may differ between interleavings: use it for per-execution tables, never in results); 0 for
  // kNoObject or an id this execution did not create.
  uint32_t object_index(ObjectId o) const;
  uint32_t object_count() const;
  // A name for traces and reports ("&dev->lock", "done", "struct foo"), per execution. `name`
  // must outlive the run (a declaration name the model owns, or a literal). Naming an object
  // this execution did not create is a model error; a later name replaces an earlier one.
  void set_object_name(ObjectId o, const char* name);
  const char* object_name(ObjectId o) const;  // nullptr when unnamed
  // Nondeterministic choice in [0, n): every value is explored (a branch in the path, not a
  // scheduling point). n == 1 returns 0 without a branch.
  uint32_t choose(uint32_t n);

  // --- per-execution memory, freed when the execution ends ---
  void* arena_alloc(size_t bytes, size_t align);
  template <class T, class... Args>
  T* make(Args&&... args);  // destroyed (destructor run) when the execution ends
  // Runs fn(p) when the execution ends (reverse registration order, after fibers unwound).
  void add_destructor(void (*fn)(void*), void* p);

  // --- findings ---
  // Records a violation. A fatal kind (violations.def) ends the execution: report() does not
  // return then. The event indices of the current event are filled in when `v.events` is empty.
  // Called from a plugin callback (on the explorer's stack, not a task's), a fatal report()
  // returns, and the execution ends right after the callback (the event is not executed).
  // Deduplicated per run by (kind, loc): only the first occurrence is kept.
  void report(Violation v);
  // An error of the model itself (loop bound exceeded, unsupported use): ends the execution and
  // the run, reported as an error of the scenario, never as a verdict. Does not return.
  [[noreturn]] void model_error(const std::string& message, Loc loc);
  // Ends the execution as discarded (ExecutionEnd::kDiscarded): the behaviour it took is not one
  // the scenario describes (`assume(e)` with e false). Not a violation, no end-of-execution
  // checks (Plugin::end_execution does not run), counted in ExploreResult::discarded and not in
  // executions. Strategies still explore its siblings: the prefix up to here is explored soundly.
  // Violations recorded before it stay recorded. Does not return.
  [[noreturn]] void discard();

  // Tests: a fingerprint of the end state of a complete execution (collected, sorted and
  // deduplicated in ExploreResult::final_states, to compare strategies).
  void record_final_state(std::string fingerprint);

  // For model code that can run long without a scheduling point (an interpreter loop): call it
  // once per iteration. When the run must stop (ExploreOptions::time_limit_s reached or
  // ExploreOptions::stop set), it ends the execution (uncounted) and the run (incomplete,
  // ExploreResult::stopped) and does not return; otherwise it returns at once (the clock is read
  // once every kStopPollPeriod calls).
  void poll_stop();
  static constexpr uint32_t kStopPollPeriod = 4096;

  const std::vector<Event>& events() const;  // this execution so far
  uint32_t execution_index() const;          // 0-based, within the run
  // This execution may be named by a later Violation::history: the engine keeps its schedule for
  // the rest of the run. Call it when recording state that outlives the execution (a new lockdep
  // edge), which is rare, so the kept schedules stay few.
  void keep_schedule();

 private:
  Execution* exec_;
};

// What models tell reports: checker/views.h (read only while a trace is recorded).
struct TaskView;
class OrderGraph;

// Observers of an execution: detectors (lockdep, race detector, ...) and models that keep state
// per task. One instance lives for a whole run (so cross-execution state such as lockdep's graph
// can accumulate); begin_execution resets per-execution state. Calls happen on the exploring thread.
class Plugin {
 public:
  virtual ~Plugin() = default;
  virtual void begin_execution(Ctx& /*ctx*/) {}
  virtual void on_task_spawned(TaskId /*task*/, TaskId /*parent*/) {}
  virtual void on_event(const Event& /*event*/) {}  // right after the strategy picked it
  virtual void on_task_finished(TaskId /*task*/) {}
  // The execution ended normally (every non-daemon task finished): end-of-execution checks
  // (leaks) may still report() non-fatal violations here.
  virtual void end_execution(Ctx& /*ctx*/) {}

  // Reports (checker/views.h); the defaults know nothing.
  // The state of `task` in the running execution; false when this plugin does not model it.
  virtual bool view_task(TaskId /*task*/, TaskView* /*out*/) const { return false; }
  // Names of objects the model created without a scenario name (a CPU: "cpu0").
  virtual void view_objects(std::vector<std::pair<ObjectId, std::string>>* /*out*/) const {}
  // The run's resource-order graph, or nullptr.
  virtual const OrderGraph* order_graph() const { return nullptr; }
};

// Names for op kinds in traces and reports ("spin_lock", "dma_fence_signal"). Models register
// their table once at start-up; index = OpKind. Kind 0 is "start" (a task's first step).
void register_op_names(const char* const* names, size_t count, OpKind first);
const char* op_name(OpKind kind);

}  // namespace ravel

#include "checker/api_inl.h"  // NOLINT: template definitions
