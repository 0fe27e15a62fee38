// model/atomic.cc: see atomic.h.
#include "model/atomic.h"

#include "model/ops.h"
#include "model/slab.h"

namespace ravel::model {
namespace {

// One step on an atomic_t; checks NULL and freed memory after it.
Atomic& step(Atomic* a, OpKind kind, Access access, Loc loc, int64_t arg = 0) {
  Ctx& ctx = Ctx::current();
  ctx.yield({.kind = kind,
             .access = a != nullptr ? access : Access::kNone,
             .object = a != nullptr ? a->id : kNoObject,
             .loc = loc,
             .arg0 = arg});
  slab_check_deref(a != nullptr ? a->id : kNoObject, ravel::op_name(kind), loc);
  return *a;
}

// A fully ordered RMW is smp_mb(); RMW; smp_mb() (Documentation/atomic_t.txt): besides the
// acquire + release on the variable itself, the barrier before publishes the task's earlier
// accesses to whoever observes this write through a marked read and a read barrier, and the
// barrier after applies what the task's earlier marked reads observed.
void fully_ordered(ObjectId id) {
  hb_fence(false, true);
  marked_publish(id);
  hb_acq_rel(id);
  marked_observe(id);
  hb_fence(true, false);
}

// A value-returning read-modify-write: fully ordered.
int64_t rmw(Atomic* a, OpKind kind, int64_t arg, Loc loc, int64_t (*f)(int64_t, int64_t)) {
  Atomic& at = step(a, kind, Access::kWrite, loc, arg);
  fully_ordered(at.id);
  int64_t old = at.value;
  at.value = f(old, arg);
  return old;
}

// One marked step on a shared variable: `access` for dpor, a marked write for the race
// detector unless it is kRead.
SharedVar& var_step_as(SharedVar* v, OpKind kind, Access access, Loc loc, int64_t arg = 0) {
  Ctx& ctx = Ctx::current();
  ctx.yield({.kind = kind,
             .access = v == nullptr ? Access::kNone : access,
             .object = v != nullptr ? v->dep_object() : kNoObject,
             .loc = loc,
             .arg0 = arg});
  if (v == nullptr) report_null_deref(ravel::op_name(kind), loc);
  slab_check(v->dep_object(), ravel::op_name(kind), loc);
  race_access(v->id, v->name, access != Access::kRead, true, loc);
  return *v;
}
SharedVar& var_step(SharedVar* v, OpKind kind, bool write, Loc loc, int64_t arg = 0) {
  return var_step_as(v, kind, write ? Access::kWrite : Access::kRead, loc, arg);
}

void fence(OpKind kind, bool acquire, bool release, Loc loc) {
  Ctx::current().yield({.kind = kind, .loc = loc});
  hb_fence(acquire, release);
}

// The mask of bit `nr` of a one-word variable. The kernel's bitops address an array of longs
// (include/asm-generic/bitops/: word nr / BITS_PER_LONG); a scenario variable is one 64-bit
// word, so a bit outside 0..63 would be an access past it: an error of the scenario, never
// another bit of the same word.
unsigned long bit(int nr, const SharedVar* v, Loc loc) {
  if (nr < 0 || nr > 63) {
    Ctx::current().model_error("bit number " + std::to_string(nr) +
                                   " is outside the 64-bit word '" + std::string(v->name) +
                                   "' (bits 0..63)",
                               loc);
  }
  return 1UL << nr;
}

}  // namespace

Atomic* atomic_new(const char* name, int64_t init, ObjectId owner) {
  Ctx& ctx = Ctx::current();
  Atomic* a = ctx.make<Atomic>();
  a->id = ctx.new_object();
  a->name = name;
  a->value = init;
  if (owner != kNoObject) slab_adopt(owner, a->id);
  return a;
}

int64_t atomic_read(Atomic* a, Loc loc) {
  Atomic& at = step(a, op::kAtomicRead, Access::kRead, loc);
  marked_observe(at.id);
  Ctx::current().set_result(at.value);
  return at.value;
}

void atomic_set(Atomic* a, int64_t v, Loc loc) {
  Atomic& at = step(a, op::kAtomicSet, Access::kWrite, loc, v);
  marked_publish(at.id);
  at.value = v;
}

// The RMW operations without a return value are unordered (Documentation/atomic_t.txt) and
// observe nothing: additions and subtractions commute with each other in every state, so they
// are one kind of commuting update (Access::kAdd, docs/reduction.md), with no happens-before.
// `arg` is what traces show (the operand as written), `delta` what is added.
static void atomic_update(Atomic* a, OpKind kind, int64_t arg, int64_t delta, Loc loc) {
  Atomic& at = step(a, kind, Access::kAdd, loc, arg);
  at.value += delta;
}
void atomic_inc(Atomic* a, Loc loc) { atomic_update(a, op::kAtomicInc, 1, 1, loc); }
void atomic_dec(Atomic* a, Loc loc) { atomic_update(a, op::kAtomicDec, 1, -1, loc); }
void atomic_add(int64_t i, Atomic* a, Loc loc) { atomic_update(a, op::kAtomicAdd, i, i, loc); }
void atomic_sub(int64_t i, Atomic* a, Loc loc) { atomic_update(a, op::kAtomicSub, i, -i, loc); }

int64_t atomic_inc_return(Atomic* a, Loc loc) {
  int64_t v = rmw(a, op::kAtomicIncReturn, 1, loc, [](int64_t o, int64_t d) { return o + d; }) + 1;
  Ctx::current().set_result(v);
  return v;
}

// atomic_add_return()/atomic_sub_return(): fully ordered RMWs returning the new value
// (Documentation/atomic_t.txt), as atomic_inc_return.
int64_t atomic_add_return(int64_t i, Atomic* a, Loc loc) {
  int64_t v = rmw(a, op::kAtomicAddReturn, i, loc, [](int64_t o, int64_t d) { return o + d; }) + i;
  Ctx::current().set_result(v);
  return v;
}

int64_t atomic_sub_return(int64_t i, Atomic* a, Loc loc) {
  int64_t v = rmw(a, op::kAtomicSubReturn, i, loc, [](int64_t o, int64_t d) { return o - d; }) - i;
  Ctx::current().set_result(v);
  return v;
}

bool atomic_dec_and_test(Atomic* a, Loc loc) {
  bool zero =
      rmw(a, op::kAtomicDecAndTest, 1, loc, [](int64_t o, int64_t d) { return o - d; }) == 1;
  Ctx::current().set_result(zero);
  return zero;
}

int64_t atomic_cmpxchg(Atomic* a, int64_t old, int64_t desired, Loc loc) {
  Atomic& at = step(a, op::kAtomicCmpxchg, Access::kWrite, loc, desired);
  int64_t cur = at.value;
  // A failed cmpxchg is unordered in the kernel (Documentation/atomic_t.txt): no edge.
  if (cur == old) {
    fully_ordered(at.id);
    at.value = desired;
  }
  Ctx::current().set_result(cur);
  return cur;
}

int64_t atomic_xchg(Atomic* a, int64_t v, Loc loc) {
  int64_t old = rmw(a, op::kAtomicXchg, v, loc, [](int64_t, int64_t n) { return n; });
  Ctx::current().set_result(old);
  return old;
}

int64_t READ_ONCE(SharedVar* v, Loc loc) {
  SharedVar& s = var_step(v, op::kReadOnce, false, loc);
  marked_observe(s.id);
  Ctx::current().set_result(s.value);
  return s.value;
}

void WRITE_ONCE(SharedVar* v, int64_t x, Loc loc) {
  SharedVar& s = var_step(v, op::kWriteOnce, true, loc, x);
  marked_publish(s.id);
  s.value = x;
}

void smp_store_release(SharedVar* v, int64_t x, Loc loc) {
  SharedVar& s = var_step(v, op::kSmpStoreRelease, true, loc, x);
  hb_release_store(s.id);
  s.value = x;
}

int64_t smp_load_acquire(SharedVar* v, Loc loc) {
  SharedVar& s = var_step(v, op::kSmpLoadAcquire, false, loc);
  hb_acquire(s.id);
  Ctx::current().set_result(s.value);
  return s.value;
}

void smp_mb(Loc loc) { fence(op::kSmpMb, true, true, loc); }
void smp_rmb(Loc loc) { fence(op::kSmpRmb, true, false, loc); }
void smp_wmb(Loc loc) { fence(op::kSmpWmb, false, true, loc); }

bool test_bit(int nr, SharedVar* addr, Loc loc) {
  SharedVar& s = var_step(addr, op::kTestBit, false, loc, nr);
  marked_observe(s.id);
  bool set = (static_cast<unsigned long>(s.value) & bit(nr, addr, loc)) != 0;
  Ctx::current().set_result(set);
  return set;
}

// set_bit and clear_bit are RMW operations without a return value: unordered (Documentation/
// atomic_bitops.txt), so they only publish what an earlier barrier ordered (marked_publish,
// a join). They observe nothing, and ORs commute with ORs, AND-NOTs with AND-NOTs, in every
// state: commuting updates of two kinds (Access::kAdd / kSub, docs/reduction.md).
void set_bit(int nr, SharedVar* addr, Loc loc) {
  SharedVar& s = var_step_as(addr, op::kSetBit, Access::kAdd, loc, nr);
  marked_publish(s.id);
  s.value = static_cast<int64_t>(static_cast<unsigned long>(s.value) | bit(nr, addr, loc));
}

void clear_bit(int nr, SharedVar* addr, Loc loc) {
  SharedVar& s = var_step_as(addr, op::kClearBit, Access::kSub, loc, nr);
  marked_publish(s.id);
  s.value = static_cast<int64_t>(static_cast<unsigned long>(s.value) & ~bit(nr, addr, loc));
}

// Fully ordered when it sets the bit; a failed one (the bit was already set: memory unchanged)
// is unordered (atomic_bitops.txt: "RMW operations that are conditional are unordered on
// FAILURE").
bool test_and_set_bit(int nr, SharedVar* addr, Loc loc) {
  SharedVar& s = var_step(addr, op::kTestAndSetBit, true, loc, nr);
  bool was = (static_cast<unsigned long>(s.value) & bit(nr, addr, loc)) != 0;
  if (was) {
    marked_observe(s.id);
  } else {
    fully_ordered(s.id);
  }
  s.value = static_cast<int64_t>(static_cast<unsigned long>(s.value) | bit(nr, addr, loc));
  Ctx::current().set_result(was);
  return was;
}

}  // namespace ravel::model

namespace ravel::model {
namespace {

// The happens-before of an RMW of order `o` on `id` (see RmwOrder): its read part observes,
// its write part publishes, the suffix decides which side is an acquire or a release.
void rmw_order(ObjectId id, RmwOrder o) {
  switch (o) {
    case RmwOrder::kFull:
      fully_ordered(id);
      return;
    case RmwOrder::kAcquire:
      hb_acquire(id);
      marked_publish(id);
      return;
    case RmwOrder::kRelease:
      marked_observe(id);
      hb_release(id);
      return;
    case RmwOrder::kRelaxed:
      marked_observe(id);
      marked_publish(id);
      return;
  }
}

}  // namespace

int64_t xchg(SharedVar* v, int64_t x, RmwOrder order, Loc loc) {
  SharedVar& s = var_step(v, op::kXchg, true, loc, x);
  rmw_order(s.id, order);
  int64_t old = s.value;
  s.value = x;
  Ctx::current().set_result(old);
  return old;
}

int64_t cmpxchg(SharedVar* v, int64_t old, int64_t desired, RmwOrder order, Loc loc) {
  SharedVar& s = var_step(v, op::kCmpxchg, true, loc, desired);
  int64_t cur = s.value;
  if (cur == old) {
    rmw_order(s.id, order);
    s.value = desired;
  }
  Ctx::current().set_result(cur);
  return cur;
}

int64_t atomic_xchg_ordered(Atomic* a, int64_t v, RmwOrder order, Loc loc) {
  Atomic& at = step(a, op::kAtomicXchg, Access::kWrite, loc, v);
  rmw_order(at.id, order);
  int64_t old = at.value;
  at.value = v;
  Ctx::current().set_result(old);
  return old;
}

int64_t atomic_cmpxchg_ordered(Atomic* a, int64_t old, int64_t desired, RmwOrder order, Loc loc) {
  Atomic& at = step(a, op::kAtomicCmpxchg, Access::kWrite, loc, desired);
  int64_t cur = at.value;
  if (cur == old) {
    rmw_order(at.id, order);
    at.value = desired;
  }
  Ctx::current().set_result(cur);
  return cur;
}

int64_t atomic_arith_ordered(Atomic* a, OpKind kind, int64_t delta, RmwOrder order,
                             AtomicResult result, Loc loc) {
  Atomic& at = step(a, kind, Access::kWrite, loc, delta);
  rmw_order(at.id, order);
  const int64_t old = at.value;
  at.value += delta;
  const int64_t v = result == AtomicResult::kOld ? old : at.value;
  Ctx::current().set_result(v);
  return v;
}

namespace {
// atomic_add_unless and atomic_fetch_add_unless: one step of `kind`, fully ordered when it adds;
// returns the value before.
int64_t add_unless_as(OpKind kind, Atomic* a, int64_t add, int64_t unless, Loc loc) {
  Atomic& at = step(a, kind, Access::kWrite, loc, add);
  const int64_t old = at.value;
  if (old != unless) {
    fully_ordered(at.id);
    at.value += add;
  }
  return old;
}
}  // namespace

bool atomic_add_unless(Atomic* a, int64_t add, int64_t unless, Loc loc) {
  const bool added = add_unless_as(op::kAtomicAddUnless, a, add, unless, loc) != unless;
  Ctx::current().set_result(added);
  return added;
}

int64_t atomic_fetch_add_unless(Atomic* a, int64_t add, int64_t unless, Loc loc) {
  const int64_t old = add_unless_as(op::kAtomicFetchAddUnless, a, add, unless, loc);
  Ctx::current().set_result(old);
  return old;
}

// include/linux/atomic/atomic-arch-fallback.h: a try_cmpxchg loop that gives up once the
// decremented value would be negative; the failed case stores nothing.
int64_t atomic_dec_if_positive(Atomic* a, Loc loc) {
  Atomic& at = step(a, op::kAtomicDecIfPositive, Access::kWrite, loc, 1);
  const int64_t dec = at.value - 1;
  if (dec >= 0) {
    fully_ordered(at.id);
    at.value = dec;
  }
  Ctx::current().set_result(dec);
  return dec;
}

namespace {
int64_t apply(Bitwise op, int64_t v, int64_t i) {
  switch (op) {
    case Bitwise::kAnd:
      return v & i;
    case Bitwise::kOr:
      return v | i;
    case Bitwise::kXor:
      return v ^ i;
    case Bitwise::kAndnot:
      return v & ~i;
  }
  return v;
}
}  // namespace

// Unordered like atomic_inc(), but not a commuting update for dpor (an and and an or of the
// same bits do not commute): a relaxed RMW, a marked read and write, so the fences around it
// (smp_mb__before_atomic) order it as they order any marked access.
void atomic_bitwise(Atomic* a, OpKind kind, Bitwise op, int64_t i, Loc loc) {
  Atomic& at = step(a, kind, Access::kWrite, loc, i);
  rmw_order(at.id, RmwOrder::kRelaxed);
  at.value = apply(op, at.value, i);
}

int64_t atomic_fetch_bitwise(Atomic* a, OpKind kind, Bitwise op, int64_t i, RmwOrder order,
                             Loc loc) {
  Atomic& at = step(a, kind, Access::kWrite, loc, i);
  rmw_order(at.id, order);
  const int64_t old = at.value;
  at.value = apply(op, old, i);
  Ctx::current().set_result(old);
  return old;
}

void smp_mb__before_atomic(Loc loc) { fence(op::kSmpMbBeforeAtomic, true, true, loc); }
void smp_mb__after_atomic(Loc loc) { fence(op::kSmpMbAfterAtomic, true, true, loc); }
void smp_mb__after_spinlock(Loc loc) { fence(op::kSmpMbAfterSpinlock, true, true, loc); }
void smp_mb__after_unlock_lock(Loc loc) { fence(op::kSmpMbAfterUnlockLock, true, true, loc); }

}  // namespace ravel::model
