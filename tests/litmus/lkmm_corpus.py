#!/usr/bin/env python3
"""Every scenario of tests/interp under --memory-model lkmm: refused, or no false ok.

docs/litmus.md, "The scenario tests". A scenario's `expect` line is its verdict under sc (the
interpreter's tests check that). Under lkmm each one is either refused (exit 2, an error at
its own line:col: a construct lkmm does not model) or finds at least the kinds sc finds: lkmm
allows every sc execution, so a kind sc finds and lkmm does not is a false ok of lkmm (or a
false alarm of sc). Extra kinds are the weak behaviours sc cannot show, not checked here. The
exceptions are listed with their reason. Two false oks were found this way on 2026-12-06 (a
wait inside an SRCU section across a grace period; an unlock with another section's index).

usage: lkmm_corpus.py RAVEL ROOT
"""
import json
import os
import re
import subprocess
import sys

# File (from ROOT) -> why lkmm may find less than its expect line.
EXCEPTIONS = {
    # Its bug needs --timeouts=early, which its ctest passes; without it sc finds nothing too.
    'tests/interp/timeouts/early_timeout_bug.ravel': 'sc finds it only with --timeouts=early',
}


def main():
    ravel, root = sys.argv[1], sys.argv[2]
    files = []
    for d, _, names in os.walk(os.path.join(root, 'tests', 'interp')):
        files += [os.path.relpath(os.path.join(d, n), root) for n in names if n.endswith('.ravel')]
    bad, ran, refused = [], 0, 0
    for f in sorted(files):
        p = subprocess.run([ravel, 'run', '--json', '--memory-model', 'lkmm',
                            '--time-limit', '120', f],
                           cwd=root, capture_output=True, text=True, timeout=600, check=False)
        if p.returncode == 2:
            refused += 1
            # The error is at the construct: in the file, or in a header it includes.
            if not re.search(r'^\S+:\d+:\d+: error: ', p.stderr, re.M) or p.stdout != '':
                bad.append(f'{f}: exit 2 without an error at a line:col: {p.stderr[:200]}')
            continue
        try:
            j = json.loads(p.stdout.splitlines()[0])
        except (IndexError, json.JSONDecodeError):
            bad.append(f'{f}: no JSON (exit {p.returncode}): {p.stderr[:200]}')
            continue
        ran += 1
        missing = set(j['expected']) - set(j['found'])
        if missing and f not in EXCEPTIONS:
            bad.append(f'{f}: sc finds {sorted(j["expected"])}, lkmm only {sorted(j["found"])}'
                       f'{"" if j["complete"] else " (incomplete)"}')
    for b in bad:
        print(b)
    print(f'{len(files)} files: {ran} ran under lkmm, {refused} refused, {len(bad)} wrong')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
