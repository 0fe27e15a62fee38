// tests/litmus/lkmm_buf_test.cc: struct dma_buf's file reference under `ravel run --memory-model
// lkmm` (docs/litmus.md "Scenarios under lkmm"), through the built binary: each scenario of
// tests/litmus/ravel-buf/ under lkmm and under sc, with the verdicts each model gives (the last
// dma_buf_put() runs the exporter's .release, which sees every holder's accesses before its
// put; a missing put leaks what .release frees; a put too many underflows, a get on zero adds
// on 0); what lkmm does not model (the other exporter ops, an attach to a buffer without
// `.resv`) is refused at its line:col. Attachments: lkmm_att_test.cc.
#include <string>
#include <utility>
#include <vector>

#include "tests/litmus/lkmm_testing.h"

namespace ravel::cli::testing {
namespace {

TEST(LkmmBuf, EachScenarioGivesItsVerdictUnderBothModels) {
  expect_both_models(
      "tests/litmus/ravel-buf/",
      {
          // vfio's dma_buf_fd() error unwind, priv allocated in init.
          {"buf-fd-leak.ravel", {"leak"}, {"leak"}},
          {"buf-fd-unwind.ravel", {}, {}},
          // The release sees what each holder did before its put, not after.
          {"buf-put-mp.ravel", {}, {}},
          {"buf-put-mp-no-release.ravel", {"assertion"}, {"assertion"}},
          {"buf-put-plain.ravel", {}, {}},
          {"buf-put-plain-after.ravel", {"assertion", "race"}, {"assertion", "race"}},
          // The file's count as refcount_t counts it.
          {"buf-double-put.ravel", {"refcount"}, {"refcount"}},
          {"buf-get-after-release.ravel", {"refcount"}, {"refcount"}},
          {"buf-get-before-put.ravel", {}, {}},
          {"buf-put-null.ravel", {"warn"}, {"warn"}},
          // kref_get() is the same refcount_inc(): from 0 it warns.
          {"kref-get-on-zero.ravel", {"refcount"}, {"refcount"}},
          {"kref-init-before-get.ravel", {}, {}},
      });
}

TEST(LkmmBuf, WhatIsNotModelledIsRefused) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"refused-buf-attach-op", ":6:32: error: '.owner' is not modelled"},
      // No `.resv`: sc gives the buffer a reservation of its own (lkmm_ravel_dma_buf_att.cc).
      {"refused-buf-attach-call", ":8:26: error: an attach of anything but a global"},
  };
  for (const auto& [name, msg] : cases)
    expect_refused("tests/litmus/ravel-buf/" + name + ".ravel", msg);
}

}  // namespace
}  // namespace ravel::cli::testing
