// scenarios/lang/parser.cc: token helpers, error recovery and top-level items
// (language.md section 1: title, declarations, functions, init/final, tasks, expect).
#include "scenarios/lang/parser.h"

#include <array>

#include "scenarios/lang/parser_impl.h"
#include "scenarios/lang/preprocess.h"

namespace ravel::lang {

Parser::Nest::Nest(Parser& parser) : p(parser) {
  if (++p.depth_ > kMaxNesting && !p.fatal_) {
    p.error_here("nesting too deep (more than " + std::to_string(kMaxNesting) + " levels)");
    p.fatal_ = true;
  }
}

const Token& Parser::peek(size_t k) const {
  // Once a fatal error happened every caller sees end of file and unwinds.
  if (fatal_) return toks_.back();
  size_t i = p_ + k;
  return i < toks_.size() ? toks_[i] : toks_.back();
}

const Token& Parser::next() {
  const Token& t = peek();
  if (!fatal_ && p_ + 1 < toks_.size()) ++p_;
  return t;
}

bool Parser::is_word(std::string_view w, size_t ahead) const {
  const Token& t = peek(ahead);
  return t.kind == Tok::kIdent && t.text == w;
}

bool Parser::accept(Tok k) {
  if (!is(k)) return false;
  next();
  return true;
}

bool Parser::expect(Tok k, std::string_view context) {
  if (accept(k)) return true;
  std::string msg = "expected " + tok_name(k);
  if (!context.empty()) msg += " " + std::string(context);
  msg += ", got " + describe(peek());
  if (k == Tok::kSemi && starts_line()) {
    // A forgotten ';' at the end of a line: point right after the previous token, as gcc does.
    Pos after = toks_[p_ - 1].pos;
    if (after.expansion == 0) after.col += static_cast<uint32_t>(toks_[p_ - 1].text.size());
    error(after, msg);
  } else {
    error_here(msg);
  }
  return false;
}

void Parser::error(Pos pos, std::string msg) {
  if (fatal_) return;
  if (!diags_.error(pos, std::move(msg))) fatal_ = true;  // error cap reached: stop
}

// A token that starts a new line after the error point is most likely the start of the next
// statement or item (the usual error is a forgotten ';'): recovery stops there.
bool Parser::starts_line() const { return p_ > 0 && !fatal_ && toks_[p_].line_start; }

void Parser::sync_stmt(size_t start) {
  // A token that starts a line begins the next statement, unless the error is at the first
  // token of this one: then it is skipped, or its tokens would each be reported (a cascade).
  if (starts_line() && p_ != start) return;
  int depth = 0;
  while (!is(Tok::kEof)) {
    if (depth == 0 && is(Tok::kSemi)) {
      next();
      return;
    }
    if (depth == 0 && is(Tok::kRBrace)) return;
    if (is(Tok::kLBrace)) ++depth;
    if (is(Tok::kRBrace)) --depth;
    next();
  }
}

void Parser::sync_top() {
  // A line that starts at column 1 is the next item, unless the error is at its first token:
  // then this item is skipped, or each of its tokens would be reported again (a cascade).
  if (p_ > item_start_ && starts_line() && peek().pos.col == 1) return;
  int depth = 0;
  while (!is(Tok::kEof)) {
    if (depth == 0 && is(Tok::kSemi)) {
      next();
      return;
    }
    if (is(Tok::kLBrace)) ++depth;
    if (is(Tok::kRBrace)) {
      next();
      if (--depth <= 0) return;
      continue;
    }
    next();
  }
}

void Parser::parse_file() {
  while (!is(Tok::kEof)) {
    size_t before = p_;
    item_start_ = p_;
    if (seen_expect_ && !reported_after_expect_ && !is_word("expect")) {
      error_here("'expect' must be the last item of the file");
      reported_after_expect_ = true;
    }
    parse_item();
    seen_item_ = true;
    if (p_ == before && !is(Tok::kEof)) next();  // always make progress
  }
}

void Parser::parse_item() {
  if (is_word("scenario") && is(Tok::kString, 1)) return parse_title();
  if (is_word("expect")) return parse_expect();
  if ((is_word("init") || is_word("final")) && is(Tok::kLBrace, 1)) {
    return parse_special_body(is_word("init"));
  }
  if ((is_word("thread") || is_word("irq")) && is(Tok::kIdent, 1)) return parse_task();
  // `static DEFINE_SPINLOCK(l);`: every top-level object is file-local already.
  size_t at = is(Tok::kStatic) ? 1 : 0;
  if (is(Tok::kIdent, at) && is(Tok::kLParen, at + 1) &&
      (peek(at).text.substr(0, 7) == "DEFINE_" || peek(at).text.substr(0, 8) == "DECLARE_")) {
    if (at == 1) next();
    return parse_macro_decl();
  }
  if (is(Tok::kStruct) && is(Tok::kIdent, 1) && (is(Tok::kLBrace, 2) || is(Tok::kSemi, 2))) {
    return parse_struct_def();
  }
  if (accept(Tok::kSemi)) return;  // an empty declaration, as EXPORT_SYMBOL(f); leaves
  if (is(Tok::kTypedef)) return parse_typedef();
  if (is(Tok::kEnum) && (is(Tok::kLBrace, 1) || (is(Tok::kIdent, 1) && is(Tok::kLBrace, 2)))) {
    return parse_enum_def();
  }
  if (is(Tok::kUnion)) {
    error_here("'union' is not supported in scenarios");
    return sync_top();
  }
  if (is(Tok::kHash)) {
    error_here("stray '#' (a preprocessor directive must start a line)");
    return sync_top();
  }
  if (is_type_start()) return parse_decl_or_function();
  if (is(Tok::kIdent) && is(Tok::kIdent, 1)) {
    error_here("unknown type name " + describe(peek()));
  } else {
    error_here("expected a declaration, function, task, init, final or expect, got " +
               describe(peek()));
  }
  sync_top();
}

void Parser::parse_title() {
  Pos pos = next().pos;
  if (seen_item_) error(pos, "'scenario' title must be the first item of the file");
  prog_.title = next().str;
  while (is(Tok::kString)) prog_.title += next().str;
  if (!expect(Tok::kSemi, "after the scenario title")) sync_top();
}

void Parser::parse_expect() {
  Pos pos = next().pos;
  if (seen_expect_) error(pos, "duplicate 'expect'");
  seen_expect_ = true;
  prog_.has_expect = true;
  while (ok()) {
    if (!is(Tok::kIdent)) {
      error_here("expected a verdict kind (such as ok, deadlock, lockdep), got " +
                 describe(peek()));
      return sync_top();
    }
    Expectation e;
    e.pos = peek().pos;
    e.kind = std::string(next().text);
    // Kind names contain dashes (atomic-sleep, null-deref): join `ident - ident` when the
    // pieces touch, as they do in the kind names of checker/violations.def.
    while (is(Tok::kMinus) && !peek().space_before && is(Tok::kIdent, 1) && !peek(1).space_before) {
      next();
      e.kind += "-" + std::string(next().text);
    }
    if (is(Tok::kString)) {
      e.message = next().str;
      while (is(Tok::kString)) e.message += next().str;
    }
    prog_.expect.push_back(std::move(e));
    if (accept(Tok::kComma)) continue;
    if (!expect(Tok::kSemi, "after the expected verdicts")) sync_top();
    return;
  }
}

void Parser::parse_task() {
  Task task;
  task.kind = is_word("irq") ? Task::Kind::kIrq : Task::Kind::kThread;
  task.pos = next().pos;
  task.name = std::string(next().text);
  if (is_word("on")) {
    next();
    if (!is_word("cpu")) {
      error_here("expected 'cpu' after 'on', got " + describe(peek()));
      return sync_top();
    }
    next();
    if (!is(Tok::kInt)) {
      error_here("expected a CPU number after 'on cpu', got " + describe(peek()));
      return sync_top();
    }
    int64_t cpu = next().value;
    task.cpu = static_cast<int32_t>(cpu > 1000000 ? 1000000 : cpu);
  }
  if (is_word("repeat")) {
    Pos rpos = next().pos;
    if (task.kind != Task::Kind::kIrq) error(rpos, "'repeat' applies only to irq handlers");
    if (!is(Tok::kInt)) {
      error_here("expected a count after 'repeat', got " + describe(peek()));
      return sync_top();
    }
    int64_t r = next().value;
    task.repeat = static_cast<int32_t>(r > 1000000 ? 1000000 : r);
  }
  if (!is(Tok::kLBrace)) {
    error_here("expected '{' to start the body of " +
               std::string(task.kind == Task::Kind::kIrq ? "irq '" : "thread '") + task.name +
               "', got " + describe(peek()));
    return sync_top();
  }
  task.body.block = parse_block();
  prog_.tasks.push_back(std::move(task));
}

void Parser::parse_special_body(bool is_init) {
  Pos pos = next().pos;
  bool& has = is_init ? prog_.has_init : prog_.has_final;
  if (has) error(pos, std::string("duplicate '") + (is_init ? "init" : "final") + "' block");
  Stmt* block = parse_block();
  if (!has) (is_init ? prog_.init : prog_.final_).block = block;
  has = true;
}

void Parser::parse_macro_decl() {
  struct Macro {
    std::string_view name;
    std::string_view type;  // C spelling of the model type
    bool takes_function;
  };
  static constexpr std::array kMacros = {
      Macro{"DEFINE_WD_CLASS", "struct ww_class", false},
      Macro{"DEFINE_WW_CLASS", "struct ww_class", false},
      Macro{"DEFINE_SPINLOCK", "spinlock_t", false},
      Macro{"DEFINE_RAW_SPINLOCK", "raw_spinlock_t", false},
      Macro{"DEFINE_RWLOCK", "rwlock_t", false},
      Macro{"DEFINE_MUTEX", "struct mutex", false},
      Macro{"DECLARE_RWSEM", "struct rw_semaphore", false},
      Macro{"DECLARE_COMPLETION", "struct completion", false},
      Macro{"DECLARE_WAIT_QUEUE_HEAD", "wait_queue_head_t", false},
      Macro{"DEFINE_XARRAY", "struct xarray", false},
      Macro{"DEFINE_SRCU", "struct srcu_struct", false},
      Macro{"DEFINE_STATIC_SRCU", "struct srcu_struct", false},
      Macro{"DECLARE_WORK", "struct work_struct", true},
  };
  const Token& m = next();
  const Macro* macro = nullptr;
  for (const Macro& k : kMacros) {
    if (k.name == m.text) macro = &k;
  }
  if (!macro) {
    error(m.pos, "unknown declaration macro " + describe(m));
    return sync_top();
  }
  next();  // '('
  if (!is(Tok::kIdent)) {
    error_here("expected a name in " + std::string(macro->name) + "(), got " + describe(peek()));
    return sync_top();
  }
  VarDecl* d = prog_.make<VarDecl>();
  d->pos = peek().pos;
  d->name = std::string(next().text);
  d->macro = std::string(macro->name);
  d->type = prog_.make<TypeRef>();
  d->type->pos = m.pos;
  d->type->spelling = std::string(macro->type);
  if (macro->type.substr(0, 7) == "struct ")
    d->type->struct_tag = std::string(macro->type.substr(7));
  if (macro->takes_function) {
    if (!expect(Tok::kComma, "before the work function")) return sync_top();
    Expr* fn = parse_expr();
    if (!fn) return sync_top();
    Expr* callee = new_expr(ExprKind::kIdent, m.pos);
    callee->text = "WORK";
    Expr* call = new_expr(ExprKind::kCall, m.pos, callee);
    call->args.push_back(fn);
    d->init = prog_.make<Init>();
    d->init->pos = fn->pos;
    d->init->expr = call;
  }
  if (!expect(Tok::kRParen, "after the declared name") ||
      !expect(Tok::kSemi, "after the declaration")) {
    return sync_top();
  }
  prog_.globals.push_back(d);
}

std::unique_ptr<Program> parse(Source& src, Diagnostics& diags) {
  auto prog = std::make_unique<Program>();
  prog->file = src.name();
  std::vector<Token> toks = lex(src, diags);
  size_t errors = diags.errors().size();
  toks = preprocess(src, std::move(toks), diags);
  // A preprocessor error leaves the token stream without part of a macro call or a file: the
  // parser's errors on it would all be consequences of the one already reported.
  if (diags.errors().size() == errors) {
    Parser parser(std::move(toks), diags, *prog);
    parser.parse_file();
  }
  for (uint32_t f = 0; f < src.file_count(); ++f) prog->files.push_back(src.file(f).name());
  prog->expansion_sites.push_back(Pos{});
  for (uint32_t e = 1; e <= src.expansion_count(); ++e) {
    prog->expansion_sites.push_back(src.expansion(e).site);
  }
  return prog;
}

}  // namespace ravel::lang
