// model/lkmm/exec.h: one candidate execution, the input of the LKMM axioms (lkmm.h).
//
// Design note. herd7 splits a litmus test's meaning in two: the program text yields events
// (reads, writes, fences) per thread with program order and dependencies, and the candidate
// execution adds the reads-from (rf) and coherence (co) relations; the model (the cat files)
// then accepts or rejects the whole. This struct is that interface: the enumerator
// (scenarios/litmus/lkmm_enum.h) fills it, lkmm.h judges it, and neither knows the other.
// Events of one thread are stored contiguously in program order; initial writes have
// thread -1 and come first.
#pragma once

#include <cstdint>
#include <vector>

#include "model/lkmm/rel.h"

namespace ravel::lkmm {

enum class Kind : uint8_t { kRead, kWrite, kFence };

// The annotations linux-kernel.bell and lock.cat give events (a mask of these bits).
inline constexpr uint32_t kOnce = 1u << 0;     // READ_ONCE, WRITE_ONCE, relaxed RMWs
inline constexpr uint32_t kAcquire = 1u << 1;  // smp_load_acquire, *_acquire RMWs
inline constexpr uint32_t kRelease = 1u << 2;  // smp_store_release, *_release RMWs
inline constexpr uint32_t kNoreturn = 1u
                                      << 3;  // the read of an RMW that returns nothing (atomic_inc)
inline constexpr uint32_t kMbTag =
    1u << 4;  // the read and write of a fully ordered RMW (xchg, cmpxchg...)
inline constexpr uint32_t kRmwInsn =
    1u << 5;  // an event of an RMW instruction, even a failed cmpxchg (cat: RMW)
inline constexpr uint32_t kInit = 1u << 6;    // an initial write (IW)
inline constexpr uint32_t kLockR = 1u << 7;   // spin_lock's read of the lock (LKR)
inline constexpr uint32_t kLockW = 1u << 8;   // spin_lock's write of the lock (LKW)
inline constexpr uint32_t kUnlock = 1u << 9;  // spin_unlock (UL)
inline constexpr uint32_t kIsLocked =
    1u << 10;  // spin_is_locked's read (RL when it sees a lock, RU otherwise)

// The fence events of linux-kernel.bell (F[Barriers]) and the SRCU events.
enum class Fence : uint8_t {
  kNone,
  kMb,
  kRmb,
  kWmb,
  kBarrier,
  kRcuLock,
  kRcuUnlock,
  kSyncRcu,
  kBeforeAtomic,
  kAfterAtomic,
  kAfterSpinlock,
  kAfterUnlockLock,
  kAfterSrcuReadUnlock,
  kSrcuLock,
  kSrcuUnlock,
  kSyncSrcu,
};

struct Event {
  int thread = -1;
  Kind kind = Kind::kFence;
  uint32_t tags = 0;
  Fence fence = Fence::kNone;
  int loc = -1;  // memory location (or srcu_struct for SRCU events); -1 for other fences
  int64_t value = 0;
};

struct Execution {
  std::vector<Event> ev;
  Rel rf, co;               // chosen by the enumerator; co is a strict total order per location
  Rel rmw;                  // read -> write of one successful RMW (lock.cat's lk-rmw included)
  Rel addr, data, ctrl;     // dependencies from a read to a later event of its thread
  Rel rcu_rscs, srcu_rscs;  // matching rcu_read_lock -> rcu_read_unlock (and SRCU)
};

}  // namespace ravel::lkmm
