#!/bin/sh
# tests/editors/vim_syntax_test.sh ROOT: vim detects .ravel files (editors/vim/ftdetect) and its
# syntax (editors/vim/syntax/ravel.vim) gives each kind of word of a scenario its group.
# Exit 0 pass, 1 fail, 77 skipped (no vim).
root=${1:?usage: vim_syntax_test.sh ROOT}
command -v vim >/dev/null 2>&1 || { echo "SKIP: vim is not installed"; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/t.ravel" <<'RAVEL'
scenario "vim";
struct mutex a; spinlock_t s;
thread T0 on cpu 0 { mutex_lock(&a); WARN_ON(x == 0x10); } // done
expect deadlock, atomic-sleep;
int c = 'x';
RAVEL
# "line col expected-group" for each probe; the answer of vim is written next to it.
cat >"$tmp/probes" <<'PROBES'
1 1 ravelScenario
1 10 ravelString
2 1 ravelKernelType
2 17 ravelKernelType
3 1 ravelTask
3 8 ravelTaskName
3 11 ravelTaskWord
3 22 ravelBuiltin
3 38 ravelCheck
3 51 ravelNumber
3 60 ravelComment
4 1 ravelScenario
4 8 ravelVerdict
4 18 ravelVerdict
5 9 ravelCharacter
PROBES
vim -Nu NONE -i NONE -es --cmd "set rtp^=$root/editors/vim" --cmd "filetype on" \
  --cmd "syntax on" \
  -c "let out = ['filetype ' . &filetype]" \
  -c "for p in readfile('$tmp/probes') | let [l, c, w] = split(p) | call add(out, p . ' -> ' . synIDattr(synID(str2nr(l), str2nr(c), 1), 'name')) | endfor" \
  -c "call writefile(out, '$tmp/out')" -c "qa!" "$tmp/t.ravel" </dev/null
status=0
if ! grep -qx "filetype ravel" "$tmp/out"; then
  echo "FAIL: .ravel is not detected as filetype ravel"; status=1
fi
while read -r l c want; do
  got=$(grep "^$l $c $want -> " "$tmp/out" | sed 's/.* -> //')
  if [ "$got" != "$want" ]; then
    echo "FAIL: line $l col $c: want $want, vim says '${got}'"; status=1
  fi
done <"$tmp/probes"
[ $status -eq 0 ] && echo "PASS: $(grep -c . "$tmp/probes") positions highlighted as expected"
exit $status
