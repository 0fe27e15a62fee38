// tests/api/toy_model.h: a toy kernel object, the model half of the toy API that
// toy_api_test.cc adds to a test build (docs/architecture.md, "One place per kernel API").
// Not a kernel API: a counter whose increments are atomic_inc steps (model/atomic.h), so the toy
// needs no op kind of its own.
#pragma once

#include <cstdint>

#include "checker/api.h"
#include "model/atomic.h"

namespace ravel::model {

struct ToyCounter {
  ToyCounter(Ctx& ctx, const char* name);
  Atomic* value;
};

void toy_counter_inc(ToyCounter* c, Loc loc);
int64_t toy_counter_read(ToyCounter* c, Loc loc);

}  // namespace ravel::model
