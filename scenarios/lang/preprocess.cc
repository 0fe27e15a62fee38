// scenarios/lang/preprocess.cc: files, directives and conditionals of the preprocessor (see
// preprocess.h). Expansion is in preprocess_expand.cc, #if expressions in preprocess_if.cc.
#include "scenarios/lang/preprocess.h"

#include <climits>
#include <cstdlib>

#include "scenarios/lang/input_file.h"
#include "scenarios/lang/preprocess_impl.h"

namespace ravel::lang {
namespace {

// A macro name may be any identifier, keywords included (`#define inline`), as in C.
bool is_name(const Token& t) {
  return !t.text.empty() && t.kind != Tok::kInt && t.kind != Tok::kChar && t.kind != Tok::kString &&
         ((t.text[0] >= 'a' && t.text[0] <= 'z') || (t.text[0] >= 'A' && t.text[0] <= 'Z') ||
          t.text[0] == '_');
}

bool same_tokens(const std::vector<Token>& a, const std::vector<Token>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].text != b[i].text || (i > 0 && a[i].space_before != b[i].space_before)) return false;
  }
  return true;
}

std::string canonical(const std::string& path) {
  char buf[PATH_MAX];
  return ::realpath(path.c_str(), buf) != nullptr ? std::string(buf) : path;
}

}  // namespace

void Preprocessor::error(Pos pos, std::string msg) {
  if (!diags_.error(pos, std::move(msg))) fatal_ = true;
}

const Macro* Preprocessor::find(std::string_view name) const {
  auto it = by_name_.find(std::string(name));
  return it == by_name_.end() ? nullptr : &macros_[it->second];
}

std::vector<Token> Preprocessor::run(std::vector<Token> toks) {
  // The built-in macros are read like a file of #defines that has no name; their tokens then
  // take the position of each invocation (Macro::builtin).
  uint32_t id = main_.add_file("<built-in>", builtin_macro_text(), Pos{});
  std::vector<Token> builtin = lex(main_.file(id), diags_, id);
  process_file(builtin, 0);
  // <linux/list.h> (kernel_list.cc): its macros join the built-in ones; its code is read now,
  // before a scenario's macros could change it, and kept aside until we know it is used.
  std::string list_text = std::string(kernel_list_macros()) + kernel_list_code();
  uint32_t list_id = main_.add_file("<linux/list.h>", std::move(list_text), Pos{});
  process_file(lex(main_.file(list_id), diags_, list_id), 0);
  std::vector<Token> list_code = std::move(out_);
  out_.clear();
  for (Macro& m : macros_) m.builtin = true;
  Token eof = toks.back();
  include_stack_.push_back(canonical(main_.name()));
  process_file(toks, 0);
  if (!fatal_) splice_if_used(list_code);
  out_.push_back(eof);
  return std::move(out_);
}

// The names a built-in header's code defines: its struct tags and its functions (an identifier
// followed by '(' outside any brace or parenthesis).
static std::vector<std::string_view> defined_names(const std::vector<Token>& code) {
  std::vector<std::string_view> names;
  int depth = 0;
  for (size_t i = 0; i + 1 < code.size(); ++i) {
    Tok k = code[i].kind;
    if (k == Tok::kLBrace || k == Tok::kLParen) ++depth;
    if (k == Tok::kRBrace || k == Tok::kRParen) --depth;
    if (depth != 0 || code[i + 1].kind == Tok::kEof) continue;
    if (k == Tok::kStruct && code[i + 1].kind == Tok::kIdent) names.push_back(code[i + 1].text);
    if (k == Tok::kIdent && code[i + 1].kind == Tok::kLParen) names.push_back(code[i].text);
  }
  return names;
}

// A scenario that never names a list function or struct does not get the list code: its
// program (structs, functions) stays exactly what it wrote. One that does gets it in front,
// after the `scenario "title";` item, which must come first.
void Preprocessor::splice_if_used(const std::vector<Token>& code) {
  std::vector<std::string_view> names = defined_names(code);
  bool used = false;
  for (size_t i = 0; i < out_.size() && !used; ++i) {
    const Token& t = out_[i];
    if (t.kind != Tok::kIdent) continue;
    for (std::string_view n : names) used = used || t.text == n;
    // The list fields of the fence model (a fence's cb_list, a callback's node) are list heads.
    used = used || t.text == "cb_list" ||
           (t.text == "node" && i > 0 &&
            (out_[i - 1].kind == Tok::kArrow || out_[i - 1].kind == Tok::kDot));
  }
  if (!used) return;
  // Only after a well-formed title: inside a broken one the code would be read as part of it.
  size_t at = 0, k = 1;
  if (!out_.empty() && out_[0].kind == Tok::kIdent && out_[0].text == "scenario") {
    while (k < out_.size() && out_[k].kind == Tok::kString) ++k;
    if (k > 1 && k < out_.size() && out_[k].kind == Tok::kSemi) at = k + 1;
  }
  out_.insert(out_.begin() + static_cast<std::ptrdiff_t>(at), code.begin(), code.end());
}

void Preprocessor::process_file(const std::vector<Token>& toks, int depth) {
  size_t conds_at_start = conds_.size();
  size_t i = 0;
  while (i < toks.size() && toks[i].kind != Tok::kEof && !fatal_) {
    bool is_directive = toks[i].kind == Tok::kHash && toks[i].line_start;
    size_t j = i + 1;
    while (
        j < toks.size() && toks[j].kind != Tok::kEof &&
        !(is_directive ? toks[j].line_start : toks[j].kind == Tok::kHash && toks[j].line_start)) {
      ++j;
    }
    if (is_directive) {
      directive(std::vector<Token>(toks.begin() + i, toks.begin() + j), depth);
    } else if (active()) {
      std::vector<PToken> text;
      for (size_t k = i; k < j; ++k) text.push_back(PToken{toks[k], {}});
      for (const PToken& t : expand(std::move(text), 0)) emit(t);
    }
    i = j;
  }
  while (conds_.size() > conds_at_start) {
    error(conds_.back().pos, "unterminated conditional directive (#if without #endif)");
    conds_.pop_back();
  }
}

void Preprocessor::emit(const PToken& t) {
  if (fatal_) return;
  if (out_.size() >= kMaxTokens) {
    error(t.t.pos, "the scenario and its included files hold more than " +
                       std::to_string(kMaxTokens) + " tokens");
    fatal_ = true;
    return;
  }
  out_.push_back(t.t);
}

void Preprocessor::directive(const std::vector<Token>& line, int depth) {
  if (line.size() == 1) return;  // the null directive: a lone '#'
  const Token& d = line[1];
  std::string_view name = is_name(d) ? d.text : std::string_view();
  if (name == "if" || name == "ifdef" || name == "ifndef" || name == "elif" || name == "else" ||
      name == "endif") {
    return conditional(line);
  }
  if (!active()) return;  // other directives in a skipped group are not read (C11 6.10.1)
  if (name == "define") return define(line);
  if (name == "include") return include(line, depth);
  if (name == "undef") {
    if (line.size() < 3 || !is_name(line[2])) return error(d.pos, "macro name missing in #undef");
    if (line.size() > 3) return error(line[3].pos, "extra tokens at end of #undef directive");
    by_name_.erase(std::string(line[2].text));
    return;
  }
  if (name == "error") {
    std::string msg;
    for (size_t i = 2; i < line.size(); ++i) {
      if (i > 2 && line[i].space_before) msg += ' ';
      msg += std::string(line[i].text);
    }
    return error(line[0].pos, "#error " + msg);
  }
  if (name == "pragma" && line.size() == 3 && line[2].text == "once") {
    once_.push_back(canonical(main_.file(line[0].pos.file).name()));
    return;
  }
  if (name == "pragma") return error(d.pos, "#pragma other than '#pragma once' is not supported");
  error(d.pos, "invalid preprocessing directive #" + std::string(d.text) +
                   " (supported: define undef include if ifdef ifndef elif else endif error "
                   "pragma once)");
}

bool Preprocessor::parse_params(const std::vector<Token>& line, size_t* i, Macro* m) {
  ++*i;  // '('
  while (*i < line.size() && line[*i].kind != Tok::kRParen) {
    const Token& t = line[*i];
    if (t.kind == Tok::kEllipsis) {
      m->variadic = true;
      m->params.push_back("__VA_ARGS__");
    } else if (is_name(t)) {
      m->params.push_back(std::string(t.text));
      if (*i + 1 < line.size() && line[*i + 1].kind == Tok::kEllipsis) {
        m->variadic = true;  // GNU named variadic parameter: `args...`
        ++*i;
      }
    } else {
      error(t.pos, "expected a parameter name in the macro parameter list, got " + describe(t));
      return false;
    }
    ++*i;
    if (*i < line.size() && line[*i].kind == Tok::kComma && !m->variadic) {
      ++*i;
    } else if (*i >= line.size() || line[*i].kind != Tok::kRParen) {
      error(*i < line.size() ? line[*i].pos : t.pos,
            "expected ',' or ')' in the macro parameter "
            "list");
      return false;
    }
  }
  if (*i >= line.size()) {
    error(line.back().pos, "missing ')' in the macro parameter list");
    return false;
  }
  ++*i;  // ')'
  return true;
}

void Preprocessor::define(const std::vector<Token>& line) {
  if (line.size() < 3 || !is_name(line[2])) {
    return error(line.size() < 3 ? line[1].pos : line[2].pos, "macro name missing in #define");
  }
  Macro m;
  m.name = std::string(line[2].text);
  m.pos = line[2].pos;
  if (m.name == "defined") return error(m.pos, "\"defined\" cannot be used as a macro name");
  size_t i = 3;
  if (i < line.size() && line[i].kind == Tok::kLParen && !line[i].space_before) {
    m.function_like = true;
    if (!parse_params(line, &i, &m)) return;
  }
  m.body.assign(line.begin() + static_cast<std::ptrdiff_t>(i), line.end());
  for (size_t k = 0; k < m.body.size(); ++k) {
    const Token& t = m.body[k];
    if (t.kind == Tok::kHashHash && (k == 0 || k + 1 == m.body.size())) {
      return error(t.pos, "'##' cannot appear at either end of a macro expansion");
    }
    if (m.function_like && t.kind == Tok::kHash) {
      bool param = false;
      for (const std::string& p : m.params)
        param |= k + 1 < m.body.size() && m.body[k + 1].text == p;
      if (!param) return error(t.pos, "'#' is not followed by a macro parameter");
    }
  }
  auto it = by_name_.find(m.name);
  if (it != by_name_.end()) {
    const Macro& old = macros_[it->second];
    // A user's harness may replace a built-in helper; two different user definitions are the
    // mistake C makes an error of.
    if (!old.builtin && (old.function_like != m.function_like || old.params != m.params ||
                         !same_tokens(old.body, m.body))) {
      return error(m.pos, "macro '" + m.name + "' redefined differently (first defined at " +
                              diags_.where(old.pos) + ")");
    }
  }
  by_name_[m.name] = static_cast<uint32_t>(macros_.size());
  macros_.push_back(std::move(m));
}

void Preprocessor::include(const std::vector<Token>& line, int depth) {
  Pos pos = line[1].pos;
  if (line.size() >= 3 && line[2].kind == Tok::kLt) {
    return error(line[2].pos,
                 "#include <...> names a system header; a scenario includes only "
                 "its own files (#include \"file.h\"), the kernel's idioms are "
                 "built in");
  }
  if (line.size() < 3 || line[2].kind != Tok::kString) {
    return error(line.size() < 3 ? pos : line[2].pos, "#include expects \"FILENAME\"");
  }
  if (line.size() > 3) return error(line[3].pos, "extra tokens at end of #include directive");
  const std::string& name = line[2].str;
  if (name.empty()) return error(line[2].pos, "empty file name in #include");
  std::string from = main_.file(line[0].pos.file).name();
  size_t slash = from.rfind('/');
  std::string path =
      name[0] == '/' || slash == std::string::npos ? name : from.substr(0, slash + 1) + name;
  std::string canon = canonical(path);
  for (const std::string& f : once_) {
    if (f == canon) return;
  }
  for (const std::string& f : include_stack_) {
    if (f == canon)
      return error(line[2].pos, "#include cycle: '" + name + "' is already being read");
  }
  if (depth + 1 > kMaxIncludeDepth) {
    return error(line[2].pos,
                 "#include nested more than " + std::to_string(kMaxIncludeDepth) + " levels deep");
  }
  std::string text, reason;
  if (!read_input_file(path, kMaxScenarioBytes, &text, &reason)) {
    return error(line[2].pos, "cannot include '" + path + "': " + reason);
  }
  included_bytes_ += text.size();
  if (included_bytes_ > kMaxIncludedBytes) {
    return error(line[2].pos,
                 "included files exceed " + std::to_string(kMaxIncludedBytes) + " bytes in total");
  }
  uint32_t id = main_.add_file(path, std::move(text), line[0].pos);
  std::vector<Token> toks = lex(main_.file(id), diags_, id);
  include_stack_.push_back(canon);
  process_file(toks, depth + 1);
  include_stack_.pop_back();
}

void Preprocessor::conditional(const std::vector<Token>& line) {
  std::string_view name = line[1].text;
  Pos pos = line[1].pos;
  if (name == "if" || name == "ifdef" || name == "ifndef") {
    Cond c{active(), false, true, false, line[0].pos};
    if (c.parent_active) {
      bool v = false;
      if (name == "if") {
        if (!eval_condition(line, 2, pos, &v)) v = false;
      } else if (line.size() < 3 || !is_name(line[2])) {
        error(pos, "macro name missing in #" + std::string(name));
      } else {
        if (line.size() > 3) error(line[3].pos, "extra tokens at end of #" + std::string(name));
        v = (find(line[2].text) != nullptr) == (name == "ifdef");
      }
      c.active = v;
      c.taken = v;
    }
    conds_.push_back(c);
    return;
  }
  if (conds_.empty()) return error(pos, "#" + std::string(name) + " without #if");
  Cond& c = conds_.back();
  if (name == "endif") {
    if (line.size() > 2) error(line[2].pos, "extra tokens at end of #endif directive");
    conds_.pop_back();
    return;
  }
  if (c.seen_else) return error(pos, "#" + std::string(name) + " after #else");
  if (name == "else") {
    if (line.size() > 2) error(line[2].pos, "extra tokens at end of #else directive");
    c.active = c.parent_active && !c.taken;
    c.taken = true;
    c.seen_else = true;
    return;
  }
  // #elif: evaluated only when no earlier branch was taken.
  c.active = false;
  if (c.parent_active && !c.taken) {
    bool v = false;
    if (eval_condition(line, 2, pos, &v) && v) c.active = c.taken = true;
  }
}

std::vector<Token> preprocess(Source& main, std::vector<Token> toks, Diagnostics& diags) {
  return Preprocessor(main, diags).run(std::move(toks));
}

}  // namespace ravel::lang
