// tests/litmus/lkmm_superset_emit.h: a reduction-generator model (tests/reduction/model_gen.h)
// written as a .ravel scenario that both memory models run, for the superset test
// (lkmm_superset_test.cc: every SC final state and verdict kind is an LKMM one).
//
// Design note. Only what both models give a meaning is written: each shared variable is an
// `int` read and written with READ_ONCE/WRITE_ONCE (no plain accesses, so no data race under
// either model), each atomic an atomic_t (atomic_read, atomic_add_return, atomic_cmpxchg,
// atomic_inc_return, atomic_sub_return), each mutex a struct mutex (sections are lock, access,
// unlock), each event a struct completion set by complete_all() and waited for by
// wait_for_completion() (a completion that every wait passes once it is set, as the
// generator's Event), each check an assert(). Every task keeps its accumulator in a local and
// stores it in a global `accN` at its end, so that the final state (the globals) includes it.
// A model using what lkmm refuses (timed waits, choices, spawns, domain writes, daemons,
// created objects, multi-variable awaits, pair writes) or a section on a mutex its task
// already holds (a self-deadlock) is not written: emit() says why.
#pragma once

#include <string>

#include "tests/reduction/model_gen.h"

namespace ravel::lkmm_superset {

// `m` redrawn into what emit() writes: a timed wait becomes a wait, a choice a read of
// variable 0, a domain write a write of variable 0, a spawn is dropped with its children, a
// daemon or domain task becomes an ordinary one, and a section on a mutex its task holds
// already is dropped. The rest of the model (and its randomness) is kept. `memory_only`: the
// locks, waits and sets go too (each becomes a read, or a write of its variable when it sets
// an event), leaving accesses to variables and atomics, where the weak outcomes are.
reduction::Model restrict_to_both(const reduction::Model& m, bool memory_only = false);

// The scenario text of `m`, or false with *why set to the first operation it cannot write.
bool emit(const reduction::Model& m, const std::string& name, std::string* out, std::string* why);

}  // namespace ravel::lkmm_superset
