// scenarios/interp/symmetry.h: which threads of a scenario are interchangeable (the symmetry
// reduction of docs/reduction.md, TaskSpec::symmetry).
#pragma once

#include <cstdint>
#include <vector>

#include "scenarios/lang/ast.h"

namespace ravel::interp {

// For each entry of prog.tasks, its symmetry class: 0 for none, otherwise threads with the same
// number run the same code (the same statements, bound to the same globals, functions and
// built-ins) and nothing in the scenario tells them apart. Only then may the engine explore
// them in one start order: every other order is a renaming of it.
// None at all when the scenario has an `irq` handler or a thread placed with `on cpu` (CPUs
// would differ), or calls a built-in not declared `symmetric` (it may tell tasks apart).
std::vector<uint32_t> symmetry_classes(const lang::Program& prog);

// Whether built-in `id` (lang::Builtin::id, an ApiId) is declared `symmetric` in the `caller`
// column of its declaration (scenarios/api/api.h): its behaviour depends on the calling task's
// context (IRQs off, atomic...), never on which task or CPU it is. False for an id out of range.
bool symmetric_builtin(uint32_t id);

}  // namespace ravel::interp
