#!/usr/bin/env python3
"""The benchmark programs of docs/bench.md as scenarios for `ravel run --memory-model lkmm`.

Usage: programs.py readers N | lastzero N | indexer N | mutex_counter T,K  > program.ravel

ravel-bench (bench/programs.cc) runs these programs with sequentially consistent accesses on
the C++ test primitives; the LKMM explores scenarios, so here they are written in the scenario
language's LKMM subset: marked accesses (READ_ONCE, WRITE_ONCE, cmpxchg) on one global per cell
(the subset has no arrays), the loops unrolled; mutex_counter's counter is a plain int under a
mutex. Every program expects `ok`.
"""
import sys


def readers(n):
    out = ['scenario "readers(%d) under the LKMM";' % n, 'int x;',
           'thread writer { WRITE_ONCE(x, 42); }']
    for j in range(n):
        out.append('thread reader%d { int r = READ_ONCE(x); }' % j)
    return out


def lastzero(n):
    """Thread 0 scans a[n] down to a[0] while the cell is not zero; thread j copies a[j-1] + 1
    into a[j]."""
    out = ['scenario "lastzero(%d) under the LKMM";' % n]
    out += ['int a%d;' % i for i in range(n + 1)]
    scan, close = [], []
    for i in range(n, -1, -1):
        scan.append('    ' * (n - i + 1) + 'if (READ_ONCE(a%d) != 0) {' % i)
        close.insert(0, '    ' * (n - i + 1) + '}')
    out.append('thread scanner {')
    out += scan + close
    out.append('}')
    for j in range(1, n + 1):
        out.append('thread t%d { int v = READ_ONCE(a%d); WRITE_ONCE(a%d, v + 1); }' % (j, j - 1, j))
    return out


def indexer(n, cells=128):
    """n threads each insert 4 values w = i*11 + tid into an open-addressing table of `cells`
    cells at h = (w*7) % cells, by compare-and-swap from 0, probing the next cell on failure.
    The probes are unrolled: with linear probing the set of occupied cells does not depend on
    the order of the insertions, so an insertion starting at h never probes past the end of the
    run of occupied cells that holds h once every value is in. Running out of probes is an
    assertion failure, never `ok`. Only the cells some probe touches are declared (the subset
    has at most 63 globals); the others are never read."""
    values = [(tid, i * 11 + tid) for tid in range(n) for i in range(4)]
    home = lambda w: (w * 7) % cells
    taken = set()
    for _, w in values:
        h = home(w)
        while h in taken:
            h = (h + 1) % cells
        taken.add(h)

    def probes(w):
        k, h = 1, home(w)
        while (h + k - 1) % cells in taken and (h + k) % cells in taken:
            k += 1
        return k

    touched = sorted({(home(w) + p) % cells for _, w in values for p in range(probes(w))})
    out = ['scenario "indexer(%d) under the LKMM";' % n]
    out += ['int c%d;' % c for c in touched]
    for tid in range(n):
        body = []
        for _, w in [v for v in values if v[0] == tid]:
            depth = 1
            for p in range(probes(w)):
                cell = (home(w) + p) % cells
                body.append('    ' * depth + 'if (cmpxchg(&c%d, 0, %d) != 0) {' % (cell, w))
                depth += 1
            body.append('    ' * depth + 'assert(0);  // out of unrolled probes')
            for p in range(probes(w)):
                depth -= 1
                body.append('    ' * depth + '}')
        out.append('thread t%d {' % tid)
        out += body
        out.append('}')
    return out


def mutex_counter(tk):
    t, k = tk
    out = ['scenario "mutex_counter(%d,%d) under the LKMM";' % (t, k), 'struct mutex m;', 'int c;']
    for tid in range(t):
        out.append('thread t%d {' % tid)
        out += ['    mutex_lock(&m);', '    c = c + 1;', '    mutex_unlock(&m);'] * k
        out.append('}')
    out.append('final { assert(c == %d); }' % (t * k))
    return out


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ('readers', 'lastzero', 'indexer',
                                                 'mutex_counter'):
        sys.stderr.write(__doc__.split('\n\n')[1] + '\n')
        return 2
    n = tuple(int(v) for v in sys.argv[2].split(',')) if ',' in sys.argv[2] else int(sys.argv[2])
    lines = globals()[sys.argv[1]](n)
    print('\n'.join(lines + ['expect ok;']))
    return 0


if __name__ == '__main__':
    sys.exit(main())
