// scenarios/lang/sema_sizeof.cc: `sizeof`, folded to a constant of ravel's size model.
//
// Design note. Scenario objects have no bytes: an allocation is typed (language.md section 2).
// So sizes only have to be consistent, so that the kernel's `kzalloc(sizeof(*p), ...)`,
// `kcalloc(n, sizeof(struct T), ...)` and `memset(p, 0, sizeof(*p))` name the object they mean
// (builtins_memory.cc reads the size back as a count of objects of the destination's type).
// The model is x86-64's LP64 (C11 6.5.3.4, the psABI): `char`/`u8` 1, `short`/`u16` 2,
// `int`/`u32`/enums 4, `long`/`u64`/pointers 8, `bool` 1; a struct lays its fields out in order,
// each at a multiple of its alignment, padded to the largest alignment; an array is its element
// times its length (a flexible array member `t[]` counts 0, as `struct_size()` expects). A model
// object (spinlock_t, struct dma_fence, ...) counts 64 bytes aligned to 8: not the kernel's size
// (which depends on the debug options), but the same in every sizeof of the scenario.
#include "scenarios/lang/sema_impl.h"

namespace ravel::lang {
namespace {

constexpr int64_t kModelObjectSize = 64;

int64_t align_up(int64_t v, int64_t a) { return a <= 1 ? v : (v + a - 1) / a * a; }

Sema::SizeAlign scalar(IntWidth w) {
  if (w.boolean) return {1, 1};
  if (w.bits == 0 || w.bits >= 64) return {8, 8};
  int64_t bytes = w.bits / 8;
  return {bytes, bytes};
}

}  // namespace

Sema::SizeAlign Sema::size_of_stype(const SType& t, IntWidth w, Pos pos) {
  if (t.depth > 0 || t.kind == SType::Kind::kFunction) return {8, 8};
  if (t.kind == SType::Kind::kModel) return {kModelObjectSize, 8};
  if (t.kind != SType::Kind::kStruct) return scalar(w);
  const StructDef& s = prog_.structs[t.struct_id];
  if (!s.defined) {
    error(pos, "sizeof of 'struct " + s.tag + "', which is declared but never defined");
    return {8, 8};
  }
  SizeAlign total{0, 1};
  for (const Field& f : s.fields) {
    SizeAlign fa = size_of_type(f.type, pos);
    int64_t len = f.array_len < 0 ? 1 : f.array_len;  // `t[]` has array_len 0
    total.size = align_up(total.size, fa.align) + fa.size * len;
    total.align = std::max(total.align, fa.align);
  }
  total.size = align_up(total.size, total.align);
  return total;
}

Sema::SizeAlign Sema::size_of_type(TypeRef* t, Pos pos) {
  if (t->pointers > 0 || t->function_pointer) return {8, 8};
  if (t->spelling == "void") {
    error(pos, "sizeof of 'void'");
    return {1, 1};
  }
  if (t->spelling.substr(0, 5) == "enum ") return {4, 4};
  SType st = t->stype;
  if (st.kind == SType::Kind::kUnknown) st = resolve_type(t, true);
  return size_of_stype(st, t->width, pos);
}

void Sema::check_sizeof(Expr* e, SType* out) {
  out->kind = SType::Kind::kInt;
  Expr* arg = e->args.size() == 1 ? e->args[0] : nullptr;
  if (arg == nullptr) {
    error(e->pos, "sizeof takes one type or expression");
    return;
  }
  SizeAlign sa{8, 8};
  if (arg->kind == ExprKind::kTypeArg) {
    // sizeof(typeof(x)): check_call resolved x's type already.
    sa = size_of_type(arg->type, arg->pos);
  } else if (arg->kind == ExprKind::kInt) {
    sa = {4, 4};  // an integer constant is an int (C11 6.4.4.1)
  } else {
    // C puts a variable in scope in its own initializer: `struct T *p = kzalloc(sizeof(*p),
    // GFP_KERNEL);` (the operand is never evaluated, so only its type matters).
    bool deref = arg->kind == ExprKind::kUnary && arg->op == Tok::kStar;
    const Expr* name = deref ? arg->a : arg;
    SType t;
    if (declaring_ != nullptr && name->kind == ExprKind::kIdent && name->text == declaring_->name) {
      t = declaring_->type->stype;
      if (deref && t.depth > 0) --t.depth;
    } else {
      t = check_expr(arg);
    }
    if (t.array) {
      error(arg->pos, "sizeof of an array: write ARRAY_SIZE(a) * sizeof(a[0])");
      return;
    }
    sa = size_of_stype(t, lvalue_width(arg), arg->pos);
  }
  // The operand is not evaluated (C11 6.5.3.4p2): the call becomes its constant.
  e->kind = ExprKind::kInt;
  e->value = sa.size;
  e->args.clear();
}

// The layout of size_of_stype: field `index`'s offset in `s` (C11 6.7.2.1: in declaration
// order, each at a multiple of its alignment).
int64_t Sema::field_offset(const StructDef& s, size_t index, Pos pos) {
  int64_t at = 0;
  for (size_t i = 0; i < s.fields.size(); ++i) {
    SizeAlign fa = size_of_type(s.fields[i].type, pos);
    at = align_up(at, fa.align);
    if (i == index) return at;
    at += fa.size * (s.fields[i].array_len < 0 ? 1 : s.fields[i].array_len);
  }
  return at;
}

// The struct a type argument or a pointer expression names, and its field `name` (index), for
// offsetof and struct_size; -1 after an error.
int Sema::struct_field(const SType& t, const Expr* member, const char* what) {
  if (t.kind == SType::Kind::kModel) {
    error(member->pos, std::string(what) + " in " + std::string(model_type_name(t.model)) +
                           ", a model object without a byte layout, is not modelled");
    return -1;
  }
  if (t.kind != SType::Kind::kStruct || t.depth != 0 || t.array) {
    error(member->pos, std::string(what) + " expects a struct type, got " + type_name(t));
    return -1;
  }
  const StructDef& s = prog_.structs[t.struct_id];
  if (member->kind != ExprKind::kIdent) {
    error(member->pos, std::string(what) + " takes a member name of struct " + s.tag +
                           " (a nested member is not modelled)");
    return -1;
  }
  for (size_t i = 0; i < s.fields.size(); ++i) {
    if (s.fields[i].name == member->text) return static_cast<int>(i);
  }
  error(member->pos, "struct " + s.tag + " has no member '" + member->text + "'");
  return -1;
}

// offsetof(type, member) (include/linux/stddef.h): a constant of the size model's layout.
void Sema::check_offsetof(Expr* e, SType* out) {
  out->kind = SType::Kind::kInt;
  if (e->args.size() != 2 || e->args[0]->kind != ExprKind::kTypeArg) {
    error(e->pos, "offsetof takes a type and a member name: offsetof(struct T, member)");
    return;
  }
  TypeRef* type = e->args[0]->type;
  SType t = type->stype;
  if (t.kind == SType::Kind::kUnknown) t = resolve_type(type, true);
  int field = struct_field(t, e->args[1], "offsetof");
  if (field < 0) return;
  e->kind = ExprKind::kInt;
  e->value = field_offset(prog_.structs[t.struct_id], static_cast<size_t>(field), e->pos);
  e->args.clear();
}

// struct_size(p, member, n) (include/linux/overflow.h): sizeof(*p) + n * sizeof(p->member[0])
// for a trailing array `member`, rewritten to that expression (n is evaluated when it runs).
// The kernel saturates at SIZE_MAX on overflow; scenario counts are far below it.
void Sema::check_struct_size(Expr* e, SType* out) {
  out->kind = SType::Kind::kInt;
  if (e->args.size() != 3) {
    error(e->pos, "struct_size takes a pointer, a trailing array member and a count");
    return;
  }
  Expr* p = e->args[0];
  SType t;
  if (declaring_ != nullptr && p->kind == ExprKind::kIdent && p->text == declaring_->name) {
    t = declaring_->type->stype;  // `struct T *p = kmalloc(struct_size(p, ...), ...)`
  } else {
    t = check_expr(p);
  }
  if (t.depth != 1 || t.array) {
    error(p->pos, "struct_size expects a pointer to a struct, got " + type_name(t));
    return;
  }
  t.depth = 0;
  int field = struct_field(t, e->args[1], "struct_size");
  if (field < 0) return;
  const Field& f = prog_.structs[t.struct_id].fields[static_cast<size_t>(field)];
  if (f.array_len < 0) {
    error(e->args[1]->pos, "struct_size: '" + f.name + "' is not an array member");
    return;
  }
  Expr* n = e->args[2];
  require_scalar(n, check_expr(n));
  auto constant = [&](int64_t v) {
    auto* c = prog_.make<Expr>();
    c->kind = ExprKind::kInt;
    c->pos = e->pos;
    c->value = v;
    c->stype.kind = SType::Kind::kInt;
    return c;
  };
  auto* times = prog_.make<Expr>();
  times->kind = ExprKind::kBinary;
  times->pos = e->pos;
  times->op = Tok::kStar;
  times->a = n;
  times->b = constant(size_of_type(f.type, e->pos).size);
  times->depth = static_cast<uint16_t>(n->depth + 1);
  times->stype.kind = SType::Kind::kInt;
  e->kind = ExprKind::kBinary;
  e->op = Tok::kPlus;
  e->a = constant(size_of_stype(t, IntWidth{}, e->pos).size);
  e->b = times;
  e->depth = static_cast<uint16_t>(times->depth + 1);
  e->args.clear();
}

bool Sema::rewrite_sized_call(Expr* e, const Builtin& b) {
  if (b.name == "memset" || b.name == "kcalloc" || b.name == "krealloc_array") return true;
  if (b.name != "kmalloc" && b.name != "kzalloc") return false;
  return !e->args.empty() && e->args[0]->kind != ExprKind::kTypeArg;
}

// kmalloc(size, gfp), kzalloc(size, gfp), kcalloc(n, size, gfp): the object's type is the
// destination's (`struct T *p = kzalloc(sizeof(*p), GFP_KERNEL)`, `p = kcalloc(n, sizeof(*p),
// GFP_KERNEL)`), as the kernel's code means it. The call is rewritten to the type form
// (`kzalloc(struct T, gfp)`, the type argument holding sizeof(struct T)) with the size
// expressions kept in `b` (and `c`: kcalloc's element size), which the binding evaluates and
// checks against the type when it runs. memset(p, byte, size) records sizeof(*p) in `value`.
SType Sema::check_sized_call(Expr* e, const Builtin& b, bool want_value) {
  if (b.name == "memset") {
    SType t = check_builtin_call(e, b, want_value);
    SType p = e->args.empty() ? SType{} : e->args[0]->stype;
    if (p.kind == SType::Kind::kStruct && p.depth == 1 && !p.array) {
      --p.depth;
      e->value = size_of_stype(p, IntWidth{}, e->pos).size;
    }
    return t;
  }
  SType dest = alloc_dest_;
  alloc_dest_ = SType{};
  // kmalloc/kzalloc keep only the type argument and gfp (the size goes to `b`); kcalloc(n, size,
  // gfp) and krealloc_array(p, n, size, gfp) keep theirs after the type argument.
  const bool array = b.name == "kcalloc" || b.name == "krealloc_array";
  const size_t lo = array ? b.min_args - 1 : 1, hi = array ? b.max_args - 1 : 2;
  std::string name(b.name);
  if (e->args.size() < lo || e->args.size() > hi) {
    error(e->pos, name + " expects " + std::to_string(lo) + " or " + std::to_string(hi) +
                      " arguments, got " + std::to_string(e->args.size()));
    return SType{};
  }
  if (!array) require_scalar(e->args[0], check_expr(e->args[0]));
  // An array's elements may be pointers (`kcalloc(n, sizeof(void *), ...)` into a
  // `struct dma_fence **`); a single object is a struct or a model object.
  if (!dest.known_object_or_ptr() || dest.depth == 0 || (!array && dest.depth != 1) || dest.array) {
    error(e->pos, name +
                      "(size, ...) allocates the type of its destination: assign it to a "
                      "pointer of a known struct type, or name the type (" +
                      name + "(struct T, GFP_KERNEL))");
    return SType{};
  }
  SType elem = dest;
  elem.depth = static_cast<uint8_t>(dest.depth - 1);
  auto* type = prog_.make<TypeRef>();
  type->pos = e->pos;
  type->pointers = elem.depth;
  if (elem.kind == SType::Kind::kStruct) {
    type->struct_tag = prog_.structs[elem.struct_id].tag;
    type->spelling = "struct " + type->struct_tag;
  } else {
    type->spelling = std::string(model_type_name(elem.model));
    if (type->spelling.substr(0, 7) == "struct ") type->struct_tag = type->spelling.substr(7);
  }
  type->stype = elem;
  auto* arg = prog_.make<Expr>();
  arg->kind = ExprKind::kTypeArg;
  arg->pos = e->pos;
  arg->type = type;
  arg->value = size_of_stype(elem, IntWidth{}, e->pos).size;
  if (array) {
    e->args.insert(e->args.begin(), arg);
  } else {
    e->b = e->args[0];
    e->args[0] = arg;
  }
  return check_builtin_call(e, b, want_value);
}

}  // namespace ravel::lang
