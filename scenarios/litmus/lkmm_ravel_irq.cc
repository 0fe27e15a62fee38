// scenarios/litmus/lkmm_ravel_irq.cc: hardirq handlers of a scenario under lkmm (see
// lkmm_ravel.h, docs/litmus.md "IRQs under lkmm").
//
// Design note. A handler bound to CPU N runs on that CPU, interrupting the thread there between
// two of its operations while it has hardirqs enabled (before it starts, after it ends, or
// never; `repeat K` firings, one after the other: handlers run with hardirqs off and never
// nest). A CPU executes its instructions in program order, and the LKMM gives an interrupt no
// ordering of its own (tools/memory-model/Documentation/explanation.txt treats a CPU's code as
// one instruction stream; entry and exit are no barriers in linux-kernel.bell). So a firing is
// exactly the handler's events inlined in the thread's path at the point it fires: program
// order holds across it, and the thread's and the handler's accesses are one thread's, never a
// data race. Each point where a handler may fire is an oracle choice of the path (Emitter::
// choose), so the path limits bound firings too (a refusal, never a partial verdict). A CPU
// with handlers and no thread is a thread of its own: its handlers' firings in sequence.
#include <algorithm>
#include <set>

#include "scenarios/interp/interp.h"
#include "scenarios/lang/builtins.h"
#include "scenarios/litmus/lkmm_ravel_eval.h"

namespace ravel::litmus::lkmm_ravel {

bool IrqCpu::may_fire() const {
  return !in_handler && enabled &&
         std::any_of(left.begin(), left.end(), [](int32_t n) { return n > 0; });
}

std::vector<int> task_cpus(const lang::Program& prog) {
  std::vector<int> cpu;
  std::set<int> used;  // model/kernel.cc next_default_cpu(): CPUs threads were placed on
  for (const lang::Task& t : prog.tasks) {
    int c = t.cpu < 0 ? 0 : t.cpu;
    if (t.kind == lang::Task::Kind::kThread && t.cpu < 0) {
      while (used.count(c) > 0) ++c;
    }
    if (t.kind == lang::Task::Kind::kThread) used.insert(c);
    cpu.push_back(c);
  }
  return cpu;
}

void assign_threads(const lang::Program& prog, Layout* lay) {
  const std::vector<int> cpu = task_cpus(prog);
  std::vector<int> thread_cpu;
  for (size_t i = 0; i < prog.tasks.size(); ++i) {
    if (prog.tasks[i].kind != lang::Task::Kind::kThread) continue;
    lay->threads.push_back(&prog.tasks[i]);
    thread_cpu.push_back(cpu[i]);
  }
  lay->irqs.assign(lay->threads.size(), {});
  for (size_t i = 0; i < prog.tasks.size(); ++i) {
    if (prog.tasks[i].kind != lang::Task::Kind::kIrq) continue;
    auto it = std::find(thread_cpu.begin(), thread_cpu.end(), cpu[i]);
    if (it == thread_cpu.end()) {  // no thread on that CPU: the handlers' own
      lay->threads.push_back(&prog.tasks[i]);
      lay->irqs.emplace_back();
      thread_cpu.push_back(cpu[i]);
      it = thread_cpu.end() - 1;
    }
    lay->irqs[it - thread_cpu.begin()].push_back(&prog.tasks[i]);
  }
}

bool irq_builtin_name(const std::string& n) {
  static const std::set<std::string> kNames = {
      "local_irq_disable", "local_irq_enable", "local_irq_save",    "local_irq_restore",
      "spin_lock_irq",     "spin_unlock_irq",  "spin_lock_irqsave", "spin_unlock_irqrestore",
      "irqs_disabled",     "in_irq",           "in_interrupt",
  };
  return kNames.count(n) > 0;
}

void Eval::irq_point() {
  IrqCpu& c = *irq_;
  if (seq_ != nullptr || !c.enabled || c.in_handler) return;
  // Points with no event of the thread between them are one point: fire at the first only.
  if (em_.trace.ev.size() == c.offered) return;
  for (;;) {
    std::vector<size_t> can;
    for (size_t l = 0; l < c.lines.size(); ++l) {
      if (c.left[l] > 0) can.push_back(l);
    }
    if (can.empty()) break;
    const size_t k = em_.choose(can.size() + 1);  // 0: no (further) firing here
    if (k == 0) break;
    fire(can[k - 1]);
  }
  c.offered = em_.trace.ev.size();
}

// The handler runs to completion with hardirqs off; an assertion, a wait or a dead path in it
// ends the interrupted thread's path too (the thread cannot continue until it returns).
void Eval::fire(size_t line) {
  IrqCpu& c = *irq_;
  const lang::Task& h = *c.lines[line];
  --c.left[line];
  const lang::Pos resume = em_.last_pos;
  c.in_handler = true, c.handler = h.name, em_.in_hardirq = true;
  Eval handler(prog_, lay_, em_, loop_bound_, nullptr);
  handler.irq_ = irq_;
  handler.interrupted_ = this;
  const size_t first = em_.trace.ev.size();
  rcu_reader();  // a handler is an RCU reader (consolidation): its section is the firing's
  try {
    handler.body(h.body);
  } catch (const Blocked&) {
    em_.trace.blocked_in = h.name;
    throw;
  }
  if (!handler.held_.empty() || handler.rcu_depth_ != 0 || !handler.srcu_held_.empty()) {
    refuse(h.pos, "irq " + h.name +
                      " returns with a lock held or an RCU read-side section open: not "
                      "modelled under lkmm (sc reports it)");
  }
  c.in_handler = false;
  rcu_reader();  // the firing's last event, unless the thread is a reader itself
  if (em_.trace.ev.size() > first) em_.trace.irq_start |= uint64_t{1} << first;
  em_.in_hardirq = false;
  em_.last_pos = resume;  // the thread's statement (trylock keys use it)
}

void Eval::set_irqs(bool on, lang::Pos pos) {
  IrqCpu& c = *irq_;
  if (c.in_handler) {
    // A handler runs with hardirqs off; enabling them there would let others nest.
    if (on) refuse(pos, "enabling interrupts in an irq handler is not modelled under lkmm");
    return;
  }
  const bool was = c.enabled;
  c.enabled = on;
  em_.irqs_off = !on;
  rcu_reader();
  if (was || !on) return;
  // lockdep_hardirqs_on() -> mark_held_locks(): every held spinlock is now {HARDIRQ-ON-W}
  // (and {SOFTIRQ-ON-W} with softirqs on), registered where hardirqs were enabled.
  for (int loc : spin_held_) note_enabled(loc, pos, false);
  for (const RwHeld& h : rw_held_) {  // rwlocks too, a read hold {HARDIRQ-ON-R}
    if (h.rwlock) note_enabled(h.loc, pos, h.read);
  }
  irq_point();
}

void Eval::note_usage(int loc, lang::Pos pos, bool read) {
  const IrqCpu& c = *irq_;
  if (c.in_handler) {
    em_.trace.usage.push_back({loc, true, pos, c.handler, read});
    return;
  }
  if (softirq_) em_.trace.usage.push_back({loc, true, pos, "", read, true});  // IN-SOFTIRQ
  note_enabled(loc, pos, read);
}

// mark_usage()'s ENABLED bits: {HARDIRQ-ON-*} with hardirqs on, {SOFTIRQ-ON-*} when softirqs
// are on too (no BH-disabled count, not in softirq context: model/lockdep.cc mark_usage()).
void Eval::note_enabled(int loc, lang::Pos pos, bool read) {
  if (irq_->in_handler || !irq_->enabled) return;
  em_.trace.usage.push_back({loc, false, pos, "", read});
  if (bh_ == 0 && !softirq_) em_.trace.usage.push_back({loc, false, pos, "", read, true});
}

// Since RCU flavor consolidation (v4.20) a grace period also waits for regions with
// preemption or hardirqs disabled and for hardirq handlers (Documentation/RCU/whatisRCU.rst,
// "rcu_read_lock_sched"; a spinlock disables preemption), and sc models it when the scenario
// has grace periods (model/rcu.h). The LKMM's grace period waits for rcu_read_lock() sections
// only, so such a region is given one: an RCU lock event where it starts (before the spinlock
// is taken: spin_lock() disables preemption first), an unlock where it ends. Sections nest
// or overlap with the explicit ones; the LKMM matches locks and unlocks by nesting, and the
// outermost pair spans the union, which is the task's reader region in the kernel.
void Eval::rcu_reader(bool starting) {
  if (!lay_.rcu_consolidated || seq_ != nullptr) return;
  const bool reader =
      starting || !spin_held_.empty() || !irq_->enabled || irq_->in_handler || bh_ > 0;
  if (reader == irq_->rcu_reader) return;
  irq_->rcu_reader = reader;
  em_.rcu(reader, em_.last_pos);
}

void Eval::no_sleep_irq(const std::string& n, lang::Pos pos) const {
  const bool sleeps = n == "mutex_lock" || n == "wait_for_completion" || n == "synchronize_rcu" ||
                      n == "synchronize_rcu_expedited" || n == "module_unload" ||
                      n == "synchronize_srcu" || n == "synchronize_srcu_expedited" ||
                      n == "mutex_lock_interruptible" || n == "rcu_barrier" || n == "srcu_barrier";
  // A mutex is a task's lock: none of its operations may run in hardirq context.
  if (irq_->in_handler && (sleeps || n.rfind("mutex_", 0) == 0)) {
    refuse(pos, n + "() in an irq handler is not modelled under lkmm (sleeping or a mutex in "
                    "hardirq context is checked under sc)");
  }
  if (sleeps && (bh_ > 0 || softirq_)) {  // lkmm_ravel_raw.cc: BHs disabled is atomic too
    refuse(pos, n + "() with BHs disabled or in an RCU callback is not modelled under lkmm "
                    "(sleeping in atomic context is checked under sc)");
  }
  if (sleeps && !irq_->enabled) {
    refuse(pos, n + "() with interrupts disabled is not modelled under lkmm (sleeping in "
                    "atomic context is checked under sc)");
  }
}

// The interrupt-state built-ins (include/linux/irqflags.h, spinlock.h): no memory events (the
// LKMM has none for them: local_irq_*() order nothing), only the CPU's state; flags are 0x200
// when hardirqs were on, as x86's IF bit and sc's (model/cpu.h).
bool Eval::irq_builtin(const std::string& n, const Expr* e, Frame& f, Val* out) {
  if (!irq_builtin_name(n)) return false;
  const bool on = irq_->enabled && !irq_->in_handler;
  *out = Val{};
  if (n == "irqs_disabled" || n == "in_irq" || n == "in_interrupt") {
    // in_interrupt() counts the BH-disabled count too (SOFTIRQ_DISABLE_OFFSET, cpu.cc).
    const bool intr = irq_->in_handler || (n == "in_interrupt" && (bh_ > 0 || softirq_));
    *out = Val{n == "irqs_disabled" ? !on : intr, 0};
    return true;
  }
  const bool save = n == "local_irq_save" || n == "spin_lock_irqsave";
  if (save || n == "local_irq_disable" || n == "spin_lock_irq") set_irqs(false, e->pos);
  if (save) {  // after disabling: no handler fires between the save and the disable
    store(place(e->args[n == "local_irq_save" ? 0 : 1], f), Val{on ? kIrqFlagsEnabled : 0, 0}, 0);
  }
  if (n == "spin_lock_irq" || n == "spin_lock_irqsave") lock("spin_lock", e, f);
  if (n == "spin_unlock_irq" || n == "spin_unlock_irqrestore") lock("spin_unlock", e, f);
  if (n == "local_irq_enable" || n == "spin_unlock_irq") set_irqs(true, e->pos);
  if (n == "local_irq_restore" || n == "spin_unlock_irqrestore") {
    const Val flags = eval(e->args[n == "local_irq_restore" ? 0 : 1], f);
    set_irqs((flags.v & kIrqFlagsEnabled) != 0, e->pos);
  }
  return true;
}

// -- data races with a handler on the same CPU ---------------------------------------------------

namespace {

// The spinlocks held at each event of the path, by context (the thread's, the handler's); an
// rwlock or rw_semaphore held for writing as its location, for reading as -(location + 1).
std::vector<std::set<int>> locksets(const lkmm_thread::Trace& tr) {
  std::vector<std::set<int>> out;
  std::multiset<int> held[2];
  for (size_t i = 0; i < tr.ev.size(); ++i) {
    const lkmm::Event& e = tr.ev[i];
    const uint64_t bit = uint64_t{1} << i;
    std::multiset<int>& h = held[(tr.hardirq & bit) != 0 ? 1 : 0];
    const int read = -(e.loc + 1);
    auto drop = [&](int l) {
      if (auto it = h.find(l); it != h.end()) h.erase(it);
    };
    if (e.kind == lkmm::Kind::kWrite && (e.tags & lkmm::kUnlock)) drop(e.loc);
    if (tr.rw_release & bit) h.count(e.loc) > 0 ? drop(e.loc) : drop(read);
    if (tr.rw_downgrade & bit) drop(e.loc), h.insert(read);
    out.emplace_back(h.begin(), h.end());
    if (e.kind == lkmm::Kind::kWrite && (e.tags & lkmm::kLockW)) h.insert(e.loc);
    if (tr.rw_take & bit) h.insert((tr.rw_read & bit) ? read : e.loc);
  }
  return out;
}

// Two locksets exclude each other: a lock both hold, for writing by at least one.
bool exclusive(const std::set<int>& a, const std::set<int>& b) {
  return std::any_of(a.begin(), a.end(), [&](int l) {
    return l >= 0 ? b.count(l) > 0 || b.count(-(l + 1)) > 0 : b.count(-l - 1) > 0;
  });
}

bool access(const lkmm::Event& e) {
  return e.kind == lkmm::Kind::kRead || e.kind == lkmm::Kind::kWrite;
}

bool plain(const lkmm::Event& e) { return access(e) && e.tags == 0; }

}  // namespace

// A handler may interrupt the thread's plain access made with hardirqs on: KCSAN reports the
// pair (the compiler knows nothing of the interrupt: access-marking.txt), as sc's race detector
// does (model/race.h; model/cpu.cc orders the thread's IRQs-off regions and the firings of its
// CPU). Inlined in one LKMM thread the two are ordered by po and are no LKMM data race, so they
// are checked here, as sc checks them (docs/litmus.md "IRQs under lkmm"): a conflicting pair
// (a write, a plain access) of the thread with hardirqs on and a handler, not under a common
// lock.
void same_cpu_races(const Layout& lay, const lkmm_thread::Trace& tr,
                    std::vector<lkmm_thread::Trace::Finding>* found) {
  if (tr.hardirq == 0) return;
  const std::vector<std::set<int>> locks = locksets(tr);
  std::vector<int> firing(tr.ev.size(), -1);  // per event: its firing, -1 for the thread's
  for (size_t i = 0, n = 0; i < tr.ev.size(); ++i) {
    n += (tr.irq_start >> i & 1);
    if (tr.hardirq >> i & 1) firing[i] = static_cast<int>(n);
  }
  for (size_t j = 0; j < tr.ev.size(); ++j) {
    for (size_t i = 0; i < j; ++i) {
      const lkmm::Event& a = tr.ev[i];
      const lkmm::Event& b = tr.ev[j];
      if (firing[i] == firing[j] || !access(a) || !access(b) || a.loc != b.loc) continue;
      // Handlers do not nest (they run with hardirqs off), and one cannot interrupt the
      // thread's accesses made with hardirqs disabled: only an access the handler may
      // interrupt is concurrent with it (sc's race detector orders the rest the same way,
      // model/cpu.cc irqs_off_region).
      if (firing[i] >= 0 && firing[j] >= 0) continue;
      if ((tr.irqs_off >> (firing[i] < 0 ? i : j)) & 1) continue;
      if (a.kind != lkmm::Kind::kWrite && b.kind != lkmm::Kind::kWrite) continue;
      if (!plain(a) && !plain(b)) continue;
      const bool common = exclusive(locks[i], locks[j]);
      if (common) continue;
      found->push_back({"race", "BUG: KCSAN: data-race in " + lay.names[a.loc], tr.pos[j]});
    }
  }
}

// -- lockdep's IRQ usage -----------------------------------------------------------------------

namespace {
// usage_'s bits, as lockdep names them (kernel/locking/lockdep_states.h, usage_str[]).
const char* const kUsageName[] = {"{IN-HARDIRQ-W}", "{HARDIRQ-ON-W}", "{IN-HARDIRQ-R}",
                                  "{HARDIRQ-ON-R}", "{IN-SOFTIRQ-W}", "{SOFTIRQ-ON-W}",
                                  "{IN-SOFTIRQ-R}", "{SOFTIRQ-ON-R}"};
}  // namespace

void IrqUsage::mark(const Layout& lay, const std::vector<lkmm_thread::Trace::Usage>& usage,
                    const std::string& task, const std::function<std::string(lang::Pos)>& where,
                    std::vector<lkmm_thread::Trace::Finding>* found) {
  for (const lkmm_thread::Trace::Usage& u : usage) {
    std::array<Bit, 8>& bits = usage_[lay.cls(u.loc)];  // lockdep marks the class
    const int state = u.softirq ? 4 : 0;
    const int b = state + (u.used_in ? 0 : 1) + (u.read ? 2 : 0);
    if (bits[b].set) continue;
    bits[b] = Bit{true, (u.task.empty() ? task : u.task) + " at " + where(u.pos), u.pos};
    // mark_lock_irq(): the new usage bit against the exclusive write one, and a new write bit
    // against the exclusive read one too (read vs read never conflicts); print_usage_bug().
    const int excl = state + (u.used_in ? 1 : 0);
    for (int old : {excl, excl + 2}) {
      if (old == excl + 2 && u.read) break;
      if (!bits[old].set) continue;
      if (!reported_.insert({lay.cls(u.loc), lay.cls(u.loc)}).second) break;
      found->push_back({"lockdep",
                        std::string("inconsistent lock state: inconsistent ") + kUsageName[old] +
                            " -> " + kUsageName[b] + " usage of '" + lay.names[u.loc] +
                            "': " + kUsageName[old] + " at " + bits[old].at + ", " + kUsageName[b] +
                            " at " + bits[b].at,
                        u.pos});
      break;
    }
  }
}

// check_irq_usage(): a chain of dependencies from an IRQ-safe lock (taken in a handler or an
// RCU callback, for reading or writing) to an IRQ-unsafe one of the same state (taken for
// writing with that state's interrupts on) lets an interrupt taking the safe lock wait for a
// task that waits for it ("HARDIRQ-READ-safe" when the safe lock is only read-safe, as
// lockdep's print_bad_irq_dependency() and sc). HARDIRQ is checked before SOFTIRQ.
void IrqUsage::order(const Layout& lay, const LockOrder& order,
                     std::vector<lkmm_thread::Trace::Finding>* found) {
  for (int state : {0, 4}) {
    const std::string irq = state == 0 ? "HARDIRQ" : "SOFTIRQ";
    for (const auto& [safe, bits] : usage_) {
      if (!bits[state].set && !bits[state + 2].set) continue;
      const Bit& safe_bit = bits[state].set ? bits[state] : bits[state + 2];
      const std::string cls = bits[state].set ? irq : irq + "-READ";
      std::vector<int> todo = {safe};
      std::set<int> seen = {safe};
      while (!todo.empty()) {
        const int from = todo.back();
        todo.pop_back();
        for (const auto& [edge, at] : order.edges()) {
          if (edge.first != from || !seen.insert(edge.second).second) continue;
          todo.push_back(edge.second);
          auto u = usage_.find(edge.second);
          if (u == usage_.end() || !u->second[state + 1].set) continue;
          if (!reported_.insert({safe, edge.second}).second) continue;
          found->push_back({"lockdep",
                            cls + "-safe -> " + cls + "-unsafe lock order detected: '" +
                                lay.names[safe] + "' (" + cls + "-safe at " + safe_bit.at +
                                ") -> '" + lay.names[edge.second] + "' (taken at " + at + "; " +
                                cls + "-unsafe at " + u->second[state + 1].at + ")",
                            u->second[state + 1].pos});
        }
      }
    }
  }
}

}  // namespace ravel::litmus::lkmm_ravel
