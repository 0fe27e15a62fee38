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

// The annotations linux-kernel.bell and lock.cat give events (a mask of these bits):
//   kOnce      READ_ONCE, WRITE_ONCE, relaxed RMWs
//   kAcquire   smp_load_acquire, the read of an *_acquire RMW
//   kRelease   smp_store_release, the write of a *_release RMW
//   kNoreturn  the read of an RMW that returns nothing (atomic_inc)
//   kMbTag     both halves of a successful fully ordered RMW (xchg, cmpxchg...)
//   kRmwInsn   an event of an RMW instruction, even a failed cmpxchg's read (cat: RMW)
//   kInit      an initial write (IW)
//   kLockR     spin_lock's read of the lock (LKR); kLockW its write (LKW)
//   kUnlock    spin_unlock (UL)
//   kIsLocked  spin_is_locked's read (lock.cat's RL when it sees a lock, RU otherwise)
//   kSrcuLock  srcu_read_lock / srcu_down_read: a read of the srcu_struct (Srcu-lock)
//   kSrcuUnlock  srcu_read_unlock / srcu_up_read: a write of the index (Srcu-unlock)
inline constexpr uint32_t kOnce = 1u << 0;
inline constexpr uint32_t kAcquire = 1u << 1;
inline constexpr uint32_t kRelease = 1u << 2;
inline constexpr uint32_t kNoreturn = 1u << 3;
inline constexpr uint32_t kMbTag = 1u << 4;
inline constexpr uint32_t kRmwInsn = 1u << 5;
inline constexpr uint32_t kInit = 1u << 6;
inline constexpr uint32_t kLockR = 1u << 7;
inline constexpr uint32_t kLockW = 1u << 8;
inline constexpr uint32_t kUnlock = 1u << 9;
inline constexpr uint32_t kIsLocked = 1u << 10;
inline constexpr uint32_t kSrcuLock = 1u << 11;
inline constexpr uint32_t kSrcuUnlock = 1u << 12;

// The fence events of linux-kernel.bell (F[Barriers]) and synchronize_srcu (whose loc is its
// srcu_struct).
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
  kSyncSrcu,
};

struct Event {
  int thread = -1;
  Kind kind = Kind::kFence;
  uint32_t tags = 0;
  Fence fence = Fence::kNone;
  int loc = -1;  // memory location (the srcu_struct of synchronize_srcu); -1 for other fences
  int64_t value = 0;
};

struct Execution {
  std::vector<Event> ev;
  Rel rf, co;            // chosen by the enumerator; co is a strict total order per location
  Rel rmw;               // read -> write of one successful RMW (lock.cat's lk-rmw included)
  Rel addr, data, ctrl;  // dependencies from a read to a later event of its thread
  Rel rcu_rscs;          // matching rcu_read_lock -> rcu_read_unlock
};

}  // namespace ravel::lkmm
