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
int64_t atomic_add_return(int64_t i, Atomic* a, Loc loc);  // the new value, fully ordered
int64_t atomic_sub_return(int64_t i, Atomic* a, Loc loc);
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

// The ordering of a read-modify-write (Documentation/atomic_t.txt: the _relaxed, _acquire and
// _release variants, fully ordered without a suffix). Every variant is the same single step
// under sequential consistency; the order only decides the happens-before edges the race
// detector sees, so a relaxed RMW never hides a race a fully ordered one would not.
enum class RmwOrder : uint8_t { kRelaxed, kAcquire, kRelease, kFull };

// xchg()/cmpxchg() on a plain shared variable (any scalar, kernel argument order). They return
// the previous value; a failed cmpxchg stores nothing and orders nothing.
int64_t xchg(SharedVar* v, int64_t x, RmwOrder order, Loc loc);
int64_t cmpxchg(SharedVar* v, int64_t old, int64_t desired, RmwOrder order, Loc loc);
// The ordering variants of the atomic_t RMWs above (atomic_xchg_acquire ...).
int64_t atomic_xchg_ordered(Atomic* a, int64_t v, RmwOrder order, Loc loc);
int64_t atomic_cmpxchg_ordered(Atomic* a, int64_t old, int64_t desired, RmwOrder order, Loc loc);
// The arithmetic RMWs of atomic_t with an ordering (atomic_t.txt): atomic_{add,sub,inc,dec}_return
// and their _relaxed/_acquire/_release forms return the new value, atomic_fetch_{add,sub,inc,dec}
// and theirs the old one. `delta` is the signed amount (atomic_sub(i): -i), `kind` the op traced.
enum class AtomicResult : uint8_t { kNew, kOld };
int64_t atomic_arith_ordered(Atomic* a, OpKind kind, int64_t delta, RmwOrder order,
                             AtomicResult result, Loc loc);
// atomic_add_unless(v, a, u): adds a unless the value is u; true when it added (then fully
// ordered, as a value-returning RMW; a failed one orders nothing).
bool atomic_add_unless(Atomic* a, int64_t add, int64_t unless, Loc loc);
// atomic_fetch_add_unless(v, a, u): atomic_add_unless returning the value before (ordered the
// same way); atomic_inc_not_zero() is atomic_add_unless(v, 1, 0) (scenarios/lang's macros).
int64_t atomic_fetch_add_unless(Atomic* a, int64_t add, int64_t unless, Loc loc);
// atomic_dec_if_positive(v): returns the value minus one, and stores it only when that is not
// negative (then fully ordered; otherwise nothing is stored and nothing ordered).
int64_t atomic_dec_if_positive(Atomic* a, Loc loc);

// The bitwise RMWs (atomic_t.txt): atomic_{and,or,xor,andnot}(i, v) store v op i and return
// nothing, unordered; atomic_fetch_{and,or,xor,andnot}*(i, v) return the value before, with the
// suffix's ordering. `kind` (op::kAtomicAnd ... op::kAtomicFetchAndnot) names the operation.
enum class Bitwise : uint8_t { kAnd, kOr, kXor, kAndnot };
void atomic_bitwise(Atomic* a, OpKind kind, Bitwise op, int64_t i, Loc loc);
int64_t atomic_fetch_bitwise(Atomic* a, OpKind kind, Bitwise op, int64_t i, RmwOrder order,
                             Loc loc);

// smp_mb__before_atomic(), smp_mb__after_atomic(), smp_mb__after_spinlock(),
// smp_mb__after_unlock_lock(): the kernel promises a full barrier combined with the neighbouring
// RMW, lock or unlock+lock; each is a step acting as smp_mb(), which is at least that strong.
void smp_mb__before_atomic(Loc loc);      // NOLINT(readability-identifier-naming)
void smp_mb__after_atomic(Loc loc);       // NOLINT(readability-identifier-naming)
void smp_mb__after_spinlock(Loc loc);     // NOLINT(readability-identifier-naming)
void smp_mb__after_unlock_lock(Loc loc);  // NOLINT(readability-identifier-naming)

}  // namespace ravel::model
