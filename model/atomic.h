// model/atomic.h: atomic_t, bitops, READ_ONCE/WRITE_ONCE and barriers
// (include/linux/atomic.h, Documentation/atomic_t.txt, include/asm-generic/bitops,
// include/asm-generic/barrier.h, tools/memory-model).
//
// Design note. v1 is sequentially consistent (language.md section 5): every operation is one
// step on its object, reads kRead, writes and RMWs kWrite, and takes effect at once. These are
// marked accesses: they never race (model/race.h). Happens-before (section 7): every atomic RMW
// and value-returning bitop is acquire+release on its object; smp_store_release ->
// smp_load_acquire that reads it; READ_ONCE/WRITE_ONCE/atomic_read/atomic_set give no edge by
// themselves, but a release fence (smp_wmb/smp_mb) before a marked write and an acquire fence
// (smp_rmb/smp_mb) after a marked read that observed it order the accesses around them
// (message passing, as the LKMM's fence rules allow).
#pragma once

#include <cstdint>

#include "checker/api.h"
#include "model/race.h"

namespace ravel::model {

// atomic_t. The value is kept as 64-bit (no 32-bit wrap-around in v1).
struct Atomic {
  ObjectId id = kNoObject;
  const char* name = "";
  int64_t value = 0;
};

// ATOMIC_INIT(v). Not an operation.
Atomic* atomic_new(const char* name, int64_t init, ObjectId owner = kNoObject);

int64_t atomic_read(Atomic* a, Loc loc);
void atomic_set(Atomic* a, int64_t v, Loc loc);
void atomic_inc(Atomic* a, Loc loc);
void atomic_dec(Atomic* a, Loc loc);
void atomic_add(int64_t i, Atomic* a, Loc loc);
void atomic_sub(int64_t i, Atomic* a, Loc loc);
int64_t atomic_inc_return(Atomic* a, Loc loc);
bool atomic_dec_and_test(Atomic* a, Loc loc);
int64_t atomic_cmpxchg(Atomic* a, int64_t old, int64_t desired, Loc loc);  // returns the old value
int64_t atomic_xchg(Atomic* a, int64_t v, Loc loc);

// Marked accesses to plain shared variables.
int64_t READ_ONCE(SharedVar* v, Loc loc);           // NOLINT(readability-identifier-naming)
void WRITE_ONCE(SharedVar* v, int64_t x, Loc loc);  // NOLINT(readability-identifier-naming)
void smp_store_release(SharedVar* v, int64_t x, Loc loc);
int64_t smp_load_acquire(SharedVar* v, Loc loc);
void smp_mb(Loc loc);
void smp_rmb(Loc loc);
void smp_wmb(Loc loc);

// Bit operations on an unsigned long shared variable (kernel argument order: nr, addr).
bool test_bit(int nr, SharedVar* addr, Loc loc);
void set_bit(int nr, SharedVar* addr, Loc loc);
void clear_bit(int nr, SharedVar* addr, Loc loc);
bool test_and_set_bit(int nr, SharedVar* addr, Loc loc);

}  // namespace ravel::model
