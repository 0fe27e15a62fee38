// model/lockdep_report.h: the text of lockdep's splats (kernel/locking/lockdep.c print_*()), for
// Violation::details. Locations replace the kernel's stack traces and lock addresses; "T0/3" is
// name/task id as the kernel prints comm/pid. Every lock class named by print_lock() or
// print_lock_name() carries its usage string and, where exact, its wait types (class_str); the
// scenarios name bare classes as __print_lock_name() does. Usage chars are read when the splat is
// made, as the kernel prints them: after the acquisition's own usage bits were marked.
#pragma once

#include <string>
#include <vector>

#include "checker/api.h"
#include "model/kernel.h"
#include "model/lockdep.h"

namespace ravel::model {

// get_usage_chars(): one char per [HARDIRQ, SOFTIRQ] x [W, R]: '.' unused in that state, '-'
// used in the IRQ (USED_IN only), '+' used with the IRQ enabled (ENABLED only), '?' both. "{-.-.}"
std::string usage_chars(const Lockdep::Class& c);
// print_lock_name()'s "-{outer ?: inner:inner}" suffix, or "" when the wait types are unknown.
std::string wait_type_str(const Lockdep::Class& c);
// print_lock_name() of class `cls` of the current run: "(name){usage}-{o:i}" (no leading space).
std::string class_str(int cls);

std::string loc_str(Loc loc);
std::string task_str(const TaskCtx& t);
// "[HC0[0]:SC0[0]:HE1:SE1]"
std::string irq_state_str(const TaskCtx& t);
// "N locks held by T0/3:\n #0: (a){+.+.}-{3:3}, at: f:1\n" or "no locks held by T0/3.\n"
std::string held_locks_str(const TaskCtx& t);
std::string banner(const std::string& headline);  // "=====\nWARNING: headline\n-----\n"
const char* usage_str(int bit);                   // "IN-HARDIRQ-W"
const char* irq_name(int irq);                    // "HARDIRQ" / "SOFTIRQ"

std::string circular_splat(const TaskCtx& t, const HeldLock& prev, const HeldLock& next,
                           const std::vector<int>& path);
std::string recursive_splat(const TaskCtx& t, const HeldLock& prev, const HeldLock& next);
std::string inconsistent_splat(const TaskCtx& t, const HeldLock& h, int old_bit, int new_bit);
// print_lock_nested_lock_not_held(): `h` names a nest_lock the task does not hold.
std::string nested_lock_not_held_splat(const TaskCtx& t, const HeldLock& h);
// scenario of print_irq_lock_scenario(), with its "Chain exists of:" when the safe lock reaches
// the unsafe one through a middle class (prev, or next when prev is the safe lock).
std::string irq_scenario(int safe, int unsafe, int prev, int next);

}  // namespace ravel::model
