#!/usr/bin/env python3
"""Checks bench/lkmm/programs.py against the benchmark definitions (docs/bench.md).

Usage: check_programs.py RAVEL

Under sc (symmetry off, so the identical readers are not folded) the generated scenarios must
explore exactly the published optimal counts, which shows that they are the programs
ravel-bench runs. Under --memory-model lkmm every sc execution is allowed, so the count is at
least sc's; readers(N) has exactly 2^N (each reader reads the initial value or the write); mutex_counter
exactly sc's (the lock orders the critical sections);
indexer(12) has sc's 8 (its threads' slots are disjoint unless their hashes collide, and they
are written with cmpxchg); a program beyond the lkmm limits (indexer(20): more than 256 events)
is refused with exit 2, never given a verdict.
"""
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def run(ravel, program, n, *options):
    text = subprocess.run([sys.executable, os.path.join(HERE, 'programs.py'), program, str(n)],
                          check=True, capture_output=True, text=True).stdout
    with tempfile.NamedTemporaryFile('w', suffix='.ravel', delete=False) as f:
        f.write(text)
    try:
        r = subprocess.run([ravel, 'run', *options, f.name], capture_output=True, text=True)
    finally:
        os.unlink(f.name)
    m = re.search(r'(\d+) executions \(complete\)', r.stdout)
    return r.returncode, int(m.group(1)) if m else None, r.stdout + r.stderr


def main():
    ravel = sys.argv[1]
    failures = []

    def expect(what, ok, out):
        print(('ok   ' if ok else 'FAIL ') + what)
        if not ok:
            failures.append(what + '\n' + out)

    sc = {('readers', 2): 4, ('readers', 8): 256, ('lastzero', 5): 64, ('indexer', 12): 8}
    for (program, n), count in sc.items():
        rc, got, out = run(ravel, program, n, '--no-reduction=symmetry')
        expect('%s(%d) sc: %s executions (published %d)' % (program, n, got, count),
               rc == 0 and got == count, out)
    for program, n in (('readers', 2), ('readers', 8), ('lastzero', 2), ('lastzero', 5)):
        _, floor, _ = run(ravel, program, n, '--no-reduction=symmetry')
        rc, got, out = run(ravel, program, n, '--memory-model', 'lkmm')
        exact = 2 ** n if program == 'readers' else None
        ok = rc == 0 and got is not None and floor is not None and got >= floor and (
            exact is None or got == exact)
        expect('%s(%d) lkmm: %s executions (sc: %s)' % (program, n, got, floor), ok, out)
    # A counter under a mutex: lock.cat orders the critical sections, so the LKMM allows
    # exactly sc's executions, one per order of the sections ((T*K)! / (K!)^T).
    for tk, count in (('2,2', 6), ('3,1', 6), ('2,3', 20)):
        rc, got, out = run(ravel, 'mutex_counter', tk, '--memory-model', 'lkmm')
        expect('mutex_counter(%s) lkmm: %s executions (sc: %d)' % (tk, got, count),
               rc == 0 and got == count, out)
    rc, got, out = run(ravel, 'indexer', 12, '--memory-model', 'lkmm')
    expect('indexer(12) lkmm: %s executions (sc: 8)' % got, rc == 0 and got == 8, out)
    rc, got, out = run(ravel, 'indexer', 20, '--memory-model', 'lkmm')
    expect('indexer(20) lkmm: refused (exit %d)' % rc, rc == 2 and 'more than 256 events' in out, out)
    for f in failures:
        print(f)
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
