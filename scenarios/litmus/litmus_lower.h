// scenarios/litmus/litmus_lower.h: a parsed litmus test lowered to a checked scenario.
//
// Design note. The lowering is source to source: the scenario language already is the C subset
// litmus processes are written in, so each process body is handed to the scenario front end
// verbatim, AT ITS OWN LINE AND COLUMN (everything outside the bodies is blanked, the generated
// declarations are inserted on lines that held litmus syntax). A diagnostic of the front end on
// a body therefore already names the litmus file's line:col; the first one is kept (one error,
// not a cascade) and rendered against the litmus text.
//
//   shared location x (init block, parameter `int *x`) -> global `int x;`
//   parameter `T *x` of P0                              -> local `T *x = &x;` of thread P0
//   initial value `int *y = &x;`, `x = 1`               -> `init { y = &x; x = 1; }`
//   register r0 of P0 named by a clause                 -> global `__litmus_P0_r0`, assigned
//                                                          r0 at the end of P0's body
//
// The final state is then read by the runner (litmus_run.h) from those globals.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scenarios/lang/frontend.h"
#include "scenarios/litmus/litmus_parse.h"

namespace ravel::litmus {

struct Lowered {
  std::string source;  // the generated scenario text
  lang::Checked checked;
  struct Observed {
    Loc loc;
    uint32_t slot = 0;  // the global holding it (Binding::kGlobal index)
  };
  // What a final state shows, in display order: registers by process then name, then shared
  // locations by name.
  std::vector<Observed> observed;
};

// Lowers and checks `t` (parsed from `text`, read from `file`). False with *diag set to one
// rendered error (file:line:col: error: ...) when the test uses what ravel cannot run.
bool lower(const std::string& file, const std::string& text, const Test& t, Lowered* out,
           std::string* diag);

// One error rendered gcc style against the litmus text (file:line:col, the line, a caret).
std::string render_error(const std::string& file, const std::string& text, const Error& e);

}  // namespace ravel::litmus
