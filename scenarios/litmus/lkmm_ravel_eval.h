// scenarios/litmus/lkmm_ravel_eval.h: the evaluator of a checked scenario's code on the lkmm
// Emitter (see lkmm_ravel.h), internal to lkmm_ravel_*.cc: statements, places and expressions
// in lkmm_ravel_eval.cc, calls and built-ins in lkmm_ravel_calls.cc.
//
// Design note. One Eval runs one thread's path (reads answered by the oracle) or init or final
// (`seq`: one value per location, kept equal to memory after every write, so reads see the
// current value). Control flow is C's: a Flow value per statement; an assertion that fails
// throws Stop, an await whose condition is false throws Blocked, assume(false) throws
// lkmm_thread::DeadPath, and what lkmm does not model throws lkmm_thread::Refused.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "scenarios/lang/ast.h"
#include "scenarios/litmus/lkmm_emit.h"
#include "scenarios/litmus/lkmm_ravel.h"

namespace ravel::litmus::lkmm_ravel {

using lkmm_thread::Emitter;
using lkmm_thread::Val;
using Domain = std::vector<std::vector<int64_t>>;
// A dma_buf or dma_buf_ops global's initial value (lkmm_ravel_dma_buf.cc): true when `d` is one.
bool dma_buf_initial(const lang::VarDecl* d, int loc, Domain* seq);

struct Stop {};     // an assertion ended the path (or final)
struct Blocked {};  // await(cond) found cond false: the thread waits there

inline constexpr uint32_t kMaxCallDepth = 64;
// The flags local_irq_save() and the *_irqsave locks store when hardirqs were on:
// X86_EFLAGS_IF, as sc's (model/cpu.h).
inline constexpr int64_t kIrqFlagsEnabled = 0x200;
// MAX_SCHEDULE_TIMEOUT as the scenario language defines it (scenarios/lang/constants.cc).
inline constexpr int64_t kMaxScheduleTimeout = INT64_MAX;

// The interrupt state of the CPU a path runs on (lkmm_ravel_irq.cc): the handlers bound to it,
// how often each may still fire, whether the thread has hardirqs enabled, whether a handler
// runs now (handlers run with hardirqs off and never nest).
struct IrqCpu {
  std::vector<const lang::Task*> lines;
  std::vector<int32_t> left;
  bool enabled = true;
  bool in_handler = false;
  size_t offered = SIZE_MAX;  // the path's event count at the last point a handler could fire
  std::string handler;        // the running handler's name
  bool rcu_reader = false;    // an implicit RCU read-side section is open (Eval::rcu_reader)
  // A handler may fire now: in the thread, hardirqs on, a firing left.
  bool may_fire() const;
};

[[noreturn]] inline void refuse(lang::Pos pos, const std::string& msg) {
  Emitter::refuse(pos, msg);
}

class Eval {
 public:
  using Expr = lang::Expr;
  using Stmt = lang::Stmt;

  // `seq` null: a thread, reads answered by the oracle. Otherwise init or final: `seq` holds
  // one value per location (the Emitter's domain), kept equal to memory after every write.
  Eval(const lang::Program& prog, const Layout& lay, Emitter& em, uint32_t loop_bound, Domain* seq)
      : prog_(prog), lay_(lay), em_(em), loop_bound_(loop_bound), seq_(seq) {
    hook_fence_kasan();  // lkmm_ravel_rcu_free.cc
  }
  ~Eval() {
    if (owns_hook_) em_.before_access = nullptr;
  }
  Eval(const Eval&) = delete;
  Eval& operator=(const Eval&) = delete;

  void body(const lang::Body& b) {
    Frame f;
    f.slots.resize(b.frame_size);
    exec(b.block, f);
  }

  Val value(const Expr* e);

  // The CPU's interrupt state this Eval shares (a handler's Eval shares its thread's).
  void set_irq(IrqCpu* c) { irq_ = c; }

  // A point of the thread where its CPU's handlers may fire (lkmm_ravel_irq.cc): each firing
  // is inlined here, in program order (the handler runs on the interrupted thread's CPU).
  void irq_point();

 private:
  enum class Flow : uint8_t { kNext, kBreak, kContinue, kReturn };
  struct Frame {
    std::vector<Val> slots;
    Val ret;
  };
  // A place: a local's slot, or a shared location with the reads its address came from.
  struct Place {
    Val* slot = nullptr;
    int loc = -1;
    uint64_t addr = 0;
    // Reached through a pointer (`*p`, `p->f`): load and store check KASAN's shadow first
    // (lkmm_ravel_heap.cc) when the location is a heap object's.
    bool via_pointer = false;
    lang::Pos pos{};
  };

  // -- statements ----------------------------------------------------------------------------
  Flow exec(const Stmt* s, Frame& f);

  void declare(const lang::VarDecl* d, Frame& f);

  // A condition of `if` or a loop: herd7 makes every later event of the thread depend on it.
  bool cond(const Expr* e, Frame& f);

  // A loop whose exit depends on values read runs until a limit on one oracle path (the read
  // that keeps it going is always a candidate): say which loop when a limit is hit inside.
  Flow loop(const Stmt* s, Frame& f);

  Flow loop_body(const Stmt* s, Frame& f);

  // -- places --------------------------------------------------------------------------------
  int global_loc(const Expr* e) const;

  // The location a pointer value designates. NULL is the kernel's oops (a finding that ends
  // the path); any other value that is no global's address is refused.
  std::pair<int, uint64_t> deref(const Val& p, lang::Pos pos);

  Place place(const Expr* e, Frame& f);

  Val load(const Place& p, uint32_t tags);

  void store(const Place& p, Val v, uint32_t tags);

  // init and final: every write of the Emitter becomes the memory's value at once.
  void sync();

  Val address_of(const Expr* a, Frame& f);

  // -- expressions ---------------------------------------------------------------------------
  Val eval(const Expr* e, Frame& f);

  Val ident(const Expr* e, Frame& f);

  Val unary(const Expr* e, Frame& f);

  // ++x, x++, --x, x--: a read then a write, as the non-atomic C they are.
  Val incdec(const Expr* e, Frame& f, bool prefix);

  void no_pointer_arith(const Val& v, lang::Pos pos) const;

  Val binary(const Expr* e, Frame& f);

  Val assign(const Expr* e, Frame& f);

  // -- structs, heap objects, function pointers (lkmm_ravel_struct.cc, lkmm_ravel_heap.cc) ---
  Val member_address(const Expr* e, Frame& f);
  Val call_pointer(const Expr* e, Frame& f);
  Val container_of(const Expr* e, Frame& f);
  Val alloc(const Expr* e);
  Val alloc_in_thread(const Expr* e, Frame& f);  // lkmm_ravel_alloc.cc
  void fs_reclaim();                             // might_alloc(GFP_KERNEL)
  std::set<const Expr*> allocated_;              // the thread's kzalloc sites run so far
  void kfree(const Expr* e, Frame& f);
  void free_ghost(int ghost, uint64_t deps, lang::Pos pos);
  void kfree_rcu(const Expr* e, Frame& f);  // lkmm_ravel_rcu_free.cc
  // call_rcu, call_srcu, rcu_barrier, srcu_barrier (lkmm_ravel_call_rcu.cc): true when `n` is
  // one of them.
  bool call_rcu(const std::string& n, const Expr* e, Frame& f);
  void rcu_barrier(const std::string& n, const Expr* e, Frame& f);
  void enqueue_locked(const Layout::Work& w, bool start, lang::Pos pos);
  // KASAN's check before every access to a freeable fence's memory (Emitter::before_access):
  // set by the first Eval of an Emitter, which outlives the others (a handler's).
  void hook_fence_kasan();
  void fence_kasan(int loc, uint64_t deps);
  bool owns_hook_ = false;
  void fence_free(const Layout::Fence& fc, lang::Pos pos);
  // KASAN's shadow read before an access to `loc` through a pointer (a no-op for a global).
  void kasan(int loc, uint64_t deps, const char* op, lang::Pos pos);

 public:
  // A global's brace initializer (or a plain one of a struct field) into `seq` at `loc`.
  void brace_init(const lang::Init* in, const lang::SType& t, int loc, Domain* seq);

 private:
  // -- calls ---------------------------------------------------------------------------------
  Val call(const Expr* e, Frame& f);
  Val invoke(const lang::Function& fn, const std::vector<Val>& args, lang::Pos pos);

  Val intrinsic(const Expr* e, Frame& f);

  Val function(const lang::Function& fn, const Expr* e, Frame& f);

  std::pair<int, uint64_t> pointer_arg(const Expr* e, Frame& f);
  std::string builtin_;  // the built-in being evaluated: KASAN names it (pointer_arg)

  Val builtin(std::string_view name, const Expr* e, Frame& f);
  Val choose(const Expr* e, Frame& f);

  // spin_lock and mutex_lock (as spin_lock): taking a lock the thread holds is refused (a
  // self-deadlock, sc's verdict); in a thread the lock may be found held, and the thread then
  // waits there (Layout::lock_waits; a deadlock when the holder never unlocks).
  Val lock(const std::string& n, const Expr* e, Frame& f);
  Val lock_at(const std::string& n, int loc, uint64_t addr, lang::Pos pos, std::string_view callee);

  // mutexes, completions, krefs, dma_fences (lkmm_ravel_kernel.cc): true when `n` is one of
  // their built-ins, its value in *out.
  bool kernel(const std::string& n, const Expr* e, Frame& f, Val* out);
  void complete(const std::string& n, const Expr* e, Frame& f);
  void wait_for_completion(const Expr* e, Frame& f);
  // Timed waits (lkmm_ravel_timeout.cc): wait_for_completion_timeout() and secs_to_jiffies().
  bool timed_wait(const std::string& n, const Expr* e, Frame& f, Val* out);
  Val wait_timeout(const Expr* e, Frame& f);
  void consume_done(int loc, uint64_t addr, const Val& old);
  // Marks the first read from event `from` on as a one-read wait's (Trace::wait_zero when it
  // sleeps on 0, else Trace::wait_nonzero).
  void wait_read(uint64_t from, bool zero);
  // Every timed wait's refusals, and the timer's path of the sleeping read r (timeouts_late).
  void timed_screen(const std::string& n, lang::Pos pos);
  void time_out(int r);
  // wait_event_timeout, dma_fence_wait_timeout, dma_fence_enable_sw_signaling, msleep,
  // schedule, cond_resched (lkmm_ravel_wait2.cc); dma_resv_test_signaled (through
  // resv_fences). fence_sleep: the default wait's sleeping read of the SIGNALED bit.
  bool wait2(const std::string& n, const Expr* e, Frame& f, Val* out);
  Val wait_event_timeout(const Expr* e, Frame& f);
  Val fence_wait_timeout(const Expr* e, Frame& f);
  Val fence_sleep(const Layout::Fence& fc, int64_t timeout, const char* name, lang::Pos pos);
  void enable_sw_signaling(const Expr* e, Frame& f);
  void sleep_point(const std::string& n, const Expr* e, Frame& f);
  Val resv_test_signaled(const Layout::ResvSlots& s, const Expr* e, Frame& f);
  Val try_wait(const std::string& n, const Expr* e, Frame& f);
  Val refcount_inc(int loc, uint64_t addr, lang::Pos pos);           // kref_get's
  Val refcount_dec_and_test(int loc, uint64_t addr, lang::Pos pos);  // kref_put's
  Val kref_put(const Expr* e, Frame& f);

  // dma_fences (lkmm_ravel_fence.cc): true when `n` is one of their built-ins.
  bool fence(const std::string& n, const Expr* e, Frame& f, Val* out);
  bool holds(int lock) const;  // lockdep_assert_held()
  const Layout::Fence& fence_of(const Val& p, lang::Pos pos);
  bool fence_lock(const Layout::Fence& fc, lang::Pos pos);
  void fence_unlock(const Layout::Fence& fc, bool irqs_were_on, lang::Pos pos);
  Val fence_signal(const Expr* e, Frame& f);
  Val signal_locked(const Layout::Fence& fc, lang::Pos pos);
  void run_callbacks(const Layout::Fence& fc, lang::Pos pos);  // lkmm_ravel_fence_cb.cc
  void run_callback(const Layout::Fence& fc, int64_t slot, lang::Pos pos);
  Val is_signaled(const Layout::Fence& fc);
  void fence_wait(const Expr* e, Frame& f);
  void fence_init(const Expr* e, Frame& f);  // lkmm_ravel_fence_init.cc
  Val get_status(const Expr* e, Frame& f);
  void set_error(const Expr* e, Frame& f);
  Val add_callback(const Expr* e, Frame& f);
  Val remove_callback(const Expr* e, Frame& f);
  // dma_fence_is_signaled[_locked]() through the fence's ops (lkmm_ravel_fence_ops.cc), the
  // signal without an Expr, the ops pointer's detach, module_unload (lkmm_ravel_module.cc).
  Val signaled_ops(const Layout::Fence& fc, bool locked, lang::Pos pos);
  Val signal_fence(const Layout::Fence& fc, lang::Pos pos);
  void detach_ops(const Layout::Fence& fc);
  void fence_release(const Layout::Fence& fc, lang::Pos pos);
  void rcu_section(bool lock, lang::Pos pos);
  void table_check(int table, uint64_t deps, const char* member, lang::Pos pos);
  bool module(const std::string& n, const Expr* e, Frame& f, Val* out);
  Val module_rmw(int loc, uint64_t addr,
                 const std::function<std::optional<int64_t>(int64_t)>& next);
  void module_unload(const Expr* e, Frame& f, Val* out);
  // mutex_lock_interruptible, KREF_INIT, IS_ERR_OR_NULL, PTR_ERR, ERR_PTR (lkmm_ravel_misc.cc).
  bool misc(const std::string& n, const Expr* e, Frame& f, Val* out);
  // dma_fence_get(), dma_fence_put() (lkmm_ravel_fence_ref.cc).
  bool fence_ref(const std::string& n, const Expr* e, Frame& f, Val* out);
  // Fence signalling sections (lkmm_ravel_signalling.cc): the lockdep map dma_fence_map.
  bool signalling(const std::string& n, const Expr* e, Frame& f, Val* out);
  bool signalling_atomic() const;
  bool begin_signalling(lang::Pos pos);
  void end_signalling(bool cookie, lang::Pos pos);
  [[noreturn]] void refuse_if_consistent(lang::Pos pos, const std::string& msg);

  // struct dma_buf's file reference (lkmm_ravel_dma_buf.cc): true when `n` is one of its
  // built-ins; get (kref_get's refcount_inc) and put (with the exporter's .release on the
  // last put).
  bool dma_buf(const std::string& n, const Expr* e, Frame& f, Val* out);
  void buf_put(int loc, uint64_t addr, lang::Pos pos);
  // Attachments, mappings, invalidation and device accesses (lkmm_ravel_dma_buf_att.cc).
  bool dma_att(const std::string& n, const Expr* e, Frame& f, Val* out);
  void dma_site(const Expr* e);
  std::pair<int, uint64_t> dma_deref(const Val& p, lang::Pos pos);
  void buf_resv(int resv, bool lock, lang::Pos pos);
  Val buf_attach(const Expr* e, Frame& f);
  Val map_attachment(const Expr* e, Frame& f);
  Val buf_pin(const std::string& n, const Expr* e, Frame& f);  // dma_buf_pin, dma_buf_unpin
  void buf_detach(const Expr* e, Frame& f);
  const Layout::DmaMap& mapping_arg(const Expr* e, Frame& f);
  const Layout::DmaAtt& attachment_at(int loc, lang::Pos pos);
  void unmap_attachment(const Expr* e, Frame& f);
  void invalidate_mappings(const Expr* e, Frame& f);
  void invalidate_one(const Layout::DmaMap& m, int resv, lang::Pos pos);
  Val dma_access(const Expr* e, Frame& f);
  bool revoked_write(const Layout::DmaMap& m);
  std::set<const Expr*> dma_sites_;  // the attach and map sites run on this path

  // struct dma_resv's lock (lkmm_ravel_resv.cc): true when `n` is one of its built-ins.
  bool resv(const std::string& n, const Expr* e, Frame& f, Val* out);
  // Its fence slots (lkmm_ravel_resv_fences.cc, lkmm_ravel_resv_wait.cc).
  bool resv_fences(const std::string& n, const Expr* e, Frame& f, Val* out);
  Val reserve_fences(const Layout::ResvSlots& s, const Expr* e, Frame& f);
  void add_fence(const Layout::ResvSlots& s, const Expr* e, Frame& f);
  void reset_max_fences(int resv);
  Val resv_wait(const Layout::ResvSlots& s, const Expr* e, Frame& f);
  Val resv_wait_one(const Layout::Fence& fc, int64_t timeout, lang::Pos pos);
  void might_wait();  // __dma_fence_might_wait()

  // ww acquire contexts of reservation_ww_class (lkmm_ravel_ww.cc): true when `n` is one of
  // their built-ins or a dma_resv_lock() with a context. A context is a local of the thread:
  // `&ctx` is its token (kWwCtxBase + its declaration's number in this Eval).
  bool ww(const std::string& n, const Expr* e, Frame& f, Val* out);
  Val ww_resv_lock(const Val& token, const Expr* e, Frame& f);
  void end_ww();  // the end of a thread: a context still live is refused
  struct WwCtx {
    Val stamp;            // ww_acquire_init()'s ticket
    int acquired = 0;     // ctx->acquired
    bool done = false;    // ww_acquire_done() called
    bool live = false;    // between ww_acquire_init() and ww_acquire_fini()
    int contending = -1;  // DEBUG_WW_MUTEXES' ctx->contending_lock: a resv's location
    int64_t seq = 0;      // the context's acquisitions so far
    int cls = -1;         // its ww_class's location (-1: reservation_ww_class)
  };
  // struct ww_mutex built-ins (lkmm_ravel_ww_mutex.cc): true when `n` is one of them.
  bool ww_mutex(const std::string& n, const Expr* e, Frame& f, Val* out);
  Val ww_release(const std::string& n, const std::string& what, int loc, uint64_t addr,
                 lang::Pos pos);  // ww_mutex_unlock, dma_resv_unlock (lkmm_ravel_resv.cc)
  // lkmm_ravel_kernel.cc; `value`, `seen`: as Emitter::try_lock's.
  Val trylock_at(int loc, uint64_t addr, int64_t value = 1, int64_t* seen = nullptr);
  WwCtx& ww_ctx(const Val& token, lang::Pos pos, const std::string& n);
  void ww_acquire_init(const Expr* e, Frame& f);
  Val ww_lock(const std::string& n, WwCtx& c, int64_t token, const Expr* e, Frame& f);
  Val ww_trylock(WwCtx& c, int64_t token, const Expr* e, Frame& f);
  int64_t ww_value(const WwCtx& c, lang::Pos pos);
  void ww_taken(WwCtx& c, int64_t token, int loc);
  void ww_checks(const std::string& n, const WwCtx& c, int64_t token, int loc, bool trylock,
                 lang::Pos pos);
  void ww_unlocked(int loc);  // dma_resv_unlock(): the context's ctx->acquired--
  void ww_coherent(int loc, int64_t seen, bool wrote);
  std::map<int, std::set<int64_t>> ww_seen_;   // per resv: context lock values read since a write
  std::map<int, std::set<int64_t>> ww_stale_;  // and those no later read may return
  Val address_of_ctx(const Expr* a, Frame& f);
  void declare_ctx(const lang::VarDecl* d, Frame& f);
  std::map<int64_t, WwCtx> ww_ctxs_;  // by token
  std::map<int, int64_t> ww_held_;    // a resv's location -> the token of the context holding it
  int64_t ww_decls_ = 0;

  // xarrays (lkmm_ravel_xarray.cc): true when `n` is one of their built-ins.
  bool xarray(const std::string& n, const Expr* e, Frame& f, Val* out);
  void xa_lock(const std::string& n, int xa, const Expr* e, Frame& f);
  Flow xa_for_each(const Stmt* s, Frame& f);

  // wait queues (lkmm_ravel_waitq.cc): true when `n` is one of their built-ins.
  bool wait_queue(const std::string& n, const Expr* e, Frame& f);
  std::pair<int, uint64_t> queue_arg(const Expr* e, Frame& f);
  void wake_up(const Expr* e, Frame& f);
  void wait_event(const Expr* e, Frame& f);

  // -- interrupts (lkmm_ravel_irq.cc) ----------------------------------------------------------
  void fire(size_t line);
  bool irq_builtin(const std::string& n, const Expr* e, Frame& f, Val* out);
  void set_irqs(bool on, lang::Pos pos);
  // lockdep's mark_usage() for a spinlock attempt at `pos` (Trace::usage); its ENABLED bits
  // alone (a trylock, mark_held_locks()).
  void note_usage(int loc, lang::Pos pos, bool read = false);
  void note_enabled(int loc, lang::Pos pos, bool read);
  // Sleeping in a handler or with hardirqs off is sc's atomic-sleep: refused.
  void no_sleep_irq(const std::string& n, lang::Pos pos) const;
  // Opens or closes the implicit RCU read-side section of flavor consolidation so that it
  // spans exactly where the task holds a spinlock, has hardirqs off or runs a handler (or
  // `starting`: a spinlock is about to be taken). Layout::rcu_consolidated.
  void rcu_reader(bool starting = false);

  // rw_semaphores and rwlocks (lkmm_ravel_rwsem.cc): true when `n` is one of their built-ins
  // (or a lockdep_assert_held*), its value in *out.
  bool rw_lock(const std::string& n, const Expr* e, Frame& f, Val* out);
  void rw_acquire(const std::string& n, bool rwlock, bool read, const Expr* e, Frame& f);
  void rw_take(int loc, uint64_t addr, Val old, int64_t delta, bool read, bool recursive);
  Val rw_trylock(bool rwlock, bool read, const Expr* e, Frame& f);
  void rw_release(const std::string& n, bool rwlock, bool read, const Expr* e, Frame& f);
  void downgrade_write(const Expr* e, Frame& f);
  void rw_sleeps(const std::string& n, lang::Pos pos) const;
  void rw_plausible(int loc, int64_t v, bool announced) const;
  void rw_nest(const std::string& n, int loc, lang::Pos pos) const;
  Val assert_held(const std::string& n, const Expr* e, Frame& f);
  // A spinning lock is held (spinlock, rwlock) or BHs are disabled: no sleeping.
  bool atomic_held() const;

  // Raw spinlocks, the _bh forms, spin_lock_nested, lockdep_set_class, lockdep_is_held and the
  // checked rcu_dereference forms (lkmm_ravel_raw.cc): true when `n` is one of them.
  bool raw_lock(const std::string& n, const Expr* e, Frame& f, Val* out);
  void bh(const std::string& n, const Expr* e, Frame& f);
  void spin_nested(const Expr* e, Frame& f);
  void set_class(const Expr* e, Frame& f);
  Val rcu_checked(const std::string& n, const Expr* e, Frame& f);
  // SRCU (lkmm_ravel_srcu.cc): true when `n` is one of its built-ins.
  bool srcu(const std::string& n, const Expr* e, Frame& f, Val* out);
  std::vector<int> srcu_held_;     // srcu_struct locations of the open srcu_read_lock() sections
  std::vector<int64_t> srcu_idx_;  // and the index each returned (the same order)
  int bh_ = 0;  // local_bh_disable() depth (spin_lock_bh too): atomic context, an RCU reader
  // In an RCU callback's function (lkmm_ravel_call_rcu.cc): softirq context, atomic (sc's
  // softirq count: not an RCU reader by itself, as model/rcu.cc rcu_reader()).
  bool softirq_ = false;

  // work items (lkmm_ravel_work.cc): true when `n` is one of their built-ins.
  bool work(const std::string& n, const Expr* e, Frame& f, Val* out);
  const Layout::Work& work_of(const Expr* e, Frame& f);
  Val queue_work(const Expr* e, Frame& f);
  const Layout::Work& work_to_wait_for(const Expr* e, Frame& f, const std::string& name);
  void flush_work(const Expr* e, Frame& f);
  // cancel_work_sync() and the worker's side of it (lkmm_ravel_work_cancel.cc).
  Val cancel_work(const Expr* e, Frame& f);
  bool work_dequeued(const Layout::Work& w);

 public:
  // A work item's worker thread: idle (blocked on its read of PENDING) or the function run.
  void worker(const Layout::Work& w);
  void worker_run_again(const Layout::Work& w);
  void call_work_fn(const Layout::Work& w);
  // An RCU callback: a kfree_rcu() site's or a freed fence's (lkmm_ravel_rcu_free.cc), a
  // call_rcu() or call_srcu() site's (lkmm_ravel_call_rcu.cc: rcu_cb_fn()).
  void rcu_callback(const Layout::Work& w);
  void rcu_cb_fn(const Layout::Work& w);
  // The end of a thread's path: a signalling section, rw_semaphore or rwlock still held is
  // refused (sc reports it); its implicit RCU section, if open, ends with it.
  void end_thread();

 private:
  // The thread waits here (await, wait_for_completion, wait_event): the reads from event
  // `before` up to `end` (excluded) are those a later write must change to wake it
  // (Trace::blocked_reads). `spinning`: the wait of a spinlock found held.
  [[noreturn]] void block(lang::Pos pos, uint64_t before, uint64_t end = UINT64_MAX,
                          bool spinning = false);

  // assert, BUG_ON, WARN_ON, WARN, assume, await: the messages are the sc run's
  // (builtins_lang.cc), so the same `expect` strings match under both models.
  Val check(const std::string& n, const Expr* e, Frame& f);

  const lang::Program& prog_;
  const Layout& lay_;
  Emitter& em_;
  uint32_t loop_bound_;
  Domain* seq_;
  size_t synced_ = 0;
  uint32_t depth_ = 0;
  int rcu_depth_ = 0;
  std::vector<int> held_;       // locks held (spinlocks and mutexes), in taking order
  std::vector<int> spin_held_;  // of which spinlocks: no sleeping under them
  struct RwHeld {
    int loc;
    bool read;
    bool rwlock;  // rwlock_t (spinning), else struct rw_semaphore
  };
  std::vector<RwHeld> rw_held_;        // rw_semaphores and rwlocks held (also in held_), in order
  bool map_held_ = false;              // dma_fence_map held for reading (a signalling section)
  const Eval* interrupted_ = nullptr;  // a handler's: the thread's Eval (its holds stand)
  IrqCpu own_irq_;                     // init, final, and a thread when set_irq is not called
  IrqCpu* irq_ = &own_irq_;
};

}  // namespace ravel::litmus::lkmm_ravel
