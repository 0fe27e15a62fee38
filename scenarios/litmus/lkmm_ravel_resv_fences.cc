// scenarios/litmus/lkmm_ravel_resv_fences.cc: a dma_resv's fence slots under --memory-model
// lkmm (see lkmm_ravel.h; docs/litmus.md "Scenarios under lkmm"): dma_resv_reserve_fences(),
// dma_resv_add_fence(), dma_resv_wait_timeout() and __dma_fence_might_wait()'s lockdep map.
//
// Design note. drivers/dma-buf/dma-resv.c keeps the fences in an RCU-managed array (struct
// dma_resv_list: num_fences, max_fences, table[]) that writers change under the reservation's
// lock, inside write_seqcount_begin/end(&obj->seq), and unlocked readers walk under
// rcu_read_lock() with read_seqcount_begin/retry. Fences are globals under lkmm, so the array
// is abstracted per (resv, fence global): one slot location holding 0 (absent) or the usage + 1
// (Layout::ResvSlots). Which index a fence occupies changes no verdict; the abstraction cannot
// hold one fence twice (two usages), which is refused. The seqcount's barriers are emitted
// (smp_wmb before and smp_mb after the writer's store, smp_rmb after the reader's load) but
// not its retry: a reader may see any mix of slots a retry would have avoided, a superset of
// the kernel's snapshots (no false ok).
//
// Slot accounting follows sc (model/dma_resv.cc), which is the function's contract ("Should be
// called before dma_resv_add_fence()", reserve n to add n) rather than the allocator's rounding:
// the kernel's first reservation rounds up to at least 4 slots (dma_resv_list_alloc()), and the
// debug build only checks the contract across an unlock (dma_resv_reset_max_fences()). The free
// slots are one location, 0 before any reservation (obj->fences NULL), else 1 + the free count,
// accessed plainly under the lock.
#include <algorithm>
#include <cstdint>
#include <set>
#include <string>

#include "scenarios/interp/interp.h"
#include "scenarios/litmus/lkmm_ravel_eval.h"

namespace ravel::litmus::lkmm_ravel {
namespace {

constexpr int64_t kEinval = 22;

bool is_resv_global(const lang::VarDecl* d) {
  const lang::SType& t = d->type->stype;
  return t.kind == lang::SType::Kind::kModel && t.depth == 0 &&
         t.model == lang::ModelType::kDmaResv;
}

}  // namespace

bool resv_fences_builtin_name(const std::string& n) {
  return n == "dma_resv_reserve_fences" || n == "dma_resv_add_fence" ||
         n == "dma_resv_wait_timeout" || n == "dma_resv_test_signaled";
}

// The slot locations of every dma_resv global, when the program uses them: the free count,
// then one per dma_fence (Layout::fences, in location order).
void add_resv_slots(const lang::Program& prog, Layout* lay) {
  bool used = false;
  for (const char* n : {"dma_resv_reserve_fences", "dma_resv_add_fence", "dma_resv_wait_timeout",
                        "dma_resv_test_signaled"})
    used = used || interp::calls_builtin(prog, n);
  if (!used) return;
  for (const lang::VarDecl* d : prog.globals) {
    if (!is_resv_global(d)) continue;
    const int loc = lay->loc_of_global[d->bind.index];
    Layout::ResvSlots s;
    s.free = static_cast<int>(lay->names.size());
    lay->names.push_back(d->name + ".free_slots");
    for (const auto& [bit, fc] : lay->fences) {
      s.slot[bit] = static_cast<int>(lay->names.size());
      lay->names.push_back(d->name + ".fence." + lay->names[bit]);
    }
    lay->resv_slots[loc] = s;
  }
}

bool Eval::resv_fences(const std::string& n, const Expr* e, Frame& f, Val* out) {
  if (!resv_fences_builtin_name(n)) return false;
  auto [loc, addr] = pointer_arg(e->args[0], f);
  auto it = lay_.resv_slots.find(loc);
  if (it == lay_.resv_slots.end())
    refuse(e->args[0]->pos, n + "() on a dma_resv that is not a global is not modelled under lkmm");
  *out = Val{};
  if (n == "dma_resv_wait_timeout") {
    *out = resv_wait(it->second, e, f);
    return true;
  }
  if (n == "dma_resv_test_signaled") {  // lkmm_ravel_wait2.cc
    *out = resv_test_signaled(it->second, e, f);
    return true;
  }
  // dma_resv_assert_held(obj) comes first in both: sc reports its failure.
  if (!holds(loc)) {
    refuse(e->pos, n + "() without the reservation's lock held is not modelled under lkmm "
                       "(dma_resv_assert_held: sc reports it)");
  }
  if (n == "dma_resv_reserve_fences") {
    *out = reserve_fences(it->second, e, f);
  } else {
    add_fence(it->second, e, f);
  }
  return true;
}

// dma_resv_reserve_fences(obj, n): WARN_ON(!num_fences) and -EINVAL (since v6.2, as sc), else
// at least n free slots (see the design note), 0.
Val Eval::reserve_fences(const Layout::ResvSlots& s, const Expr* e, Frame& f) {
  Val n = eval(e->args[1], f);
  if (n.v == 0) {
    em_.trace.findings.push_back(
        {"warn", "WARNING: dma_resv_reserve_fences with num_fences == 0", e->pos});
    return Val{-kEinval, n.deps};
  }
  if (n.v < 0 || n.v > 64)
    refuse_if_consistent(e->args[1]->pos,
                         "dma_resv_reserve_fences() of more than 64 slots under lkmm");
  Val free = load(Place{nullptr, s.free, 0}, 0);
  const int64_t now = free.v == 0 ? 0 : free.v - 1;
  store(Place{nullptr, s.free, 0}, Val{1 + std::max(now, n.v), free.deps | n.deps}, 0);
  return Val{0, 0};
}

// dma_resv_unlock()'s dma_resv_reset_max_fences() (CONFIG_DEBUG_MUTEXES): max_fences =
// num_fences, no free slot left, when a list exists.
void Eval::reset_max_fences(int resv) {
  auto it = lay_.resv_slots.find(resv);
  if (it == lay_.resv_slots.end()) return;
  Val free = load(Place{nullptr, it->second.free, 0}, 0);
  if (free.v > 1) store(Place{nullptr, it->second.free, 0}, Val{1, free.deps}, 0);
}

// dma_resv_add_fence(obj, fence, usage) under the lock: a slot whose fence has the new one's
// context (every fence global has its own: dma_fence_new()'s context 0 is a fresh one, as
// sc's) with a usage at least as wide, or whose fence is signalled, is replaced; else
// BUG_ON(num_fences >= max_fences), then a new slot. The store is the writer side of the
// seqcount and of RCU_INIT_POINTER + smp_store_mb(num_fences) (see the design note).
void Eval::add_fence(const Layout::ResvSlots& s, const Expr* e, Frame& f) {
  const int bit = fence_of(eval(e->args[1], f), e->args[1]->pos).bit;
  if (s.slot.count(bit) == 0)  // a fence in a struct or heap object: no slot reserved for it
    refuse(e->args[1]->pos, "dma_resv_add_fence() of a fence that is not a global under lkmm");
  Val usage = eval(e->args[2], f);
  if (usage.v < 0 || usage.v > 3)
    refuse_if_consistent(e->args[2]->pos, "an unknown dma_resv_usage");
  Val free = load(Place{nullptr, s.free, 0}, 0);
  if (free.v == 0) {
    refuse_if_consistent(
        e->pos,
        "dma_resv_add_fence() before any dma_resv_reserve_fences() on the reservation is "
        "not modelled under lkmm (sc reports the NULL dereference of obj->fences)");
  }
  int replaced = -1;  // the slot whose fence the new one takes the place of
  for (const auto& [other, slot] : s.slot) {
    Val u = load(Place{nullptr, slot, 0}, 0);  // under the lock: rcu_dereference_protected
    if (u.v == 0) continue;
    if (other == bit) {
      if (u.v - 1 < usage.v) {
        refuse_if_consistent(
            e->pos,
            "one fence in two slots of a reservation (added again with a wider usage) is "
            "not modelled under lkmm");
      }
      replaced = slot;
      break;
    }
    if (is_signaled(lay_.fences.at(other)).v != 0) {
      replaced = slot;
      break;
    }
  }
  if (replaced < 0 && free.v <= 1) {
    // sc's words (model/dma_resv.cc): the debug kernel's BUG_ON, fatal.
    em_.trace.findings.push_back(
        {"assertion",
         "kernel BUG at drivers/dma-buf/dma-resv.c: dma_resv_add_fence without a reserved slot",
         e->pos});
    throw Stop{};
  }
  em_.fence(lkmm::Fence::kWmb);  // write_seqcount_begin()
  sync();
  if (replaced >= 0 && replaced != s.slot.at(bit))
    store(Place{nullptr, replaced, 0}, Val{}, lkmm::kOnce);
  store(Place{nullptr, s.slot.at(bit), 0}, Val{usage.v + 1, usage.deps}, lkmm::kOnce);
  em_.fence(lkmm::Fence::kMb);  // smp_store_mb(fobj->num_fences, count)
  sync();
  if (replaced < 0) store(Place{nullptr, s.free, 0}, Val{free.v - 1, free.deps}, 0);
}

}  // namespace ravel::litmus::lkmm_ravel
