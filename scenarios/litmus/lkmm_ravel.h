// scenarios/litmus/lkmm_ravel.h: a .ravel scenario's threads as the lkmm enumerator's threads
// (--memory-model lkmm on scenarios; docs/litmus.md "Scenarios under lkmm").
//
// Design note. The scenario front end (scenarios/lang) parses and checks the file as under sc;
// this layer then evaluates the checked syntax tree one thread at a time with the read-value
// oracle of lkmm_emit.h, exactly as lkmm_thread.h does for litmus bodies, and hands the paths
// to the same enumerator (lkmm_enum.h) and model (model/lkmm). Nothing is lowered to text:
// sema's bindings (global slots, frame slots, functions, built-ins) drive the evaluation.
//   - every global of an integer or pointer type, atomic_t or spinlock_t is one location; its
//     initial value is its initializer's, then whatever `init` stores (init runs alone, before
//     every thread: its writes are the initial writes, as herd7's init block);
//   - a thread is evaluated with calls inlined, loops run (at most `loop_bound` iterations on a
//     path, else the scenario is refused), `if` and loop conditions as control dependencies
//     (herd7: every later event depends on them);
//   - `final` runs on each consistent execution's final memory (the co-last write of each
//     location), sequentially.
// screen() refuses, before anything runs, every construct this layer does not model (kernel
// objects other than atomic_t and spinlock_t, IRQ handlers, struct fields, arrays, gotos,
// switch, function pointers, built-ins outside the lkmm table), at its line:col: a scenario is
// never run under sc instead, nor given a verdict by a half model.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "scenarios/lang/ast.h"
#include "scenarios/lang/ast_walk.h"
#include "scenarios/litmus/lkmm_thread.h"

namespace ravel::litmus::lkmm_ravel {

struct Layout {
  std::vector<std::string> names;  // per location: its global's name
  std::vector<int> loc_of_global;  // per Program::globals slot: its location, or -1
  std::vector<int64_t> init;       // per location: the value after initializers and init
  // The LKMM threads: each `thread`, then one per CPU that has irq handlers and no thread (the
  // first handler names it). irqs[t]: the handlers bound to thread t's CPU, inlined in its
  // paths where they may fire (lkmm_ravel_irq.cc).
  std::vector<const lang::Task*> threads;
  std::vector<std::vector<const lang::Task*>> irqs;
  // lockdep's IRQ usage of the spinlocks `init` took (in process context, hardirqs on).
  std::vector<lkmm_thread::Trace::Usage> init_usage;
  // Where a thread may wait for a lock (spin_lock, mutex_lock that found it held), with the
  // built-in it called, keyed by pos_key: the Judge names a deadlock's blocked locks.
  // Filled while paths are enumerated (hence mutable: the paths see a const Layout).
  mutable std::map<std::tuple<uint32_t, uint32_t, uint32_t, uint32_t>, std::string> lock_waits;
  // Where a thread may wait in a kernel call other than a lock (wait_for_completion,
  // wait_event), with the call's name: the Judge words its hang as sc does. An await is in
  // neither map.
  mutable std::map<std::tuple<uint32_t, uint32_t, uint32_t, uint32_t>, std::string> waits;
  // The successful mutex_trylock()s and spin_trylock()s: (pos_key of the statement, lock
  // location). LockOrder adds no dependency for them (lockdep's trylock rule).
  mutable std::set<std::pair<std::tuple<uint32_t, uint32_t, uint32_t, uint32_t>, int>> trylocks;
  // spin_lock_nested()s with a subclass above 0: (pos_key, lock location) -> the subclass
  // (lkmm_ravel_raw.cc); LockOrder keys the acquisition by that subclass's class.
  mutable std::map<std::pair<std::tuple<uint32_t, uint32_t, uint32_t, uint32_t>, int>, int> nested;
  // The four maps above are filled by the threads' paths, which the workers of a split
  // judging pass (--threads, lkmm_pieces.h) compute at once while the judge reads them: each
  // insertion goes through note(), under sites_mu, which the judge holds while it judges an
  // execution (recursive: its final block's paths insert too). Entries are never changed nor
  // erased, so what a lookup found stays valid.
  mutable std::recursive_mutex sites_mu;
  template <class Map, class... Args>
  auto note(Map* map, Args&&... args) const {
    const std::lock_guard<std::recursive_mutex> hold(sites_mu);
    return map->emplace(std::forward<Args>(args)...);
  }
  // Work items (lkmm_ravel_work.cc): threads[tasks + i] is works[i]'s worker, work_tasks[i]
  // its name and position.
  struct Work {
    int pending = -1;  // the work_struct's location: its PENDING bit
    int done = -1;     // "w.done": written with RELEASE when the function has run
    // "w.claim", when the scenario calls cancel_work_sync() (lkmm_ravel_work_cancel.cc): the
    // work's place on the pool's worklist, taken by the worker that dequeues it or by the
    // cancel that steals it.
    int claim = -1;
    const lang::Function* fn = nullptr;
    lang::Pos pos;  // the declaration: where an idle worker waits
    // A kfree_rcu() call site (lkmm_ravel_rcu_free.cc) has no function: the location holding
    // the pointer it frees; its "worker" is the RCU callback. dma_fence_free() of a fence
    // (ptr -1): the fence's KASAN ghost, freed directly.
    int ptr = -1;
    int ghost = -1;
    // A call_rcu() or call_srcu() site (lkmm_ravel_call_rcu.cc): the callback it names (ptr
    // holds the rcu_head it passes), and call_srcu()'s srcu_struct location (-1: RCU's). The
    // callbacks of a scenario that calls rcu_barrier() or srcu_barrier() write `done` too.
    const lang::Function* cb = nullptr;
    int srcu = -1;
    // How many times the worker may run the function in one execution (lkmm_ravel_work.cc):
    // 1, unless an execution queued it again (QueuedAgain: the run starts over with one more).
    int runs = 1;
  };
  std::vector<Work> works;
  std::deque<lang::Task> work_tasks;
  // Per srcu_struct that call_srcu() queues on: the srcu_data lock its enqueues and
  // srcu_barrier() take (lkmm_ravel_call_rcu.cc), a lock lockdep does not see (quiet_locks).
  std::map<int, int> srcu_cb_lock;
  std::set<int> quiet_locks;
  size_t tasks = 0;  // the scenario's threads
  // RCU flavor consolidation (v4.20): a grace period also waits for regions with a spinlock
  // held, hardirqs off, or in a handler; when the scenario has grace periods (sc's rule,
  // interp::uses_grace_periods) such regions are RCU read-side sections (Eval::rcu_reader).
  bool rcu_consolidated = false;
  // A thread may wait for a grace period (synchronize_rcu, synchronize_srcu, rcu_barrier,
  // module_unload, a kfree_rcu() or dma_fence_free() callback): a
  // wait that ends with no read of the write that ends it (lkmm_ravel_timeout.cc refuses timed
  // waits then).
  bool grace_waits = false;
  // Struct variables (lkmm_ravel_struct.cc): every scalar field is a location, in declaration
  // order ("var.a.b"); (first location, struct id) of every struct object and sub-object, so a
  // pointer's `->f` is checked to designate a struct of the pointer's type.
  std::set<std::pair<int, uint32_t>> struct_at;
  std::vector<int> krefs;  // kref fields of struct globals: they start at 1, as a global kref
  std::map<std::string, int> lock_classes;  // a lock field's class ("job.lock") -> its location
  // Heap objects (lkmm_ravel_heap.cc): one per kzalloc site of `init`, its fields' locations
  // from `base`, and a ghost location: 0 unallocated, 1 alive, 2 freed.
  struct Heap {
    const lang::Expr* site = nullptr;
    uint32_t struct_id = 0;
    int base = -1;
    int ghost = -1;
    std::string type;  // "struct fence_ops"
    std::string by;    // the task that allocates: "init" or a thread's name
  };
  std::vector<Heap> heaps;
  std::vector<int> heap_of;  // per location: its heap object's index, or -1
  // dma_fences (lkmm_ravel_fence.cc), by the global's own location (its SIGNALED bit): the
  // fence's other fields as locations of their own.
  struct Fence {
    int bit = -1;    // DMA_FENCE_FLAG_SIGNALED_BIT (the global's location)
    int error = -1;  // "f.error"
    int lock = -1;   // "f.lock": the fence's inline spinlock
    int cb = -1;     // "f.cb_list": 0, or the one callback linked (cb_slot())
    int ref = -1;    // "f.refcount" when the program takes or drops references, else -1
    int ops = -1;    // "f.ops": the RCU-protected ops pointer of a fence `{ .ops = &t }`
    int table = -1;  // t's location (Layout::ops_tables)
    // A fence its last put frees (dma_fence_free(): no ops->release; lkmm_ravel_rcu_free.cc):
    // KASAN's ghost of its memory, and its kfree_rcu callback (an index in Layout::works).
    int ghost = -1;
    int free_work = -1;
  };
  std::map<int, Fence> fences;
  std::vector<int> fence_ghost_of;  // per location: its freeable fence's ghost, or -1
  // dma_fence_ops tables (lkmm_ravel_fence_ops.cc), by the global's own location: KASAN's ghost
  // of the table (kAlive, kFreed once its module is unloaded: lkmm_ravel_module.cc), its
  // .signaled (an index in Program::functions, or -1) and its .owner (a module's location, a
  // module's own location being its reference count, -1 once gone; or -1).
  struct OpsTable {
    int signaled = -1;
    int release = -1;  // .release, as .signaled
    int owner = -1;
  };
  std::map<int, OpsTable> ops_tables;
  // Locations whose value before `init` runs is not 0 (tables alive, fences' ops pointers).
  std::map<int, int64_t> preset;
  // xarrays (lkmm_ravel_xarray.cc): (the xarray's location, its xa_lock; a constant index) ->
  // the index's slot.
  std::map<std::pair<int, int64_t>, int> xa_slots;
  // Per location: the location lockdep keys its lock class by (every fence's inline lock is
  // the class of its one spin_lock_init() site, __dma_fence_init()); -1: its own.
  std::vector<int> lock_class;
  int cls(int loc) const {
    return loc < static_cast<int>(lock_class.size()) && lock_class[loc] >= 0 ? lock_class[loc]
                                                                             : loc;
  }
  // A subclass's lock class (lockdep's class_of(): its own, named "<class>/<subclass>" as sc
  // names it): the class + subclass * kSubclassStride (lkmm_ravel_raw.cc).
  static constexpr int kSubclassStride = 1 << 20;
  std::string class_name(int cls) const {
    return cls < kSubclassStride
               ? names[cls]
               : names[cls % kSubclassStride] + "/" + std::to_string(cls / kSubclassStride);
  }
  // rw_semaphores and rwlocks (lkmm_ravel_rwsem.cc): how many tasks (threads, handlers, work
  // functions) may take a read side, a write side: bounds of the count word's values.
  int64_t rw_reader_tasks = 0, rw_writer_tasks = 0;
  std::vector<int> rw_locs;  // their count words' locations
  // The lockdep map of fence signalling sections (lkmm_ravel_signalling.cc), or -1.
  int fence_map = -1;
  // The lock class of every dma_resv (lkmm_ravel_resv.cc: the first one's location), or -1.
  int resv_class = -1;
  // A dma_resv global's fence slots (lkmm_ravel_resv_fences.cc), by its location: the free
  // count (0: no list yet, else 1 + free slots) and, per dma_fence (by its bit's location),
  // the slot: 0 absent, else the usage + 1.
  struct ResvSlots {
    int free = -1;
    std::map<int, int> slot;
  };
  std::map<int, ResvSlots> resv_slots;
  // dma_buf attachments and mappings (lkmm_ravel_dma_buf_att.cc): each attach call site is one
  // attachment (in the order dmabuf->attachments holds them), each dma_buf_map_attachment()
  // call site one mapping of one of them.
  struct DmaAtt {
    const lang::Expr* site = nullptr;
    int loc = -1;             // 0, then 1 once linked on its dma_buf's list, 2 once detached
    int buf = -1, resv = -1;  // its dma_buf global's location, and its `.resv`'s
    // The exporter's .attach, .map, .unmap and the importer's .invalidate_mappings
    // (Program::functions indices), or -1.
    int op_attach = -1, op_map = -1, op_unmap = -1, invalidate = -1;
    int op_pin = -1, op_unpin = -1;  // the exporter's .pin and .unpin, or -1
    int op_detach = -1;              // the exporter's .detach, or -1
    bool dynamic = false;            // attached with importer ops (dma_buf_dynamic_attach)
  };
  struct DmaMap {
    const lang::Expr* site = nullptr;
    int loc = -1;             // kMapNone, kMapped, kInvalidated, kUnmapped
    int att = 0;              // its attachment (dma_atts index)
    std::map<int, int> snap;  // fence bit -> 1 when it was in the resv at the invalidation
  };
  std::vector<DmaAtt> dma_atts;
  std::vector<DmaMap> dma_maps;
  // The lockdep map fs_reclaim (lkmm_ravel_alloc.cc), or -1.
  int fs_reclaim = -1;
  // reservation_ww_class.stamp, the acquire contexts' ticket counter (lkmm_ravel_ww.cc), or -1.
  int ww_stamp = -1;
  // struct ww_mutex globals of wait-die classes (lkmm_ravel_ww_mutex.cc): per ww_class global's
  // location its stamp counter; per ww_mutex location its class's location.
  std::map<int, int> ww_stamps;
  std::map<int, int> ww_class_of;
};

// The ghost values of a heap object (lkmm_ravel_heap.cc).
inline constexpr int64_t kAlive = 1, kFreed = 2;
// A saturated refcount_t (lib/refcount.c REFCOUNT_SATURATED, sc's model/refcount.h).
inline constexpr int64_t kRefcountSaturated = INT32_MIN / 2;
// A function used as a value (lkmm_ravel_struct.cc): kFnBase + its index in Program::functions,
// apart from integers a scenario writes and from the addresses of locations.
inline constexpr int64_t kFnBase = int64_t{1} << 41;

inline std::tuple<uint32_t, uint32_t, uint32_t, uint32_t> pos_key(const lang::Pos& p) {
  return {p.file, p.line, p.col, p.expansion};
}

// lockdep's circular-dependency check (kernel/locking/lockdep.c; model/lockdep.cc under sc)
// over the lock acquisitions of the executions judged, in their order: each thread's path adds
// its (held -> taken) dependencies, and the first one that closes a cycle is reported at that
// acquisition, in that execution, as lockdep reports it in the execution that closes it. The
// orders are those of LKMM-consistent executions, a superset of sc's.
class LockOrder {
 public:
  void thread(const Layout& lay, const lkmm_thread::Trace& tr, const std::string& name,
              const std::function<std::string(lang::Pos)>& where,
              std::vector<lkmm_thread::Trace::Finding>* found);
  // (held, taken) -> "thread at f:l:c": the dependencies recorded (IrqUsage reads them).
  const std::map<std::pair<int, int>, std::string>& edges() const { return edges_; }
  // A dependency lockdep records before any thread runs (sc's Lockdep::prime).
  void prime(std::pair<int, int> edge, const std::string& at) { edges_.emplace(edge, at); }

 private:
  struct Held {
    int loc;
    int cls;  // its lock class (Layout::cls)
    bool trylock;
    int read;  // lockdep's read: 0 exclusive, 1 read, 2 recursive read
  };
  struct How {
    bool trylock;
    int read;     // as Held::read
    bool nest;    // under a ww acquire context: its map is the nest_lock (Trace::ww_nest)
    int sub = 0;  // spin_lock_nested()'s subclass (Layout::nested)
  };
  void take(const Layout& lay, const std::string& at, lang::Pos pos, int loc, How how,
            std::vector<Held>* held, std::vector<lkmm_thread::Trace::Finding>* found);
  void add(std::pair<int, int> edge, const std::string& at, lang::Pos pos, const Layout& lay,
           std::vector<lkmm_thread::Trace::Finding>* found);
  bool reaches(int from, int to, std::vector<int>* path) const;

  std::map<std::pair<int, int>, std::string> edges_;  // (held, taken) -> "thread at f:l:c"
  std::set<std::set<int>> reported_;                  // the cycles reported, by their locks
};

// lockdep's IRQ-state checks (kernel/locking/lockdep.c; model/lockdep.cc under sc) over the
// executions judged, in their order, as LockOrder: a spinlock taken in a hardirq handler is
// {IN-HARDIRQ-W}, one taken with hardirqs enabled (or held when they are enabled) {HARDIRQ-ON-W}
// (mark_usage(), mark_held_locks()); a lock with both is "inconsistent lock state"
// (mark_lock_irq()), even when no interrupt hit it, and a dependency chain from an IRQ-safe lock
// to an IRQ-unsafe one is "HARDIRQ-safe -> HARDIRQ-unsafe lock order detected"
// (check_irq_usage(); sc says "possible irq lock inversion dependency detected" when the usage
// came after the dependency). The SOFTIRQ state is the same four bits again: {IN-SOFTIRQ-W} in an
// RCU callback (rcu_do_batch() runs from RCU_SOFTIRQ), {SOFTIRQ-ON-W} with hardirqs and
// softirqs enabled (lkmm_ravel_call_rcu.cc).
class IrqUsage {
 public:
  void mark(const Layout& lay, const std::vector<lkmm_thread::Trace::Usage>& usage,
            const std::string& task, const std::function<std::string(lang::Pos)>& where,
            std::vector<lkmm_thread::Trace::Finding>* found);
  void order(const Layout& lay, const LockOrder& order,
             std::vector<lkmm_thread::Trace::Finding>* found);

 private:
  struct Bit {
    bool set = false;
    std::string at;  // "task at f:l:c"
    lang::Pos pos;
  };
  // lock -> IN-HARDIRQ-W, HARDIRQ-ON-W, IN-HARDIRQ-R, HARDIRQ-ON-R (rwlock read sides), then
  // the same four of SOFTIRQ (lockdep_states.h's order of states).
  std::map<int, std::array<Bit, 8>> usage_;
  std::set<std::pair<int, int>> reported_;  // (safe, unsafe); (l, l) for inconsistent state
};

// KCSAN's and sc's data races between an irq handler and the thread it interrupts
// (lkmm_ravel_irq.cc): inlined in one LKMM thread, they are not the LKMM's data races.
void same_cpu_races(const Layout& lay, const lkmm_thread::Trace& tr,
                    std::vector<lkmm_thread::Trace::Finding>* found);

// Each task's CPU as sc places it (model/cpu.cc): a thread without `on cpu N` takes the lowest
// CPU no earlier thread has; a handler its `on cpu N`.
std::vector<int> task_cpus(const lang::Program& prog);

// The built-ins of interrupt state lkmm models (lkmm_ravel_irq.cc).
bool irq_builtin_name(const std::string& n);
// Raw spinlocks, the _bh forms, spin_lock_nested, lockdep_set_class, lockdep_is_held and the
// checked rcu_dereference forms (lkmm_ravel_raw.cc); lockdep_set_class()es of init give their
// locks the key's class (Layout::lock_class).
bool raw_builtin_name(const std::string& n);
// SRCU's read side, grace periods and srcu_dereference (lkmm_ravel_srcu.cc).
bool srcu_builtin_name(const std::string& n);
bool add_set_classes(const lang::Program& prog, Layout* lay, Error* err);

// Layout::threads and Layout::irqs: each thread with the handlers of its CPU, then a thread per
// CPU with handlers only.
void assign_threads(const lang::Program& prog, Layout* lay);

// The first construct lkmm does not model, as an error at its position. True if none.
bool screen(const lang::Program& prog, Error* err);

// Work items (lkmm_ravel_work.cc): the first work built-in used where it is not modelled
// exactly, as an error at its position (true if none); the arguments Screen leaves to it; the
// workers' threads and "done" locations; whether thread t is a worker that never ran.
bool screen_work(const lang::Program& prog, Error* err);
bool skipped_work_arg(std::string_view builtin, size_t i);
void add_works(const lang::Program& prog, Layout* lay);
bool work_idle(const Layout& lay, size_t t, const lkmm_thread::Trace& tr);
// INIT_WORK and cancel_work_sync (lkmm_ravel_work_cancel.cc): the INIT_WORK(&d, fn) statement
// of init's own block that binds global work d's function (nullptr if none); d's function,
// from WORK(fn) or that statement; the claim locations, when the scenario cancels works.
const lang::Expr* init_work_stmt(const lang::Program& prog, const lang::VarDecl* d);
const lang::Function* work_function(const lang::Program& prog, const lang::VarDecl* d);
void add_work_claims(const lang::Program& prog, Layout* lay);
// An execution in which a work is queued more often than its worker runs (lkmm_ravel_work.cc):
// the enumeration starts over with one run more for that work.
struct QueuedAgain {
  size_t work;
  lang::Pos at;  // the queueing its worker would miss
};
constexpr int kMaxWorkRuns = 3;
// Whether an execution's threads queue a work more often than its worker runs: with one run
// (PENDING never cleared), two attempts; with more, more successful queueings than runs. Throws
// QueuedAgain below kMaxWorkRuns runs, refuses (Error) beyond, and for a kfree_rcu() site's
// callback (one per site) at the second call.
void check_queued(const Layout& lay, const std::vector<const lkmm_thread::Trace*>& threads);
// kfree_rcu() (lkmm_ravel_rcu_free.cc): a callback thread per call site, as a work's worker
// (Layout::Work with ptr set), after add_works.
void add_rcu_frees(const lang::Program& prog, Layout* lay);
// "@L", the line of call site `e` (a location's name: obj@12, kfree_rcu@30), or "@L:C" when
// another of `sites` shares its line, so that no two sites of one kind share a name.
std::string at_site(const std::vector<const lang::Expr*>& sites, const lang::Expr* e);
// One RCU callback site: its flag location `site`, the pointer's (site + ptr_suffix), its Work
// (w's other fields as given) and its callback thread named `task`.
void add_rcu_site(Layout* lay, Layout::Work w, const std::string& site,
                  const std::string& ptr_suffix, lang::Pos pos, const std::string& task);
// The fences a last dma_fence_put() frees: a ghost and a callback each (Layout::Fence::ghost).
void add_fence_frees(const lang::Program& prog, Layout* lay);
// call_rcu() and call_srcu() (lkmm_ravel_call_rcu.cc): a callback thread per call site, after
// add_fence_frees; `done` locations for every RCU callback when the scenario has a barrier.
// False with *err set (a callback that is not a named function).
bool add_rcu_callbacks(const lang::Program& prog, Layout* lay, Error* err);
// model/dma_buf.cc pin_on_map(): the map pins (lkmm_ravel_dma_buf_att.cc).
bool pin_on_map(const Layout::DmaAtt& a);
bool call_rcu_builtin_name(const std::string& n);

// Struct globals and kzalloc sites (lkmm_ravel_struct.cc, lkmm_ravel_heap.cc): appends the
// locations of global `d` (a struct flattened) / of every heap object. False with *err set.
bool add_global(const lang::Program& prog, const lang::VarDecl* d, Layout* lay, Error* err);
bool add_object(const lang::Program& prog, const lang::SType& t, const std::string& name,
                lang::Pos pos, Layout* lay, Error* err);
bool add_heaps(const lang::Program& prog, Layout* lay, Error* err);
// The locations a value of static type `t` takes (a struct's scalar fields, else 1), and the
// offset of field `field` of struct `id` among its struct's locations.
int flat_size(const lang::Program& prog, const lang::SType& t);
int field_offset(const lang::Program& prog, uint32_t id, int field);
// kmemleak at the end of an execution: a heap object still alive in `memory`.
void leaks(const lang::Program& prog, const Layout& lay, const std::vector<int64_t>& memory,
           std::vector<lkmm_thread::Trace::Finding>* found);
// An initializer's expression (null for none or a brace list).
inline const lang::Expr* init_expr(const lang::Init* v) { return v != nullptr ? v->expr : nullptr; }
// The AST walks shared with the interpreter (scenarios/lang/ast_walk.h).
using lang::calls_of;
using lang::for_each_expr;
using lang::is_call_of;
using lang::is_kernel_type;
using lang::kernel_global;
// A defined function's name (an ops member, a callback): its index in Program::functions,
// else -1.
int named_function(const lang::Program& prog, const lang::Expr* a);
// The screen's part for kzalloc/kfree: where allocation sites may be.
bool screen_heap(const lang::Program& prog, Error* err);
// kzalloc in threads (lkmm_ravel_alloc.cc): the lockdep map fs_reclaim's location.
void add_alloc_map(const lang::Program& prog, Layout* lay);
// dma_fences (lkmm_ravel_fence.cc): each fence's error, lock and callback-list locations.
void add_fences(const lang::Program& prog, Layout* lay);
bool fence_builtin_name(const std::string& n);
// dma_fence_ops tables and modules (lkmm_ravel_fence_ops.cc, lkmm_ravel_module.cc): a global
// whose brace initializer they model (a fence's `{ .ops = &t }`, a table's members); their
// screen (true if nothing is refused); the tables' and ops pointers' locations.
bool ops_initializer(const lang::Program& prog, const lang::VarDecl* d);
bool screen_fence_ops(const lang::Program& prog, Error* err);
void add_fence_ops(const lang::Program& prog, Layout* lay);
bool module_builtin_name(const std::string& n);
// mutex_lock_interruptible, KREF_INIT, IS_ERR_OR_NULL, PTR_ERR, ERR_PTR (lkmm_ravel_misc.cc).
bool misc_builtin_name(const std::string& n);
// dma_fence_get/put (lkmm_ravel_fence_ref.cc): the built-ins; whether fences get a refcount.
bool fence_ref_builtin_name(const std::string& n);
bool uses_fence_refs(const lang::Program& prog);
// dma_fence_init() calls of init (lkmm_ravel_fence_init.cc): each fence's lock and ops resolved
// before init runs; false with *err at a call not modelled.
bool add_fence_inits(const lang::Program& prog, Layout* lay, Error* err);
// A dma_fence global initialized `{ .lock = &l }`, l a global spinlock_t: its external lock.
bool fence_lock_initializer(const lang::Program& prog, const lang::VarDecl* d);

// The dependencies lockdep records at boot, as sc primes them (scenarios/interp/explore.cc),
// among the lock classes this layout has (lkmm_ravel_resv.cc).
void boot_lock_order(const Layout& lay, LockOrder* order);

// struct dma_resv (lkmm_ravel_resv.cc): the built-ins; every dma_resv's lock in one lockdep
// class (Layout::lock_class).
bool resv_builtin_name(const std::string& n);
void add_resvs(const lang::Program& prog, Layout* lay);
// ww acquire contexts (lkmm_ravel_ww.cc): the built-ins, the stamp counter's location, and
// whether a local's type is struct ww_acquire_ctx.
bool ww_builtin_name(const std::string& n);
void add_ww_stamp(const lang::Program& prog, Layout* lay);
// struct ww_mutex of DEFINE_WD_CLASS classes (lkmm_ravel_ww_mutex.cc): the built-ins; whether a
// global is a ww_mutex declared `= { .class = &c }`; the first such global lkmm refuses (a
// wound-wait class, a ww_mutex without its class), false with *err set; the classes' stamps
// and the mutexes' lock classes.
bool ww_mutex_builtin_name(const std::string& n);
bool ww_mutex_initializer(const lang::Program& prog, const lang::VarDecl* d);
bool screen_ww_global(const lang::Program& prog, const lang::VarDecl* d, Error* err);
void add_ww_mutexes(const lang::Program& prog, Layout* lay);
bool ww_ctx_type(const lang::SType& t);
// A dma_resv's fence slots (lkmm_ravel_resv_fences.cc): the built-ins, the slot locations.
bool resv_fences_builtin_name(const std::string& n);
void add_resv_slots(const lang::Program& prog, Layout* lay);

// struct dma_buf and struct dma_buf_ops globals (lkmm_ravel_dma_buf.cc): the built-ins, the
// model types, and the screen of their initializers (false with *err at the item refused).
bool dma_buf_builtin_name(const std::string& n);
bool dma_buf_object(lang::ModelType m);
bool screen_dma_buf_global(const lang::Program& prog, const lang::VarDecl* d, Error* err);
// Attachments and mappings (lkmm_ravel_dma_buf_att.cc): the built-ins, the screen of their
// call sites (false with *err at the first refused), their locations.
bool dma_att_builtin_name(const std::string& n);
// wait_event_timeout, dma_fence_wait_timeout, dma_fence_enable_sw_signaling and the sleeping
// points msleep, schedule, cond_resched (lkmm_ravel_wait2.cc).
bool wait2_builtin_name(const std::string& n);
bool screen_dma_att(const lang::Program& prog, Error* err);
void add_dma_att(const lang::Program& prog, Layout* lay);

// xarrays (lkmm_ravel_xarray.cc): the built-ins, the first xa_* call not modelled exactly (an
// error at its position; true if none), each constant index's slot location.
bool xarray_builtin_name(const std::string& n);
bool screen_xarray(const lang::Program& prog, Error* err);
void add_xarrays(const lang::Program& prog, Layout* lay);
// Fence signalling sections (lkmm_ravel_signalling.cc): Layout::fence_map.
void add_fence_map(const lang::Program& prog, Layout* lay);
// rw_semaphores and rwlocks (lkmm_ravel_rwsem.cc): Layout::rw_reader_tasks, rw_writer_tasks.
void rw_bounds(const lang::Program& prog, Layout* lay);

// A deadlock on a reader-writer lock (lkmm_ravel_rwlock.cc): the state of the word thread t's
// blocked read saw, as sc words it ("held for reading by itself, queued behind u waiting in
// down_write(sem)").
std::string rw_holders(const Layout& lay, const lkmm::Execution& x,
                       const std::vector<const lkmm_thread::Trace*>& threads,
                       const std::vector<int>& base, size_t t);
std::string rw_call_name(const std::string& callee);
// Timed waits (lkmm_ravel_timeout.cc): whether each timeout of the execution is one sc's late
// timeout could fire (docs/litmus.md, "Timed waits"); false: the execution is dropped.
bool timeouts_late(const lkmm::Execution& x, const std::vector<const lkmm_thread::Trace*>& threads,
                   const std::vector<int>& base);
// Every value a count word may hold within those bounds (the reference enumeration's domains
// start from them: lkmm_ravel_eval.cc thread_paths).
std::vector<int64_t> rw_values(const Layout& lay);

// Locations, initial values (initializers, then `init`) and threads. False with *err set.
bool make_layout(const lang::Program& prog, uint32_t loop_bound, Layout* out, Error* err);

// The initial value of every location (make_layout's last step): the globals' initializers,
// then `init` run alone. False with *err set.
bool initial_values(const lang::Program& prog, uint32_t loop_bound, Layout* lay, Error* err);

// Every path of thread `proc` (lkmm_enum::ThreadPaths).
bool thread_paths(const lang::Program& prog, const Layout& layout, uint32_t loop_bound, int proc,
                  const std::vector<std::vector<int64_t>>& domain, size_t max_paths,
                  std::vector<lkmm_thread::Trace>* out, Error* err);

// Runs `final` (if any) on `memory`; its findings (failed assertions, warnings) are appended.
bool run_final(const lang::Program& prog, const Layout& layout, uint32_t loop_bound,
               const std::vector<int64_t>& memory,
               std::vector<lkmm_thread::Trace::Finding>* findings, Error* err,
               std::vector<lkmm_thread::Trace::Usage>* usage = nullptr);

}  // namespace ravel::litmus::lkmm_ravel
