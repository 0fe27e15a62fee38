// scenarios/litmus/lkmm_ravel_dma_buf_map.cc: a dma_buf mapping's unmap, invalidation and the
// device's accesses through it under --memory-model lkmm (see lkmm_ravel_dma_buf_att.cc's design
// note for the locations), following sc's model/dma_buf.cc and drivers/dma-buf/dma-buf.c of the
// revoke series (seed 001).
#include <string>

#include "scenarios/litmus/lkmm_ravel_eval.h"

namespace ravel::litmus::lkmm_ravel {

namespace {

constexpr int64_t kMapNone = 0, kMapped = 1, kInvalidated = 2, kUnmapped = 3;

}  // namespace

// dma_buf_unmap_attachment(): WARN_ON(!attach || !sg_table) (refused: sc warns),
// dma_resv_assert_held(); the mapping is gone before the exporter's .unmap(attach, sg_table)
// (which may complete the exporter's revoke wait). A mapping already unmapped is sc's warning.
void Eval::unmap_attachment(const Expr* e, Frame& f) {
  Val a = eval(e->args[0], f);
  if (a.v == 0 || eval(e->args[1], f).v == 0) {
    refuse_if_consistent(
        e->pos, "dma_buf_unmap_attachment() of NULL is not modelled under lkmm (sc warns)");
  }
  auto [loc, addr] = dma_deref(a, e->args[0]->pos);
  const Layout::DmaAtt& att = attachment_at(loc, e->args[0]->pos);
  const Layout::DmaMap& m = mapping_arg(e->args[1], f);
  if (&att != &lay_.dma_atts[m.att]) {
    refuse_if_consistent(e->pos,
                         "an unmap through another attachment than the mapping's is not "
                         "modelled under lkmm");
  }
  if (!holds(att.resv)) {
    refuse_if_consistent(e->pos,
                         "dma_buf_unmap_attachment() without the reservation's lock held is not "
                         "modelled under lkmm (dma_resv_assert_held: sc reports it)");
  }
  Val st = load(Place{nullptr, m.loc}, lkmm::kOnce);
  em_.branch(st.deps);
  if (st.v == kMapNone) refuse_if_consistent(e->pos, "an unmap of a mapping not yet made (lkmm)");
  if (st.v == kUnmapped) {
    em_.trace.findings.push_back(
        {"warn", "WARNING: dma_buf_unmap_attachment of a mapping not mapped on this attachment",
         e->pos});
    return;
  }
  store(Place{nullptr, m.loc}, Val{kUnmapped, 0}, lkmm::kOnce);
  if (att.op_unmap >= 0) {
    invoke(prog_.functions[att.op_unmap], {a, Val{lkmm_thread::kAddrBase + m.loc, 0}}, e->pos);
  }
  if (pin_on_map(att) && att.op_unpin >= 0) invoke(prog_.functions[att.op_unpin], {a}, e->pos);
}

// dma_buf_invalidate_mappings(dmabuf): dma_resv_assert_held(dmabuf->resv); for each attachment
// on dmabuf->attachments, its mappings are revoked and, for a dynamic importer with
// .invalidate_mappings, that callback runs (under the lock, in this task).
void Eval::invalidate_mappings(const Expr* e, Frame& f) {
  auto [buf, addr] =
      dma_deref(eval(e->args[0], f), e->args[0]->pos);  // NULL: sc's need(), the oops
  bool any = false;
  // list_add() puts each attachment at the head: the list meets init's last attach first.
  for (size_t i = lay_.dma_atts.size(); i-- > 0;) {
    const Layout::DmaAtt& a = lay_.dma_atts[i];
    if (a.buf != buf) continue;
    if (!any && !holds(a.resv)) {
      refuse_if_consistent(e->pos,
                           "dma_buf_invalidate_mappings() without the reservation's lock held is "
                           "not modelled under lkmm (dma_resv_assert_held: sc reports it)");
    }
    any = true;
    Val linked = load(Place{nullptr, a.loc}, 0);  // list_for_each_entry(attach, ...)
    em_.branch(linked.deps);
    if (linked.v != 1) continue;  // not yet attached, or detached
    for (const Layout::DmaMap& m : lay_.dma_maps) {
      if (m.att == static_cast<int>(i)) invalidate_one(m, a.resv, e->pos);
    }
    if (a.invalidate >= 0) {
      invoke(prog_.functions[a.invalidate], {Val{lkmm_thread::kAddrBase + a.loc, 0}}, e->pos);
    }
  }
  if (!any) {
    refuse_if_consistent(e->args[0]->pos,
                         "dma_buf_invalidate_mappings() of a dma_buf nothing attaches to is "
                         "not modelled under lkmm");
  }
}

// One live mapping revoked: the fences then in the resv (every usage) recorded, then the state
// with RELEASE (the snapshot is seen whole by an ACQUIRE of the state). A mapping already
// invalidated keeps its first snapshot, as sc's.
void Eval::invalidate_one(const Layout::DmaMap& m, int resv, lang::Pos pos) {
  Val st = load(Place{nullptr, m.loc}, lkmm::kOnce);
  em_.branch(st.deps);
  if (st.v != kMapped) return;
  const Layout::ResvSlots& s = lay_.resv_slots.at(resv);
  for (const auto& [bit, snap] : m.snap) {
    Val u = load(Place{nullptr, s.slot.at(bit)}, lkmm::kOnce);  // under the lock
    em_.branch(u.deps);
    if (u.v != 0) store(Place{nullptr, snap}, Val{1, 0}, lkmm::kOnce);
  }
  store(Place{nullptr, m.loc}, Val{kInvalidated, 0}, lkmm::kRelease);
  (void)pos;
}

// dma_access(map, READ|WRITE), sc's device access (model/dma_buf.cc dma_access): through an
// unmapped mapping it is a DMA fault; a write through an invalidated mapping faults once every
// fence of its snapshot has signalled (work fenced before the invalidation may still write).
// Returns whether the access went through.
Val Eval::dma_access(const Expr* e, Frame& f) {
  const Layout::DmaMap& m = mapping_arg(e->args[0], f);  // NULL: sc's need(), the oops
  Val dir = eval(e->args[1], f);
  if (dir.v != 0 && dir.v != 1)
    refuse_if_consistent(e->args[1]->pos, "dma_access direction must be READ or WRITE");
  Val st = load(Place{nullptr, m.loc}, lkmm::kAcquire);
  em_.branch(st.deps);
  if (st.v == kMapNone)
    refuse_if_consistent(e->pos, "an access through a mapping not yet made (lkmm)");
  const std::string what = dir.v == 1 ? "write" : "read";
  if (st.v == kUnmapped) {
    em_.trace.findings.push_back(
        {"dma-fault", "DMA fault: device " + what + " through an unmapped mapping", e->pos});
    return Val{0, st.deps};
  }
  if (dir.v != 1 || st.v != kInvalidated || !revoked_write(m)) return Val{1, st.deps};
  em_.trace.findings.push_back(
      {"dma-fault", "DMA fault: device write through a revoked mapping", e->pos});
  return Val{0, st.deps};
}

// Every fence of the snapshot signalled: the write hits revoked memory. The fences are read
// in the snapshot's order and the first unsignalled one ends it, as sc's loop.
bool Eval::revoked_write(const Layout::DmaMap& m) {
  for (const auto& [bit, snap] : m.snap) {
    Val in = load(Place{nullptr, snap}, lkmm::kOnce);
    em_.branch(in.deps);
    if (in.v == 0) continue;
    Val sig = is_signaled(lay_.fences.at(bit));
    em_.branch(sig.deps);
    if (sig.v == 0) return false;
  }
  return true;
}

}  // namespace ravel::litmus::lkmm_ravel
