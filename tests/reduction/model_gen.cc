// tests/reduction/model_gen.cc: generation, printing and interpretation of random models.
#include "tests/reduction/model_gen.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <source_location>
#include <string>
#include <utility>
#include <vector>

#include "checker/strategies/strategies.h"  // Rng: our own seeded generator
#include "checker/testing/primitives.h"

namespace ravel::reduction {
namespace {

using testing::Atomic;
using testing::Event;
using testing::Mutex;
using testing::Shared;

struct Gen {
  Rng rng;
  Model* m;
  bool multi_waits = false;  // GenLimits::multi_object_waits
  bool pair_writes = false;  // GenLimits::extra_writes
  bool updates = false;      // GenLimits::counter_updates
  int pick(int n) { return static_cast<int>(rng.below(static_cast<uint32_t>(n))); }
};

// A wait on a condition over two or three distinct variables.
Op await_op(Gen& g) {
  const int a = g.pick(g.m->vars);
  const int b = (a + 1 + g.pick(g.m->vars - 1)) % g.m->vars;
  int c = -1;
  if (kMaxExtraReads >= 2 && g.m->vars > 2 && g.pick(2) == 0) {
    c = 0;
    while (c == a || c == b) ++c;
  }
  return {Op::kAwait, a, b, c};
}

// One operation on var[a] that also writes var[c] or, for a task outside the domain, the irq
// domain object (c == -2).
Op pair_op(Gen& g, bool may_domain_write) {
  const int a = g.pick(g.m->vars);
  int c = (a + 1 + g.pick(g.m->vars - 1)) % g.m->vars;
  if (may_domain_write && g.pick(3) == 0) c = -2;
  return {Op::kPairWrite, a, g.pick(4), c};
}

// A refcount-like increment or decrement (decrements a little more often: they reach zero).
Op update_op(Gen& g) { return {g.pick(5) < 2 ? Op::kInc : Op::kDec, g.pick(g.m->atomics), 0}; }

// A coarse section on a random mutex and variable.
Op section_op(Gen& g) { return {Op::kSection, g.pick(g.m->mutexes), g.pick(g.m->vars), g.pick(4)}; }

// A memory / event / choice operation (not lock, unlock or spawn).
Op simple_op(Gen& g, bool may_domain_write) {
  for (;;) {
    int k = g.pick(14);
    switch (k) {
      case 0:
      case 1:
      case 2:
        return {Op::kRead, g.pick(g.m->vars), 0};
      case 3:
      case 4:
      case 5:
        if (g.pair_writes && g.pick(2) == 0) return pair_op(g, may_domain_write);
        return {Op::kWrite, g.pick(g.m->vars), g.pick(4)};
      case 6:
        if (g.updates && g.pick(3) != 0) return update_op(g);
        return {Op::kLoad, g.pick(g.m->atomics), 0};
      case 7:
        if (g.updates && g.pick(3) != 0) return update_op(g);
        return {Op::kFetchAdd, g.pick(g.m->atomics), 0};
      case 8:
        return {Op::kCas, g.pick(g.m->atomics), g.pick(2)};
      case 9:
        return {Op::kChoose, 0, 2 + g.pick(2)};
      case 10:
        return {Op::kCheck, g.pick(g.m->vars), 1 + g.pick(3)};
      case 11:
        if (g.multi_waits && g.pick(4) != 0) return await_op(g);
        return {g.pick(2) == 0 ? Op::kWait : Op::kWaitTimeout, g.pick(g.m->events), 0};
      case 12:
        return {Op::kSet, g.pick(g.m->events), 0};
      default:
        if (may_domain_write) return {Op::kDomainWrite, 0, 1 + g.pick(2)};
    }
  }
}

TaskModel gen_task(Gen& g, int nops, bool may_domain_write, bool nested = false) {
  TaskModel t;
  std::vector<int> held;
  if (nested && nops >= 4) {
    const int first = g.pick(2);
    t.ops.push_back({Op::kLock, first, 0});
    t.ops.push_back({Op::kLock, 1 - first, 0});
    held = {first, 1 - first};
  }
  while (static_cast<int>(t.ops.size()) < nops) {
    const int remaining = nops - static_cast<int>(t.ops.size());
    if (!held.empty() && (remaining <= static_cast<int>(held.size()) || g.pick(3) == 0)) {
      t.ops.push_back({Op::kUnlock, held.back(), 0});
      held.pop_back();
      continue;
    }
    if (held.empty() && remaining >= 4 && g.m->mutexes == 2 && g.pick(3) == 0) {
      // Both mutexes nested, in a random order: two such tasks may deadlock (AB-BA).
      const int first = g.pick(2);
      t.ops.push_back({Op::kLock, first, 0});
      t.ops.push_back({Op::kLock, 1 - first, 0});
      held = {first, 1 - first};
      continue;
    }
    if (held.size() < 2 && remaining >= 2 + static_cast<int>(held.size()) && g.pick(5) < 2) {
      int mu = g.pick(g.m->mutexes);
      if (std::find(held.begin(), held.end(), mu) == held.end()) {
        t.ops.push_back({Op::kLock, mu, 0});
        held.push_back(mu);
        continue;
      }
    }
    t.ops.push_back(simple_op(g, may_domain_write));
  }
  return t;
}

// One task (or a fresh one) made symmetric: it loses what would tell copies apart, then gets
// GenLimits::symmetric_copies identical copies in one class.
void add_symmetric_copies(Gen& g, const GenLimits& limits, Model* m) {
  const auto t = static_cast<size_t>(g.pick(static_cast<int>(m->tasks.size())));
  TaskModel& base = m->tasks[t];
  base.in_domain = false;
  base.daemon = false;
  for (Op& op : base.ops) {
    if (op.kind == Op::kSpawn || op.kind == Op::kNew || op.kind == Op::kUse) op = {Op::kRead, 0, 0};
  }
  base.sym = 1;
  const TaskModel copy = base;  // push_back may move the vector's storage
  for (int k = 0; k < limits.symmetric_copies && m->tasks.size() < 8; ++k) {
    m->tasks.push_back(copy);
  }
  if (limits.broken_symmetry && !copy.ops.empty()) {
    Op& op = m->tasks.back().ops[static_cast<size_t>(g.pick(static_cast<int>(copy.ops.size())))];
    op = op.kind == Op::kRead ? Op{Op::kWrite, op.a, 1} : Op{Op::kRead, op.a, 0};
  }
}

// Two or three tasks create an object each (concurrently), publish it in a pointer variable;
// others (or the creators) use what they find there.
void add_creations(Gen& g, Model* m) {
  m->ptrs = 1 + g.pick(2);
  const int ntasks = static_cast<int>(m->tasks.size());
  const int creators = std::min(ntasks, 2 + g.pick(2));
  for (int c = 0; c < creators; ++c) {
    std::vector<Op>& ops = m->tasks[static_cast<size_t>(c)].ops;
    // Never first: the creation must happen after the task ran at least one step.
    ops.insert(ops.begin() + 1 + g.pick(static_cast<int>(ops.size())),
               Op{Op::kNew, g.pick(m->ptrs), g.pick(4)});
  }
  const int uses = 1 + g.pick(3);
  for (int u = 0; u < uses; ++u) {
    std::vector<Op>& ops = m->tasks[static_cast<size_t>(g.pick(ntasks))].ops;
    ops.insert(ops.begin() + g.pick(static_cast<int>(ops.size()) + 1),
               Op{Op::kUse, g.pick(m->ptrs), g.pick(4)});
  }
}

const char* const kTaskNames[] = {"T0", "T1", "T2", "T3", "T4", "T5", "T6", "T7"};
const char* const kChildNames[] = {"C0", "C1", "C2", "C3", "C4", "C5", "C6", "C7"};

struct State {
  std::vector<Shared<>*> vars;
  std::vector<Atomic*> atomics;
  std::vector<Mutex*> mutexes;
  std::vector<Event*> events;
  Shared<>* irq = nullptr;
  std::vector<Shared<>*> ptrs;  // 0, or 1 + slot * 16 + ordinal of a created object
  // Per task slot: the objects it created, in creation order. Named by (slot, ordinal), which
  // does not depend on the interleaving, unlike the order of creations across tasks.
  std::vector<std::vector<Shared<>*>> created;
  std::vector<int64_t> acc;          // tasks, then children
  std::vector<std::string> choices;  // per slot: the values its choices took, in order
};

// Open while the sum of the variables is odd: any write of any of them may open or close it,
// so the wait names every one of them (checker/api.h enabledness contract).
class OddSumGate final : public Gate {
 public:
  explicit OddSumGate(std::vector<Shared<>*> vars) : vars_(std::move(vars)) {}
  bool open(TaskId) const override { return sum() % 2 == 1; }
  Kind kind() const override { return Kind::kEvent; }
  std::string describe(TaskId) const override { return "await(odd sum)"; }
  int64_t sum() const {
    int64_t s = 0;
    for (const Shared<>* v : vars_) s += v->peek();
    return s;
  }

 private:
  std::vector<Shared<>*> vars_;
};

int64_t await_odd_sum(State* s, const Op& op) {
  std::vector<Shared<>*> vars = {s->vars[op.a], s->vars[op.b]};
  if (op.c >= 0) vars.push_back(s->vars[op.c]);
  OddSumGate gate(vars);
  Operation w = testing::make_op(testing::kOpEventWait, Access::kRead, vars[0]->id(),
                                 std::source_location::current(), &gate);
  for (size_t i = 1; i < vars.size(); ++i) {
    if (!w.add_read(vars[i]->id())) std::abort();  // at most 1 + kMaxExtraReads objects
  }
  Ctx& ctx = Ctx::current();
  ctx.yield(w);
  ctx.set_result(gate.sum());
  return gate.sum();
}

// kSection: one operation gated on the mutex being free, the mutex an extra read and the
// variable its object, the access as its effect (model/lock_ops.h spin_irqsave_section).
// The reference (Model::fine_sections) and a task that holds the mutex already take the three
// operations.
int64_t section(const Model* m, State* s, const Op& op, int64_t acc) {
  Mutex* mu = s->mutexes[op.a];
  Shared<>* v = s->vars[op.b];
  const bool write = op.c % 2 == 0;
  Ctx& ctx = Ctx::current();
  if (m->fine_sections || mu->owner() == ctx.self()) {
    mu->lock();
    if (write) {
      v->write((acc + op.c) % 4);
    } else {
      acc = acc * 3 + v->read();
    }
    mu->unlock();
    return acc;
  }
  Operation w = testing::make_op(testing::kOpMutexLock, write ? Access::kWrite : Access::kRead,
                                 v->id(), std::source_location::current(),
                                 m->broken_sections ? nullptr : mu->free_gate());
  w.add_read(mu->id());
  ctx.yield(w);
  if (write) {
    v->poke((acc + op.c) % 4);
    return acc;
  }
  return acc * 3 + v->peek();
}

// Operation::add_write: the extra object is written by the same scheduling point.
int64_t pair_write(State* s, const Op& op, int64_t acc) {
  Shared<>* first = s->vars[op.a];
  Shared<>* second = op.c >= 0 ? s->vars[op.c] : s->irq;
  const bool read_first = op.b % 2 == 1;
  Operation w = testing::make_op(testing::kOpWrite, read_first ? Access::kRead : Access::kWrite,
                                 first->id(), std::source_location::current());
  if (!w.add_write(second->id())) std::abort();  // at most 1 + kMaxExtraReads objects
  Ctx::current().yield(w);
  if (read_first) {
    acc = acc * 3 + first->peek();
  } else {
    first->poke((acc + op.b) % 4);
  }
  second->poke(op.c >= 0 ? (acc + op.b + 1) % 4 : 1 + op.b % 2);
  return acc;
}

void run_task(const Model* m, const TaskModel* t, State* s, size_t slot) {
  int64_t acc = 0;
  for (const Op& op : t->ops) {
    switch (op.kind) {
      case Op::kRead:
        acc = acc * 3 + s->vars[op.a]->read();
        break;
      case Op::kWrite:
        s->vars[op.a]->write((acc + op.b) % 4);
        break;
      case Op::kLoad:
        acc = acc * 3 + s->atomics[op.a]->load();
        break;
      case Op::kFetchAdd:
        acc += s->atomics[op.a]->fetch_add(1);
        break;
      case Op::kCas: {
        int64_t expected = op.b;
        acc = acc * 2 + (s->atomics[op.a]->compare_exchange(expected, op.b + 1) ? 1 : 0);
        break;
      }
      case Op::kLock:
        s->mutexes[op.a]->lock();
        break;
      case Op::kUnlock:
        s->mutexes[op.a]->unlock();
        break;
      case Op::kWait:
        s->events[op.a]->wait();
        break;
      case Op::kWaitTimeout:
        acc = acc * 2 + (s->events[op.a]->wait_timeout() ? 1 : 0);
        break;
      case Op::kAwait:
        acc = acc * 5 + await_odd_sum(s, op);
        break;
      case Op::kPairWrite:
        acc = pair_write(s, op, acc);
        break;
      case Op::kSection:
        acc = section(m, s, op, acc);
        break;
      case Op::kInc:
      case Op::kDec:
        acc = acc * 2 +
              (s->atomics[op.a]->update(op.kind == Op::kInc ? 1 : -1, m->broken_updates) ? 1 : 0);
        break;
      case Op::kSet:
        s->events[op.a]->set();
        break;
      case Op::kChoose: {
        const uint32_t v = Ctx::current().choose(static_cast<uint32_t>(op.b));
        acc = acc * 3 + v;
        s->choices[slot] += std::to_string(v);
        break;
      }
      case Op::kSpawn: {
        const size_t child = static_cast<size_t>(op.a);
        Ctx::current().spawn_fn({.name = kChildNames[child]}, [m, s, child] {
          run_task(m, &m->children[child], s, m->tasks.size() + child);
        });
        break;
      }
      case Op::kDomainWrite:
        s->irq->write(op.b);
        break;
      case Op::kCheck:
        testing::check(s->vars[op.a]->read() != op.b, "random check");
        break;
      case Op::kNew: {
        // Created during the effect of this task's previous event: concurrent with the
        // creations of other tasks.
        std::vector<Shared<>*>& mine = s->created[slot];
        mine.push_back(Ctx::current().make<Shared<>>(Ctx::current(), (acc + op.b) % 4));
        s->ptrs[op.a]->write(static_cast<int64_t>(1 + slot * 16 + (mine.size() - 1)));
        break;
      }
      case Op::kUse: {
        const int64_t p = s->ptrs[op.a]->read();
        acc = acc * 3 + (p != 0 ? 1 : 0);
        if (p == 0) break;
        const auto handle = static_cast<size_t>(p - 1);
        Shared<>* obj = s->created[handle / 16][handle % 16];
        if (op.b % 2 == 0) {
          obj->write((acc + op.b) % 4);
        } else {
          acc = acc * 3 + obj->read();
        }
        break;
      }
    }
  }
  s->acc[slot] = acc;
}

// The state of the execution running on this thread, for the final function (executions run
// one at a time on the exploring thread; set by the setup of each execution).
State*& current_state() {
  thread_local State* state = nullptr;
  return state;
}

}  // namespace

Model generate(uint64_t seed, const GenLimits& limits) {
  Model m;
  Gen g{Rng(seed), &m, limits.multi_object_waits, limits.extra_writes, limits.counter_updates};
  m.vars = 2 + g.pick(2);
  m.atomics = limits.counter_updates ? 1 + g.pick(2) : 1;
  if (limits.counter_updates) m.atomic_init = 2;
  m.broken_updates = limits.broken_updates;
  m.mutexes = limits.nested_locks ? 2 : 1 + (g.pick(3) != 0 ? 1 : 0);  // two: AB-BA
  m.events = 1 + g.pick(2);
  const int ntasks = limits.min_tasks + g.pick(limits.max_tasks - limits.min_tasks + 1);
  const bool domain = g.pick(3) == 0;  // task 0 lives in the irq domain
  int budget = limits.max_total_ops;
  for (int t = 0; t < ntasks; ++t) {
    int nops = limits.min_ops + g.pick(limits.max_ops - limits.min_ops + 1);
    nops = std::max(1, std::min(nops, budget - (ntasks - t - 1) * limits.min_ops));
    budget -= nops;
    m.tasks.push_back(gen_task(g, nops, domain && t != 0, limits.nested_locks));
  }
  if (domain) m.tasks[0].in_domain = true;
  if (ntasks > 2 && g.pick(4) == 0) m.tasks.back().daemon = true;
  if (g.pick(4) == 0) {  // a task spawns a child mid-run
    TaskModel child = gen_task(g, 1 + g.pick(2), false);
    for (Op& op : child.ops) {  // children stay simple: no waits that nobody can satisfy
      if (op.kind == Op::kWait || op.kind == Op::kWaitTimeout) op = {Op::kRead, 0, 0};
    }
    m.children.push_back(child);
    std::vector<Op>& ops = m.tasks[static_cast<size_t>(g.pick(ntasks))].ops;
    ops.insert(ops.begin() + g.pick(static_cast<int>(ops.size()) + 1), Op{Op::kSpawn, 0, 0});
  }
  if (limits.create_objects) add_creations(g, &m);
  if (limits.multi_object_waits) {  // at least one per model
    std::vector<Op>& ops = m.tasks[static_cast<size_t>(g.pick(ntasks))].ops;
    ops.insert(ops.begin() + g.pick(static_cast<int>(ops.size()) + 1), await_op(g));
  }
  if (limits.counter_updates) {  // at least min_updates per model, spread over the tasks
    for (int k = 0; k < limits.min_updates; ++k) {
      std::vector<Op>& ops = m.tasks[static_cast<size_t>(k % ntasks)].ops;
      ops.insert(ops.begin() + g.pick(static_cast<int>(ops.size()) + 1), update_op(g));
    }
  }
  m.broken_sections = limits.broken_sections;
  for (int k = 0; k < limits.sections; ++k) {
    std::vector<Op>& ops = m.tasks[static_cast<size_t>(g.pick(ntasks))].ops;
    ops.insert(ops.begin() + g.pick(static_cast<int>(ops.size()) + 1), section_op(g));
  }
  if (limits.extra_writes) {  // at least one per model
    const int t = g.pick(ntasks);
    std::vector<Op>& ops = m.tasks[static_cast<size_t>(t)].ops;
    ops.insert(ops.begin() + g.pick(static_cast<int>(ops.size()) + 1),
               pair_op(g, domain && t != 0));
  }
  // Every waited event is set by some other task.
  for (size_t t = 0; t < m.tasks.size(); ++t) {
    for (const Op& op : std::vector<Op>(m.tasks[t].ops)) {
      if (op.kind != Op::kWait && op.kind != Op::kWaitTimeout) continue;
      bool set_elsewhere = false;
      for (size_t u = 0; u < m.tasks.size(); ++u) {
        if (u == t) continue;
        for (const Op& o : m.tasks[u].ops) set_elsewhere |= o.kind == Op::kSet && o.a == op.a;
      }
      // Mostly; a wait nobody can satisfy is a hang, which both strategies must report.
      if (!set_elsewhere && m.tasks.size() > 1 && g.pick(4) != 0) {
        size_t u = (t + 1 + static_cast<size_t>(g.pick(ntasks - 1))) % m.tasks.size();
        m.tasks[u].ops.push_back({Op::kSet, op.a, 0});
      }
    }
  }
  // Last: the copies must stay identical.
  if (limits.symmetric_copies > 0) add_symmetric_copies(g, limits, &m);
  return m;
}

std::string describe(const Model& m) {
  static const char* const kNames[] = {
      "read", "write",        "load",      "fetch_add",  "cas",   "lock",         "unlock",
      "wait", "wait_timeout", "set",       "choose",     "spawn", "domain_write", "check_ne",
      "new",  "use",          "await_odd", "pair_write", "inc",   "dec",          "section"};
  std::string out = "vars " + std::to_string(m.vars) + ", atomics " + std::to_string(m.atomics) +
                    ", mutexes " + std::to_string(m.mutexes) + ", events " +
                    std::to_string(m.events) + ", ptrs " + std::to_string(m.ptrs) + "\n";
  auto task = [&](const char* name, const TaskModel& t) {
    out += std::string("  ") + name + (t.in_domain ? " (domain irq)" : "") +
           (t.daemon ? " (daemon)" : "") + (t.sym != 0 ? " (symmetric)" : "") + ":";
    for (const Op& op : t.ops) {
      out += std::string(" ") + kNames[op.kind] + "(" + std::to_string(op.a) + "," +
             std::to_string(op.b) + (op.c != -1 ? "," + std::to_string(op.c) : "") + ")";
    }
    out += "\n";
  };
  for (size_t i = 0; i < m.tasks.size(); ++i) task(kTaskNames[i], m.tasks[i]);
  for (size_t i = 0; i < m.children.size(); ++i) task(kChildNames[i], m.children[i]);
  return out;
}

SetupFn model_setup(const Model& m, bool symmetry) {
  const Model* mp = &m;
  return [mp, symmetry](Ctx& ctx) {
    auto* s = ctx.make<State>();
    for (int i = 0; i < mp->vars; ++i) s->vars.push_back(ctx.make<Shared<>>(ctx));
    for (int i = 0; i < mp->atomics; ++i) {
      s->atomics.push_back(ctx.make<Atomic>(ctx, mp->atomic_init));
    }
    for (int i = 0; i < mp->mutexes; ++i) s->mutexes.push_back(ctx.make<Mutex>(ctx));
    for (int i = 0; i < mp->events; ++i) s->events.push_back(ctx.make<Event>(ctx));
    s->irq = ctx.make<Shared<>>(ctx);
    for (int i = 0; i < mp->ptrs; ++i) s->ptrs.push_back(ctx.make<Shared<>>(ctx));
    s->created.assign(mp->tasks.size() + mp->children.size(), {});
    s->acc.assign(mp->tasks.size() + mp->children.size(), -1);
    s->choices.assign(s->acc.size(), "");
    current_state() = s;
    ObjectId token = kNoObject;
    for (const TaskModel& t : mp->tasks) {
      if (symmetry && t.sym != 0 && token == kNoObject) token = ctx.new_object();
    }
    for (size_t i = 0; i < mp->tasks.size(); ++i) {
      TaskSpec spec;
      spec.name = kTaskNames[i];
      if (mp->tasks[i].in_domain) spec.domain = s->irq->id();
      spec.daemon = mp->tasks[i].daemon;
      if (mp->tasks[i].sym != 0) spec.symmetry = token;
      ctx.spawn_fn(spec, [mp, s, i] { run_task(mp, &mp->tasks[i], s, i); });
    }
  };
}

}  // namespace ravel::reduction

namespace ravel::reduction {

SetupFn model_final(const Model& m) {
  const Model* mp = &m;
  return [mp](Ctx& ctx) {
    const State* s = current_state();
    std::string f = "v";
    for (const Shared<>* v : s->vars) f += " " + std::to_string(v->peek());
    f += " a";
    for (const Atomic* a : s->atomics) f += " " + std::to_string(a->peek());
    f += " e";
    for (const Event* e : s->events) f += e->is_set() ? " 1" : " 0";
    f += " irq " + std::to_string(s->irq->peek()) + " p";
    for (const Shared<>* p : s->ptrs) f += " " + std::to_string(p->peek());
    f += " new";
    for (const std::vector<Shared<>*>& objs : s->created) {
      for (const Shared<>* o : objs) f += " " + std::to_string(o->peek());
      f += " /";
    }
    f += " acc";
    std::vector<std::string> members;  // the symmetry class's results, sorted
    for (size_t i = 0; i < s->acc.size(); ++i) {
      std::string r = std::to_string(s->acc[i]);
      if (i < mp->tasks.size() && mp->tasks[i].sym != 0) {
        members.push_back(r);
      } else {
        f += " " + r;
      }
    }
    std::sort(members.begin(), members.end());
    f += " sym";
    for (const std::string& r : members) f += " " + r;
    ctx.record_final_state(f);
  };
}

}  // namespace ravel::reduction

namespace ravel::reduction {

void TraceRecorder::begin_execution(Ctx& /*ctx*/) {
  events_.clear();
  names_.clear();
  spawner_.clear();
}

void TraceRecorder::on_task_spawned(TaskId /*task*/, TaskId parent) {
  // The effect of the parent's latest event spawns; init spawns before its first event.
  for (size_t i = events_.size(); i-- > 0;) {
    if (events_[i].task == parent) {
      if (i + 1 == events_.size()) spawner_[i] = 1;
      return;
    }
  }
}

void TraceRecorder::on_event(const ravel::Event& event) {
  events_.push_back(event);
  names_.push_back(Ctx::current().task_name(event.task));
  spawner_.push_back(0);
}

void TraceRecorder::end_execution(Ctx& /*ctx*/) {
  const ObjectId irq = current_state()->irq->id();
  const bool domain = !model_->tasks.empty() && model_->tasks[0].in_domain;
  std::map<std::string, std::string> per_task;
  std::map<ObjectId, std::vector<std::string>> per_object;  // "W label" or sorted read group
  std::map<ObjectId, std::vector<std::string>> open_reads;
  auto access = [&](ObjectId o, bool write, const std::string& label) {
    std::vector<std::string>& reads = open_reads[o];
    if (write) {
      std::sort(reads.begin(), reads.end());
      std::string group = "R{";
      for (const std::string& r : reads) group += r + ",";
      if (!reads.empty()) per_object[o].push_back(group + "}");
      reads.clear();
      per_object[o].push_back("W " + label);
    } else {
      reads.push_back(label);
    }
  };
  std::map<std::string, int> seq;
  const ObjectId kSpawns = 0;  // pseudo-object: spawns do not commute (task ids)
  for (size_t i = 0; i < events_.size(); ++i) {
    const ravel::Event& e = events_[i];
    const std::string label = names_[i] + "." + std::to_string(seq[names_[i]]++);
    per_task[names_[i]] += " " + std::to_string(e.op.kind) + "/" + std::to_string(e.op.object) +
                           "=" + std::to_string(e.result) + (e.timed_out ? "t" : "");
    if (e.op.access != ravel::Access::kNone && e.op.object != kNoObject) {
      // Under the dependency relation of api.h without the commuting-update reduction: an
      // update (recorded before its effect, so before Ctx::observed) orders like a write.
      access(e.op.object, e.op.access != ravel::Access::kRead, label);
    }
    for (uint32_t k = 0; k < e.op.extra_count; ++k) {
      access(e.op.extra_reads[k], e.op.extra_written(k), label);
    }
    if (domain && names_[i] == "T0") access(irq, false, label);
    if (spawner_[i]) access(kSpawns, true, label);
  }
  // Choices are not events: the values taken distinguish executions of the same event order.
  std::string out = "choices";
  for (const std::string& c : current_state()->choices) out += " " + c;
  out += "\n";
  for (const auto& [name, evs] : per_task) out += name + ":" + evs + "\n";
  for (auto& [o, list] : per_object) {
    std::vector<std::string>& reads = open_reads[o];
    std::sort(reads.begin(), reads.end());
    out += "o" + std::to_string(o) + ":";
    for (const std::string& x : list) out += " " + x;
    if (!reads.empty()) {
      out += " R{";
      for (const std::string& r : reads) out += r + ",";
      out += "}";
    }
    out += "\n";
  }
  for (auto& [o, reads] : open_reads) {  // objects only read
    if (per_object.count(o) != 0 || reads.empty()) continue;
    std::sort(reads.begin(), reads.end());
    out += "o" + std::to_string(o) + ": R{";
    for (const std::string& r : reads) out += r + ",";
    out += "}\n";
  }
  traces_.push_back(std::move(out));
}

}  // namespace ravel::reduction
