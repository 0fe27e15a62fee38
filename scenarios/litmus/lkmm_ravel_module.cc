// scenarios/litmus/lkmm_ravel_module.cc: struct module under lkmm (see lkmm_ravel_fence_ops.cc):
// module_unload() frees the dma_fence_ops tables the module owns, so that a reader still
// calling through one afterwards is KASAN's use-after-free, as under sc (model/module.cc);
// try_module_get() and module_put() take and drop references that make the unload fail.
//
// Design note. A module global's own location is its reference count and its state at once,
// as the kernel's mod->refcnt is (kernel/module/main.c: try_release_module_ref() takes the
// base reference away only when no other is held, and try_module_get()'s
// atomic_inc_not_zero() fails from then on): 0 loaded with no reference, n > 0 loaded with n
// references, kGone (-1) unloaded. Every change is one RMW; the kernel's are value-returning
// atomics, fully ordered when they write (atomic_t.txt), unordered (a marked read only) when
// they fail. module_unload is delete_module() as sc models it: -ENOENT for a module already
// gone, -EBUSY while references are held (nothing freed), otherwise the module is marked gone,
// free_module()'s synchronize_rcu() runs (its grace-period fence: a reader whose RCU read-side
// section began before it finishes before anything after it), and each table whose .owner it
// is is freed (a relaxed xchg of kFreed into the table's ghost, as kfree in
// lkmm_ravel_heap.cc). Only dma_fence_ops tables have an .owner lkmm lays out (every other ops
// type is refused by the screen).
#include <functional>
#include <optional>

#include "scenarios/litmus/lkmm_ravel_eval.h"

namespace ravel::litmus::lkmm_ravel {

namespace {

constexpr int64_t kEnoent = -2;
constexpr int64_t kEbusy = -16;
constexpr int64_t kGone = -1;

}  // namespace

bool module_builtin_name(const std::string& n) {
  return n == "module_unload" || n == "try_module_get" || n == "module_put";
}

// One RMW of the module's word: a marked read, and when `next` gives a value for the old one,
// a fully ordered write of it (the read then fully ordered too). Returns the old value.
Val Eval::module_rmw(int loc, uint64_t addr,
                     const std::function<std::optional<int64_t>(int64_t)>& next) {
  Val old = em_.read(loc, lkmm::kOnce | lkmm::kRmwInsn, addr);
  const int r = static_cast<int>(em_.trace.ev.size()) - 1;
  if (std::optional<int64_t> nv = next(old.v)) {
    em_.trace.ev[r].tags |= lkmm::kMbTag;
    const int w =
        em_.write(loc, lkmm::kOnce | lkmm::kRmwInsn | lkmm::kMbTag, Val{*nv, old.deps}, addr);
    em_.trace.rmw.push_back({r, w});
  }
  sync();
  return old;
}

bool Eval::module(const std::string& n, const Expr* e, Frame& f, Val* out) {
  if (!module_builtin_name(n)) return false;
  if (n == "module_unload") return module_unload(e, f, out), true;
  // A NULL module is the kernel's oops under sc too (its interpreter dereferences the argument
  // of every struct module call), though include/linux/module.h lets built-in code pass NULL.
  auto [mod, addr] = pointer_arg(e->args[0], f);
  if (n == "try_module_get") {
    // kernel/module/main.c try_module_get(): module_is_live() && atomic_inc_not_zero() on
    // refcnt: fails once the module is going.
    Val old = module_rmw(mod, addr, [](int64_t v) -> std::optional<int64_t> {
      if (v == kGone) return std::nullopt;
      return v + 1;
    });
    *out = Val{old.v != kGone ? 1 : 0, old.deps};
    return true;
  }
  // kernel/module/main.c module_put(): atomic_dec_if_positive(), WARN_ON() when no reference
  // was held (sc's model/module.cc: a put without a reference warns and changes nothing).
  Val old = module_rmw(mod, addr, [](int64_t v) -> std::optional<int64_t> {
    if (v <= 0) return std::nullopt;
    return v - 1;
  });
  if (old.v <= 0) {
    em_.trace.findings.push_back(
        {"warn", "WARNING: module_put(" + lay_.names[mod] + "): refcount below zero", e->pos});
  }
  return true;
}

void Eval::module_unload(const Expr* e, Frame& f, Val* out) {
  auto [mod, addr] = pointer_arg(e->args[0], f);
  // kernel/module/main.c delete_module(): try_stop_module() fails with -EBUSY while
  // references are held (try_release_module_ref()); a module gone already is -ENOENT.
  Val old = module_rmw(mod, addr, [](int64_t v) -> std::optional<int64_t> {
    if (v != 0) return std::nullopt;
    return kGone;
  });
  *out = Val{old.v == kGone ? kEnoent : old.v > 0 ? kEbusy : 0, old.deps};
  if (old.v != 0) return;
  // kernel/module/main.c free_module(): synchronize_rcu() before free_mod_mem().
  if (rcu_depth_ > 0 || !held_.empty()) {
    refuse(e->pos,
           "module_unload() inside an RCU read-side section or under a spinlock is not "
           "modelled under lkmm (sc reports it)");
  }
  static const lkmm_thread::RmwSpec kXchg = *lkmm_thread::rmw_spec("xchg_relaxed");
  em_.fence(lkmm::Fence::kSyncRcu);
  sync();
  for (const auto& [table, t] : lay_.ops_tables) {
    if (t.owner != mod) continue;
    em_.rmw(kXchg, table, old.deps, {Val{}, Val{kFreed, 0}});  // slab_free_internal()
    sync();
  }
}

}  // namespace ravel::litmus::lkmm_ravel
