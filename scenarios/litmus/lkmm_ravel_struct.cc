// scenarios/litmus/lkmm_ravel_struct.cc: struct variables, fields, brace initializers and
// function pointers under --memory-model lkmm (see lkmm_ravel.h; docs/litmus.md "Structs, heap
// objects and function pointers under lkmm").
//
// Design note. A struct object is flattened: each scalar field (an integer, a pointer, a
// function pointer, or one of the kernel objects that are one location under lkmm) is one
// location, in declaration order, nested structs recursively ("var.a.b"). The address of a
// struct is its first location's and `&p->f` is that address plus the field's offset in the
// flattened order, with the pointer's dependencies kept: herd7 gives `p->f` the address
// dependency on the read that produced p. The layout is sema's (Program::structs and the field
// index sema put on each member expression), never re-parsed.
#include "scenarios/lang/builtins.h"
#include "scenarios/litmus/lkmm_ravel_eval.h"

namespace ravel::litmus::lkmm_ravel {
namespace {

using lang::Binding;
using lang::ExprKind;
using lang::SType;
using lang::Tok;
using lkmm_thread::kAddrBase;

// The kernel objects that are one location under lkmm (as screen_global's list); a work_struct
// is two locations and a worker thread, so it is not allowed inside a struct. A dma_fence_cb is
// its list node (lkmm_ravel_fence_cb.cc), embedded in the driver's struct as in the kernel. A
// struct rcu_head is kfree_rcu()'s (lkmm_ravel_rcu_free.cc): a location nothing accesses, the
// queued callback being its call site's flag.
bool field_object(lang::ModelType m) {
  using M = lang::ModelType;
  return m == M::kAtomic || m == M::kSpinlock || m == M::kRawSpinlock || m == M::kMutex ||
         m == M::kCompletion || m == M::kKref || m == M::kDmaFence || m == M::kWaitQueueHead ||
         m == M::kDmaFenceCb || m == M::kRwSemaphore || m == M::kRwlock || m == M::kRcuHead;
}

// Appends the locations of an object of type `t` named `name` (declared at `pos`).
// `cls`: a field's lockdep class as sc names it ("job.lock": the struct's tag and the field),
// empty for a global.
void flatten(const lang::Program& prog, const SType& t, const std::string& name, lang::Pos pos,
             Layout* lay, const std::string& cls, lang::Pos at) {
  const bool field = !cls.empty();
  const int loc = static_cast<int>(lay->names.size());
  if (t.kind == SType::Kind::kStruct && t.depth == 0) {
    const lang::StructDef& s = prog.structs[t.struct_id];
    if (!s.defined) refuse(pos, "'struct " + s.tag + "' is not defined");
    // No locations: its address would be the next object's.
    if (s.fields.empty()) refuse(pos, "an empty struct is not modelled under lkmm");
    lay->struct_at.insert({loc, t.struct_id});
    for (const lang::Field& fl : s.fields) {
      if (fl.array_len >= 0)
        refuse(fl.pos, "array fields are not supported under --memory-model lkmm");
      flatten(prog, fl.type->stype, name + "." + fl.name, fl.pos, lay, s.tag + "." + fl.name, at);
    }
    return;
  }
  // A global of a kernel-object type was screened (screen_global); a field is checked here.
  if (t.kind == SType::Kind::kModel && t.depth == 0) {
    if (field && !field_object(t.model)) {
      refuse(pos, "'" + std::string(lang::model_type_name(t.model)) + " " + name +
                      "' is not modelled under --memory-model lkmm inside a struct (only "
                      "atomic_t, spinlock_t, raw_spinlock_t, struct mutex, struct completion, "
                      "struct kref, struct dma_fence, struct dma_fence_cb, wait_queue_head_t, "
                      "struct rw_semaphore, rwlock_t and struct rcu_head are)");
    }
    if (field && t.model == lang::ModelType::kKref) lay->krefs.push_back(loc);
    const bool rw = t.model == lang::ModelType::kRwSemaphore || t.model == lang::ModelType::kRwlock;
    if (field && rw) lay->rw_locs.push_back(loc);  // globals: rw_bounds()
    // lockdep keys a field's lock by its class, shared by every instance of the struct (sc's
    // model/lockdep.cc; the kernel's static key of spin_lock_init/mutex_init); lkmm's lockdep
    // (lkmm_ravel_lockdep.cc) has one class per location: exact only with one instance.
    const bool lock = t.model == lang::ModelType::kSpinlock ||
                      t.model == lang::ModelType::kRawSpinlock ||
                      t.model == lang::ModelType::kMutex || rw;
    if (field && lock && !lay->lock_classes.emplace(cls, loc).second) {
      refuse(at, "a second instance of the lock class '" + cls +
                     "' is not modelled under lkmm (lockdep's classes are sc's)");
    }
  }
  lay->names.push_back(name);
}

}  // namespace

int flat_size(const lang::Program& prog, const SType& t) {
  if (t.kind != SType::Kind::kStruct || t.depth != 0) return 1;
  int n = 0;
  for (const lang::Field& fl : prog.structs[t.struct_id].fields)
    n += flat_size(prog, fl.type->stype);
  return n;
}

int field_offset(const lang::Program& prog, uint32_t id, int field) {
  int off = 0;
  const auto& fields = prog.structs[id].fields;
  for (int i = 0; i < field && i < static_cast<int>(fields.size()); ++i)
    off += flat_size(prog, fields[i].type->stype);
  return off;
}

bool add_object(const lang::Program& prog, const SType& t, const std::string& name, lang::Pos pos,
                Layout* lay, Error* err) {
  try {
    flatten(prog, t, name, pos, lay, "", pos);
  } catch (const lkmm_thread::Refused& r) {
    *err = r.err;
    return false;
  }
  return true;
}

bool add_global(const lang::Program& prog, const lang::VarDecl* d, Layout* lay, Error* err) {
  lay->loc_of_global[d->bind.index] = static_cast<int>(lay->names.size());
  return add_object(prog, d->type->stype, d->name, d->pos, lay, err);
}

// `s.f`, `p->f`, `(*p).f`: the field's address, with the deps of the pointer it was reached
// through. A pointer that designates no struct of its static type is refused.
Val Eval::member_address(const Expr* e, Frame& f) {
  if (e->model_field || e->field < 0)
    refuse(e->pos, "fields of kernel objects ('" + e->text + "') are not modelled under lkmm");
  const Expr* a = e->a;
  while (a->kind == ExprKind::kCast) a = a->a;
  Val base;
  if (e->op == Tok::kArrow) {
    base = eval(a, f);
  } else if (a->kind == ExprKind::kIdent && a->bind.kind == Binding::Kind::kGlobal) {
    base = Val{kAddrBase + global_loc(a), 0};
  } else if (a->kind == ExprKind::kMember) {
    base = member_address(a, f);
  } else if (a->kind == ExprKind::kUnary && a->op == Tok::kStar) {
    base = eval(a->a, f);
  } else {
    refuse(e->pos, "this struct is not a global or reached through a pointer (lkmm)");
  }
  if (base.v == 0) {  // the kernel's oops, as sc's `p->f` with p NULL
    em_.trace.findings.push_back({"null-deref", "BUG: kernel NULL pointer dereference", e->pos});
    throw Stop{};
  }
  const SType& st = e->a->stype;  // a cast's type, if any: the pointer's static type
  const auto loc = static_cast<int>(base.v - kAddrBase);
  if (st.kind != SType::Kind::kStruct || !em_.is_address(base.v) ||
      lay_.struct_at.count({loc, st.struct_id}) == 0) {
    refuse(e->pos, "'" + e->text + "' of a value that is no struct object lkmm laid out");
  }
  return Val{base.v + field_offset(prog_, st.struct_id, e->field), base.deps};
}

// A call through a function pointer (sc's Runtime::call_value): the arguments, then the
// pointer read with its deps, which every later event depends on (the indirect branch is a
// control dependency, as an `if` on the value); NULL is the kernel's oops.
Val Eval::call_pointer(const Expr* e, Frame& f) {
  std::vector<Val> args;
  for (const Expr* a : e->args) args.push_back(eval(a, f));
  Val c = eval(e->a, f);
  em_.branch(c.deps);
  if (c.v == 0) {
    em_.trace.findings.push_back({"null-deref", "BUG: kernel NULL pointer dereference", e->pos});
    throw Stop{};
  }
  const int64_t idx = c.v - kFnBase;
  if (idx < 0 || idx >= static_cast<int64_t>(prog_.functions.size()))
    refuse(e->pos, "a call through a value that is not a function (lkmm)");
  return invoke(prog_.functions[idx], args, e->pos);
}

// container_of(ptr, struct T, f) (include/linux/container_of.h): ptr minus f's offset, with
// ptr's dependencies (pointer arithmetic: the address still depends on the read of ptr). ptr
// must be the field f of a struct T lkmm laid out; anything else (NULL, a list head where
// list_for_each_entry() stops, a model type's list head) is refused.
Val Eval::container_of(const Expr* e, Frame& f) {
  Val p = eval(e->args[0], f);
  const SType& st = e->args[1]->type->stype;
  const int field = e->args[2]->field;
  if (st.kind == SType::Kind::kStruct && st.depth == 0 && field >= 0 && p.v != 0 &&
      em_.is_address(p.v)) {
    const int64_t base = p.v - field_offset(prog_, st.struct_id, field);
    const auto loc = static_cast<int>(base - kAddrBase);
    if (em_.is_address(base) && lay_.struct_at.count({loc, st.struct_id}) > 0)
      return Val{base, p.deps};
  }
  refuse(e->pos, "container_of() of a value that is not the field '" + e->args[2]->text +
                     "' of a struct lkmm laid out is not modelled under lkmm");
}

// A brace initializer of a global (`struct s g = { .a = 1, { 2 } }`, `int x = { 3 }`): each
// item evaluated as a plain initializer and stored into its field's location.
void Eval::brace_init(const lang::Init* in, const SType& t, int loc, Domain* seq) {
  if (in->expr != nullptr) {
    if (flat_size(prog_, t) != 1 || t.kind == SType::Kind::kModel)
      refuse(in->pos, "this initializer is not modelled under lkmm");
    (*seq)[loc] = {value(in->expr).v};
    return;
  }
  if (t.kind != SType::Kind::kStruct || t.depth != 0) {
    if (in->items.size() != 1 || in->items[0].value->expr == nullptr ||
        t.kind == SType::Kind::kModel)
      refuse(in->pos, "this brace initializer is not modelled under lkmm");
    (*seq)[loc] = {value(in->items[0].value->expr).v};
    return;
  }
  const auto& fields = prog_.structs[t.struct_id].fields;
  for (size_t i = 0; i < in->items.size(); ++i) {
    const lang::Init::Item& it = in->items[i];
    const int fi = it.field_index >= 0 ? it.field_index : static_cast<int>(i);
    if (fi >= static_cast<int>(fields.size())) refuse(it.pos, "too many initializers (lkmm)");
    const lang::Field& fl = fields[fi];
    const int at = loc + field_offset(prog_, t.struct_id, fi);
    brace_init(it.value, fl.type->stype, at, seq);
    if (it.value->expr != nullptr) (*seq)[at] = {fl.type->width.wrap((*seq)[at][0])};
  }
}

}  // namespace ravel::litmus::lkmm_ravel
