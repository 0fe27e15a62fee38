// scenarios/lang/preprocess_if.cc: the integer expressions of #if and #elif (C11 6.10.1):
// defined(), macro expansion, then the C operators on 64-bit integers. As in C, an identifier
// left after expansion counts as 0 (C23's `true` and `false` are 1 and 0).
#include "scenarios/lang/parser.h"
#include "scenarios/lang/preprocess_impl.h"

namespace ravel::lang {
namespace {

class IfEval {
 public:
  IfEval(const std::vector<PToken>& toks, Diagnostics& diags, Pos end)
      : toks_(toks), diags_(diags), end_(end) {}

  bool run(int64_t* v) {
    *v = ternary();
    if (ok_ && i_ < toks_.size())
      fail(toks_[i_].t.pos, "missing binary operator before " + describe(toks_[i_].t));
    return ok_;
  }

 private:
  const Token* peek() const { return i_ < toks_.size() ? &toks_[i_].t : nullptr; }
  bool is(Tok k) const { return peek() != nullptr && peek()->kind == k; }
  Pos here() const { return peek() != nullptr ? peek()->pos : end_; }
  void fail(Pos pos, std::string msg) {
    if (ok_) diags_.error(pos, std::move(msg));
    ok_ = false;
  }

  int64_t ternary() {
    // `a ? b : c ? d : ...` recurses here without passing through unary(): counted as well.
    if (++depth_ > kMaxNesting) {
      fail(here(), "#if expression nested too deeply");
      return 0;
    }
    int64_t v = conditional();
    --depth_;
    return v;
  }

  int64_t conditional() {
    int64_t c = binary(0);
    if (!ok_ || !is(Tok::kQuestion)) return c;
    ++i_;
    int64_t a = ternary();
    if (!is(Tok::kColon)) {
      fail(here(), "expected ':' in the #if expression");
      return 0;
    }
    ++i_;
    int64_t b = ternary();
    return c ? a : b;
  }

  int64_t binary(int min) {
    int64_t a = unary();
    while (ok_ && peek() != nullptr && binary_precedence(peek()->kind) > min) {
      const Token& op = *peek();
      ++i_;
      int64_t b = binary(binary_precedence(op.kind));
      if (!ok_) return 0;
      a = apply(op, a, b);
    }
    return a;
  }

  int64_t apply(const Token& op, int64_t a, int64_t b) {
    // Wrapping arithmetic: the #if of a kernel header never relies on overflow, a fuzzer may.
    uint64_t ua = static_cast<uint64_t>(a), ub = static_cast<uint64_t>(b);
    switch (op.kind) {
      case Tok::kOrOr:
        return a || b;
      case Tok::kAndAnd:
        return a && b;
      case Tok::kPipe:
        return a | b;
      case Tok::kCaret:
        return a ^ b;
      case Tok::kAmp:
        return a & b;
      case Tok::kEqEq:
        return a == b;
      case Tok::kNe:
        return a != b;
      case Tok::kLt:
        return a < b;
      case Tok::kGt:
        return a > b;
      case Tok::kLe:
        return a <= b;
      case Tok::kGe:
        return a >= b;
      case Tok::kShl:
      case Tok::kShr:
        // C11 6.5.7p3: a negative count or one not below the width is undefined; values are
        // 64-bit here, so an error as for division by zero, never a guessed value.
        if (b < 0 || b > 63) {
          fail(op.pos, "shift count " + std::to_string(b) + " out of range 0..63 in #if");
          return 0;
        }
        return op.kind == Tok::kShl ? static_cast<int64_t>(ua << ub) : a >> b;
      case Tok::kPlus:
        return static_cast<int64_t>(ua + ub);
      case Tok::kMinus:
        return static_cast<int64_t>(ua - ub);
      case Tok::kStar:
        return static_cast<int64_t>(ua * ub);
      default:
        break;
    }
    if (b == 0) {
      fail(op.pos, "division by zero in #if");
      return 0;
    }
    if (a == INT64_MIN && b == -1) return op.kind == Tok::kSlash ? a : 0;
    return op.kind == Tok::kSlash ? a / b : a % b;
  }

  int64_t unary() {
    if (++depth_ > kMaxNesting) {
      fail(here(), "#if expression nested too deeply");
      return 0;
    }
    int64_t v = primary();
    --depth_;
    return v;
  }

  int64_t primary() {
    const Token* t = peek();
    if (t == nullptr) {
      fail(end_, "#if expression ends early");
      return 0;
    }
    ++i_;
    switch (t->kind) {
      case Tok::kInt:
      case Tok::kChar:
        return t->value;
      case Tok::kBang:
        return !unary();
      case Tok::kTilde:
        return ~unary();
      case Tok::kMinus:
        return static_cast<int64_t>(0 - static_cast<uint64_t>(unary()));
      case Tok::kPlus:
        return unary();
      case Tok::kLParen: {
        int64_t v = ternary();
        if (!is(Tok::kRParen)) fail(here(), "missing ')' in the #if expression");
        ++i_;
        return v;
      }
      default:
        break;
    }
    char c0 = t->text.empty() ? '\0' : t->text[0];
    if ((c0 >= 'a' && c0 <= 'z') || (c0 >= 'A' && c0 <= 'Z') || c0 == '_') {
      return t->text == "true" ? 1 : 0;  // C: an unknown name is 0 in #if
    }
    fail(t->pos, "token " + describe(*t) + " is not valid in a #if expression");
    return 0;
  }

  const std::vector<PToken>& toks_;
  Diagnostics& diags_;
  Pos end_;
  size_t i_ = 0;
  int depth_ = 0;
  bool ok_ = true;
};

}  // namespace

bool Preprocessor::eval_condition(const std::vector<Token>& line, size_t from, Pos pos,
                                  bool* value) {
  std::vector<PToken> toks;
  for (size_t i = from; i < line.size(); ++i) {
    if (line[i].text != "defined") {
      toks.push_back(PToken{line[i], {}});
      continue;
    }
    // `defined NAME` or `defined(NAME)` is decided before expansion (C11 6.10.1p4).
    bool paren = i + 1 < line.size() && line[i + 1].kind == Tok::kLParen;
    size_t n = i + (paren ? 2 : 1);
    if (n >= line.size() || line[n].kind == Tok::kInt || line[n].kind == Tok::kString ||
        line[n].text.empty() ||
        (paren && (n + 1 >= line.size() || line[n + 1].kind != Tok::kRParen))) {
      error(line[i].pos, "operator \"defined\" requires an identifier");
      return false;
    }
    PToken v{line[i], {}};
    v.t.kind = Tok::kInt;
    v.t.value = find(line[n].text) != nullptr ? 1 : 0;
    toks.push_back(v);
    i = n + (paren ? 1 : 0);
  }
  if (toks.empty()) {
    error(pos, "#" + std::string(line[1].text) + " with no expression");
    return false;
  }
  Pos end = line.back().pos;
  std::vector<PToken> expanded = expand(std::move(toks), 0);
  if (fatal_) return false;
  int64_t v = 0;
  if (!IfEval(expanded, diags_, end).run(&v)) return false;
  *value = v != 0;
  return true;
}

}  // namespace ravel::lang
