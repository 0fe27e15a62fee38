// scenarios/litmus/lkmm_ravel_heap.cc: kzalloc'd objects and kfree under --memory-model lkmm
// (see lkmm_ravel.h; docs/litmus.md "Structs, heap objects and function pointers under lkmm").
//
// Design note. Locations must be known before any path runs, so each kzalloc site (in `init`
// only, executed once) reserves one object: its struct's fields as locations, plus a ghost
// location holding the object's state (0 unallocated, 1 alive, 2 freed). This is KASAN's
// encoding (mm/kasan/generic.c: every instrumented access first reads the shadow memory of its
// address, kfree() poisons the shadow): each access through a pointer to a heap object is
// preceded by a marked read of the ghost carrying the same address dependencies as the access,
// immediately before it, so every LKMM ordering (address dependency, locks, release/acquire,
// fences, RCU grace periods) that orders the access orders the ghost read as well, and the read
// adds no ordering of its own (no fence, nothing depends on its value). kfree() is a relaxed
// xchg of 2 into the ghost: marked, so hb/pb/rcu apply to it; an RMW, so of two kfree()s one
// always sees the other's 2 (sc's double free, in every execution as under sc). A ghost read
// that sees 2 is KASAN's slab-use-after-free, worded as sc words it (model/slab.cc).
#include <cctype>
#include <functional>

#include "scenarios/lang/builtins.h"
#include "scenarios/litmus/lkmm_ravel_eval.h"

namespace ravel::litmus::lkmm_ravel {
namespace {

using lang::Binding;
using lang::ExprKind;
using lang::SType;
using lkmm_thread::kAddrBase;

// The type kzalloc allocates: `kzalloc(struct T)` or `kzalloc(struct T, gfp)`, a struct only.
uint32_t alloc_struct(const lang::Expr* e) {
  const lang::Expr* t = e->args.empty() ? nullptr : e->args[0];
  if (t == nullptr || t->kind != ExprKind::kTypeArg || t->type == nullptr || e->b != nullptr ||
      t->type->stype.kind != SType::Kind::kStruct || t->type->stype.depth != 0) {
    refuse(e->pos,
           "only kzalloc(struct T) is modelled under lkmm (sized and non-struct "
           "allocations are not)");
  }
  return t->type->stype.struct_id;
}

}  // namespace

int named_function(const lang::Program& prog, const lang::Expr* a) {
  if (a == nullptr || a->kind != lang::ExprKind::kIdent ||
      a->bind.kind != lang::Binding::Kind::kFunction || !prog.functions[a->bind.index].defined) {
    return -1;
  }
  return static_cast<int>(a->bind.index);
}

bool screen_heap(const lang::Program& prog, Error* err) {
  std::vector<const lang::Expr*> all;
  // A thread's own code may allocate too (lkmm_ravel_alloc.cc); a handler may not.
  for (const lang::Task& t : prog.tasks) {
    if (t.kind != lang::Task::Kind::kThread) calls_of(t.body.block, "kzalloc", &all);
  }
  for (const lang::Function& fn : prog.functions) calls_of(fn.body.block, "kzalloc", &all);
  if (prog.has_final) calls_of(prog.final_.block, "kzalloc", &all);
  if (!all.empty()) {
    *err = Error{all[0]->pos,
                 "kzalloc outside init's and the threads' own code is not modelled under "
                 "--memory-model lkmm (locations are reserved per allocation site)"};
    return false;
  }
  return true;
}

bool add_heaps(const lang::Program& prog, Layout* lay, Error* err) {
  std::vector<const lang::Expr*> found;
  std::vector<std::string> by;  // who allocates at each site: init, or a thread
  if (prog.has_init) calls_of(prog.init.block, "kzalloc", &found);
  by.resize(found.size(), "init");
  for (const lang::Task& t : prog.tasks) {
    if (t.kind == lang::Task::Kind::kThread) calls_of(t.body.block, "kzalloc", &found);
    by.resize(found.size(), t.name);
  }
  try {
    for (size_t i = 0; i < found.size(); ++i) {
      const lang::Expr* e = found[i];
      Layout::Heap h;
      h.site = e;
      h.by = by[i];
      h.struct_id = alloc_struct(e);
      h.base = static_cast<int>(lay->names.size());
      h.type = "struct " + prog.structs[h.struct_id].tag;
      std::vector<const lang::Expr*> same;  // the sites of this struct (named by its tag)
      for (const lang::Expr* o : found) {
        if (alloc_struct(o) == h.struct_id) same.push_back(o);
      }
      const std::string name = prog.structs[h.struct_id].tag + at_site(same, e);
      SType t;
      t.kind = SType::Kind::kStruct;
      t.struct_id = h.struct_id;
      if (!add_object(prog, t, name, e->pos, lay, err)) return false;
      h.ghost = static_cast<int>(lay->names.size());
      lay->names.push_back(name + "(kasan)");
      lay->heap_of.resize(lay->names.size(), -1);
      for (int l = h.base; l <= h.ghost; ++l) lay->heap_of[l] = static_cast<int>(lay->heaps.size());
      lay->heaps.push_back(h);
    }
  } catch (const lkmm_thread::Refused& r) {
    *err = r.err;
    return false;
  }
  lay->heap_of.resize(lay->names.size(), -1);
  return true;
}

void leaks(const lang::Program& prog, const Layout& lay, const std::vector<int64_t>& memory,
           std::vector<lkmm_thread::Trace::Finding>* found) {
  for (const Layout::Heap& h : lay.heaps) {
    if (memory[h.ghost] != kAlive) continue;
    // model/slab.cc slab_check_leaks(): every allocation not freed at the end of an execution.
    const lang::Pos p = h.site->pos;
    const std::string file = p.file < prog.files.size() ? prog.files[p.file] : prog.file;
    found->push_back({"leak",
                      "kmemleak: unreferenced object: " + h.type + " allocated by " + h.by +
                          " at " + file + ":" + std::to_string(p.line) + " (#0)",
                      p});
  }
}

// kzalloc(struct T) in init (a thread's: lkmm_ravel_alloc.cc): the site's object, alive from now on
// (its fields are 0).
Val Eval::alloc(const Expr* e) {
  if (seq_ == nullptr) refuse(e->pos, "kzalloc in a thread is not modelled under lkmm");
  if (!held_.empty()) refuse(e->pos, "kzalloc under a lock is not modelled under lkmm");
  for (const Layout::Heap& h : lay_.heaps) {
    if (h.site != e) continue;
    if ((*seq_)[h.ghost][0] != 0)
      refuse(e->pos, "a kzalloc site executed twice is not modelled under lkmm");
    em_.write(h.ghost, lkmm::kOnce, Val{kAlive, 0}, 0);
    sync();
    return Val{kAddrBase + h.base, 0};
  }
  refuse(e->pos, "kzalloc outside init's own code is not modelled under lkmm");
}

// kfree(p): NULL is a no-op (mm/slub.c); otherwise p must be a kzalloc'd object's address.
void Eval::kfree(const Expr* e, Frame& f) {
  Val p = eval(e->args[0], f);
  if (p.v == 0) return;
  const int64_t loc = p.v - kAddrBase;
  const int h = em_.is_address(p.v) ? lay_.heap_of[loc] : -1;
  if (h < 0 || lay_.heaps[h].base != loc)
    refuse(e->pos, "kfree of a pointer that is not a kzalloc'd object (sc's model error)");
  free_ghost(lay_.heaps[h].ghost, p.deps, e->pos);
}

// The free itself, on an object's KASAN ghost (kfree(), kfree_rcu()'s callback): a relaxed xchg
// of 2 into it, reached through the reads `deps`; the ghost already 2 is KASAN's double free.
void Eval::free_ghost(int ghost, uint64_t deps, lang::Pos pos) {
  static const lkmm_thread::RmwSpec kXchg = *lkmm_thread::rmw_spec("xchg_relaxed");
  Val old = em_.rmw(kXchg, ghost, deps, {Val{}, Val{kFreed, 0}});
  sync();
  if (old.v == kFreed)
    em_.trace.findings.push_back({"double-free", "BUG: KASAN: double-free in kfree", pos});
}

// KASAN's shadow check before an access to `loc` whose address came from the reads `deps`.
void Eval::kasan(int loc, uint64_t deps, const char* op, lang::Pos pos) {
  if (loc < 0 || loc >= static_cast<int>(lay_.heap_of.size()) || lay_.heap_of[loc] < 0) return;
  Val g = em_.read(lay_.heaps[lay_.heap_of[loc]].ghost, lkmm::kOnce, deps);
  sync();
  if (g.v == kFreed) {
    // sc names the operation as model/ops.def does: "read", "write" for plain accesses, the
    // built-in in lower case otherwise ("read_once", "smp_load_acquire", "spin_lock").
    std::string name(op);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    em_.trace.findings.push_back({"uaf", "BUG: KASAN: slab-use-after-free in " + name, pos});
  }
}

}  // namespace ravel::litmus::lkmm_ravel
