#!/usr/bin/env python3
"""tools/size_report.py: files over 400 lines and functions over 60 lines (docs/architecture.md).

  tools/size_report.py [ROOT]     (ROOT: the checkout, default the current folder)

Counts the .cc and .h files outside build folders. A function is a brace block whose opening
line ends a parameter list (`) {`, `) const {` ...); control blocks and lambdas are not
counted. A heuristic, not a parser: good enough to list what to look at.
"""
import os
import re
import sys

MAX_FILE = 400
MAX_FUNCTION = 60
FUNCTION_HEAD = re.compile(r"\)\s*(const|override|noexcept|->[^{]*)?\s*\{\s*$")
CONTROL = re.compile(r"(if|for|while|switch|else|do|case)\b")
LAMBDA = re.compile(r"\[[^\]]*\]\s*\(")


def sources(root):
    for folder, _, names in os.walk(root):
        rel = os.path.relpath(folder, root)
        if rel.split(os.sep)[0].startswith("build") or "/.git" in folder or "node_modules" in folder:
            continue
        for name in names:
            if name.endswith((".cc", ".h")):
                yield os.path.join(folder, name)


def code_of(line, in_block):
    """The line without comments and string contents; whether a block comment is still open."""
    if in_block:
        if "*/" not in line:
            return "", True
        line = line[line.index("*/") + 2 :]
    line = re.sub(r"//.*", "", line)
    line = re.sub(r"/\*.*?\*/", "", line)
    in_block = "/*" in line
    if in_block:
        line = line[: line.index("/*")]
    line = re.sub(r'"(\\.|[^"\\])*"', '""', line)
    return re.sub(r"'(\\.|[^'\\])*'", "''", line), in_block


def long_functions(lines):
    stack, in_block = [], False
    for i, line in enumerate(lines):
        code, in_block = code_of(line, in_block)
        for ch in code:
            if ch == "{":
                stack.append(i)
            elif ch == "}" and stack:
                start = stack.pop()
                head = lines[start].strip()
                length = i - start + 1
                if (length > MAX_FUNCTION and FUNCTION_HEAD.search(head)
                        and not CONTROL.match(head) and not LAMBDA.search(head)):
                    yield length, start + 1, head[:80]


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    big, functions = [], []
    for path in sorted(sources(root)):
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = f.read().split("\n")
        rel = os.path.relpath(path, root)
        if len(lines) - 1 > MAX_FILE:
            big.append((len(lines) - 1, rel))
        functions += [(n, rel, at, head) for n, at, head in long_functions(lines)]
    print(f"files over {MAX_FILE} lines:")
    for n, rel in sorted(big, reverse=True):
        print(f"  {n:5d} {rel}")
    print(f"functions over {MAX_FUNCTION} lines:")
    for n, rel, at, head in sorted(functions, reverse=True):
        print(f"  {n:5d} {rel}:{at} {head}")


if __name__ == "__main__":
    main()
