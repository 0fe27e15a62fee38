// scenarios/lang/parser_kernel.cc: the top-level declarations kernel code uses beyond the
// language's own: `typedef` and `enum` (language.md section 2.2).
//
// Design note. A typedef is resolved by the parser: the alias is replaced by the type it names
// where it is used, so the checker and the interpreter never see it (a `typedef struct job
// job_t;` is a `struct job` everywhere). Enumerators are collected in declaration order and
// given their values by the checker (sema_intrinsic.cc), which can fold constant expressions.
#include "scenarios/lang/parser_impl.h"

namespace ravel::lang {

void Parser::parse_typedef() {
  next();  // 'typedef'
  if ((is(Tok::kStruct) || is(Tok::kEnum) || is(Tok::kUnion)) &&
      (is(Tok::kLBrace, 1) || is(Tok::kLBrace, 2))) {
    error_here("a typedef of a " + tok_name(peek().kind) +
               " definition is not supported: define it first, then typedef its name");
    return sync_top();
  }
  TypeRef* base = parse_type_base();
  if (!base) return sync_top();
  TypeRef* type = nullptr;
  int64_t len = -1;
  const Token* name = parse_declarator(base, &type, &len);
  if (!name) return sync_top();
  if (len >= 0 || is(Tok::kLParen)) {
    error(name->pos, "a typedef of an array or function type is not supported");
    return sync_top();
  }
  if (!expect(Tok::kSemi, "after the typedef")) return sync_top();
  std::string alias(name->text);
  if (is_type_start_word(alias)) {
    error(name->pos, "'" + alias + "' is already a type name");
    return;
  }
  typedefs_[alias] = *type;
}

void Parser::parse_enum_def() {
  next();                       // 'enum'
  if (is(Tok::kIdent)) next();  // the tag: enum types are int, the tag names nothing more
  next();                       // '{'
  bool first = true;
  while (ok() && !is(Tok::kRBrace)) {
    if (!is(Tok::kIdent)) {
      error_here("expected an enumerator name, got " + describe(peek()));
      return sync_top();
    }
    Enumerator e;
    e.pos = peek().pos;
    e.name = std::string(next().text);
    e.first = first;
    first = false;
    if (accept(Tok::kAssign) && !(e.expr = parse_ternary())) return sync_top();
    prog_.enumerators.push_back(std::move(e));
    if (!accept(Tok::kComma)) break;
  }
  if (!expect(Tok::kRBrace, "at the end of the enum") ||
      !expect(Tok::kSemi, "after the enum definition")) {
    sync_top();
  }
}

}  // namespace ravel::lang
