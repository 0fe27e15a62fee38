#!/usr/bin/env python3
"""Seeded random RCU and SRCU callback scenarios under sc and under lkmm: the same findings.

docs/litmus.md, "RCU callbacks under lkmm". Each scenario publishes an object in init; one or
two readers look it up inside an RCU or SRCU read-side section (or outside one, or keep the
pointer past it); the updater unpublishes it and queues its free with call_rcu() or
call_srcu() (before or after the unpublish), maybe waits with the barrier (or says it queued
with WRITE_ONCE, for a third thread that then calls the barrier) and asserts the callback ran,
maybe shares a spinlock with the callback (with or without _bh). Nothing in these shapes has
an outcome only weak memory allows (the object's fields are written in init, the flag thread
reads after the enqueue's full ordering), so the two models must report the same kinds: an
extra kind under lkmm is a false alarm of one model, a missing one a false "ok". (The first
run found one: SRCU callbacks in softirq context under lkmm, where srcutree.c runs them in a
workqueue with BHs disabled.)

usage: call_rcu_random.py RAVEL [FIRST_SEED COUNT]
"""
import json
import os
import random
import subprocess
import sys
import tempfile


def scenario(seed):
    r = random.Random(seed)
    srcu = r.random() < 0.4
    out = [f'scenario "random call_rcu {seed}";',
           'struct obj { int v; struct rcu_head rcu; };',
           'struct obj *gp;', 'int ran;', 'int flag;', 'DEFINE_SPINLOCK(l);']
    if srcu:
        out.append('DEFINE_SRCU(s);')
    body = []
    if r.random() < 0.5:
        body += ['spin_lock(&l);', 'flag = flag + 1;', 'spin_unlock(&l);']
    body.append(r.choice(['WRITE_ONCE(ran, 1);', 'ran = 1;']))
    body.append('kfree(container_of(h, struct obj, rcu));')
    out.append('void cb(struct rcu_head *h) { ' + ' '.join(body) + ' }')
    out.append('init { struct obj *o = kzalloc(struct obj); o->v = 1; '
               'rcu_assign_pointer(gp, o); }')
    for i in range(r.choice([1, 2])):
        kind = r.choice(['section', 'section', 'section', 'outside', 'late'])
        if srcu and r.random() < 0.8:
            lock, unlock = 'int idx = srcu_read_lock(&s);', 'srcu_read_unlock(&s, idx);'
            deref = 'srcu_dereference(gp, &s)'
        else:
            lock, unlock, deref = 'rcu_read_lock();', 'rcu_read_unlock();', 'rcu_dereference(gp)'
        use = 'if (p != NULL) assert(READ_ONCE(p->v) == 1);'
        if kind == 'outside':
            out.append(f'thread reader{i} {{ struct obj *p = READ_ONCE(gp); {use} }}')
        elif kind == 'late':
            out.append(f'thread reader{i} {{ {lock} struct obj *p = {deref}; {unlock} {use} }}')
        else:
            out.append(f'thread reader{i} {{ {lock} struct obj *p = {deref}; {use} {unlock} }}')
    call = 'call_srcu(&s, &old->rcu, cb);' if srcu else 'call_rcu(&old->rcu, cb);'
    unpub = r.choice(['rcu_assign_pointer(gp, NULL);', 'WRITE_ONCE(gp, NULL);'])
    steps = [unpub, call] if r.random() < 0.7 else [call, unpub]
    barrier = 'srcu_barrier(&s);' if srcu else 'rcu_barrier();'
    wait = r.choice(['none', 'barrier', 'flag'])
    lock = r.choice(['none', 'lock', 'lock_bh'])
    if wait == 'barrier':
        steps += [barrier, 'assert(READ_ONCE(ran) == 1);']
    if lock != 'none':
        bh = '_bh' if lock == 'lock_bh' else ''
        steps += [f'spin_lock{bh}(&l);', 'flag = flag + 1;', f'spin_unlock{bh}(&l);']
    elif wait == 'flag':
        steps.append('WRITE_ONCE(flag, 5);')
        out.append('thread waiter { if (READ_ONCE(flag) == 5) { ' + barrier +
                   ' assert(READ_ONCE(ran) == 1); } }')
    out.append('thread updater { struct obj *old = rcu_access_pointer(gp); ' +
               ' '.join(steps) + ' }')
    return '\n'.join(out) + '\n'


def found(ravel, path, model):
    p = subprocess.run([ravel, 'run', '--json', '--memory-model', model, path],
                       capture_output=True, text=True, timeout=300, check=False)
    if p.returncode == 2:
        return None, p.stderr.splitlines()[0] if p.stderr else 'exit 2'
    return sorted(json.loads(p.stdout.splitlines()[0])['found']), ''


def main():
    ravel = sys.argv[1]
    first = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 60
    bad = 0
    kinds = {}
    with tempfile.TemporaryDirectory() as d:
        for seed in range(first, first + count):
            path = os.path.join(d, f'seed{seed}.ravel')
            with open(path, 'w', encoding='utf-8') as f:
                f.write(scenario(seed))
            sc, _ = found(ravel, path, 'sc')
            lk, why = found(ravel, path, 'lkmm')
            if sc is None or lk is None:
                print(f'seed {seed}: refused ({why}): every shape here is modelled by both')
                bad += 1
            elif sc != lk:
                print(f'seed {seed}: sc found {sc}, lkmm {lk}\n{scenario(seed)}')
                bad += 1
            else:
                kinds[','.join(sc) or 'ok'] = kinds.get(','.join(sc) or 'ok', 0) + 1
    print(f'{count} seeds from {first}: {count - bad} agree; by kinds: {kinds}')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
