#!/usr/bin/env python3
"""tests/library/check_library.py: checks of the scenario library (scenarios/) through `ravel run`.

Modes (argv: RAVEL LIBRARY_DIR MODE):
  exhaustive  `ravel run DIR` (dpor) must exit 0: every scenario's outcome matches its expect.
  random|pct  sampled runs (--seed 1 --executions 200): every scenario whose expect is not ok must
              find at least one violation kind (JSON "found" non-empty), and only expected kinds.
  dfs         dfs (--executions 20000) and dpor must find the same kinds wherever dfs completed.
  mutants     mutants of every scenario (a synchronization or reference-count call dropped, two
              adjacent statements swapped) that still pass `ravel check`: dpor with and without
              each reduction of docs/reduction.md (--no-reduction=NAME) must find the same kinds
              wherever both complete, and the mutants must change some verdicts (or they test
              nothing).
"""
import json
import os
import re
import subprocess
import sys
import tempfile

# Calls whose removal changes synchronization or lifetime: the mutants drop them one at a time.
DROPPABLE = re.compile(r"^\s+(?:\w+ = )?(kref_put|kref_get|dma_fence_put|dma_fence_get|refcount_\w+|"
                       r"atomic_\w+|spin_lock\w*|spin_unlock\w*|mutex_lock|mutex_unlock|"
                       r"wait_for_completion\w*|complete|dma_fence_wait\w*|dma_fence_signal\w*|"
                       r"dma_resv_lock|dma_resv_unlock|synchronize_rcu|rcu_read_\w+)\(.*\);\s*$")
STATEMENT = re.compile(r"^\s+[a-z_][\w>.&*()\[\], -]*\);\s*$")
REDUCTIONS = ["commute", "symmetry", "coarse"]
MAX_MUTANTS_PER_SCENARIO = 12


def mutants(text):
    """Yields mutated texts: one droppable line removed, or two adjacent statements swapped."""
    lines = text.split("\n")
    out = []
    for i, line in enumerate(lines):
        if DROPPABLE.match(line):
            out.append(lines[:i] + lines[i + 1:])
    for i in range(len(lines) - 1):
        if STATEMENT.match(lines[i]) and STATEMENT.match(lines[i + 1]):
            out.append(lines[:i] + [lines[i + 1], lines[i]] + lines[i + 2:])
    return ["\n".join(m) for m in out[:MAX_MUTANTS_PER_SCENARIO]]


def write_mutants(ravel, lib, into):
    """Writes the mutants that pass `ravel check` into `into`; returns {mutant: original}."""
    origin = {}
    for root, _, files in os.walk(lib):
        for name in sorted(files):
            if not name.endswith(".ravel"):
                continue
            src = os.path.join(root, name)
            with open(src, encoding="utf-8") as f:
                text = f.read()
            for k, m in enumerate(mutants(text)):
                dst = os.path.join(into, f"{os.path.relpath(src, lib).replace('/', '__')[:-6]}__m{k}.ravel")
                with open(dst, "w", encoding="utf-8") as f:
                    f.write(m)
                origin[dst] = src
    checked = subprocess.run([ravel, "check", *sorted(origin)], capture_output=True, text=True)
    bad = set(re.findall(r"^(\S+\.ravel):\d+:\d+: error", checked.stderr, re.M))
    for path in bad:
        os.remove(path)
        del origin[path]
    return origin


def check_mutants(ravel, lib, failures):
    with tempfile.TemporaryDirectory() as tmp:
        origin = write_mutants(ravel, lib, tmp)
        cap = ["--executions", "20000"]
        base = run_json(ravel, tmp, *cap, scenario_errors=True)
        originals = run_json(ravel, lib)
        changed = sum(1 for f, r in base.items()
                      if sorted(r["found"]) != sorted(originals[origin[f]]["found"]))
        for name in REDUCTIONS:
            off = run_json(ravel, tmp, *cap, f"--no-reduction={name}", scenario_errors=True)
            compared = 0
            for f, r in base.items():
                if f not in off or not (r["complete"] and off[f]["complete"]):
                    continue
                compared += 1
                if sorted(r["found"]) != sorted(off[f]["found"]):
                    failures.append(f"mutant of {origin[f]} ({os.path.basename(f)}): found "
                                    f"{r['found']} with the reductions, {off[f]['found']} with "
                                    f"--no-reduction={name}")
                if r["executions"] > off[f]["executions"]:
                    failures.append(f"{f}: more executions with the reduction {name}")
            print(f"{len(base)} mutants, {changed} change a verdict; {compared} complete with and "
                  f"without {name}")
            if compared < len(base) // 2:
                failures.append(f"only {compared} of {len(base)} mutants complete")
        if changed < len(base) // 5:
            failures.append(f"only {changed} of {len(base)} mutants change a verdict")


def run_json(ravel, path, *opts, scenario_errors=False):
    """Rows by file. scenario_errors: exit 2 (a scenario in error, e.g. a mutant's endless loop)
    is accepted; such rows have no verdict and are dropped."""
    p = subprocess.run([ravel, "run", "--json", *opts, path], capture_output=True, text=True, errors="replace")
    if p.returncode not in ((0, 1, 2) if scenario_errors else (0, 1)):
        sys.exit(f"ravel exited {p.returncode}:\n{p.stderr}")
    rows = [json.loads(line) for line in p.stdout.splitlines() if line.strip()]
    if not rows:
        sys.exit("no JSON lines from ravel run")
    return {r["file"]: r for r in rows if not (scenario_errors and r.get("error"))}


def main():
    ravel, lib, mode = sys.argv[1:4]
    failures = []
    if mode == "exhaustive":
        p = subprocess.run([ravel, "run", lib], capture_output=True, text=True, errors="replace")
        print(p.stdout[-6000:])
        if p.returncode != 0:
            failures.append(f"ravel run {lib} exited {p.returncode}\n{p.stderr[-3000:]}")
        rows = run_json(ravel, lib)
        for f, r in rows.items():
            if not r["complete"] or not r["match"]:
                failures.append(f"{f}: complete={r['complete']} match={r['match']} found={r['found']}")
    elif mode in ("random", "pct"):
        rows = run_json(ravel, lib, "--strategy", mode, "--seed", "1", "--executions", "200")
        bugs = 0
        for f, r in rows.items():
            extra = set(r["found"]) - set(r["expected"])
            if extra:
                failures.append(f"{f}: {mode} found unexpected kinds {sorted(extra)}")
            if r["expected"]:
                bugs += 1
                if not r["found"]:
                    failures.append(f"{f}: {mode} found nothing, expected {r['expected']}")
        if bugs == 0:
            failures.append("no bug scenario in the library")
    elif mode == "dfs":
        dpor = run_json(ravel, lib)
        dfs = run_json(ravel, lib, "--strategy", "dfs", "--executions", "20000")
        compared = 0
        for f, r in dfs.items():
            if not r["complete"]:
                continue
            compared += 1
            if sorted(r["found"]) != sorted(dpor[f]["found"]):
                failures.append(f"{f}: dfs found {r['found']}, dpor found {dpor[f]['found']}")
            if dpor[f]["executions"] > r["executions"]:
                failures.append(f"{f}: dpor explored more executions than dfs")
        print(f"dfs complete on {compared} of {len(dfs)} scenarios")
        if compared < len(dfs) // 2:
            failures.append(f"dfs completed only {compared} of {len(dfs)} scenarios")
    elif mode == "mutants":
        check_mutants(ravel, lib, failures)
    else:
        sys.exit(f"unknown mode {mode}")
    for msg in failures:
        print("FAIL:", msg)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
