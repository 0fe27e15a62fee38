#!/usr/bin/env python3
"""Checks the generators of bench/families and the size of their explorations (docs/bench.md).

Usage: check_families.py RAVEL

revoke(R)xJ must verify (`expect ok`, exit 0) in exactly 2 x R! executions under dpor: R!
orders of the importers' unmap sections under the resv lock, times 2 (docs/bench.md, "Protocol
families"). More would mean a device's write is no longer independent of the invalidation and
of the other devices' signals (docs/reduction.md, "Snapshot order", own jobs); fewer, that
executions went missing. The same file with the exporter's wait for the
fences and one unmap work's wait for its second job removed must find the device's write
through the unmapped mapping (`dma-fault`): the reduction does not hide it.

ops_unload(R) must verify in exactly 5^R executions: each reader's section against the driver
(docs/reduction.md, "Read-side sections"): it read the table and saw its fence not done, or
done; or it read NULL, entering before the grace period's start, or after it with its exit
before or after the grace period's wait. More would mean the readers' sections are ordered with
each other again (R = 5 was 11,223,912 executions before); fewer, that executions went missing.
fence_unload(R), the same protocol on ravel's dma_fence model (dma_fence_is_signaled,
dma_fence_signal), must verify in exactly 9^R executions, for the same reason. Without
synchronize_rcu both must find the use-after-free.

Under --memory-model lkmm, revoke(1)x1 and revoke(2)x1 must verify, with at least sc's
executions (the LKMM allows every sc execution; revoke(2) finishes since the happens-before cut,
docs/litmus.md), and revoke(2)x1 without the exporter's wait for the fences and the first
unmap work's wait for its job must find the device's write through the unmapped mapping.
"""
import math
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def generate(r, jobs):
    return subprocess.run([sys.executable, os.path.join(HERE, 'revoke_jobs.py'), str(r), str(jobs)],
                          check=True, capture_output=True, text=True).stdout


def unload(kind, r, *flags):
    return subprocess.run([sys.executable, os.path.join(HERE, 'unload.py'), kind, str(r), *flags],
                          check=True, capture_output=True, text=True).stdout


def run(ravel, text, *options):
    with tempfile.NamedTemporaryFile('w', suffix='.ravel', delete=False) as f:
        f.write(text)
    try:
        r = subprocess.run([ravel, 'run', *options, f.name], capture_output=True, text=True)
    finally:
        os.unlink(f.name)
    m = re.search(r'(\d+) executions \(complete\)', r.stdout)
    found = re.search(r'found: (.*)', r.stdout)
    return (r.returncode, int(m.group(1)) if m else None, found.group(1) if found else None,
            r.stdout + r.stderr)


def main():
    ravel = sys.argv[1]
    failures = []
    for r, jobs in [(1, 1), (2, 1), (3, 1), (1, 3), (2, 2), (3, 2), (2, 3)]:
        want = 2 * math.factorial(r)
        code, n, found, out = run(ravel, generate(r, jobs))
        if code != 0 or n != want or found != 'ok':
            failures.append(f'revoke({r})x{jobs}: want ok in {want} executions, got exit {code}, '
                            f'{n} executions, found {found}\n{out}')
    buggy = [line for line in generate(2, 2).splitlines()
             if 'dma_resv_wait_timeout' not in line and 'dma_fence_wait(&job1_1' not in line]
    text = '\n'.join(buggy).replace('expect ok;', 'expect dma-fault, null-deref, race;')
    code, n, found, out = run(ravel, text)
    if code != 0 or found is None or 'dma-fault' not in found:
        failures.append(f'revoke(2)x2 without the waits: want dma-fault, got exit {code}, '
                        f'found {found}\n{out}')
    for r in (1, 2):
        floor = 2 * math.factorial(r)
        code, n, found, out = run(ravel, generate(r, 1), '--memory-model', 'lkmm')
        if code != 0 or n is None or n < floor or found != 'ok':
            failures.append(f'revoke({r})x1 lkmm: want ok in at least {floor} executions, got '
                            f'exit {code}, {n} executions, found {found}\n{out}')
    buggy = [line for line in generate(2, 1).splitlines()
             if 'dma_resv_wait_timeout' not in line and 'dma_fence_wait(&job0_0' not in line]
    text = '\n'.join(buggy).replace('expect ok;', 'expect dma-fault, null-deref, race;')
    code, n, found, out = run(ravel, text, '--memory-model', 'lkmm')
    if code != 0 or found is None or 'dma-fault' not in found:
        failures.append(f'revoke(2)x1 lkmm without the waits: want dma-fault, got exit {code}, '
                        f'found {found}\n{out}')
    for kind, per_reader, sizes in [('ops', 5, range(1, 5)), ('fence', 9, range(1, 4))]:
        for r in sizes:
            code, n, found, out = run(ravel, unload(kind, r))
            if code != 0 or n != per_reader**r or found != 'ok':
                failures.append(f'{kind}_unload({r}): want ok in {per_reader**r} executions, got '
                                f'exit {code}, {n} executions, found {found}\n{out}')
        code, n, found, out = run(ravel, unload(kind, 2, '--no-sync'))
        if code != 0 or found != 'uaf':
            failures.append(f'{kind}_unload(2) --no-sync: want uaf, got exit {code}, '
                            f'found {found}\n{out}')
    for f in failures:
        print('FAIL ' + f)
    print(f'{len(failures)} failures')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
