#!/usr/bin/env python3
"""ops_unload(R) and fence_unload(R): R readers of a module's fence ops, and a driver that
unloads it (seed 000, "dma-buf: protected fence ops by RCU"; docs/bench.md).

ops:   scenarios/fence-ops/ops-unload-rcu.ravel at size R, with plain structs: reader i calls
       its fence's ops (one shared table) inside rcu_read_lock(); the driver marks each fence
       done, unpublishes its ops (rcu_assign_pointer(f.ops, NULL)), waits for a grace period
       and frees the table.
fence: scenarios/fence-ops/dma-fence-unload-sync.ravel at size R, on ravel's dma_fence model:
       reader i asks dma_fence_is_signaled(&fence_i); the driver advances its timeline, signals
       every fence (which detaches its ops), waits for a grace period, frees the timeline and
       unloads the module.
Both expect ok. With --no-sync the driver frees without the grace period: a reader still using
the table or the timeline reads it after the free (`uaf`).

Usage: unload.py ops|fence R [--no-sync]  (prints the scenario on stdout)
"""
import sys


def ops(r):
    out = ['struct fence;',
           'struct fence_ops { int (*signaled)(struct fence *f); };',
           'struct fence { struct fence_ops *ops; bool done; };',
           'int drv_signaled(struct fence *f) { return READ_ONCE(f->done); }',
           'struct fence_ops *drv_ops;']
    out += [f'struct fence f{i};' for i in range(r)]
    out += ['init {', '    drv_ops = kzalloc(struct fence_ops);',
            '    drv_ops->signaled = drv_signaled;']
    out += [f'    rcu_assign_pointer(f{i}.ops, drv_ops);' for i in range(r)]
    out += ['}']
    for i in range(r):
        out += [f'thread reader{i} {{', '    rcu_read_lock();',
                f'    struct fence_ops *ops = rcu_dereference(f{i}.ops);',
                f'    if (ops) ops->signaled(&f{i});', '    rcu_read_unlock();', '}']
    driver = []
    for i in range(r):
        driver += [f'WRITE_ONCE(f{i}.done, true);', f'rcu_assign_pointer(f{i}.ops, NULL);']
    return out, driver, ['kfree(drv_ops);']


def fence(r):
    out = ['struct module drv;',
           'struct timeline { int hw_seqno; };',
           'struct timeline *tl;',
           'int drv_signaled(struct dma_fence *f) { return READ_ONCE(tl->hw_seqno) >= 1; }',
           'struct dma_fence_ops drv_ops = { .signaled = drv_signaled, .owner = &drv };']
    out += [f'struct dma_fence fence{i} = {{ .ops = &drv_ops }};' for i in range(r)]
    out += ['init { tl = kzalloc(struct timeline); }']
    out += [f'thread reader{i} {{ dma_fence_is_signaled(&fence{i}); }}' for i in range(r)]
    driver = ['WRITE_ONCE(tl->hw_seqno, 1);'] + [f'dma_fence_signal(&fence{i});' for i in range(r)]
    return out, driver, ['kfree(tl);', 'module_unload(&drv);']


def main():
    kind, r = sys.argv[1], int(sys.argv[2])
    sync = '--no-sync' not in sys.argv[3:]
    body, before, after = {'ops': ops, 'fence': fence}[kind](r)
    title = f'{kind} unload with {r} readers{"" if sync else ", no grace period"}'
    driver = before + (['synchronize_rcu();'] if sync else []) + after
    out = [f'scenario "{title}";'] + body + ['thread driver {']
    out += ['    ' + line for line in driver] + ['}', 'expect ok;' if sync else 'expect uaf;']
    print('\n'.join(out))


if __name__ == '__main__':
    main()
