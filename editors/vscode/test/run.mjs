// editors/vscode/test/run.mjs: tests of the TextMate grammar of .ravel files
// (syntaxes/ravel.tmLanguage.json) with vscode-tmgrammar-test (vscode-textmate + oniguruma, the
// engine VS Code itself uses).
//
//   node test/run.mjs [--update] [REPO_ROOT]
//
// 1. Assertion cases (test/cases/*.ravel, vscode-tmgrammar-test's "// ^^^ scope" format): the
//    scopes of keywords, types, kernel built-ins, comments, strings, numbers and the scenario's
//    blocks.
// 2. Snapshots of the whole scenario library (REPO_ROOT/scenarios/**/*.ravel): every token's
//    scopes are compared with test/snapshots/<path>.snap; --update rewrites them after a reviewed
//    grammar change.
// 3. No scenario of the library, example or test input meant to be valid has a token scoped
//    invalid.illegal (the grammar marks what the
//    language refuses: #include <...> and directives outside the subset, union, stray
//    characters), and
//    a sample with such constructs does get them (the check can fail).
// Exit 0 pass, 1 fail, 77 skipped (node_modules missing: run `tools/dev deps`).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const ext = path.dirname(here);
const args = process.argv.slice(2);
const update = args.includes('--update');
const root = path.resolve(args.find((a) => !a.startsWith('--')) ?? path.join(ext, '..', '..'));
const pkgDir = path.join(ext, 'node_modules', 'vscode-tmgrammar-test');
if (!fs.existsSync(pkgDir)) {
  console.log('SKIP: editors/vscode/node_modules is missing (run `tools/dev deps`, or ' +
              '`npm ci` in editors/vscode)');
  process.exit(77);
}
const require = createRequire(path.join(ext, 'package.json'));
const { createRegistry } = require('vscode-tmgrammar-test/dist/common/index.js');
const { getVSCodeTokens, renderSnap } = require('vscode-tmgrammar-test/dist/snapshot/index.js');

let failures = 0;
const fail = (msg) => {
  console.log('FAIL ' + msg);
  failures++;
};

// 1. Assertion cases, through the package's own runner.
try {
  const out = execFileSync(process.execPath,
                           [path.join(pkgDir, 'dist', 'unit.js'), '--compact',
                            'test/cases/*.ravel'],
                           { cwd: ext, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  console.log(out.trim());
} catch (e) {
  fail('assertion cases:\n' + (e.stdout ?? '') + (e.stderr ?? ''));
}

const grammarPath = path.join(ext, 'syntaxes', 'ravel.tmLanguage.json');
const registry = createRegistry([{ scopeName: 'source.ravel', path: grammarPath, language: 'ravel' }]);
const tokens = (src) => getVSCodeTokens(registry, 'source.ravel', src);

function illegal(lines) {
  const found = [];
  lines.forEach((l, i) => {
    for (const t of l.tokens) {
      if (t.scopes.some((s) => s.startsWith('invalid.illegal'))) {
        found.push(`${i + 1}:${t.startIndex + 1} '${l.src.slice(t.startIndex, t.endIndex)}' ` +
                   t.scopes.join(' '));
      }
    }
  });
  return found;
}

function walk(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else if (e.name.endsWith('.ravel')) out.push(p);
  }
  return out.sort();
}

// 2 and 3 over the library.
const scenarios = walk(path.join(root, 'scenarios'));
if (scenarios.length === 0) fail('no scenario found under ' + path.join(root, 'scenarios'));
const snapDir = path.join(here, 'snapshots');
const expected = new Set();
let illegalCount = 0;
for (const file of scenarios) {
  const rel = path.relative(root, file);
  const lines = await tokens(fs.readFileSync(file, 'utf8'));
  for (const bad of illegal(lines)) {
    illegalCount++;
    fail(`${rel}:${bad}: invalid.illegal token`);
  }
  const snapFile = path.join(snapDir, rel + '.snap');
  expected.add(snapFile);
  const snap = renderSnap(lines);
  if (update) {
    fs.mkdirSync(path.dirname(snapFile), { recursive: true });
    fs.writeFileSync(snapFile, snap);
  } else if (!fs.existsSync(snapFile)) {
    fail(`${rel}: no snapshot ${path.relative(ext, snapFile)} (review, then node test/run.mjs --update)`);
  } else if (fs.readFileSync(snapFile, 'utf8') !== snap) {
    const want = fs.readFileSync(snapFile, 'utf8').split('\n');
    const got = snap.split('\n');
    let i = 0;
    while (i < want.length && want[i] === got[i]) i++;
    fail(`${rel}: tokens differ from ${path.relative(ext, snapFile)} at snapshot line ${i + 1}:\n` +
         `  want: ${want[i]}\n  got:  ${got[i]}`);
  }
}
// 3c. Every other .ravel file of the repository highlights without an invalid token too, except
// the ones that hold refused input on purpose (tests of errors, fuzz inputs, the grammar's own
// cases and samples).
const refused = ['tests/lang/bad', 'tests/interp/errors', 'tests/fuzz', 'editors', 'build',
                 'node_modules'].map((d) => path.join(root, d) + path.sep);
const others = ['examples', 'tests'].flatMap((d) =>
  fs.existsSync(path.join(root, d)) ? walk(path.join(root, d)) : []).filter(
  (f) => !refused.some((r) => f.startsWith(r)));
for (const file of others) {
  for (const bad of illegal(await tokens(fs.readFileSync(file, 'utf8')))) {
    illegalCount++;
    fail(`${path.relative(root, file)}:${bad}: invalid.illegal token`);
  }
}

// Snapshots of scenarios that no longer exist.
function allSnaps(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? allSnaps(path.join(dir, e.name))
                    : e.name.endsWith('.snap') ? [path.join(dir, e.name)] : []);
}
for (const s of allSnaps(snapDir)) {
  if (expected.has(s)) continue;
  if (update) fs.unlinkSync(s);
  else fail(`${path.relative(ext, s)}: snapshot of a scenario that does not exist (--update drops it)`);
}

// 3b. The illegal check can fail: constructs the language refuses are marked.
const sample = '#include <linux/mutex.h>\n#line 3\nint f(int x) { union u; return sizeof(x); }\nint y = 1 @ 2;\n';
const marks = illegal(await tokens(sample)).map((m) => m.match(/'.*'/)[0]);
for (const want of ["'#include <linux/mutex.h>'", "'#line 3'", "'union'", "'@'"]) {
  if (!marks.includes(want)) fail(`sample: ${want} is not marked invalid.illegal (got ${marks.join(', ')})`);
}

console.log(`${scenarios.length} library scenarios: ${update ? 'snapshots written' : 'snapshots compared'}, ` +
            `${others.length} other .ravel files checked, ` +
            `${illegalCount} invalid.illegal token(s)`);
if (failures) {
  console.log(`${failures} failure(s)`);
  process.exit(1);
}
console.log('PASS');
