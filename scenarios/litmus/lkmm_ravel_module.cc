// scenarios/litmus/lkmm_ravel_module.cc: struct module under lkmm (see lkmm_ravel_fence_ops.cc):
// module_unload() frees the dma_fence_ops tables the module owns, so that a reader still
// calling through one afterwards is KASAN's use-after-free, as under sc (model/module.cc).
//
// Design note. A module global's own location is its state: 0 loaded, 1 gone. module_unload is
// kernel/module/main.c's delete_module() as sc models it: -ENOENT for a module already gone;
// references (try_module_get(), module_put()) are not modelled under lkmm, so none is ever
// held and -EBUSY never returned; otherwise the module is marked gone, free_module()'s
// synchronize_rcu() runs (its grace-period fence: a reader whose RCU read-side section began
// before it finishes before anything after it), and each table whose .owner it is is freed (a
// relaxed xchg of kFreed into the table's ghost, as kfree in lkmm_ravel_heap.cc). Only
// dma_fence_ops tables have an .owner lkmm lays out (every other ops type is refused by the
// screen).
#include "scenarios/litmus/lkmm_ravel_eval.h"

namespace ravel::litmus::lkmm_ravel {

namespace {

constexpr int64_t kEnoent = -2;
constexpr int64_t kGone = 1;

}  // namespace

bool module_builtin_name(const std::string& n) { return n == "module_unload"; }

bool Eval::module(const std::string& n, const Expr* e, Frame& f, Val* out) {
  if (!module_builtin_name(n)) return false;
  static const lkmm_thread::RmwSpec kXchg = *lkmm_thread::rmw_spec("xchg_relaxed");
  auto [mod, addr] = pointer_arg(e->args[0], f);
  Val old = em_.rmw(kXchg, mod, addr, {Val{}, Val{kGone, 0}});
  sync();
  *out = Val{old.v != 0 ? kEnoent : 0, old.deps};
  if (old.v != 0) return true;
  // kernel/module/main.c free_module(): synchronize_rcu() before free_mod_mem().
  if (rcu_depth_ > 0 || !held_.empty()) {
    refuse(e->pos,
           "module_unload() inside an RCU read-side section or under a spinlock is not "
           "modelled under lkmm (sc reports it)");
  }
  em_.fence(lkmm::Fence::kSyncRcu);
  sync();
  for (const auto& [table, t] : lay_.ops_tables) {
    if (t.owner != mod) continue;
    em_.rmw(kXchg, table, old.deps, {Val{}, Val{kFreed, 0}});  // slab_free_internal()
    sync();
  }
  return true;
}

}  // namespace ravel::litmus::lkmm_ravel
