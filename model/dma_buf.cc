// model/dma_buf.cc: see dma_buf.h. Kernel: drivers/dma-buf/dma-buf.c (dma_buf_dynamic_attach,
// dma_buf_detach, dma_buf_pin/unpin, dma_buf_map_attachment with dma_buf_pin_on_map,
// dma_buf_unmap_attachment, dma_buf_invalidate_mappings, dma_buf_attach_revocable) as of seed 001.
#include "model/dma_buf.h"

#include <algorithm>
#include <cerrno>
#include <string>

#include "model/dma_internal.h"
#include "model/ops.h"
#include "model/race.h"

namespace ravel::model {
namespace {

void need(const void* p, OpKind kind, Loc loc) {
  if (p != nullptr) return;
  dma::step(kind, Access::kNone, kNoObject, loc);
  report_null_deref(ravel::op_name(kind), loc);
}

void dma_fault(const std::string& message, const std::string& details, Loc loc) {
  report_finding(Violation::Kind::kDmaFault, message, details, loc);
}

// The WARN_ON(!arg ...) guards at the top of dma-buf.c's entry points: a step touching nothing,
// then the warning; the caller returns its error. Returns true when `bad`.
bool warn_on(bool bad, OpKind kind, const char* what, Loc loc) {
  if (!bad) return false;
  dma::step(kind, Access::kNone, kNoObject, loc);
  dma::warn(std::string("WARNING: ") + ravel::op_name(kind) + ": " + what,
            std::string("drivers/dma-buf/dma-buf.c ") + ravel::op_name(kind) + "(): WARN_ON(" +
                what + ")",
            loc);
  return true;
}

DmaBufAttachment* attach_impl(DmaBuf* buf, DmaBufAttachOps* importer_ops, OpKind kind, int* err,
                              Loc loc) {
  if (warn_on(buf == nullptr, kind, "!dmabuf", loc)) {  // -> ERR_PTR(-EINVAL)
    if (err != nullptr) *err = -EINVAL;
    return nullptr;
  }
  Ctx& ctx = Ctx::current();
  auto* a = ctx.make<DmaBufAttachment>();
  a->id = ctx.new_object();
  a->buf = buf;
  a->importer_ops = importer_ops;
  if (buf->ops->attach) {
    int ret = buf->ops->attach(buf, a);
    if (ret != 0) {
      if (err != nullptr) *err = ret;
      return nullptr;
    }
  }
  dma_resv_lock(buf->resv, nullptr, loc);
  dma::step(kind, Access::kWrite, buf->id, loc);
  // list_add(&attach->node, &dmabuf->attachments): at the head, so list_for_each_entry()
  // (dma_buf_invalidate_mappings) meets the newest attachment first.
  buf->attachments.insert(buf->attachments.begin(), a);
  dma_resv_unlock(buf->resv, loc);
  if (err != nullptr) *err = 0;
  return a;
}

// dma_buf_pin_on_map(): a dynamic exporter (with .pin) pins for a non-dynamic importer.
bool pin_on_map(const DmaBufAttachment* a) {
  return a->importer_ops == nullptr && static_cast<bool>(a->buf->ops->pin);
}

}  // namespace

DmaBufOps* dma_buf_ops_new(const char* name) {
  auto* ops = Ctx::current().make<DmaBufOps>();
  ops->name = name;
  return ops;
}

DmaBufAttachOps* dma_buf_attach_ops_new(const char* name) {
  auto* ops = Ctx::current().make<DmaBufAttachOps>();
  ops->name = name;
  return ops;
}

DmaBuf* dma_buf_new(const char* name, DmaBufOps* ops, DmaResv* resv) {
  dma_resv_lockdep();
  Ctx& ctx = Ctx::current();
  auto* buf = ctx.make<DmaBuf>();
  buf->name = name;
  buf->id = ctx.new_object();
  buf->ops = ops != nullptr ? ops : dma_buf_ops_new("dma_buf_ops");
  buf->resv = resv != nullptr ? resv : dma_resv_new(intern_name(std::string(name) + ".resv"));
  buf->refcount = refcount_new(intern_name(std::string(name) + ".file"), 1);
  return buf;
}

DmaBufAttachment* dma_buf_attach(DmaBuf* buf, int* err, Loc loc) {
  return attach_impl(buf, nullptr, op::kDmaBufAttach, err, loc);
}

DmaBufAttachment* dma_buf_dynamic_attach(DmaBuf* buf, DmaBufAttachOps* importer_ops, int* err,
                                         Loc loc) {
  return attach_impl(buf, importer_ops, op::kDmaBufDynamicAttach, err, loc);
}

void dma_buf_detach(DmaBuf* buf, DmaBufAttachment* a, Loc loc) {
  // WARN_ON(!dmabuf || !attach || dmabuf != attach->dmabuf): return without detaching.
  if (warn_on(buf == nullptr || a == nullptr || a->buf != buf, op::kDmaBufDetach,
              "!dmabuf || !attach || dmabuf != attach->dmabuf", loc)) {
    return;
  }
  dma_resv_lock(buf->resv, nullptr, loc);
  dma::step(op::kDmaBufDetach, Access::kWrite, buf->id, loc);
  if (a->detached) {
    // The kernel kfree()d the attachment at the first detach: this one reads freed memory
    // (KASAN). ravel's attachments are not heap objects: the second detach is a warn.
    dma::warn("WARNING: dma_buf_detach of an attachment already detached", "", loc);
  }
  auto& l = buf->attachments;
  l.erase(std::remove(l.begin(), l.end(), a), l.end());
  a->detached = true;
  dma_resv_unlock(buf->resv, loc);
  if (buf->ops->detach) buf->ops->detach(buf, a);
}

bool dma_buf_attach_revocable(DmaBufAttachment* a, Loc loc) {
  need(a, op::kDmaBufAttachRevocable, loc);
  return a->importer_ops != nullptr && static_cast<bool>(a->importer_ops->invalidate_mappings);
}

int dma_buf_pin(DmaBufAttachment* a, Loc loc) {
  need(a, op::kDmaBufPin, loc);
  if (a->importer_ops == nullptr) {
    dma::warn("WARNING: dma_buf_pin of an attachment without importer ops",
              "drivers/dma-buf/dma-buf.c dma_buf_pin(): WARN_ON(!attach->importer_ops)", loc);
  }
  dma_resv_assert_held(a->buf->resv, loc);
  return a->buf->ops->pin ? a->buf->ops->pin(a) : 0;
}

void dma_buf_unpin(DmaBufAttachment* a, Loc loc) {
  need(a, op::kDmaBufUnpin, loc);
  if (a->importer_ops == nullptr) {
    dma::warn("WARNING: dma_buf_unpin of an attachment without importer ops",
              "drivers/dma-buf/dma-buf.c dma_buf_unpin(): WARN_ON(!attach->importer_ops)", loc);
  }
  dma_resv_assert_held(a->buf->resv, loc);
  if (a->buf->ops->unpin) a->buf->ops->unpin(a);
}

DmaBufMapping* dma_buf_map_attachment(DmaBufAttachment* a, int* err, Loc loc) {
  if (warn_on(a == nullptr, op::kDmaBufMapAttachment, "!attach || !attach->dmabuf", loc)) {
    if (err != nullptr) *err = -EINVAL;
    return nullptr;
  }
  DmaBuf* buf = a->buf;
  dma_resv_assert_held(buf->resv, loc);
  bool pinned = pin_on_map(a);
  int ret = pinned ? buf->ops->pin(a) : 0;
  if (ret == 0 && buf->ops->map) {
    ret = buf->ops->map(a);
    if (ret != 0 && pinned && buf->ops->unpin) buf->ops->unpin(a);
  }
  if (ret != 0) {
    if (err != nullptr) *err = ret;
    return nullptr;
  }
  Ctx& ctx = Ctx::current();
  auto* m = ctx.make<DmaBufMapping>();
  m->id = ctx.new_object();
  m->inv_id = ctx.new_object();
  m->attach = a;
  dma::step(op::kDmaBufMapAttachment, Access::kWrite, a->id, loc);
  a->mappings.push_back(m);
  dma::note_mapping(buf->resv, m->id);
  if (err != nullptr) *err = 0;
  return m;
}

void dma_buf_unmap_attachment(DmaBufAttachment* a, DmaBufMapping* m, Loc loc) {
  if (warn_on(a == nullptr || m == nullptr, op::kDmaBufUnmapAttachment,
              "!attach || !attach->dmabuf || !sg_table", loc)) {
    return;
  }
  dma_resv_assert_held(a->buf->resv, loc);
  // The importer promises no further access from here on: the mapping is gone before the
  // exporter's .unmap (which may complete the exporter's revoke wait).
  dma::step(op::kDmaBufUnmapAttachment, Access::kWrite, m->id, loc);
  if (m->unmapped || m->attach != a) {
    dma::warn("WARNING: dma_buf_unmap_attachment of a mapping not mapped on this attachment", "",
              loc);
    return;
  }
  m->unmapped = true;
  auto& l = a->mappings;
  l.erase(std::remove(l.begin(), l.end(), m), l.end());
  DmaBuf* buf = a->buf;
  if (buf->ops->unmap) buf->ops->unmap(a, m);
  if (pin_on_map(a) && buf->ops->unpin) buf->ops->unpin(a);
}

namespace {

// The order in which a device's write through mapping `m` will read the snapshot: the fences
// added by the task that made `m` after making it (its jobs, most likely) first, then the
// others, each group in the resv's order. The verdict does not depend on the order (a fault
// needs every fence signalled; the reads stop at the first that is not), but the exploration
// does: each fence read before an unsignalled one orders the write after that fence's signal.
// A device's own job is unsignalled while it still writes under it, so reading it first keeps
// its write independent of the other devices' signals (docs/reduction.md, "Snapshot order").
std::vector<DmaFence*> own_fences_first(const std::vector<DmaResv::Slot>& slots, ObjectId m) {
  std::vector<DmaFence*> out;
  for (const DmaResv::Slot& s : slots) {
    if (s.mapping == m) out.push_back(s.fence);
  }
  for (const DmaResv::Slot& s : slots) {
    if (s.mapping != m) out.push_back(s.fence);
  }
  return out;
}

}  // namespace

void dma_buf_invalidate_mappings(DmaBuf* buf, Loc loc) {
  need(buf, op::kDmaBufInvalidateMappings, loc);
  dma_resv_assert_held(buf->resv, loc);
  dma::step(op::kDmaBufInvalidateMappings, Access::kRead, buf->id, loc);
  dma::state().invalidated_any = true;
  std::vector<DmaResv::Slot> slots = dma_resv_slots_locked(buf->resv, DmaResvUsage::kBookkeep);
  std::vector<DmaBufAttachment*> attachments = buf->attachments;
  for (DmaBufAttachment* a : attachments) {
    std::vector<DmaBufMapping*> maps = a->mappings;
    for (DmaBufMapping* m : maps) {
      // The mapping's invalidation state only (inv_id): an access that need not read it is
      // independent of this step. An unmapped mapping is no longer on the list (the unmap erased
      // it under the same lock).
      dma::step(op::kDmaBufInvalidateMappings, Access::kWrite, m->inv_id, loc);
      if (m->invalidated) continue;  // the first invalidation's fences count
      m->invalidated = true;
      m->fences_at_invalidate = own_fences_first(slots, m->id);
    }
    if (a->importer_ops != nullptr && a->importer_ops->invalidate_mappings) {
      a->importer_ops->invalidate_mappings(a);
    }
  }
}

void dma_buf_get(DmaBuf* buf, Loc loc) {
  need(buf, op::kDmaBufGet, loc);
  refcount_inc(buf->refcount, loc, op::kDmaBufGet);
}

void dma_buf_put(DmaBuf* buf, Loc loc) {
  if (warn_on(buf == nullptr, op::kDmaBufPut, "!dmabuf || !dmabuf->file", loc)) return;
  if (refcount_dec_and_test(buf->refcount, loc, op::kDmaBufPut) && buf->ops->release) {
    buf->ops->release(buf);  // dma_buf_release() -> dmabuf->ops->release()
  }
}

void dma_note_own_job(const DmaFence* f) {
  dma::state().own_jobs.emplace_back(Ctx::current().self(), f);
}

namespace {

// The running task's own jobs (dma_note_own_job), in the order they were noted.
std::vector<const DmaFence*> own_jobs_of_self() {
  const TaskId self = Ctx::current().self();
  std::vector<const DmaFence*> out;
  for (const auto& [task, f] : dma::state().own_jobs) {
    if (task == self) out.push_back(f);
  }
  return out;
}

// The order a write reads the snapshot in: the writing task's own jobs first (dma_note_own_job),
// then the rest in the snapshot's order (own_fences_first). A function of the task's code and
// of the snapshot, so the same in every interleaving equivalent to this one.
std::vector<DmaFence*> scan_order(const std::vector<DmaFence*>& snapshot) {
  std::vector<DmaFence*> out;
  for (const DmaFence* f : own_jobs_of_self()) {
    auto it = std::find(snapshot.begin(), snapshot.end(), f);
    if (it != snapshot.end() && std::find(out.begin(), out.end(), f) == out.end()) {
      out.push_back(*it);
    }
  }
  if (out.empty()) return snapshot;
  for (DmaFence* f : snapshot) {
    if (std::find(out.begin(), out.end(), f) == out.end()) out.push_back(f);
  }
  return out;
}

// The writing task's own job (dma_note_own_job) whose slot may prove a write allowed without
// looking at the invalidation (own_job_pending), or NULL. A fact of the task's code and of
// `init`, so the same in every interleaving.
const DmaFence* eligible_own_job() {
  for (const DmaFence* f : own_jobs_of_self()) {
    if (f->added_before_tasks) return f;  // the first one noted
  }
  return nullptr;
}

// Whether `job` proves the write through `m` allowed, in the step that read it: its slot was
// added before any other task existed and before any invalidation (Slot::before_tasks), so it
// was in every snapshot an invalidation took, as long as it is still in the resv (a slot leaves
// it only by a replacement, which writes the replaced fence: ordered with this read); and
// unsignalled, it keeps any such snapshot open. Not invalidated yet, the write is allowed
// anyway. So the answer is the one the invalidation state would give, without reading it.
bool own_job_pending(const DmaBufMapping* m, const DmaFence* job, Loc loc) {
  const DmaResv* r = m->attach->buf->resv;
  auto slot = std::find_if(r->fences.begin(), r->fences.end(),
                           [job](const DmaResv::Slot& s) { return s.fence == job; });
  if (slot == r->fences.end() || !slot->before_tasks || job->signaled) return false;
  // The argument above, checked on every such write: the invalidation state (read here without
  // a step, so the exploration does not change) must agree that the write is allowed.
  const bool open = std::any_of(m->fences_at_invalidate.begin(), m->fences_at_invalidate.end(),
                                [](const DmaFence* f) { return !f->signaled; });
  if (m->invalidated && !open) {
    Ctx::current().model_error(
        "internal error (a bug of ravel, please report it): dma_access's own-job test allowed a "
        "write the invalidation's fences forbid",
        loc);
  }
  return true;
}

}  // namespace

bool dma_access(DmaBufMapping* m, DmaDir dir, Loc loc) {
  need(m, op::kDmaAccess, loc);
  Ctx& ctx = Ctx::current();
  // One step reads the mapped state and, for a write, the own job that may decide it, or else
  // the invalidation state. A read is allowed until the unmap (speculative reads included).
  const bool write = dir == DmaDir::kWrite;
  const DmaFence* job = write ? eligible_own_job() : nullptr;
  Operation op{.kind = op::kDmaAccess, .access = Access::kRead, .object = m->id, .loc = loc};
  if (write) op.add_read(job != nullptr ? job->id : m->inv_id);
  dma::step(op);
  const char* what = write ? "write" : "read";
  if (m->unmapped) {
    dma_fault(std::string("DMA fault: device ") + what + " through an unmapped mapping",
              "the importer accessed the buffer after dma_buf_unmap_attachment()", loc);
    return false;
  }
  if (!write) return true;
  if (job != nullptr) {
    if (own_job_pending(m, job, loc)) return true;
    ctx.yield({.kind = op::kDmaAccess, .access = Access::kRead, .object = m->inv_id, .loc = loc});
  }
  if (!m->invalidated) return true;
  for (DmaFence* f : scan_order(m->fences_at_invalidate)) {
    // No uaf check: the resv's reference kept the fence alive for the exporter's wait.
    ctx.yield({.kind = op::kDmaAccess, .access = Access::kRead, .object = f->id, .loc = loc});
    if (!f->signaled) return true;  // work fenced before the invalidation is still running
  }
  dma_fault("DMA fault: device write through a revoked mapping",
            "after dma_buf_invalidate_mappings(), once every fence then in the resv signalled, "
            "only speculative reads are allowed until the importer unmaps",
            loc);
  return false;
}

}  // namespace ravel::model
