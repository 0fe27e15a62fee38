// scenarios/lang/preprocess_impl.h: the Preprocessor class shared by preprocess*.cc (private to
// the library; see preprocess.h).
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "scenarios/lang/preprocess.h"

namespace ravel::lang {

struct Macro {
  std::string name;
  Pos pos;  // of the name in the #define
  bool function_like = false;
  bool variadic = false;  // the last parameter collects the rest (`...` or GNU `args...`)
  bool builtin = false;   // no file: the expansion takes the position of the invocation
  std::vector<std::string> params;
  std::vector<Token> body;
};

// A token during expansion, with its hide set: the macros it must not expand again.
struct PToken {
  Token t;
  std::vector<uint32_t> hide;  // macro ids, few
};

class Preprocessor {
 public:
  Preprocessor(Source& main, Diagnostics& diags) : main_(main), diags_(diags) {}
  std::vector<Token> run(std::vector<Token> toks);

 private:
  // files and directives (preprocess.cc)
  void process_file(const std::vector<Token>& toks, int depth);
  void directive(const std::vector<Token>& line, int depth);
  void define(const std::vector<Token>& line);
  bool parse_params(const std::vector<Token>& line, size_t* i, Macro* m);
  void include(const std::vector<Token>& line, int depth);
  void conditional(const std::vector<Token>& line);
  void error(Pos pos, std::string msg);
  bool active() const { return conds_.empty() || conds_.back().active; }
  const Macro* find(std::string_view name) const;

  // expansion (preprocess_expand.cc)
  std::vector<PToken> expand(std::vector<PToken> in, int depth);
  // Reads the arguments of `m` from the top of `stack` (reversed input) after its name; false
  // (error reported) when they are unterminated or the count is wrong.
  bool collect_args(const Macro& m, const Token& name, std::vector<PToken>& stack,
                    std::vector<std::vector<PToken>>* args);
  std::vector<PToken> substitute(const Macro& m, uint32_t id, const PToken& name,
                                 const std::vector<std::vector<PToken>>& args, int depth);
  PToken stringize(const std::vector<PToken>& arg, Pos pos);
  bool paste(PToken& lhs, const PToken& rhs, Pos pos);
  void emit(const PToken& t);
  void splice_if_used(const std::vector<Token>& code);

  // #if expressions (preprocess_if.cc)
  bool eval_condition(const std::vector<Token>& line, size_t from, Pos pos, bool* value);

  struct Cond {
    bool parent_active;
    bool active;     // this branch is being read
    bool taken;      // some branch of this #if was (so #elif/#else are skipped)
    bool seen_else;  // #else passed: another #elif/#else is an error
    Pos pos;         // of the #if, for "unterminated #if"
  };

  Source& main_;
  Diagnostics& diags_;
  std::vector<Token> out_;
  std::vector<Macro> macros_;  // ids are indices; #undef only unmaps the name
  std::unordered_map<std::string, uint32_t> by_name_;
  std::vector<Cond> conds_;
  std::vector<std::string> include_stack_;  // canonical paths of the files being read
  std::vector<std::string> once_;           // files with #pragma once
  size_t included_bytes_ = 0;
  size_t produced_ = 0;  // tokens made by macro substitutions (kMaxExpandedTokens)
  bool fatal_ = false;   // a limit was hit: stop producing tokens
};

}  // namespace ravel::lang
