// tests/litmus/lkmm_resv2_test.cc: a dma_resv's fence slots (dma_resv_reserve_fences,
// dma_resv_add_fence, dma_resv_wait_timeout with __dma_fence_might_wait) and kzalloc in a
// thread (fs_reclaim) under `ravel run --memory-model lkmm` (docs/litmus.md "Scenarios under
// lkmm"), through the built binary: each scenario of tests/litmus/ravel-resv2/ gets its expect
// verdict under lkmm and under sc; the library files these make run give their sc verdict;
// what stays outside the model is refused at its line:col.
#include <string>
#include <utility>
#include <vector>

#include "tests/litmus/lkmm_testing.h"

namespace ravel::cli::testing {
namespace {

const char* const kDir = "tests/litmus/ravel-resv2/";

TEST(LkmmResv2, EachScenarioGivesItsVerdictUnderBothModels) {
  expect_both_models(
      kDir, {
                // Slots: reserved (ok), lost at the unlock (BUG_ON), a
                // signalled fence's reused (ok).
                {"resv2-add-fence-reserved.ravel", {}, {}},
                {"resv2-add-fence-after-unlock.ravel", {"assertion"}, {"assertion"}},
                {"resv2-add-fence-replaces-signalled.ravel", {}, {}},
                // The wait: ordered after the signal; the usage filter; a fence
                // added concurrently may be missed; one never signalled hangs.
                {"resv2-wait-mp.ravel", {}, {}},
                {"resv2-wait-usage-filter.ravel", {"assertion"}, {"assertion"}},
                {"resv2-wait-added-concurrently.ravel", {"assertion"}, {"assertion"}},
                {"resv2-wait-never-signalled.ravel", {"hang"}, {"hang"}},
                // A mutex held around the wait that the signaller needs: deadlock; with the
                // signaller in a section that takes it, lockdep's cycle through dma_fence_map too.
                {"resv2-wait-under-mutex-deadlock.ravel", {"deadlock"}, {"deadlock"}},
                {"resv2-wait-under-mutex-in-section.ravel",
                 {"deadlock", "lockdep"},
                 {"deadlock", "lockdep"}},
                // kzalloc in a thread: leaked, freed, used after its free.
                {"alloc-thread-leak.ravel", {"leak"}, {"leak"}},
                {"alloc-thread-freed.ravel", {}, {}},
                {"alloc-thread-uaf.ravel", {"uaf"}, {"uaf"}},
            });
}

// The library files this model makes run, each with its sc verdict: the BUG_ON of a missing
// slot, the lockdep cycle a fence wait closes under a lock taken in a signalling section
// (none without the lock), and the primed fs_reclaim -> dma_fence_map that a GFP_KERNEL
// allocation in a section closes (none with GFP_NOWAIT).
TEST(LkmmResv2, LibraryFilesGiveTheirScVerdict) {
  expect_both_models("scenarios/dma-resv/",
                     {
                         {"add-fence-unreserved.ravel", {"assertion"}, {"assertion"}},
                         {"wait-in-signalling-bare.ravel", {}, {}},
                         {"wait-in-signalling.ravel", {"lockdep"}, {"lockdep"}},
                         {"alloc-in-signalling.ravel", {"lockdep"}, {"lockdep"}},
                         {"alloc-in-signalling-nowait.ravel", {}, {}},
                     });
  Result r = ravel("run --memory-model lkmm scenarios/dma-resv/alloc-in-signalling.ravel");
  EXPECT_NE(r.out.find("'fs_reclaim' taken while holding 'dma_fence_map'"), std::string::npos)
      << r.out;
  r = ravel("run --memory-model lkmm scenarios/dma-resv/wait-in-signalling.ravel");
  EXPECT_NE(r.out.find("'dma_fence_map' taken while holding 'sched_lock'"), std::string::npos)
      << r.out;
}

TEST(LkmmResv2, WhatIsNotModelledIsRefused) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"refused-alloc-loop", ":7:25: error: a kzalloc site executed twice"},
      {"refused-alloc-under-lock", ":8:21: error: kzalloc in a thread under a lock"},
      {"refused-resv-wait-timeout",
       ":6:71: error: dma_resv_wait_timeout() with a negative timeout"},
      {"refused-resv-add-unreserved",
       ":8:5: error: dma_resv_add_fence() before any dma_resv_reserve_fences()"},
      {"refused-resv-wait-spinlock", ":8:5: error: dma_resv_wait_timeout() under a spinlock"},
  };
  for (const auto& [name, msg] : cases) expect_refused(std::string(kDir) + name + ".ravel", msg);
}

}  // namespace
}  // namespace ravel::cli::testing
