#!/usr/bin/env python3
"""tests/layering/check_layering.py SRC: the project's layers, checked on its #include lines.

docs/architecture.md describes the layers; this keeps them from eroding one include at a time:
  checker/            the engine: tasks, events, choices. Includes only itself.
  model/core/         the wait mechanism, lock words, clocks: only the engine under it.
  model/              the kernel models: the engine and model/core, never a front end or report.
  model/lkmm/         the LKMM's relations: self-contained.
  reports/            traces and their renderings: the engine's contract (checker/api.h and its
                      report views), never a model type.
  scenarios/api/      the declarations: self-contained (read by the front end and the binders).
  scenarios/lang/     the front end: the declarations, the engine's types and model/ops.def (the
                      op vocabulary), no model code.
Tests (*_test.cc, testing/ helpers) may reach across layers to build their fixtures.
Exit 1 with one line per violating include. With --expect N (the test of this checker, on the
fixture tree tests/layering/bad): exit 0 exactly when N includes violate.
"""
import os
import re
import sys

# layer -> the top-level include prefixes it may use (its own first).
ALLOWED = {
    "checker": ["checker/"],
    "model/core": ["model/core/", "checker/"],
    "model/lkmm": ["model/lkmm/"],
    "model": ["model/", "checker/"],
    "reports": ["reports/", "checker/"],
    "scenarios/api": ["scenarios/api/"],
    "scenarios/lang": ["scenarios/lang/", "scenarios/api/", "checker/", "model/ops.def"],
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def layer_of(path):
    """The most specific layer the file belongs to, or None."""
    best = None
    for layer in ALLOWED:
        if path.startswith(layer + "/") and (best is None or len(layer) > len(best)):
            best = layer
    return best


def is_test(path):
    name = os.path.basename(path)
    return name.endswith("_test.cc") or "/testing/" in path or name.startswith("testing")


def main(src, expect=None):
    bad = []
    for layer in ALLOWED:
        for root, _, files in os.walk(os.path.join(src, layer)):
            for f in sorted(files):
                if not f.endswith((".cc", ".h", ".def")):
                    continue
                rel = os.path.relpath(os.path.join(root, f), src)
                if layer_of(rel) != layer or is_test(rel):
                    continue
                with open(os.path.join(src, rel), errors="replace") as fh:
                    text = fh.read()
                for m in INCLUDE.finditer(text):
                    inc = m.group(1)
                    if "/" not in inc:
                        continue  # same directory
                    if not any(inc.startswith(a) for a in ALLOWED[layer]):
                        line = text.count("\n", 0, m.start()) + 1
                        bad.append(f"{rel}:{line}: {layer}/ must not include \"{inc}\"")
    for b in bad:
        print(b)
    print(f"layering: {len(bad)} include(s) across layers", file=sys.stderr)
    if expect is not None:
        return 0 if len(bad) == expect else 1
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[2] == "--expect":
        sys.exit(main(sys.argv[1], int(sys.argv[3])))
    sys.exit(main(sys.argv[1]))
