// scenarios/litmus/lkmm_ravel_screen.cc: what a scenario may use under --memory-model lkmm,
// checked before anything runs, and its locations (see lkmm_ravel.h).
#include <set>

#include "scenarios/interp/interp.h"
#include "scenarios/lang/builtins.h"
#include "scenarios/litmus/lkmm_emit.h"
#include "scenarios/litmus/lkmm_ravel.h"

namespace ravel::litmus::lkmm_ravel {

namespace {

using lang::Binding;
using lang::Expr;
using lang::ExprKind;
using lang::Stmt;
using lang::StmtKind;

// The built-ins lkmm gives an LKMM meaning (the fences and RMWs of lkmm_emit.h besides).
bool modelled(const std::string& n) {
  static const std::set<std::string> kNames = {
      "READ_ONCE",
      "WRITE_ONCE",
      "smp_load_acquire",
      "smp_store_release",
      "atomic_read",
      "atomic_set",
      "rcu_dereference",
      "rcu_access_pointer",
      "rcu_assign_pointer",
      "rcu_read_lock",
      "rcu_read_unlock",
      "spin_lock",
      "spin_unlock",
      "spin_is_locked",
      "assert",
      "BUG_ON",
      "WARN_ON",
      "WARN",
      "assume",
      "choose",
      "await",
      "ATOMIC_INIT",
      "IS_ERR",  // an ERR_PTR test (lkmm_ravel_calls.cc)
      "test_bit",
      "spin_lock_init",
      "container_of",  // of a struct lkmm laid out (lkmm_ravel_struct.cc)
      // Kernel objects with their documented ordering (lkmm_ravel_kernel.cc).
      "mutex_lock",
      "mutex_unlock",
      "mutex_init",
      "mutex_trylock",
      "spin_trylock",
      "mutex_is_locked",
      "try_wait_for_completion",
      "completion_done",
      "kref_get_unless_zero",
      "init_completion",
      "reinit_completion",
      "complete",
      "complete_all",
      "wait_for_completion",
      "wait_for_completion_timeout",  // and secs_to_jiffies: lkmm_ravel_timeout.cc
      "secs_to_jiffies",
      "kref_init",
      "kref_get",
      "kref_read",
      "kref_put",
      // Wait queues (lkmm_ravel_waitq.cc; wait_event_timeout: lkmm_ravel_wait2.cc).
      "init_waitqueue_head",
      "wait_event",
      "wake_up",
      "wake_up_all",
      // Work items (lkmm_ravel_work.cc); INIT_WORK in init, cancel_work_sync
      // (lkmm_ravel_work_cancel.cc).
      "WORK",
      "INIT_WORK",
      "cancel_work_sync",
      "schedule_work",
      "queue_work",
      "flush_work",
      // kzalloc'd structs in init, kfree (lkmm_ravel_heap.cc), kfree_rcu
      // (lkmm_ravel_rcu_free.cc); kmalloc stays sc's.
      "kzalloc",
      "kfree",
      "kfree_rcu",
      // rw_semaphores and rwlocks (lkmm_ravel_rwsem.cc; the _bh variants are refused there).
      "down_read",
      "down_write",
      "up_read",
      "up_write",
      "down_read_trylock",
      "down_write_trylock",
      "downgrade_write",
      "read_lock",
      "read_unlock",
      "write_lock",
      "write_unlock",
      "read_lock_irq",
      "read_unlock_irq",
      "write_lock_irq",
      "write_unlock_irq",
      "read_lock_irqsave",
      "read_unlock_irqrestore",
      "write_lock_irqsave",
      "write_unlock_irqrestore",
      "read_lock_bh",
      "read_unlock_bh",
      "write_lock_bh",
      "write_unlock_bh",
      "read_trylock",
      "write_trylock",
      "lockdep_assert_held",
      "lockdep_assert_held_write",
      "lockdep_assert_not_held",
      // Fence signalling sections (lkmm_ravel_signalling.cc).
      "dma_fence_begin_signalling",
      "dma_fence_end_signalling",
  };
  return kNames.count(n) || lkmm_thread::fence_table().count(n) || lkmm_thread::rmw_spec(n) ||
         irq_builtin_name(n) || fence_builtin_name(n) ||  // lkmm_ravel_fence.cc
         fence_ref_builtin_name(n) ||                     // lkmm_ravel_fence_ref.cc
         module_builtin_name(n) ||                        // lkmm_ravel_module.cc
         misc_builtin_name(n) ||                          // lkmm_ravel_misc.cc
         xarray_builtin_name(n) ||                        // lkmm_ravel_xarray.cc
         resv_builtin_name(n) ||                          // lkmm_ravel_resv.cc
         ww_builtin_name(n) ||                            // lkmm_ravel_ww.cc
         resv_fences_builtin_name(n) ||                   // lkmm_ravel_resv_fences.cc
         dma_buf_builtin_name(n) ||                       // lkmm_ravel_dma_buf.cc
         dma_att_builtin_name(n) ||                       // lkmm_ravel_dma_buf_att.cc
         wait2_builtin_name(n) ||                         // lkmm_ravel_wait2.cc
         raw_builtin_name(n) ||                           // lkmm_ravel_raw.cc
         srcu_builtin_name(n) ||                          // lkmm_ravel_srcu.cc
         ww_mutex_builtin_name(n) ||                      // lkmm_ravel_ww_mutex.cc
         call_rcu_builtin_name(n);                        // lkmm_ravel_call_rcu.cc
}

struct Refusal {
  Error err;
};

[[noreturn]] void refuse(lang::Pos pos, const std::string& msg) { throw Refusal{Error{pos, msg}}; }

const char* stmt_name(StmtKind k) {
  switch (k) {
    case StmtKind::kGoto:
      return "goto";
    case StmtKind::kLabel:
      return "a label";
    case StmtKind::kSwitch:
      return "switch";
    case StmtKind::kCase:
      return "case";
    case StmtKind::kDefault:
      return "default";
    default:
      return nullptr;
  }
}

class Screen {
 public:
  void stmt(const Stmt* s) {
    if (s == nullptr) return;
    if (const char* what = stmt_name(s->kind)) {
      refuse(s->pos, std::string("'") + what + "' is not supported under --memory-model lkmm");
    }
    for (const lang::VarDecl* d : s->decls) {
      if (d->array_len >= 0) refuse(d->pos, "arrays are not supported under --memory-model lkmm");
      const lang::SType& t = d->type->stype;
      // An acquire context is a thread's local (lkmm_ravel_ww.cc).
      if ((t.kind == lang::SType::Kind::kModel && t.depth == 0 && !ww_ctx_type(t)) ||
          (t.kind == lang::SType::Kind::kStruct && t.depth == 0)) {
        refuse(d->pos, "'" + d->type->spelling + " " + d->name +
                           "': local objects are not modelled under --memory-model lkmm (use "
                           "globals)");
      }
      if (d->init != nullptr && d->init->expr == nullptr)
        refuse(d->pos, "brace initializers are not supported under --memory-model lkmm");
      if (d->init != nullptr) expr(d->init->expr);
    }
    expr(s->expr), expr(s->step);
    stmt(s->init), stmt(s->body), stmt(s->else_body);
    for (const Stmt* b : s->stmts) stmt(b);
  }

  void init(const lang::Init* in) {
    expr(in->expr);
    for (const lang::Init::Item& it : in->items) init(it.value);
  }

  void expr(const Expr* e) {
    if (e == nullptr) return;
    switch (e->kind) {
      case ExprKind::kIndex:
        refuse(e->pos, "arrays are not supported under --memory-model lkmm");
      case ExprKind::kMember:  // a user struct's field (lkmm_ravel_struct.cc)
        if (e->model_field) {
          refuse(e->pos, "fields of kernel objects ('" + e->text +
                             "') are not modelled under --memory-model lkmm");
        }
        break;
      case ExprKind::kCall:
        call(e);
        return;
      case ExprKind::kIdent:  // a function as a value is a function pointer (lkmm_ravel_struct.cc)
        if (e->bind.kind == Binding::Kind::kPredefined)
          refuse(e->pos, "'" + e->text + "' as a value is not supported under --memory-model lkmm");
        return;
      default:
        break;
    }
    expr(e->a), expr(e->b), expr(e->c);
  }

 private:
  void call(const Expr* e) {
    const Expr* callee = e->a;
    if (callee->bind.kind == Binding::Kind::kBuiltin) {
      std::string n(lang::builtins()[callee->bind.index].name);
      if (!modelled(n)) {
        refuse(e->pos, "'" + n + "' is not modelled under --memory-model lkmm (it runs under sc)");
      }
    } else if (callee->bind.kind != Binding::Kind::kFunction &&
               callee->bind.kind != Binding::Kind::kIntrinsic) {
      expr(callee);  // a call through a function pointer (lkmm_ravel_struct.cc)
    }
    for (size_t i = 0; i < e->args.size(); ++i) {
      const Expr* a = e->args[i];
      if (a->kind == ExprKind::kString || a->kind == ExprKind::kTypeArg) continue;
      if (i == 1 && a->kind == ExprKind::kIdent && a->bind.kind == Binding::Kind::kFunction &&
          callee->bind.kind == Binding::Kind::kBuiltin &&
          lang::builtins()[callee->bind.index].name == "kref_put") {
        continue;  // the release function, called by name (lkmm_ravel_kernel.cc)
      }
      if (i == 2 && a->kind == ExprKind::kIdent && a->bind.kind == Binding::Kind::kFunction &&
          callee->bind.kind == Binding::Kind::kBuiltin &&
          lang::builtins()[callee->bind.index].name == "dma_fence_add_callback") {
        continue;  // the callback, called by name (lkmm_ravel_fence.cc)
      }
      if (i == 1 && callee->bind.kind == Binding::Kind::kBuiltin &&
          lang::builtins()[callee->bind.index].name == "ww_acquire_init") {
        continue;  // &reservation_ww_class, checked where it runs (lkmm_ravel_ww.cc)
      }
      if (callee->bind.kind == Binding::Kind::kBuiltin &&
          skipped_work_arg(lang::builtins()[callee->bind.index].name, i)) {
        continue;  // screen_work's
      }
      expr(a);
    }
  }
};

// The kernel objects that are one location under lkmm (lkmm_ravel_kernel.cc).
bool location_type(lang::ModelType m) {
  using M = lang::ModelType;
  return m == M::kAtomic || m == M::kSpinlock || m == M::kRawSpinlock || m == M::kMutex ||
         m == M::kCompletion || m == M::kLockClassKey ||  // lkmm_ravel_raw.cc
         m == M::kKref || m == M::kDmaFence || m == M::kDmaFenceCb || m == M::kWaitQueueHead ||
         m == M::kWork || m == M::kXarray || m == M::kRwSemaphore || m == M::kRwlock ||
         m == M::kDmaResv || m == M::kDmaFenceOps || m == M::kModule || m == M::kSrcuStruct ||
         m == M::kWwMutex || m == M::kWwClass ||  // lkmm_ravel_ww_mutex.cc
         dma_buf_object(m);
}

// A global lkmm keeps as a location: integers, pointers (to globals), atomic_t, spinlock_t,
// struct mutex, struct completion, struct kref, struct dma_fence, wait_queue_head_t.
void screen_global(const lang::Program& prog, const lang::VarDecl* d) {
  if (d->array_len >= 0) refuse(d->pos, "arrays are not supported under --memory-model lkmm");
  const lang::SType& t = d->type->stype;
  using K = lang::SType::Kind;
  if (t.kind == K::kModel && t.depth == 0 && !location_type(t.model)) {
    refuse(d->pos, "'" + std::string(lang::model_type_name(t.model)) + " " + d->name +
                       "' is not modelled under --memory-model lkmm (only integers, pointers, "
                       "atomic_t, spinlock_t, raw_spinlock_t, struct lock_class_key, struct "
                       "mutex, struct completion, struct kref, struct dma_fence, struct "
                       "dma_fence_cb, wait_queue_head_t, struct "
                       "work_struct, struct xarray, struct rw_semaphore, rwlock_t, struct "
                       "dma_resv, struct dma_fence_ops, struct module, struct srcu_struct, struct "
                       "ww_class and struct ww_mutex are)");
  }
  // Struct variables are flattened, their fields checked where they are declared
  // (lkmm_ravel_struct.cc); function pointers are one location. A fence's `{ .lock = &l }`
  // names its external lock (lkmm_ravel_fence.cc).
  if (Error e; !screen_dma_buf_global(prog, d, &e)) throw Refusal{e};  // lkmm_ravel_dma_buf.cc
  if (Error e; !screen_ww_global(prog, d, &e)) throw Refusal{e};       // lkmm_ravel_ww_mutex.cc
  if (d->init != nullptr && d->init->expr == nullptr && t.kind == K::kModel &&
      !fence_lock_initializer(prog, d) && !ops_initializer(prog, d) && !dma_buf_object(t.model) &&
      !ww_mutex_initializer(prog, d)) {
    refuse(d->pos, "brace initializers of kernel objects ('" + d->type->spelling + " " + d->name +
                       "') are not modelled under --memory-model lkmm");
  }
}

}  // namespace

bool screen(const lang::Program& prog, Error* err) {
  try {
    Screen s;
    std::set<int32_t> cpus;
    const std::vector<int> cpu = task_cpus(prog);  // sc's placement (lkmm_ravel_irq.cc)
    for (const lang::VarDecl* d : prog.globals) {
      screen_global(prog, d);
      if (d->init != nullptr && !fence_lock_initializer(prog, d) && !ops_initializer(prog, d) &&
          !ww_mutex_initializer(prog, d)) {
        s.init(d->init);
      }
    }
    for (size_t i = 0; i < prog.tasks.size(); ++i) {
      const lang::Task& t = prog.tasks[i];
      if (t.kind == lang::Task::Kind::kThread && !cpus.insert(cpu[i]).second)
        refuse(t.pos, "threads sharing a CPU are not modelled under --memory-model lkmm");
      s.stmt(t.body.block);
    }
    for (const lang::Function& f : prog.functions) s.stmt(f.body.block);
    if (prog.has_init) s.stmt(prog.init.block);
    if (prog.has_final) s.stmt(prog.final_.block);
  } catch (const Refusal& r) {
    *err = r.err;
    return false;
  }
  return screen_work(prog, err) && screen_heap(prog, err) && screen_xarray(prog, err) &&
         screen_fence_ops(prog, err) && screen_dma_att(prog, err);
}

bool make_layout(const lang::Program& prog, uint32_t loop_bound, Layout* out, Error* err) {
  out->loc_of_global.assign(prog.globals.size(), -1);
  for (const lang::VarDecl* d : prog.globals) {
    if (!add_global(prog, d, out, err))
      return false;  // a struct: its fields (lkmm_ravel_struct.cc)
  }
  add_fences(prog, out);      // a fence's error, lock and callback list (lkmm_ravel_fence.cc)
  add_fence_ops(prog, out);   // ops tables, ops pointers (lkmm_ravel_fence_ops.cc)
  add_resvs(prog, out);       // one lockdep class for every dma_resv (lkmm_ravel_resv.cc)
  add_resv_slots(prog, out);  // their fence slots (lkmm_ravel_resv_fences.cc)
  add_dma_att(prog, out);     // dma_buf attachments, mappings (lkmm_ravel_dma_buf_att.cc)
  add_xarrays(prog, out);     // a slot per constant index (lkmm_ravel_xarray.cc)
  add_fence_map(prog, out);   // signalling sections' lockdep map (lkmm_ravel_signalling.cc)
  add_alloc_map(prog, out);   // fs_reclaim, when a thread allocates (lkmm_ravel_alloc.cc)
  add_ww_stamp(prog, out);    // the acquire contexts' stamp counter (lkmm_ravel_ww.cc)
  add_ww_mutexes(prog, out);  // ww_mutexes' classes and stamps (lkmm_ravel_ww_mutex.cc)
  if (!add_set_classes(prog, out, err)) return false;  // lockdep_set_class (lkmm_ravel_raw.cc)
  if (!add_heaps(prog, out, err)) return false;        // kzalloc sites (lkmm_ravel_heap.cc)
  if (!add_fence_inits(prog, out, err)) return false;  // lkmm_ravel_fence_init.cc
  assign_threads(prog, out);  // the threads, each with its CPU's handlers (lkmm_ravel_irq.cc)
  out->rcu_consolidated = interp::uses_grace_periods(prog);  // as sc's (scenarios/interp)
  // module_unload(): free_module()'s synchronize_rcu() (lkmm_ravel_module.cc).
  for (const char* g :
       {"synchronize_rcu", "synchronize_rcu_expedited", "synchronize_srcu",
        "synchronize_srcu_expedited", "rcu_barrier", "srcu_barrier", "module_unload"})
    out->grace_waits = out->grace_waits || interp::calls_builtin(prog, g);
  add_works(prog, out);        // a location and a worker thread more per work
  add_rcu_frees(prog, out);    // and per kfree_rcu() site (lkmm_ravel_rcu_free.cc)
  add_fence_frees(prog, out);  // and per fence dma_fence_free() may free
  if (!add_rcu_callbacks(prog, out, err)) return false;  // per call_rcu/call_srcu site
  for (const Layout::Work& w : out->works)  // an RCU callback waits for a grace period first
    out->grace_waits = out->grace_waits || w.fn == nullptr;
  rw_bounds(prog, out);                   // the values an rw_semaphore's or rwlock's word may hold
  out->irqs.resize(out->threads.size());  // a worker runs on a CPU of its own, no handler
  if (out->names.size() + 1 > lkmm::kMaxEvents) {
    *err = Error{prog.globals.back()->pos, "more than " + std::to_string(lkmm::kMaxEvents - 1) +
                                               " globals under --memory-model lkmm"};
    return false;
  }
  return initial_values(prog, loop_bound, out, err);
}

}  // namespace ravel::litmus::lkmm_ravel
