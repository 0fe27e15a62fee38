// scenarios/lang/parser.h: recursive-descent parser for the scenario language.
//
// Design note. The grammar is documented in docs/language.md section 8. The parser never throws and
// never recurses without bound: nesting deeper than kMaxNesting (blocks, parentheses, unary
// chains, initializer braces) or an expression tree taller than kMaxExprHeight is a fatal error
// that stops parsing. Other errors are recovered at statement and top-level item boundaries so
// one run reports several of them (Diagnostics caps the count).
#pragma once

#include <memory>

#include "scenarios/lang/ast.h"
#include "scenarios/lang/diag.h"

namespace ravel::lang {

inline constexpr int kMaxNesting = 200;
inline constexpr int kMaxExprHeight = 1000;

// Lexes, preprocesses (preprocess.h: included files are added to `src`) and parses `src`; always
// returns a Program (possibly partial). Errors go to `diags`.
std::unique_ptr<Program> parse(Source& src, Diagnostics& diags);

}  // namespace ravel::lang
