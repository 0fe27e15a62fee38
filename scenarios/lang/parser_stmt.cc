// scenarios/lang/parser_stmt.cc: statements (language.md section 3). An error inside a statement
// skips to the end of that statement (';' or the enclosing '}') so the next one is still parsed.
#include "scenarios/lang/parser_impl.h"

namespace ravel::lang {

Stmt* Parser::new_stmt(StmtKind kind, Pos pos) {
  Stmt* s = prog_.make<Stmt>();
  s->kind = kind;
  s->pos = pos;
  return s;
}

Stmt* Parser::parse_block() {
  Nest nest(*this);
  Stmt* block = new_stmt(StmtKind::kBlock, peek().pos);
  if (!expect(Tok::kLBrace, "")) return block;
  while (ok() && !is(Tok::kRBrace)) {
    if (is(Tok::kEof)) {
      error(block->pos, "unterminated block: '{' has no matching '}'");
      return block;
    }
    size_t before = p_;
    Stmt* s = parse_stmt();
    if (s) {
      block->stmts.push_back(s);
    } else {
      sync_stmt(before);
      if (p_ == before && !is(Tok::kRBrace)) next();
    }
  }
  accept(Tok::kRBrace);
  return block;
}

Stmt* Parser::parse_stmt() {
  Nest nest(*this);
  if (!ok()) return nullptr;
  return parse_stmt_inner();
}

Stmt* Parser::parse_stmt_inner() {
  Pos pos = peek().pos;
  switch (peek().kind) {
    case Tok::kLBrace:
      return parse_block();
    case Tok::kSemi:
      next();
      return new_stmt(StmtKind::kEmpty, pos);
    case Tok::kIf:
      return parse_if();
    case Tok::kFor:
      return parse_for();
    case Tok::kWhile: {
      next();
      Stmt* s = new_stmt(StmtKind::kWhile, pos);
      if (!expect(Tok::kLParen, "after 'while'") || !(s->expr = parse_comma_expr()) ||
          !expect(Tok::kRParen, "after the loop condition")) {
        return nullptr;
      }
      s->body = parse_stmt();
      return s->body ? s : nullptr;
    }
    case Tok::kDo: {
      next();
      Stmt* s = new_stmt(StmtKind::kDoWhile, pos);
      s->body = parse_stmt();
      if (!s->body) return nullptr;
      if (!expect(Tok::kWhile, "after the body of 'do'") ||
          !expect(Tok::kLParen, "after 'while'") || !(s->expr = parse_comma_expr()) ||
          !expect(Tok::kRParen, "after the loop condition") ||
          !expect(Tok::kSemi, "after 'do ... while (...)'")) {
        return nullptr;
      }
      return s;
    }
    case Tok::kBreak:
    case Tok::kContinue: {
      bool brk = next().kind == Tok::kBreak;
      if (!expect(Tok::kSemi, brk ? "after 'break'" : "after 'continue'")) return nullptr;
      return new_stmt(brk ? StmtKind::kBreak : StmtKind::kContinue, pos);
    }
    case Tok::kReturn: {
      next();
      Stmt* s = new_stmt(StmtKind::kReturn, pos);
      if (!is(Tok::kSemi) && !(s->expr = parse_comma_expr())) return nullptr;
      return expect(Tok::kSemi, "after the return statement") ? s : nullptr;
    }
    case Tok::kGoto: {
      next();
      if (!is(Tok::kIdent)) {
        error_here("expected a label after 'goto', got " + describe(peek()));
        return nullptr;
      }
      Stmt* s = new_stmt(StmtKind::kGoto, pos);
      s->label = std::string(next().text);
      return expect(Tok::kSemi, "after the goto statement") ? s : nullptr;
    }
    case Tok::kSwitch:
      return parse_switch();
    case Tok::kCase:
    case Tok::kDefault:
      return parse_case();
    case Tok::kHash:
      error_here("stray '#' (a preprocessor directive must start a line)");
      return nullptr;
    default:
      break;
  }
  if (is(Tok::kIdent) && is(Tok::kColon, 1)) {
    Stmt* s = new_stmt(StmtKind::kLabel, pos);
    s->label = std::string(next().text);
    next();
    // A label right before '}' labels an empty statement (C23 allows it; kernel code has it).
    s->body = is(Tok::kRBrace) ? new_stmt(StmtKind::kEmpty, peek().pos) : parse_stmt();
    return s->body ? s : nullptr;
  }
  if (is_word("xa_for_each") && is(Tok::kLParen, 1)) {
    next();
    next();
    Stmt* s = new_stmt(StmtKind::kXaForEach, pos);
    while (ok()) {
      Expr* e = parse_expr();
      if (!e) return nullptr;
      s->args.push_back(e);
      if (!accept(Tok::kComma)) break;
    }
    if (!expect(Tok::kRParen, "after the xa_for_each arguments")) return nullptr;
    s->body = parse_stmt();
    return s->body ? s : nullptr;
  }
  if (is_type_start() && !(is(Tok::kIdent) && is(Tok::kLParen, 1))) return parse_local_decl();
  Stmt* s = new_stmt(StmtKind::kExpr, pos);
  if (!(s->expr = parse_comma_expr())) return nullptr;
  return expect(Tok::kSemi, "after the expression") ? s : nullptr;
}

Stmt* Parser::parse_if() {
  Stmt* s = new_stmt(StmtKind::kIf, next().pos);
  if (!expect(Tok::kLParen, "after 'if'") || !(s->expr = parse_comma_expr()) ||
      !expect(Tok::kRParen, "after the condition")) {
    return nullptr;
  }
  if (!(s->body = parse_stmt())) return nullptr;
  if (accept(Tok::kElse) && !(s->else_body = parse_stmt())) return nullptr;
  return s;
}

Stmt* Parser::parse_for() {
  Stmt* s = new_stmt(StmtKind::kFor, next().pos);
  if (!expect(Tok::kLParen, "after 'for'")) return nullptr;
  if (is_type_start()) {
    if (!(s->init = parse_local_decl())) return nullptr;  // consumes ';'
  } else if (!accept(Tok::kSemi)) {
    s->init = new_stmt(StmtKind::kExpr, peek().pos);
    if (!(s->init->expr = parse_comma_expr()) ||
        !expect(Tok::kSemi, "after the loop initializer")) {
      return nullptr;
    }
  }
  if (!is(Tok::kSemi) && !(s->expr = parse_comma_expr())) return nullptr;
  if (!expect(Tok::kSemi, "after the loop condition")) return nullptr;
  if (!is(Tok::kRParen) && !(s->step = parse_comma_expr())) return nullptr;
  if (!expect(Tok::kRParen, "after the loop step")) return nullptr;
  s->body = parse_stmt();
  return s->body ? s : nullptr;
}

Stmt* Parser::parse_local_decl() {
  Stmt* s = new_stmt(StmtKind::kDecl, peek().pos);
  TypeRef* base = parse_type_base();
  if (!base) return nullptr;
  TypeRef* type = nullptr;
  int64_t len = -1;
  const Token* name = parse_declarator(base, &type, &len);
  if (!name) return nullptr;
  if (is(Tok::kLParen)) {
    error_here("functions cannot be declared inside a body");
    return nullptr;
  }
  if (!parse_var_list(base, name, type, len, s->decls)) return nullptr;
  return s;
}

Stmt* Parser::parse_switch() {
  Stmt* s = new_stmt(StmtKind::kSwitch, next().pos);
  if (!expect(Tok::kLParen, "after 'switch'") || !(s->expr = parse_comma_expr()) ||
      !expect(Tok::kRParen, "after the switch value")) {
    return nullptr;
  }
  if (!is(Tok::kLBrace)) {
    error_here("expected '{' to start the body of the switch, got " + describe(peek()));
    return nullptr;
  }
  s->body = parse_block();
  return s;
}

Stmt* Parser::parse_case() {
  bool is_case = is(Tok::kCase);
  Stmt* s = new_stmt(is_case ? StmtKind::kCase : StmtKind::kDefault, next().pos);
  if (is_case && !(s->expr = parse_ternary())) return nullptr;
  if (!expect(Tok::kColon, is_case ? "after the case value" : "after 'default'")) return nullptr;
  // A label right before '}' labels an empty statement, as for goto labels.
  s->body = is(Tok::kRBrace) ? new_stmt(StmtKind::kEmpty, peek().pos) : parse_stmt();
  return s->body ? s : nullptr;
}

}  // namespace ravel::lang
