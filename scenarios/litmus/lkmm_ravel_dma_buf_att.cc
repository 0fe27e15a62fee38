// scenarios/litmus/lkmm_ravel_dma_buf_att.cc: dma_buf attachments, mappings, their invalidation
// and the device's accesses under --memory-model lkmm (see lkmm_ravel_eval.h), following sc's
// model/dma_buf.cc and drivers/dma-buf/dma-buf.c of the revoke series (seed 001).
//
// Design note. An attachment and a mapping are kernel allocations; here, as a kzalloc site is
// (lkmm_ravel_heap.cc), each call site is one object with a location of its own, so a site runs
// at most once per path and stays in init's or a thread's own code (screen_dma_att). Each attach
// site attaches a dma_buf global with `.resv = &R`, known before anything runs. With several
// sites, each is a statement of init's own block, so dmabuf->attachments holds them in reverse
// program order (list_add() at the head, as sc's model/dma_buf.cc), and each mapping site maps
// the attachment a global
// pointer holds that one site assigns (its owner: checked again when it runs).
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
// Pinning (dma_buf_pin/unpin, and dma_buf_pin_on_map() for an importer without ops) calls the
// exporter's .pin/.unpin under the lock, as sc's model/dma_buf.cc: calls, no events of their own.
// dma_buf_detach() unlinks the node under the lock (2: detached, skipped by the invalidation's
// walk), then calls the exporter's .detach. What stays refused: several attach sites
// elsewhere than init's block, NULL where sc warns, a dma_buf without .resv, detach in final.
#include <set>
#include <string>

#include "scenarios/lang/builtins.h"
#include "scenarios/litmus/lkmm_ravel_eval.h"

namespace ravel::litmus::lkmm_ravel {

// model/dma_buf.cc pin_on_map(): a dynamic exporter (with .pin) pins for a non-dynamic importer.
bool pin_on_map(const Layout::DmaAtt& a) { return !a.dynamic && a.op_pin >= 0; }

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

// `X = call` or `call` as a statement of init's own block: runs once, in program order.
bool init_statement(const lang::Program& prog, const lang::Expr* call) {
  if (!prog.has_init) return false;
  for (const lang::Stmt* s : prog.init.block->stmts) {
    const lang::Expr* x = s->kind == lang::StmtKind::kExpr ? s->expr : nullptr;
    if (x != nullptr && x->kind == lang::ExprKind::kAssign && x->op == lang::Tok::kAssign) x = x->b;
    if (x == call) return true;
  }
  return false;
}

// The global a mapping site's attachment argument names, or -1.
int pointer_global(const lang::Expr* a) {
  if (a == nullptr || a->kind != lang::ExprKind::kIdent ||
      a->bind.kind != lang::Binding::Kind::kGlobal)
    return -1;
  return static_cast<int>(a->bind.index);
}

// The attach site (index in `sites`) that a `g = site` assignment anywhere in the program
// stores in global g, or -1.
int assigned_site(const lang::Program& prog, int g, const std::vector<const lang::Expr*>& sites) {
  int found = -1;
  auto look = [&](const lang::Expr* x) {
    if (found >= 0 || x->kind != lang::ExprKind::kAssign || pointer_global(x->a) != g) return;
    for (size_t i = 0; i < sites.size(); ++i)
      found = sites[i] == x->b ? static_cast<int>(i) : found;
  };
  if (prog.has_init) for_each_expr(prog.init.block, look);
  for (const lang::Task& t : prog.tasks) for_each_expr(t.body.block, look);
  for (const lang::Function& fn : prog.functions) for_each_expr(fn.body.block, look);
  return found;
}

// A mapping site's attachment: the only one, or the site whose result the global it maps holds.
int owner_site(const lang::Program& prog, const lang::Expr* map,
               const std::vector<const lang::Expr*>& sites) {
  if (sites.size() == 1) return 0;
  const int g = pointer_global(map->args.empty() ? nullptr : map->args[0]);
  return g < 0 ? -1 : assigned_site(prog, g, sites);
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

bool screen_attach_sites(const lang::Program& prog, const std::vector<const lang::Expr*>& all,
                         Error* err) {
  for (const lang::Expr* e : all) {
    if (all.size() > 1 && !init_statement(prog, e)) {
      return refuse_site(e,
                         "with several dma_buf attach sites, each must be a statement of init's "
                         "own block under --memory-model lkmm (the attachment list's order)",
                         err);
    }
    if (!screen_attach_site(prog, e, err)) return false;
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
      "dma_buf_pin",
      "dma_buf_unpin",
      "dma_buf_detach",
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
    if (attach && !screen_attach_sites(prog, all, err)) return false;
  }
  std::vector<const lang::Expr*> atts, maps;
  own_sites(prog, true, &atts), own_sites(prog, false, &maps);
  for (const lang::Expr* m : maps) {
    if (!atts.empty() && owner_site(prog, m, atts) < 0) {
      return refuse_site(m->args[0],
                         "with several attach sites, a mapping's attachment must be a global "
                         "pointer that an attach site assigns (lkmm: one object per site)",
                         err);
    }
  }
  std::vector<const lang::Expr*> in_final;
  for (const char* n :
       {"dma_buf_unmap_attachment", "dma_buf_invalidate_mappings", "dma_access",
        "dma_buf_attach_revocable", "dma_buf_pin", "dma_buf_unpin", "dma_buf_detach"}) {
    if (prog.has_final) calls_of(prog.final_.block, n, &in_final);
  }
  if (!in_final.empty())
    return refuse_site(in_final[0], "dma_buf attachments in final are not modelled under lkmm",
                       err);
  return true;
}

// One attachment's location and ops (Layout::DmaAtt).
Layout::DmaAtt attachment(const lang::Program& prog, const lang::Expr* e, Layout* lay) {
  Layout::DmaAtt a;
  a.site = e;
  const lang::VarDecl* buf = global_of(prog, e->args[0], ModelType::kDmaBuf);
  a.buf = lay->loc_of_global[buf->bind.index];
  a.resv = lay->loc_of_global[global_of(prog, item(buf, "resv"), ModelType::kDmaResv)->bind.index];
  const lang::VarDecl* ops = global_of(prog, item(buf, "ops"), ModelType::kDmaBufOps);
  a.op_attach = named_function(prog, item(ops, "attach"));
  a.op_map = named_function(prog, item(ops, "map"));
  a.op_unmap = named_function(prog, item(ops, "unmap"));
  a.op_pin = named_function(prog, item(ops, "pin"));
  a.op_unpin = named_function(prog, item(ops, "unpin"));
  a.op_detach = named_function(prog, item(ops, "detach"));
  if (e->args.size() > 1) {
    const lang::VarDecl* imp = global_of(prog, e->args[1], ModelType::kDmaBufAttachOps);
    a.invalidate = named_function(prog, item(imp, "invalidate_mappings"));
    a.dynamic = imp != nullptr;  // attach->importer_ops
  }
  a.loc = static_cast<int>(lay->names.size());
  lay->names.push_back("attachment@" + std::to_string(e->pos.line));
  return a;
}

// The attachments' and every mapping's locations (Layout::DmaAtt, DmaMap), after the resv's
// fence slots (a mapping's snapshot has one location per slot of its attachment's resv).
void add_dma_att(const lang::Program& prog, Layout* lay) {
  std::vector<const lang::Expr*> atts;
  own_sites(prog, true, &atts);
  if (atts.empty()) return;
  for (const lang::Expr* e : atts) lay->dma_atts.push_back(attachment(prog, e, lay));
  std::vector<const lang::Expr*> maps;
  own_sites(prog, false, &maps);
  for (const lang::Expr* s : maps) {
    Layout::DmaMap m;
    m.site = s;
    m.att = owner_site(prog, s, atts);
    m.loc = static_cast<int>(lay->names.size());
    const std::string name = "mapping@" + std::to_string(s->pos.line);
    lay->names.push_back(name);
    auto slots = lay->resv_slots.find(lay->dma_atts[m.att].resv);
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
    *out = Val{attachment_at(loc, e->args[0]->pos).invalidate >= 0 ? 1 : 0, addr};
  } else if (n == "dma_buf_map_attachment") {
    *out = map_attachment(e, f);
  } else if (n == "dma_buf_unmap_attachment") {
    unmap_attachment(e, f);
  } else if (n == "dma_buf_invalidate_mappings") {
    invalidate_mappings(e, f);
  } else if (n == "dma_buf_pin" || n == "dma_buf_unpin") {
    *out = buf_pin(n, e, f);
  } else if (n == "dma_buf_detach") {
    buf_detach(e, f);
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

// The attachment whose location an argument designates (anything else is refused).
const Layout::DmaAtt& Eval::attachment_at(int loc, lang::Pos pos) {
  for (const Layout::DmaAtt& a : lay_.dma_atts) {
    if (a.loc == loc) return a;
  }
  refuse_if_consistent(pos, "not a dma_buf attachment (lkmm)");
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
  const Layout::DmaAtt* found = nullptr;
  for (const Layout::DmaAtt& k : lay_.dma_atts) found = k.site == e ? &k : found;
  const Layout::DmaAtt& a = *found;
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
// dma_buf_pin_on_map() (an importer without ops, an exporter with .pin: the pin first, its
// error returned), the exporter's .map(attach), its error returned (after .unpin when it
// pinned); then the mapping is live.
Val Eval::map_attachment(const Expr* e, Frame& f) {
  const Layout::DmaMap* m = nullptr;
  for (const Layout::DmaMap& k : lay_.dma_maps) m = k.site == e ? &k : m;
  dma_site(e);
  Val a = eval(e->args[0], f);
  if (a.v == 0)
    refuse_if_consistent(e->pos,
                         "dma_buf_map_attachment(NULL) is not modelled under lkmm (sc warns)");
  auto [loc, addr] = dma_deref(a, e->args[0]->pos);
  const Layout::DmaAtt& att = attachment_at(loc, e->args[0]->pos);
  if (&att != &lay_.dma_atts[m->att]) {
    refuse_if_consistent(e->args[0]->pos,
                         "a mapping site that maps another attachment than the one its global "
                         "was assigned is not modelled under lkmm");
  }
  if (!holds(att.resv)) {
    refuse_if_consistent(e->pos,
                         "dma_buf_map_attachment() without the reservation's lock held is not "
                         "modelled under lkmm (dma_resv_assert_held: sc reports it)");
  }
  const bool pinned = pin_on_map(att);
  if (pinned) {
    Val ret = invoke(prog_.functions[att.op_pin], {a}, e->pos);
    em_.branch(ret.deps);
    if (ret.v != 0) return ret;  // ERR_PTR(ret)
  }
  if (att.op_map >= 0) {
    Val ret = invoke(prog_.functions[att.op_map], {a}, e->pos);
    em_.branch(ret.deps);
    if (ret.v != 0 && pinned && att.op_unpin >= 0)
      invoke(prog_.functions[att.op_unpin], {a}, e->pos);
    if (ret.v != 0) return ret;  // ERR_PTR(ret)
  }
  store(Place{nullptr, m->loc}, Val{kMapped, addr}, lkmm::kOnce);
  return Val{lkmm_thread::kAddrBase + m->loc, 0};
}

// dma_buf_pin()/dma_buf_unpin() (drivers/dma-buf/dma-buf.c): WARN_ON(!attach->importer_ops)
// (sc's warning, and the call goes on), dma_resv_assert_held() (refused when not held, as the
// map's), then the exporter's .pin (its value returned; 0 without one) or .unpin.
Val Eval::buf_pin(const std::string& n, const Expr* e, Frame& f) {
  Val a = eval(e->args[0], f);
  auto [loc, addr] = dma_deref(a, e->args[0]->pos);
  const Layout::DmaAtt& att = attachment_at(loc, e->args[0]->pos);
  if (!att.dynamic) {
    em_.trace.findings.push_back(
        {"warn", "WARNING: " + n + " of an attachment without importer ops", e->pos});
  }
  if (!holds(att.resv)) {
    refuse_if_consistent(e->pos, n + "() without the reservation's lock held is not modelled "
                                     "under lkmm (dma_resv_assert_held: sc reports it)");
  }
  const int op = n == "dma_buf_pin" ? att.op_pin : att.op_unpin;
  if (op < 0) return Val{};
  Val ret = invoke(prog_.functions[op], {a}, e->pos);
  return n == "dma_buf_pin" ? ret : Val{};
}

// dma_buf_detach(dmabuf, attach): WARN_ON(!dmabuf || !attach || dmabuf != attach->dmabuf)
// returns (sc's warning); under the resv lock list_del(&attach->node) (a second detach reads
// the freed attachment: sc's warning), then the exporter's .detach(dmabuf, attach) unlocked.
void Eval::buf_detach(const Expr* e, Frame& f) {
  Val b = eval(e->args[0], f);
  Val a = eval(e->args[1], f);
  const std::string warn =
      "WARNING: dma_buf_detach: !dmabuf || !attach || dmabuf != attach->dmabuf";
  if (b.v == 0 || a.v == 0) return em_.trace.findings.push_back({"warn", warn, e->pos});
  auto [loc, addr] = dma_deref(a, e->args[1]->pos);
  const Layout::DmaAtt& att = attachment_at(loc, e->args[1]->pos);
  if (dma_deref(b, e->args[0]->pos).first != att.buf)
    return em_.trace.findings.push_back({"warn", warn, e->pos});
  buf_resv(att.resv, true, e->pos);
  Val node = load(Place{nullptr, att.loc}, 0);
  em_.branch(node.deps);
  if (node.v == 0) refuse_if_consistent(e->pos, "a detach of an attachment not attached (lkmm)");
  if (node.v == 2) {
    em_.trace.findings.push_back(
        {"warn", "WARNING: dma_buf_detach of an attachment already detached", e->pos});
  }
  store(Place{nullptr, att.loc}, Val{2, 0}, 0);
  buf_resv(att.resv, false, e->pos);
  if (att.op_detach >= 0) invoke(prog_.functions[att.op_detach], {b, a}, e->pos);
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
