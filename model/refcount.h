// model/refcount.h: refcount_t (include/linux/refcount.h, lib/refcount.c).
//
// Design note. A refcount is an object whose operations are atomic read-modify-writes (kWrite;
// refcount_read is a kRead). The kernel's checks: an increment from 0 is "addition on 0;
// use-after-free.", a decrement from 0 (or of a saturated count) is "underflow;
// use-after-free."; both WARN (kRefcount, execution continues) and saturate the count at
// REFCOUNT_SATURATED (INT_MIN / 2), where it stays: a saturated object is leaked, never released.
// Every RMW is an HB edge (language.md section 7: atomic read-modify-writes order accesses).
// A refcount inside a heap object is adopted by it: any operation after the kfree is a uaf.
#pragma once

#include <climits>
#include <cstdint>

#include "checker/api.h"

namespace ravel::model {

inline constexpr int kRefcountSaturated = INT_MIN / 2;

struct Refcount {
  ObjectId id = kNoObject;
  const char* name = "";
  int value = 1;
};

// REFCOUNT_INIT(n) (not an operation). `owner`: the heap object it is a field of, if any.
Refcount* refcount_new(const char* name, int init, ObjectId owner = kNoObject);

// The entry points take the reporting op kind so that kref_* show under their own names.
void refcount_set(Refcount* r, int n, Loc loc, OpKind kind = 0);
void refcount_inc(Refcount* r, Loc loc, OpKind kind = 0);
bool refcount_inc_not_zero(Refcount* r, Loc loc, OpKind kind = 0);
bool refcount_dec_and_test(Refcount* r, Loc loc, OpKind kind = 0);
int refcount_read(Refcount* r, Loc loc, OpKind kind = 0);

}  // namespace ravel::model
