// reports/text.h: the text report of one violation, printed by `ravel run` on stdout.
//
// Design note. A kernel developer should read it like a splat: lock problems (kind lockdep)
// print lockdep's own text (Violation::details: headline, chain with where each dependency was
// taken, the CPU0/CPU1 unsafe-scenario table); every other kind prints the numbered steps that
// lead to it -- task, CPU, context with IRQ state, operation(object), result, source line, locks
// held after the step -- only the involved tasks' last steps unless verbose, then each blocked
// task with the reason it waits. The replay command line always ends the report.
#pragma once

#include <string>

#include "reports/trace.h"

namespace ravel::report {

// Steps kept per involved task when not verbose.
inline constexpr size_t kStepsPerTask = 4;

// The report of doc.violations[index]. Precondition: index < doc.violations.size().
std::string format_violation_text(const TraceDoc& doc, size_t index, bool verbose);
// One step line: "  #12 T0       cpu0 process  irqs on   mutex_lock(a) = 0  at f:3  held: a".
std::string format_step(const TraceDoc& doc, const TraceEvent& e);
// An object no model named: "#5" (the 5th object of init) or "#T2.3" (the 3rd object task 2
// created), from checker/api.h's object_creator/object_ordinal: the same in every interleaving.
std::string unnamed_object_label(ObjectId id);

}  // namespace ravel::report
