// scenarios/litmus/lkmm_ravel_fence_cb.cc: struct dma_fence_cb under lkmm (see
// lkmm_ravel_fence.cc's design note): dma_fence_add_callback(), dma_fence_remove_callback()
// and the callback a signal runs, with drivers/dma-buf/dma-fence.c's locking.
//
// Design note. A fence's callback list ("f.cb_list") holds 0 or the one callback linked
// (cb_slot(): the dma_fence_cb's location and the function, a static function name resolved
// through sema's bindings); a dma_fence_cb's own location is its list node: 0 never
// initialized, kNodeInit on no list, kNodeLinked + the fence's location when linked. Both are
// written under the fence's lock only, as the kernel's list. Exact only with at most one
// callback linked to a fence at a time: a second one is refused (the kernel runs a list in
// registration order), when an execution that links it is consistent.
#include <string>

#include "scenarios/lang/builtins.h"
#include "scenarios/litmus/lkmm_ravel_eval.h"

namespace ravel::litmus::lkmm_ravel {

namespace {

constexpr int64_t kEinval = -22;
constexpr int64_t kEnoent = -2;
constexpr int kFnShift = 24;  // cb_slot(): the function above the callback's location
constexpr int64_t kNodeInit = 1;
constexpr int64_t kNodeLinked = 2;

int64_t cb_slot(int cb_loc, int fn) { return (int64_t{fn} + 1) << kFnShift | cb_loc; }
int slot_cb(int64_t slot) { return static_cast<int>(slot & ((int64_t{1} << kFnShift) - 1)); }
int slot_fn(int64_t slot) { return static_cast<int>((slot >> kFnShift) - 1); }

}  // namespace

// dma_fence_signal_timestamp_locked(), the fence lock held: list_replace() takes the list
// over, and each callback's node is re-initialized (INIT_LIST_HEAD) before cur->func(fence,
// cur) runs in the signaller's context.
void Eval::run_callbacks(const Layout::Fence& fc, lang::Pos pos) {
  Val slot = em_.read(fc.cb, lkmm::kOnce, 0);
  sync();
  if (slot.v == 0) return;
  store(Place{nullptr, fc.cb, 0}, Val{0, 0}, lkmm::kOnce);
  store(Place{nullptr, slot_cb(slot.v), 0}, Val{kNodeInit, 0}, lkmm::kOnce);
  run_callback(fc, slot.v, pos);
}

// cur->func(fence, cur), in the signaller's context, the fence lock held.
void Eval::run_callback(const Layout::Fence& fc, int64_t slot, lang::Pos pos) {
  const lang::Function& fn = prog_.functions[slot_fn(slot)];
  if (depth_ >= kMaxCallDepth) refuse(pos, "calls nested more than 64 deep (lkmm)");
  Frame callee;
  callee.slots.resize(fn.body.frame_size);
  const int64_t args[2] = {lkmm_thread::kAddrBase + fc.bit, lkmm_thread::kAddrBase + slot_cb(slot)};
  for (size_t i = 0; i < fn.params.size() && i < 2; ++i) {
    callee.slots[fn.params[i]->bind.index] = Val{args[i], 0};
  }
  ++depth_;
  exec(fn.body.block, callee);
  --depth_;
  em_.last_pos = pos;
}

// dma_fence_add_callback(): WARN_ON(!fence || !func) returns -EINVAL; a lockless
// test_bit(SIGNALED) returns -ENOENT at once (an ACQUIRE when true, as dma_fence_is_signaled:
// the caller then runs the callback's work itself); otherwise, under fence->lock, the bit is
// tested again (__dma_fence_enable_signaling()) and the callback linked, or -ENOENT. Every
// path initializes cb->node.
Val Eval::add_callback(const Expr* e, Frame& f) {
  Val p = eval(e->args[0], f);
  if (p.v == 0) {
    em_.trace.findings.push_back(
        {"warn", "WARNING: dma_fence_add_callback with a NULL fence", e->pos});
    return Val{kEinval, p.deps};
  }
  const Layout::Fence& fc = fence_of(p, e->args[0]->pos);
  const auto [cb, cb_addr] = pointer_arg(e->args[1], f);
  const Place node{nullptr, cb, cb_addr};
  const Expr* fn = e->args[2];
  if (fn->kind != lang::ExprKind::kIdent || fn->bind.kind != lang::Binding::Kind::kFunction ||
      !prog_.functions[fn->bind.index].defined) {
    refuse(fn->pos,
           "dma_fence_add_callback()'s function must be a defined function's name "
           "under lkmm");
  }
  auto node_init = [&] { store(node, Val{kNodeInit, 0}, lkmm::kOnce); };
  if (is_signaled(fc).v != 0) return node_init(), Val{kEnoent, 0};
  const bool on = fence_lock(fc, e->pos);
  Val ret{0, 0};
  if (is_signaled(fc).v != 0) {
    ret = Val{kEnoent, 0};
  } else {
    Val slot = em_.read(fc.cb, lkmm::kOnce, 0);
    sync();
    if (slot.v != 0) {
      const std::string msg =
          "a second callback linked to one fence is not modelled under lkmm (the kernel runs "
          "its list in registration order)";
      refuse_if_consistent(e->pos, msg);
    }
    store(Place{nullptr, fc.cb, 0}, Val{cb_slot(cb, fn->bind.index), 0}, lkmm::kOnce);
  }
  if (ret.v == 0) {
    store(node, Val{kNodeLinked + fc.bit, 0}, lkmm::kOnce);  // list_add_tail()
  } else {
    node_init();
  }
  fence_unlock(fc, on, e->pos);
  return ret;
}

// dma_fence_remove_callback(): under fence->lock, !list_empty(&cb->node) decides: linked, it
// is unlinked (list_del_init) and true returned; already run or -ENOENT (node re-initialized),
// false. A node never initialized is not list_empty() and its deletion is CONFIG_DEBUG_LIST's
// warning (lib/list_debug.c), sc's verdict; true is returned. A node linked to another fence
// (unlinked under the wrong lock) is refused.
Val Eval::remove_callback(const Expr* e, Frame& f) {
  const Layout::Fence& fc = fence_of(eval(e->args[0], f), e->args[0]->pos);
  const auto [cb, cb_addr] = pointer_arg(e->args[1], f);
  const Place node_place{nullptr, cb, cb_addr};
  const bool on = fence_lock(fc, e->pos);
  Val node = load(node_place, lkmm::kOnce);
  Val ret{0, node.deps};
  if (node.v == 0) {
    em_.trace.findings.push_back(
        {"warn", "WARNING: list_del corruption, " + lay_.names[cb] + ".node->next is NULL",
         e->pos});
    store(node_place, Val{kNodeInit, 0}, lkmm::kOnce);
    ret.v = 1;
  } else if (node.v == kNodeLinked + fc.bit) {
    store(Place{nullptr, fc.cb, 0}, Val{0, 0}, lkmm::kOnce);
    store(node_place, Val{kNodeInit, 0}, lkmm::kOnce);
    ret.v = 1;
  } else if (node.v != kNodeInit) {
    refuse_if_consistent(e->pos,
                         "dma_fence_remove_callback() of a callback linked to another "
                         "fence is not modelled under lkmm");
  }
  fence_unlock(fc, on, e->pos);
  return ret;
}

// What a thread's read made reachable but lkmm does not model: the read may have a value no
// consistent execution gives it, so the Judge refuses the scenario only when this execution
// is consistent (a "refused" finding; the path ends). init and final read memory itself.
void Eval::refuse_if_consistent(lang::Pos pos, const std::string& msg) {
  if (seq_ != nullptr) refuse(pos, msg);
  em_.trace.findings.push_back({"refused", msg, pos});
  throw Stop{};
}

}  // namespace ravel::litmus::lkmm_ravel
