// scenarios/lang/parser_expr.cc: expressions with C precedence (C11 6.5), by precedence
// climbing for binary operators; the comma operator where a full expression stands; casts are
// parsed and later ignored.
#include <algorithm>

#include "scenarios/lang/parser_impl.h"

namespace ravel::lang {
namespace {

bool is_assign_op(Tok k) {
  switch (k) {
    case Tok::kAssign:
    case Tok::kPlusEq:
    case Tok::kMinusEq:
    case Tok::kStarEq:
    case Tok::kSlashEq:
    case Tok::kPercentEq:
    case Tok::kAmpEq:
    case Tok::kPipeEq:
    case Tok::kCaretEq:
    case Tok::kShlEq:
    case Tok::kShrEq:
      return true;
    default:
      return false;
  }
}

}  // namespace

Expr* Parser::new_expr(ExprKind kind, Pos pos, Expr* a, Expr* b, Expr* c) {
  Expr* e = prog_.make<Expr>();
  e->kind = kind;
  e->pos = pos;
  e->a = a;
  e->b = b;
  e->c = c;
  int h = 0;
  for (Expr* k : {a, b, c}) {
    if (k) h = std::max<int>(h, k->depth);
  }
  e->depth = static_cast<uint16_t>(std::min(h + 1, kMaxExprHeight + 1));
  if (e->depth > kMaxExprHeight && !fatal_) {
    error(pos,
          "expression too complex (deeper than " + std::to_string(kMaxExprHeight) + " levels)");
    fatal_ = true;
  }
  return e;
}

Expr* Parser::parse_comma_expr() {
  // C's comma operator, where a full expression stands (statements, for clauses, parentheses);
  // a call argument or an initializer is one assignment expression, as in C.
  Expr* e = parse_expr();
  while (e && is(Tok::kComma)) {
    Pos pos = next().pos;
    Expr* rhs = parse_expr();
    if (!rhs) return nullptr;
    e = new_expr(ExprKind::kBinary, pos, e, rhs);
    e->op = Tok::kComma;
  }
  return e;
}

Expr* Parser::parse_expr() {
  Nest nest(*this);
  Expr* lhs = parse_ternary();
  if (!lhs || !is_assign_op(peek().kind)) return lhs;
  const Token& op = next();
  Expr* rhs = parse_expr();  // right associative
  if (!rhs) return nullptr;
  Expr* e = new_expr(ExprKind::kAssign, op.pos, lhs, rhs);
  e->op = op.kind;
  return e;
}

Expr* Parser::parse_ternary() {
  Expr* cond = parse_binary(1);
  if (!cond || !is(Tok::kQuestion)) return cond;
  Pos pos = next().pos;
  Expr* then = parse_expr();
  if (!then || !expect(Tok::kColon, "in the conditional expression")) return nullptr;
  Nest nest(*this);
  Expr* other = parse_ternary();
  if (!other) return nullptr;
  return new_expr(ExprKind::kTernary, pos, cond, then, other);
}

Expr* Parser::parse_binary(int min_prec) {
  Expr* lhs = parse_unary();
  while (lhs && ok()) {
    Tok op = peek().kind;
    int prec = binary_precedence(op);
    if (prec == 0 || prec < min_prec) break;
    Pos pos = next().pos;
    Expr* rhs = parse_binary(prec + 1);
    if (!rhs) return nullptr;
    lhs = new_expr(ExprKind::kBinary, pos, lhs, rhs);
    lhs->op = op;
  }
  return lhs;
}

Expr* Parser::parse_unary() {
  Nest nest(*this);
  Pos pos = peek().pos;
  switch (peek().kind) {
    case Tok::kMinus:
    case Tok::kPlus:
    case Tok::kBang:
    case Tok::kTilde:
    case Tok::kStar:
    case Tok::kAmp:
    case Tok::kPlusPlus:
    case Tok::kMinusMinus: {
      Tok op = next().kind;
      Expr* a = parse_unary();
      if (!a) return nullptr;
      Expr* e = new_expr(ExprKind::kUnary, pos, a);
      e->op = op;
      return e;
    }
    case Tok::kSizeof: {
      // `sizeof(type)`, `sizeof(expr)`, `sizeof expr`: a call of the intrinsic "sizeof", which
      // the checker folds to a constant of the size model (Sema::check_sizeof).
      next();
      Expr* callee = new_expr(ExprKind::kIdent, pos);
      callee->text = "sizeof";
      Expr* arg = nullptr;
      if (is(Tok::kLParen) && is_type_start(1)) {
        next();
        arg = parse_call_arg();
        if (!arg || !expect(Tok::kRParen, "after the type of sizeof")) return nullptr;
      } else {
        arg = parse_unary();
        if (!arg) return nullptr;
      }
      Expr* call = new_expr(ExprKind::kCall, pos, callee);
      call->args.push_back(arg);
      call->depth = static_cast<uint16_t>(std::min(arg->depth + 1, kMaxExprHeight + 1));
      return call;
    }
    case Tok::kLParen:
      if (is_type_start(1)) {
        next();
        TypeRef* base = parse_type_base();
        if (!base) return nullptr;
        uint8_t stars = 0;
        while (accept(Tok::kStar)) ++stars;
        if (!expect(Tok::kRParen, "after the type of the cast")) return nullptr;
        Expr* a = parse_unary();
        if (!a) return nullptr;
        Expr* e = new_expr(ExprKind::kCast, pos, a);
        e->type = with_pointers(base, stars, base->pos);
        return e;
      }
      break;
    default:
      break;
  }
  Expr* p = parse_primary();
  return p ? parse_postfix(p) : nullptr;
}

Expr* Parser::parse_postfix(Expr* e) {
  while (e && ok()) {
    Pos pos = peek().pos;
    if (accept(Tok::kLParen)) {
      Expr* call = new_expr(ExprKind::kCall, pos, e);
      call->pos = e->pos;
      int h = e->depth;
      if (!accept(Tok::kRParen)) {
        while (ok()) {
          Expr* arg = parse_call_arg();
          if (!arg) return nullptr;
          h = std::max<int>(h, arg->depth);
          call->args.push_back(arg);
          if (accept(Tok::kComma)) continue;
          if (!expect(Tok::kRParen, "after the call arguments")) return nullptr;
          break;
        }
      }
      call->depth = static_cast<uint16_t>(std::min(h + 1, kMaxExprHeight + 1));
      e = call;
    } else if (accept(Tok::kLBracket)) {
      Expr* index = parse_expr();
      if (!index || !expect(Tok::kRBracket, "after the array index")) return nullptr;
      e = new_expr(ExprKind::kIndex, pos, e, index);
    } else if (is(Tok::kDot) || is(Tok::kArrow)) {
      Tok op = next().kind;
      if (!is(Tok::kIdent)) {
        error_here("expected a field name after " + tok_name(op) + ", got " + describe(peek()));
        return nullptr;
      }
      e = new_expr(ExprKind::kMember, pos, e);
      e->op = op;
      e->text = std::string(next().text);
    } else if (is(Tok::kPlusPlus) || is(Tok::kMinusMinus)) {
      Tok op = next().kind;
      e = new_expr(ExprKind::kPostfix, pos, e);
      e->op = op;
    } else {
      break;
    }
  }
  return e;
}

Expr* Parser::parse_call_arg() {
  Nest nest(*this);
  if ((is_word("typeof") || is_word("__typeof__")) && is(Tok::kLParen, 1)) {
    // `container_of(w, typeof(*job), work)`: the checker knows the expression's type
    // (Sema::resolve_typeof); its value is never computed, as in C.
    Pos pos = next().pos;
    next();
    Expr* inner = parse_expr();
    if (!inner || !expect(Tok::kRParen, "after the typeof expression")) return nullptr;
    Expr* e = new_expr(ExprKind::kTypeArg, pos, inner);
    e->type = prog_.make<TypeRef>();
    e->type->pos = pos;
    e->type->spelling = "typeof";
    return e;
  }
  if (!is_type_start()) return parse_expr();
  Pos pos = peek().pos;
  TypeRef* base = parse_type_base();
  if (!base) return nullptr;
  uint8_t stars = 0;
  while (accept(Tok::kStar)) ++stars;
  Expr* e = new_expr(ExprKind::kTypeArg, pos);
  e->type = with_pointers(base, stars, pos);
  return e;
}

Expr* Parser::parse_primary() {
  const Token& t = peek();
  switch (t.kind) {
    case Tok::kInt:
    case Tok::kChar: {
      next();
      Expr* e = new_expr(ExprKind::kInt, t.pos);
      e->value = t.value;
      return e;
    }
    case Tok::kString: {
      Expr* e = new_expr(ExprKind::kString, t.pos);
      while (is(Tok::kString)) e->text += next().str;
      return e;
    }
    case Tok::kIdent: {
      next();
      Expr* e = new_expr(ExprKind::kIdent, t.pos);
      e->text = std::string(t.text);
      return e;
    }
    case Tok::kLParen: {
      next();
      Expr* e = parse_comma_expr();
      if (!e || !expect(Tok::kRParen, "to close '('")) return nullptr;
      return e;
    }
    default:
      error_here("expected an expression, got " + describe(t));
      return nullptr;
  }
}

}  // namespace ravel::lang
