#!/usr/bin/env bash
# tests/package/package_test.sh BUILD VERSION: builds the Debian package of BUILD with CPack (as
# `tools/dev package` does), checks its name, control fields and file list, extracts it into a
# scratch root with dpkg-deb -x (no root needed) and runs the installed ravel: --version, `run` on
# an installed example, the installed manual page.
set -euo pipefail
build=$1 version=$2
scratch=$(mktemp -d "${TMPDIR:-/tmp}/ravel_package_test.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
fail() { echo "package_test: FAIL: $*" >&2; exit 1; }

cpack --config "$build/CPackConfig.cmake" -G DEB -B "$scratch/out" >"$scratch/cpack.log" 2>&1 ||
  { cat "$scratch/cpack.log" >&2; fail "cpack failed"; }
deb="$scratch/out/ravel_${version}_amd64.deb"
[ -f "$deb" ] || fail "no $(basename "$deb"); cpack made: $(ls "$scratch/out")"

# Control fields: the name, the project's version, Debian's shared-library dependencies.
[ "$(dpkg-deb -f "$deb" Package)" = ravel ] || fail "Package: $(dpkg-deb -f "$deb" Package)"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "Version: $(dpkg-deb -f "$deb" Version)"
[ "$(dpkg-deb -f "$deb" Architecture)" = amd64 ] || fail "Architecture"
[ "$(dpkg-deb -f "$deb" Recommends)" = "graphviz, bash-completion" ] ||
  fail "Recommends: $(dpkg-deb -f "$deb" Recommends)"
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libboost-context libstdc++6 libc6; do
  grep -q "$lib" <<<"$depends" || fail "Depends lacks $lib: $depends"
done

# Contents: the tool, its page, the examples and docs; no test executable, no benchmark.
contents=$(dpkg-deb -c "$deb" | awk '{print $NF}')
for f in ./usr/bin/ravel ./usr/share/man/man1/ravel.1 ./usr/share/bash-completion/completions/ravel \
         ./usr/share/doc/ravel/README.md \
         ./usr/share/doc/ravel/docs/cli.md ./usr/share/doc/ravel/examples/abba.ravel; do
  grep -qxF "$f" <<<"$contents" || fail "$f is not in the package"
done
for ex in "$(dirname "$0")"/../../examples/*.ravel; do
  grep -qxF "./usr/share/doc/ravel/examples/$(basename "$ex")" <<<"$contents" ||
    fail "example $(basename "$ex") is not in the package"
done
if grep -v '^\./usr/share/doc/' <<<"$contents" | grep -E 'test|bench|fuzz'; then
  fail "a test or benchmark is packaged"
fi
[ "$(grep -c '^\./usr/bin/.' <<<"$contents")" -eq 1 ] || fail "usr/bin holds more than ravel"

# The installed tool, run from the scratch root with the system's libraries.
root="$scratch/root"
dpkg-deb -x "$deb" "$root"
out=$("$root/usr/bin/ravel" --version) || fail "ravel --version exits $?"
[ "$out" = "ravel $version" ] || fail "ravel --version prints '$out'"
cd "$root/usr/share/doc/ravel"
set +e
out=$("$root/usr/bin/ravel" run examples/abba.ravel 2>&1)
rc=$?
set -e
[ "$rc" -eq 0 ] || fail "ravel run examples/abba.ravel exits $rc: $out"
for want in 'PASS  examples/abba.ravel  "AB-BA: two mutexes taken in opposite orders"' \
            '  expected: deadlock, lockdep; found: deadlock, lockdep' \
            '  strategy dpor, 3 executions (complete), '; do
  grep -qF -- "$want" <<<"$out" || fail "ravel run output lacks '$want':
$out"
done
# The installed completion script completes (tools/ravel/completion_test.cc tests it in depth).
got=$(bash --norc --noprofile -c "source '$root/usr/share/bash-completion/completions/ravel'
  COMP_WORDS=(ravel lock); COMP_CWORD=1; _ravel; echo \"\${COMPREPLY[*]}\"")
[ "$got" = lockorder ] || fail "the installed bash completion completes 'lock' as '$got'"
page=$(MANWIDTH=80 man -l "$root/usr/share/man/man1/ravel.1" 2>&1)
grep -qF -- "--strategy" <<<"$page" || fail "the installed manual page does not render: $page"
echo "package_test: $(basename "$deb") ($(stat -c %s "$deb") bytes) installs and runs"
