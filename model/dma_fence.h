// model/dma_fence.h: struct dma_fence (drivers/dma-buf/dma-fence.c, include/linux/dma-fence.h),
// as of the seeds: the inline-lock series (seed 004) and the RCU-protected ops series (seed 000).
//
// Design note. A fence is a model object (its ObjectId carries the flags, the error, the callback
// list and the RCU-protected ops pointer): reading the signalled bit is a kRead of it, signalling
// and every change a kWrite, and the waiters' gate reads only the signalled bit (the enabledness
// contract of checker/api.h). The fence lock is a real model Spinlock: the inline one (one lockdep
// class "&fence->inline_lock" for every fence, as the kernel's single spin_lock_init() site in
// __dma_fence_init gives) or the caller's external lock (its class). Built-ins that take the lock
// in the kernel are modelled as those steps (spin_lock_irqsave, the effect,
// spin_unlock_irqrestore), so callbacks run in the signaller's context with the lock held and IRQs
// saved off.
//
// Ops (struct dma_fence_ops) are callbacks supplied by the test or the interpreter; every one is
// optional. The ops table is a static slab object (slab_static_object) owned by its module, if
// any: module_unload frees it, and a call through it afterwards is a uaf ("BUG: KASAN ... in
// dma_fence_ops.signaled"). After signalling, the ops pointer is detached (NULL) when the table has
// neither .wait nor .release (the RCU series); every use of the ops pointer happens inside an RCU
// read-side section except the calls of .wait (outside) -- .release runs under rcu_read_lock.
//
// Signalling annotations (dma_fence_begin_signalling & co) follow dma-fence.c under CONFIG_LOCKDEP:
// a non-recursive read acquisition of the "dma_fence_map" pseudo-lock, nesting detected with
// lock_is_held_type(map, 1), nothing in atomic context. Every wait acquires the map for writing;
// as the kernel's __dma_fence_might_wait(), a waiter inside a section releases the section's read
// hold first and takes it back afterwards, so a bare wait in a section is silent and a wait is
// caught only through the dependencies it closes (docs/language.md section 7, "Fence signalling
// annotations").
// dma_resv_lockdep() primes mmap_lock -> reservation_ww_class -> fs_reclaim -> dma_fence_map.
//
// HB (language.md section 7): signal -> every wait returning because of it, the callbacks
// (program order of the signaller), an is_signaled returning true, an add_callback returning
// -ENOENT.
#pragma once

#include <climits>
#include <functional>
#include <vector>

#include "checker/api.h"
#include "model/core/hb_clock.h"
#include "model/core/wait.h"
#include "model/module.h"
#include "model/refcount.h"
#include "model/spinlock.h"

namespace ravel::model {

struct DmaFence;
struct DmaFenceCb;

inline constexpr long kDmaMaxScheduleTimeout = LONG_MAX;  // MAX_SCHEDULE_TIMEOUT

// dma_fence_func_t.
using DmaFenceFunc = std::function<void(DmaFence*, DmaFenceCb*)>;

// struct dma_fence_ops: each callback is optional (empty std::function = NULL member).
struct DmaFenceOps {
  const char* name = "dma_fence_ops";
  ObjectId id = kNoObject;  // the table's memory (freed by module_unload of `owner`)
  Module* owner = nullptr;
  std::function<bool(DmaFence*)> enable_signaling;  // false: already signalled
  std::function<bool(DmaFence*)> signaled;
  std::function<long(DmaFence*, bool intr, long timeout)> wait;
  std::function<void(DmaFence*)> release;
};

// struct dma_fence_cb: registered on at most one fence at a time.
struct DmaFenceCb {
  const char* name = "cb";
  ObjectId id = kNoObject;
  DmaFence* fence = nullptr;  // the fence whose list it is on (NULL: list_empty(&cb->node))
  // cb->node was initialised (by dma_fence_add_callback, whatever it returned): until then the
  // node is zeroed memory, on no list and not an empty one either.
  bool node_init = false;
  DmaFenceFunc func;
};

// The fences' callback lists as memory of the caller (the scenario interpreter's struct
// list_head `fence->cb_list` and `cb->node`, and `cb->func`), when code outside the model sees
// them. Set for an execution (dma_fence_cb_memory), it is the only representation: the model's
// dma_fence_init, add_callback, remove_callback, signal and release do their list steps through
// it, with the fence lock held as the kernel does, and never use DmaFence::cb_list, DmaFenceCb's
// `fence`, `node_init` or `func`. Each method is the kernel's own list code (dma-fence.c), whose
// every load and store is a visible operation of the caller's memory.
struct DmaFenceCbMemory {
  virtual ~DmaFenceCbMemory() = default;
  virtual void init(DmaFence* f, Loc loc) = 0;        // INIT_LIST_HEAD(&f->cb_list)
  virtual void init_node(DmaFenceCb* cb, Loc loc) = 0;  // INIT_LIST_HEAD(&cb->node)
  // cb->func = func; list_add_tail(&cb->node, &f->cb_list)
  virtual void add_tail(DmaFence* f, DmaFenceCb* cb, const DmaFenceFunc& func, Loc loc) = 0;
  // ret = !list_empty(&cb->node); if (ret) list_del_init(&cb->node); return ret
  virtual bool del_init(DmaFenceCb* cb, Loc loc) = 0;
  virtual bool empty(DmaFence* f, Loc loc) = 0;  // list_empty(&f->cb_list)
  // list_replace(&f->cb_list, &local); each entry: INIT_LIST_HEAD(&cur->node); cur->func(f, cur)
  virtual void run(DmaFence* f, Loc loc) = 0;
};
// For the current execution (call before any fence exists); nullptr: the model's own lists.
void dma_fence_cb_memory(DmaFenceCbMemory* memory);

struct DmaFence {
  // The waiters' condition: the fence is signalled.
  struct Signaled {
    static constexpr Gate::Kind kKind = Gate::Kind::kEvent;
    const DmaFence* f;
    bool holds(TaskId) const { return f->signaled; }
    ObjectId object() const { return f->id; }
    std::string describe(TaskId) const;
  };

  const char* name = "fence";
  ObjectId id = kNoObject;   // flags, error, callback list, ops pointer
  ObjectId mem = kNoObject;  // what dma_fence_free() frees: the owning heap object or the fence
  Spinlock* lock = nullptr;  // dma_fence_spinlock(): inline or external
  bool inline_lock = false;
  DmaFenceOps* ops = nullptr;  // RCU-protected; NULL once detached
  Refcount* refcount = nullptr;
  uint64_t context = 0;
  uint64_t seqno = 0;
  bool signaled = false;
  Epoch signal_epoch;  // where the signal sits in happens-before (dma::set_signaled)
  bool added_before_tasks = false;  // to a resv while its task was the only one (dma_resv.h)
  bool enable_signal = false;
  bool timestamp = false;   // DMA_FENCE_FLAG_TIMESTAMP_BIT: set with the signal (dma_fields.h)
  uint64_t user_flags = 0;  // the bits from DMA_FENCE_FLAG_USER_BITS up, the driver's own
  int error = 0;
  std::vector<DmaFenceCb*> cb_list;  // unused when the list is memory (DmaFenceCbMemory)
  WaitOn<Signaled> gate{Signaled{this}};
};

// --- objects (not operations); names must outlive the run (literals or intern_name) ---
// An ops table; `owner` (may be NULL) frees it on module_unload. Fill the callbacks afterwards.
DmaFenceOps* dma_fence_ops_new(const char* name, Module* owner);
// Call once a table's members are set: a table with .enable_signaling keeps every fence's
// enable section an ordinary lock section in this execution (coarse_enable in dma_fence.cc).
void dma_fence_ops_filled(DmaFenceOps* ops);
DmaFenceCb* dma_fence_cb_new(const char* name, ObjectId owner = kNoObject);
// A fence after dma_fence_init(f, ops, lock, context, seqno): refcount 1, unsignalled. `lock`
// NULL: the inline lock. `ops` NULL: an empty table (every op absent, detached after signal).
// `owner`: the heap object the fence is a field of (dma_fence_free frees it), else kNoObject.
DmaFence* dma_fence_new(const char* name, DmaFenceOps* ops, Spinlock* lock, uint64_t context = 0,
                        uint64_t seqno = 0, ObjectId owner = kNoObject);
// Re-initializes a fence in place (the dma_fence_init built-in on a declared fence): one step.
void dma_fence_init(DmaFence* f, DmaFenceOps* ops, Spinlock* lock, uint64_t context, uint64_t seqno,
                    Loc loc);

// --- operations (kernel names, language.md section 5) ---
// NULL-tolerant as in the kernel: dma_fence_get(NULL) is NULL, dma_fence_put(NULL) does nothing,
// dma_fence_signal(NULL) returns -EINVAL, dma_fence_add_callback(NULL fence or empty func) WARNs
// and returns -EINVAL. Every other operation on a NULL fence is a null-deref.
DmaFence* dma_fence_get(DmaFence* f, Loc loc);
void dma_fence_put(DmaFence* f, Loc loc);
int dma_fence_signal(DmaFence* f, Loc loc);         // 0, or -EINVAL when already signalled or NULL
int dma_fence_signal_locked(DmaFence* f, Loc loc);  // caller holds dma_fence_spinlock(f)
int dma_fence_add_callback(DmaFence* f, DmaFenceCb* cb, DmaFenceFunc func, Loc loc);  // 0/-ENOENT
bool dma_fence_remove_callback(DmaFence* f, DmaFenceCb* cb, Loc loc);
bool dma_fence_is_signaled(DmaFence* f, Loc loc);
bool dma_fence_is_signaled_locked(DmaFence* f, Loc loc);
void dma_fence_enable_sw_signaling(DmaFence* f, Loc loc);
void dma_fence_set_error(DmaFence* f, int error, Loc loc);
int dma_fence_get_status(DmaFence* f, Loc loc);  // 0 pending, 1 signalled, or the error
long dma_fence_wait_timeout(DmaFence* f, bool intr, long timeout, Loc loc);  // remaining or 0
long dma_fence_wait(DmaFence* f, bool intr, Loc loc);                        // 0
Spinlock* dma_fence_spinlock(DmaFence* f);

// Signalling annotations (no operation: lockdep state of the calling task only).
bool dma_fence_begin_signalling(Loc loc);
void dma_fence_end_signalling(bool cookie, Loc loc);
// Records "this task may wait on a fence here" (__dma_fence_might_wait).
void dma_fence_might_wait(Loc loc);
// Primes lockdep with the boot-time orderings (drivers/dma-buf/dma-resv.c dma_resv_lockdep()).
// Idempotent; every dma_* object constructor calls it, the interpreter may call it at start.
void dma_resv_lockdep();

}  // namespace ravel::model
