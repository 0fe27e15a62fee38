// model/shrinker.cc: see shrinker.h.
#include "model/shrinker.h"

#include <vector>

#include "model/kernel.h"
#include "model/lockdep.h"
#include "model/might_sleep.h"
#include "model/ops.h"
#include "model/race.h"

namespace ravel::model {
namespace {

struct ShrinkerState {
  ObjectId obj = Kernel::current().reclaim_object();  // the same id whoever reclaims first
  // include/linux/sched/mm.h: __fs_reclaim_map ("fs_reclaim"), a pseudo-lock.
  // mm/page_alloc.c __fs_reclaim_map = STATIC_LOCKDEP_MAP_INIT: no wait types, "{0:0}".
  LockdepMap fs_reclaim{"fs_reclaim", LockType::kMap, kWaitInv, kWaitInv};
  std::vector<std::function<void()>> shrinkers;
};

ShrinkerState& shrinkers() { return exec_local<ShrinkerState>(); }

}  // namespace


void register_shrinker(std::function<void()> scan, Loc loc) {
  Ctx& ctx = Ctx::current();
  ShrinkerState& s = shrinkers();
  ctx.yield({.kind = op::kRegisterShrinker, .access = Access::kWrite, .object = s.obj, .loc = loc});
  s.shrinkers.push_back(std::move(scan));
}

void gfp_reclaim_begin(Loc loc) {
  might_sleep(loc);
  lock_map_acquire(&shrinkers().fs_reclaim, loc);
}

ObjectId reclaim_object() { return shrinkers().obj; }

void gfp_reclaim_end(Loc loc) {
  ShrinkerState& s = shrinkers();
  // Direct reclaim may or may not happen; only a registered shrinker makes it observable.
  if (!s.shrinkers.empty() && Ctx::current().choose(2) == 1) {
    std::vector<std::function<void()>> list = s.shrinkers;  // a shrinker may register another
    for (auto& scan : list) scan();
  }
  lock_map_release(&shrinkers().fs_reclaim, loc);
}

}  // namespace ravel::model
