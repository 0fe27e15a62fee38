#!/usr/bin/env bash
# tests/sarif/schema/sarif_schema_test.sh RAVEL SRC: the SARIF `ravel run --sarif` writes,
# validated against the SARIF 2.1.0 JSON schema (validate_sarif.mjs): the scenario library's
# findings (every result suppressed: each is the scenario's expect), unexpected findings and a
# scenario in error (a tool notification). Exit 77 (skipped) without node or node_modules.
set -euo pipefail
ravel=$1 src=$2
command -v node >/dev/null || { echo "SKIPPED: node not found (tools/dev deps)"; exit 77; }
scratch=$(mktemp -d "${TMPDIR:-/tmp}/ravel_sarif_schema.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
cd "$src"
status() { set +e; "$@" >/dev/null 2>&1; echo $?; set -e; }
[ "$(status "$ravel" run scenarios/ --sarif "$scratch/library.sarif")" = 0 ] ||
  { echo "FAIL: ravel run scenarios/ does not pass"; exit 1; }
[ "$(status "$ravel" run tests/interp/golden/mismatch.ravel examples/abba.ravel \
       --sarif "$scratch/findings.sarif")" = 1 ] || { echo "FAIL: the mismatch is not a finding"; exit 1; }
[ "$(status "$ravel" run tests/interp/errors/loop_bound.ravel --sarif "$scratch/error.sarif")" = 2 ] ||
  { echo "FAIL: the loop bound is not an error of the scenario"; exit 1; }
exec node "$src/tests/sarif/schema/validate_sarif.mjs" "$scratch"/library.sarif \
  "$scratch"/findings.sarif "$scratch"/error.sarif
