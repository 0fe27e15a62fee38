// model/dma_buf_test.cc: dma_buf through the C++ API, both directions, dfs and dpor.
#include "model/dma_buf.h"

#include <gtest/gtest.h>

#include <cerrno>

#include "model/completion.h"
#include "model/testing.h"
#include "model/cpu.h"
#include "model/kref.h"
#include "model/workqueue.h"

namespace ravel::model {
namespace {
using testing::found;
using testing::run;
using testing::summary;
constexpr auto kDmaFault = Violation::Kind::kDmaFault;
constexpr auto kHang = Violation::Kind::kHang;
constexpr auto kLockdep = Violation::Kind::kLockdep;
constexpr auto kWarn = Violation::Kind::kWarn;

class DmaBufTest : public ::testing::TestWithParam<std::string> {};

// The VFIO revoke sequence (seed 001, spec example vfio-revoke.ravel): invalidate, wait for the
// fences, wait for every unmap (kref + completion). A revocable importer unmaps from a work item
// after its job's fence: ok. A pinned importer (dma_buf_attach) never unmaps: hang.
void revoke(Ctx& ctx, bool revocable) {
  auto* resv = dma_resv_new("resv");
  auto* exp = dma_buf_ops_new("vfio_ops");
  auto* buf = dma_buf_new("buf", exp, resv);
  auto* revoked = ctx.make<bool>(false);
  Kref* kref = kref_new("kref");
  Completion* comp = completion_new("comp");
  auto done = [comp](Kref*) { complete(comp, RAVEL_LOC); };
  exp->map = [=](DmaBufAttachment*) {
    dma_resv_assert_held(resv, RAVEL_LOC);
    if (*revoked) return -ENODEV;
    kref_get(kref, RAVEL_LOC);
    return 0;
  };
  exp->unmap = [=](DmaBufAttachment*, DmaBufMapping*) {
    dma_resv_assert_held(resv, RAVEL_LOC);
    kref_put(kref, done, RAVEL_LOC);
  };
  auto* job = dma_fence_new("job", nullptr, nullptr);
  auto** map = ctx.make<DmaBufMapping*>(nullptr);
  auto** att = ctx.make<DmaBufAttachment*>(nullptr);
  Work* unmap_work = work_new("unmap_work", [=](Work*) {
    dma_fence_wait(job, false, RAVEL_LOC);
    dma_resv_lock(resv, nullptr, RAVEL_LOC);
    if (*map != nullptr) {
      dma_buf_unmap_attachment(*att, *map, RAVEL_LOC);
      *map = nullptr;
    }
    dma_resv_unlock(resv, RAVEL_LOC);
  });
  auto* imp = dma_buf_attach_ops_new("importer_ops");
  imp->invalidate_mappings = [=](DmaBufAttachment*) { schedule_work(unmap_work, RAVEL_LOC); };
  int err = 1;
  *att = revocable ? dma_buf_dynamic_attach(buf, imp, &err, RAVEL_LOC)
                   : dma_buf_attach(buf, &err, RAVEL_LOC);
  EXPECT_EQ(err, 0);
  EXPECT_EQ(dma_buf_attach_revocable(*att, RAVEL_LOC), revocable);
  dma_resv_lock(resv, nullptr, RAVEL_LOC);
  *map = dma_buf_map_attachment(*att, &err, RAVEL_LOC);
  dma_resv_reserve_fences(resv, 1, RAVEL_LOC);
  dma_resv_add_fence(resv, job, DmaResvUsage::kBookkeep, RAVEL_LOC);
  dma_resv_unlock(resv, RAVEL_LOC);
  DmaBufMapping* m = *map;
  spawn_thread_fn(ctx, {.name = "device"}, [=] {
    dma_access(m, DmaDir::kWrite, RAVEL_LOC);
    dma_fence_signal(job, RAVEL_LOC);
  });
  spawn_thread_fn(ctx, {.name = "revoke"}, [=] {
    dma_resv_lock(resv, nullptr, RAVEL_LOC);
    *revoked = true;
    dma_buf_invalidate_mappings(buf, RAVEL_LOC);
    dma_resv_wait_timeout(resv, DmaResvUsage::kBookkeep, false, kDmaMaxScheduleTimeout, RAVEL_LOC);
    dma_resv_unlock(resv, RAVEL_LOC);
    kref_put(kref, done, RAVEL_LOC);
    wait_for_completion(comp, RAVEL_LOC);
    EXPECT_EQ(*map, nullptr);
  });
}

// dpor only: three tasks plus a worker, ~60 steps; plain dfs passes 100k executions without
// finishing. (scenarios/dma-buf/revoke-*.ravel cover the same protocol, and tests/library
// compares dfs with dpor wherever dfs completes.)
TEST(DmaBuf, RevokeSequenceDpor) {
  auto ok = run("dpor", [](Ctx& ctx) { revoke(ctx, true); });
  EXPECT_TRUE(ok.complete);
  EXPECT_TRUE(ok.violations.empty()) << summary(ok);
  auto bad = run("dpor", [](Ctx& ctx) { revoke(ctx, false); });
  EXPECT_TRUE(found(bad, kHang)) << summary(bad);
  EXPECT_FALSE(found(bad, kDmaFault)) << summary(bad);
}

// dma_access rules after invalidation: WRITE allowed while the fences present at invalidation
// run, a dma-fault once they retired; READ allowed until the unmap; anything after it a fault.
enum class Step { kWriteBeforeRetire, kWriteAfterRetire, kReadAfterRetire, kReadAfterUnmap };

void access(Ctx& ctx, Step what) {
  auto* buf = dma_buf_new("buf", nullptr, nullptr);
  auto* imp = dma_buf_attach_ops_new("importer_ops");
  imp->invalidate_mappings = [](DmaBufAttachment*) {};
  auto* job = dma_fence_new("job", nullptr, nullptr);
  DmaBufAttachment* a = dma_buf_dynamic_attach(buf, imp, nullptr, RAVEL_LOC);
  dma_resv_lock(buf->resv, nullptr, RAVEL_LOC);
  DmaBufMapping* m = dma_buf_map_attachment(a, nullptr, RAVEL_LOC);
  dma_resv_reserve_fences(buf->resv, 1, RAVEL_LOC);
  dma_resv_add_fence(buf->resv, job, DmaResvUsage::kWrite, RAVEL_LOC);
  dma_resv_unlock(buf->resv, RAVEL_LOC);
  spawn_thread_fn(ctx, {.name = "T0"}, [=] {
    dma_resv_lock(buf->resv, nullptr, RAVEL_LOC);
    dma_buf_invalidate_mappings(buf, RAVEL_LOC);
    dma_resv_unlock(buf->resv, RAVEL_LOC);
    if (what == Step::kWriteBeforeRetire) {
      EXPECT_TRUE(dma_access(m, DmaDir::kWrite, RAVEL_LOC));
    }
    dma_fence_signal(job, RAVEL_LOC);
    if (what == Step::kWriteAfterRetire) {
      EXPECT_FALSE(dma_access(m, DmaDir::kWrite, RAVEL_LOC));
    }
    if (what == Step::kReadAfterRetire) {
      EXPECT_TRUE(dma_access(m, DmaDir::kRead, RAVEL_LOC));
    }
    dma_resv_lock(buf->resv, nullptr, RAVEL_LOC);
    dma_buf_unmap_attachment(a, m, RAVEL_LOC);
    dma_resv_unlock(buf->resv, RAVEL_LOC);
    if (what == Step::kReadAfterUnmap) {
      EXPECT_FALSE(dma_access(m, DmaDir::kRead, RAVEL_LOC));
    }
  });
}

TEST_P(DmaBufTest, AccessRules) {
  for (Step s : {Step::kWriteBeforeRetire, Step::kReadAfterRetire}) {
    auto ok = run(GetParam(), [s](Ctx& ctx) { access(ctx, s); });
    EXPECT_TRUE(ok.violations.empty()) << summary(ok);
  }
  auto write = run(GetParam(), [](Ctx& ctx) { access(ctx, Step::kWriteAfterRetire); });
  EXPECT_TRUE(found(write, kDmaFault, "write through a revoked mapping")) << summary(write);
  auto unmapped = run(GetParam(), [](Ctx& ctx) { access(ctx, Step::kReadAfterUnmap); });
  EXPECT_TRUE(found(unmapped, kDmaFault, "unmapped mapping")) << summary(unmapped);
}

// Map without the resv held: dma_resv_assert_held fails (lockdep). Pin of an attachment
// without importer ops: warn.
TEST_P(DmaBufTest, Preconditions) {
  auto unlocked = run(GetParam(), [](Ctx& ctx) {
    auto* buf = dma_buf_new("buf", nullptr, nullptr);
    spawn_thread_fn(ctx, {.name = "T0"}, [=] {
      DmaBufAttachment* a = dma_buf_attach(buf, nullptr, RAVEL_LOC);
      dma_buf_map_attachment(a, nullptr, RAVEL_LOC);
    });
  });
  EXPECT_TRUE(found(unlocked, kLockdep, "lockdep_assert_held")) << summary(unlocked);
  auto pin = run(GetParam(), [](Ctx& ctx) {
    auto* buf = dma_buf_new("buf", nullptr, nullptr);
    spawn_thread_fn(ctx, {.name = "T0"}, [=] {
      DmaBufAttachment* a = dma_buf_attach(buf, nullptr, RAVEL_LOC);
      dma_resv_lock(buf->resv, nullptr, RAVEL_LOC);
      dma_buf_pin(a, RAVEL_LOC);
      dma_resv_unlock(buf->resv, RAVEL_LOC);
    });
  });
  EXPECT_TRUE(found(pin, kWarn, "dma_buf_pin of an attachment without importer ops"))
      << summary(pin);
  EXPECT_FALSE(found(pin, kLockdep)) << summary(pin);
}

// An exporter that rejects non-revocable importers with dma_buf_attach_revocable.
TEST_P(DmaBufTest, ExporterRejectsPinnedImporter) {
  auto r = run(GetParam(), [](Ctx& ctx) {
    auto* exp = dma_buf_ops_new("vfio_ops");
    exp->attach = [](DmaBuf*, DmaBufAttachment* a) {
      return dma_buf_attach_revocable(a, RAVEL_LOC) ? 0 : -EOPNOTSUPP;
    };
    auto* buf = dma_buf_new("buf", exp, nullptr);
    auto* imp = dma_buf_attach_ops_new("importer_ops");
    imp->invalidate_mappings = [](DmaBufAttachment*) {};
    spawn_thread_fn(ctx, {.name = "T0"}, [=] {
      int err = 0;
      EXPECT_EQ(dma_buf_attach(buf, &err, RAVEL_LOC), nullptr);
      EXPECT_EQ(err, -EOPNOTSUPP);
      DmaBufAttachment* a = dma_buf_dynamic_attach(buf, imp, &err, RAVEL_LOC);
      EXPECT_NE(a, nullptr);
      EXPECT_EQ(err, 0);
      dma_buf_detach(buf, a, RAVEL_LOC);
      EXPECT_TRUE(buf->attachments.empty());
    });
  });
  EXPECT_TRUE(r.violations.empty()) << summary(r);
}

TEST_P(DmaBufTest, LastPutReleases) {
  auto r = run(GetParam(), [](Ctx& ctx) {
    auto* released = ctx.make<int>(0);
    auto* exp = dma_buf_ops_new("exp_ops");
    exp->release = [released](DmaBuf*) { ++*released; };
    auto* buf = dma_buf_new("buf", exp, nullptr);
    spawn_thread_fn(ctx, {.name = "T0"}, [=] {
      dma_buf_get(buf, RAVEL_LOC);
      dma_buf_put(buf, RAVEL_LOC);
      EXPECT_EQ(*released, 0);
      dma_buf_put(buf, RAVEL_LOC);
      EXPECT_EQ(*released, 1);
    });
  });
  EXPECT_TRUE(r.violations.empty()) << summary(r);
}

// drivers/dma-buf/dma-buf.c guards its entry points with WARN_ON(!dmabuf ...) / WARN_ON(!attach
// ...): a NULL there is a warn and an early return (ERR_PTR(-EINVAL) for attach and map), not an
// oops. The opposite, dma_buf_pin(NULL), has no such guard: the oops.
TEST_P(DmaBufTest, NullArgumentsWarnWhereTheKernelChecks) {
  auto r = run(GetParam(), [](Ctx& ctx) {
    auto* buf = dma_buf_new("buf", nullptr, nullptr);
    spawn_thread_fn(ctx, {.name = "T0"}, [=] {
      int err = 0;
      EXPECT_EQ(dma_buf_attach(nullptr, &err, RAVEL_LOC), nullptr);
      EXPECT_EQ(err, -EINVAL);
      DmaBufAttachment* a = dma_buf_attach(buf, &err, RAVEL_LOC);
      ASSERT_NE(a, nullptr);
      dma_resv_lock(buf->resv, nullptr, RAVEL_LOC);
      EXPECT_EQ(dma_buf_map_attachment(nullptr, &err, RAVEL_LOC), nullptr);
      EXPECT_EQ(err, -EINVAL);
      dma_buf_unmap_attachment(a, nullptr, RAVEL_LOC);
      dma_resv_unlock(buf->resv, RAVEL_LOC);
      dma_buf_detach(nullptr, a, RAVEL_LOC);
      EXPECT_EQ(buf->attachments.size(), 1u);  // returned without detaching
      dma_buf_detach(buf, a, RAVEL_LOC);
      EXPECT_TRUE(buf->attachments.empty());
      dma_buf_put(nullptr, RAVEL_LOC);
    });
  });
  EXPECT_TRUE(r.complete);
  for (const char* what : {"dma_buf_attach", "dma_buf_map_attachment", "dma_buf_unmap_attachment",
                           "dma_buf_detach", "dma_buf_put"}) {
    EXPECT_TRUE(found(r, kWarn, std::string("WARNING: ") + what + ": !")) << what << summary(r);
  }
  EXPECT_FALSE(found(r, Violation::Kind::kNullDeref)) << summary(r);
  auto pin = run(GetParam(), [](Ctx& ctx) {
    spawn_thread_fn(ctx, {.name = "T0"}, [] { dma_buf_pin(nullptr, RAVEL_LOC); });
  });
  EXPECT_TRUE(found(pin, Violation::Kind::kNullDeref)) << summary(pin);
}

INSTANTIATE_TEST_SUITE_P(Strategies, DmaBufTest,
                         ::testing::ValuesIn(testing::exhaustive_strategies()));

}  // namespace
}  // namespace ravel::model
