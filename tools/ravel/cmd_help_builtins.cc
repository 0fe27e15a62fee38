// tools/ravel/cmd_help_builtins.cc: `ravel help builtins`: the scenario language's built-in
// table (scenarios/lang/builtins.cc), its constants and predefined objects, printed from the
// table itself so that it cannot disagree with what `ravel check` accepts. docs/language.md
// describes every entry; tests/docs checks that it names each one.
//
// One line per built-in: NAME(ARG, ...) -> RESULT, then notes in brackets. An argument is
//   value                 any expression
//   T *                   a pointer to a model object of type T ("(A | B) *": either type)
//   T                     the object itself or a pointer to it (wait queues)
//   function              a function name or a value holding one
//   struct T              a type name          field   a field name
//   lvalue                a variable the call writes          condition   re-evaluated
//   "string"              a string literal
// and optional arguments are in square brackets.
#include <cstdio>
#include <string>

#include "scenarios/lang/builtins.h"
#include "scenarios/lang/types.h"
#include "tools/ravel/cli.h"

namespace ravel::cli {

namespace {

std::string types_of(lang::ModelMask mask) {
  std::string out;
  for (int i = 0; i < lang::kModelTypeCount; ++i) {
    if (!(mask & (lang::ModelMask{1} << i))) continue;
    if (!out.empty()) out += " | ";
    out += lang::model_type_name(static_cast<lang::ModelType>(i));
  }
  return out;
}

std::string arg_text(const lang::ArgSpec& a) {
  switch (a.kind) {
    case lang::ArgKind::kValue:
      return "value";
    case lang::ArgKind::kObject:  // (A | B) * when it takes several types
      return (a.mask & (a.mask - 1)) != 0 ? "(" + types_of(a.mask) + ") *"
                                          : types_of(a.mask) + " *";
    case lang::ArgKind::kObjectOrValue:
      return types_of(a.mask);
    case lang::ArgKind::kFunction:
      return "function";
    case lang::ArgKind::kType:
      return "struct T";
    case lang::ArgKind::kField:
      return "field";
    case lang::ArgKind::kLvalue:
      return "lvalue";
    case lang::ArgKind::kCond:
      return "condition";
    case lang::ArgKind::kString:
      return "\"string\"";
  }
  return "?";
}

std::string result_text(const lang::Builtin& b) {
  switch (b.ret) {
    case lang::RetKind::kVoid:
      return "void";
    case lang::RetKind::kValue:
      return "value";
    case lang::RetKind::kModelPtr:
      return std::string(lang::model_type_name(b.ret_model)) + " *";
    case lang::RetKind::kTypeArgPtr:
      return "struct T *";
    case lang::RetKind::kSameAsArg0:
      return "its first argument's type";
    case lang::RetKind::kInitValue:
      return "initializer of " + std::string(lang::model_type_name(b.ret_model));
  }
  return "?";
}

std::string builtin_signature(const lang::Builtin& b) {
  std::string s = std::string(b.name) + "(";
  for (int i = 0; i < b.max_args; ++i) {
    if (i > 0) s += ", ";
    bool opt = i >= b.min_args;
    s += (opt ? "[" : "") + arg_text(b.args[i]) + (opt ? "]" : "");
  }
  s += ") -> " + result_text(b);
  return s;
}

}  // namespace

int run_help_builtins() {
  std::printf("built-in functions (%zu):\n", lang::builtins().size());
  for (const lang::Builtin& b : lang::builtins()) {
    std::string line = "  " + builtin_signature(b);
    if (b.block) line += "  [followed by a statement: a loop]";
    if (b.in_await) line += "  [allowed in await()]";
    std::printf("%s\n", line.c_str());
  }
  std::printf("\nconstants:\n");
  for (const lang::Constant& c : lang::constants()) {
    std::printf("  %-26.*s %lld\n", static_cast<int>(c.name.size()), c.name.data(),
                static_cast<long long>(c.value));
  }
  std::printf("\npredefined objects:\n");
  for (const lang::PredefinedObject& o : lang::predefined_objects()) {
    std::printf("  %.*s (%.*s)\n", static_cast<int>(o.name.size()), o.name.data(),
                static_cast<int>(lang::model_type_name(o.type).size()),
                lang::model_type_name(o.type).data());
  }
  return kExitOk;
}

}  // namespace ravel::cli
