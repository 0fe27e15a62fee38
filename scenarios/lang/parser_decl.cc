// scenarios/lang/parser_decl.cc: types, declarators, struct definitions, functions and
// initializers. Type names are the C ones (docs/language.md section 2.2); model typedefs
// (spinlock_t ...) and a few kernel integer typedefs (u32, size_t ...) are recognized without a
// typedef facility.
#include <array>

#include "scenarios/lang/parser_impl.h"

namespace ravel::lang {
namespace {

constexpr std::array<std::string_view, 32> kIntTypedefs = {
    "u8",      "u16",     "u32",     "u64",       "s8",       "s16",      "s32",       "s64",
    "size_t",  "ssize_t", "uint8_t", "uint16_t",  "uint32_t", "uint64_t", "int8_t",    "int16_t",
    "int32_t", "int64_t", "gfp_t",   "uintptr_t", "__u8",     "__u16",    "__u32",     "__u64",
    "__s8",    "__s16",   "__s32",   "__s64",     "ktime_t",  "intptr_t", "ptrdiff_t", "loff_t"};

bool is_typedef_name(std::string_view s) {
  for (std::string_view t : kIntTypedefs) {
    if (t == s) return true;
  }
  return s.size() > 2 && s.substr(s.size() - 2) == "_t" && model_type_by_typedef(s).has_value();
}

bool is_base_keyword(Tok k) {
  return k == Tok::kVoid || k == Tok::kInt_ || k == Tok::kLong || k == Tok::kShort ||
         k == Tok::kChar_ || k == Tok::kBool || k == Tok::kUnsigned || k == Tok::kSigned;
}

bool is_qualifier(Tok k) {
  return k == Tok::kConst || k == Tok::kVolatile || k == Tok::kStatic || k == Tok::kInline;
}

}  // namespace

bool Parser::is_type_start(size_t ahead) const {
  const Token& t = peek(ahead);
  if (is_base_keyword(t.kind) || is_qualifier(t.kind) || t.kind == Tok::kStruct) return true;
  if (t.kind == Tok::kEnum) return is(Tok::kIdent, ahead + 1) && !is(Tok::kLBrace, ahead + 2);
  return t.kind == Tok::kIdent &&
         (is_typedef_name(t.text) || typedefs_.count(std::string(t.text)) != 0);
}

bool Parser::is_type_start_word(const std::string& word) const {
  return is_typedef_name(word) || typedefs_.count(word) != 0;
}

TypeRef* Parser::parse_type_base() {
  TypeRef* type = prog_.make<TypeRef>();
  type->pos = peek().pos;
  while (is_qualifier(peek().kind)) next();
  if (accept(Tok::kStruct)) {
    if (!is(Tok::kIdent)) {
      error_here("expected a struct name, got " + describe(peek()));
      return nullptr;
    }
    type->struct_tag = std::string(next().text);
    type->spelling = "struct " + type->struct_tag;
  } else if (accept(Tok::kEnum)) {
    if (!is(Tok::kIdent)) {
      error_here("expected an enum name, got " + describe(peek()));
      return nullptr;
    }
    type->spelling = "enum " + std::string(next().text);  // an int (types.h int_width_of)
  } else if (is(Tok::kIdent) && is_typedef_name(peek().text)) {
    type->spelling = std::string(next().text);
  } else if (auto it = is(Tok::kIdent) ? typedefs_.find(std::string(peek().text)) : typedefs_.end();
             it != typedefs_.end()) {
    Pos pos = type->pos;
    *type = it->second;  // the aliased type, with the position where the alias is used
    type->pos = pos;
    next();
  } else if (is_base_keyword(peek().kind)) {
    while (is_base_keyword(peek().kind) || is_qualifier(peek().kind)) {
      const Token& t = next();
      if (is_qualifier(t.kind)) continue;
      if (!type->spelling.empty()) type->spelling += " ";
      type->spelling += std::string(t.text);
    }
  } else {
    error_here("expected a type, got " + describe(peek()));
    return nullptr;
  }
  while (is_qualifier(peek().kind)) next();
  return type;
}

TypeRef* Parser::with_pointers(const TypeRef* base, uint8_t extra, Pos pos) {
  TypeRef* t = prog_.make<TypeRef>();
  *t = *base;  // keeps the position of the type name, where type errors point
  (void)pos;
  t->pointers = static_cast<uint8_t>(base->pointers + extra);
  return t;
}

const Token* Parser::parse_declarator(const TypeRef* base, TypeRef** type, int64_t* array_len) {
  Pos pos = peek().pos;
  uint8_t stars = 0;
  while (is(Tok::kStar) || is_qualifier(peek().kind)) {
    if (next().kind == Tok::kStar && stars < 8) ++stars;
  }
  *array_len = -1;
  if (is(Tok::kLParen) && is(Tok::kStar, 1)) {
    // Function pointer: `int (*name)(params)`.
    next();
    next();
    if (!is(Tok::kIdent)) {
      error_here("expected a name in the function pointer declarator, got " + describe(peek()));
      return nullptr;
    }
    const Token* name = &next();
    if (!expect(Tok::kRParen, "after the function pointer name")) return nullptr;
    std::vector<VarDecl*> ignored;
    if (!expect(Tok::kLParen, "before the parameter list") || !parse_params(ignored)) {
      return nullptr;
    }
    *type = with_pointers(base, stars, pos);
    (*type)->function_pointer = true;
    return name;
  }
  if (!is(Tok::kIdent)) {
    error_here("expected a name in the declaration, got " + describe(peek()));
    return nullptr;
  }
  const Token* name = &next();
  *type = with_pointers(base, stars, pos);
  if (accept(Tok::kLBracket)) {
    if (accept(Tok::kRBracket)) {  // `x[] = { ... }`: the initializer gives the length
      *array_len = kUnsizedArray;
      return name;
    }
    if (!is(Tok::kInt)) {
      error_here("expected an array length (an integer), got " + describe(peek()));
      return nullptr;
    }
    const Token& len = next();
    if (len.value <= 0 || len.value > 1'000'000) {
      error(len.pos, "array length must be between 1 and 1000000");
    }
    *array_len = len.value;
    if (!expect(Tok::kRBracket, "after the array length")) return nullptr;
  }
  return name;
}

bool Parser::parse_params(std::vector<VarDecl*>& params) {
  // After '('. `()` and `(void)` declare no parameters.
  if (accept(Tok::kRParen)) return true;
  if (is(Tok::kVoid) && is(Tok::kRParen, 1)) {
    next();
    next();
    return true;
  }
  while (ok()) {
    Nest nest(*this);
    TypeRef* base = parse_type_base();
    if (!base) return false;
    VarDecl* d = prog_.make<VarDecl>();
    d->pos = peek().pos;
    if (is(Tok::kComma) || is(Tok::kRParen) ||
        (is(Tok::kStar) && !is(Tok::kIdent, 1) && !is(Tok::kStar, 1))) {
      // Unnamed parameter (prototypes, function pointer types): `void (*f)(struct fence *)`.
      uint8_t stars = 0;
      while (accept(Tok::kStar)) ++stars;
      d->type = with_pointers(base, stars, d->pos);
    } else {
      const Token* name = parse_declarator(base, &d->type, &d->array_len);
      if (!name) return false;
      if (d->array_len == kUnsizedArray) {  // C11 6.7.6.3p7: a `T x[]` parameter is a `T *x`
        d->type = with_pointers(d->type, 1, d->pos);
        d->array_len = -1;
      }
      d->name = std::string(name->text);
      d->pos = name->pos;
    }
    params.push_back(d);
    if (accept(Tok::kComma)) continue;
    return expect(Tok::kRParen, "after the parameters");
  }
  return false;
}

void Parser::parse_struct_def() {
  StructDef def;
  def.pos = next().pos;  // 'struct'
  def.tag = std::string(next().text);
  if (accept(Tok::kSemi)) {  // forward declaration
    prog_.structs.push_back(std::move(def));
    return;
  }
  next();  // '{'
  def.defined = true;
  while (ok() && !is(Tok::kRBrace) && !is(Tok::kEof)) {
    const size_t start = p_;
    TypeRef* base = parse_type_base();
    while (base && ok()) {
      Field f;
      const Token* name = parse_declarator(base, &f.type, &f.array_len);
      if (!name) {
        base = nullptr;
        break;
      }
      if (f.array_len == kUnsizedArray) {
        error(name->pos, "a flexible array member ('" + std::string(name->text) +
                             "[]') is not supported: give the array a length");
        f.array_len = 1;
      }
      f.name = std::string(name->text);
      f.pos = name->pos;
      def.fields.push_back(std::move(f));
      if (!accept(Tok::kComma)) break;
    }
    if (!base || !expect(Tok::kSemi, "after the field declaration")) sync_stmt();
    // sync_stmt() stops at a token that starts a line: an unknown type name at the start of a
    // field line (`ktime_t timestamp;`) stayed put and was reported again until the error limit.
    // Skip the rest of that field declaration: one error per bad field.
    if (p_ == start) {
      while (!is(Tok::kSemi) && !is(Tok::kRBrace) && !is(Tok::kEof)) next();
      accept(Tok::kSemi);
    }
  }
  expect(Tok::kRBrace, "at the end of the struct definition");
  if (is(Tok::kIdent)) {
    error_here("declare variables of a struct type in a separate declaration");
    sync_top();
  } else {
    expect(Tok::kSemi, "after the struct definition");
  }
  prog_.structs.push_back(std::move(def));
}

void Parser::parse_decl_or_function() {
  TypeRef* base = parse_type_base();
  if (!base) return sync_top();
  TypeRef* type = nullptr;
  int64_t len = -1;
  if (is(Tok::kSemi)) {
    error_here("declaration declares nothing");
    return sync_top();
  }
  const Token* name = parse_declarator(base, &type, &len);
  if (!name) return sync_top();
  if (is(Tok::kLParen) && !type->function_pointer && len < 0) {
    if (!parse_function(type, *name)) sync_top();
    return;
  }
  std::vector<VarDecl*> decls;
  if (!parse_var_list(base, name, type, len, decls)) return sync_top();
  for (VarDecl* d : decls) prog_.globals.push_back(d);
}

bool Parser::parse_var_list(TypeRef* base, const Token* first_name, TypeRef* first_type,
                            int64_t first_len, std::vector<VarDecl*>& out) {
  const Token* name = first_name;
  TypeRef* type = first_type;
  int64_t len = first_len;
  while (ok()) {
    VarDecl* d = prog_.make<VarDecl>();
    d->pos = name->pos;
    d->name = std::string(name->text);
    d->type = type;
    d->array_len = len;
    if (accept(Tok::kAssign)) {
      d->init = parse_init();
      if (!d->init) return false;
    }
    if (len == kUnsizedArray) {  // C11 6.7.9p22: the length is the initializer's item count
      if (d->init == nullptr || d->init->expr != nullptr || d->init->items.empty()) {
        error(name->pos,
              "the array '" + d->name + "[]' needs a brace initializer to give its length");
        d->array_len = 1;
      } else {
        for (const Init::Item& item : d->init->items) {
          if (!item.field.empty())
            error(item.pos, "designators in an array initializer are not supported");
        }
        d->array_len = static_cast<int64_t>(d->init->items.size());
      }
    }
    out.push_back(d);
    if (accept(Tok::kSemi)) return true;
    if (!expect(Tok::kComma, "or ';' after the declaration")) return false;
    name = parse_declarator(base, &type, &len);
    if (!name) return false;
  }
  return false;
}

bool Parser::parse_function(TypeRef* ret, const Token& name) {
  Function fn;
  fn.pos = name.pos;
  fn.name = std::string(name.text);
  fn.ret = ret;
  next();  // '('
  if (!parse_params(fn.params)) return false;
  if (accept(Tok::kSemi)) {  // prototype
    prog_.functions.push_back(std::move(fn));
    return true;
  }
  if (!is(Tok::kLBrace)) {
    error_here("expected '{' or ';' after the function's parameters, got " + describe(peek()));
    return false;
  }
  fn.body.block = parse_block();
  fn.defined = true;
  prog_.functions.push_back(std::move(fn));
  return true;
}

Init* Parser::parse_init() {
  Nest nest(*this);
  Init* init = prog_.make<Init>();
  init->pos = peek().pos;
  if (!accept(Tok::kLBrace)) {
    init->expr = parse_expr();
    return init->expr ? init : nullptr;
  }
  while (ok() && !is(Tok::kRBrace)) {
    Init::Item item;
    item.pos = peek().pos;
    if (accept(Tok::kDot)) {
      if (!is(Tok::kIdent)) {
        error_here("expected a field name after '.', got " + describe(peek()));
        return nullptr;
      }
      item.field = std::string(next().text);
      if (!expect(Tok::kAssign, "after the field name")) return nullptr;
    }
    item.value = parse_init();
    if (!item.value) return nullptr;
    init->items.push_back(std::move(item));
    if (!accept(Tok::kComma)) break;
  }
  if (!expect(Tok::kRBrace, "at the end of the initializer")) return nullptr;
  return init;
}

}  // namespace ravel::lang
