// scenarios/litmus/lkmm_ravel_dma_buf_att.cc: dma_buf attachments, mappings, their invalidation
// and the device's accesses under --memory-model lkmm (see lkmm_ravel_eval.h), following sc's
// model/dma_buf.cc and drivers/dma-buf/dma-buf.c of the revoke series (seed 001).
//
// Design note. An attachment and a mapping are kernel allocations; here, as a kzalloc site is
// (lkmm_ravel_heap.cc), each call site is one object with a location of its own, so a site runs
// at most once per path and stays in init's or a thread's own code (screen_dma_att). The program
// has at most one attach site, of a dma_buf global with `.resv = &R`, known before anything runs.
//   - the attachment's location is its node on dmabuf->attachments: 0, then 1 once
//     dma_buf_dynamic_attach() linked it, written and read under the reservation's lock;
//   - a mapping's location is its state (kMapped, kInvalidated, kUnmapped): the IOMMU entry the
//     device goes through. The device is not a CPU: dma_access() is a marked read of it, as sc's
//     access takes no part in its race check. map/unmap/invalidate write it under the lock
//     (dma_resv_assert_held() in each, refused when not held, as the resv's assertion is);
//   - sc's revoked-write check needs the fences that were in the resv at the first invalidation
//     (every usage, DMA_RESV_USAGE_BOOKKEEP): per mapping and fence a location, 1 when the fence
//     was there. The invalidation writes them, then the state with RELEASE; dma_access() reads
//     the state with ACQUIRE, so a device that sees the invalidation sees its snapshot whole, as
//     sc's sequential model does (this ordering is the model's bookkeeping, not the kernel's).
// What stays refused: dma_buf_detach, dma_buf_pin/unpin and the ops .pin/.unpin/.detach (the
// screen), a second attach site, NULL where sc warns, a dma_buf without .resv.
#include <set>
#include <string>

#include "scenarios/lang/builtins.h"
#include "scenarios/litmus/lkmm_ravel_eval.h"

namespace ravel::litmus::lkmm_ravel {

namespace {

using lang::ModelType;
constexpr int64_t kMapped = 1;  // lkmm_ravel_dma_buf_map.cc's states

bool is_attach(std::string_view n) {
  return n == "dma_buf_attach" || n == "dma_buf_dynamic_attach";
}

// The global `&G` designates (G of kernel type m), or null.
const lang::VarDecl* global_of(const lang::Program& prog, const lang::Expr* a, ModelType m) {
  const int g = kernel_global(prog, a, m);
  return g >= 0 ? prog.globals[g] : nullptr;
}

// The item `.field` of global d's brace initializer, or null.
const lang::Expr* item(const lang::VarDecl* d, const std::string& field) {
  if (d == nullptr || d->init == nullptr) return nullptr;
  for (const lang::Init::Item& it : d->init->items) {
    if (it.field == field && it.value != nullptr) return it.value->expr;
  }
  return nullptr;
}

std::vector<const lang::Expr*> sites(const lang::Stmt* s, bool attach) {
  std::vector<const lang::Expr*> out;
  for (const char* n : {"dma_buf_attach", "dma_buf_dynamic_attach", "dma_buf_map_attachment"}) {
    if (is_attach(n) == attach) calls_of(s, n, &out);
  }
  return out;
}

// The sites in init's and the threads' own code; *all: every site of the program.
std::set<const lang::Expr*> own_sites(const lang::Program& prog, bool attach,
                                      std::vector<const lang::Expr*>* all) {
  std::set<const lang::Expr*> own;
  auto add = [&](const lang::Stmt* s, bool is_own) {
    for (const lang::Expr* e : sites(s, attach)) {
      all->push_back(e);
      if (is_own) own.insert(e);
    }
  };
  if (prog.has_init) add(prog.init.block, true);
  for (const lang::Task& t : prog.tasks) add(t.body.block, t.kind == lang::Task::Kind::kThread);
  for (const lang::Function& fn : prog.functions) add(fn.body.block, false);
  if (prog.has_final) add(prog.final_.block, false);
  return own;
}

bool refuse_site(const lang::Expr* e, const std::string& msg, Error* err) {
  *err = Error{e->pos, msg};
  return false;
}

bool screen_attach_site(const lang::Program& prog, const lang::Expr* e, Error* err) {
  const lang::VarDecl* buf = global_of(prog, e->args[0], ModelType::kDmaBuf);
  if (buf == nullptr || global_of(prog, item(buf, "resv"), ModelType::kDmaResv) == nullptr) {
    return refuse_site(e->args[0],
                       "an attach of anything but a global struct dma_buf with `.resv = &R` is "
                       "not modelled under --memory-model lkmm",
                       err);
  }
  if (e->args.size() > 1 && global_of(prog, e->args[1], ModelType::kDmaBufAttachOps) == nullptr) {
    return refuse_site(e->args[1],
                       "dma_buf_dynamic_attach()'s importer ops must be the address of a global "
                       "struct dma_buf_attach_ops under lkmm",
                       err);
  }
  return true;
}

}  // namespace

bool dma_att_builtin_name(const std::string& n) {
  static const std::set<std::string> kNames = {
      "dma_buf_attach",
      "dma_buf_dynamic_attach",
      "dma_buf_attach_revocable",
      "dma_buf_map_attachment",
      "dma_buf_unmap_attachment",
      "dma_buf_invalidate_mappings",
      "dma_access",
  };
  return kNames.count(n) > 0;
}

bool screen_dma_att(const lang::Program& prog, Error* err) {
  for (bool attach : {true, false}) {
    std::vector<const lang::Expr*> all;
    const std::set<const lang::Expr*> own = own_sites(prog, attach, &all);
    for (const lang::Expr* e : all) {
      if (own.count(e) == 0) {
        return refuse_site(e,
                           "an attach or map outside init's and the threads' own code is not "
                           "modelled under --memory-model lkmm (one object per call site)",
                           err);
      }
    }
    if (attach && all.size() > 1) {
      return refuse_site(all[1],
                         "a second dma_buf attach site is not modelled under --memory-model "
                         "lkmm (one attachment per scenario)",
                         err);
    }
    if (attach && !all.empty() && !screen_attach_site(prog, all[0], err)) return false;
  }
  std::vector<const lang::Expr*> in_final;
  for (const char* n : {"dma_buf_unmap_attachment", "dma_buf_invalidate_mappings", "dma_access",
                        "dma_buf_attach_revocable"}) {
    if (prog.has_final) calls_of(prog.final_.block, n, &in_final);
  }
  if (!in_final.empty())
    return refuse_site(in_final[0], "dma_buf attachments in final are not modelled under lkmm",
                       err);
  return true;
}

// The attachment's and every mapping's locations (Layout::DmaAtt, DmaMap), after the resv's
// fence slots (a mapping's snapshot has one location per slot).
void add_dma_att(const lang::Program& prog, Layout* lay) {
  std::vector<const lang::Expr*> all;
  own_sites(prog, true, &all);
  if (all.empty()) return;
  const lang::Expr* e = all[0];
  Layout::DmaAtt& a = lay->dma_att;
  a.site = e;
  const lang::VarDecl* buf = global_of(prog, e->args[0], ModelType::kDmaBuf);
  a.buf = lay->loc_of_global[buf->bind.index];
  a.resv = lay->loc_of_global[global_of(prog, item(buf, "resv"), ModelType::kDmaResv)->bind.index];
  const lang::VarDecl* ops = global_of(prog, item(buf, "ops"), ModelType::kDmaBufOps);
  a.op_attach = named_function(prog, item(ops, "attach"));
  a.op_map = named_function(prog, item(ops, "map"));
  a.op_unmap = named_function(prog, item(ops, "unmap"));
  if (e->args.size() > 1) {
    const lang::VarDecl* imp = global_of(prog, e->args[1], ModelType::kDmaBufAttachOps);
    a.invalidate = named_function(prog, item(imp, "invalidate_mappings"));
  }
  a.loc = static_cast<int>(lay->names.size());
  lay->names.push_back("attachment@" + std::to_string(e->pos.line));
  std::vector<const lang::Expr*> maps;
  own_sites(prog, false, &maps);
  auto slots = lay->resv_slots.find(a.resv);
  for (const lang::Expr* s : maps) {
    Layout::DmaMap m;
    m.site = s;
    m.loc = static_cast<int>(lay->names.size());
    const std::string name = "mapping@" + std::to_string(s->pos.line);
    lay->names.push_back(name);
    if (slots != lay->resv_slots.end()) {
      for (const auto& [bit, slot] : slots->second.slot) {
        m.snap[bit] = static_cast<int>(lay->names.size());
        lay->names.push_back(name + ".snapshot." + lay->names[bit]);
      }
    }
    lay->dma_maps.push_back(m);
  }
}

bool Eval::dma_att(const std::string& n, const Expr* e, Frame& f, Val* out) {
  if (!dma_att_builtin_name(n)) return false;
  if (irq_->in_handler)
    refuse_if_consistent(e->pos, n + "() in an irq handler is not modelled under lkmm");
  *out = Val{};
  if (is_attach(n)) {
    *out = buf_attach(e, f);
  } else if (n == "dma_buf_attach_revocable") {
    // attach->importer_ops && attach->importer_ops->invalidate_mappings: set before .attach
    // runs, never changed: no access. NULL is sc's need(): the oops.
    auto [loc, addr] = dma_deref(eval(e->args[0], f), e->args[0]->pos);
    if (loc != lay_.dma_att.loc)
      refuse_if_consistent(e->args[0]->pos, "not a dma_buf attachment (lkmm)");
    *out = Val{lay_.dma_att.invalidate >= 0 ? 1 : 0, addr};
  } else if (n == "dma_buf_map_attachment") {
    *out = map_attachment(e, f);
  } else if (n == "dma_buf_unmap_attachment") {
    unmap_attachment(e, f);
  } else if (n == "dma_buf_invalidate_mappings") {
    invalidate_mappings(e, f);
  } else {
    *out = dma_access(e, f);
  }
  return true;
}

// A pointer argument: NULL is the oops (sc's need()), a value that is no object's address (an
// ERR_PTR) is refused; both only in an execution that is consistent (the value was read).
std::pair<int, uint64_t> Eval::dma_deref(const Val& p, lang::Pos pos) {
  if (p.v != 0 && !em_.is_address(p.v)) {
    refuse_if_consistent(pos,
                         "a dma_buf attachment or mapping argument that is no object's "
                         "address (an ERR_PTR) is not modelled under lkmm");
  }
  return deref(p, pos);
}

// A site is one object: run once per path (a loop around it is refused).
void Eval::dma_site(const Expr* e) {
  if (!dma_sites_.insert(e).second)
    refuse_if_consistent(e->pos,
                         "an attach or map site run twice on one path is not modelled under lkmm");
}

// dma_resv_lock(dmabuf->resv, NULL) / dma_resv_unlock() inside dma-buf.c, as lkmm_ravel_resv.cc
// models them (a mutex; refused in atomic context, where sc reports the sleep).
void Eval::buf_resv(int resv, bool lock, lang::Pos pos) {
  if (lock && (atomic_held() || rcu_depth_ > 0 || !irq_->enabled)) {
    refuse_if_consistent(
        pos,
        "a dma_buf call that takes the reservation's lock in atomic context is not "
        "modelled under lkmm (sc checks the sleep)");
  }
  if (!lock) reset_max_fences(resv);
  lock_at(lock ? "spin_lock" : "spin_unlock", resv, 0, pos, "dma_resv_lock");
}

// dma_buf_dynamic_attach() (dma_buf_attach() is it without importer ops): the exporter's
// .attach(dmabuf, attach) first, its error returned as ERR_PTR; then, under the resv lock,
// list_add(&attach->node, &dmabuf->attachments).
Val Eval::buf_attach(const Expr* e, Frame& f) {
  dma_site(e);
  Val b = eval(e->args[0], f);  // the screen made it `&buf`
  const Layout::DmaAtt& a = lay_.dma_att;
  const Val self{lkmm_thread::kAddrBase + a.loc, 0};
  if (a.op_attach >= 0) {
    Val ret = invoke(prog_.functions[a.op_attach], {b, self}, e->pos);
    em_.branch(ret.deps);
    if (ret.v != 0) return ret;  // ERR_PTR(ret)
  }
  buf_resv(a.resv, true, e->pos);
  store(Place{nullptr, a.loc}, Val{1, 0}, 0);
  buf_resv(a.resv, false, e->pos);
  return self;
}

// dma_buf_map_attachment(): WARN_ON(!attach) (refused: sc warns), dma_resv_assert_held(),
// no pin (.pin is refused by the screen, so dma_buf_pin_on_map() never pins), the exporter's
// .map(attach), its error returned; then the mapping is live.
Val Eval::map_attachment(const Expr* e, Frame& f) {
  const Layout::DmaMap* m = nullptr;
  for (const Layout::DmaMap& k : lay_.dma_maps) m = k.site == e ? &k : m;
  dma_site(e);
  Val a = eval(e->args[0], f);
  if (a.v == 0)
    refuse_if_consistent(e->pos,
                         "dma_buf_map_attachment(NULL) is not modelled under lkmm (sc warns)");
  auto [loc, addr] = dma_deref(a, e->args[0]->pos);
  if (loc != lay_.dma_att.loc)
    refuse_if_consistent(e->args[0]->pos, "not a dma_buf attachment (lkmm)");
  if (!holds(lay_.dma_att.resv)) {
    refuse_if_consistent(e->pos,
                         "dma_buf_map_attachment() without the reservation's lock held is not "
                         "modelled under lkmm (dma_resv_assert_held: sc reports it)");
  }
  if (lay_.dma_att.op_map >= 0) {
    Val ret = invoke(prog_.functions[lay_.dma_att.op_map], {a}, e->pos);
    em_.branch(ret.deps);
    if (ret.v != 0) return ret;  // ERR_PTR(ret)
  }
  store(Place{nullptr, m->loc}, Val{kMapped, addr}, lkmm::kOnce);
  return Val{lkmm_thread::kAddrBase + m->loc, 0};
}

// A mapping argument: the value dma_buf_map_attachment() returned (NULL: sc's oops).
const Layout::DmaMap& Eval::mapping_arg(const Expr* e, Frame& f) {
  auto [loc, addr] = dma_deref(eval(e, f), e->pos);
  for (const Layout::DmaMap& m : lay_.dma_maps) {
    if (m.loc == loc) return m;
  }
  refuse_if_consistent(e->pos, "not a dma_buf mapping (lkmm)");
}

}  // namespace ravel::litmus::lkmm_ravel
