// scenarios/litmus/lkmm_ravel_fence_ref.cc: a dma_fence's reference count under lkmm (see
// lkmm_ravel_fence.cc's design note): dma_fence_get() and dma_fence_put() as
// include/linux/dma-fence.h writes them, kref_get()/kref_put(&fence->refcount,
// dma_fence_release) behind an `if (fence)`.
//
// Design note. A fence of a program that takes or drops references has a fifth location,
// "f.refcount", starting at 1 (__dma_fence_init()'s kref_init()). A get is refcount_inc(), a put
// refcount_dec_and_test(), with the orderings refcount-vs-atomic.rst gives them (as kref_get
// and kref_put in lkmm_ravel_kernel.cc). The last put runs dma_fence_release(): through a
// table's .release (lkmm_ravel_fence_ops.cc) or dma_fence_free()'s kfree_rcu of the fence
// (lkmm_ravel_rcu_free.cc); a fence released with callbacks linked is not modelled: an
// execution that reaches it is refused when consistent, and so is a get of a fence already
// released.
#include <string>

#include "scenarios/interp/interp.h"
#include "scenarios/litmus/lkmm_ravel_eval.h"

namespace ravel::litmus::lkmm_ravel {

bool fence_ref_builtin_name(const std::string& n) {
  return n == "dma_fence_get" || n == "dma_fence_put";
}

bool uses_fence_refs(const lang::Program& prog) {
  return interp::calls_builtin(prog, "dma_fence_get") ||
         interp::calls_builtin(prog, "dma_fence_put");
}

// dma_fence_get(): `if (fence) kref_get(&fence->refcount); return fence;` -- refcount_inc(),
// fully unordered (refcount-vs-atomic.rst). NULL is returned as it came. From 0 it is
// refcount_t's "addition on 0; use-after-free." on a released fence: refused (the release is).
// dma_fence_put(): `if (fence) kref_put(&fence->refcount, dma_fence_release);` --
// refcount_dec_and_test(), a RELEASE; reaching zero runs dma_fence_release().
bool Eval::fence_ref(const std::string& n, const Expr* e, Frame& f, Val* out) {
  if (!fence_ref_builtin_name(n)) return false;
  Val p = eval(e->args[0], f);
  *out = n == "dma_fence_get" ? p : Val{0, 0};
  if (p.v == 0) return true;
  const Layout::Fence& fc = fence_of(p, e->args[0]->pos);
  const bool get = n == "dma_fence_get";
  Val old = get ? refcount_inc(fc.ref, 0, e->pos) : refcount_dec_and_test(fc.ref, 0, e->pos);
  if (old.v <= 0) {
    refuse_if_consistent(e->pos, n + "() of a fence already released (dma_fence_release()) is "
                                     "not modelled under lkmm");
  }
  if (!get && old.v == 1) fence_release(fc, e->pos);  // lkmm_ravel_fence_ops.cc
  return true;
}

}  // namespace ravel::litmus::lkmm_ravel
