// tests/litmus/lkmm_superset_emit.cc: reduction models as .ravel scenarios (see
// lkmm_superset_emit.h).
#include "tests/litmus/lkmm_superset_emit.h"

#include <algorithm>
#include <vector>

namespace ravel::lkmm_superset {
namespace {

using reduction::Op;
using reduction::TaskModel;

std::string n(int v) { return std::to_string(v); }

// One operation as statements (acc is the task's accumulator), or "" when it has no form
// both models run.
std::string op_text(const Op& op, std::vector<int>* held) {
  const std::string v = "v" + n(op.a), a = "&a" + n(op.a), m = "&m" + n(op.a);
  switch (op.kind) {
    case Op::kRead:
      return "acc = acc * 3 + READ_ONCE(" + v + ");";
    case Op::kWrite:
      return "WRITE_ONCE(" + v + ", (acc + " + n(op.b) + ") % 4);";
    case Op::kLoad:
      return "acc = acc * 3 + atomic_read(" + a + ");";
    case Op::kFetchAdd:
      return "acc += atomic_add_return(1, " + a + ") - 1;";
    case Op::kCas:
      return "acc = acc * 2 + (atomic_cmpxchg(" + a + ", " + n(op.b) + ", " + n(op.b + 1) +
             ") == " + n(op.b) + ");";
    case Op::kLock:
      held->push_back(op.a);
      return "mutex_lock(" + m + ");";
    case Op::kUnlock:
      held->erase(std::remove(held->begin(), held->end(), op.a), held->end());
      return "mutex_unlock(" + m + ");";
    case Op::kWait:
      return "wait_for_completion(&e" + n(op.a) + ");";
    case Op::kSet:
      return "complete_all(&e" + n(op.a) + ");";
    case Op::kCheck:
      return "assert(READ_ONCE(" + v + ") != " + n(op.b) + ");";
    case Op::kInc:
      return "acc = acc * 2 + (atomic_inc_return(" + a + ") == 1);";
    case Op::kDec:
      return "acc = acc * 2 + (atomic_sub_return(1, " + a + ") <= 0);";
    case Op::kSection: {
      if (std::count(held->begin(), held->end(), op.a) > 0) return "";  // a self-deadlock
      const std::string var = "v" + n(op.b);
      const std::string access = op.c % 2 != 0
                                     ? "acc = acc * 3 + READ_ONCE(" + var + ");"
                                     : "WRITE_ONCE(" + var + ", (acc + " + n(op.c) + ") % 4);";
      return "mutex_lock(" + m + "); " + access + " mutex_unlock(" + m + ");";
    }
    default:
      return "";
  }
}

bool task_text(const TaskModel& t, size_t index, std::string* out, std::string* why) {
  if (t.daemon) {
    *why = "a daemon task";
    return false;
  }
  std::string body;
  std::vector<int> held;
  for (const Op& op : t.ops) {
    std::string s = op_text(op, &held);
    if (s.empty()) {
      *why = "operation kind " + n(op.kind) + " in T" + n(static_cast<int>(index));
      return false;
    }
    body += "    " + s + "\n";
  }
  *out += "thread T" + n(static_cast<int>(index)) + " {\n    int acc = 0;\n" + body +
          "    WRITE_ONCE(acc" + n(static_cast<int>(index)) + ", acc);\n}\n\n";
  return true;
}

// Whether a section on mutex `mu` at position `at` of t would find it held by t.
bool held_at(const TaskModel& t, size_t at, int mu) {
  int depth = 0;
  for (size_t i = 0; i < at; ++i) {
    if (t.ops[i].a != mu) continue;
    depth += t.ops[i].kind == Op::kLock ? 1 : t.ops[i].kind == Op::kUnlock ? -1 : 0;
  }
  return depth > 0;
}

// An operation on locks or events as a plain access of a variable (memory_only).
Op memory_op(const Op& op, int vars) {
  if (op.kind == Op::kSet) return {Op::kWrite, op.a % vars, 1};
  if (op.kind == Op::kSection) return {op.c % 2 != 0 ? Op::kRead : Op::kWrite, op.b, op.c};
  return {Op::kRead, op.a % vars, 0};
}

}  // namespace

reduction::Model restrict_to_both(const reduction::Model& m, bool memory_only) {
  reduction::Model r = m;
  r.children.clear();
  for (TaskModel& t : r.tasks) {
    t.daemon = false, t.in_domain = false;
    std::vector<Op> ops;
    for (size_t i = 0; i < t.ops.size(); ++i) {
      Op op = t.ops[i];
      if (op.kind == Op::kSpawn) continue;
      if (op.kind == Op::kSection && held_at(t, i, op.a)) continue;
      if (op.kind == Op::kWaitTimeout) op = {Op::kWait, op.a, 0};
      if (op.kind == Op::kChoose) op = {Op::kRead, 0, 0};
      if (op.kind == Op::kDomainWrite) op = {Op::kWrite, 0, op.b};
      if (memory_only && (op.kind == Op::kLock || op.kind == Op::kUnlock || op.kind == Op::kWait ||
                          op.kind == Op::kSet || op.kind == Op::kSection)) {
        op = memory_op(op, r.vars);
      }
      ops.push_back(op);
    }
    t.ops = std::move(ops);
  }
  return r;
}

bool emit(const reduction::Model& m, const std::string& name, std::string* out, std::string* why) {
  if (!m.children.empty()) {
    *why = "a spawned child";
    return false;
  }
  std::string s = "scenario \"" + name + "\";\n\n";
  for (int i = 0; i < m.vars; ++i) s += "int v" + n(i) + ";\n";
  for (int i = 0; i < m.atomics; ++i) {
    s += "atomic_t a" + n(i) + " = ATOMIC_INIT(" + std::to_string(m.atomic_init) + ");\n";
  }
  for (int i = 0; i < m.mutexes; ++i) s += "struct mutex m" + n(i) + ";\n";
  for (int i = 0; i < m.events; ++i) s += "struct completion e" + n(i) + ";\n";
  for (size_t i = 0; i < m.tasks.size(); ++i) s += "int acc" + n(static_cast<int>(i)) + ";\n";
  s += "\n";
  for (size_t i = 0; i < m.tasks.size(); ++i) {
    if (!task_text(m.tasks[i], i, &s, why)) return false;
  }
  *out = std::move(s);
  return true;
}

}  // namespace ravel::lkmm_superset
