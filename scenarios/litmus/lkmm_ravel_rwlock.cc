// scenarios/litmus/lkmm_ravel_rwlock.cc: what rw_semaphores and rwlocks need beyond their
// operations (lkmm_ravel_rwsem.cc): the bounds of the count word's values, from the program
// text, and a deadlock's holders of a reader-writer lock worded as sc words them.
#include <algorithm>
#include <map>
#include <set>

#include "scenarios/lang/builtins.h"
#include "scenarios/litmus/lkmm_ravel.h"

namespace ravel::litmus::lkmm_ravel {

namespace {

// The built-ins the code reachable from `s` calls (functions followed once each).
class Calls {
 public:
  explicit Calls(const lang::Program& prog) : prog_(prog) {}
  void stmt(const lang::Stmt* s) {
    if (s == nullptr) return;
    expr(s->expr), expr(s->step), stmt(s->init), stmt(s->body), stmt(s->else_body);
    for (const lang::Stmt* b : s->stmts) stmt(b);
    for (const lang::VarDecl* d : s->decls) {
      if (d->init != nullptr) expr(d->init->expr);
    }
    for (const lang::Expr* a : s->args) expr(a);
  }
  void expr(const lang::Expr* e) {
    if (e == nullptr) return;
    if (e->kind == lang::ExprKind::kCall && e->a != nullptr) {
      const lang::Binding& b = e->a->bind;
      if (b.kind == lang::Binding::Kind::kBuiltin) names.emplace(lang::builtins()[b.index].name);
      if (b.kind == lang::Binding::Kind::kFunction && fns_.insert(b.index).second)
        stmt(prog_.functions[b.index].body.block);
    }
    // A function named as a value (kref_put's release, a work's function) may run too.
    if (e->kind == lang::ExprKind::kIdent && e->bind.kind == lang::Binding::Kind::kFunction &&
        fns_.insert(e->bind.index).second) {
      stmt(prog_.functions[e->bind.index].body.block);
    }
    expr(e->a), expr(e->b), expr(e->c);
    for (const lang::Expr* a : e->args) expr(a);
  }
  std::set<std::string> names;

 private:
  const lang::Program& prog_;
  std::set<int32_t> fns_;
};

bool any_of_names(const std::set<std::string>& names, bool write) {
  return std::any_of(names.begin(), names.end(), [&](const std::string& n) {
    if (n.find("trylock") != std::string::npos || n.find("unlock") != std::string::npos)
      return false;
    return write ? n == "down_write" || n.rfind("write_lock", 0) == 0
                 : n == "down_read" || n.rfind("read_lock", 0) == 0 || n == "down_read_trylock" ||
                       n == "read_trylock";
  });
}

}  // namespace

void rw_bounds(const lang::Program& prog, Layout* lay) {
  for (const lang::VarDecl* d : prog.globals) {
    const lang::SType& t = d->type->stype;
    if (t.kind == lang::SType::Kind::kModel && t.depth == 0 &&
        (t.model == lang::ModelType::kRwSemaphore || t.model == lang::ModelType::kRwlock)) {
      lay->rw_locs.push_back(lay->loc_of_global[d->bind.index]);
    }
  }
  std::vector<const lang::Stmt*> tasks;
  for (const lang::Task& t : prog.tasks) tasks.push_back(t.body.block);
  for (const Layout::Work& w : lay->works) {
    if (w.fn != nullptr) tasks.push_back(w.fn->body.block);  // kfree_rcu's callbacks: none
  }
  for (const lang::Stmt* t : tasks) {
    Calls c(prog);
    c.stmt(t);
    if (any_of_names(c.names, true)) ++lay->rw_writer_tasks;
    // A read hold by a trylock counts too; a downgrade turns the write hold into one.
    if (any_of_names(c.names, false) || c.names.count("downgrade_write") > 0 ||
        c.names.count("down_write_trylock") > 0 || c.names.count("write_trylock") > 0) {
      ++lay->rw_reader_tasks;
    }
  }
}

std::vector<int64_t> rw_values(const Layout& lay) {
  constexpr int64_t kWriter = int64_t{1} << 16, kWaitUnit = int64_t{1} << 20;  // as rwsem.cc
  std::vector<int64_t> out;
  for (int64_t w = 0; w <= lay.rw_writer_tasks; ++w) {
    for (int64_t r = 0; r <= 2 * lay.rw_reader_tasks; ++r) out.push_back(w * kWaitUnit + r);
    out.push_back(w * kWaitUnit + kWriter);
  }
  return out;
}

namespace {

// A thread's name in a deadlock report: "itself" for the blocked thread.
std::string who(const Layout& lay, int th, size_t t) {
  return th == static_cast<int>(t) ? "itself" : lay.threads[th]->name;
}

}  // namespace

// sc names an rwlock wait by its lock operation: write_lock_irq waits in write_lock (its lock
// step after local_irq_disable, model/rwlock.cc).
std::string rw_call_name(const std::string& callee) {
  for (const char* suffix : {"_irqsave", "_irq"}) {
    if (callee.ends_with(suffix))
      return callee.substr(0, callee.size() - std::string(suffix).size());
  }
  return callee;
}

namespace {

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

// The word's writes up to the one thread t's blocked read saw, in coherence order, replayed:
// who holds the lock for reading or writing then, and which writers wait (their announcing
// RMW): sc's "held for reading by itself, queued behind updater waiting in down_write(sem)".
std::string rw_holders(const Layout& lay, const lkmm::Execution& x,
                       const std::vector<const lkmm_thread::Trace*>& threads,
                       const std::vector<int>& base, size_t t) {
  const lkmm_thread::Trace& tr = *threads[t];
  const int r = base[t] + static_cast<int>(tr.ev.size()) - 1;
  const int loc = tr.ev.back().loc;
  std::vector<std::pair<int, int>> order;  // (co predecessors, write)
  for (int w = 0; w < static_cast<int>(x.ev.size()); ++w) {
    if (x.ev[w].kind != lkmm::Kind::kWrite || x.ev[w].loc != loc || x.ev[w].thread < 0) continue;
    bool upto = x.rf.has(w, r);
    int before = 0;
    for (int v = 0; v < static_cast<int>(x.ev.size()); ++v) {
      before += x.co.has(v, w) ? 1 : 0;
      upto = upto || (x.co.has(w, v) && x.rf.has(v, r));
    }
    if (upto) order.push_back({before, w});
  }
  std::sort(order.begin(), order.end());
  std::map<int, int> readers;  // thread -> read holds
  int writer = -1;
  std::map<int, std::string> waits;  // thread -> the call it waits in
  for (const auto& [n, w] : order) {
    const int th = x.ev[w].thread;
    const lkmm_thread::Trace& o = *threads[th];
    const uint64_t bit = uint64_t{1} << (w - base[th]);
    if (o.rw_take & bit) {
      waits.erase(th);
      (o.rw_read & bit) ? void(++readers[th]) : void(writer = th);
    } else if (o.rw_release & bit) {
      writer == th ? void(writer = -1) : void(--readers[th]);
    } else if (o.rw_downgrade & bit) {
      writer = -1, ++readers[th];
    } else {
      auto call = lay.lock_waits.find(pos_key(o.pos[w - base[th]]));
      waits[th] = call == lay.lock_waits.end() ? "down_write" : rw_call_name(call->second);
    }
  }
  const bool own = writer == static_cast<int>(t) || readers[static_cast<int>(t)] > 0;
  if (!tr.blocked_in.empty() && own) {  // a handler waits for the thread it interrupted
    return "held by " + lay.threads[t]->name + ", which the IRQ on cpu" +
           std::to_string(lay.irqs[t].front()->cpu) + " interrupted";  // sc's words
  }
  std::vector<std::string> held;
  for (const auto& [th, k] : readers) {
    if (k > 0) held.push_back(who(lay, th, t));
  }
  std::string out;
  if (writer >= 0) out = "held for writing by " + who(lay, writer, t);
  if (writer < 0 && !held.empty()) out = "held for reading by " + join(held);
  std::vector<std::string> queued;
  for (const auto& [th, call] : waits) {
    if (th != static_cast<int>(t)) {
      queued.push_back(lay.threads[th]->name + " waiting in " + call + "(" + lay.names[loc] + ")");
    }
  }
  if ((tr.rw_read >> (tr.ev.size() - 1) & 1) && !queued.empty())
    out += std::string(out.empty() ? "" : ", ") + "queued behind " + join(queued);
  return out;
}

}  // namespace ravel::litmus::lkmm_ravel
