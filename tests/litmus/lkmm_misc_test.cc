// tests/litmus/lkmm_misc_test.cc: module references, mutex_lock_interruptible, the RMWs'
// ordering variants and small built-ins under `ravel run --memory-model lkmm`
// (scenarios/litmus/lkmm_ravel_module.cc, lkmm_ravel_misc.cc; docs/litmus.md "Kernel objects
// under lkmm"), through the built binary: each scenario of tests/litmus/ravel-misc/ under lkmm
// and sc, and what stays refused.
#include <string>
#include <vector>

#include "tests/litmus/lkmm_testing.h"

namespace ravel::cli::testing {
namespace {

const std::string kDir = "tests/litmus/ravel-misc/";

const std::vector<BothModels> kMisc = {
    // A module reference held across the call into the module: the unload fails (-EBUSY) or
    // comes first and the get fails; dropped before the call, the table may be freed under it.
    {"module-ref-held.ravel", {}, {}},
    {"module-ref-released.ravel", {"uaf"}, {"uaf"}},
    // try_module_get() fails once the module is gone; it may race with the unload either way.
    {"module-get-after-unload.ravel", {}, {}},
    {"module-get-racing-unload.ravel", {"assertion"}, {"assertion"}},
    // module_put() without a reference warns; a NULL module is an oops (as sc).
    {"module-put-unbalanced.ravel", {"warn"}, {"warn"}},
    {"module-null.ravel", {"null-deref"}, {"null-deref"}},
    // mutex_lock_interruptible() without signals is mutex_lock().
    {"mutex-interruptible.ravel", {}, {}},
    {"mutex-interruptible-abba.ravel", {"deadlock", "lockdep"}, {"deadlock", "lockdep"}},
    // _release/_acquire variants order the data; _relaxed ones do not (sc cannot see it).
    {"rmw-release-acquire.ravel", {}, {}},
    {"rmw-inc-return.ravel", {}, {}},
    {"rmw-relaxed.ravel", {"assertion"}, {}},
    {"rmw-fetch-release-acquire.ravel", {}, {}},
    {"rmw-fetch-relaxed.ravel", {"assertion"}, {}},
    // Value-only built-ins.
    {"err-ptr.ravel", {}, {}},
    {"kref-init.ravel", {}, {}},
};

TEST(LkmmMisc, EachScenarioGivesItsVerdictUnderBothModels) { expect_both_models(kDir, kMisc); }

// What stays refused, at its line:col, exit 2.
TEST(LkmmMisc, Refused) {
  struct Case {
    const char* file;
    const char* at;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"refused-kcalloc.ravel", ":9:26: ", "'kcalloc' is not modelled"},
      {"refused-memset.ravel", ":12:5: ", "'memset' is not modelled"},
      {"refused-refcount.ravel", ":5:12: ", "'refcount_t r' is not modelled"},
  };
  for (const Case& c : cases) expect_refused(kDir + c.file, c.at, c.message);
}

}  // namespace
}  // namespace ravel::cli::testing
