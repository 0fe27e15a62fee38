// model/lockdep_report.h: the text of lockdep's splats (kernel/locking/lockdep.c print_*()), for
// Violation::details. Locations replace the kernel's stack traces; "T0/3" is name/task id as the
// kernel prints comm/pid.
#pragma once

#include <string>
#include <vector>

#include "checker/api.h"
#include "model/kernel.h"
#include "model/lockdep.h"

namespace ravel::model {

std::string loc_str(Loc loc);
std::string task_str(const TaskCtx& t);
// "[HC0[0]:SC0[0]:HE1:SE1]"
std::string irq_state_str(const TaskCtx& t);
// "N locks held by T0/3:\n #0: (a), at: f:1\n" or "no locks held by T0/3.\n"
std::string held_locks_str(const TaskCtx& t);
std::string banner(const std::string& headline);  // "=====\nWARNING: headline\n-----\n"
const char* usage_str(int bit);                     // "IN-HARDIRQ-W"
const char* irq_name(int irq);                      // "HARDIRQ" / "SOFTIRQ"

std::string circular_splat(const TaskCtx& t, const HeldLock& prev, const HeldLock& next,
                           const std::vector<int>& path);
std::string recursive_splat(const TaskCtx& t, const HeldLock& prev, const HeldLock& next);
std::string inconsistent_splat(const TaskCtx& t, const HeldLock& h, int old_bit, int new_bit);
// scenario of print_irq_lock_scenario()
std::string irq_scenario(int safe, int unsafe, int prev, int next);

}  // namespace ravel::model
