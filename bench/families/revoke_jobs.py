#!/usr/bin/env python3
"""revoke(R)xJ: the revocable-importer revoke sequence (seed 001) with R importers and J jobs each.

Usage: revoke_jobs.py R J > revoke-RxJ.ravel

The shape of a real driver with a few jobs in flight (docs/bench.md, "Protocol families"). Each
importer has its own dynamic attachment and mapping, made in `init`, then J job fences added to
the shared resv (BOOKKEEP) after the mapping; J device threads, each writing through the
importer's mapping and then signalling its own job; an unmap work item queued by the importer's
invalidate_mappings callback that waits for its J jobs, then unmaps under the resv. One revoke
thread takes the resv, marks the buffer revoked, invalidates the mappings, waits for every
fence, drops its reference and waits (1 s) for the last unmap. Expected verdict: ok. With J = 1
this is revoke(R) of the benchmark suite.
"""
import sys


def importer(i, jobs):
    fences = [f"job{i}_{k}" for k in range(jobs)]
    out = [f"struct dma_buf_attachment *att{i};", f"void *map{i};"]
    out += [f"struct dma_fence {f};" for f in fences]
    out += [f"struct work_struct unmap_work{i} = WORK(importer_unmap{i});",
            f"void importer_unmap{i}(struct work_struct *w) {{"]
    out += [f"    dma_fence_wait(&{f}, false);" for f in fences]
    out += ["    dma_resv_lock(&resv, NULL);",
            f"    if (map{i}) {{ dma_buf_unmap_attachment(att{i}, map{i}); map{i} = NULL; }}",
            "    dma_resv_unlock(&resv);",
            "}",
            f"void importer_invalidate{i}(struct dma_buf_attachment *a) "
            f"{{ schedule_work(&unmap_work{i}); }}",
            f"struct dma_buf_attach_ops importer_ops{i} = "
            f"{{ .invalidate_mappings = importer_invalidate{i} }};"]
    return out


def init_importer(i, jobs):
    out = [f"    att{i} = dma_buf_dynamic_attach(&buf, &importer_ops{i});",
           "    dma_resv_lock(&resv, NULL);",
           f"    map{i} = dma_buf_map_attachment(att{i});",
           f"    dma_resv_reserve_fences(&resv, {jobs});"]
    out += [f"    dma_resv_add_fence(&resv, &job{i}_{k}, DMA_RESV_USAGE_BOOKKEEP);"
            for k in range(jobs)]
    return out + ["    dma_resv_unlock(&resv);"]


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: revoke_jobs.py R J")
    r, jobs = int(sys.argv[1]), int(sys.argv[2])
    if r < 1 or jobs < 1:
        sys.exit("R and J must be at least 1")
    out = [f'scenario "revoke with {r} revocable importers, {jobs} jobs each";',
           "struct dma_resv resv;",
           "struct dma_buf_ops vfio_ops = "
           "{ .attach = vfio_attach, .map = vfio_map, .unmap = vfio_unmap };",
           "struct dma_buf buf = { .ops = &vfio_ops, .resv = &resv };",
           "bool revoked;",
           "struct kref kref;",
           "struct completion comp;",
           "int vfio_attach(struct dma_buf *b, struct dma_buf_attachment *a) {",
           "    if (!dma_buf_attach_revocable(a)) return -EOPNOTSUPP;",
           "    return 0;",
           "}",
           "int vfio_map(struct dma_buf_attachment *a) {",
           "    dma_resv_assert_held(&resv);",
           "    if (revoked) return -ENODEV;",
           "    kref_get(&kref);",
           "    return 0;",
           "}",
           "void vfio_done(struct kref *k) { complete(&comp); }",
           "void vfio_unmap(struct dma_buf_attachment *a, void *map) {",
           "    dma_resv_assert_held(&resv);",
           "    kref_put(&kref, vfio_done);",
           "}",
           "void vfio_revoke(void) {",
           "    dma_resv_lock(&resv, NULL);",
           "    revoked = true;",
           "    dma_buf_invalidate_mappings(&buf);",
           "    dma_resv_wait_timeout(&resv, DMA_RESV_USAGE_BOOKKEEP, false, MAX_SCHEDULE_TIMEOUT);",
           "    dma_resv_unlock(&resv);",
           "    kref_put(&kref, vfio_done);",
           "    unsigned long wait = wait_for_completion_timeout(&comp, secs_to_jiffies(1));",
           '    WARN(!wait, "Timed out waiting for DMABUF unmap");',
           "}"]
    for i in range(r):
        out += importer(i, jobs)
    out += ["init {", "    kref_init(&kref);", "    init_completion(&comp);"]
    for i in range(r):
        out += init_importer(i, jobs)
    out += ["}"]
    for i in range(r):
        for k in range(jobs):
            out += [f"thread device{i}_{k} {{",
                    f"    dma_access(map{i}, WRITE);",
                    f"    dma_fence_signal(&job{i}_{k});",
                    "}"]
    out += ["thread revoke {", "    vfio_revoke();", "}", "final {",
            "    assert(kref_read(&kref) == 0);"]
    out += [f"    assert(map{i} == NULL);" for i in range(r)]
    out += ["}", "expect ok;"]
    print("\n".join(out))


if __name__ == "__main__":
    main()
