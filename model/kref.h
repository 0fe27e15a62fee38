// model/kref.h: struct kref (include/linux/kref.h, Documentation/core-api/kref.rst): a
// refcount_t whose put calls a release function, in the caller's context, when it drops the
// last reference. kref_get on 0 and kref_put on 0 report kRefcount (see refcount.h) and never
// call release.
#pragma once

#include <functional>

#include "checker/api.h"
#include "model/refcount.h"

namespace ravel::model {

struct Kref {
  Refcount* refcount = nullptr;
};

// A kref at 1, as every declared/allocated kref starts (kref_init). Not an operation.
Kref* kref_new(const char* name, ObjectId owner = kNoObject);

void kref_init(Kref* k, Loc loc);
void kref_get(Kref* k, Loc loc);
// Returns 1 if this put released the object (release(k) was called), 0 otherwise.
int kref_put(Kref* k, const std::function<void(Kref*)>& release, Loc loc);
unsigned int kref_read(Kref* k, Loc loc);
// Returns nonzero when a reference was taken (the count was not 0).
int kref_get_unless_zero(Kref* k, Loc loc);

}  // namespace ravel::model
