// tests/litmus/lkmm_library_test.cc: the bundled scenario library (scenarios/**/*.ravel) under
// `ravel run --memory-model lkmm` (docs/litmus.md "Scenarios under lkmm"). A scenario lkmm
// runs gets the verdict its `expect` line gives (sc's, which the library's main job checks):
// the kernel's documented ordering must give no false alarm on a protocol sc proves, and no
// false ok on a bug sc finds. One lkmm does not model is refused, never judged by a half model:
// exit 2 with an error at the file's own line:col. The files that run today are listed, so that
// a change that refuses one of them again fails here.
#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "tests/litmus/lkmm_testing.h"

namespace ravel::cli::testing {
namespace {

// The library files lkmm runs to completion (the rest are refused, each at its line:col).
const std::set<std::string> kRunUnderLkmm = {
    "scenarios/dma-fence/add-callback-null-checked.ravel",
    "scenarios/dma-fence/add-callback-null-fence.ravel",
    "scenarios/dma-fence/kill-jobs-work.ravel",
    "scenarios/dma-fence/kill-jobs-xa-irq.ravel",
    "scenarios/dma-fence/kill-jobs-xa-lock-1cpu.ravel",
    "scenarios/dma-fence/kill-jobs-xa-lock.ravel",
    "scenarios/dma-fence/shared-lock-inline.ravel",
    "scenarios/dma-fence/shared-lock-recursion.ravel",
    "scenarios/dma-fence/shared-lock-work.ravel",
    "scenarios/dma-buf/poll-null-fence-status.ravel",
    "scenarios/dma-buf/poll-null-fence.ravel",
    "scenarios/dma-buf/invalidate-unmap-in-flight.ravel",
    "scenarios/dma-buf/revoke-attach-revocable.ravel",
    "scenarios/dma-buf/revoke-dynamic.ravel",
    "scenarios/dma-buf/revoke-lying-importer-hang.ravel",
    "scenarios/dma-buf/revoke-lying-importer-timeout.ravel",
    "scenarios/dma-buf/revoke-pinned-hang.ravel",
    "scenarios/dma-buf/speculative-read.ravel",
    "scenarios/dma-buf/unfenced-write.ravel",
    "scenarios/dma-resv/add-fence-unreserved.ravel",
    "scenarios/dma-resv/alloc-in-signalling-nowait.ravel",
    "scenarios/dma-resv/alloc-in-signalling.ravel",
    "scenarios/dma-resv/no-acquire-ctx.ravel",
    "scenarios/dma-resv/wait-in-signalling-bare.ravel",
    "scenarios/dma-resv/wait-in-signalling.ravel",
    "scenarios/dma-resv/ww-backoff.ravel",
    "scenarios/fence-ops/dma-fence-unload-no-sync.ravel",
    "scenarios/fence-ops/dma-fence-unload-sync.ravel",
    "scenarios/fence-ops/external-lock-freed.ravel",
    "scenarios/fence-ops/inline-lock-rcu.ravel",
    "scenarios/fence-ops/outlive-module-no-release.ravel",
    "scenarios/fence-ops/outlive-module-no-release-last-put-races-signal.ravel",
    "scenarios/fence-ops/ops-unload-no-rcu.ravel",
    "scenarios/fence-ops/ops-unload-rcu.ravel",
    "scenarios/fence-ops/outlive-module-release.ravel",
    "scenarios/kref/drops-last-releases.ravel",
    "scenarios/kref/drops-one-too-many.ravel",
    "scenarios/locking/rwlock-recursive-read-irq.ravel",
    "scenarios/locking/rwlock-recursive-read.ravel",
    "scenarios/locking/rwsem-recursive-read-fixed.ravel",
    "scenarios/locking/rwsem-recursive-read.ravel",
    "scenarios/locking/rwsem-trylock-under-mutex.ravel",
    "scenarios/rcu/irqsave-reader-fixed.ravel",
    "scenarios/rcu/irqsave-reader-use-after-unlock.ravel",
    "scenarios/syncobj/unplug-dev-enter.ravel",
    "scenarios/syncobj/unplug-enodev.ravel",
    "scenarios/syncobj/unplug-error-after-signal.ravel",
    "scenarios/syncobj/unplug-no-grace-period.ravel",
    "scenarios/syncobj/wait-before-signal-hang.ravel",
    "scenarios/vfio/bar-mmap-fault-vs-close-fixed.ravel",
    "scenarios/vfio/bar-mmap-fault-vs-close.ravel",
    "scenarios/vfio/dma-buf-fd-leak.ravel",
    "scenarios/vfio/dma-buf-fd-unwind.ravel",
    "scenarios/vfio/hot-reset-missed-unrevoke.ravel",
    "scenarios/vfio/hot-reset-restore-flag.ravel",
    "scenarios/vfio/hot-reset-undo-loop.ravel",
};

std::vector<std::string> library() {
  std::vector<std::string> out;
  const std::filesystem::path root(RAVEL_SOURCE_DIR);
  for (const auto& e : std::filesystem::recursive_directory_iterator(root / "scenarios")) {
    if (e.path().extension() == ".ravel")
      out.push_back(std::filesystem::relative(e.path(), root).generic_string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(LkmmLibrary, EachScenarioGetsItsExpectedVerdictOrIsRefusedAtItsLine) {
  std::set<std::string> ran;
  size_t refused = 0;
  for (const std::string& file : library()) {
    Result r = ravel("run --json --memory-model lkmm " + file);
    if (r.code == 2) {
      ++refused;
      EXPECT_EQ(r.out, "") << file;
      const std::regex at("^" + file + ":[0-9]+:[0-9]+: error: .+");
      EXPECT_TRUE(std::regex_search(r.err, at)) << file << "\n" << r.err;
      EXPECT_EQ(kRunUnderLkmm.count(file), 0u) << file << " is refused again:\n" << r.err;
      continue;
    }
    ran.insert(file);
    nlohmann::json j = nlohmann::json::parse(r.out.substr(0, r.out.find('\n')), nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << file << "\n" << r.out << r.err;
    EXPECT_EQ(r.code, 0) << file << "\n" << r.out << r.err;
    EXPECT_EQ(j["found"], j["expected"]) << file << ": lkmm's verdict is not its expect line";
    EXPECT_EQ(j["complete"], true) << file;
  }
  for (const std::string& f : kRunUnderLkmm) EXPECT_EQ(ran.count(f), 1u) << f << " did not run";
  EXPECT_EQ(ran.size(), kRunUnderLkmm.size()) << "a library file newly runs: list it";
  EXPECT_GT(refused + ran.size(), 50u);  // the whole library was seen
}

}  // namespace
}  // namespace ravel::cli::testing
