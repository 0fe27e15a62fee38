#!/usr/bin/env bash
# tests/ci/ci_snippets_test.sh SRC BUILD: the GitHub Actions and GitLab CI snippets of
# docs/ci.md, run against the build instead of the network. Every shell command of the two YAML
# blocks (`run:` entries, `before_script:` and `script:` items) is taken from the document and:
#   apt-get update, apt-get install of Debian packages   skipped (tools/dev installs the same)
#   tools/dev package                                     its last step: cpack of BUILD
#   apt-get install -y ... ./build/ravel_*_amd64.deb      extracted into a scratch root, whose
#                                                         usr/bin comes first on PATH
#   anything else (the gates)                             run verbatim in a copy of scenarios/;
#                                                         must exit 0
# Then the same gate commands must fail (exit 1) on a finding: a scenario whose verdict is not its
# expect, a lock ordering missing from the baseline.
set -euo pipefail
src=$1 build=$2
scratch=$(mktemp -d "${TMPDIR:-/tmp}/ravel_ci_test.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
fail() { echo "ci_snippets_test: FAIL: $*" >&2; exit 1; }

# The first ```yaml block after the heading $1 of docs/ci.md.
yaml_block() {
  awk -v h="$1" '$0 == h {s = 1; next} s == 1 && /^```yaml$/ {s = 2; next}
                 s == 2 && /^```$/ {exit} s == 2 {print}' "$src/docs/ci.md"
}

# The shell commands of a YAML block, one per line: `run: CMD`, the lines of `run: |`, and the
# `- CMD` items of before_script:/script: (the subset of YAML the snippets use).
commands_of() {
  awk '
    function indent(l) { match(l, /^ */); return RLENGTH }
    block >= 0 && indent($0) > block && $0 !~ /^ *$/ { sub(/^ */, ""); print; next }
    { block = -1 }
    /^ *(- )?run: \|$/ { block = indent($0); if ($0 ~ /- run/) block += 2; next }
    /^ *(- )?run: / { sub(/^ *(- )?run: /, ""); print; next }
    /^ *(before_script|script):$/ { items = indent($0); next }
    items >= 0 && /^ *- / && indent($0) > items { sub(/^ *- /, ""); print; next }
    items >= 0 && indent($0) <= items { items = -1 }
  ' block=-1 items=-1
}

work="$scratch/work" root="$scratch/root"
deb=""
run_step() {  # run_step SNIPPET COMMAND
  local cmd=$2
  case "$cmd" in
    *"apt-get install"*ravel_*.deb*)
      [ -n "$deb" ] || fail "$1: the package is installed before it is built: $cmd"
      rm -rf "$root" && dpkg-deb -x "$deb" "$root" ;;
    *"apt-get update"* | *"apt-get install"*) ;;  # the network: tools/dev deps has them
    "tools/dev package")
      cpack --config "$build/CPackConfig.cmake" -G DEB -B "$scratch/out" >"$scratch/cpack.log" 2>&1 ||
        { cat "$scratch/cpack.log" >&2; fail "cpack failed"; }
      deb=$(ls "$scratch"/out/ravel_*_amd64.deb) ;;
    *)
      [ "$(command -v ravel)" = "$root/usr/bin/ravel" ] || fail "$1: ravel is not the installed one"
      (cd "$work" && bash -euo pipefail -c "$cmd") || fail "$1: '$cmd' exits $?"
      gates+=("$cmd") ;;
  esac
}

export PATH="$root/usr/bin:$PATH"
for snippet in "## GitHub Actions" "## GitLab CI"; do
  mapfile -t cmds < <(yaml_block "$snippet" | commands_of)
  [ "${#cmds[@]}" -ge 4 ] || fail "$snippet: only ${#cmds[@]} commands found: ${cmds[*]}"
  rm -rf "$work" "$root" && mkdir -p "$work" && cp -r "$src/scenarios" "$work/"
  deb="" gates=()
  for cmd in "${cmds[@]}"; do run_step "$snippet" "$cmd"; done
  # A here-string, not `printf | grep -q`: under pipefail, grep -q exiting at its first match
  # can kill printf with SIGPIPE and fail the pipeline (seen: a flaky failure of this test).
  grep -q '^ravel run ' <<<"$(printf '%s\n' "${gates[@]}")" || fail "$snippet: no ravel run gate"
  grep -q '^ravel lockorder .*--baseline' <<<"$(printf '%s\n' "${gates[@]}")" ||
    fail "$snippet: no ravel lockorder --baseline gate"
  for f in ravel.xml ravel.sarif lockorder-diff.svg lockorder.now.json; do
    [ -s "$work/$f" ] || fail "$snippet: the job wrote no $f"
  done

  # The gates gate: a finding fails them (exit 1).
  for cmd in "${gates[@]}"; do
    case "$cmd" in
      "ravel run "*)
        cp "$src/tests/interp/golden/mismatch.ravel" "$work/scenarios/zz-mismatch.ravel"
        set +e; (cd "$work" && bash -c "$cmd" >/dev/null 2>&1); rc=$?; set -e
        rm "$work/scenarios/zz-mismatch.ravel"
        [ "$rc" -eq 1 ] || fail "$snippet: '$cmd' exits $rc on a mismatching scenario, not 1" ;;
      "ravel lockorder "*--baseline*)
        # The baseline without its first ordering: the scenarios exercise it, so it is new.
        awk '/"from"/ && !done {done = 1; next} {print}' "$src/scenarios/lockorder.baseline.json" \
          >"$work/scenarios/lockorder.baseline.json"
        set +e; out=$(cd "$work" && bash -c "$cmd" 2>&1); rc=$?; set -e
        cp "$src/scenarios/lockorder.baseline.json" "$work/scenarios/"
        [ "$rc" -eq 1 ] || fail "$snippet: '$cmd' exits $rc on a new ordering, not 1: $out"
        grep -q '^+ ' <<<"$out" || fail "$snippet: '$cmd' does not print the new ordering: $out" ;;
    esac
  done
  echo "ci_snippets_test: $snippet: ${#cmds[@]} commands, ${#gates[@]} gates run and gate"
done
