// scenarios/interp/builtins_srcu.cc: sleepable RCU (declared in scenarios/api/srcu.def), bound
// to the model (model/srcu.h). call_srcu's callback is an interpreter closure the callback task
// runs, as call_rcu's (runtime.h rcu_head_callback).
#include "model/srcu.h"
#include "scenarios/api/api.h"
#include "scenarios/interp/runtime.h"

namespace ravel::interp {
namespace {

using model::SrcuStruct;

Value srcu_unlock(Call& c) {
  model::srcu_read_unlock(c.model<SrcuStruct>(0), c.integer(1), c.loc);
  return Value::integer(0);
}
Value srcu_up(Call& c) {
  model::srcu_up_read(c.model<SrcuStruct>(0), c.integer(1), c.loc);
  return Value::integer(0);
}
Value call_srcu(Call& c) {
  SrcuStruct* s = c.model<SrcuStruct>(0);
  std::function<void()> cb = rcu_head_callback(c, 1, 2);
  model::call_srcu(s, *static_cast<ObjectId*>(c.object(1)->model), std::move(cb), c.loc);
  return Value::integer(0);
}
// srcu_dereference_check(p, ssp, c): the kernel evaluates the condition before the read.
Value srcu_deref_check(Call& c) {
  bool cond = c.argc() > 2 && c.arg(2).truthy();
  model::SharedVar* v = c.read_var(0);
  return c.rt.decode(model::srcu_dereference_check(v, c.model<SrcuStruct>(1), cond, c.loc));
}
Value srcu_held(Call& c) {
  return Value::integer(model::srcu_read_lock_held(c.model<SrcuStruct>(0)) ? 1 : 0);
}

// DEFINE_SRCU / DEFINE_STATIC_SRCU or a plain declaration: an initialized struct. Inside a heap
// instance its objects belong to the instance's slab (an operation after kfree is a uaf).
void* make_srcu(Runtime&, const MakeArgs& a) {
  SrcuStruct* s = model::srcu_struct_new(a.name);
  adopt_object(a.owner, s->gp.obj);
  adopt_object(a.owner, s->gp.entry);
  return s;
}

}  // namespace

void bind_srcu_builtins(Bindings& b) {
  // The order is the point: bind_begin.inc redefines the forms srcu.def uses.
  // clang-format off
#include "scenarios/interp/bind_begin.inc"
#include "scenarios/api/srcu.def"
#include "scenarios/interp/bind_end.inc"
  // clang-format on
}

}  // namespace ravel::interp
