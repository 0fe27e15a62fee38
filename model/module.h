// model/module.h: modules (kernel/module/main.c try_module_get, module_put, delete_module).
//
// Design note. A module owns ops tables (slab_static_object()s registered with module_own()).
// module_unload(mod) is delete_module: it fails with -EBUSY while references are held
// (try_stop_module: the kernel returns -EWOULDBLOCK), otherwise it marks the module gone and frees
// every ops table it owns, one step each (slab_free_internal), so that a later call through one
// of them is a use-after-free. try_module_get fails on a module that is gone.
// Every operation is a kWrite of the module object (the refcount and state change together).
#pragma once

#include <vector>

#include "checker/api.h"

namespace ravel::model {

struct Module {
  ObjectId id = kNoObject;
  const char* name = "";
  int refcnt = 0;
  bool gone = false;
  std::vector<ObjectId> owned;
};

// `struct module drv;`: a live module. Not an operation.
Module* module_new(const char* name);
// An ops table whose .owner is `mod` (a static object of the slab, see slab.h). Not an operation.
void module_own(Module* mod, ObjectId ops_table);

bool try_module_get(Module* mod, Loc loc);  // NULL (built-in code) always succeeds
void module_put(Module* mod, Loc loc);
int module_unload(Module* mod, Loc loc);  // 0, or -EBUSY while referenced

}  // namespace ravel::model
