// scenarios/litmus/lkmm_ravel_lockdep.cc: lockdep's lock-order check on the executions of a
// scenario under lkmm (see lkmm_ravel.h LockOrder).
#include <algorithm>
#include <set>

#include "scenarios/litmus/lkmm_ravel.h"

namespace ravel::litmus::lkmm_ravel {

namespace {

struct Held {
  int loc;
  bool trylock;
};

}  // namespace

// kernel/locking/lockdep.c check_prevs_add(): an acquisition depends on the nearest held lock,
// and on further ones only through trylock-acquired locks in between; a trylock itself adds no
// dependency (it cannot wait). The attempt counts, not the success: a blocked lock read is
// one too.
void LockOrder::thread(const Layout& lay, const lkmm_thread::Trace& tr, const std::string& name,
                       const std::function<std::string(lang::Pos)>& where,
                       std::vector<lkmm_thread::Trace::Finding>* found) {
  std::vector<Held> held;
  for (size_t i = 0; i < tr.ev.size(); ++i) {
    const lkmm::Event& e = tr.ev[i];
    const bool attempt = tr.blocked && i + 1 == tr.ev.size() && (e.tags & lkmm::kIsLocked) &&
                         lay.lock_waits.count(pos_key(tr.blocked_pos)) > 0;
    if (e.kind == lkmm::Kind::kWrite && (e.tags & lkmm::kUnlock)) {
      std::erase_if(held, [&](const Held& h) { return h.loc == e.loc; });
      continue;
    }
    if (!attempt && !(e.kind == lkmm::Kind::kWrite && (e.tags & lkmm::kLockW))) continue;
    const lang::Pos pos = attempt ? tr.blocked_pos : tr.pos[i];
    const bool trylock = !attempt && lay.trylocks.count({pos_key(tr.pos[i]), e.loc}) > 0;
    if (!trylock &&
        std::any_of(held.begin(), held.end(), [&](const Held& h) { return h.loc == e.loc; })) {
      // lockdep.c check_deadlock(): the class is held already.
      found->push_back({"lockdep",
                        "possible recursive locking detected: '" + lay.names[e.loc] +
                            "' taken while holding it (" + name + " at " + where(pos) + ")",
                        pos});
      continue;
    }
    for (size_t k = held.size(); !trylock && k-- > 0;) {
      add({held[k].loc, e.loc}, name + " at " + where(pos), pos, lay, found);
      if (!held[k].trylock) break;
    }
    if (!attempt) held.push_back({e.loc, trylock});
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
