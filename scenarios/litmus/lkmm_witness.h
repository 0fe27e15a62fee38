// scenarios/litmus/lkmm_witness.h: one LKMM execution shown as text (ravel run --verbose).
//
// Design note. A weak outcome is explained by where each read took its value (rf) and the
// order the writes of each location took (co), not by an interleaving. The witness lists both
// for the first consistent execution that satisfies the condition:
//     rf  P1 R[once] data=0  <-  init data=0
//     co  flag: init=0, P0 W[once] flag=1
// An event is its process, R or W, its annotation (once, acquire, release, mb for the halves
// of a fully ordered RMW, lock, unlock, is_locked, srcu-lock, srcu-unlock, plain) and the
// location and value it accessed.
#pragma once

#include <string>
#include <vector>

#include "model/lkmm/exec.h"

namespace ravel::litmus {

// `names` are the locations' names (an address value prints as the name it points to).
std::string witness_text(const lkmm::Execution& x, const std::vector<std::string>& names);
// The same with each event named by `who` (per event: its thread's name) and followed by
// `where` (per event: "at file:line:col"), for scenarios (lkmm_ravel_run.h).
std::string witness_text(const lkmm::Execution& x, const std::vector<std::string>& names,
                         const std::vector<std::string>& who,
                         const std::vector<std::string>& where);
// once, acquire, release, mb, lock, unlock, is_locked, srcu-lock, srcu-unlock or plain.
const char* event_annotation(const lkmm::Event& e);

}  // namespace ravel::litmus
