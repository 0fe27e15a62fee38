#!/usr/bin/env python3
"""ops_unload(R): R readers of R fences that share one ops table, and a driver that unloads it.

Seed 000 ("dma-buf: protected fence ops by RCU"), scenarios/fence-ops/ops-unload-rcu.ravel at
size R: reader i calls its fence's ops inside an RCU read-side section; the driver marks each
fence done, unpublishes its ops (rcu_assign_pointer(f.ops, NULL)), waits for a grace period and
frees the table. Expects ok. With --no-sync the driver frees without the grace period: a reader
that saw the table dereferences it after the free (`uaf`).

Usage: ops_unload.py R [--no-sync]  (prints the scenario on stdout; docs/bench.md)
"""
import sys


def main():
    r = int(sys.argv[1])
    sync = '--no-sync' not in sys.argv[2:]
    out = [f'scenario "ops unload with {r} readers{"" if sync else ", no grace period"}";',
           'struct fence;',
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
    out += ['thread driver {']
    for i in range(r):
        out += [f'    WRITE_ONCE(f{i}.done, true);', f'    rcu_assign_pointer(f{i}.ops, NULL);']
    if sync:
        out += ['    synchronize_rcu();']
    out += ['    kfree(drv_ops);', '}', 'expect ok;' if sync else 'expect uaf;']
    print('\n'.join(out))


if __name__ == '__main__':
    main()
