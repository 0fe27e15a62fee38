// model/core/wait.cc: see wait.h.
#include "model/core/wait.h"

#include <cstdio>
#include <cstdlib>

namespace ravel::model {
namespace {

bool reads(const Operation& op, ObjectId o) {
  if (op.access != Access::kNone && op.object == o) return true;
  for (uint32_t i = 0; i < op.extra_count; ++i) {
    if (op.extra_reads[i] == o) return true;
  }
  return false;
}

[[noreturn]] void contract_broken(const char* what, const Wait& w, ObjectId named) {
  std::fprintf(stderr,
               "ravel: internal error: %s names object %u but its gate (%s) depends on object %u "
               "(the enabledness contract, docs/dpor.md)\n",
               what, named, w.describe(kNoTask).c_str(), w.object());
  std::abort();
}

}  // namespace

void check_wait(const Operation& op, const Wait& w) {
  // kNoObject: the condition reads nothing that can change (a wait that never ends).
  const ObjectId o = w.object();
  if (o != kNoObject && !reads(op, o)) contract_broken("a waiting operation", w, op.object);
}

void check_domain(ObjectId domain, const Wait& w) {
  if (w.object() != domain) contract_broken("a task's domain", w, domain);
}

std::string task_label(TaskId t) {
  if (t == kNoTask) return "nobody";
  return Ctx::current().task_name(t);
}

}  // namespace ravel::model
