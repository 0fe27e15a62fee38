// scenarios/interp/builtins_lang.cc: the bindings of scenarios/api/{lang,err,timing}.def: the
// language's own statements (language.md section 3: assert, BUG_ON, WARN_ON, WARN, assume, await,
// choose), the initializers, error pointers (include/linux/err.h) and the sleeping points. The
// context queries (in_irq ...) are declared in scenarios/api/cpu.def.
//
// await(e): e is evaluated with its reads as real scheduling points (marked reads: an await
// stands for a READ_ONCE busy-wait loop, so it never races itself). If false, the task blocks
// on a gate that opens when a variable it read no longer holds the value it read, then
// re-evaluates. Why dpor stays sound (checker/api.h enabledness contract): the blocking
// operation names the objects of every variable read (a heap field's object is its instance:
// Operation::object and extra_reads, at most 1 + kMaxExtraReads objects, more is a model
// error); the gate can only open through a write of one of those variables, i.e. a kWrite of
// one of those objects, which dpor sees as dependent with the blocked operation.
#include "model/atomic.h"
#include "model/core/wait.h"
#include "model/might_sleep.h"
#include "scenarios/interp/runtime.h"

namespace ravel::interp {
namespace {

// The condition of a blocked await (model/core/wait.h): a variable it read no longer holds the
// value it read. It declares the first variable's object; the others are the operation's extra
// reads (no variable: nothing can change it, the await hangs).
struct Changed {
  static constexpr Gate::Kind kKind = Gate::Kind::kEvent;
  const std::vector<model::SharedVar*>* vars;
  const std::vector<int64_t>* seen;
  std::string what;
  bool holds(TaskId) const {
    for (size_t i = 0; i < vars->size(); ++i) {
      if ((*vars)[i]->value != (*seen)[i]) return true;
    }
    return false;
  }
  ObjectId object() const { return vars->empty() ? kNoObject : vars->front()->dep_object(); }
  std::string describe(TaskId) const { return what; }
};

void report(Call& c, Violation::Kind kind, std::string message) {
  Violation v;
  v.kind = kind;
  v.message = std::move(message);
  v.loc = c.loc;
  c.rt.ctx.report(std::move(v));
}

Value assert_(Call& c) {
  bool bug_on = c.b.name == "BUG_ON";
  bool cond = c.arg(0).truthy();
  if (bug_on ? cond : !cond) {
    report(c, Violation::Kind::kAssertion,
           bug_on ? "kernel BUG: BUG_ON(" + render(c.e->args[0]) + ")"
                  : "assertion failed: " + render(c.e->args[0]));
  }
  return Value::integer(0);
}

Value warn(Call& c) {
  bool cond = c.arg(0).truthy();
  if (cond) {
    std::string msg =
        c.argc() > 1 ? c.e->args[1]->text : "WARNING: WARN_ON(" + render(c.e->args[0]) + ")";
    report(c, Violation::Kind::kWarn, msg);
  }
  return Value::integer(cond);
}

Value assume(Call& c) {
  if (!c.arg(0).truthy()) {
    // Discard the execution: it ends here without a verdict and is not counted
    // (ExploreResult::discarded); Session::discarded() still counts them per session.
    ++c.rt.in.discarded;
    c.rt.ctx.discard();
  }
  return Value::integer(0);
}

Value await(Call& c) {
  AwaitReads reads;
  TaskState& t = c.rt.ts();
  for (uint32_t round = 0;; ++round) {
    if (round > c.rt.in.opt.loop_bound) {
      c.rt.error("loop bound exceeded: await re-evaluated more than " +
                     std::to_string(c.rt.in.opt.loop_bound) + " times",
                 c.loc);
    }
    reads.clear();
    t.await_reads = &reads;
    bool ok = c.rt.eval(c.e->args[0], c.f).truthy();
    reads.settle();
    t.await_reads = nullptr;
    if (ok) return Value::integer(0);
    const model::WaitOn<Changed> gate(
        Changed{&reads.vars, &reads.seen, "await(" + render(c.e->args[0]) + ")"});
    Operation op{.kind = model::op::kAwaitCheck,
                 .access = reads.vars.empty() ? Access::kNone : Access::kRead,
                 .object = gate.object(),
                 .loc = c.loc};
    for (model::SharedVar* v : reads.vars) {
      if (!op.add_read(v->dep_object())) {
        c.rt.error("await(" + render(c.e->args[0]) + ") reads more than " +
                       std::to_string(kMaxExtraReads + 1) + " objects",
                   c.loc);
      }
    }
    model::yield_at(c.rt.ctx, op, &gate);
  }
}

Value choose(Call& c) {
  int64_t n = c.integer(0);
  if (n < 1 || n > 1000000) {
    c.rt.error("choose(n) needs 1 <= n <= 1000000, got " + std::to_string(n), c.loc);
  }
  return Value::integer(c.rt.ctx.choose(static_cast<uint32_t>(n)));
}

bool is_err(Value v) { return v.tag == Value::Tag::kInt && v.i < 0 && v.i >= -4095; }

Value is_err_(Call& c) { return Value::integer(is_err(c.arg(0))); }
Value is_err_or_null(Call& c) {
  Value v = c.arg(0);
  return Value::integer(v.is_null() || is_err(v));
}
Value ptr_err(Call& c) {
  Value v = c.arg(0);
  return Value::integer(v.tag == Value::Tag::kInt ? v.i : 0);
}
Value err_ptr(Call& c) { return Value::integer(c.integer(0)); }

Value sleep_point(Call& c) {
  if (c.argc() > 0) c.arg(0);
  model::might_sleep(c.loc);
  c.rt.ctx.yield({.kind = static_cast<OpKind>(c.b.op), .loc = c.loc});
  return Value::integer(0);
}

Value schedule_point(Call& c) {
  model::schedule_debug(c.loc);
  c.rt.ctx.yield({.kind = static_cast<OpKind>(c.b.op), .loc = c.loc});
  return Value::integer(0);
}

Value secs_to_jiffies_fn(Call& c) { return Value::integer(c.integer(0) * 1000); }

// Initializers (ATOMIC_INIT(0), WORK(fn)): their value is what declarations use (objects.cc);
// sema allows them only there.
Value init_value(Call& c) { return c.arg(0); }

}  // namespace

void bind_lang_builtins(Bindings& b) {
#include "scenarios/interp/bind_begin.inc"
#include "scenarios/api/err.def"
#include "scenarios/api/lang.def"
#include "scenarios/api/timing.def"
#include "scenarios/interp/bind_end.inc"
}

}  // namespace ravel::interp
