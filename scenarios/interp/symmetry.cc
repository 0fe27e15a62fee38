// scenarios/interp/symmetry.cc: symmetry classes of a scenario's threads.
//
// Design note. Two threads are interchangeable when renaming one into the other maps every
// execution to an execution with the same verdict. In a scenario that holds when their bodies
// are the same statements bound to the same names (a thread has no name another task can use,
// so only its code and its CPU could tell it apart), their CPUs are alike, and no built-in they
// reach answers differently for one of them. The bodies are compared by a fingerprint of the
// checked AST: every field that sema or the interpreter reads, positions excepted. A field added
// to the AST must be added here too; the static_asserts below fail when the layout changes so
// that nobody forgets.
#include "scenarios/interp/symmetry.h"

#include <algorithm>
#include <array>
#include <map>
#include <string>

#include "scenarios/lang/builtins.h"

namespace ravel::interp {
namespace {

using lang::Binding;
using lang::Expr;
using lang::Init;
using lang::Stmt;
using lang::TypeRef;
using lang::VarDecl;

// A change of these layouts means a new field: add it to Fingerprint, then update the sizes.
static_assert(sizeof(void*) != 8 || sizeof(Expr) == 160, "lang::Expr changed: see Fingerprint");
static_assert(sizeof(void*) != 8 || sizeof(Stmt) == 184, "lang::Stmt changed: see Fingerprint");
static_assert(sizeof(void*) != 8 || sizeof(VarDecl) == 120,
              "lang::VarDecl changed: see Fingerprint");
static_assert(sizeof(void*) != 8 || sizeof(Init) == 48, "lang::Init changed: see Fingerprint");
static_assert(sizeof(void*) != 8 || sizeof(TypeRef) == 104,
              "lang::TypeRef changed: see Fingerprint");
static_assert(sizeof(lang::IntWidth) == 3, "lang::IntWidth changed: see Fingerprint::width");

class Fingerprint {
 public:
  std::string of(const Stmt* s) {
    out_.clear();
    stmt(s);
    return out_;
  }
  // Visits without keeping the text (the built-in check of function bodies).
  void visit(const Stmt* s) {
    stmt(s);
    out_.clear();
  }
  bool asymmetric_builtin = false;  // a built-in not known to ignore the caller's identity

 private:
  void put(int64_t v) {
    out_ += std::to_string(v);
    out_ += ',';
  }
  void put(std::string_view s) {
    put(static_cast<int64_t>(s.size()));
    out_.append(s);
  }
  void none() { out_ += "-,"; }
  void bind(const Binding& b) {
    put(static_cast<int64_t>(b.kind));
    put(b.index);
    put(b.value);
    if (b.kind == Binding::Kind::kBuiltin) check_builtin(b.index);
  }
  void check_builtin(uint32_t id) {
    for (const lang::Builtin& b : lang::builtins()) {
      if (b.id == id) {
        if (!symmetric_builtin(b.name)) asymmetric_builtin = true;
        return;
      }
    }
    asymmetric_builtin = true;  // unknown: assume the worst
  }
  void width(const lang::IntWidth& w) {
    put(w.bits);
    put(w.is_signed ? 1 : 0);
    put(w.boolean ? 1 : 0);
  }
  void type(const TypeRef* t) {
    if (t == nullptr) return none();
    put(t->spelling);
    put(t->struct_tag);
    put(t->pointers);
    put(t->function_pointer ? 1 : 0);
    width(t->width);
  }
  void init(const Init* i) {
    if (i == nullptr) return none();
    expr(i->expr);
    put(static_cast<int64_t>(i->items.size()));
    for (const Init::Item& item : i->items) {
      put(item.field);
      put(item.field_index);
      init(item.value);
    }
  }
  void decl(const VarDecl* d) {
    if (d == nullptr) return none();
    put(d->name);
    type(d->type);
    put(d->array_len);
    init(d->init);
    put(d->macro);
    bind(d->bind);
  }
  void expr(const Expr* e) {
    if (e == nullptr) return none();
    put(static_cast<int64_t>(e->kind));
    put(static_cast<int64_t>(e->op));
    put(e->value);
    put(e->text);
    bind(e->bind);
    put(e->field);
    put(e->model_field ? 1 : 0);
    width(e->width);
    type(e->type);
    expr(e->a);
    expr(e->b);
    expr(e->c);
    put(static_cast<int64_t>(e->args.size()));
    for (const Expr* a : e->args) expr(a);
  }
  void stmt(const Stmt* s) {
    if (s == nullptr) return none();
    put(static_cast<int64_t>(s->kind));
    expr(s->expr);
    expr(s->step);
    stmt(s->init);
    stmt(s->body);
    stmt(s->else_body);
    put(s->label);
    put(s->case_value);
    put(static_cast<int64_t>(s->stmts.size()));
    for (const Stmt* c : s->stmts) stmt(c);
    put(static_cast<int64_t>(s->decls.size()));
    for (const VarDecl* d : s->decls) decl(d);
    put(static_cast<int64_t>(s->args.size()));
    for (const Expr* a : s->args) expr(a);
    // s->target (a goto's label) is a label of the same body, named by s->label.
  }

  std::string out_;
};

// Whether any code of the program calls a built-in that may tell tasks apart.
bool calls_asymmetric_builtin(const lang::Program& prog) {
  Fingerprint f;
  for (const lang::Function& fn : prog.functions) f.visit(fn.body.block);
  for (const lang::Task& t : prog.tasks) f.visit(t.body.block);
  f.visit(prog.init.block);
  f.visit(prog.final_.block);
  return f.asymmetric_builtin;
}

}  // namespace

// Every built-in of the language today: each acts on its arguments and on the calling task's
// context (IRQs, preemption, held locks), never on which task or CPU it is. Sorted.
constexpr std::string_view kSymmetric[] = {
    "ATOMIC_INIT", "BUG_ON", "ERR_PTR", "INIT_WORK", "IS_ERR", "IS_ERR_OR_NULL", "KREF_INIT",
    "PTR_ERR", "READ_ONCE", "REFCOUNT_INIT", "WARN", "WARN_ON", "WORK", "WRITE_ONCE", "__xa_erase",
    "__xa_store", "assert", "assume", "atomic_add", "atomic_add_unless", "atomic_cmpxchg",
    "atomic_cmpxchg_acquire", "atomic_cmpxchg_relaxed", "atomic_cmpxchg_release", "atomic_dec",
    "atomic_dec_and_test", "atomic_inc", "atomic_inc_return", "atomic_inc_return_acquire",
    "atomic_inc_return_relaxed", "atomic_inc_return_release", "atomic_read", "atomic_set",
    "atomic_sub", "atomic_xchg", "atomic_xchg_acquire", "atomic_xchg_relaxed",
    "atomic_xchg_release", "await", "barrier", "call_rcu", "cancel_work_sync", "choose",
    "clear_bit", "cmpxchg", "cmpxchg_acquire", "cmpxchg_relaxed", "cmpxchg_release", "complete",
    "complete_all", "completion_done", "cond_resched", "container_of", "dma_access",
    "dma_buf_attach", "dma_buf_attach_revocable", "dma_buf_detach", "dma_buf_dynamic_attach",
    "dma_buf_get", "dma_buf_invalidate_mappings", "dma_buf_map_attachment", "dma_buf_pin",
    "dma_buf_put", "dma_buf_unmap_attachment", "dma_buf_unpin", "dma_fence_add_callback",
    "dma_fence_begin_signalling", "dma_fence_enable_sw_signaling", "dma_fence_end_signalling",
    "dma_fence_get", "dma_fence_get_status", "dma_fence_init", "dma_fence_is_signaled",
    "dma_fence_is_signaled_locked", "dma_fence_put", "dma_fence_remove_callback",
    "dma_fence_set_error", "dma_fence_signal", "dma_fence_signal_locked", "dma_fence_spinlock",
    "dma_fence_wait", "dma_fence_wait_timeout", "dma_resv_add_fence", "dma_resv_assert_held",
    "dma_resv_lock", "dma_resv_lock_slow", "dma_resv_reserve_fences", "dma_resv_test_signaled",
    "dma_resv_trylock", "dma_resv_unlock", "dma_resv_wait_timeout", "down_read",
    "down_read_trylock", "down_write", "down_write_trylock", "downgrade_write", "flush_work",
    "in_interrupt", "in_irq", "init_completion", "init_waitqueue_head", "irqs_disabled", "kfree",
    "kfree_rcu", "kmalloc", "kref_get", "kref_get_unless_zero", "kref_init", "kref_put",
    "kref_read", "kzalloc", "local_bh_disable", "local_bh_enable", "local_irq_disable",
    "local_irq_enable", "local_irq_restore", "local_irq_save", "lockdep_assert_held",
    "lockdep_assert_held_write", "lockdep_assert_not_held", "lockdep_set_class", "might_sleep",
    "module_put", "module_unload", "msleep", "mutex_is_locked", "mutex_lock",
    "mutex_lock_interruptible", "mutex_trylock", "mutex_unlock", "preempt_disable",
    "preempt_enable", "preemptible", "queue_work", "raw_spin_lock", "raw_spin_lock_irq",
    "raw_spin_lock_irqsave", "raw_spin_trylock", "raw_spin_unlock", "raw_spin_unlock_irq",
    "raw_spin_unlock_irqrestore", "rcu_access_pointer", "rcu_assign_pointer", "rcu_barrier",
    "rcu_dereference", "rcu_dereference_protected", "rcu_read_lock", "rcu_read_unlock",
    "read_lock", "read_lock_bh", "read_lock_irq", "read_lock_irqsave", "read_trylock",
    "read_unlock", "read_unlock_bh", "read_unlock_irq", "read_unlock_irqrestore",
    "refcount_dec_and_test", "refcount_inc", "refcount_read", "register_shrinker",
    "reinit_completion", "schedule", "schedule_work", "secs_to_jiffies", "set_bit",
    "smp_load_acquire", "smp_mb", "smp_mb__after_atomic", "smp_mb__after_spinlock",
    "smp_mb__after_unlock_lock", "smp_mb__before_atomic", "smp_rmb", "smp_store_release",
    "smp_wmb", "spin_is_locked", "spin_lock", "spin_lock_bh", "spin_lock_irq", "spin_lock_irqsave",
    "spin_lock_nested", "spin_trylock", "spin_unlock", "spin_unlock_bh", "spin_unlock_irq",
    "spin_unlock_irqrestore", "synchronize_rcu", "test_and_set_bit", "test_bit", "try_module_get",
    "try_wait_for_completion", "up_read", "up_write", "wait_event", "wait_event_timeout",
    "wait_for_completion", "wait_for_completion_timeout", "wake_up", "wake_up_all", "write_lock",
    "write_lock_bh", "write_lock_irq", "write_lock_irqsave", "write_trylock", "write_unlock",
    "write_unlock_bh", "write_unlock_irq", "write_unlock_irqrestore", "ww_acquire_done",
    "ww_acquire_fini", "ww_acquire_init", "ww_mutex_lock", "ww_mutex_lock_slow",
    "ww_mutex_trylock", "ww_mutex_unlock", "xa_erase", "xa_for_each", "xa_load", "xa_lock",
    "xa_lock_irq", "xa_lock_irqsave", "xa_store", "xa_unlock", "xa_unlock_irq",
    "xa_unlock_irqrestore", "xchg", "xchg_acquire", "xchg_relaxed", "xchg_release",
};

bool symmetric_builtin(std::string_view name) {
  return std::binary_search(std::begin(kSymmetric), std::end(kSymmetric), name);
}

bool identity_builtin(std::string_view /*name*/) { return false; }

std::vector<uint32_t> symmetry_classes(const lang::Program& prog) {
  std::vector<uint32_t> classes(prog.tasks.size(), 0);
  for (const lang::Task& t : prog.tasks) {
    // An IRQ is bound to a CPU and a placed thread may share one: CPUs would differ.
    if (t.kind != lang::Task::Kind::kThread || t.cpu >= 0) return classes;
  }
  if (calls_asymmetric_builtin(prog)) return classes;
  std::map<std::string, std::vector<size_t>> by_code;
  Fingerprint f;
  for (size_t i = 0; i < prog.tasks.size(); ++i) {
    by_code[f.of(prog.tasks[i].body.block)].push_back(i);
  }
  // Numbered by their first member, so the numbers do not depend on the fingerprints' order.
  std::vector<std::vector<size_t>> groups;
  for (auto& [code, members] : by_code) {
    if (members.size() > 1) groups.push_back(members);
  }
  std::sort(groups.begin(), groups.end());
  for (size_t g = 0; g < groups.size(); ++g) {
    for (size_t i : groups[g]) classes[i] = static_cast<uint32_t>(g + 1);
  }
  return classes;
}

}  // namespace ravel::interp
