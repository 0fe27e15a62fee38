// scenarios/litmus/lkmm_ravel_lockdep.cc: lockdep's lock-order check on the executions of a
// scenario under lkmm (see lkmm_ravel.h LockOrder).
#include <algorithm>
#include <set>

#include "scenarios/litmus/lkmm_ravel.h"

namespace ravel::litmus::lkmm_ravel {

// kernel/locking/lockdep.c check_prevs_add(): an acquisition depends on the nearest held lock,
// and on further ones only through trylock-acquired locks in between; a trylock itself adds no
// dependency (it cannot wait). The attempt counts, not the success: a blocked lock read is
// one too. A hardirq handler inlined in the path has its own held stack, as sc's handler task
// has (check_prevs_add() stops at a held lock of another irq_context; a handler taking a lock
// the thread holds is lockdep's inconsistent IRQ usage, IrqUsage, before any recursion).
// Read sides (rw_semaphore, rwlock_t: Trace::rw_*) follow sc's lockdep (model/lockdep.cc): a
// held recursive read is skipped, and a release drops the latest hold of that lock.
void LockOrder::thread(const Layout& lay, const lkmm_thread::Trace& tr, const std::string& name,
                       const std::function<std::string(lang::Pos)>& where,
                       std::vector<lkmm_thread::Trace::Finding>* found) {
  std::vector<Held> stacks[2];  // the thread's, the running handler's
  for (size_t i = 0; i < tr.ev.size(); ++i) {
    const lkmm::Event& e = tr.ev[i];
    const uint64_t bit = uint64_t{1} << i;
    const bool irq = (tr.hardirq & bit) != 0;
    std::vector<Held>& held = stacks[irq ? 1 : 0];
    if (!irq) stacks[1].clear();  // the handler returned (its locks were released)
    const bool attempt = tr.blocked && i + 1 == tr.ev.size() && e.kind == lkmm::Kind::kRead &&
                         lay.lock_waits.count(pos_key(tr.blocked_pos)) > 0;
    const bool is_write = e.kind == lkmm::Kind::kWrite;
    auto last =
        std::find_if(held.rbegin(), held.rend(), [&](const Held& h) { return h.loc == e.loc; });
    if ((is_write && (e.tags & lkmm::kUnlock)) || (tr.rw_release & bit)) {
      if (last != held.rend()) held.erase(std::next(last).base());
      continue;
    }
    if (tr.rw_downgrade & bit) {  // lock_downgrade(): the hold becomes a read
      if (last != held.rend()) last->read = 1;
      continue;
    }
    if (!attempt && !(is_write && (e.tags & lkmm::kLockW)) && !(tr.rw_take & bit)) continue;
    if (lay.quiet_locks.count(e.loc) > 0) continue;  // a lock of RCU's own (_call_rcu.cc)
    const lang::Pos pos = attempt ? tr.blocked_pos : tr.pos[i];
    const bool trylock =
        !attempt && (lay.trylocks.count({pos_key(tr.pos[i]), e.loc}) > 0 || (tr.rw_try & bit));
    const int read = (tr.rw_read & bit) ? ((tr.rw_recursive & bit) ? 2 : 1) : 0;
    const bool nest = (tr.ww_nest & bit) != 0;
    auto sub = lay.nested.find({pos_key(pos), e.loc});  // spin_lock_nested() (_raw.cc)
    const int s = sub == lay.nested.end() ? 0 : sub->second;
    take(lay, name + " at " + where(pos), pos, e.loc, {trylock, read, nest, s}, &held, found);
    if (attempt) held.pop_back();
  }
}

// One acquisition (or blocked attempt) of `loc` with `held` held: check_deadlock(), then
// check_prevs_add(). The lock is pushed on `held`.
void LockOrder::take(const Layout& lay, const std::string& at, lang::Pos pos, int loc, How how,
                     std::vector<Held>* held, std::vector<lkmm_thread::Trace::Finding>* found) {
  const bool trylock = how.trylock;
  const int read = how.read;
  const int cls = lay.cls(loc) + how.sub * Layout::kSubclassStride;
  auto same = std::find_if(held->begin(), held->end(), [&](const Held& h) { return h.cls == cls; });
  // Under an acquire context (nest_lock, its map held since ww_acquire_init: lkmm_ravel_ww.cc)
  // a lock of a class held already is merged into it or passes check_deadlock() with 2: no
  // report and no dependency (lock_acquire(), check_deadlock(), validate_chain(); sc's
  // model/lockdep.cc likewise).
  if (how.nest && same != held->end()) {
    held->push_back({loc, cls, trylock, read});
    return;
  }
  // check_deadlock(): the class is held already (the lock itself, or another lock of its class:
  // every fence's inline lock, Layout::lock_class), unless a recursive read meets a read hold.
  if (!trylock && same != held->end() && !(read == 2 && same->read != 0)) {
    const std::string of =
        same->loc == loc ? "it" : "'" + lay.names[same->loc] + "' of the same lock class";
    found->push_back({"lockdep",
                      "possible recursive locking detected: '" + lay.names[loc] +
                          "' taken while holding " + of + " (" + at + ")",
                      pos});
    held->push_back({loc, cls, trylock, read});
    return;
  }
  for (size_t k = held->size(); !trylock && k-- > 0;) {
    if ((*held)[k].read == 2) continue;  // a held recursive read adds no dependency
    add({(*held)[k].cls, cls}, at, pos, lay, found);
    if (!(*held)[k].trylock) break;
  }
  held->push_back({loc, cls, trylock, read});
}

// A new dependency from -> to closes a cycle when `from` is reachable from `to`: lockdep's
// "possible circular locking dependency detected", reported once per cycle, and the closing
// edge is not recorded (as lockdep).
void LockOrder::add(std::pair<int, int> edge, const std::string& at, lang::Pos pos,
                    const Layout& lay, std::vector<lkmm_thread::Trace::Finding>* found) {
  if (edge.first == edge.second || edges_.count(edge) > 0) return;
  std::vector<int> path;
  if (!reaches(edge.second, edge.first, &path)) {
    edges_.emplace(edge, at);
    return;
  }
  std::set<int> cycle(path.begin(), path.end());
  if (!reported_.insert(cycle).second) return;
  std::string msg = "possible circular locking dependency detected: '" +
                    lay.class_name(edge.second) + "' taken while holding '" +
                    lay.class_name(edge.first) + "' (" + at + ")";
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    msg += ", '" + lay.class_name(path[i + 1]) + "' while holding '" + lay.class_name(path[i]) +
           "' (" + edges_.at({path[i], path[i + 1]}) + ")";
  }
  found->push_back({"lockdep", msg, pos});
}

// A path of recorded edges from `from` to `to` (its locks in order), depth first in the
// order of the edges' keys: deterministic.
bool LockOrder::reaches(int from, int to, std::vector<int>* path) const {
  path->push_back(from);
  if (from == to) return true;
  for (auto it = edges_.lower_bound({from, INT32_MIN});
       it != edges_.end() && it->first.first == from; ++it) {
    if (std::find(path->begin(), path->end(), it->first.second) != path->end()) continue;
    if (reaches(it->first.second, to, path)) return true;
  }
  path->pop_back();
  return false;
}

}  // namespace ravel::litmus::lkmm_ravel
