// model/module.cc: see module.h.
#include "model/module.h"

#include <cerrno>
#include <string>

#include "model/ops.h"
#include "model/race.h"
#include "model/rcu.h"
#include "model/slab.h"

namespace ravel::model {
namespace {

void step(Module* mod, OpKind kind, Loc loc) {
  Ctx::current().yield({.kind = kind,
                        .access = mod != nullptr ? Access::kWrite : Access::kNone,
                        .object = mod != nullptr ? mod->id : kNoObject,
                        .loc = loc});
}

}  // namespace

Module* module_new(const char* name) {
  Ctx& ctx = Ctx::current();
  Module* m = ctx.make<Module>();
  m->id = ctx.new_object();
  m->name = name;
  return m;
}

void module_own(Module* mod, ObjectId ops_table) { mod->owned.push_back(ops_table); }

bool try_module_get(Module* mod, Loc loc) {
  step(mod, op::kTryModuleGet, loc);
  // include/linux/module.h: try_module_get(NULL) is true (code built into the kernel).
  bool ok = mod == nullptr || !mod->gone;
  if (mod != nullptr && ok) ++mod->refcnt;
  Ctx::current().set_result(ok);
  return ok;
}

void module_put(Module* mod, Loc loc) {
  step(mod, op::kModulePut, loc);
  if (mod == nullptr) return;
  if (mod->refcnt == 0) {
    // kernel/module/main.c module_put(): WARN_ON(atomic_dec_if_positive(&module->refcnt) < 0).
    Violation v;
    v.kind = Violation::Kind::kWarn;
    v.message = std::string("WARNING: module_put(") + mod->name + "): refcount below zero";
    v.loc = loc;
    Ctx::current().report(std::move(v));
    return;
  }
  --mod->refcnt;
}

int module_unload(Module* mod, Loc loc) {
  Ctx& ctx = Ctx::current();
  step(mod, op::kModuleUnload, loc);
  if (mod == nullptr) report_null_deref("module_unload", loc);
  int ret = 0;
  if (mod->gone) {
    ret = -ENOENT;
  } else if (mod->refcnt > 0) {
    ret = -EBUSY;
  }
  ctx.set_result(ret);
  if (ret != 0) return ret;
  // kernel/module/main.c delete_module(): MODULE_STATE_GOING (try_module_get fails from here),
  // then free_module() unlinks the module and calls synchronize_rcu() before free_mod_mem()
  // frees its memory (the ops tables, static data of the module): a reader inside an RCU
  // read-side section that began before the unload finishes before the tables go away.
  mod->gone = true;
  synchronize_rcu(loc);
  for (ObjectId table : mod->owned) slab_free_internal(table, op::kModuleUnload, loc);
  return ret;
}

}  // namespace ravel::model
