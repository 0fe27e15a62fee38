// scenarios/lang/preprocess_expand.cc: macro expansion (C11 6.10.3): argument collection,
// substitution with `#` and `##`, rescanning with hide sets (see preprocess.h).
#include <algorithm>

#include "scenarios/lang/parser.h"
#include "scenarios/lang/preprocess_impl.h"

namespace ravel::lang {
namespace {

bool hidden(const PToken& t, uint32_t id) {
  return std::find(t.hide.begin(), t.hide.end(), id) != t.hide.end();
}

void add_hide(PToken& t, const std::vector<uint32_t>& hide) {
  for (uint32_t h : hide) {
    if (!hidden(t, h)) t.hide.push_back(h);
  }
}

int param_index(const Macro& m, const Token& t) {
  if (!m.function_like || (t.kind != Tok::kIdent && t.text.empty())) return -1;
  for (size_t i = 0; i < m.params.size(); ++i) {
    if (m.params[i] == t.text) return static_cast<int>(i);
  }
  return -1;
}

std::string count_args(size_t n) {
  return std::to_string(n) + (n == 1 ? " argument" : " arguments");
}

}  // namespace

std::vector<PToken> Preprocessor::expand(std::vector<PToken> in, int depth) {
  std::vector<PToken> out;
  if (depth > kMaxNesting) {
    error(in.empty() ? Pos{} : in[0].t.pos,
          "macro arguments nested more than " + std::to_string(kMaxNesting) + " levels deep");
    fatal_ = true;
    return out;
  }
  std::reverse(in.begin(), in.end());  // a stack: the next token is at the back
  while (!in.empty() && !fatal_) {
    PToken t = std::move(in.back());
    in.pop_back();
    auto it = t.t.kind == Tok::kString || t.t.kind == Tok::kInt
                  ? by_name_.end()
                  : by_name_.find(std::string(t.t.text));
    if (it == by_name_.end() || hidden(t, it->second)) {
      out.push_back(std::move(t));
      continue;
    }
    uint32_t id = it->second;
    const Macro& m = macros_[id];
    // A function-like macro's name without '(' is an ordinary identifier (C11 6.10.3p10).
    if (m.function_like && (in.empty() || in.back().t.kind != Tok::kLParen)) {
      out.push_back(std::move(t));
      continue;
    }
    std::vector<std::vector<PToken>> args;
    if (m.function_like && !collect_args(m, t.t, in, &args)) continue;
    std::vector<PToken> res = substitute(m, id, t, args, depth);
    produced_ += res.size();
    if (produced_ > kMaxExpandedTokens) {
      error(t.t.pos,
            "macro expansion produces more than " + std::to_string(kMaxExpandedTokens) + " tokens");
      fatal_ = true;
      break;
    }
    for (auto r = res.rbegin(); r != res.rend(); ++r) in.push_back(std::move(*r));
  }
  return out;
}

bool Preprocessor::collect_args(const Macro& m, const Token& name, std::vector<PToken>& stack,
                                std::vector<std::vector<PToken>>* args) {
  stack.pop_back();  // '('
  args->emplace_back();
  int depth = 0;
  size_t fixed = m.variadic ? m.params.size() - 1 : m.params.size();
  while (true) {
    if (stack.empty()) {
      error(name.pos, "unterminated argument list invoking macro '" + m.name + "'");
      return false;
    }
    PToken t = std::move(stack.back());
    stack.pop_back();
    if (depth == 0 && t.t.kind == Tok::kRParen) break;
    if (t.t.kind == Tok::kLParen) ++depth;
    if (t.t.kind == Tok::kRParen) --depth;
    // Commas split arguments, except inside parentheses and within the variable arguments.
    if (depth == 0 && t.t.kind == Tok::kComma && !(m.variadic && args->size() > fixed)) {
      args->emplace_back();
      continue;
    }
    args->back().push_back(std::move(t));
  }
  size_t n = args->size();
  if (m.params.empty() && n == 1 && (*args)[0].empty()) {
    args->clear();
    return true;
  }
  if (m.variadic && n == fixed) args->emplace_back();  // no variable arguments
  if (args->size() == m.params.size()) return true;
  if (args->size() < m.params.size()) {
    error(name.pos, "macro '" + m.name + "' requires " + count_args(m.params.size()) +
                        ", but only " + std::to_string(n) + " given");
  } else {
    error(name.pos, "macro '" + m.name + "' passed " + count_args(n) + ", but takes just " +
                        std::to_string(m.params.size()));
  }
  return false;
}

std::vector<PToken> Preprocessor::substitute(const Macro& m, uint32_t id, const PToken& name,
                                             const std::vector<std::vector<PToken>>& args,
                                             int depth) {
  Pos site = name.t.pos;
  uint32_t exp = m.builtin ? 0 : main_.add_expansion(m.name, site);
  auto body_token = [&](const Token& b) {
    PToken p{b, {}};
    p.t.pos = m.builtin ? site : Pos{b.pos.line, b.pos.col, b.pos.file, exp};
    return p;
  };
  std::vector<std::vector<PToken>> expanded(args.size());
  std::vector<bool> done(args.size(), false);
  std::vector<PToken> res;
  bool placemarker = false;  // the last thing appended was an empty argument before '##'
  const std::vector<Token>& body = m.body;
  for (size_t k = 0; k < body.size() && !fatal_; ++k) {
    const Token& b = body[k];
    if (m.function_like && b.kind == Tok::kHash && k + 1 < body.size() &&
        param_index(m, body[k + 1]) >= 0) {
      res.push_back(
          stringize(args[static_cast<size_t>(param_index(m, body[++k]))], body_token(b).t.pos));
      placemarker = false;
      continue;
    }
    if (b.kind == Tok::kHashHash) {
      const Token& r = body[++k];
      int rp = param_index(m, r);
      std::vector<PToken> rhs =
          rp >= 0 ? args[static_cast<size_t>(rp)] : std::vector<PToken>{body_token(r)};
      // GNU `, ## __VA_ARGS__`: no paste; the comma is dropped when there are no variable
      // arguments and kept before them otherwise.
      bool gnu_comma = m.variadic && rp == static_cast<int>(m.params.size()) - 1 &&
                       !placemarker && !res.empty() && res.back().t.kind == Tok::kComma;
      if (rhs.empty()) {
        if (gnu_comma) res.pop_back();
        continue;
      }
      if (placemarker || res.empty() || gnu_comma) {
        res.insert(res.end(), rhs.begin(), rhs.end());
      } else {
        if (!paste(res.back(), rhs[0], body_token(b).t.pos)) res.push_back(rhs[0]);
        res.insert(res.end(), rhs.begin() + 1, rhs.end());
      }
      placemarker = false;
      continue;
    }
    int p = param_index(m, b);
    if (p >= 0) {
      size_t a = static_cast<size_t>(p);
      bool before_paste = k + 1 < body.size() && body[k + 1].kind == Tok::kHashHash;
      if (!before_paste && !done[a]) {
        expanded[a] = expand(args[a], depth + 1);  // arguments are expanded before substitution
        done[a] = true;
      }
      const std::vector<PToken>& src = before_paste ? args[a] : expanded[a];
      res.insert(res.end(), src.begin(), src.end());
      placemarker = before_paste && src.empty();
      continue;
    }
    placemarker = false;
    res.push_back(body_token(b));
  }
  std::vector<uint32_t> hide = name.hide;
  hide.push_back(id);
  for (PToken& r : res) {
    add_hide(r, hide);
    r.t.line_start = false;
  }
  if (!res.empty()) {
    res[0].t.line_start = name.t.line_start;
    res[0].t.space_before = name.t.space_before;
  }
  return res;
}

PToken Preprocessor::stringize(const std::vector<PToken>& arg, Pos pos) {
  std::string spelling;
  for (size_t i = 0; i < arg.size(); ++i) {
    if (i > 0 && arg[i].t.space_before) spelling += ' ';
    spelling += std::string(arg[i].t.text);
  }
  std::string quoted = "\"";
  for (char c : spelling) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  quoted += '"';
  PToken t;
  t.t.kind = Tok::kString;
  t.t.pos = pos;
  t.t.text = main_.keep(quoted);
  t.t.str = spelling;
  return t;
}

bool Preprocessor::paste(PToken& lhs, const PToken& rhs, Pos pos) {
  std::string text = std::string(lhs.t.text) + std::string(rhs.t.text);
  Source scratch("<paste>", text);
  Diagnostics quiet(scratch);
  std::vector<Token> toks = lex(scratch, quiet);
  if (quiet.has_errors() || toks.size() != 2) {
    error(pos, "pasting \"" + std::string(lhs.t.text) + "\" and \"" + std::string(rhs.t.text) +
                   "\" does not give a valid token");
    return false;
  }
  Token t = std::move(toks[0]);
  t.text = main_.keep(text);
  t.pos = lhs.t.pos;
  t.space_before = lhs.t.space_before;
  t.line_start = lhs.t.line_start;
  lhs.t = std::move(t);
  add_hide(lhs, rhs.hide);
  return true;
}

}  // namespace ravel::lang
