// model/lockdep_report.cc: see lockdep_report.h. Wording follows kernel/locking/lockdep.c
// (print_circular_bug_header, print_deadlock_bug, print_usage_bug, print_circular_lock_scenario,
// print_irq_lock_scenario, print_lock_nested_lock_not_held; get_usage_chars, print_lock_name).
#include "model/lockdep_report.h"

namespace ravel::model {
namespace {
std::string lock_name(int cls) { return class_str(cls); }
std::string bare(int cls) { return Kernel::current().lockdep().class_name(cls); }

// get_usage_char(): `bit` is a LOCK_USED_IN_* bit; bit + 2 (LOCK_USAGE_DIR_MASK) its ENABLED_*.
char usage_char(const Lockdep::Class& c, int bit) {
  bool used_in = c.usage[bit].set;
  bool enabled = c.usage[bit + 2].set;
  if (enabled) return used_in ? '?' : '+';
  return used_in ? '-' : '.';
}
}  // namespace

std::string usage_chars(const Lockdep::Class& c) {
  // lockdep_states.h order: HARDIRQ, SOFTIRQ; each LOCK_USED_IN_<STATE> then its _READ.
  std::string s = "{";
  for (int irq = 0; irq < 2; ++irq) {
    for (int read = 0; read < 2; ++read) s += usage_char(c, irq * 4 + read);
  }
  return s + "}";
}

std::string wait_type_str(const Lockdep::Class& c) {
  if (c.wait_inner == kWaitUnknown) return "";
  int outer = c.wait_outer > 0 ? c.wait_outer : c.wait_inner;  // wait_type_outer ?: inner
  return "-{" + std::to_string(outer) + ":" + std::to_string(c.wait_inner) + "}";
}

std::string class_str(int cls) {
  const Lockdep::Class& c = Kernel::current().lockdep().cls(cls);
  return "(" + c.name + ")" + usage_chars(c) + wait_type_str(c);
}

std::string loc_str(Loc loc) {
  if (loc.file == nullptr || loc.file[0] == '\0') return "?";
  return std::string(loc.file) + ":" + std::to_string(loc.line);
}

std::string task_str(const TaskCtx& t) { return task_label(t.id) + "/" + std::to_string(t.id); }

std::string irq_state_str(const TaskCtx& t) {
  return "[HC" + std::to_string(t.hardirq) + "[" + std::to_string(t.hardirq) + "]:SC" +
         std::to_string(t.softirq) + "[" + std::to_string(t.softirq) + "]:HE" +
         (t.irqs_off ? "0" : "1") + ":SE" + (t.bh > 0 || t.softirq > 0 ? "0" : "1") + "]";
}

std::string held_locks_str(const TaskCtx& t) {
  if (t.held.empty()) return "no locks held by " + task_str(t) + ".\n";
  std::string s = std::to_string(t.held.size()) + (t.held.size() == 1 ? " lock" : " locks") +
                  " held by " + task_str(t) + ":\n";
  for (size_t i = 0; i < t.held.size(); ++i) {
    s += " #" + std::to_string(i) + ": " + lock_name(t.held[i].cls) +
         ", at: " + loc_str(t.held[i].loc) + "\n";
  }
  return s;
}

std::string banner(const std::string& headline) {
  std::string line(headline.size() + 9, '=');
  std::string dash(headline.size() + 9, '-');
  return line + "\nWARNING: " + headline + "\n" + dash + "\n";
}

const char* usage_str(int bit) {
  static const char* const kNames[] = {"IN-HARDIRQ-W", "IN-HARDIRQ-R", "HARDIRQ-ON-W",
                                       "HARDIRQ-ON-R", "IN-SOFTIRQ-W", "IN-SOFTIRQ-R",
                                       "SOFTIRQ-ON-W", "SOFTIRQ-ON-R"};
  return bit >= 0 && bit < 8 ? kNames[bit] : "?";
}

const char* irq_name(int irq) { return irq == 0 ? "HARDIRQ" : "SOFTIRQ"; }

std::string circular_splat(const TaskCtx& t, const HeldLock& prev, const HeldLock& next,
                           const std::vector<int>& path) {
  Lockdep& ld = Kernel::current().lockdep();
  std::string s = banner("possible circular locking dependency detected");
  s += task_str(t) + " is trying to acquire lock:\n" + lock_name(next.cls) +
       ", at: " + loc_str(next.loc) + "\n\nbut task is already holding lock:\n" +
       lock_name(prev.cls) + ", at: " + loc_str(prev.loc) +
       "\n\nwhich lock already depends on the new lock.\n\n\n" +
       "the existing dependency chain (in reverse order) is:\n";
  // path: next -> ... -> prev (existing edges); each entry shows where its lock was taken
  // while the previous one was held, newest dependency first, then the new one as #0.
  int n = static_cast<int>(path.size()) - 1;
  for (int i = n - 1; i >= 0; --i) {
    for (const Lockdep::Edge& e : ld.edges(path[i])) {
      if (e.to != path[i + 1]) continue;
      s += "\n-> #" + std::to_string(i + 1) + " " + lock_name(path[i + 1]) +
           ":\n       acquired at " + loc_str(e.next_loc) + " by " + e.task + ", while holding (" +
           bare(path[i]) + ")" + " acquired at " + loc_str(e.prev_loc) + "\n";
    }
  }
  s += "\n-> #0 " + lock_name(next.cls) + ":\n       acquired at " + loc_str(next.loc) + " by " +
       task_label(t.id) + ", while holding (" + bare(prev.cls) + ") acquired at " +
       loc_str(prev.loc) + "\n\nother info that might help us debug this:\n\n";
  int parent = path.size() >= 2 ? path[path.size() - 2] : next.cls;
  if (parent != next.cls) {
    s += "Chain exists of:\n  ";
    for (size_t i = 0; i < path.size(); ++i) s += (i ? " --> " : "") + bare(path[i]);
    s += " --> " + bare(next.cls) + "\n\n";
  }
  s += " Possible unsafe locking scenario:\n\n       CPU0                    CPU1\n"
       "       ----                    ----\n";
  s += "  lock(" + bare(prev.cls) + ");\n";
  s += "                               lock(" + bare(parent) + ");\n";
  s += "                               lock(" + bare(prev.cls) + ");\n";
  s += "  lock(" + bare(next.cls) + ");\n\n *** DEADLOCK ***\n\n";
  return s + held_locks_str(t);
}

std::string recursive_splat(const TaskCtx& t, const HeldLock& prev, const HeldLock& next) {
  std::string s = banner("possible recursive locking detected");
  s += task_str(t) + " is trying to acquire lock:\n" + lock_name(next.cls) +
       ", at: " + loc_str(next.loc) + "\n\nbut task is already holding lock:\n" +
       lock_name(prev.cls) + ", at: " + loc_str(prev.loc) +
       "\n\nother info that might help us debug this:\n" +
       " Possible unsafe locking scenario:\n\n       CPU0\n       ----\n  lock(" + bare(prev.cls) +
       ");\n  lock(" + bare(next.cls) + ");\n\n *** DEADLOCK ***\n\n" +
       " May be due to missing lock nesting notation\n\n";
  return s + held_locks_str(t);
}

std::string inconsistent_splat(const TaskCtx& t, const HeldLock& h, int old_bit, int new_bit) {
  const Lockdep::Class& c = Kernel::current().lockdep().cls(h.cls);
  std::string s = banner("inconsistent lock state");
  s += std::string("inconsistent {") + usage_str(old_bit) + "} -> {" + usage_str(new_bit) +
       "} usage.\n" + task_str(t) + " " + irq_state_str(t) + " takes:\n" + lock_name(h.cls) +
       ", at: " + loc_str(h.loc) + "\n{" + usage_str(old_bit) + "} state was registered at:\n  " +
       loc_str(c.usage[old_bit].loc) + " (" + c.usage[old_bit].task + ")\n\n" +
       "other info that might help us debug this:\n Possible unsafe locking scenario:\n\n" +
       "       CPU0\n       ----\n  lock(" + c.name + ");\n  <Interrupt>\n    lock(" + c.name +
       ");\n\n *** DEADLOCK ***\n\n";
  return s + held_locks_str(t);
}

std::string irq_scenario(int safe, int unsafe, int prev, int next) {
  int middle = prev == safe ? next : prev;
  std::string s;
  // A chain safe --> middle --> unsafe stands for the whole path rather than a CPU per link.
  if (middle != unsafe) {
    s += "Chain exists of:\n  " + bare(safe) + " --> " + bare(middle) + " --> " + bare(unsafe) +
         "\n\n";
  }
  s += " Possible interrupt unsafe locking scenario:\n\n"
       "       CPU0                    CPU1\n       ----                    ----\n";
  s += "  lock(" + bare(unsafe) + ");\n                               local_irq_disable();\n";
  s += "                               lock(" + bare(safe) + ");\n";
  s += "                               lock(" + bare(middle) + ");\n";
  s += "  <Interrupt>\n    lock(" + bare(safe) + ");\n\n *** DEADLOCK ***\n\n";
  return s;
}

std::string nested_lock_not_held_splat(const TaskCtx& t, const HeldLock& h) {
  // printk("%s") of the nest_lock's name: a zeroed (never initialised) map prints "(null)".
  const char* nest = h.nest != nullptr ? h.nest->name : nullptr;
  std::string nest_name = nest != nullptr && nest[0] != '\0' ? nest : "(null)";
  return banner("Nested lock was not taken") + task_str(t) + " is trying to lock:\n" +
         lock_name(h.cls) + ", at: " + loc_str(h.loc) + "\n\nbut this task is not holding:\n" +
         nest_name + "\n\nother info that might help us debug this:\n" + held_locks_str(t);
}

}  // namespace ravel::model
