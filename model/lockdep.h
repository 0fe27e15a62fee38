// model/lockdep.h: the lock validator (kernel/locking/lockdep.c, Documentation/locking/
// lockdep-design.rst) over the model's locks.
//
// Design note. Lockdep validates lock *classes*, not instances. A class is named by a string key:
// a global lock's declaration name ("a"), a struct field ("job.lock"), a shared init site (all
// inline dma_fence locks: one name), a ww class's mutex name ("reservation_ww_class_mutex"), or a
// key set with lockdep_set_class. A subclass (spin_lock_nested) is a separate class "name/N".
// Per run (kept across executions, so an AB-BA cycle is found even if no execution deadlocks):
// the classes, their IRQ usage bits with where each was first seen, and the dependency graph
// (edge prev -> next: next acquired while prev held, same IRQ context) with the first
// acquisition pair that recorded each edge. Per task (model::Kernel): the held-lock stack.
// History: every edge and usage bit also records the index of the execution that recorded it
// (Ctx::execution_index(), which then keeps its schedule: Ctx::keep_schedule()); a report lists
// the earlier executions whose edges and usage bits it relies on in Violation::history, so its
// trace replays them first and lockdep's graph holds what it held when the report was made.
//
// Checks, as lockdep makes them (headline = Violation::message, kind kLockdep, splat = details):
//  - "possible recursive locking detected": a class already held, unless recursive-read after
//    read, or the acquisition names a held nest_lock (ww acquire context) -- check_deadlock();
//  - "possible circular locking dependency detected": the new edge closes a strong cycle --
//  check_noncircular();
//  - "inconsistent lock state": {IN-HARDIRQ-W} vs {HARDIRQ-ON-W} usage (and SOFTIRQ/-R) --
//  mark_lock_irq();
//  - "HARDIRQ-safe -> HARDIRQ-unsafe lock order detected" (and SOFTIRQ, -READ-safe) --
//  check_irq_usage();
//  - "possible irq lock inversion dependency detected": a class becomes IRQ-safe (unsafe) while
//    the graph already orders it before an unsafe (after a safe) class -- check_usage_forwards();
//  - "Nested lock was not taken": the acquisition names a nest_lock (ww acquire context) the task
//    does not hold -- __lock_acquire()'s print_lock_nested_lock_not_held();
//  - "bad unlock balance detected!", "lock held when returning to user space!" (lockdep_sys_exit:
//    we use it for any task whose body returns with locks held), failed lockdep_assert_held*.
// Recursive reads (read_lock in interrupt context, read_lock_is_recursive(), model/rwlock.h; an
// srcu_struct's map) are in the graph as since v5.10: every edge keeps its kinds (dep_kind:
// prev held shared or exclusive, next taken as a recursive reader or not), a lock held as a
// recursive reader is a prev like any other, and a cycle counts only when it is strong: no
// acquisition as a recursive reader followed by a shared hold (readers do not block readers;
// Documentation/locking/lockdep-design.rst "Recursive read locks"). The IRQ-usage checks and the
// lock-order gate still follow only the edges with no recursive side (Edge::plain), the ones
// lockdep kept before v5.10. A map acquired with check = 0 (rcu_lock_map) is held, never
// validated. Each distinct problem is reported once per run.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "checker/api.h"
#include "checker/views.h"

namespace ravel::model {

struct TaskCtx;
struct HeldLock;

// What kind of lock a map stands for (might_sleep names held spinning locks; the wait-context
// rule is atomic-sleep, see might_sleep.h).
enum class LockType : uint8_t { kSpin, kSleep, kMap };

// Wait types (include/linux/lockdep_types.h enum lockdep_wait_type) with the default
// CONFIG_PROVE_RAW_LOCK_NESTING=n, where LD_WAIT_CONFIG (spinlock_t, rwlock_t) == LD_WAIT_SPIN.
// Splats print them as "-{outer ?: inner:inner}" (print_lock_name): spinlock_t "{2:2}", mutex
// "{3:3}", lockdep_init_map() pseudo-locks "{0:0}", rcu_read_lock "{1:2}".
enum : int8_t { kWaitUnknown = -1, kWaitInv = 0, kWaitFree = 1, kWaitSpin = 2, kWaitSleep = 3 };

// The kernel's struct lockdep_map: one per lock instance (or pseudo-lock), per execution.
struct LockdepMap {
  LockdepMap(const char* class_name, LockType lock_type) : name(class_name), type(lock_type) {}
  // lockdep_init_map_waits(): a pseudo-lock whose wait types are known.
  LockdepMap(const char* class_name, LockType lock_type, int8_t inner, int8_t outer)
      : name(class_name), type(lock_type), wait_inner(inner), wait_outer(outer) {}
  const char* name;  // class key; must outlive the run
  LockType type;
  int cls0 = -1;  // cached class id of subclass 0 (class ids are stable for the run)
  // kWaitUnknown: derived from `type` (kSpin {2:2}, kSleep {3:3}); a kMap pseudo-lock's are not
  // known unless given, and its splats then omit the "-{o:i}" suffix rather than guess it.
  int8_t wait_inner = kWaitUnknown;
  int8_t wait_outer = kWaitUnknown;
  // false: acquired with check = 0 (rcu_lock_acquire() for rcu_lock_map): held and released,
  // never validated, no usage bits, no dependencies either way.
  bool check = true;
};

enum : uint8_t { kLockWrite = 0, kLockRead = 1, kLockRecursiveRead = 2 };

// The kind of a dependency prev -> next (kernel/locking/lockdep.c __calc_dep_bit, v5.10's
// recursive-read detection): prev held shared (S: read 1 or 2) or exclusive (E: read 0), next
// acquired as a recursive reader (R: read 2) or not (N). An edge keeps the kinds it was seen
// with, as a mask.
enum : uint8_t { kDepSR = 1, kDepER = 2, kDepSN = 4, kDepEN = 8 };
constexpr uint8_t dep_kind(uint8_t prev_read, uint8_t next_read) {
  return static_cast<uint8_t>(1u << ((prev_read == 0 ? 1 : 0) + (next_read != 2 ? 2 : 0)));
}

// --- the per-task API (call from a task's fiber, before/after the operation's yield) ---
// lock_acquire(): checks (recursion, cycle, IRQ usage), then pushes the held entry. Kernel order:
// call it before the acquiring yield (lockdep validates before spinning/sleeping) except for
// trylocks, which are validated after they succeed (trylock=true: no dependency is recorded).
void lock_acquire(LockdepMap* map, int subclass, bool trylock, uint8_t read,
                  const LockdepMap* nest_lock, Loc loc);
// Pops the held entry; reports "bad unlock balance detected!" when not held. Returns whether held.
bool lock_release(LockdepMap* map, Loc loc);
bool lock_is_held(const LockdepMap* map);
// -1 not held, otherwise the `read` value it is held with (lock_is_held_type).
int lock_held_type(const LockdepMap* map);
// WARN-style failures reported as kLockdep (lockdep_assert_held & co).
void lockdep_assert_held(const LockdepMap* map, Loc loc);
void lockdep_assert_held_write(const LockdepMap* map, Loc loc);
void lockdep_assert_held_read(const LockdepMap* map, Loc loc);
void lockdep_assert_not_held(const LockdepMap* map, Loc loc);
// Pseudo-locks (lock_map_acquire & co in include/linux/lockdep.h): fs_reclaim, RCU read side,
// workqueue maps, dma_fence_map. The map's type should be LockType::kMap.
inline void lock_map_acquire(LockdepMap* m, Loc loc) {
  lock_acquire(m, 0, false, kLockWrite, nullptr, loc);
}
inline void lock_map_acquire_read(LockdepMap* m, Loc loc) {
  lock_acquire(m, 0, false, kLockRecursiveRead, nullptr, loc);
}
inline void lock_map_acquire_tryread(LockdepMap* m, Loc loc) {
  lock_acquire(m, 0, true, kLockRecursiveRead, nullptr, loc);
}
inline void lock_map_release(LockdepMap* m, Loc loc) { lock_release(m, loc); }
// Marks the held locks of the current task IRQ-/softirq-enabled (lockdep_hardirqs_on()'s
// mark_held_locks()). Called by cpu.cc when IRQs or BHs get enabled; `loc` is where they were
// enabled (the local_irq_enable, spin_unlock_irq, xa_unlock_irq...): mark_lock() saves the stack
// of that moment as the usage trace, so a splat's "{HARDIRQ-ON-W} state was registered at" names
// it, not where the held lock was taken.
void lockdep_hardirqs_on(Loc loc);
void lockdep_softirqs_on(Loc loc);
// At the end of a task body: "lock held when returning to user space!" for each held lock.
void lockdep_task_exit(Loc loc);

// Read-only observation of the orderings lockdep validates (model/lockdep_export.h, used by
// `ravel lockorder`): every dependency prev -> next that check_prev_add() considers, before the
// graph rules decide whether to record it (so also the edge that closes a cycle, and every IRQ
// context an already recorded edge is seen in). Per thread; nullptr (the default) costs nothing.
struct LockOrderSeen {
  const std::string& from;  // class of the held lock (prev)
  const std::string& to;    // class being acquired (next)
  int irq_context;          // of the acquisition of next: 0 process, 1 softirq, 2 hardirq
  bool irqs_off;            // hardirqs disabled at the acquisition of next
  Loc from_loc, to_loc;     // where prev and next were acquired
};
class LockOrderObserver {
 public:
  virtual ~LockOrderObserver() = default;
  virtual void seen(const LockOrderSeen& order) = 0;
};
void set_lock_order_observer(LockOrderObserver* observer);

// Per-run state; owned by KernelPlugin.
// It is the run's OrderGraph (checker/views.h): reports draw the lock graph through that view.
class Lockdep final : public OrderGraph {
 public:
  // Usage bits (lockdep_states.h): index = irq * 4 + dir * 2 + read, irq 0 HARDIRQ / 1 SOFTIRQ,
  // dir 0 USED_IN ("IN-HARDIRQ") / 1 ENABLED ("HARDIRQ-ON").
  static constexpr int kUsageBits = 8;
  static constexpr int64_t kBoot = -1;  // recorded outside any execution (priming before a run)
  struct UsageTrace {
    bool set = false;
    Loc loc;
    std::string task;
    int64_t execution = kBoot;  // the execution that set it
  };
  struct Class {
    std::string name;
    UsageTrace usage[kUsageBits];
    // From the first map that registered the class (register_lock_class copies the map's);
    // kWaitUnknown for classes only primed or whose map's wait types are not known.
    int8_t wait_inner = kWaitUnknown;
    int8_t wait_outer = kWaitUnknown;
  };
  struct Edge {
    int to = -1;
    Loc prev_loc, next_loc;  // where prev and next were acquired when the edge was recorded
    std::string task;
    std::vector<std::string> held;  // the held stack then (for the splat), outermost first
    int64_t execution = kBoot;      // the execution that recorded it (Ctx::execution_index())
    uint8_t dep = kDepEN;           // the kinds it was seen with (dep_kind)
    // Seen once with neither side a recursive read: the edges lockdep kept before v5.10, the
    // only ones the IRQ-usage checks and the lock-order gate follow.
    bool plain = true;
    // The executions that added a kind after the first (their replay restores the kinds a
    // report's strong path relies on).
    std::vector<int64_t> kind_executions;
  };

  int class_id(const std::string& name);
  // Records the class's wait types unless already known (the first registering map wins).
  void set_wait_types(int cls, int8_t inner, int8_t outer);
  const Class& cls(int id) const { return classes_[id]; }
  const std::string& class_name(int id) const override { return classes_[id].name; }
  std::vector<OrderEdge> edges_from(int cls) const override;
  // Priming: records a -> b -> c ... as the kernel does at boot (dma_resv_lockdep()).
  void prime(const std::vector<std::string>& order);
  // prime() of a static list, remembered by its address. Why: dma_resv_lockdep() runs at every
  // dma_resv, dma_fence and dma_buf creation (33 times per revoke(2) execution); edges are never
  // removed, so after the first call the others would only rebuild the strings and find them.
  template <size_t N>
  void prime_once(const char* const (&order)[N]) {
    for (const void* p : primed_) {
      if (p == order) return;
    }
    primed_.push_back(order);
    prime(std::vector<std::string>(order, order + N));
  }
  bool has_edge(int from, int to) const;
  const Edge* edge(int from, int to) const;  // nullptr when there is none
  Edge* edge_mut(int from, int to) { return const_cast<Edge*>(edge(from, to)); }
  // The executions that recorded the edges along `path` (forwards: path[i] -> path[i+1];
  // backwards, as find_usage(forwards=false) returns it: path[i+1] -> path[i]), appended to *out;
  // except edges execution `current` validated itself before (its replay records them again).
  void path_history(const std::vector<int>& path, bool forwards, int64_t current,
                    std::vector<uint64_t>* out) const;
  // The execution that set usage bit `bit` of `cls`, appended to *out unless kBoot, unset, or
  // execution `current` marked it again itself before.
  void usage_history(int cls, int bit, int64_t current, std::vector<uint64_t>* out) const;
  // Execution `execution` validated the dependency from -> to, or marked usage bit `bit` of
  // `cls`, that an earlier one recorded (so a report relying on it needs no history for it).
  void note_seen(int64_t execution, int from, int to);
  void note_seen_usage(int64_t execution, int cls, int bit);
  // Edges out of `from`, in recording order.
  const std::vector<Edge>& edges(int from) const { return fwd_[from]; }
  // A strong path from `from` to `to` (classes, both ends included) or empty; BFS in recording
  // order. Strong (lockdep.c __bfs, "Step 2"): no edge acquiring a class as a recursive reader
  // (-(*R)->) followed by one leaving it held shared (-(S*)->). `from_r`: the path's first
  // edge follows such an acquisition; `to_exclusive`: the last edge may end in one.
  std::vector<int> strong_path(int from, bool from_r, int to, bool to_exclusive) const;
  // First (BFS order) class reachable from `from` (forwards or backwards) having usage bit `bit`
  // (or `bit2` when >= 0); -1 when none. `via` gets the path.
  int find_usage(int from, bool forwards, int bit, int bit2, std::vector<int>* via) const;
  void add_edge(int from, int to, Edge edge);
  // True the first time `key` is seen in this run.
  // Whether `key` was not reported yet in this run. A new one is cross-execution state: the
  // execution keeps its schedule (Ctx::keep_schedule), so that a parallel run replays it before
  // the pieces that follow it (checker/parallel.h) and they report the same.
  bool first_report(const std::string& key);
  // Marks a usage bit (set by `execution`, kBoot outside one); false if it was already set.
  bool mark(int cls, int bit, Loc loc, const std::string& task, int64_t execution);

 private:
  std::vector<Class> classes_;
  std::map<std::string, int> by_name_;
  std::vector<std::vector<Edge>> fwd_;
  std::vector<std::vector<int>> back_;
  std::set<std::string> reported_;
  std::vector<const void*> primed_;  // the lists prime_once() primed
  void enter(int64_t execution);
  int64_t seen_execution_ = kBoot;            // the execution seen_ and seen_usage_ are about
  std::set<std::pair<int, int>> seen_;        // dependencies it validated so far
  // (class, usage bit) it marked so far: one byte of kUsageBits bits per class, because a mark
  // is noted at every acquisition (a std::set allocated a node per class and bit per execution).
  std::vector<uint8_t> seen_usage_;
  static_assert(kUsageBits <= 8);
};

}  // namespace ravel::model
