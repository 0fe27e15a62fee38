// tests/litmus/lkmm_att_test.cc: dma_buf attachments, mappings, invalidation and the device's
// accesses under `ravel run --memory-model lkmm` (docs/litmus.md "Scenarios under lkmm"),
// through the built binary: each scenario of tests/litmus/ravel-att/ under lkmm and under sc,
// with the verdicts each model gives (an access through an unmapped mapping and a write through
// a revoked one are sc's dma-fault); the library's revoke files with their sc verdicts (a broken
// importer hangs the exporter or times its wait out); what lkmm does not model is refused at
// its line:col (pinning, detach, an attachment made outside init's block when there are several, a
// mapping not tied to its attachment's site; the un-revoke files at the size limit).
#include <string>
#include <utility>
#include <vector>

#include "tests/litmus/lkmm_testing.h"

namespace ravel::cli::testing {
namespace {

const char* const kDir = "tests/litmus/ravel-att/";

TEST(LkmmAtt, EachScenarioGivesItsVerdictUnderBothModels) {
  expect_both_models(kDir,
                     {
                         // An access after the unmap faults; ordered before it (device idle), ok.
                         {"att-access-after-unmap.ravel", {"dma-fault"}, {"dma-fault"}},
                         {"att-unmap-after-idle.ravel", {}, {}},
                         {"att-double-unmap.ravel", {"warn"}, {"warn"}},
                         // A write once the invalidation's fences signalled faults; under them, ok.
                         {"att-revoked-write.ravel", {"dma-fault"}, {"dma-fault"}},
                         {"att-fenced-write.ravel", {}, {}},
                         // Two attachments: each one's mappings revoked, callbacks in list order.
                         {"att-two-importers-revoked.ravel", {"dma-fault"}, {"dma-fault"}},
                         {"att-two-importers-fenced.ravel", {}, {}},
                         {"att-two-importers-order.ravel", {}, {}},
                         // Pinning: on map for an importer without ops, by a dynamic importer.
                         {"att-pin-on-map.ravel", {}, {}},
                         {"att-pin-dynamic.ravel", {}, {}},
                         {"att-pin-no-importer-ops.ravel", {"warn"}, {"warn"}},
                         // Detach: unlinked under the lock, then the exporter's .detach.
                         {"att-detach-then-invalidate.ravel", {}, {}},
                         {"att-double-detach.ravel", {"warn"}, {"warn"}},
                     });
}

// The interpreter's snapshot test: a write faults only once every fence the invalidation saw,
// the one no mapping owns too, has signalled.
TEST(LkmmAtt, SnapshotWithAFenceNoMappingOwns) {
  expect_both_models("tests/interp/models/snapshot/",
                     {{"unowned_fence.ravel", {"dma-fault"}, {"dma-fault"}}});
}

// The library's revoke files, each with its verdict under both models (the exporter's 1 s
// wait_for_completion_timeout() too, and the unbounded waits that hang).
TEST(LkmmAtt, LibraryRevokeFilesAgree) {
  expect_both_models("scenarios/dma-buf/",
                     {
                         {"revoke-attach-revocable.ravel", {}, {}},
                         {"revoke-dynamic.ravel", {}, {}},
                         {"revoke-lying-importer-timeout.ravel", {"warn"}, {"warn"}},
                         {"invalidate-unmap-in-flight.ravel", {"dma-fault"}, {"dma-fault"}},
                         {"speculative-read.ravel", {}, {}},
                         {"unfenced-write.ravel", {"dma-fault"}, {"dma-fault"}},
                         {"revoke-pinned-hang.ravel", {"hang"}, {"hang"}},
                         {"revoke-lying-importer-hang.ravel", {"hang"}, {"hang"}},
                     });
}

TEST(LkmmAtt, WhatIsNotModelledIsRefused) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"att-pin-unlocked", ":17:19: error: dma_buf_pin() without the reservation's lock held"},
      {"refused-att-attach-in-thread", ":17:10: error: with several dma_buf attach sites"},
      {"refused-att-map-unknown-owner", ":18:34: error: with several attach sites, a mapping's"},
      {"refused-att-map-other-owner", ":19:34: error: a mapping site that maps another"},
      {"refused-att-map-in-function", ":12:11: error: an attach or map outside init's"},
      {"refused-att-no-resv", ":9:26: error: an attach of anything but"},
      {"refused-att-map-unlocked", ":15:11: error: dma_buf_map_attachment() without the"},
  };
  for (const auto& [name, msg] : cases) expect_refused(kDir + name + ".ravel", msg);
}

// The library's revoke files that wait with wait_for_completion_timeout() are refused at that
// wait now, no longer at their exporter's .attach.
// The two un-revoke files (revoke, un-revoke, map again, revoke again in one thread) are
// refused at the exploration's size limit, never run in part: the thread's reads have more
// value combinations than lkmm explores for one thread (lkmm_enum.h kMaxPaths).
TEST(LkmmAtt, UnrevokeIsRefusedAtThePathLimit) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"unrevoke-kref-init", ":87:1:"},
      {"unrevoke-no-kref-init", ":89:1:"},
  };
  for (const auto& [name, at] : cases) {
    expect_refused("scenarios/dma-buf/" + name + ".ravel", at,
                   "thread reset has more than 4096 paths under lkmm");
  }
}

}  // namespace
}  // namespace ravel::cli::testing
