// tests/litmus/lkmm_ops2_test.cc: fence references, dma_fence_ops tables and modules under
// `ravel run --memory-model lkmm` (scenarios/litmus/lkmm_ravel_fence_ref.cc,
// lkmm_ravel_fence_ops.cc, lkmm_ravel_module.cc; docs/litmus.md "Kernel objects under lkmm"),
// through the built binary: each scenario of tests/litmus/ravel-ops2/ under lkmm and sc (a NULL
// fence got and put, used unchecked or checked; container_of() from a callback's cb; a module
// unloaded with or without a grace period after the signal detached its ops; ops->signaled
// signalling the fence; ops->release called by the last put before or after the unload), the
// library files these models make run, and what stays refused.
#include <string>
#include <vector>

#include "tests/litmus/lkmm_testing.h"

namespace ravel::cli::testing {
namespace {

const std::string kDir = "tests/litmus/ravel-ops2/";

const std::vector<BothModels> kOps2 = {
    // dma_fence_get/put: a reference held around the signal orders nothing of its own.
    {"get-put-mp.ravel", {}, {}},
    // dma_fence_get(NULL) is NULL: used unchecked it is an oops, checked it is fine.
    {"get-null-deref.ravel", {"null-deref"}, {"null-deref"}},
    {"get-null-checked.ravel", {}, {}},
    // container_of() from an embedded dma_fence_cb back to its struct (dma_buf_poll_cb()).
    {"cb-container.ravel", {}, {}},
    // The unload's own grace period (free_module()) waits for a reader in ops->signaled, with
    // or without the driver's; it cannot help a reader that finds the table after it.
    {"ops-unload-no-sync.ravel", {}, {}},
    {"ops-unload-sync.ravel", {}, {}},
    {"ops-unload-unsignalled.ravel", {"uaf"}, {"uaf"}},
    // ops->signaled signals the fence; an ACQUIRE in it orders the data.
    {"ops-signaled-mp.ravel", {}, {}},
    // Under the LKMM a WRITE_ONCE'd seqno orders nothing: sc cannot see the stale data.
    {"ops-status-plain.ravel", {"assertion"}, {}},
    // A table with .release stays attached; the last put calls it, after the unload or (a
    // RELEASE/ACQUIRE pair) before it.
    {"release-after-unload.ravel", {"uaf"}, {"uaf"}},
    {"release-before-unload.ravel", {}, {}},
};

TEST(LkmmOps2, EachScenarioGivesItsVerdictUnderBothModels) { expect_both_models(kDir, kOps2); }

// The library files the models make run: their sc verdicts, with sc's words.
TEST(LkmmOps2, LibraryFilesAsUnderSc) {
  struct Case {
    const char* file;
    const char* words;  // in the report, or "" for ok
  };
  const std::vector<Case> cases = {
      {"scenarios/dma-buf/poll-null-fence.ravel", ""},
      {"scenarios/dma-buf/poll-null-fence-status.ravel", "BUG: kernel NULL pointer dereference"},
      {"scenarios/fence-ops/dma-fence-unload-no-sync.ravel",
       "BUG: KASAN: slab-use-after-free in read_once"},
      {"scenarios/fence-ops/dma-fence-unload-sync.ravel", ""},
      {"scenarios/fence-ops/outlive-module-release.ravel",
       "BUG: KASAN: slab-use-after-free in dma_fence_ops.release"},
  };
  for (const Case& c : cases) expect_words_under_both(c.file, {"PASS", c.words});
}

// What stays refused, at its line:col, exit 2.
TEST(LkmmOps2, Refused) {
  struct Case {
    const char* file;
    const char* at;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"refused-ops-wait.ravel", ":7:34: ", "member '.wait' is not modelled"},
      {"refused-container-null.ravel", ":10:21: ", "container_of() of a value"},
  };
  for (const Case& c : cases) expect_refused(kDir + c.file, c.at, c.message);
}

}  // namespace
}  // namespace ravel::cli::testing
