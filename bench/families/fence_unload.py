#!/usr/bin/env python3
"""fence_unload(R): R fences of one module's ops, R readers, and a driver that unloads it.

Seed 000 ("dma-buf: protected fence ops by RCU"), scenarios/fence-ops/dma-fence-unload-sync.ravel
at size R, on ravel's dma_fence model: reader i asks `dma_fence_is_signaled(&fence_i)` (the ops
called under rcu_read_lock, the fence lock taken when it signals); the driver advances its
timeline, signals every fence (which detaches its ops), waits for a grace period, frees the
timeline and unloads the module. Expects ok. With --no-sync the driver frees the timeline without
the grace period: a reader still in `.signaled` reads it after the free (`uaf`).

Usage: fence_unload.py R [--no-sync]  (prints the scenario on stdout; docs/bench.md)
"""
import sys


def main():
    r = int(sys.argv[1])
    sync = '--no-sync' not in sys.argv[2:]
    out = [f'scenario "fence unload with {r} readers{"" if sync else ", no grace period"}";',
           'struct module drv;',
           'struct timeline { int hw_seqno; };',
           'struct timeline *tl;',
           'int drv_signaled(struct dma_fence *f) { return READ_ONCE(tl->hw_seqno) >= 1; }',
           'struct dma_fence_ops drv_ops = { .signaled = drv_signaled, .owner = &drv };']
    out += [f'struct dma_fence fence{i} = {{ .ops = &drv_ops }};' for i in range(r)]
    out += ['init { tl = kzalloc(struct timeline); }']
    out += [f'thread reader{i} {{ dma_fence_is_signaled(&fence{i}); }}' for i in range(r)]
    out += ['thread driver {', '    WRITE_ONCE(tl->hw_seqno, 1);']
    out += [f'    dma_fence_signal(&fence{i});' for i in range(r)]
    if sync:
        out += ['    synchronize_rcu();']
    out += ['    kfree(tl);', '    module_unload(&drv);', '}', 'expect ok;' if sync else 'expect uaf;']
    print('\n'.join(out))


if __name__ == '__main__':
    main()
