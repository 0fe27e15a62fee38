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
#include <functional>
#include <map>
#include <set>
#include <string>
#include <tuple>
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
  // Where a thread may wait for a lock (spin_lock, mutex_lock that found it held), with the
  // built-in it called, keyed by pos_key: the Judge names a deadlock's blocked locks.
  // Filled while paths are enumerated (hence mutable: the paths see a const Layout).
  mutable std::map<std::tuple<uint32_t, uint32_t, uint32_t, uint32_t>, std::string> lock_waits;
  // The successful mutex_trylock()s: (pos_key of the statement, lock location). LockOrder
  // adds no dependency for them (lockdep's trylock rule).
  mutable std::set<std::pair<std::tuple<uint32_t, uint32_t, uint32_t, uint32_t>, int>> trylocks;
};

inline std::tuple<uint32_t, uint32_t, uint32_t, uint32_t> pos_key(const lang::Pos& p) {
  return {p.file, p.line, p.col, p.expansion};
}

// lockdep's circular-dependency check (kernel/locking/lockdep.c; model/lockdep.cc under sc)
// over the lock acquisitions of the executions judged, in their order: each thread's path adds
// its (held -> taken) dependencies, and the first one that closes a cycle is reported at that
// acquisition, in that execution, as lockdep reports it in the execution that closes it. The
// orders are those of LKMM-consistent executions, a superset of sc's.
class LockOrder {
 public:
  void thread(const Layout& lay, const lkmm_thread::Trace& tr, const std::string& name,
              const std::function<std::string(lang::Pos)>& where,
              std::vector<lkmm_thread::Trace::Finding>* found);

 private:
  void add(std::pair<int, int> edge, const std::string& at, lang::Pos pos, const Layout& lay,
           std::vector<lkmm_thread::Trace::Finding>* found);
  bool reaches(int from, int to, std::vector<int>* path) const;

  std::map<std::pair<int, int>, std::string> edges_;  // (held, taken) -> "thread at f:l:c"
  std::set<std::set<int>> reported_;                  // the cycles reported, by their locks
};

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
