// scenarios/lang/ast.h: the syntax tree of one scenario file.
//
// Design note. Nodes are plain structs owned by the Program's arenas (vectors of unique_ptr), so
// destroying a tree never recurses and pointers between nodes stay valid. The parser fills in
// syntax; the checker (sema.h) fills in the resolved fields marked "sema:", after which an
// interpreter needs no string lookups: every identifier use carries a Binding (global slot, frame
// slot, function index, built-in id, constant value), every member access its field index, every
// goto its label's statement, every body its frame size.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "scenarios/lang/diag.h"
#include "scenarios/lang/lexer.h"
#include "scenarios/lang/types.h"

namespace ravel::lang {

struct Expr;
struct Stmt;
struct Init;

// A type as written: `unsigned long`, `struct job *`, `spinlock_t`, `int (*)(struct fence *)`.
struct TypeRef {
  Pos pos;
  std::string spelling;    // "unsigned long", "struct job", "spinlock_t"
  std::string struct_tag;  // "job" for `struct job` (user or model struct), else empty
  uint8_t pointers = 0;    // number of '*'
  bool function_pointer = false;
  SType stype;  // sema: resolved static type
  // sema: a fixed-width integer (`u8`, `int`, `unsigned long` ...) that a store wraps to; 0 for
  // a type whose values are not truncated (pointers, structs, `bool`, unknown names).
  IntWidth width;
};

struct Binding {
  enum class Kind : uint8_t {
    kNone,
    kGlobal,      // index: Program::globals
    kLocal,       // index: slot in the enclosing body's frame (params first)
    kFunction,    // index: Program::functions
    kBuiltin,     // index: builtins() id
    kConstant,    // value
    kNull,        // NULL
    kPredefined,  // index: predefined_objects()
    kIntrinsic,   // index: Intrinsic; a kernel helper the front end lowers (min, pr_info ...)
  } kind = Kind::kNone;
  uint32_t index = 0;
  int64_t value = 0;
};

// Kernel helpers the front end knows by family or name, without rows in the built-in tables
// (sema_intrinsic.cc): they evaluate every argument as the kernel's macros do.
enum class Intrinsic : uint8_t {
  kNoop,  // trace_*(), pr_*(), dev_*(), drm_*(): evaluate, no effect; trace_*_enabled() is 0
  kMin,   // min(a, b), min_t(type, a, b): the smaller integer, each argument evaluated once
  kMax,   // max(a, b), max_t(type, a, b)
};

enum class ExprKind : uint8_t {
  kInt,      // value
  kString,   // text (allowed only where a built-in takes a string)
  kIdent,    // text; sema: bind
  kUnary,    // op a       (- + ! ~ * & ++x --x)
  kPostfix,  // a op       (x++ x--)
  kBinary,   // a op b     (arithmetic, comparison, && ||)
  kAssign,   // a op b     (= += -= ...)
  kTernary,  // a ? b : c
  kCall,     // a(args); sema: bind of a when a names a function or built-in
  kIndex,    // a[b]
  kMember,   // a.text or a->text (op kDot / kArrow); sema: field
  kCast,     // (type) a   accepted and ignored
  kTypeArg,  // a type used as a built-in argument: kzalloc(struct job)
};

struct Expr {
  ExprKind kind;
  Pos pos;
  Tok op = Tok::kEof;
  uint16_t depth = 1;  // height of this subtree (bounded by the parser)
  int64_t value = 0;
  std::string text;
  Expr* a = nullptr;
  Expr* b = nullptr;
  Expr* c = nullptr;
  std::vector<Expr*> args;
  TypeRef* type = nullptr;  // kCast, kTypeArg
  // sema:
  Binding bind;
  SType stype;
  int32_t field = -1;        // kMember: index in the user struct's fields, or model field index
  bool model_field = false;  // kMember: `field` indexes the model field table (types.cc)
  // kAssign, kPostfix, prefix ++/--: the declared integer width of the target, which the stored
  // value wraps to (a `u8` counter at 255 + 1 is 0, as in the kernel).
  IntWidth width;
};

// An initializer: `= expr`, `= { .f = ..., ... }` or `= { a, b }`.
struct Init {
  Pos pos;
  Expr* expr = nullptr;  // plain initializer
  struct Item {
    Pos pos;
    std::string field;  // empty for positional items
    Init* value = nullptr;
    int32_t field_index = -1;  // sema: user struct field or model field index
  };
  std::vector<Item> items;  // brace list (when expr == nullptr)
};

struct VarDecl {
  Pos pos;
  std::string name;
  TypeRef* type = nullptr;
  int64_t array_len = -1;  // `long arr[4]`: 4
  Init* init = nullptr;
  // Declared through a kernel macro: DEFINE_WD_CLASS, DEFINE_WW_CLASS, DEFINE_SPINLOCK ...
  std::string macro;
  Binding bind;  // sema: kGlobal slot or kLocal slot
};

enum class StmtKind : uint8_t {
  kExpr,
  kDecl,
  kBlock,
  kIf,
  kWhile,
  kDoWhile,
  kFor,
  kBreak,
  kContinue,
  kReturn,
  kGoto,
  kLabel,
  kXaForEach,
  kEmpty,
  kSwitch,   // switch (expr) body; sema: cases
  kCase,     // case expr: body (a label); sema: case_value
  kDefault,  // default: body (a label)
};

struct Stmt {
  StmtKind kind;
  Pos pos;
  Expr* expr = nullptr;         // kExpr, cond of if/while/do/for, kReturn value
  Expr* step = nullptr;         // kFor
  Stmt* init = nullptr;         // kFor (a kDecl or kExpr or nullptr)
  Stmt* body = nullptr;         // loops, kIf then, kLabel's statement
  Stmt* else_body = nullptr;    // kIf
  std::vector<Stmt*> stmts;     // kBlock
  std::vector<VarDecl*> decls;  // kDecl
  std::vector<Expr*> args;      // kXaForEach: xa, index, entry
  std::string label;            // kGoto, kLabel
  Stmt* target = nullptr;       // sema: kGoto -> its kLabel statement
  int64_t case_value = 0;       // sema: kCase, the constant value of `expr`
};

// A body of code with its own frame: a function, a task, init or final.
struct Body {
  Stmt* block = nullptr;
  uint32_t frame_size = 0;  // sema: number of local slots (params included)
};

struct Function {
  Pos pos;
  std::string name;
  TypeRef* ret = nullptr;
  std::vector<VarDecl*> params;
  Body body;  // body.block == nullptr for a prototype never defined
  bool defined = false;
};

struct Field {
  Pos pos;
  std::string name;
  TypeRef* type = nullptr;
  int64_t array_len = -1;
};

struct StructDef {
  Pos pos;
  std::string tag;
  std::vector<Field> fields;
  bool defined = false;  // false: only forward-declared so far
};

// `enum tag { A, B = 5 };`: each enumerator is a constant (sema: value).
struct Enumerator {
  Pos pos;
  std::string name;
  Expr* expr = nullptr;  // explicit value, or null for "previous + 1"
  bool first = false;    // the first of its enum: without a value it is 0
  int64_t value = 0;     // sema
};

struct Task {
  enum class Kind : uint8_t { kThread, kIrq } kind = Kind::kThread;
  Pos pos;
  std::string name;
  int32_t cpu = -1;    // -1: its own CPU (threads only)
  int32_t repeat = 1;  // irq: how often it may fire
  Body body;
};

struct Expectation {
  Pos pos;
  std::string kind;         // "deadlock", "ok", ...
  std::string message;      // optional substring
  int32_t kind_index = -1;  // sema: index in checker/violations.def, -1 for ok
};

struct Program {
  std::string file;
  // Names of the files by Pos::file (files[0] == file) and, by Pos::expansion, where each macro
  // expansion was invoked: a finding at run time names the line the user wrote.
  std::vector<std::string> files;
  std::vector<Pos> expansion_sites;  // [0] unused
  std::string title;
  std::vector<StructDef> structs;
  std::vector<Enumerator> enumerators;  // in declaration order, all enums together
  std::vector<VarDecl*> globals;
  std::vector<Function> functions;
  std::vector<Task> tasks;
  Body init, final_;
  bool has_init = false, has_final = false;
  bool has_expect = false;
  std::vector<Expectation> expect;  // empty with has_expect false: expects ok

  // Arenas.
  template <typename T>
  T* make() {
    auto& arena = arena_for<T>();
    arena.push_back(std::make_unique<T>());
    return arena.back().get();
  }

 private:
  template <typename T>
  std::vector<std::unique_ptr<T>>& arena_for() {
    if constexpr (std::is_same_v<T, Expr>)
      return exprs_;
    else if constexpr (std::is_same_v<T, Stmt>)
      return stmts_;
    else if constexpr (std::is_same_v<T, VarDecl>)
      return decls_;
    else if constexpr (std::is_same_v<T, Init>)
      return inits_;
    else
      return types_;
  }
  std::vector<std::unique_ptr<Expr>> exprs_;
  std::vector<std::unique_ptr<Stmt>> stmts_;
  std::vector<std::unique_ptr<VarDecl>> decls_;
  std::vector<std::unique_ptr<Init>> inits_;
  std::vector<std::unique_ptr<TypeRef>> types_;
};

}  // namespace ravel::lang
