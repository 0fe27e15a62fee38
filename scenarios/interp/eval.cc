// scenarios/interp/eval.cc: expressions (language.md section 3: C operators and precedence,
// `->`, `.`, `&`, `[]`, calls also through function pointers, casts ignored).
//
// Each read of a shared variable or heap field is one scheduling point (Runtime::read); a
// compound assignment or `++` is a read then a write, as the non-atomic C code it stands for.
// `p->f` with p NULL is the kernel's NULL pointer oops (null-deref, after the access's step).
#include "model/ops.h"
#include "model/race.h"
#include "scenarios/interp/runtime.h"
#include "scenarios/lang/int_arith.h"

namespace ravel::interp {
namespace {

using lang::Binding;
using lang::ExprKind;
using lang::Tok;

int64_t as_int(Runtime& rt, Value v, const Expr* e) {
  switch (v.tag) {
    case Value::Tag::kInt:
      return v.i;
    case Value::Tag::kNull:
      return 0;
    default:
      rt.error("arithmetic on a pointer or function in '" + render(e) + "' is not supported",
               rt.in.loc(e->pos));
  }
}

bool equal(Value a, Value b) {
  if (a.is_null() || b.is_null()) return a.is_null() && b.is_null();
  if (a.tag != b.tag) return false;
  return a.tag == Value::Tag::kRef ? a.ref == b.ref : a.i == b.i;
}

// Integer operators (scenarios/lang/int_arith.h); an undefined one is an error of the scenario.
int64_t arith(Runtime& rt, Tok op, int64_t x, int64_t y, const Expr* e) {
  int64_t v = 0;
  std::string error;
  if (!lang::int_binary(op, x, y, &v, &error)) {
    rt.error(error + " in '" + render(e) + "'", rt.in.loc(e->pos));
  }
  return v;
}

}  // namespace

// The value of an object named or reached: variables are read, other objects are referenced.
Value Runtime::load(const Place& p, Loc loc) {
  if (p.slot != nullptr) return *p.slot;
  if (p.obj->kind == Obj::Kind::kVar) return read(p.obj, loc);
  if (p.obj->kind == Obj::Kind::kField) return read_field(p.obj, loc);
  return Value::of(p.obj);
}

void Runtime::store(const Place& p, Value v, Loc loc) {
  if (p.slot != nullptr) {
    *p.slot = v;
  } else if (p.obj->kind == Obj::Kind::kVar) {
    write(p.obj, v, loc);
  } else if (p.obj->kind == Obj::Kind::kField) {
    write_field(p.obj, v, loc);
  } else {
    error("assignment to an object that is not a variable", loc);
  }
}

Obj* Runtime::member_base(const Expr* e, Frame& f) {
  Value base = eval(e->a, f);
  Loc loc = in.loc(e->pos);
  if (base.is_null()) {
    ctx.yield({.kind = model::op::kRead, .loc = loc});
    model::report_null_deref("read", loc);
  }
  if (model::is_err_value(base.tag == Value::Tag::kInt, base.i)) {  // p->f with p = ERR_PTR(e)
    ctx.yield({.kind = model::op::kRead, .loc = loc});
    model::report_err_ptr_deref("read", base.i, loc);
  }
  if (base.tag != Value::Tag::kRef ||
      (base.ref->kind != Obj::Kind::kInstance && base.ref->kind != Obj::Kind::kPhantom)) {
    error("'" + render(e->a) + "' is not a struct", loc);
  }
  return base.ref;
}

// `pos->member` of a container_of() that stopped at a list head (value.h, kPhantom): the
// member it was made from is the head itself (so `&pos->member == head` ends the loop), NULL
// is the kernel's oops on a poisoned or NULL link, and another field lies outside any object.
Place Runtime::phantom_member(const Expr* e, Obj* base, Loc loc) {
  Value target = base->local;
  if (target.tag != Value::Tag::kRef) {
    ctx.yield({.kind = model::op::kRead, .loc = loc});
    model::report_null_deref("read", loc);
  }
  if (e->field != base->field) {
    error("'" + render(e->a) + "' is container_of() of a list head, not of a struct " +
              in.prog.structs[base->struct_id].tag + ": its field '" + e->text +
              "' is outside any object (the loop ran past the head?)",
          loc);
  }
  return Place{nullptr, target.ref};
}

// One object per text and execution: equal literals are one pointer, as gcc's merging of
// identical string constants (-fmerge-constants) makes them.
Obj* Runtime::string_value(const Expr* e) {
  auto [it, fresh] = strings_.emplace(std::string_view(e->text), nullptr);
  if (fresh) it->second = new_obj(Obj::Kind::kString);
  return it->second;
}

Place Runtime::place(const Expr* e, Frame& f) {
  Loc loc = in.loc(e->pos);
  switch (e->kind) {
    case ExprKind::kIdent:
      switch (e->bind.kind) {
        case Binding::Kind::kLocal:
          return Place{&f.slots[e->bind.index], nullptr};
        case Binding::Kind::kGlobal:
          return Place{nullptr, globals[e->bind.index]};
        case Binding::Kind::kPredefined:
          return Place{nullptr, predefined[e->bind.index]};
        default:
          break;
      }
      break;
    case ExprKind::kMember: {
      if (e->model_field) return model_member(e, f);
      Obj* base = member_base(e, f);
      if (base->kind == Obj::Kind::kPhantom) return phantom_member(e, base, loc);
      if (e->field < 0 || static_cast<uint32_t>(e->field) >= base->count) {
        error("no field '" + e->text + "' here", loc);
      }
      return Place{nullptr, base->elems[e->field]};
    }
    case ExprKind::kIndex: {
      Value a = eval(e->a, f);
      int64_t i = as_int(*this, eval(e->b, f), e->b);
      if (a.tag != Value::Tag::kRef || a.ref->kind != Obj::Kind::kArray) {
        error("'" + render(e->a) + "' is not an array", loc);
      }
      if (i < 0 || static_cast<uint64_t>(i) >= a.ref->count) {
        error("index " + std::to_string(i) + " out of bounds of '" + render(e->a) + "'", loc);
      }
      return Place{nullptr, a.ref->elems[i]};
    }
    case ExprKind::kUnary:
      if (e->op == Tok::kStar) {
        Value p = eval(e->a, f);
        if (p.is_null()) {
          ctx.yield({.kind = model::op::kRead, .loc = loc});
          model::report_null_deref("read", loc);
        }
        if (model::is_err_value(p.tag == Value::Tag::kInt, p.i)) {
          ctx.yield({.kind = model::op::kRead, .loc = loc});
          model::report_err_ptr_deref("read", p.i, loc);
        }
        if (p.tag != Value::Tag::kRef) error("'" + render(e->a) + "' is not a pointer", loc);
        if (p.ref->kind == Obj::Kind::kString) {
          error("'" + render(e->a) + "' is a string: reading its characters is not modelled", loc);
        }
        return Place{nullptr, p.ref};
      }
      break;
    case ExprKind::kCast:
      return place(e->a, f);
    default:
      break;
  }
  error("'" + render(e) + "' is not assignable", loc);
}

Value Runtime::eval(const Expr* e, Frame& f) {
  Loc loc = in.loc(e->pos);
  switch (e->kind) {
    case ExprKind::kInt:
      return Value::integer(e->value);
    case ExprKind::kString:
      return Value::of(string_value(e));
    case ExprKind::kIdent:
      switch (e->bind.kind) {
        case Binding::Kind::kLocal:
          return f.slots[e->bind.index];
        case Binding::Kind::kGlobal:
          return load(Place{nullptr, globals[e->bind.index]}, loc);
        case Binding::Kind::kPredefined:
          return Value::of(predefined[e->bind.index]);
        case Binding::Kind::kFunction:
          return Value::func(e->bind.index);
        case Binding::Kind::kConstant:
          return Value::integer(e->bind.value);
        case Binding::Kind::kNull:
          return Value::null();
        default:
          error("'" + e->text + "' cannot be used as a value", loc);
      }
    case ExprKind::kUnary:
      switch (e->op) {
        case Tok::kAmp: {
          if (e->a->kind == ExprKind::kIdent && e->a->bind.kind == Binding::Kind::kLocal) {
            Value v = f.slots[e->a->bind.index];
            if (v.tag == Value::Tag::kRef && v.ref->kind != Obj::Kind::kVar)
              return v;  // a local object
            error("taking the address of a local variable is not supported", loc);
          }
          if (e->a->kind == ExprKind::kIdent && e->a->bind.kind == Binding::Kind::kFunction) {
            return Value::func(e->a->bind.index);
          }
          return Value::of(place(e->a, f).obj);
        }
        case Tok::kStar:
          return load(place(e, f), loc);
        case Tok::kMinus:
          return Value::integer(
              static_cast<int64_t>(0 - static_cast<uint64_t>(as_int(*this, eval(e->a, f), e))));
        case Tok::kPlus:
          return Value::integer(as_int(*this, eval(e->a, f), e));
        case Tok::kBang:
          return Value::integer(!eval(e->a, f).truthy());
        case Tok::kTilde:
          return Value::integer(~as_int(*this, eval(e->a, f), e));
        case Tok::kPlusPlus:
        case Tok::kMinusMinus: {
          Place p = place(e->a, f);
          Value v = Value::integer(
              e->width.wrap(arith(*this, e->op, as_int(*this, load(p, loc), e), 1, e)));
          store(p, v, loc);
          return v;
        }
        default:
          break;
      }
      break;
    case ExprKind::kPostfix: {
      Place p = place(e->a, f);
      Value old = load(p, loc);
      store(p, Value::integer(e->width.wrap(arith(*this, e->op, as_int(*this, old, e), 1, e))),
            loc);
      return old;
    }
    case ExprKind::kBinary: {
      if (e->op == Tok::kComma) {
        eval(e->a, f);
        return eval(e->b, f);
      }
      if (e->op == Tok::kAndAnd)
        return Value::integer(eval(e->a, f).truthy() && eval(e->b, f).truthy());
      if (e->op == Tok::kOrOr)
        return Value::integer(eval(e->a, f).truthy() || eval(e->b, f).truthy());
      Value a = eval(e->a, f);
      Value b = eval(e->b, f);
      if (e->op == Tok::kEqEq) return Value::integer(equal(a, b));
      if (e->op == Tok::kNe) return Value::integer(!equal(a, b));
      return Value::integer(arith(*this, e->op, as_int(*this, a, e), as_int(*this, b, e), e));
    }
    case ExprKind::kAssign: {
      Place p = place(e->a, f);
      Value v;
      if (e->op == Tok::kAssign) {
        v = eval(e->b, f);
      } else {
        int64_t old = as_int(*this, load(p, loc), e);
        v = Value::integer(arith(*this, e->op, old, as_int(*this, eval(e->b, f), e), e));
      }
      if (v.tag == Value::Tag::kInt) v.i = e->width.wrap(v.i);  // stores wrap to the type
      store(p, v, loc);
      return v;
    }
    case ExprKind::kTernary:
      return eval(e->a, f).truthy() ? eval(e->b, f) : eval(e->c, f);
    case ExprKind::kCall:
      return call_expr(e, f);
    case ExprKind::kIndex:
    case ExprKind::kMember:
      return load(place(e, f), loc);
    case ExprKind::kCast:
      return eval(e->a, f);
    default:
      break;
  }
  error("'" + render(e) + "' cannot be evaluated here", loc);
}

Value Runtime::call_expr(const Expr* e, Frame& f) {
  Loc loc = in.loc(e->pos);
  const Expr* callee = e->a;
  if (callee->bind.kind == Binding::Kind::kIntrinsic) return call_intrinsic(e, f);
  if (callee->bind.kind == Binding::Kind::kBuiltin) {
    const lang::Builtin& b = lang::builtins()[callee->bind.index];
    BuiltinFn fn = builtin_table()[b.id];
    if (fn == nullptr) error("built-in '" + std::string(b.name) + "' is not supported yet", loc);
    if (ts().await_reads != nullptr && !b.in_await) {
      error("'" + std::string(b.name) +
                "' cannot be used inside await(): await waits for shared variables read plainly "
                "or with READ_ONCE, smp_load_acquire, test_bit, rcu_dereference or "
                "rcu_access_pointer (wait for model objects with wait_event, a completion or a "
                "fence wait)",
            loc);
    }
    Call c{*this, e, f, loc, b};
    return fn(c);
  }
  constexpr size_t kInline = 8;
  Value inline_args[kInline];
  size_t n = e->args.size();
  Value* args = n <= kInline
                    ? inline_args
                    : static_cast<Value*>(ctx.arena_alloc(sizeof(Value) * n, alignof(Value)));
  for (size_t i = 0; i < n; ++i) args[i] = eval(e->args[i], f);
  if (callee->bind.kind == Binding::Kind::kFunction) return call(callee->bind.index, args, n, loc);
  return call_value(eval(callee, f), args, n, loc);
}

}  // namespace ravel::interp
