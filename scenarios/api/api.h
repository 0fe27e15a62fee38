// scenarios/api/api.h: the declaration forms of a kernel API (see all.def and
// docs/architecture.md "One place per kernel API").
//
// A model pair (model/foo.h, model/foo.cc) gets one declaration file, scenarios/api/foo.def,
// listed in all.def. Every line of it is one of the forms below. The file is read by:
//   - scenarios/lang (the built-in table, the ApiId ids, the model types, the `lock` mask): it
//     keeps the name, signature, return, op and await columns and drops the C++ ones unread, so
//     the front end still does not depend on the models;
//   - the binder of the pair in scenarios/interp (bind_*_builtins in builtins_*.cc, where the
//     pair's own binding functions live): the binding, factory and C++ type columns are compiled
//     into bindings() (dispatch by ApiId, factory and lockdep map by model type), so a kernel
//     name without a model function of that name is a compile error ("'spin_unlcok' is not a
//     member of 'ravel::model'");
//   - editors/generate.py (the highlighted names).
// Signature and return strings use the notation of scenarios/lang/builtins.cc; the table is
// built at compile time, so an unknown type name in a signature or an unknown op name is a
// compile error too.
//
// Primitive forms (each includer defines the ones it needs; all.def supplies empty defaults):
//   RAVEL_API(name, sig, ret, op, in_await, caller, binding)
//       A kernel API named `name`: argument signature, return, ops.def name ("none" for a pure
//       helper), may it appear in await(e), how it uses its caller's identity (below), and the
//       interpreter's binding (Value (*)(Call&)).
//   RAVEL_TYPE(enumerator, c_spelling, short_name, cxx_type, factory[, dep_map])
//       A model type: the language's type (`spinlock_t`), the C++ model type and the factory
//       that makes an object for a declaration (scenarios/interp/objects.cc); for a type that
//       holds a lock without being one (struct xarray), the function giving that lock's lockdep
//       map.
//   RAVEL_LOCK_TYPE(enumerator, c_spelling, short_name, cxx_type, factory)
//       The same for a lock type: it joins the `lock` signature mask (lockdep_assert_held and
//       friends accept it) and its lockdep map is `cxx_type::dep_map`.
//
// The `caller` column (every form has it, the binding's left neighbour; symmetry reduction,
// docs/reduction.md, scenarios/interp/symmetry.cc):
//   symmetric  acts on its arguments and on the calling task's context (IRQs, preemption, held
//              locks), never on which task or CPU it is: identical threads that call it stay
//              interchangeable;
//   identity   may tell tasks or CPUs apart (smp_processor_id, current): a program that calls it
//              gets no symmetry reduction.
// A row without the column, or with another word there, does not compile.
//
// Shapes: most kernel APIs have one of a few C++ signatures; a shape derives the language
// signature from it, so the declaration is the kernel name plus the model type it takes.
// The binding templates (scenarios/interp/runtime.h) static_assert the C++ function's shape.
#pragma once

// void F(Loc): local_irq_disable(), might_sleep().
#define RAVEL_CTX(name, caller) \
  RAVEL_API(name, "", "", #name, false, caller, ::ravel::interp::ctx_call<&::ravel::model::name>)
// bool F(): a pure query of the current context (in_irq()); no operation of its own.
#define RAVEL_QUERY(name, caller)                 \
  RAVEL_API(name, "", "v", "none", false, caller, \
            ::ravel::interp::query_call<&::ravel::model::name>)
// void F(T*, Loc): spin_lock(&l).
#define RAVEL_OBJ(name, type, caller) \
  RAVEL_API(name, #type, "", #name, false, caller, ::ravel::interp::obj_void<&::ravel::model::name>)
// R F(T*, Loc), R an integer or bool: spin_trylock(&l).
#define RAVEL_OBJ_V(name, type, caller)             \
  RAVEL_API(name, #type, "v", #name, false, caller, \
            ::ravel::interp::obj_value<&::ravel::model::name>)
// unsigned long F(T*, Loc) storing into the lvalue argument 1: spin_lock_irqsave(&l, flags).
#define RAVEL_IRQSAVE(name, type, caller)                \
  RAVEL_API(name, #type ",lv", "", #name, false, caller, \
            ::ravel::interp::lock_irqsave<&::ravel::model::name>)
// void F(T*, unsigned long, Loc): spin_unlock_irqrestore(&l, flags).
#define RAVEL_IRQRESTORE(name, type, caller)            \
  RAVEL_API(name, #type ",v", "", #name, false, caller, \
            ::ravel::interp::unlock_irqrestore<&::ravel::model::name>)
