// scenarios/litmus/lkmm_ravel_fence_ops.cc: struct dma_fence_ops under lkmm (see
// lkmm_ravel_fence.cc's design note): a fence declared `{ .ops = &t }` with a static table t,
// its RCU-protected ops pointer, ops->signaled called by dma_fence_is_signaled[_locked]() and
// the pointer's detach at signal time, as the RCU-protected ops series (seed 000: "dma-buf:
// protected fence ops by RCU") writes drivers/dma-buf/dma-fence.c and include/linux/dma-fence.h.
//
// Design note. A table global's own location is KASAN's ghost of its memory (as a heap object's,
// lkmm_ravel_heap.cc): kAlive until its module's unload frees it (lkmm_ravel_module.cc). The
// fence's ops pointer is a location "f.ops" holding t's address until the signal detaches it.
// The tables' members never change, so which member exists is known before any path runs, as
// sc decides it (model/dma_fence.cc is_signaled()). .signaled and .release are modelled (with
// .owner and the name callbacks, which nothing calls): a table with .enable_signaling or .wait
// changes the fence functions lkmm has (the enable section, the wait), so it is refused, as
// dma_fence_init() is (no built-in of lkmm's).
#include <string>

#include "scenarios/litmus/lkmm_ravel_eval.h"

namespace ravel::litmus::lkmm_ravel {
namespace {

using lang::ModelType;
using lkmm_thread::kAddrBase;

// A fence's `{ .ops = &t }`: t's index in Program::globals, else -1.
int fence_table(const lang::Program& prog, const lang::VarDecl* d) {
  if (!is_kernel_type(d->type->stype, ModelType::kDmaFence) || d->init == nullptr ||
      d->init->expr != nullptr || d->init->items.size() != 1 || d->init->items[0].field != "ops") {
    return -1;
  }
  return kernel_global(prog, init_expr(d->init->items[0].value), ModelType::kDmaFenceOps);
}

}  // namespace

bool ops_initializer(const lang::Program& prog, const lang::VarDecl* d) {
  if (fence_table(prog, d) >= 0) return true;
  // A table's members: screen_fence_ops() checks them.
  return is_kernel_type(d->type->stype, ModelType::kDmaFenceOps) && d->init != nullptr &&
         d->init->expr == nullptr;
}

bool screen_fence_ops(const lang::Program& prog, Error* err) {
  for (const lang::VarDecl* d : prog.globals) {
    if (!is_kernel_type(d->type->stype, ModelType::kDmaFenceOps) || d->init == nullptr) continue;
    for (const lang::Init::Item& it : d->init->items) {
      std::string why;
      if (it.field == "owner") {
        if (kernel_global(prog, init_expr(it.value), ModelType::kModule) < 0)
          why = "a table's .owner must be a global struct module's address under lkmm";
      } else if (it.field == "signaled" || it.field == "release" || it.field == "get_driver_name" ||
                 it.field == "get_timeline_name") {
        if (named_function(prog, init_expr(it.value)) < 0)
          why = "a table's ." + it.field + " must be a defined function's name under lkmm";
      } else {
        why =
            "struct dma_fence_ops member '." + it.field +
            "' is not modelled under --memory-model lkmm (only .signaled, .release and .owner are)";
      }
      if (!why.empty()) {
        *err = Error{it.pos, why};
        return false;
      }
    }
  }
  return true;
}

// Every table alive, with its members; every fence `{ .ops = &t }` an ops pointer to t.
void add_fence_ops(const lang::Program& prog, Layout* lay) {
  for (const lang::VarDecl* d : prog.globals) {
    if (!is_kernel_type(d->type->stype, ModelType::kDmaFenceOps)) continue;
    const int loc = lay->loc_of_global[d->bind.index];
    Layout::OpsTable t;
    for (size_t i = 0; d->init != nullptr && i < d->init->items.size(); ++i) {
      const lang::Init::Item& it = d->init->items[i];
      if (it.field == "signaled") t.signaled = named_function(prog, init_expr(it.value));
      if (it.field == "release") t.release = named_function(prog, init_expr(it.value));
      if (it.field == "owner")
        t.owner = lay->loc_of_global[kernel_global(prog, init_expr(it.value), ModelType::kModule)];
    }
    lay->ops_tables[loc] = t;
    lay->preset[loc] = kAlive;
  }
  for (const lang::VarDecl* d : prog.globals) {
    const int g = fence_table(prog, d);
    if (g < 0) continue;
    Layout::Fence& fc = lay->fences[lay->loc_of_global[d->bind.index]];
    fc.table = lay->loc_of_global[g];
    fc.ops = static_cast<int>(lay->names.size());
    lay->names.push_back(d->name + ".ops");
    lay->preset[fc.ops] = kAddrBase + fc.table;
  }
}

void Eval::rcu_section(bool lock, lang::Pos pos) {
  rcu_depth_ += lock ? 1 : -1;
  em_.rcu(lock, pos);
  sync();
}

// dma_fence_signal_timestamp_locked() of the series: after the SIGNALED bit, a table with
// neither .wait nor .release (lkmm refuses .wait) is detached,
// RCU_INIT_POINTER(fence->ops, NULL): a WRITE_ONCE. Readers inside rcu_read_lock() may still
// use the old table until a grace period ends.
void Eval::detach_ops(const Layout::Fence& fc) {
  if (fc.ops >= 0 && lay_.ops_tables.at(fc.table).release < 0)
    store(Place{nullptr, fc.ops, 0}, Val{0, 0}, lkmm::kOnce);
}

// dma_fence_release() of the series, the last reference gone: in rcu_read_lock(), a fence
// still holding callbacks is WARNed and signalled with -EDEADLK (not modelled: refused), then
// ops = rcu_dereference(fence->ops) and ops->release(fence) when the table has it (KASAN's
// check of the table first, the indirect call a control dependency), else dma_fence_free(),
// a kfree_rcu of the fence (lkmm_ravel_rcu_free.cc). A table with .release is never detached;
// one without may be (NULL read), else its .release member is read (KASAN's check).
void Eval::fence_release(const Layout::Fence& fc, lang::Pos pos) {
  const int release = fc.ops >= 0 ? lay_.ops_tables.at(fc.table).release : -1;
  rcu_section(true, pos);
  if (load(Place{nullptr, fc.cb, 0}, lkmm::kOnce).v != 0) {
    refuse_if_consistent(pos, "a fence released with a callback linked is not modelled under lkmm");
  }
  if (fc.ops >= 0) {
    Val ops = load(Place{nullptr, fc.ops, 0}, lkmm::kOnce);
    const bool detached = release < 0 && ops.v == 0;
    if (!detached && ops.v != kAddrBase + fc.table)
      refuse(pos, "a fence's ops pointer changed (lkmm)");
    if (!detached) table_check(fc.table, ops.deps, "dma_fence_ops.release", pos);
    em_.branch(ops.deps);
  }
  if (release >= 0) {
    invoke(prog_.functions[release], {Val{kAddrBase + fc.bit, 0}}, pos);
  } else {
    fence_free(fc, pos);
  }
  rcu_section(false, pos);
}

// dma_fence_is_signaled[_locked]() of the series: test_bit(SIGNALED); then, in rcu_read_lock(),
// ops = rcu_dereference(fence->ops) and ops->signaled(fence), its member read first (KASAN's
// check of the table, as a heap object's access, with the pointer's address dependency; the
// indirect call a control dependency); after rcu_read_unlock(), a true answer signals the
// fence (dma_fence_signal(), or dma_fence_signal_locked() for _locked). A table without
// .signaled is not read: sc's shortcut (the answer is false whatever the pointer holds).
Val Eval::signaled_ops(const Layout::Fence& fc, bool locked, lang::Pos pos) {
  Val bit = is_signaled(fc);
  if (bit.v != 0 || fc.ops < 0 || lay_.ops_tables.at(fc.table).signaled < 0) return bit;
  rcu_section(true, pos);
  Val ops = load(Place{nullptr, fc.ops, 0}, lkmm::kOnce);
  Val done{0, ops.deps | bit.deps};
  if (ops.v != 0) {
    if (ops.v != kAddrBase + fc.table) refuse(pos, "a fence's ops pointer changed (lkmm)");
    const Layout::OpsTable& t = lay_.ops_tables.at(fc.table);
    table_check(fc.table, ops.deps, "dma_fence_ops.signaled", pos);
    em_.branch(ops.deps);
    Val r = invoke(prog_.functions[t.signaled], {Val{kAddrBase + fc.bit, 0}}, pos);
    done = Val{r.v != 0, r.deps | done.deps};
  }
  rcu_section(false, pos);
  if (done.v == 0) return done;
  if (locked && !holds(fc.lock)) {  // dma_fence_signal_locked(): lockdep_assert_held()
    refuse_if_consistent(pos,
                         "dma_fence_is_signaled_locked() signalling without the fence's lock "
                         "held is not modelled under lkmm (lockdep_assert_held: sc reports it)");
  }
  if (locked) {
    signal_locked(fc, pos);
  } else {
    signal_fence(fc, pos);
  }
  return done;
}

// KASAN's shadow read of an ops table before its member is read, worded as sc's slab_check().
void Eval::table_check(int table, uint64_t deps, const char* member, lang::Pos pos) {
  Val g = em_.read(table, lkmm::kOnce, deps);
  sync();
  if (g.v == kFreed) {
    em_.trace.findings.push_back(
        {"uaf", std::string("BUG: KASAN: slab-use-after-free in ") + member, pos});
  }
}

}  // namespace ravel::litmus::lkmm_ravel
