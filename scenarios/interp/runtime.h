// scenarios/interp/runtime.h: the interpreter's internals (not a public header).
//
// Design note. Interp holds what is prepared once per run from the checked Program (interned
// names for reports and lock classes, options); Runtime is one execution's state (the global
// objects, the handle table, each task's call state), created in the execution arena by the
// setup function, so nothing survives into the next execution. The evaluator is a direct walker
// over the resolved AST (ast.h): identifiers carry their Binding, members their field index, so
// a step does no string lookup and no heap allocation (frames come from the execution arena).
// Every access to a shared variable or heap field goes through model::plain_read/plain_write
// (one scheduling point each, race-checked); locals are plain C++ values.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "checker/api.h"
#include "model/ops.h"
#include "model/race.h"
#include "scenarios/interp/interp.h"
#include "scenarios/interp/value.h"
#include "scenarios/lang/ast.h"
#include "scenarios/lang/builtins.h"

namespace ravel::model {
struct DmaFence;
struct DmaFenceCb;
struct LockdepMap;
}  // namespace ravel::model

namespace ravel::interp {

using lang::Expr;
using lang::Program;
using lang::Stmt;

// Per-run data prepared from the Program.
struct Interp {
  Interp(const Program& p, const Options& o);
  // The fences' callback lists are the scenario's memory (fence_cb_in_memory).
  bool fence_cb_memory = false;
  int32_t list_head_struct = -1;  // struct list_head's index in prog.structs, if defined
  const Program& prog;
  Options opt;
  const char* file;                                   // Loc::file, outlives the run
  std::vector<const char*> files;                     // by Pos::file: included files too
  std::vector<const char*> global_names;              // "x"
  std::vector<std::vector<const char*>> field_names;  // [struct][field]: "job.state"
  std::vector<const char*> task_names;
  uint64_t discarded = 0;  // executions ended by a failed assume
  // A finding inside a macro expansion is shown where the macro was used: the user's line.
  Loc loc(lang::Pos p) const {
    if (p.file == 0 && p.expansion == 0) return Loc{file, p.line, p.col};
    return loc_slow(p);
  }
  Loc loc_slow(lang::Pos p) const;
  uint32_t header_file = UINT32_MAX;  // the file id of the built-in <linux/list.h>, if read
};

struct Frame {
  Value* slots = nullptr;
};

// Where an assignment goes: a local slot or a variable object.
struct Place {
  Value* slot = nullptr;
  Obj* obj = nullptr;
};

// The variables an await(e) condition read, each with the value it read. The gate waits for
// one of them to differ from the value READ, not from its value when the evaluation ended: a
// write landing between two reads of the condition (after flag0 was read as 1, flag0 = 0) must
// re-evaluate it, or a correct protocol (Peterson's lock) is reported as a hang.
// A built-in (READ_ONCE(x)) announces its variable before its yield and reads it right after:
// its value is taken at the task's next read or at the end of the evaluation (settle()), and no
// other task runs in between (fibers switch only at yields, and every yield inside await(e) is
// one of these reads).
struct AwaitReads {
  std::vector<model::SharedVar*> vars;
  std::vector<int64_t> seen;  // seen[i] is vars[i]'s value as read, once settled
  void announce(model::SharedVar* v) {
    settle();
    vars.push_back(v);
  }
  void settle() {
    for (size_t i = seen.size(); i < vars.size(); ++i) seen.push_back(vars[i]->value);
  }
  void clear() {
    vars.clear();
    seen.clear();
  }
};

struct TaskState {
  uint32_t depth = 0;                 // call depth (recursion bound)
  Value ret;                          // value of the last `return`
  const Stmt* goto_target = nullptr;  // pending goto
  AwaitReads* await_reads = nullptr;  // set while evaluating await(e)
  Loc header_call;                    // the scenario's call into <linux/list.h> code
};

enum class Flow : uint8_t { kNormal, kBreak, kContinue, kReturn, kGoto };

class Runtime {
 public:
  Runtime(Interp& in, Ctx& ctx);
  static Runtime& current();

  Interp& in;
  Ctx& ctx;
  std::vector<Obj*> globals;
  std::vector<Obj*> predefined;
  // Model object -> its Obj: models call back with model pointers (a dma_fence_ops.signaled gets
  // the DmaFence*, an exporter's .map the DmaBufAttachment*). Lookup only, never iterated.
  std::unordered_map<const void*, Obj*> by_model;
  Obj* obj_of(lang::ModelType m, void* model);  // the registered Obj, else a new one (registered)
  // Heap object -> the bytes kmalloc/kzalloc/kcalloc were asked for (ksize). Lookup only.
  std::unordered_map<ObjectId, int64_t> kmalloc_bytes;

  // --- objects (runtime.cc) ---
  Obj* new_obj(Obj::Kind kind);
  Obj* make_var(const char* name, Value init, ObjectId owner, bool priv);
  // An object for a declaration of static type `t` (model object, instance, array or variable).
  Obj* make_decl(const lang::SType& t, int64_t array_len, const char* name, const char* cls,
                 ObjectId owner, bool priv, const lang::Init* init, Frame* f);
  Obj* make_model(lang::ModelType m, const char* name, const char* cls, ObjectId owner,
                  const lang::Init* init, Frame* f);
  Obj* make_instance(int32_t struct_id, ObjectId heap, bool priv);
  // container_of(target, struct T, field) when target is not inside a T (value.h, kPhantom):
  // one object per (target, T, field), so that two such pointers compare equal.
  Obj* phantom(Value target, int32_t struct_id, int32_t field);
  void init_instance(Obj* o, const lang::Init* init, Frame* f);
  // A field of a model object (model_fields.cc): `&fence->flags` is one object per fence, so
  // two such pointers compare equal; an embedded model object (a resv's `lock`) is that object.
  Place model_member(const Expr* e, Frame& f);
  Value read_field(Obj* field, Loc loc);
  void write_field(Obj* field, Value v, Loc loc);
  Obj* resv_fences(Obj* resv, Loc loc);
  // fence_cb_list.cc: a model object's embedded struct list_head (a fence's cb_list, a
  // callback's node) and a callback's func, one object per owner; the lists' memory for the
  // model's built-ins (model::DmaFenceCbMemory), installed per execution when the scenario
  // uses them (fence_cb_in_memory).
  Obj* model_list(Obj* owner, int field);
  Obj* fence_cb_func(Obj* cb);
  void install_fence_cb_memory();
  // container_of(head, <model type>, field) of a head not inside one (value.h, kPhantom).
  Obj* model_phantom(Value target, lang::ModelType m, int32_t field);
  void set_work_fn(Obj* work, Value fn, Loc loc);  // WORK(fn), INIT_WORK(w, fn)
  void make_globals();                             // every global, in declaration order
  int64_t encode(Value v) const;
  Value decode(int64_t x) const;
  Value read(Obj* var, Loc loc);
  void write(Obj* var, Value v, Loc loc);

  // --- evaluation (eval.cc, exec.cc) ---
  Value eval(const Expr* e, Frame& f);
  Place place(const Expr* e, Frame& f);
  Place phantom_member(const Expr* e, Obj* base, Loc loc);
  Obj* string_value(const Expr* e);  // a string literal's value (value.h, kString)
  Value load(const Place& p, Loc loc);
  void store(const Place& p, Value v, Loc loc);
  Flow exec(const Stmt* s, Frame& f);
  // Runs the statements of `block` from index `from` (a switch enters at its case label).
  Flow exec_block(const Stmt* block, size_t from, Frame& f);
  Flow exec_switch(const Stmt* s, Frame& f);
  Value call_intrinsic(const Expr* e, Frame& f);   // intrinsic.cc
  Flow exec_xa_for_each(const Stmt* s, Frame& f);  // builtins_sync.cc
  Value call_expr(const Expr* e, Frame& f);
  Value call(uint32_t fn, const Value* args, size_t n, Loc loc);
  Value call_value(Value callee, const Value* args, size_t n, Loc loc);
  void run_body(const lang::Body& body);
  TaskState& ts();
  // The instance a member access refers to (null-deref / uaf reported as the kernel would).
  Obj* member_base(const Expr* e, Frame& f);
  [[noreturn]] void error(const std::string& msg, Loc loc);

 private:
  // phantom and model_phantom: the one object of a field of `target` under `kind`.
  Obj* phantom_of(Value target, uint32_t kind, int32_t field, bool* fresh);
  std::vector<Obj*> handles_;
  std::unordered_map<uint64_t, Obj*> phantoms_;         // lookup only, never iterated
  std::unordered_map<std::string_view, Obj*> strings_;  // lookup only, never iterated
  std::unordered_map<uint64_t, Obj*> fields_;           // (owner handle, field): lookup only
  std::vector<TaskState*> tasks_;
};

// A built-in call being evaluated: bindings evaluate their own arguments (lvalue and condition
// arguments are not plain values).
struct Call {
  Runtime& rt;
  const Expr* e;
  Frame& f;
  Loc loc;
  const lang::Builtin& b;
  size_t argc() const { return e->args.size(); }
  Value arg(size_t i) { return rt.eval(e->args[i], f); }
  int64_t integer(size_t i);
  // A model object argument (a NULL is the kernel's oops: null-deref after the op's step; so is
  // an ERR_PTR, the kernel's "unable to handle page fault" at a small negative address).
  Obj* object(size_t i);
  // The same for a kernel function that tolerates NULL (dma_fence_get/put: `if (fence)`):
  // nullptr for NULL, evaluated once.
  Obj* object_or_null(size_t i);
  template <class T>
  T* model(size_t i) {
    return static_cast<T*>(object(i)->model);
  }
  // A plain variable argument (READ_ONCE(x), rcu_assign_pointer(p, v)): the lvalue or `&x`.
  model::SharedVar* var(size_t i);
  // The variable object argument i names (what var() checks), evaluated once; a field of a
  // local struct instance is a private cell (private_cell() returns it, else nullptr).
  Obj* cell(size_t i);
  model::SharedVar* var(Obj* o, size_t i);
  model::SharedVar* read_var(Obj* o, size_t i);
  static Obj* private_cell(Obj* o);
  // var(i) for a built-in that only reads it (READ_ONCE, smp_load_acquire, test_bit,
  // rcu_dereference, rcu_access_pointer): inside await(e) the variable joins the wait's read set,
  // so a write to it re-evaluates e.
  model::SharedVar* read_var(size_t i);
  [[noreturn]] void null_deref();
  [[noreturn]] void err_ptr_deref(int64_t err);

 private:
  Obj* checked_object(size_t i, const Value& v);
};

using BuiltinFn = Value (*)(Call&);

// A scenario function as the model's dma_fence_func_t (dma_fence_add_callback): a named type, so
// the fence's list in memory can store the function itself in cb->func (fence_cb_list.cc).
struct ScenarioFenceFunc {
  Runtime* rt;
  Obj* fence;
  Obj* cb;
  Value fn;
  Loc loc;
  void operator()(model::DmaFence*, model::DmaFenceCb*) const {
    Value args[2] = {Value::of(fence), Value::of(cb)};
    rt->call_value(fn, args, 2, loc);
  }
};

// The bit operations on a model field (`test_bit(nr, &fence->flags)`; model_fields.cc).
enum class BitOp : uint8_t { kTest, kSet, kTestAndSet, kClear };
Value field_bit_op(Call& c, Obj* field, int nr, BitOp op);
// Whether the interpreter runs accesses to model field `index` (lang::model_field_at).
bool model_field_runs(int index);
// A fence's cb_list, a dma_fence_cb's node or func (fence_cb_list.cc).
bool is_fence_cb_field(int index);

// What a model type's factory gets: the declaration being made (objects.cc).
struct MakeArgs {
  const char* name;
  const char* cls;
  ObjectId owner;  // the heap instance the object lives in, or kNoObject
  const lang::Init* init;
  Frame& f;
  Loc loc;
  Obj* self;  // the object being made (its model is stored after the factory returns)
};
// The interpreter's side of a model type declared in scenarios/api (RAVEL_TYPE,
// RAVEL_LOCK_TYPE): how to make one, and for a lock type where its lockdep map is.
struct TypeBinding {
  void* (*make)(Runtime& rt, const MakeArgs& a) = nullptr;
  model::LockdepMap* (*dep_map)(void* model) = nullptr;
};
// Everything bound to the language's tables, built once: built-in id -> binding, model type ->
// factory and lockdep map.
struct Bindings {
  std::vector<BuiltinFn> fns;
  std::array<TypeBinding, lang::kModelTypeCount> types{};
};
const Bindings& bindings();
const std::vector<BuiltinFn>& builtin_table();  // bindings().fns
// The binders: each expands the declaration files of its pairs (scenarios/api) next to their
// binding functions.
void bind_lang_builtins(Bindings& b);    // scenarios/api/{timing,err,lang}.def
void bind_lock_builtins(Bindings& b);    // scenarios/api/{cpu,spinlock,mutex,ww_mutex,lockdep}.def
void bind_memory_builtins(Bindings& b);  // {memory,atomic,bitops,kref,refcount}.def
void bind_sync_builtins(Bindings& b);    // {rcu,xarray,workqueue,module,completion,wait}.def
void bind_rw_builtins(Bindings& b);      // scenarios/api/{rwlock,rwsem}.def
void bind_dma_fence_builtins(Bindings& b);  // {dma_fence,dma_resv}.def
void bind_dma_buf_builtins(Bindings& b);    // dma_buf.def
void bind_ordering_builtins(Bindings& b);   // ordering.def
void bind_srcu_builtins(Bindings& b);       // srcu.def

// "assert(x == 1)": an expression rendered back from the tree (messages).
std::string render(const Expr* e);
// A declaration of a struct instance (not an array of them, not a pointer): made before its
// initializer runs, so the initializer may take its address (Runtime::init_instance).
bool is_instance_decl(const lang::VarDecl* d);

// Bindings of the common shape `F(T* object, Loc)` (argument 0 is the object).
template <class T, auto F>
Value obj_call(Call& c) {
  T* o = c.model<T>(0);
  if constexpr (std::is_void_v<std::invoke_result_t<decltype(F), T*, Loc>>) {
    F(o, c.loc);
    return Value::integer(0);
  } else {
    return Value::integer(static_cast<int64_t>(F(o, c.loc)));
  }
}

// Stores an integer result into an lvalue argument (local_irq_save(flags)).
inline void store_arg(Call& c, size_t i, int64_t v) {
  c.rt.store(c.rt.place(c.e->args[i], c.f), Value::integer(v), c.loc);
}

// The binding templates of the declaration shapes (scenarios/api/api.h). Each takes the model
// function itself, deduces the model type from its first parameter and checks that the function
// has the shape its declaration claims, so a declaration that does not match its model function
// is a compile error.
template <class Fn>
struct ObjFnOf;
template <class R, class T, class... A>
struct ObjFnOf<R (*)(T*, A...)> {
  using Obj = T;
  using Ret = R;
};
template <auto F>
using ObjFn = ObjFnOf<decltype(F)>;

// RAVEL_CTX: void F(Loc).
template <void (*F)(Loc)>
Value ctx_call(Call& c) {
  F(c.loc);
  return Value::integer(0);
}
// RAVEL_QUERY: bool F(), a read of the current task's context.
template <bool (*F)()>
Value query_call(Call&) {
  return Value::integer(F());
}
// RAVEL_OBJ: void F(T*, Loc).
template <auto F>
Value obj_void(Call& c) {
  using T = typename ObjFn<F>::Obj;
  static_assert(std::is_void_v<typename ObjFn<F>::Ret>, "RAVEL_OBJ of a function with a result");
  F(c.model<T>(0), c.loc);
  return Value::integer(0);
}
// RAVEL_OBJ_V: R F(T*, Loc), R an integer (or bool) the scenario reads.
template <auto F>
Value obj_value(Call& c) {
  using T = typename ObjFn<F>::Obj;
  static_assert(std::is_integral_v<typename ObjFn<F>::Ret>, "RAVEL_OBJ_V needs an integer result");
  return Value::integer(static_cast<int64_t>(F(c.model<T>(0), c.loc)));
}

// RAVEL_IRQSAVE / RAVEL_IRQRESTORE: `F(object, flags)` pairs of every lock type:
// spin_lock_irqsave(l, flags) stores the saved IRQ state into the caller's lvalue argument 1;
// the restore form reads it back.
template <auto F>
Value lock_irqsave(Call& c) {
  using T = typename ObjFn<F>::Obj;
  static_assert(std::is_same_v<decltype(F), unsigned long (*)(T*, Loc)>);
  T* l = c.model<T>(0);
  store_arg(c, 1, static_cast<int64_t>(F(l, c.loc)));
  return Value::integer(0);
}
template <auto F>
Value unlock_irqrestore(Call& c) {
  using T = typename ObjFn<F>::Obj;
  static_assert(std::is_same_v<decltype(F), void (*)(T*, unsigned long, Loc)>);
  T* l = c.model<T>(0);
  F(l, static_cast<unsigned long>(c.integer(1)), c.loc);
  return Value::integer(0);
}

// call_rcu(head, fn) / call_srcu(ssp, head, fn): the callback task calls the scenario's `fn`
// with the rcu_head object argument `head` of the call.
inline std::function<void()> rcu_head_callback(Call& c, size_t head, size_t fn) {
  Obj* h = c.object(head);
  Value f = c.arg(fn);
  Runtime* rt = &c.rt;
  Loc loc = c.loc;
  return [rt, h, f, loc] {
    Value a = Value::of(h);
    rt->call_value(f, &a, 1, loc);
  };
}

// The value inside ATOMIC_INIT(v), REFCOUNT_INIT(v), KREF_INIT(v) or WORK(fn), or the
// initializer itself; nullptr without one (objects.cc).
const Expr* init_arg(const lang::Init* init);

// Factories of the declaration forms. A lock made inside a heap instance is adopted by its slab
// (model/slab.h), so an operation on it after kfree is a use-after-free.
void adopt_object(ObjectId owner, ObjectId id);
// A lock type constructed as T(ctx, name, class, extra...), with a LockWord `word`.
template <class T, auto... Extra>
void* make_lock(Runtime& rt, const MakeArgs& a) {
  auto* l = rt.ctx.make<T>(rt.ctx, a.name, a.cls, Extra...);
  adopt_object(a.owner, l->word.object());
  return l;
}
// A type constructed as T(ctx, name) that owns no engine object of its own.
template <class T>
void* make_plain(Runtime& rt, const MakeArgs& a) {
  return rt.ctx.make<T>(rt.ctx, a.name);
}
template <class T>
model::LockdepMap* dep_map_of(void* model) {
  return &static_cast<T*>(model)->dep_map;
}

// Expanding a declaration file (scenarios/api) inside a binder `void bind_x(Bindings& b)`:
//   #define RAVEL_API RAVEL_BIND_API  (and the same for RAVEL_BLOCK_API, RAVEL_TYPE,
//   RAVEL_LOCK_TYPE)
// binds each API by its ApiId (no name lookup at start-up) and each type by its enumerator.
#define RAVEL_BIND_API(name, sig, ret, op, in_await, caller, ...) \
  b.fns[static_cast<size_t>(::ravel::lang::ApiId::name)] = __VA_ARGS__;
// A RAVEL_TYPE's last columns are its factory and, for a type that holds a lock without being
// one (an xarray's xa_lock), the lock's lockdep map.
#define RAVEL_BIND_TYPE(e, c, s, cxx, ...) \
  b.types[static_cast<size_t>(::ravel::lang::ModelType::e)] = {__VA_ARGS__};
#define RAVEL_BIND_LOCK_TYPE(e, c, s, cxx, ...) \
  b.types[static_cast<size_t>(::ravel::lang::ModelType::e)] = {__VA_ARGS__, dep_map_of<cxx>};

}  // namespace ravel::interp
