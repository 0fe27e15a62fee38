// model/dma_fields.cc: fence flags and fields, the resv's seqcount (dma_fields.h).
//
// Kernel: include/linux/dma-fence.h (enum dma_fence_flag_bits, struct dma_fence),
// include/linux/seqlock.h (seqcount_ww_mutex_t: do_write_seqcount_begin/end,
// read_seqcount_begin, read_seqcount_retry), kernel/locking/mutex.c (ww_mutex_init and
// mutex_destroy under CONFIG_DEBUG_MUTEXES).
#include "model/dma_fields.h"

#include <string>

#include "model/cpu.h"
#include "model/dma_fence.h"
#include "model/dma_internal.h"
#include "model/dma_resv.h"
#include "model/lockdep.h"
#include "model/ops.h"
#include "model/race.h"
#include "model/spinlock.h"
#include "model/ww_mutex.h"

namespace ravel::model {
namespace {

uint64_t flags_of(const DmaFence* f) {
  uint64_t v = f->user_flags;
  if (f->signaled) v |= uint64_t{1} << kDmaFenceFlagSignaledBit;
  if (f->timestamp) v |= uint64_t{1} << kDmaFenceFlagTimestampBit;
  if (f->enable_signal) v |= uint64_t{1} << kDmaFenceFlagEnableSignalBit;
  return v;
}

DmaFence* need(DmaFence* f, OpKind kind, Loc loc) {
  if (f == nullptr) {
    dma::step(kind, Access::kNone, kNoObject, loc);
    report_null_deref("dma_fence", loc);
  }
  return f;
}

void check_bit(int nr, const char* what, Loc loc) {
  if (nr < 0 || nr >= 64) {
    Ctx::current().model_error(std::string(what) + " of bit " + std::to_string(nr) +
                                   " of a fence's flags (an unsigned long)",
                               loc);
  }
}

}  // namespace

uint64_t dma_fence_flags_read(DmaFence* f, Loc loc) {
  dma::step(op::kRead, Access::kRead, need(f, op::kRead, loc)->id, loc);
  if (f->signaled) hb_acquire(f->id);  // what dma_fence_is_signaled() returning true orders
  return flags_of(f);
}

bool dma_fence_flag_test(DmaFence* f, int nr, Loc loc) {
  check_bit(nr, "test_bit", loc);
  dma::step(op::kTestBit, Access::kRead, need(f, op::kTestBit, loc)->id, loc);
  bool set = (flags_of(f) >> nr) & 1;
  if (nr == kDmaFenceFlagSignaledBit && set) hb_acquire(f->id);
  return set;
}

bool dma_fence_flag_test_and_set(DmaFence* f, int nr, Loc loc) {
  check_bit(nr, "test_and_set_bit", loc);
  dma::step(op::kTestAndSetBit, Access::kWrite, need(f, op::kTestAndSetBit, loc)->id, loc);
  bool was = (flags_of(f) >> nr) & 1;
  switch (nr) {
    case kDmaFenceFlagSignaledBit:
      if (was) {
        hb_acquire(f->id);  // a fully ordered RMW that saw the signal
        break;
      }
      // With the list in the caller's memory, that code runs the callbacks (a kernel-style
      // signal walks fence->cb_list itself); the model's own list only dma_fence_signal runs.
      if (dma::state().cb_memory == nullptr && !f->cb_list.empty()) {
        Ctx::current().model_error(
            "DMA_FENCE_FLAG_SIGNALED_BIT set by hand while callbacks added with "
            "dma_fence_add_callback wait: their list is the model's, only dma_fence_signal runs "
            "it",
            loc);
      }
      dma::set_signaled(f);  // the waiters' gate opens with this kWrite of the fence
      break;
    case kDmaFenceFlagTimestampBit:
      f->timestamp = true;
      break;
    case kDmaFenceFlagEnableSignalBit:
      f->enable_signal = true;
      break;
    default:
      f->user_flags |= uint64_t{1} << nr;
      break;
  }
  return was;
}

void dma_fence_flag_clear(DmaFence* f, int nr, Loc loc) {
  check_bit(nr, "clear_bit", loc);
  dma::step(op::kClearBit, Access::kWrite, need(f, op::kClearBit, loc)->id, loc);
  if (nr < kDmaFenceFlagUserBits) {
    Ctx::current().model_error(
        "clear_bit of a fence's state bit " + std::to_string(nr) +
            " (the kernel never clears SIGNALED, TIMESTAMP or ENABLE_SIGNAL)",
        loc);
  }
  f->user_flags &= ~(uint64_t{1} << nr);
}

int64_t dma_fence_field_read(DmaFence* f, DmaFenceField which, Loc loc) {
  dma::step(op::kRead, Access::kRead, need(f, op::kRead, loc)->id, loc);
  switch (which) {
    case DmaFenceField::kContext:
      return static_cast<int64_t>(f->context);
    case DmaFenceField::kSeqno:
      return static_cast<int64_t>(f->seqno);
    case DmaFenceField::kError:
      return f->error;
  }
  return 0;
}

void dma_fence_field_write(DmaFence* f, DmaFenceField which, int64_t v, Loc loc) {
  dma::step(op::kWrite, Access::kWrite, need(f, op::kWrite, loc)->id, loc);
  switch (which) {
    case DmaFenceField::kContext:
      f->context = static_cast<uint64_t>(v);
      break;
    case DmaFenceField::kSeqno:
      f->seqno = static_cast<uint64_t>(v);
      break;
    case DmaFenceField::kError:
      f->error = static_cast<int>(v);
      break;
  }
}

Spinlock* dma_fence_lock_read(DmaFence* f, Loc loc) {
  dma::step(op::kRead, Access::kRead, need(f, op::kRead, loc)->id, loc);
  return f->lock;
}

DmaFenceOps* dma_fence_ops_read(DmaFence* f, Loc loc) {
  dma::step(op::kRead, Access::kRead, need(f, op::kRead, loc)->id, loc);
  return f->ops;
}

std::string DmaResv::SeqEven::describe(TaskId) const {
  return std::string("read_seqcount_begin(&") + r->name + "->seq)";
}

unsigned read_seqcount_begin(DmaResv* r, Loc loc) {
  // The kernel spins while the count is odd: the task waits for the writer's end.
  dma::step(op::kReadSeqcountBegin, Access::kRead, r->id, loc, &r->seq_gate);
  hb_acquire(r->id);  // smp_rmb() after the read: the writer's section is visible
  return r->seq;
}

bool read_seqcount_retry(DmaResv* r, unsigned start, Loc loc) {
  dma::step(op::kReadSeqcountRetry, Access::kRead, r->id, loc);
  return r->seq != start;
}

void write_seqcount_begin(DmaResv* r, Loc loc) {
  lockdep_assert_held(&r->lock->dep_map, loc);  // seqprop_assert(): the associated ww_mutex
  preempt_disable(loc);  // a ww_mutex is preemptible: the write section is not
  dma::step(op::kWriteSeqcountBegin, Access::kWrite, r->id, loc);
  if (r->seq & 1) {
    Ctx::current().model_error("write_seqcount_begin inside a write section of the same seq", loc);
  }
  ++r->seq;
}

void write_seqcount_end(DmaResv* r, Loc loc) {
  dma::step(op::kWriteSeqcountEnd, Access::kWrite, r->id, loc);
  if ((r->seq & 1) == 0) {
    Ctx::current().model_error("write_seqcount_end without write_seqcount_begin", loc);
  }
  ++r->seq;
  hb_release(r->id);
  preempt_enable(loc);
}

void seqcount_ww_mutex_init(DmaResv* r, WwMutex* lock, Loc loc) {
  if (lock != r->lock) {
    Ctx::current().model_error(
        "seqcount_ww_mutex_init of a resv's seq with a lock other than the resv's own", loc);
  }
  dma::step(op::kWrite, Access::kWrite, r->id, loc);
  r->seq = 0;
}

void ww_mutex_init(WwMutex* m, WwClass* cls, Loc loc) {
  if (cls != m->cls) {
    Ctx::current().model_error(
        "ww_mutex_init with a class other than the lock's own (its lockdep class is fixed "
        "where it is declared)",
        loc);
  }
  lock_word_init(m->word, "ww_mutex_init", loc);
  m->ctx = nullptr;
}

void ww_mutex_destroy(WwMutex* m, Loc loc) {
  // mutex_destroy(): DEBUG_LOCKS_WARN_ON(mutex_is_locked(lock)), then the magic poisoned.
  lock_word_init(m->word, "ww_mutex_destroy", loc);
}

}  // namespace ravel::model
