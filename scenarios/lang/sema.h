// scenarios/lang/sema.h: the semantic checker of the scenario language.
//
// Design note. check() validates a parsed Program against language.md and resolves it for
// execution: every identifier use gets a Binding (global slot, frame slot, function, built-in,
// constant), member accesses get field indices, gotos their label statements, bodies their frame
// sizes, expectations their violations.def index. It reports, with positions: redeclarations
// (a forward `struct x;` is not one; params and locals may shadow globals), unknown identifiers,
// types and fields, globals used before their declaration, calls of unknown functions (naming
// the closest built-in), built-in arity and model-type mismatches, misplaced break/continue,
// unknown goto labels, bad `expect` verdicts and out-of-range CPUs. Functions may be referenced
// anywhere in the file.
#pragma once

#include "scenarios/lang/ast.h"
#include "scenarios/lang/diag.h"

namespace ravel::lang {

inline constexpr int kMaxCpu = 63;
inline constexpr int kMaxIrqRepeat = 1000;
// Thread and irq blocks of one scenario: the engine runs at most 64 tasks per execution
// (checker/api.h kMaxTasksPerExecution, init included; interp static_asserts they agree). Work
// items and callbacks spawned at run time count too: going over there is an error of the
// scenario at the spawning call.
inline constexpr int kMaxDeclaredTasks = 63;

void check(Program& prog, Diagnostics& diags);

// Verdict names of checker/violations.def, in order (Expectation::kind_index refers to them).
int violation_count();
const char* violation_name(int index);

}  // namespace ravel::lang
