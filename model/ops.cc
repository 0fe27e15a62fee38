// model/ops.cc: registers the ops.def name table with the engine.
#include "model/ops.h"

namespace ravel::model {
namespace {
constexpr const char* kNames[] = {
#define X(e, name) name,
#include "model/ops.def"
#undef X
};
static_assert(sizeof(kNames) / sizeof(kNames[0]) == op::kCount);
// The engine's own steps keep the kinds its contract gives them (checker/api.h).
static_assert(op::kStart == kOpStart && op::kFinish == kOpFinish && op::kJoinAll == kOpJoinAll);
}  // namespace

const char* ops_def_name(OpKind kind) { return kind < op::kCount ? kNames[kind] : "?"; }

void register_ops() {
  // Function-local static: thread-safe, once per process.
  static const bool done = [] {
    register_op_names(kNames, op::kCount, 0);
    return true;
  }();
  (void)done;
}

}  // namespace ravel::model
