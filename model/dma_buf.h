// model/dma_buf.h: struct dma_buf, attachments and mappings (drivers/dma-buf/dma-buf.c,
// include/linux/dma-buf.h) with the revoke series of seed 001 (dma_buf_invalidate_mappings,
// dma_buf_attach_revocable) and the access rules of docs/language.md section 5.17.
//
// Design note. Exporter ops (struct dma_buf_ops) and importer ops (struct dma_buf_attach_ops) are
// callbacks supplied by the test or the interpreter, each optional. Map, unmap, pin, unpin and
// invalidate require the buffer's resv held (dma_resv_assert_held: lockdep). Attachments and
// mappings are model objects, never heap objects (no leak). A mapping is mapped until its unmap;
// dma_buf_invalidate_mappings snapshots, per live mapping, the fences in the resv at that moment
// (every usage) and calls each importer's invalidate_mappings under the lock. dma_access(map, op):
//   - after the unmap: dma-fault (an IOMMU fault: the importer touched memory past its unmap);
//   - after invalidation, once every snapshot fence has signalled: READ allowed (speculative
//     read-and-discard), WRITE a dma-fault;
//   - otherwise allowed.
// A mapping's state is two objects: `id` (mapped, written by the unmap) and `inv_id` (invalidated
// and the snapshot, written by the invalidation). dma_access is a kRead of `id`; a READ needs
// nothing else. A WRITE whose task's own job (dma_note_own_job) was in the resv before every
// invalidation and is unsignalled is allowed from a kRead of `id` and of the job, without
// `inv_id`: it is then independent of the invalidation (a replacement of the job's slot writes
// the job, model/dma_resv.cc). Otherwise a kRead of `inv_id`, then (after
// an invalidation) a kRead of each snapshot fence until an unsignalled one: signalling is
// monotone, so the verdict is the one at the last step. The fences the writing task's own code
// signals come first, then those the mapping's own task added after making it (its jobs:
// docs/reduction.md "Snapshot order"); any order gives the same verdict.
// dma_buf_get/put is the file reference; the last put calls the exporter's .release.
#pragma once

#include <functional>
#include <vector>

#include "checker/api.h"
#include "model/dma_resv.h"
#include "model/refcount.h"

namespace ravel::model {

struct DmaBuf;
struct DmaBufAttachment;
struct DmaBufMapping;

struct DmaBufOps {  // exporter; every member optional
  const char* name = "dma_buf_ops";
  std::function<int(DmaBuf*, DmaBufAttachment*)> attach;
  std::function<void(DmaBuf*, DmaBufAttachment*)> detach;
  std::function<int(DmaBufAttachment*)> pin;
  std::function<void(DmaBufAttachment*)> unpin;
  std::function<int(DmaBufAttachment*)> map;  // 0 grants a mapping, < 0 the error
  std::function<void(DmaBufAttachment*, DmaBufMapping*)> unmap;
  std::function<void(DmaBuf*)> release;
};

struct DmaBufAttachOps {  // importer
  const char* name = "dma_buf_attach_ops";
  std::function<void(DmaBufAttachment*)> invalidate_mappings;  // optional (pinned importer)
  bool allow_peer2peer = false;
};

struct DmaBufMapping {
  const char* name = "map";
  ObjectId id = kNoObject;      // mapped or unmapped: the unmap writes it, every access reads it
  ObjectId inv_id = kNoObject;  // invalidated and the fences then: written by the invalidation
  DmaBufAttachment* attach = nullptr;
  bool unmapped = false;
  bool invalidated = false;
  std::vector<DmaFence*> fences_at_invalidate;
};

struct DmaBufAttachment {
  ObjectId id = kNoObject;
  DmaBuf* buf = nullptr;
  DmaBufAttachOps* importer_ops = nullptr;  // NULL: dma_buf_attach (pinned importer)
  bool detached = false;
  bool pinned_on_map = false;
  std::vector<DmaBufMapping*> mappings;
};

struct DmaBuf {
  const char* name = "buf";
  ObjectId id = kNoObject;  // the attachment list
  DmaBufOps* ops = nullptr;
  DmaResv* resv = nullptr;
  Refcount* refcount = nullptr;  // the file's reference count
  std::vector<DmaBufAttachment*> attachments;
};

// --- objects (not operations); names must outlive the run (literals or intern_name) ---
DmaBufOps* dma_buf_ops_new(const char* name);
DmaBufAttachOps* dma_buf_attach_ops_new(const char* name);
// dma_buf_export(): refcount 1. `resv` NULL: an internal resv of its own.
DmaBuf* dma_buf_new(const char* name, DmaBufOps* ops, DmaResv* resv);

// --- operations ---
enum class DmaDir : int { kRead = 0, kWrite = 1 };
// The attachment, or NULL with *err set (the kernel's ERR_PTR) when the exporter's .attach fails.
DmaBufAttachment* dma_buf_attach(DmaBuf* buf, int* err, Loc loc);
DmaBufAttachment* dma_buf_dynamic_attach(DmaBuf* buf, DmaBufAttachOps* importer_ops, int* err,
                                         Loc loc);
void dma_buf_detach(DmaBuf* buf, DmaBufAttachment* a, Loc loc);
bool dma_buf_attach_revocable(DmaBufAttachment* a, Loc loc);
int dma_buf_pin(DmaBufAttachment* a, Loc loc);
void dma_buf_unpin(DmaBufAttachment* a, Loc loc);
// A new mapping, or NULL with *err set (ERR_PTR) when the exporter's .map refuses.
DmaBufMapping* dma_buf_map_attachment(DmaBufAttachment* a, int* err, Loc loc);
void dma_buf_unmap_attachment(DmaBufAttachment* a, DmaBufMapping* m, Loc loc);
void dma_buf_invalidate_mappings(DmaBuf* buf, Loc loc);
void dma_buf_get(DmaBuf* buf, Loc loc);
void dma_buf_put(DmaBuf* buf, Loc loc);
// Device DMA through a mapping; true when allowed, false after reporting a dma-fault.
bool dma_access(DmaBufMapping* m, DmaDir dir, Loc loc);
// The running task's code signals `f`: a fact of that code, the same in every execution (the
// interpreter notes each `dma_fence_signal(&fence)` of a thread's body as the thread starts).
// Its writes read `f` first: a device's own job is unsignalled while it still writes under it,
// which proves the write allowed without the invalidation state (own_job_pending), or ends the
// scan of the snapshot early. Only which steps the write makes depends on it, never a verdict.
void dma_note_own_job(const DmaFence* f);

}  // namespace ravel::model
