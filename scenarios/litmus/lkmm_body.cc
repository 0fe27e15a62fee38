// scenarios/litmus/lkmm_body.cc: a recursive-descent parser of litmus process bodies (see
// lkmm_body.h).
#include "scenarios/litmus/lkmm_body.h"

#include <cctype>
#include <cerrno>
#include <cstdlib>

namespace ravel::litmus::lkmm_body {
namespace {

struct Token {
  enum class Kind : uint8_t { kEnd, kName, kNum, kPunct } kind = Kind::kEnd;
  std::string text;
  int64_t num = 0;
  Pos pos;
};

const char* const kPuncts[] = {"==", "!=", "<=", ">=", "&&", "||", "(", ")", "{", "}", ";",
                               ",",  "=",  "*",  "&",  "!",  "<",  ">", "+", "-", "|", "^"};

class Parser {
 public:
  Parser(const std::string& text, size_t begin, size_t end) : text_(text), i_(begin), end_(end) {
    for (size_t k = 0; k < begin; ++k) {
      if (text[k] == '\n') ++line_, line_start_ = k + 1;
    }
    next();
  }

  bool body(std::vector<std::unique_ptr<Stmt>>* out, Error* err) {
    while (tok_.kind != Token::Kind::kEnd && ok_) out->push_back(stmt());
    if (!ok_) *err = err_;
    return ok_;
  }

 private:
  Pos here() const { return Pos{line_, static_cast<uint32_t>(i_ - line_start_ + 1), 0, 0}; }

  void skip_space() {
    while (i_ < end_) {
      char c = text_[i_];
      if (c == '\n') {
        ++line_, line_start_ = ++i_;
      } else if (std::isspace(static_cast<unsigned char>(c))) {
        ++i_;
      } else if (text_.compare(i_, 2, "//") == 0) {
        while (i_ < end_ && text_[i_] != '\n') ++i_;
      } else if (text_.compare(i_, 2, "/*") == 0) {
        size_t stop = text_.find("*/", i_ + 2);
        stop = stop == std::string::npos || stop + 2 > end_ ? end_ : stop + 2;
        while (i_ < stop) {
          if (text_[i_] == '\n') line_start_ = i_ + 1, ++line_;
          ++i_;
        }
      } else {
        return;
      }
    }
  }

  void next() {
    skip_space();
    tok_ = Token{};
    tok_.pos = here();
    if (i_ >= end_) return;
    char c = text_[i_];
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t s = i_;
      while (i_ < end_ && (std::isalnum(static_cast<unsigned char>(text_[i_])) || text_[i_] == '_'))
        ++i_;
      tok_.kind = Token::Kind::kName, tok_.text = text_.substr(s, i_ - s);
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      size_t s = i_;
      while (i_ < end_ && std::isalnum(static_cast<unsigned char>(text_[i_]))) ++i_;
      tok_.kind = Token::Kind::kNum, tok_.text = text_.substr(s, i_ - s);
      errno = 0;
      char* stop = nullptr;
      tok_.num = std::strtoll(tok_.text.c_str(), &stop, 0);
      if (errno != 0 || *stop != '\0') fail(tok_.pos, "invalid integer '" + tok_.text + "'");
    } else {
      for (const char* p : kPuncts) {
        if (text_.compare(i_, std::char_traits<char>::length(p), p) == 0) {
          tok_.kind = Token::Kind::kPunct, tok_.text = p;
          i_ += tok_.text.size();
          return;
        }
      }
      fail(tok_.pos, std::string("unexpected character '") + c + "' (not supported under lkmm)");
      i_ = end_;
    }
  }

  void fail(Pos pos, const std::string& msg) {
    if (ok_) err_ = Error{pos, msg};
    ok_ = false;
    tok_.kind = Token::Kind::kEnd;
  }
  bool is(const char* s) const { return tok_.kind != Token::Kind::kEnd && tok_.text == s; }
  void expect(const char* s) {
    if (is(s)) return next();
    fail(tok_.pos, std::string("expected '") + s + "'" +
                       (tok_.kind == Token::Kind::kEnd ? "" : " before '" + tok_.text + "'"));
  }
  static bool is_type(const std::string& s) {
    return s == "int" || s == "long" || s == "unsigned" || s == "atomic_t" || s == "u32" ||
           s == "u64" || s == "spinlock_t";
  }

  std::unique_ptr<Stmt> make(Stmt::Kind k, Pos pos) {
    auto s = std::make_unique<Stmt>();
    s->kind = k, s->pos = pos;
    return s;
  }

  // Nesting (blocks, ifs, parentheses, unary operators) is bounded: a body nested deeper is
  // refused rather than overflowing the stack.
  static constexpr int kMaxDepth = 200;
  struct Deeper {
    explicit Deeper(Parser* p) : p_(p) {
      if (++p_->depth_ > kMaxDepth) p_->fail(p_->tok_.pos, "nested too deeply (lkmm)");
    }
    ~Deeper() { --p_->depth_; }
    Parser* p_;
  };

  std::unique_ptr<Stmt> stmt() {
    Deeper guard(this);
    Pos pos = tok_.pos;
    if (is("{")) {
      next();
      auto s = make(Stmt::Kind::kBlock, pos);
      while (!is("}") && ok_ && tok_.kind != Token::Kind::kEnd) s->body.push_back(stmt());
      expect("}");
      return s;
    }
    if (is("if")) return if_stmt();
    if (tok_.kind == Token::Kind::kName && is_type(tok_.text)) return decl();
    if (is("while") || is("for") || is("do") || is("return") || is("goto") || is("switch")) {
      fail(pos, "'" + tok_.text + "' is not supported under --memory-model lkmm");
      return make(Stmt::Kind::kBlock, pos);
    }
    if (is("(")) {  // `(void)call(...);`
      next();
      if (!is("void")) fail(tok_.pos, "only a '(void)' cast is supported under lkmm");
      next();
      expect(")");
    }
    auto e = expr();
    if (is("=")) {
      next();
      auto s = make(Stmt::Kind::kAssign, pos);
      if (e->kind != Expr::Kind::kName && e->kind != Expr::Kind::kDeref)
        fail(e->pos, "cannot assign to this expression");
      s->lhs = std::move(e);
      s->value = expr();
      expect(";");
      return s;
    }
    auto s = make(Stmt::Kind::kExpr, pos);
    s->value = std::move(e);
    expect(";");
    return s;
  }

  std::unique_ptr<Stmt> if_stmt() {
    auto s = make(Stmt::Kind::kIf, tok_.pos);
    next();
    expect("(");
    s->value = expr();
    expect(")");
    s->body.push_back(stmt());
    if (is("else")) {
      next();
      s->body.push_back(stmt());
    }
    return s;
  }

  // `int r0;`, `int *r0 = e;`, `int r1, r2;` (one kDecl each, in a block).
  std::unique_ptr<Stmt> decl() {
    auto block = make(Stmt::Kind::kBlock, tok_.pos);
    while (tok_.kind == Token::Kind::kName && is_type(tok_.text)) next();
    for (;;) {
      while (is("*")) next();
      auto s = make(Stmt::Kind::kDecl, tok_.pos);
      if (tok_.kind != Token::Kind::kName) {
        fail(tok_.pos, "expected a register name");
        return block;
      }
      s->name = tok_.text;
      next();
      if (is("=")) {
        next();
        s->value = expr();
      }
      block->body.push_back(std::move(s));
      if (!is(",")) break;
      next();
    }
    expect(";");
    return block;
  }

  // Binary operators by precedence, loosest first.
  static int prec(const std::string& op) {
    if (op == "||") return 1;
    if (op == "&&") return 2;
    if (op == "|") return 3;
    if (op == "^") return 4;
    if (op == "&") return 5;
    if (op == "==" || op == "!=") return 6;
    if (op == "<" || op == "<=" || op == ">" || op == ">=") return 7;
    if (op == "+" || op == "-") return 8;
    if (op == "*") return 9;
    return 0;
  }

  std::unique_ptr<Expr> expr(int min = 1) {
    auto lhs = unary();
    while (tok_.kind == Token::Kind::kPunct && prec(tok_.text) >= min && ok_) {
      auto e = std::make_unique<Expr>();
      e->kind = Expr::Kind::kBinary, e->pos = tok_.pos, e->name = tok_.text;
      int p = prec(tok_.text);
      next();
      e->args.push_back(std::move(lhs));
      e->args.push_back(expr(p + 1));
      lhs = std::move(e);
    }
    return lhs;
  }

  std::unique_ptr<Expr> unary() {
    Deeper guard(this);
    auto e = std::make_unique<Expr>();
    e->pos = tok_.pos;
    if (is("*") || is("!") || is("-") || is("&")) {
      std::string op = tok_.text;
      next();
      e->kind = op == "*"   ? Expr::Kind::kDeref
                : op == "&" ? Expr::Kind::kAddrOf
                            : Expr::Kind::kUnary;
      e->name = op;
      e->args.push_back(unary());
      if (e->kind == Expr::Kind::kAddrOf && e->args[0]->kind != Expr::Kind::kName)
        fail(e->pos, "'&' applies only to a shared location's name under lkmm");
      return e;
    }
    if (is("(")) {
      next();
      auto inner = expr();
      expect(")");
      return inner;
    }
    if (tok_.kind == Token::Kind::kNum) {
      e->kind = Expr::Kind::kNum, e->num = tok_.num;
      next();
      return e;
    }
    if (tok_.kind != Token::Kind::kName) {
      fail(tok_.pos, tok_.kind == Token::Kind::kEnd ? "unexpected end of the body"
                                                    : "unexpected '" + tok_.text + "'");
      e->kind = Expr::Kind::kNum;
      return e;
    }
    e->name = tok_.text;
    next();
    e->kind = Expr::Kind::kName;
    if (!is("(")) return e;
    e->kind = Expr::Kind::kCall;
    next();
    while (!is(")") && ok_) {
      e->args.push_back(expr());
      if (!is(",")) break;
      next();
    }
    expect(")");
    return e;
  }

  const std::string& text_;
  size_t i_, end_;
  uint32_t line_ = 1;
  size_t line_start_ = 0;
  Token tok_;
  bool ok_ = true;
  int depth_ = 0;
  Error err_;
};

}  // namespace

bool parse_body(const std::string& text, const Process& p, std::vector<std::unique_ptr<Stmt>>* out,
                Error* err) {
  Parser parser(text, p.open + 1, p.close);
  return parser.body(out, err);
}

}  // namespace ravel::litmus::lkmm_body
