// scenarios/litmus/lkmm_ravel_lockdep.cc: lockdep's lock-order check on the executions of a
// scenario under lkmm (see lkmm_ravel.h LockOrder).
#include <algorithm>
#include <set>

#include "scenarios/litmus/lkmm_ravel.h"

namespace ravel::litmus::lkmm_ravel {

namespace {

struct Held {
  int loc;
  int cls;  // its lock class (Layout::cls)
  bool trylock;
};

}  // namespace

// kernel/locking/lockdep.c check_prevs_add(): an acquisition depends on the nearest held lock,
// and on further ones only through trylock-acquired locks in between; a trylock itself adds no
// dependency (it cannot wait). The attempt counts, not the success: a blocked lock read is
// one too. A hardirq handler inlined in the path has its own held stack, as sc's handler task
// has (check_prevs_add() stops at a held lock of another irq_context; a handler taking a lock
// the thread holds is lockdep's inconsistent IRQ usage, IrqUsage, before any recursion).
void LockOrder::thread(const Layout& lay, const lkmm_thread::Trace& tr, const std::string& name,
                       const std::function<std::string(lang::Pos)>& where,
                       std::vector<lkmm_thread::Trace::Finding>* found) {
  std::vector<Held> stacks[2];  // the thread's, the running handler's
  for (size_t i = 0; i < tr.ev.size(); ++i) {
    const lkmm::Event& e = tr.ev[i];
    const bool irq = (tr.hardirq >> i & 1) != 0;
    std::vector<Held>& held = stacks[irq ? 1 : 0];
    if (!irq) stacks[1].clear();  // the handler returned (its locks were released)
    const bool attempt = tr.blocked && i + 1 == tr.ev.size() && (e.tags & lkmm::kIsLocked) &&
                         lay.lock_waits.count(pos_key(tr.blocked_pos)) > 0;
    if (e.kind == lkmm::Kind::kWrite && (e.tags & lkmm::kUnlock)) {
      std::erase_if(held, [&](const Held& h) { return h.loc == e.loc; });
      continue;
    }
    if (!attempt && !(e.kind == lkmm::Kind::kWrite && (e.tags & lkmm::kLockW))) continue;
    const lang::Pos pos = attempt ? tr.blocked_pos : tr.pos[i];
    const bool trylock = !attempt && lay.trylocks.count({pos_key(tr.pos[i]), e.loc}) > 0;
    const int cls = lay.cls(e.loc);
    auto same = std::find_if(held.begin(), held.end(), [&](const Held& h) { return h.cls == cls; });
    if (!trylock && same != held.end()) {
      // lockdep.c check_deadlock(): the class is held already (another lock of one class:
      // every fence's inline lock, Layout::lock_class).
      const std::string of =
          same->loc == e.loc ? "it" : "'" + lay.names[same->loc] + "' of the same lock class";
      found->push_back({"lockdep",
                        "possible recursive locking detected: '" + lay.names[e.loc] +
                            "' taken while holding " + of + " (" + name + " at " + where(pos) + ")",
                        pos});
      if (!attempt && same->loc != e.loc) held.push_back({e.loc, cls, trylock});
      continue;
    }
    for (size_t k = held.size(); !trylock && k-- > 0;) {
      add({held[k].cls, cls}, name + " at " + where(pos), pos, lay, found);
      if (!held[k].trylock) break;
    }
    if (!attempt) held.push_back({e.loc, cls, trylock});
  }
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
  std::string msg = "possible circular locking dependency detected: '" + lay.names[edge.second] +
                    "' taken while holding '" + lay.names[edge.first] + "' (" + at + ")";
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    msg += ", '" + lay.names[path[i + 1]] + "' while holding '" + lay.names[path[i]] + "' (" +
           edges_.at({path[i], path[i + 1]}) + ")";
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
