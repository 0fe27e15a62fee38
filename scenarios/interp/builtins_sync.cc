// scenarios/interp/builtins_sync.cc: completions and wait queues (declared in
// scenarios/api/completion.def and wait.def), RCU, xarrays, work items and modules, bound to the
// models (model/completion.h, wait.h, rcu.h, xarray.h, workqueue.h,
// module.h). Callbacks written in the scenario (work functions, RCU callbacks, kref release,
// wait_event conditions) are interpreter closures the models call in whatever task runs them.
#include "model/completion.h"
#include "model/module.h"
#include "model/rcu.h"
#include "model/wait.h"
#include "model/workqueue.h"
#include "model/xarray.h"
#include "scenarios/api/api.h"
#include "scenarios/interp/runtime.h"

namespace ravel::interp {
namespace {

using model::Completion;
using model::Module;
using model::WaitQueueHead;
using model::Work;
using model::Xarray;

Value completion_timeout(Call& c) {
  Completion* x = c.model<Completion>(0);
  return Value::integer(
      model::wait_for_completion_timeout(x, static_cast<long>(c.integer(1)), c.loc));
}

std::function<bool()> cond_of(Call& c, size_t i) {
  Runtime* rt = &c.rt;
  const Expr* e = c.e->args[i];
  Frame* f = &c.f;
  return [rt, e, f] { return rt->eval(e, *f).truthy(); };
}

Value wait_event(Call& c) {
  WaitQueueHead* wq = c.model<WaitQueueHead>(0);
  model::wait_event(wq, cond_of(c, 1), c.loc);
  return Value::integer(0);
}
Value wait_event_timeout(Call& c) {
  WaitQueueHead* wq = c.model<WaitQueueHead>(0);
  long t = static_cast<long>(c.integer(2));
  return Value::integer(model::wait_event_timeout(wq, cond_of(c, 1), t, c.loc));
}

// RCU (language.md section 5; callbacks run after a grace period in softirq context).
Value call_rcu(Call& c) {
  std::function<void()> cb = rcu_head_callback(c, 0, 1);
  model::call_rcu(*static_cast<ObjectId*>(c.object(0)->model), std::move(cb), c.loc);
  return Value::integer(0);
}
Value rcu_deref(Call& c) { return c.rt.decode(model::rcu_dereference(c.read_var(0), c.loc)); }
Value rcu_deref_protected(Call& c) {
  model::SharedVar* v = c.var(0);
  bool cond = c.arg(1).truthy();
  return c.rt.decode(model::rcu_dereference_protected(v, cond, c.loc));
}
// The kernel evaluates the lockdep condition before the read (__rcu_dereference_check).
// A field of a local struct instance (a local LIST_HEAD()) is the task's own cell: a plain
// local access, as READ_ONCE of it (builtins_memory.cc).
Value rcu_deref_check(Call& c) {
  bool cond = c.arg(1).truthy();
  Obj* o = c.cell(0);
  if (Obj* p = Call::private_cell(o)) {
    model::rcu_lockdep_check(cond, c.loc);
    return p->local;
  }
  return c.rt.decode(model::rcu_dereference_check(c.read_var(o, 0), cond, c.loc));
}
Value rcu_deref_raw(Call& c) {
  Obj* o = c.cell(0);
  if (Obj* p = Call::private_cell(o)) return p->local;
  return c.rt.decode(model::rcu_dereference_check(c.read_var(o, 0), true, c.loc));
}
Value rcu_assign(Call& c) {
  Obj* o = c.cell(0);
  if (Obj* p = Call::private_cell(o)) {
    p->local = c.arg(1);
    return Value::integer(0);
  }
  model::SharedVar* v = c.var(o, 0);
  model::rcu_assign_pointer(v, c.rt.encode(c.arg(1)), c.loc);
  return Value::integer(0);
}
Value rcu_replace(Call& c) {
  Obj* o = c.cell(0);
  bool cond = c.arg(2).truthy();
  if (Obj* p = Call::private_cell(o)) {
    Value old = p->local;
    p->local = c.arg(1);
    return old;
  }
  model::SharedVar* v = c.var(o, 0);
  Value old = c.rt.decode(model::rcu_dereference_protected(v, cond, c.loc));
  model::rcu_assign_pointer(v, c.rt.encode(c.arg(1)), c.loc);
  return old;
}
Value rcu_access(Call& c) { return c.rt.decode(model::rcu_access_pointer(c.read_var(0), c.loc)); }

// xarray (include/linux/xarray.h): entries are encoded Values.
template <int64_t (*F)(Xarray*, uint64_t, int64_t, Loc)>
Value xa_store(Call& c) {
  Xarray* xa = c.model<Xarray>(0);
  auto index = static_cast<uint64_t>(c.integer(1));
  int64_t entry = c.rt.encode(c.arg(2));
  if (c.argc() > 3) c.arg(3);  // gfp: accepted and ignored (the model never allocates)
  return c.rt.decode(F(xa, index, entry, c.loc));
}
template <int64_t (*F)(Xarray*, uint64_t, Loc)>
Value xa_index_op(Call& c) {
  Xarray* xa = c.model<Xarray>(0);
  return c.rt.decode(F(xa, static_cast<uint64_t>(c.integer(1)), c.loc));
}

// Work items.
std::function<void(Work*)> work_fn(Runtime* rt, Obj* work, Value fn, Loc loc) {
  return [rt, work, fn, loc](Work*) {
    Value a = Value::of(work);
    rt->call_value(fn, &a, 1, loc);
  };
}
Value init_work(Call& c) {
  Obj* w = c.object(0);
  Value fn = c.arg(1);
  model::INIT_WORK(static_cast<Work*>(w->model), work_fn(&c.rt, w, fn, c.loc), c.loc);
  return Value::integer(0);
}
Value queue_work(Call& c) {
  c.integer(0);  // system_wq / system_unbound_wq: both the model's system workqueue
  Work* w = c.model<Work>(1);
  return Value::integer(model::queue_work(model::system_wq(), w, c.loc));
}

// Factories (scenarios/api/completion.def, wait.def): a completion not done, an empty queue.
void* make_completion(Runtime&, const MakeArgs& a) {
  return model::completion_new(a.name, a.owner);
}
void* make_waitqueue(Runtime&, const MakeArgs& a) { return model::waitqueue_new(a.name, a.owner); }

// Factories (xarray.def, workqueue.def, rcu_head.def, module.def).
void* make_xarray(Runtime&, const MakeArgs& a) { return model::xarray_new(a.name, a.owner); }
// The lock inside an xarray (xa_lock, include/linux/xarray.h), for lockdep's assertions.
model::LockdepMap* xarray_dep_map(void* xa) { return &static_cast<Xarray*>(xa)->xa_lock->dep_map; }
// WORK(fn) binds the handler; set_work_fn reads the work through the object being made.
void* make_work(Runtime& rt, const MakeArgs& a) {
  auto* w = model::work_new(a.name, {}, a.owner);
  a.self->model = w;
  if (const Expr* arg = init_arg(a.init)) rt.set_work_fn(a.self, rt.eval(arg, a.f), a.loc);
  return w;
}
// An rcu_head is the engine object call_rcu's callback is queued on.
void* make_rcu_head(Runtime& rt, const MakeArgs& a) {
  auto* id = rt.ctx.make<ObjectId>(rt.ctx.new_object());
  adopt_object(a.owner, *id);
  return id;
}
void* make_module(Runtime&, const MakeArgs& a) { return model::module_new(a.name); }

}  // namespace

void Runtime::set_work_fn(Obj* work, Value fn, Loc loc) {
  static_cast<Work*>(work->model)->fn = work_fn(this, work, fn, loc);
}

Flow Runtime::exec_xa_for_each(const Stmt* s, Frame& f) {
  Value xv = eval(s->args[0], f);
  Loc loc = in.loc(s->pos);
  if (xv.is_null()) {
    ctx.yield({.kind = model::op::kRead, .loc = loc});
    model::report_null_deref("xa_for_each", loc);
  }
  if (xv.tag != Value::Tag::kRef || xv.ref->mtype != lang::ModelType::kXarray) {
    error("xa_for_each needs a struct xarray", loc);
  }
  Place index = place(s->args[1], f);
  Place entry = place(s->args[2], f);
  Flow out = Flow::kNormal;
  model::xa_for_each(
      static_cast<Xarray*>(xv.ref->model),
      [&](uint64_t i, int64_t e) {
        if (out != Flow::kNormal) return;  // after break/return/goto: skip the remaining entries
        store(index, Value::integer(static_cast<int64_t>(i)), loc);
        store(entry, decode(e), loc);
        Flow fl = s->body != nullptr ? exec(s->body, f) : Flow::kNormal;
        if (fl == Flow::kBreak) out = Flow::kBreak;
        if (fl == Flow::kReturn || fl == Flow::kGoto) out = fl;
      },
      loc);
  return out == Flow::kBreak ? Flow::kNormal : out;
}

void bind_sync_builtins(Bindings& b) {
#include "scenarios/interp/bind_begin.inc"
#include "scenarios/api/completion.def"
#include "scenarios/api/module.def"
#include "scenarios/api/rcu.def"
#include "scenarios/api/rcu_check.def"
#include "scenarios/api/rcu_replace.def"
#include "scenarios/api/rcu_head.def"
#include "scenarios/api/wait.def"
#include "scenarios/api/workqueue.def"
#include "scenarios/api/xarray.def"
#include "scenarios/interp/bind_end.inc"
}

}  // namespace ravel::interp
