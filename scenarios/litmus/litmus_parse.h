// scenarios/litmus/litmus_parse.h: the kernel's C litmus format (tools/memory-model), parsed.
//
// Design note. A litmus test is `C name`, comments `(* ... *)` (the kernel's carry a
// `Result: Never` line), an optional `{ }` block of shared locations and their initial values,
// processes `P0(int *x, spinlock_t *l) { C code }` and a final clause (exists, ~exists, forall)
// over atoms `0:r0=1`, `x=2`, `0:r0=x` joined by `/\`, `\/`, `~`, with optional `locations [..]`
// and `filter` clauses. Process bodies are not parsed here: they are C code in the scenario
// language's subset, kept as byte ranges of the text, and litmus_lower.h hands them to the
// scenario front end. Parsing stops at the first error (one precise message, no cascade).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "scenarios/lang/diag.h"

namespace ravel::litmus {

using lang::Pos;

// `0:r0` (proc 0, register r0) or `x` (proc -1, shared location x).
struct Loc {
  Pos pos;
  int32_t proc = -1;
  std::string name;
  std::string text() const { return proc < 0 ? name : std::to_string(proc) + ":" + name; }
};

// An atom's right-hand side: an integer, or a shared location's name (a pointer to it).
struct Val {
  bool is_loc = false;
  int64_t num = 0;
  std::string loc;
  std::string text() const { return is_loc ? loc : std::to_string(num); }
};

struct Prop {
  enum class Kind : uint8_t { kTrue, kFalse, kAtom, kNot, kAnd, kOr } kind = Kind::kTrue;
  Loc lhs;  // kAtom
  Val rhs;  // kAtom
  std::unique_ptr<Prop> a, b;
};

// One item of the init block: `int x = 1;`, `int *y = &x;`, `spinlock_t l;`, `x = 2;`,
// `atomic_t v = ATOMIC_INIT(1);`.
struct InitItem {
  Pos pos;
  size_t start = 0, end = 0;  // byte range of the item, up to its ';' or '}'
  std::string type;           // base type as written ("int", "spinlock_t"), empty when not given
  int pointers = 0;
  std::string name;
  bool has_value = false;
  Val value;
};

struct Param {
  Pos pos;
  size_t start = 0, end = 0;  // byte range of the parameter, up to its ',' or ')'
  std::string type;           // base type ("int", "spinlock_t", "atomic_t")
  int pointers = 0;           // '*'s: 1 for `int *x`
  std::string name;
};

struct Process {
  Pos pos;            // of `P0`
  size_t header = 0;  // byte offset of `P0`
  int32_t index = 0;
  std::vector<Param> params;
  size_t open = 0, close = 0;  // byte offsets of the body's '{' and matching '}'
};

struct Test {
  std::string name;
  std::string result;  // the comment's `Result:` word (Never, Sometimes, Always...), or empty
  Pos result_pos;
  std::vector<InitItem> init;
  std::vector<Process> procs;
  enum class Quantifier : uint8_t { kExists, kNotExists, kForall } quantifier = Quantifier::kExists;
  Pos cond_pos;
  std::string cond_text;  // the clause as written, whitespace collapsed
  std::unique_ptr<Prop> cond;
  std::unique_ptr<Prop> filter;  // null when absent
  std::vector<Loc> locations;
};

struct Error {
  Pos pos;
  std::string message;
};

// False with *err set on the first error.
bool parse(const std::string& text, Test* out, Error* err);

// Every location and register the clauses name (locations, filter, condition), in first-mention
// order, without duplicates.
std::vector<Loc> observed(const Test& t);

}  // namespace ravel::litmus
