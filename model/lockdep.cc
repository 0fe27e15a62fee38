// model/lockdep.cc: see lockdep.h. Follows kernel/locking/lockdep.c: __lock_acquire ->
// mark_usage (IRQ usage bits) -> validate_chain -> check_deadlock / check_prevs_add.
#include "model/lockdep.h"

#include <algorithm>
#include <deque>
#include <functional>

#include "model/kernel.h"
#include "model/lockdep_report.h"

namespace ravel::model {

// ------------------------------------------------------------------ per-run graph

std::vector<OrderEdge> Lockdep::edges_from(int cls) const {
  std::vector<OrderEdge> out;
  for (const Edge& e : fwd_[cls]) {
    if (!e.plain) continue;
    out.push_back({e.to, e.prev_loc, e.next_loc, e.task, e.execution});
  }
  return out;
}

int Lockdep::class_id(const std::string& name) {
  auto it = by_name_.find(name);
  if (it != by_name_.end()) return it->second;
  int id = static_cast<int>(classes_.size());
  classes_.emplace_back();
  classes_.back().name = name;
  fwd_.emplace_back();
  back_.emplace_back();
  by_name_.emplace(name, id);
  return id;
}

void Lockdep::set_wait_types(int cls, int8_t inner, int8_t outer) {
  Class& c = classes_[cls];
  if (c.wait_inner != kWaitUnknown || inner == kWaitUnknown) return;
  c.wait_inner = inner;
  c.wait_outer = outer == kWaitUnknown ? int8_t{kWaitInv} : outer;
}

// Boot orderings (interp::Session before a run, dma_resv_lockdep() when a dma object is set up)
// carry no execution: every execution relying on them primes them again.
void Lockdep::prime(const std::vector<std::string>& order) {
  for (size_t i = 0; i + 1 < order.size(); ++i) {
    int a = class_id(order[i]);
    int b = class_id(order[i + 1]);
    if (has_edge(a, b)) continue;
    add_edge(
        a, b,
        Edge{b, Loc{"<boot>", 0, 0}, Loc{"<boot>", 0, 0}, "swapper", {}, kBoot, kDepEN, true, {}});
  }
}

bool Lockdep::has_edge(int from, int to) const { return edge(from, to) != nullptr; }

const Lockdep::Edge* Lockdep::edge(int from, int to) const {
  for (const Edge& e : fwd_[from]) {
    if (e.to == to) return &e;
  }
  return nullptr;
}

void Lockdep::path_history(const std::vector<int>& path, bool forwards, int64_t current,
                           std::vector<uint64_t>* out) const {
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    int from = forwards ? path[i] : path[i + 1];
    int to = forwards ? path[i + 1] : path[i];
    const Edge* e = edge(from, to);
    if (e == nullptr) continue;
    for (int64_t x : e->kind_executions) {
      const auto u = static_cast<uint64_t>(x);
      if (x != current && std::find(out->begin(), out->end(), u) == out->end()) out->push_back(u);
    }
    if (e->execution == kBoot) continue;
    if (seen_execution_ == current && seen_.count({from, to}) != 0) continue;
    out->push_back(static_cast<uint64_t>(e->execution));
  }
}

void Lockdep::usage_history(int cls, int bit, int64_t current, std::vector<uint64_t>* out) const {
  const UsageTrace& u = classes_[cls].usage[bit];
  if (!u.set || u.execution == kBoot) return;
  if (seen_execution_ == current && static_cast<size_t>(cls) < seen_usage_.size() &&
      (seen_usage_[cls] >> bit & 1) != 0) {
    return;
  }
  out->push_back(static_cast<uint64_t>(u.execution));
}

void Lockdep::enter(int64_t execution) {
  if (seen_execution_ == execution) return;
  seen_execution_ = execution;
  seen_.clear();
  std::fill(seen_usage_.begin(), seen_usage_.end(), 0);
}

bool Lockdep::first_report(const std::string& key) {
  if (!reported_.insert(key).second) return false;
  Ctx::current().keep_schedule();
  return true;
}

void Lockdep::note_seen(int64_t execution, int from, int to) {
  enter(execution);
  seen_.insert({from, to});
}

void Lockdep::note_seen_usage(int64_t execution, int cls, int bit) {
  enter(execution);
  if (seen_usage_.size() <= static_cast<size_t>(cls)) seen_usage_.resize(cls + size_t{1}, 0);
  seen_usage_[cls] |= static_cast<uint8_t>(1u << bit);
}

void Lockdep::add_edge(int from, int to, Edge edge) {
  edge.to = to;
  fwd_[from].push_back(std::move(edge));
  back_[to].push_back(from);
}

// BFS over plain edges (Edge::plain) in recording order: deterministic, and finds a shortest
// chain for the splat.
static std::vector<int> bfs(const Lockdep& ld, int from, bool forwards, int nclasses,
                            const std::vector<std::vector<int>>& back,
                            const std::function<bool(int)>& goal) {
  std::vector<int> parent(nclasses, -2);
  std::deque<int> queue{from};
  parent[from] = -1;
  while (!queue.empty()) {
    int c = queue.front();
    queue.pop_front();
    if (goal(c)) {
      std::vector<int> path;
      for (int x = c; x != -1; x = parent[x]) path.insert(path.begin(), x);
      return path;
    }
    auto visit = [&](int n) {
      if (parent[n] == -2) {
        parent[n] = c;
        queue.push_back(n);
      }
    };
    if (forwards) {
      for (const Lockdep::Edge& e : ld.edges(c)) {
        if (e.plain) visit(e.to);
      }
    } else {
      for (int p : back[c]) {
        if (ld.edge(p, c)->plain) visit(p);
      }
    }
  }
  return {};
}

std::vector<int> Lockdep::strong_path(int from, bool from_r, int to, bool to_exclusive) const {
  // States (class, reached by an -(*R)-> edge): a class may be worth visiting twice, once each
  // way, where the kernel marks it once (its search can miss a strong path a weaker one hid).
  const auto n = static_cast<int>(classes_.size());
  std::vector<int> parent(2 * static_cast<size_t>(n), -2);
  auto state = [n](int c, bool r) { return c + (r ? n : 0); };
  std::deque<int> queue{state(from, from_r)};
  parent[state(from, from_r)] = -1;
  while (!queue.empty()) {
    const int s = queue.front();
    queue.pop_front();
    const int c = s % n;
    const bool r = s >= n;
    if (c == to && s != state(from, from_r) && (to_exclusive || !r)) {
      std::vector<int> path;
      for (int x = s; x != -1; x = parent[x]) path.insert(path.begin(), x % n);
      return path;
    }
    for (const Edge& e : fwd_[c]) {
      // -(*R)-> then -(S*)-> is not strong: after an R acquisition only E-held edges go on.
      const uint8_t dep = r ? static_cast<uint8_t>(e.dep & (kDepER | kDepEN)) : e.dep;
      if (dep == 0) continue;
      const int next = state(e.to, (dep & (kDepSN | kDepEN)) == 0);
      if (parent[next] != -2) continue;
      parent[next] = s;
      queue.push_back(next);
    }
  }
  return {};
}

int Lockdep::find_usage(int from, bool forwards, int bit, int bit2, std::vector<int>* via) const {
  auto p = bfs(*this, from, forwards, static_cast<int>(classes_.size()), back_, [&](int c) {
    return classes_[c].usage[bit].set || (bit2 >= 0 && classes_[c].usage[bit2].set);
  });
  if (via != nullptr) *via = p;
  return p.empty() ? -1 : p.back();
}

bool Lockdep::mark(int cls, int bit, Loc loc, const std::string& task, int64_t execution) {
  UsageTrace& u = classes_[cls].usage[bit];
  if (u.set) return false;
  u = UsageTrace{true, loc, task, execution};
  return true;
}

// ------------------------------------------------------------------ per-task checks
namespace {

constexpr int usage_bit(int irq, int dir, int read) { return irq * 4 + dir * 2 + read; }

thread_local LockOrderObserver* g_order_observer = nullptr;

int irq_context(const TaskCtx& t) { return t.hardirq > 0 ? 2 : (t.softirq > 0 ? 1 : 0); }

// `history`: the executions that recorded the edges and usage bits the report relies on (the
// engine drops the current one; see Violation::history).
void report(const std::string& key, const std::string& headline, std::string details, Loc loc,
            std::vector<uint64_t> history = {}) {
  Kernel& k = Kernel::current();
  if (!k.lockdep().first_report(key)) return;
  Violation v;
  v.kind = Violation::Kind::kLockdep;
  v.message = headline;
  v.details = std::move(details);
  v.loc = loc;
  v.history = std::move(history);
  k.ctx().report(std::move(v));
}

int64_t current_execution() { return Kernel::current().ctx().execution_index(); }

// This execution records cross-execution state: later reports may need to replay it.
int64_t recording_execution() {
  Ctx& ctx = Kernel::current().ctx();
  ctx.keep_schedule();
  return ctx.execution_index();
}

// The map's wait types: given, or those of its lock type (spin_lock_init: LD_WAIT_CONFIG, which
// is LD_WAIT_SPIN; mutex_init/init_rwsem: LD_WAIT_SLEEP); a pseudo-lock's are unknown.
void register_wait_types(Lockdep& ld, int cls, const LockdepMap* map) {
  int8_t inner = map->wait_inner;
  if (inner == kWaitUnknown && map->type == LockType::kSpin) inner = kWaitSpin;
  if (inner == kWaitUnknown && map->type == LockType::kSleep) inner = kWaitSleep;
  ld.set_wait_types(cls, inner, map->wait_outer);
}

int class_of(Lockdep& ld, LockdepMap* map, int subclass) {
  if (subclass == 0) {
    if (map->cls0 < 0) {
      map->cls0 = ld.class_id(map->name);
      register_wait_types(ld, map->cls0, map);
    }
    return map->cls0;
  }
  int cls = ld.class_id(std::string(map->name) + "/" + std::to_string(subclass));
  register_wait_types(ld, cls, map);
  return cls;
}

// print_irq_inversion_bug(): a class's new usage conflicts with a class it is ordered with.
// `where`: the usage trace of the new bit (the finding's location).
void check_inversion(const TaskCtx& t, const HeldLock& h, int bit, Loc where) {
  Lockdep& ld = Kernel::current().lockdep();
  int irq = bit / 4;
  int dir = (bit / 2) % 2;
  int excl = usage_bit(irq, 1 - dir, 0);
  std::vector<int> via;
  int other = ld.find_usage(h.cls, dir == 0, excl, -1, &via);
  if (other < 0) return;
  const std::string headline = "possible irq lock inversion dependency detected";
  std::string s = banner(headline) + task_str(t) + " just changed the state of lock:\n" +
                  class_str(h.cls) + ", at: " + loc_str(h.loc) + "\n";
  s += dir == 0 ? std::string("but this lock took another, ") + irq_name(irq) +
                      "-unsafe lock in the past:\n"
                : std::string("but this lock was taken by another, ") + irq_name(irq) +
                      "-safe lock in the past:\n";
  s += " " + class_str(other) +
       "\n\nand interrupts could create inverse lock ordering "
       "between them.\n\nother info that might help us debug this:\n";
  int safe = dir == 0 ? h.cls : other;
  int unsafe = dir == 0 ? other : h.cls;
  // print_irq_inversion_bug(): `middle` is the first class on the path away from this lock.
  int middle = via.size() >= 2 ? via[1] : other;
  s += irq_scenario(safe, unsafe, middle, unsafe) + held_locks_str(t);
  std::vector<uint64_t> history;
  ld.path_history(via, dir == 0, current_execution(), &history);
  ld.usage_history(other, excl, current_execution(), &history);
  report("inversion:" + ld.class_name(safe) + ":" + ld.class_name(unsafe) + ":" + irq_name(irq),
         headline, s, where, std::move(history));
}

// mark_lock() + mark_lock_irq(): records a usage bit and checks it against the exclusive ones.
// `where`: the usage trace (mark_lock's save_trace()): the acquisition for mark_usage(), the place
// IRQs/BHs were enabled for mark_held_locks().
void mark(const TaskCtx& t, const HeldLock& h, int bit, Loc where) {
  Lockdep& ld = Kernel::current().lockdep();
  const int64_t execution = current_execution();
  // The task's label (a std::string) only when the bit is new: nearly every mark repeats one.
  if (ld.cls(h.cls).usage[bit].set || !ld.mark(h.cls, bit, where, task_label(t.id), execution)) {
    ld.note_seen_usage(execution, h.cls, bit);
    return;
  }
  recording_execution();
  int irq = bit / 4;
  int dir = (bit / 2) % 2;
  int read = bit % 2;
  int excl = usage_bit(irq, 1 - dir, 0);
  const Lockdep::Class& c = ld.cls(h.cls);
  for (int old : {excl, excl + 1}) {
    if (old == excl + 1 && read) break;  // read vs read never conflicts
    if (!c.usage[old].set) continue;
    std::vector<uint64_t> history;
    ld.usage_history(h.cls, old, execution, &history);
    report("inconsistent:" + c.name + ":" + usage_str(old) + ":" + usage_str(bit),
           "inconsistent lock state", inconsistent_splat(t, h, old, bit), where,
           std::move(history));
    return;
  }
  if (!read) check_inversion(t, h, bit, where);  // STRICT_READ_CHECKS is 0 in lockdep
}

// mark_usage()
void mark_usage(const TaskCtx& t, const HeldLock& h) {
  int read = h.read ? 1 : 0;
  if (!h.trylock) {
    if (t.hardirq > 0) mark(t, h, usage_bit(0, 0, read), h.loc);
    if (t.softirq > 0) mark(t, h, usage_bit(1, 0, read), h.loc);
  }
  if (!t.irqs_off) {
    mark(t, h, usage_bit(0, 1, read), h.loc);
    if (t.bh == 0 && t.softirq == 0) mark(t, h, usage_bit(1, 1, read), h.loc);
  }
}

// check_deadlock(): 0 reported, 1 fine, 2 nested under its nest_lock (no dependencies added).
int check_deadlock(const TaskCtx& t, const HeldLock& next) {
  bool nest = false;
  for (const HeldLock& prev : t.held) {
    if (next.nest != nullptr && prev.map == next.nest) nest = true;
    if (prev.cls != next.cls) continue;
    if (next.read == kLockRecursiveRead && prev.read) continue;
    if (nest) return 2;
    Lockdep& ld = Kernel::current().lockdep();
    report("recursive:" + ld.class_name(next.cls) + ":" + loc_str(next.loc),
           "possible recursive locking detected", recursive_splat(t, prev, next), next.loc);
    return 0;
  }
  return 1;
}

// check_irq_usage(): the new edge prev -> next may connect an IRQ-safe class (at or before
// prev) to an IRQ-unsafe one (at or after next).
bool check_irq_usage(const TaskCtx& t, const HeldLock& prev, const HeldLock& next) {
  Lockdep& ld = Kernel::current().lockdep();
  for (int irq = 0; irq < 2; ++irq) {
    std::vector<int> back;
    int safe = ld.find_usage(prev.cls, false, usage_bit(irq, 0, 0), usage_bit(irq, 0, 1), &back);
    if (safe < 0) continue;
    std::vector<int> fwd;
    int unsafe = ld.find_usage(next.cls, true, usage_bit(irq, 1, 0), -1, &fwd);
    if (unsafe < 0) continue;
    // print_bad_irq_dependency(): one irqclass, state_name(backward_bit), names both sides
    // ("HARDIRQ-READ-safe -> HARDIRQ-READ-unsafe" when the safe lock is only read-safe).
    bool read_safe = !ld.cls(safe).usage[usage_bit(irq, 0, 0)].set;
    std::string cls = std::string(irq_name(irq)) + (read_safe ? "-READ" : "");
    std::string headline = cls + "-safe -> " + cls + "-unsafe lock order detected";
    int safe_bit = usage_bit(irq, 0, read_safe ? 1 : 0);
    int unsafe_bit = usage_bit(irq, 1, 0);
    const auto& su = ld.cls(safe).usage[safe_bit];
    const auto& uu = ld.cls(unsafe).usage[unsafe_bit];
    std::string s = banner(headline) + task_str(t) + " " + irq_state_str(t) +
                    " is trying to acquire:\n" + class_str(next.cls) +
                    ", at: " + loc_str(next.loc) + "\n\nand this task is already holding:\n" +
                    class_str(prev.cls) + ", at: " + loc_str(prev.loc) +
                    "\nwhich would create a new lock dependency:\n " + class_str(prev.cls) +
                    " -> " + class_str(next.cls) + "\n\nbut this new dependency connects a " + cls +
                    "-irq-safe lock:\n " + class_str(safe) + "\n\n... which became " + cls +
                    "-irq-safe at:\n  " + loc_str(su.loc) + " (" + su.task + ")\n\nto a " + cls +
                    "-irq-unsafe lock:\n " + class_str(unsafe) + "\n\n... which became " + cls +
                    "-irq-unsafe at:\n...\n  " + loc_str(uu.loc) + " (" + uu.task +
                    ")\n\nother info that might help us debug this:\n\n" +
                    irq_scenario(safe, unsafe, prev.cls, next.cls) + held_locks_str(t);
    std::vector<uint64_t> history;
    ld.path_history(back, false, current_execution(), &history);
    ld.path_history(fwd, true, current_execution(), &history);
    ld.usage_history(safe, safe_bit, current_execution(), &history);
    ld.usage_history(unsafe, unsafe_bit, current_execution(), &history);
    report("irqorder:" + ld.class_name(safe) + ":" + ld.class_name(unsafe) + ":" + cls, headline, s,
           next.loc, std::move(history));
    return false;
  }
  return true;
}

// check_prev_add(): the new dependency prev -> next may close a cycle (a strong path from next
// back to prev: check_noncircular) or join IRQ-safe to IRQ-unsafe (check_irq_usage); if not, it
// is recorded with its kind, a recursive-read one included (v5.10, Documentation/locking/
// lockdep-design.rst "Recursive read locks"). The IRQ checks and the lock-order gate see only
// the dependencies lockdep kept before v5.10 (Edge::plain).
void check_prev_add(const TaskCtx& t, const HeldLock& prev, const HeldLock& next) {
  Lockdep& ld = Kernel::current().lockdep();
  if (prev.cls == next.cls) return;
  const bool plain = prev.read != kLockRecursiveRead && next.read != kLockRecursiveRead;
  const uint8_t dep = dep_kind(prev.read, next.read);
  if (g_order_observer != nullptr && plain) {
    g_order_observer->seen(LockOrderSeen{ld.class_name(prev.cls), ld.class_name(next.cls),
                                         irq_context(t), t.irqs_off || t.hardirq > 0, prev.loc,
                                         next.loc});
  }
  Lockdep::Edge* known = ld.edge_mut(prev.cls, next.cls);
  if (known != nullptr && (known->dep & dep) == dep && (known->plain || !plain)) {
    ld.note_seen(current_execution(), prev.cls, next.cls);
    return;
  }
  std::vector<int> cycle =
      ld.strong_path(next.cls, next.read == kLockRecursiveRead, prev.cls, prev.read == kLockWrite);
  if (!cycle.empty()) {
    std::vector<std::string> names;
    std::string key = "circular";
    for (int c : cycle) names.push_back(ld.class_name(c));
    std::sort(names.begin(), names.end());
    for (const auto& n : names) key += ":" + n;
    std::vector<uint64_t> history;
    ld.path_history(cycle, true, current_execution(), &history);
    report(key, "possible circular locking dependency detected",
           circular_splat(t, prev, next, cycle), next.loc, std::move(history));
    return;  // as lockdep: the edge that would close the cycle is not recorded
  }
  if (prev.read != kLockRecursiveRead) check_irq_usage(t, prev, next);
  if (known != nullptr) {  // a kind more of a known dependency, recorded by this execution
    known->dep |= dep;
    known->plain = known->plain || plain;
    known->kind_executions.push_back(recording_execution());
    return;
  }
  Lockdep::Edge e;
  e.dep = dep;
  e.plain = plain;
  e.prev_loc = prev.loc;
  e.next_loc = next.loc;
  e.task = task_label(t.id);
  e.execution = recording_execution();
  ld.add_edge(prev.cls, next.cls, std::move(e));
}

// check_prevs_add(): a dependency from the nearest validated held lock of the same IRQ context,
// and from further ones only through trylock-acquired locks in between. Since v5.10 a lock
// held as a recursive reader is a prev like any other; one acquired with check = 0 is not.
void check_prevs_add(const TaskCtx& t, const HeldLock& next) {
  int ctx = irq_context(t);
  for (int i = static_cast<int>(t.held.size()) - 1; i >= 0; --i) {
    const HeldLock& prev = t.held[i];
    if ((prev.in_irq ? 2 : 0) != (ctx == 2 ? 2 : 0)) break;
    if (prev.map->check) {
      check_prev_add(t, prev, next);
      if (!prev.trylock) break;
    }
  }
}

const HeldLock* find_held(const TaskCtx& t, const LockdepMap* map) {
  for (auto it = t.held.rbegin(); it != t.held.rend(); ++it) {
    if (it->map == map) return &*it;
  }
  return nullptr;
}

void assert_failed(const LockdepMap* map, const char* what, const char* why, Loc loc) {
  Kernel& k = Kernel::current();
  const TaskCtx& t = k.self();
  std::string headline = std::string(what) + "(" + map->name + ") failed";
  std::string s = "WARNING: CPU: " + std::to_string(t.cpu) + " PID: " + std::to_string(t.id) +
                  " at " + loc_str(loc) + " " + what + "\n" + task_str(t) + " " + why + " (" +
                  map->name + ")\n" + held_locks_str(t);
  report(std::string("assert:") + what + ":" + map->name + ":" + loc_str(loc), headline, s, loc);
}

}  // namespace

void set_lock_order_observer(LockOrderObserver* observer) { g_order_observer = observer; }

void lock_acquire(LockdepMap* map, int subclass, bool trylock, uint8_t read,
                  const LockdepMap* nest_lock, Loc loc) {
  Kernel& k = Kernel::current();
  TaskCtx& t = k.self();
  HeldLock h;
  h.map = map;
  h.cls = class_of(k.lockdep(), map, subclass);
  h.loc = loc;
  h.read = read;
  h.trylock = trylock;
  h.nest = nest_lock;
  h.hardirqs_off = t.irqs_off;
  h.in_irq = t.hardirq > 0;
  // check = 0 (rcu_lock_acquire): held, nothing validated (__lock_acquire skips mark_irqflags
  // and validate_chain).
  // With a nest_lock, a lock of the class on top of the held stack is merged into it
  // (hlock->references) before any check, nest_lock held or not.
  if (!map->check || (nest_lock != nullptr && !t.held.empty() && t.held.back().cls == h.cls)) {
    t.held.push_back(h);
    return;
  }
  mark_usage(t, h);
  if (nest_lock != nullptr && find_held(t, nest_lock) == nullptr) {
    // print_lock_nested_lock_not_held(): lockdep gives up on this acquisition (no chain
    // validation); the model still records it as held so that its release balances.
    report("nest:" + k.lockdep().class_name(h.cls) + ":" + loc_str(loc),
           "Nested lock was not taken", nested_lock_not_held_splat(t, h), loc);
    t.held.push_back(h);
    return;
  }
  if (!trylock && check_deadlock(t, h) == 1) check_prevs_add(t, h);
  t.held.push_back(h);
}

bool lock_release(LockdepMap* map, Loc loc) {
  Kernel& k = Kernel::current();
  TaskCtx& t = k.self();
  for (auto it = t.held.rbegin(); it != t.held.rend(); ++it) {
    if (it->map == map) {
      t.held.erase(std::next(it).base());
      return true;
    }
  }
  const std::string headline = "bad unlock balance detected!";
  std::string s = banner(headline) + task_str(t) + " is trying to release lock (" + map->name +
                  ") at:\n" + loc_str(loc) + "\nbut there are no more locks to release!\n\n" +
                  "other info that might help us debug this:\n" + held_locks_str(t);
  report(std::string("unlock:") + map->name + ":" + loc_str(loc), headline, s, loc);
  return false;
}

bool lock_is_held(const LockdepMap* map) { return lock_held_type(map) >= 0; }

int lock_held_type(const LockdepMap* map) {
  const HeldLock* h = find_held(Kernel::current().self(), map);
  return h == nullptr ? -1 : h->read;
}

void lockdep_assert_held(const LockdepMap* map, Loc loc) {
  if (!lock_is_held(map)) assert_failed(map, "lockdep_assert_held", "does not hold", loc);
}
void lockdep_assert_held_write(const LockdepMap* map, Loc loc) {
  if (lock_held_type(map) != 0) {
    assert_failed(map, "lockdep_assert_held_write", "does not hold for writing", loc);
  }
}
void lockdep_assert_held_read(const LockdepMap* map, Loc loc) {
  if (lock_held_type(map) <= 0) {
    assert_failed(map, "lockdep_assert_held_read", "does not hold for reading", loc);
  }
}
void lockdep_assert_not_held(const LockdepMap* map, Loc loc) {
  if (lock_is_held(map)) assert_failed(map, "lockdep_assert_not_held", "holds", loc);
}

void lockdep_hardirqs_on(Loc loc) {
  TaskCtx& t = Kernel::current().self();
  for (const HeldLock& h : t.held) mark(t, h, usage_bit(0, 1, h.read ? 1 : 0), loc);
  if (t.bh == 0 && t.softirq == 0) lockdep_softirqs_on(loc);
}

void lockdep_softirqs_on(Loc loc) {
  TaskCtx& t = Kernel::current().self();
  if (t.irqs_off) return;
  for (const HeldLock& h : t.held) mark(t, h, usage_bit(1, 1, h.read ? 1 : 0), loc);
}

void lockdep_task_exit(Loc loc) {
  Kernel& k = Kernel::current();
  TaskCtx& t = k.self();
  if (!t.held.empty()) {
    const std::string headline = "lock held when returning to user space!";
    std::string s = banner(headline) + task_str(t) +
                    " is leaving the kernel with locks still held!\n" + held_locks_str(t);
    std::string key = "exit:" + task_label(t.id);
    for (const HeldLock& h : t.held) key += ":" + k.lockdep().class_name(h.cls);
    report(key, headline, s, loc.file != nullptr && loc.file[0] ? loc : t.held.back().loc);
  }
  // The task is gone: its CPU is preemptible again (its state dies with it).
  t.preempt = 0;
  t.irqs_off = false;
  t.bh = 0;
  t.rcu = 0;
  k.update_cpu(t);
}

}  // namespace ravel::model
