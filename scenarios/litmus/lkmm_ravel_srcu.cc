// scenarios/litmus/lkmm_ravel_srcu.cc: SRCU in scenarios under lkmm (see lkmm_ravel_eval.h;
// docs/litmus.md "Scenarios under lkmm"), as the bell file has it and litmus tests get it
// (lkmm_thread.cc): srcu_read_lock()/srcu_down_read() read the srcu_struct's location and
// return the index read (0: no event writes it; sc returns the parity of the grace periods
// started, model/srcu.h), srcu_read_unlock()/srcu_up_read() write the index they are given
// (the data dependency the LKMM matches the section by), synchronize_srcu() is a grace period
// of that srcu_struct. srcu_dereference() is rcu_dereference()'s marked read, its lockdep check
// against the thread's srcu_read_lock() sections of that struct. What sc reports and lkmm cannot
// follow is refused: synchronize_srcu() inside a section of its own struct (a hang), in an RCU
// reader or under a spinlock; an srcu_read_unlock() without a section. init_srcu_struct() and
// cleanup_srcu_struct() run in init or final only, where they change nothing lkmm models: their
// WARNs need a section of the struct open (the init's or final's own: refused) or, for the
// cleanup, a call_srcu() callback not yet invoked (none in init, which cannot queue one; all
// invoked in final, which runs only on executions where every thread completed and no thread
// ends inside a section). call_srcu and srcu_barrier: lkmm_ravel_call_rcu.cc.
#include <algorithm>
#include <set>

#include "scenarios/litmus/lkmm_ravel_eval.h"

namespace ravel::litmus::lkmm_ravel {

bool srcu_builtin_name(const std::string& n) {
  static const std::set<std::string> kNames = {
      "srcu_read_lock",   "srcu_read_unlock",       "srcu_down_read",
      "srcu_up_read",     "synchronize_srcu",       "synchronize_srcu_expedited",
      "srcu_dereference", "srcu_dereference_check", "srcu_read_lock_held",
      "init_srcu_struct", "cleanup_srcu_struct",
  };
  return kNames.count(n) > 0;
}

bool Eval::srcu(const std::string& n, const Expr* e, Frame& f, Val* out) {
  if (!srcu_builtin_name(n)) return false;
  *out = Val{};
  if (n == "srcu_dereference" || n == "srcu_dereference_check") {
    // __rcu_dereference_check(): the condition first, then the read.
    const bool cond = n == "srcu_dereference_check" && eval(e->args[2], f).v != 0;
    const int s = pointer_arg(e->args[1], f).first;
    *out = load(place(e->args[0], f), lkmm::kOnce);
    if (!cond && std::count(srcu_held_.begin(), srcu_held_.end(), s) == 0) {
      em_.trace.findings.push_back({"lockdep", "WARNING: suspicious RCU usage", e->pos});
    }
    return true;
  }
  auto [loc, addr] = pointer_arg(e->args[0], f);
  if (n == "srcu_read_lock_held") {
    *out = Val{std::count(srcu_held_.begin(), srcu_held_.end(), loc) > 0 ? 1 : 0, 0};
    return true;
  }
  if (n == "init_srcu_struct" || n == "cleanup_srcu_struct") {  // see the design note
    if (seq_ == nullptr || std::count(srcu_held_.begin(), srcu_held_.end(), loc) > 0) {
      refuse(e->pos, n + "() in a thread, or with a read-side section of its struct open, is "
                         "not modelled under lkmm (sc checks its WARNs)");
    }
    return true;
  }
  if (n == "srcu_read_lock" || n == "srcu_down_read") {
    *out = em_.read(loc, lkmm::kSrcuLock, addr);
    sync();
    if (n == "srcu_read_lock") srcu_held_.push_back(loc), srcu_idx_.push_back(out->v);
    return true;
  }
  if (n == "srcu_read_unlock" || n == "srcu_up_read") {
    const Val idx = eval(e->args[1], f);
    if (n == "srcu_read_unlock") {
      if (std::find(srcu_held_.rbegin(), srcu_held_.rend(), loc) == srcu_held_.rend()) {
        refuse(e->pos,
               "srcu_read_unlock() without srcu_read_lock() is not modelled under lkmm "
               "(sc reports it)");
      }
      // The latest open section of the struct whose lock returned this index (sc's
      // model/srcu.cc matching). The LKMM matches an unlock to a lock by data dependency
      // (linux-kernel.bell srcu-rscs), whatever the value, where the kernel's counts are per
      // index: another index leaves the section open for ever (sc warns, and its grace period
      // hangs), so it is refused when the execution is consistent.
      size_t i = srcu_held_.size();
      while (i-- > 0 && !(srcu_held_[i] == loc && srcu_idx_[i] == idx.v)) {
      }
      if (i == SIZE_MAX) {
        refuse_if_consistent(e->pos,
                             "srcu_read_unlock() with an index no open section of the "
                             "thread returned is not modelled under lkmm (sc warns)");
      }
      srcu_held_.erase(srcu_held_.begin() + static_cast<std::ptrdiff_t>(i));
      srcu_idx_.erase(srcu_idx_.begin() + static_cast<std::ptrdiff_t>(i));
    }
    em_.write(loc, lkmm::kSrcuUnlock, idx, addr);
    sync();
    return true;
  }
  // synchronize_srcu(), synchronize_srcu_expedited()
  if (std::count(srcu_held_.begin(), srcu_held_.end(), loc) > 0 || rcu_depth_ > 0 ||
      !held_.empty()) {
    refuse(e->pos, n + "() inside a read-side section of its srcu_struct, an RCU read-side "
                       "section or under a lock is not modelled under lkmm (sc reports it)");
  }
  em_.fence(lkmm::Fence::kSyncSrcu, loc);
  sync();
  return true;
}

}  // namespace ravel::litmus::lkmm_ravel
