// scenarios/lang/ast_walk.h: walks over the checked AST that several back ends share (the
// lkmm screens and layouts, the interpreter's static facts about a task's code).
#pragma once

#include <functional>
#include <string_view>
#include <vector>

#include "scenarios/lang/ast.h"

namespace ravel::lang {

// A kernel object of type m itself (not a pointer to one).
bool is_kernel_type(const SType& t, ModelType m);
// `&g` in an initializer or an argument, g a global of kernel type m: g's index in
// Program::globals, else -1 (null, another expression, another type).
int kernel_global(const Program& prog, const Expr* a, ModelType m);
// Whether e is a call of the built-in `name` (e may be null).
bool is_call_of(const Expr* e, std::string_view name);
// Every expression under s or e, outermost first (statements' declarations, conditions, loop
// parts and xa_for_each arguments included).
void for_each_expr(const Stmt* s, const std::function<void(const Expr*)>& fn);
void for_each_expr(const Expr* e, const std::function<void(const Expr*)>& fn);
// Every call of the built-in `name` in the code of `s` (not in the functions it calls), in
// source order.
void calls_of(const Stmt* s, std::string_view name, std::vector<const Expr*>* out);
void calls_of(const Expr* e, std::string_view name, std::vector<const Expr*>* out);

}  // namespace ravel::lang
