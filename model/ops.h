// model/ops.h: the operation kinds of every kernel model, generated from model/ops.def.
//
// `op::kSpinLock` etc. are OpKind values (index in ops.def; kStart, kFinish and kJoinAll are the
// engine's own kinds kOpStart, kOpFinish and kOpJoinAll of checker/api.h, checked in ops.cc).
// register_ops() hands the name table to the engine (ravel::register_op_names); it is idempotent
// and called by the kernel plugin's constructor, so any run using model::KernelPlugin has names.
#pragma once

#include "checker/api.h"

namespace ravel::model {
namespace op {
enum Kind : OpKind {
#define X(e, name) e,
#include "model/ops.def"
#undef X
  kCount
};
}  // namespace op

// The kernel name of an op kind ("spin_lock"), from ops.def.
const char* ops_def_name(OpKind kind);
void register_ops();

}  // namespace ravel::model
