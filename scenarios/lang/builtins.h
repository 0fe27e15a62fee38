// scenarios/lang/builtins.h: the one table of built-in operations, constants and predefined
// objects of the scenario language (language.md sections 2 and 5).
//
// Design note. Every built-in has one entry in this table: the checker uses an entry to check
// arity and argument types, the interpreter binds its implementation to the entry's id
// (scenarios/interp/builtins*.cc, by ApiId), `ravel help builtins` prints the table,
// docs/language.md describes every entry (tests/docs), and the entry carries the model/ops.def
// operation of the same kernel name (op_name). Argument types come from a compact signature string
// (see builtins.cc). The table is built at compile time: an unknown model type in a signature, a
// bad return string or an unknown op name is a compile error. Every built-in is declared in
// scenarios/api/all.def, once (name, signature, op, await, binding), with the model types of its
// pair.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "scenarios/lang/types.h"

namespace ravel::lang {

enum class ArgKind : uint8_t {
  kValue,          // any expression
  kObject,         // a pointer to a model object of one of `mask` (NULL allowed: a runtime oops)
  kObjectOrValue,  // the object itself or a pointer to it (wait_event(wq, ...) and &wq)
  kFunction,       // a function (or a value holding one)
  kType,           // a type name: kzalloc(struct job)
  kField,          // a field name: container_of(p, struct job, node), kfree_rcu(p, rcu)
  kLvalue,         // an assignable expression the built-in writes (local_irq_save(flags))
  kCond,           // an expression re-evaluated by the built-in (wait_event, await)
  kString,         // a string literal (WARN's message)
};

struct ArgSpec {
  ArgKind kind = ArgKind::kValue;
  ModelMask mask = 0;
};

enum class RetKind : uint8_t {
  kVoid,        // used as a value: error
  kValue,       // an integer/pointer of unknown static type
  kModelPtr,    // a pointer to `ret_model`
  kTypeArgPtr,  // a pointer to the struct type given as the type argument
  kSameAsArg0,  // whatever its first argument is (READ_ONCE, rcu_dereference, dma_fence_get)
  kInitValue,   // an initializer of `ret_model` (ATOMIC_INIT, WORK): only in declarations
};

struct Builtin {
  uint16_t id = 0;
  std::string_view name;
  int16_t op = -1;  // index into model/ops.def, -1 when the kernel name is not an operation
  uint8_t min_args = 0;
  uint8_t max_args = 0;
  static constexpr int kMaxArgs = 5;
  ArgSpec args[kMaxArgs];
  RetKind ret = RetKind::kVoid;
  ModelType ret_model = ModelType::kCount;
  bool block = false;  // followed by a statement body: xa_for_each(xa, index, entry) { }
  // May appear in an await(e) condition: pure helpers and marked reads of a shared variable
  // (the interpreter adds that variable to the wait's read set). Anything else would block on
  // state the wait's gate cannot observe (a false hang), so it is refused there.
  bool in_await = false;
};

// The kernel APIs declared in scenarios/api (one descriptor per API, see api.h), in table order:
// the built-in of ApiId x has id static_cast<uint16_t>(x), so the interpreter binds it by this
// enumerator and a misspelled name is a compile error. kDeclared is the number of built-ins.
enum class ApiId : uint16_t {
#define RAVEL_API(name, sig, ret, op, in_await, ...) name,
#include "scenarios/api/all.def"
#undef RAVEL_API
  kDeclared,
};

const std::vector<Builtin>& builtins();
const Builtin* find_builtin(std::string_view name);
// The known name closest to `name` by edit distance among built-ins and `extra` (user
// functions), or empty when nothing is reasonably close.
std::string_view closest_name(std::string_view name, const std::vector<std::string_view>& extra);
// The candidate closest to `name`, or empty when none is reasonably close.
std::string_view closest_in(std::string_view name, const std::vector<std::string_view>& candidates);

// Operation names of model/ops.def, in its order (op indices above refer to it).
std::string_view op_name(int op);
int op_count();

// Predefined integer constants: errno codes, GFP flags, DMA_RESV_USAGE_*, READ/WRITE, HZ ...
struct Constant {
  std::string_view name;
  int64_t value;
};
const std::vector<Constant>& constants();
const Constant* find_constant(std::string_view name);

// Predefined objects (language.md section 2): reservation_ww_class, a wait-die ww class.
struct PredefinedObject {
  std::string_view name;
  ModelType type;
};
const std::vector<PredefinedObject>& predefined_objects();

}  // namespace ravel::lang
