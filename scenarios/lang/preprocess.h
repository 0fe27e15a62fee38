// scenarios/lang/preprocess.h: the C preprocessor subset of the scenario language.
//
// Design note. The preprocessor is its own pass between the lexer and the parser: it reads the
// scenario's tokens and returns the token stream the parser sees. It implements the part of C11
// 6.10 a pasted kernel function and a shared harness need (docs/language.md section 1.2):
// object-like and function-like #define (with `#`, `##` and `...`), #undef, the conditionals
// #if/#ifdef/#ifndef/#elif/#else/#endif on integer expressions with defined(), #include "file"
// relative to the including file, #error and #pragma once. Anything else (`#include <...>`,
// #line, other pragmas) is one precise error, never silently skipped.
//
// Every token keeps the position it was written at: an argument of a macro keeps its place in
// the invocation, a token of a macro body its place in the #define plus the id of the expansion
// (Pos::expansion), so a diagnostic names the original file:line:col and adds gcc's "in expansion
// of macro 'X'" notes. The built-in macros (the kernel's annotations such as __rcu, likely(),
// BIT() ...) have no file: their tokens take the position of the invocation.
//
// Everything is bounded: includes nest at most kMaxIncludeDepth deep and never cyclically,
// arguments nest at most kMaxNesting deep, the macro substitutions of one scenario produce at
// most kMaxExpandedTokens tokens (a macro that doubles its input twenty times over is an error,
// not a hang) and the whole stream holds at most kMaxTokens. Macro recursion is stopped by C's
// rule that a macro is not expanded inside its own expansion (hide sets, as in Prosser's
// algorithm).
#pragma once

#include <cstddef>
#include <vector>

#include "scenarios/lang/diag.h"
#include "scenarios/lang/lexer.h"

namespace ravel::lang {

inline constexpr int kMaxIncludeDepth = 16;
// A harness's macros make a few thousand tokens; 200000 keeps a runaway expansion under a
// second.
inline constexpr size_t kMaxExpandedTokens = 200'000;
inline constexpr size_t kMaxTokens = 4'000'000;
inline constexpr size_t kMaxIncludedBytes = size_t{8} << 20;

// Preprocesses `toks` (the lexed text of `main`, ending in kEof). Included files are added to
// `main` (Source::add_file) and expansions recorded there. Always ends with one kEof token.
std::vector<Token> preprocess(Source& main, std::vector<Token> toks, Diagnostics& diags);

// The built-in macros, one `#define` a line (kernel annotations and helpers), as
// docs/language.md section 1.2 lists them.
const char* builtin_macro_text();
// The built-in <linux/list.h> (kernel_list.cc): its macros, and its code (struct list_head,
// hlist and the list functions in the scenario language), which the preprocessor puts in front
// of a scenario that uses one of its names.
const char* kernel_list_macros();
const char* kernel_list_code();

}  // namespace ravel::lang
