// scenarios/litmus/lkmm_body.h: the C of litmus process bodies, parsed for --memory-model lkmm.
//
// Design note. Under sc a body is handed to the scenario front end (litmus_lower.h); under lkmm
// it is evaluated one thread at a time with a read-value oracle (lkmm_thread.h), which needs
// its own small syntax tree: declarations (`int r0;`, `int *r0;`, `int a = e;`), assignments
// to a register or through a pointer (`*p = e;`, a plain store), calls, `if`/`else` and
// blocks; expressions are integers, names, `*e` (a plain load when not a built-in's
// argument), `&x`, calls, `!`, unary `-`, and the binary operators + - * & | ^ == != < <= > >=
// && ||. Anything else (loops, `return`, gotos, casts other than `(void)`) is refused at its
// line:col: lkmm never guesses.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "scenarios/litmus/litmus_parse.h"

namespace ravel::litmus::lkmm_body {

struct Expr {
  enum class Kind : uint8_t { kNum, kName, kDeref, kAddrOf, kCall, kUnary, kBinary } kind;
  Pos pos;
  int64_t num = 0;
  std::string name;  // kName, kAddrOf, kCall; the operator of kUnary and kBinary
  std::vector<std::unique_ptr<Expr>> args;  // kCall arguments; kDeref/kUnary: 1, kBinary: 2
};

struct Stmt {
  enum class Kind : uint8_t { kDecl, kAssign, kExpr, kIf, kBlock } kind;
  Pos pos;
  std::string name;             // kDecl: the register
  std::unique_ptr<Expr> lhs;    // kAssign: a kName register or a kDeref location
  std::unique_ptr<Expr> value;  // kDecl initializer (may be null), kAssign, kExpr, kIf cond
  std::vector<std::unique_ptr<Stmt>> body;  // kBlock; kIf: then at [0], else at [1] (or null)
};

// The statements of one process body (the text between its braces). False with *err set.
bool parse_body(const std::string& text, const Process& p, std::vector<std::unique_ptr<Stmt>>* out,
                Error* err);

}  // namespace ravel::litmus::lkmm_body
