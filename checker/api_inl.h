// checker/api_inl.h: template definitions of checker/api.h (included at its end).
#pragma once

#include <new>
#include <type_traits>
#include <utility>

namespace ravel {

template <class T, class... Args>
T* Ctx::make(Args&&... args) {
  void* mem = arena_alloc(sizeof(T), alignof(T));
  T* obj = new (mem) T(std::forward<Args>(args)...);
  if constexpr (!std::is_trivially_destructible_v<T>) {
    // Destroyed in reverse creation order when the execution ends (after every fiber unwound).
    add_destructor(
        +[](void* p) { static_cast<T*>(p)->~T(); }, obj);
  }
  return obj;
}

template <class F>
TaskId Ctx::spawn_fn(TaskSpec spec, F&& fn) {
  using Fn = std::decay_t<F>;
  Fn* stored = make<Fn>(std::forward<F>(fn));
  spec.entry = +[](void* p) {
    Fn& f = *static_cast<Fn*>(p);
    if constexpr (std::is_invocable_v<Fn&, Ctx&>) {
      f(Ctx::current());
    } else {
      f();
    }
  };
  spec.arg = stored;
  return spawn(spec);
}

}  // namespace ravel
