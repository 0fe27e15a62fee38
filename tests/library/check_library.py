#!/usr/bin/env python3
"""tests/library/check_library.py: checks of the scenario library (scenarios/) through `ravel run`.

Modes (argv: RAVEL LIBRARY_DIR MODE):
  exhaustive  `ravel run DIR` (dpor) must exit 0: every scenario's outcome matches its expect.
  random|pct  sampled runs (--seed 1 --executions 200): every scenario whose expect is not ok must
              find at least one violation kind (JSON "found" non-empty), and only expected kinds.
  dfs         dfs (--executions 20000) and dpor must find the same kinds wherever dfs completed.
"""
import json
import subprocess
import sys


def run_json(ravel, path, *opts):
    p = subprocess.run([ravel, "run", "--json", *opts, path], capture_output=True, text=True, errors="replace")
    if p.returncode not in (0, 1):
        sys.exit(f"ravel exited {p.returncode}:\n{p.stderr}")
    rows = [json.loads(line) for line in p.stdout.splitlines() if line.strip()]
    if not rows:
        sys.exit("no JSON lines from ravel run")
    return {r["file"]: r for r in rows}


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
    else:
        sys.exit(f"unknown mode {mode}")
    for msg in failures:
        print("FAIL:", msg)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
