// scenarios/interp/intrinsic.cc: the kernel helpers the front end lowers without built-in rows
// (lang::Intrinsic, sema_intrinsic.cc): printing and tracing no-ops, min() and max().
#include "scenarios/interp/runtime.h"

namespace ravel::interp {

Value Runtime::call_intrinsic(const Expr* e, Frame& f) {
  using lang::ExprKind;
  auto which = static_cast<lang::Intrinsic>(e->a->bind.index);
  if (which == lang::Intrinsic::kNoop) {
    // The arguments are evaluated (their reads and side effects happen), the message is not.
    for (const Expr* arg : e->args) {
      if (arg->kind == ExprKind::kString || arg->kind == ExprKind::kTypeArg) continue;
      if (arg->kind == ExprKind::kIdent && arg->bind.kind == lang::Binding::Kind::kNone) continue;
      eval(arg, f);
    }
    return Value::integer(0);
  }
  size_t first = e->args.size() == 3 ? 1 : 0;  // min_t/max_t: the type comes first
  int64_t v[2] = {0, 0};
  for (size_t i = 0; i < 2; ++i) {
    const Expr* arg = e->args[first + i];
    Value x = eval(arg, f);
    if (x.tag != Value::Tag::kInt) {
      error(std::string(which == lang::Intrinsic::kMin ? "min" : "max") +
                "() of a value that is not an integer",
            in.loc(arg->pos));
    }
    v[i] = e->width.wrap(x.i);  // min_t(u8, ...): both converted to the named type first
  }
  bool take_first = which == lang::Intrinsic::kMin ? v[0] <= v[1] : v[0] >= v[1];
  return Value::integer(take_first ? v[0] : v[1]);
}

}  // namespace ravel::interp
