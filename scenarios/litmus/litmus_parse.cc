// scenarios/litmus/litmus_parse.cc: the litmus parser (see litmus_parse.h).
//
// A hand-written scanner: the format is small, and its comments `(* *)` and operators `/\`,
// `\/` are not C tokens, so the scenario lexer cannot be reused outside process bodies. Every
// error carries the position of the token that is wrong.
#include "scenarios/litmus/litmus_parse.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <set>
#include <stdexcept>

namespace ravel::litmus {
namespace {

// Thrown at the first error; caught by parse(). Parsing is a few hundred bytes, so the
// exception is the simplest way to stop without a cascade.
struct Stop {
  Error e;
};

class Parser {
 public:
  Parser(const std::string& text, Test* t) : s_(text), t_(t) {
    line_starts_.push_back(0);
    for (size_t i = 0; i < s_.size(); ++i) {
      if (s_[i] == '\n') line_starts_.push_back(i + 1);
    }
  }

  void run() {
    parse_header();
    skip();
    if (peek() == '{') parse_init();
    skip();
    while (peek() == 'P' && i_ + 1 < s_.size() &&
           std::isdigit(static_cast<unsigned char>(s_[i_ + 1]))) {
      parse_process();
      skip();
    }
    if (t_->procs.empty()) fail(pos(), "expected a process 'P0(...) { ... }'");
    parse_clauses();
  }

 private:
  Pos pos_at(size_t off) const {
    size_t lo = 0, hi = line_starts_.size();
    while (hi - lo > 1) {
      size_t mid = (lo + hi) / 2;
      (line_starts_[mid] <= off ? lo : hi) = mid;
    }
    return Pos{static_cast<uint32_t>(lo + 1), static_cast<uint32_t>(off - line_starts_[lo] + 1)};
  }
  Pos pos() const { return pos_at(i_); }
  [[noreturn]] void fail(Pos p, std::string msg) { throw Stop{Error{p, std::move(msg)}}; }
  char peek(size_t k = 0) const { return i_ + k < s_.size() ? s_[i_ + k] : '\0'; }
  bool at_end() const { return i_ >= s_.size(); }

  // Skips blanks and comments. `(* *)` comments (possibly nested, as in OCaml) are searched for
  // the `Result:` line; `//` and `/* */` are accepted as herd7 does.
  void skip() {
    for (;;) {
      while (!at_end() && std::isspace(static_cast<unsigned char>(peek()))) ++i_;
      if (peek() == '(' && peek(1) == '*') {
        skip_ml_comment();
      } else if (peek() == '/' && peek(1) == '/') {
        while (!at_end() && peek() != '\n') ++i_;
      } else if (peek() == '/' && peek(1) == '*') {
        size_t end = s_.find("*/", i_ + 2);
        if (end == std::string::npos) fail(pos(), "unterminated comment");
        i_ = end + 2;
      } else {
        return;
      }
    }
  }

  void skip_ml_comment() {
    Pos start = pos();
    size_t begin = i_;
    int depth = 0;
    do {
      if (at_end()) fail(start, "unterminated comment '(*'");
      if (peek() == '(' && peek(1) == '*') {
        ++depth;
        i_ += 2;
      } else if (peek() == '*' && peek(1) == ')') {
        --depth;
        i_ += 2;
      } else {
        ++i_;
      }
    } while (depth > 0);
    note_result(begin, i_);
  }

  // "Result: Never" in a comment: the documented observation (the first one counts).
  void note_result(size_t begin, size_t end) {
    size_t r = s_.find("Result:", begin);
    if (r == std::string::npos || r >= end || !t_->result.empty()) return;
    size_t w = r + 7;
    while (w < end && (s_[w] == ' ' || s_[w] == '\t')) ++w;
    size_t e = w;
    while (e < end && std::isalpha(static_cast<unsigned char>(s_[e]))) ++e;
    t_->result = s_.substr(w, e - w);
    t_->result_pos = pos_at(w);
  }

  static bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
  std::string ident(const char* what) {
    skip();
    if (!(std::isalpha(static_cast<unsigned char>(peek())) || peek() == '_')) {
      fail(pos(), std::string("expected ") + what);
    }
    size_t b = i_;
    while (ident_char(peek())) ++i_;
    return s_.substr(b, i_ - b);
  }
  int64_t integer(const char* what) {
    skip();
    Pos p = pos();
    bool neg = peek() == '-';
    if (neg) ++i_;
    if (!std::isdigit(static_cast<unsigned char>(peek()))) fail(p, std::string("expected ") + what);
    size_t b = i_;
    while (std::isalnum(static_cast<unsigned char>(peek()))) ++i_;
    errno = 0;
    char* endp = nullptr;
    std::string digits = s_.substr(b, i_ - b);
    long long v = std::strtoll(digits.c_str(), &endp, 0);
    if (errno != 0 || *endp != '\0') fail(p, "invalid integer '" + digits + "'");
    return neg ? -v : v;
  }
  void expect(char c) {
    skip();
    if (peek() != c) fail(pos(), std::string("expected '") + c + "'" + found());
    ++i_;
  }
  bool accept(char c) {
    skip();
    if (peek() != c) return false;
    ++i_;
    return true;
  }
  std::string found() const {
    if (at_end()) return " at the end of the file";
    size_t e = i_;
    while (e < s_.size() && e < i_ + 12 && !std::isspace(static_cast<unsigned char>(s_[e]))) ++e;
    return ", found '" + s_.substr(i_, std::max<size_t>(e - i_, 1)) + "'";
  }

  void parse_header() {
    skip();
    Pos p = pos();
    if (peek() != 'C' || ident_char(peek(1))) {
      fail(p, "expected 'C NAME' (only C litmus tests are supported)");
    }
    ++i_;
    while (peek() == ' ' || peek() == '\t') ++i_;
    size_t b = i_;
    while (!at_end() && !std::isspace(static_cast<unsigned char>(peek()))) ++i_;
    if (i_ == b) fail(pos(), "expected the test's name after 'C'");
    t_->name = s_.substr(b, i_ - b);
    skip();
    if (peek() == '"') {  // herd7's optional doc string
      size_t e = s_.find('"', i_ + 1);
      if (e == std::string::npos) fail(pos(), "unterminated string");
      note_result(i_, e);
      i_ = e + 1;
    }
  }

  // `{ item; item; ... }`
  void parse_init() {
    expect('{');
    for (;;) {
      if (accept('}')) return;
      if (accept(';')) continue;
      parse_init_item();
    }
  }

  void parse_init_item() {
    skip();
    Pos p = pos();
    if (std::isdigit(static_cast<unsigned char>(peek()))) {
      fail(p, "initial values of registers ('0:r0=...') are not supported");
    }
    std::vector<std::string> words;
    InitItem it;
    it.pos = p;
    it.start = i_;
    for (;;) {
      skip();
      if (peek() == '*') {
        ++i_;
        ++it.pointers;
        continue;
      }
      if (peek() == '=' || peek() == ';' || peek() == '}') break;
      if (peek() == '[') fail(pos(), "arrays are not supported in the init block");
      it.pos = pos();
      words.push_back(ident("a type or a location name"));
    }
    if (words.empty()) fail(p, "expected a location name");
    it.name = words.back();
    words.pop_back();
    for (const std::string& w : words) it.type += (it.type.empty() ? "" : " ") + w;
    if (it.type.empty() && it.pointers > 0) fail(p, "expected a type before '*'");
    if (accept('=')) {
      it.has_value = true;
      it.value = init_value();
    }
    skip();
    if (peek() != ';' && peek() != '}') fail(pos(), "expected ';'" + found());
    it.end = i_;
    t_->init.push_back(std::move(it));
  }

  Val init_value() {
    skip();
    Val v;
    if (accept('&')) {
      v.is_loc = true;
      v.loc = ident("a location name after '&'");
      return v;
    }
    if (std::isalpha(static_cast<unsigned char>(peek())) || peek() == '_') {
      Pos p = pos();
      std::string w = ident("a value");
      if (w == "ATOMIC_INIT") {
        expect('(');
        v.num = integer("an integer");
        expect(')');
        return v;
      }
      if (w == "NULL") return v;
      (void)p;
      v.is_loc = true;  // herd7: a bare location name is its address
      v.loc = w;
      return v;
    }
    v.num = integer("a value");
    return v;
  }

  void parse_process() {
    Process pr;
    pr.pos = pos();
    pr.header = i_;
    ++i_;
    pr.index = static_cast<int32_t>(integer("a process number"));
    if (pr.index != static_cast<int32_t>(t_->procs.size())) {
      fail(pr.pos, "expected process P" + std::to_string(t_->procs.size()) +
                       " (processes are numbered from 0 in order)");
    }
    expect('(');
    skip();
    if (!accept(')')) {
      do parse_param(&pr);
      while (accept(','));
      expect(')');
    }
    skip();
    if (peek() != '{') fail(pos(), "expected '{' to open the body of P" + std::to_string(pr.index));
    pr.open = i_;
    pr.close = match_brace(i_);
    i_ = pr.close + 1;
    t_->procs.push_back(std::move(pr));
  }

  void parse_param(Process* pr) {
    Param p;
    skip();
    p.pos = pos();
    p.start = i_;
    std::vector<std::string> words;
    for (;;) {
      skip();
      if (peek() == '*') {
        ++i_;
        ++p.pointers;
        continue;
      }
      if (peek() == ',' || peek() == ')') break;
      p.pos = pos();
      words.push_back(ident("a parameter"));
    }
    p.end = i_;
    if (words.size() < 2) fail(p.pos, "expected a parameter 'TYPE *NAME'");
    p.name = words.back();
    words.pop_back();
    for (const std::string& w : words) p.type += (p.type.empty() ? "" : " ") + w;
    if (p.pointers == 0) {
      fail(p.pos, "parameter '" + p.name + "' must be a pointer to a shared location");
    }
    pr->params.push_back(std::move(p));
  }

  // The offset of the '}' matching the '{' at `open`, skipping C comments and literals.
  size_t match_brace(size_t open) {
    int depth = 0;
    for (size_t k = open; k < s_.size(); ++k) {
      char c = s_[k];
      if (c == '/' && k + 1 < s_.size() && s_[k + 1] == '/') {
        while (k < s_.size() && s_[k] != '\n') ++k;
      } else if (c == '/' && k + 1 < s_.size() && s_[k + 1] == '*') {
        size_t e = s_.find("*/", k + 2);
        if (e == std::string::npos) fail(pos_at(k), "unterminated comment");
        k = e + 1;
      } else if (c == '"' || c == '\'') {
        for (++k; k < s_.size() && s_[k] != c; ++k) {
          if (s_[k] == '\\') ++k;
        }
      } else if (c == '{') {
        ++depth;
      } else if (c == '}' && --depth == 0) {
        return k;
      }
    }
    fail(pos_at(open), "this '{' is never closed");
  }

  void parse_clauses() {
    bool have_cond = false;
    for (;;) {
      skip();
      if (at_end()) break;
      Pos p = pos();
      if (peek() == '~') {
        ++i_;
        std::string w = ident("'exists' after '~'");
        if (w != "exists") fail(p, "expected '~exists'");
        condition(p, Test::Quantifier::kNotExists, &have_cond);
        continue;
      }
      std::string w = ident("a clause (exists, ~exists, forall, locations, filter)");
      if (w == "exists") {
        condition(p, Test::Quantifier::kExists, &have_cond);
      } else if (w == "forall") {
        condition(p, Test::Quantifier::kForall, &have_cond);
      } else if (w == "locations") {
        parse_locations();
      } else if (w == "filter") {
        if (t_->filter) fail(p, "a second 'filter' clause");
        t_->filter = prop_or();
      } else {
        fail(p, "unknown clause '" + w + "' (expected exists, ~exists, forall, locations, filter)");
      }
    }
    if (!have_cond) fail(pos(), "missing final condition: exists, ~exists or forall");
  }

  void condition(Pos p, Test::Quantifier q, bool* have) {
    if (*have) fail(p, "a second final condition");
    *have = true;
    t_->quantifier = q;
    t_->cond_pos = p;
    t_->cond = prop_or();
  }

  void parse_locations() {
    expect('[');
    for (;;) {
      if (accept(']')) return;
      if (accept(';')) continue;
      t_->locations.push_back(location());
    }
  }

  Loc location() {
    skip();
    Loc l;
    l.pos = pos();
    if (std::isdigit(static_cast<unsigned char>(peek()))) {
      l.proc = static_cast<int32_t>(integer("a process number"));
      if (l.proc >= static_cast<int32_t>(t_->procs.size())) {
        fail(l.pos, "no process P" + std::to_string(l.proc));
      }
      expect(':');
    } else if (peek() == '*') {
      fail(l.pos, "dereferences in the final condition are not supported");
    }
    l.name = ident("a location or 'P:register'");
    return l;
  }

  std::unique_ptr<Prop> binary(Prop::Kind k, std::unique_ptr<Prop> a, std::unique_ptr<Prop> b) {
    auto p = std::make_unique<Prop>();
    p->kind = k;
    p->a = std::move(a);
    p->b = std::move(b);
    return p;
  }
  std::unique_ptr<Prop> prop_or() {
    auto a = prop_and();
    for (;;) {
      skip();
      if (peek() == '\\' && peek(1) == '/') {
        i_ += 2;
        a = binary(Prop::Kind::kOr, std::move(a), prop_and());
      } else {
        return a;
      }
    }
  }
  std::unique_ptr<Prop> prop_and() {
    auto a = prop_unary();
    for (;;) {
      skip();
      if (peek() == '/' && peek(1) == '\\') {
        i_ += 2;
        a = binary(Prop::Kind::kAnd, std::move(a), prop_unary());
      } else {
        return a;
      }
    }
  }
  // Nesting is bounded: hostile input (`~~~~...`, `((((...`) must be an error, not a stack
  // overflow; no real condition comes near the bound.
  static constexpr int kMaxNesting = 200;
  struct Nest {
    Parser* p;
    explicit Nest(Parser* parser) : p(parser) {
      if (++p->nesting_ > kMaxNesting) p->fail(p->pos(), "condition nested too deeply");
    }
    ~Nest() { --p->nesting_; }
  };
  std::unique_ptr<Prop> prop_unary() {
    skip();
    Nest nest(this);
    if (accept('~')) return binary(Prop::Kind::kNot, prop_unary(), nullptr);
    if (accept('(')) {
      auto a = prop_or();
      expect(')');
      return a;
    }
    auto p = std::make_unique<Prop>();
    size_t save = i_;
    if (std::isalpha(static_cast<unsigned char>(peek()))) {
      std::string w = ident("an atom");
      if (w == "true" || w == "false") {
        p->kind = w == "true" ? Prop::Kind::kTrue : Prop::Kind::kFalse;
        return p;
      }
      i_ = save;
    }
    p->kind = Prop::Kind::kAtom;
    p->lhs = location();
    skip();
    bool neq = peek() == '!' && peek(1) == '=';
    if (neq) {
      i_ += 2;
    } else {
      expect('=');
    }
    skip();
    if (std::isalpha(static_cast<unsigned char>(peek())) || peek() == '_') {
      p->rhs.is_loc = true;
      p->rhs.loc = ident("a value");
    } else {
      p->rhs.num = integer("a value");
    }
    return neq ? binary(Prop::Kind::kNot, std::move(p), nullptr) : std::move(p);
  }

  const std::string& s_;
  Test* t_;
  size_t i_ = 0;
  int nesting_ = 0;
  std::vector<size_t> line_starts_;
};

void collect(const Prop* p, std::vector<Loc>* out, std::set<std::string>* seen) {
  if (!p) return;
  if (p->kind == Prop::Kind::kAtom && seen->insert(p->lhs.text()).second) out->push_back(p->lhs);
  collect(p->a.get(), out, seen);
  collect(p->b.get(), out, seen);
}

}  // namespace

bool parse(const std::string& text, Test* out, Error* err) {
  try {
    Parser(text, out).run();
    return true;
  } catch (const Stop& s) {
    *err = s.e;
    return false;
  }
}

std::vector<Loc> observed(const Test& t) {
  std::vector<Loc> out;
  std::set<std::string> seen;
  for (const Loc& l : t.locations) {
    if (seen.insert(l.text()).second) out.push_back(l);
  }
  collect(t.filter.get(), &out, &seen);
  collect(t.cond.get(), &out, &seen);
  return out;
}

}  // namespace ravel::litmus
