// tests/litmus/lkmm_struct_test.cc: struct variables and fields, brace initializers, kzalloc'd
// objects and function pointers under `ravel run --memory-model lkmm` (docs/litmus.md
// "Structs, heap objects and function pointers under lkmm"), through the built binary: each
// scenario of tests/litmus/ravel-struct/ under lkmm and under sc, each ordering with a scenario
// that needs it (ok) and one that lacks it (a finding); KASAN's and kmemleak's reports worded as
// under sc; what stays out refused at its line:col (tests/litmus/ravel-bad/).
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/litmus/lkmm_testing.h"

namespace ravel::cli::testing {
namespace {

const std::vector<BothModels> kStruct = {
    // Message passing through fields: release/acquire orders it, WRITE_ONCE/READ_ONCE do not.
    {"mp-field-release.ravel", {}, {}},
    {"mp-field-once.ravel", {"assertion"}, {}},
    // A pointer to a struct: rcu_assign_pointer + the address dependency of `p->a` (ok); a
    // WRITE_ONCE publication, no release (assertion).
    {"rcu-publish.ravel", {}, {}},
    {"rcu-publish-once.ravel", {"assertion"}, {}},
    // RCU deferred free: a grace period before kfree (ok), none (uaf), as under sc.
    {"heap-rcu-free.ravel", {}, {}},
    {"heap-rcu-no-gp.ravel", {"uaf"}, {"uaf"}},
    // Use and free under one lock (ok); use without it (uaf).
    {"heap-lock.ravel", {}, {}},
    {"heap-no-lock.ravel", {"uaf"}, {"uaf"}},
    {"double-free.ravel", {"double-free"}, {"double-free"}},
    {"leak.ravel", {"leak"}, {"leak"}},
    {"heap-free-in-final.ravel", {}, {}},  // kmemleak looks after final
    // An ops table called through a function pointer: freed after a grace period (ok), without
    // one (uaf); a NULL function pointer (null-deref); a pointer replaced concurrently and read
    // plainly by the call (race, as under sc).
    {"ops-rcu.ravel", {}, {}},
    {"ops-no-gp.ravel", {"uaf"}, {"uaf"}},
    {"fnptr-null.ravel", {"null-deref"}, {"null-deref"}},
    {"fnptr-switch.ravel", {"race"}, {"race"}},
    // Load buffering through an indirect call: the callee's write depends on the pointer read
    // (ok; without the call's control dependency, assertion: tried by hand).
    {"fnptr-lb.ravel", {}, {}},
    {"brace-init.ravel", {}, {}},
    // refcount_t's warnings: a get after the last put (addition on 0), the put of the saturated
    // count (underflow) that releases nothing again.
    {"kref-get-after-last-put.ravel", {"refcount"}, {"refcount"}},
    // A kref in a kzalloc'd object starts with one reference, as sc's: the last put's release
    // frees it after every use (ok); a use after the thread's own put (uaf).
    {"heap-kref-last-put-frees.ravel", {}, {}},
    {"heap-kref-use-after-put.ravel", {"uaf"}, {"uaf"}},
    // An rw_semaphore field: its critical sections order the data (ok), a reader without it
    // races; in a kzalloc'd object freed while a reader may take it, KASAN's uaf.
    {"rwsem-field.ravel", {}, {}},
    {"rwsem-field-unlocked-read.ravel", {"race"}, {"race"}},
    {"heap-rwsem-free-under-reader.ravel", {"uaf"}, {"uaf"}},
    {"heap-two-sites-one-line.ravel", {"assertion", "race"}, {"race"}},
    // kzalloc()'s zeroing is the allocating thread's plain stores (lkmm_ravel_alloc.cc).
    {"heap-zeroing-unordered.ravel", {"race"}, {}},
    {"heap-zeroing-rcu.ravel", {}, {}},
};

TEST(LkmmStruct, EachScenarioGivesItsVerdictUnderBothModels) {
  expect_both_models("tests/litmus/ravel-struct/", kStruct);
}

// KASAN's and kmemleak's reports have sc's wording, at the access, the second kfree and the
// allocation site; the use after free's witness shows the ghost read that saw the free.
TEST(LkmmStruct, HeapReportsAreWordedAsUnderSc) {
  const std::string dir = "tests/litmus/ravel-struct/";
  Result uaf = ravel("run --memory-model lkmm " + dir + "heap-rcu-no-gp.ravel");
  EXPECT_NE(uaf.out.find("uaf: BUG: KASAN: slab-use-after-free in read_once\n    at " + dir +
                         "heap-rcu-no-gp.ravel:15:20"),
            std::string::npos)
      << uaf.out;
  EXPECT_NE(uaf.out.find("R[once] item@7(kasan)=2 at " + dir +
                         "heap-rcu-no-gp.ravel:15:9  <-  updater W[once] item@7(kasan)=2"),
            std::string::npos)
      << uaf.out;
  // Two sites on one line are told apart by their columns: the reader's read is q's.
  Result two = ravel("run --verbose --memory-model lkmm " + dir + "heap-two-sites-one-line.ravel");
  EXPECT_NE(two.out.find("reader R[plain] obj@10:58.v=0 at " + dir +
                         "heap-two-sites-one-line.ravel:19:9  <-  init obj@10:58.v=0"),
            std::string::npos)
      << two.out;
  Result df = ravel("run --memory-model lkmm " + dir + "double-free.ravel");
  EXPECT_NE(df.out.find("double-free: BUG: KASAN: double-free in kfree\n    at " + dir +
                        "double-free.ravel:"),
            std::string::npos)
      << df.out;
  Result leak = ravel("run --memory-model lkmm " + dir + "leak.ravel");
  Result leak_sc = ravel("run " + dir + "leak.ravel");
  const std::string msg = "kmemleak: unreferenced object: struct item allocated by init at " + dir +
                          "leak.ravel:7 (#0)";
  EXPECT_NE(leak.out.find(msg), std::string::npos) << leak.out;
  EXPECT_NE(leak_sc.out.find(msg), std::string::npos) << leak_sc.out;
  Result null = ravel("run --memory-model lkmm " + dir + "fnptr-null.ravel");
  EXPECT_NE(null.out.find("null-deref: BUG: kernel NULL pointer dereference\n    at " + dir +
                          "fnptr-null.ravel:10:10"),
            std::string::npos)
      << null.out;
}

TEST(LkmmStruct, WhatStaysOutIsRefusedAtItsLineAndColumn) {
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"struct-field", ":3:35: error: 'struct xarray o.xa' is not modelled under"},
      {"struct-model-field", ":5:25: error: fields of kernel objects ('ops') are not modelled"},
      {"struct-local", ":5:25: error: 'struct item it': local objects are not modelled"},
      {"heap-in-thread",
       ":6:33: error: kzalloc outside init's and the threads' own code is not modelled"},
      {"heap-kmalloc", ":6:13: error: 'kmalloc' is not modelled under --memory-model lkmm"},
      {"heap-loop", ":9:14: error: a kzalloc site executed twice is not modelled under lkmm"},
      {"heap-kfree-global", ":6:13: error: kfree of a pointer that is not a kzalloc'd object"},
      {"struct-lock-class", ":5:12: error: a second instance of the lock class 'dev.lock' is not"},
  };
  for (const auto& [name, message] : cases) expect_refused_under_lkmm(name, message);
}

}  // namespace
}  // namespace ravel::cli::testing
