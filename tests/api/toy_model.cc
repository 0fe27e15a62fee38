// tests/api/toy_model.cc: the toy counter (toy_model.h).
#include "tests/api/toy_model.h"

namespace ravel::model {

ToyCounter::ToyCounter(Ctx&, const char* name) : value(atomic_new(name, 0)) {}

void toy_counter_inc(ToyCounter* c, Loc loc) { atomic_inc(c->value, loc); }
int64_t toy_counter_read(ToyCounter* c, Loc loc) { return atomic_read(c->value, loc); }

}  // namespace ravel::model
