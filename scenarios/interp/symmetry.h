// scenarios/interp/symmetry.h: which threads of a scenario are interchangeable (the symmetry
// reduction of docs/reduction.md, TaskSpec::symmetry).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "scenarios/lang/ast.h"

namespace ravel::interp {

// For each entry of prog.tasks, its symmetry class: 0 for none, otherwise threads with the same
// number run the same code (the same statements, bound to the same globals, functions and
// built-ins) and nothing in the scenario tells them apart. Only then may the engine explore
// them in one start order: every other order is a renaming of it.
// None at all when the scenario has an `irq` handler or a thread placed with `on cpu` (CPUs
// would differ), or calls a built-in not known to ignore which task or CPU runs it.
std::vector<uint32_t> symmetry_classes(const lang::Program& prog);

// Built-ins whose behaviour does not depend on the identity of the calling task or its CPU
// (only on its context: IRQs off, atomic...). A built-in not listed here turns the reduction
// off for a scenario that calls it; tests/interp checks every built-in is classified.
bool symmetric_builtin(std::string_view name);
// Built-ins known to reveal the caller's identity (none today); listed so that the
// classification test sees a decision for each built-in.
bool identity_builtin(std::string_view name);

}  // namespace ravel::interp
