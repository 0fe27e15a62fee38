// scenarios/litmus/lkmm_ravel.h: a .ravel scenario's threads as the lkmm enumerator's threads
// (--memory-model lkmm on scenarios; docs/litmus.md "Scenarios under lkmm").
//
// Design note. The scenario front end (scenarios/lang) parses and checks the file as under sc;
// this layer then evaluates the checked syntax tree one thread at a time with the read-value
// oracle of lkmm_emit.h, exactly as lkmm_thread.h does for litmus bodies, and hands the paths
// to the same enumerator (lkmm_enum.h) and model (model/lkmm). Nothing is lowered to text:
// sema's bindings (global slots, frame slots, functions, built-ins) drive the evaluation.
//   - every global of an integer or pointer type, atomic_t or spinlock_t is one location; its
//     initial value is its initializer's, then whatever `init` stores (init runs alone, before
//     every thread: its writes are the initial writes, as herd7's init block);
//   - a thread is evaluated with calls inlined, loops run (at most `loop_bound` iterations on a
//     path, else the scenario is refused), `if` and loop conditions as control dependencies
//     (herd7: every later event depends on them);
//   - `final` runs on each consistent execution's final memory (the co-last write of each
//     location), sequentially.
// screen() refuses, before anything runs, every construct this layer does not model (kernel
// objects other than atomic_t and spinlock_t, IRQ handlers, struct fields, arrays, gotos,
// switch, function pointers, built-ins outside the lkmm table), at its line:col: a scenario is
// never run under sc instead, nor given a verdict by a half model.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "scenarios/lang/ast.h"
#include "scenarios/litmus/lkmm_thread.h"

namespace ravel::litmus::lkmm_ravel {

struct Layout {
  std::vector<std::string> names;  // per location: its global's name
  std::vector<int> loc_of_global;  // per Program::globals slot: its location, or -1
  std::vector<int64_t> init;       // per location: the value after initializers and init
  std::vector<const lang::Task*> threads;
  // Every (held, taken) pair of nested locks any path took, with where the inner one was taken.
  // Filled while paths are enumerated (hence mutable: the paths see a const Layout) and checked
  // for cycles afterwards (lock_order_cycle).
  mutable std::map<std::pair<int, int>, lang::Pos> lock_order;
};

// A cycle in lay.lock_order (AB-BA): false with *err at the nested lock that closes it.
bool lock_order_acyclic(const Layout& lay, Error* err);

// The first construct lkmm does not model, as an error at its position. True if none.
bool screen(const lang::Program& prog, Error* err);

// Locations, initial values (initializers, then `init`) and threads. False with *err set.
bool make_layout(const lang::Program& prog, uint32_t loop_bound, Layout* out, Error* err);

// The initial value of every location (make_layout's last step): the globals' initializers,
// then `init` run alone. False with *err set.
bool initial_values(const lang::Program& prog, uint32_t loop_bound, Layout* lay, Error* err);

// Every path of thread `proc` (lkmm_enum::ThreadPaths).
bool thread_paths(const lang::Program& prog, const Layout& layout, uint32_t loop_bound, int proc,
                  const std::vector<std::vector<int64_t>>& domain, size_t max_paths,
                  std::vector<lkmm_thread::Trace>* out, Error* err);

// Runs `final` (if any) on `memory`; its findings (failed assertions, warnings) are appended.
bool run_final(const lang::Program& prog, const Layout& layout, uint32_t loop_bound,
               const std::vector<int64_t>& memory,
               std::vector<lkmm_thread::Trace::Finding>* findings, Error* err);

}  // namespace ravel::litmus::lkmm_ravel
