// tools/ravel/run_lkmm_trace.h: the trace document of a violating LKMM execution
// (`ravel run --memory-model lkmm --trace FILE`, format ravel-lkmm-trace/1, docs/trace-format.md
// "lkmm traces"; reports/lkmm_trace.schema.json).
//
// Design note. An LKMM execution is not an interleaving: it has no schedule, so the document
// holds what makes it weak instead, the events of each thread in program order and the two
// relations the model chose, reads-from (the write each read took its value from) and coherence
// order (each location's writes). It is a function of the scenario's bytes and --loop-bound only
// (the enumeration order is fixed), so a second run writes the same bytes.
#pragma once

#include <string>

#include "scenarios/lang/frontend.h"
#include "scenarios/litmus/lkmm_ravel_run.h"

namespace ravel::cli {

// The document of the execution the first violation of `r` was found in, with every violation
// of that execution. `r` must hold at least one violation.
std::string lkmm_trace_json(const std::string& file, const lang::Checked& c, uint32_t loop_bound,
                            const litmus::RavelLkmmResult& r);

}  // namespace ravel::cli
