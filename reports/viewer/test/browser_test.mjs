// reports/viewer/test/browser_test.mjs: opens the HTML reports of the sample traces in headless
// Chromium (Debian `chromium`, driven by playwright-core; never downloads a browser) and checks
// lanes, lock spans, the highlighted violation, the lock graph's cycle, the source line and
// keyboard stepping. Saves one screenshot per sample. With RAVEL_BIN and SRC_DIR it also opens
// the pages of traces written by `ravel run --trace` / `--replay --trace` for scenarios of the
// tests and the spec (deadlock, lockdep cycle, IRQ inversion, uaf, hang); their screenshots go
// to OUTDIR. It also opens the page of an LKMM execution (--memory-model lkmm --trace) and checks
// its reads-from and coherence arrows.
//   node browser_test.mjs SAMPLES_BIN OUTDIR IMAGEDIR [RAVEL_BIN SRC_DIR]
// Exit 0 pass, 1 fail, 77 skipped (no chromium or no node_modules: run `tools/dev deps`).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const chromium = process.env.RAVEL_CHROMIUM || '/usr/bin/chromium';
const [samplesBin, outDir, imageDir, ravelBin, srcDir] = process.argv.slice(2);
if (!samplesBin || !outDir || !imageDir) {
  console.error('usage: browser_test.mjs SAMPLES_BIN OUTDIR IMAGEDIR');
  process.exit(2);
}
if (!existsSync(chromium)) {
  console.log(`SKIPPED: ${chromium} not found (apt-get install chromium, or tools/dev deps)`);
  process.exit(77);
}
let playwright;
try {
  playwright = createRequire(join(here, '..', 'package.json'))('playwright-core');
} catch {
  console.log('SKIPPED: reports/viewer/node_modules missing (cd reports/viewer && npm ci, or tools/dev deps)');
  process.exit(77);
}

mkdirSync(outDir, { recursive: true });
mkdirSync(imageDir, { recursive: true });
execFileSync(samplesBin, [outDir], { stdio: 'inherit' });

const failures = [];
function check(sample, cond, what) {
  if (!cond) failures.push(`${sample}: ${what}`);
  console.log(`${cond ? 'ok  ' : 'FAIL'} ${sample}: ${what}`);
}

const profile = mkdtempSync(join(tmpdir(), 'ravel-chromium-'));
// A fresh profile directory (playwright passes it as --user-data-dir).
const browser = await playwright.chromium.launchPersistentContext(profile, {
  executablePath: chromium,
  headless: true,
  viewport: { width: 1440, height: 820 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

// What each sample must show beyond the common checks.
const samples = {
  'deadlock': { lanes: ['T0', 'T1'], blocked: 2, cycle: 2 },
  'lockdep-cycle': { lanes: ['probe', 'submit'], blocked: 0, cycle: 2, wakeups: 1 },
  'irq-inversion': { lanes: ['worker', 'dev_irq'], blocked: 0, irq: true },
  'uaf': { lanes: ['reaper', 'reader'], blocked: 0 },
  'hang': { lanes: ['waiter', 'job'], blocked: 1 },
};

// Scenarios run through `ravel run`: the trace of the first violation of `kind` (written by
// `ravel run --replay SCHEDULE --trace`, which is what `ravel run --trace` writes for the first
// violation), rendered by `ravel report`. Shown on the violation of that kind.
const scenarios = !ravelBin ? {} : {
  'run-deadlock': { file: 'examples/abba.ravel', kind: 'deadlock', lanes: ['T0', 'T1'], blocked: 2, spans: true },
  'run-lockdep-cycle': { file: 'examples/abba.ravel', kind: 'lockdep', lanes: ['T0', 'T1'], blocked: 0, cycle: 2, spans: true },
  'run-irq-inversion': { file: 'tests/interp/models/irq/irq_spin_deadlock.ravel', kind: 'lockdep', lanes: ['T0', 'I0'], irq: true, spans: true },
  'run-uaf': { file: 'tests/interp/lang/uaf.ravel', kind: 'uaf', lanes: ['T0', 'T1'], blocked: 0 },
  'run-hang': { file: 'tests/interp/models/wait_event_lost_wakeup.ravel', kind: 'hang', lanes: ['T0', 'T1'], blocked: 1 },
  // lockdep links two executions: the trace replays the earlier one first (its `history`); the
  // lock-order panel lists the acquisition that execution recorded. Written by `ravel run --trace`.
  'run-lockdep-history': { file: 'tests/traces/data/lockdep_history.ravel', kind: 'lockdep', lanes: ['T0'], cycle: 2, spans: true, history: 1, direct: true },
};
function scenarioPath(file) {
  return join(srcDir, file);
}
for (const [name, want] of Object.entries(scenarios)) {
  const file = scenarioPath(want.file);
  let out = '';
  try {
    out = execFileSync(ravelBin, ['run', '--json', file], { encoding: 'utf8' });
  } catch (e) {
    out = e.stdout || '';  // exit 1 (mismatch) still prints the line
  }
  const found = JSON.parse(out.trim().split('\n').pop()).violations.find(v => v.kind === want.kind);
  if (!found) {
    console.error(`FAIL ${name}: ${want.file} reports no ${want.kind}`);
    process.exit(1);
  }
  const json = join(outDir, `${name}.json`);
  if (want.direct) execFileSync(ravelBin, ['run', '--quiet', '--trace', json, file]);
  else execFileSync(ravelBin, ['run', '--quiet', '--replay', found.schedule, '--trace', json, file]);
  execFileSync(ravelBin, ['report', json, '--html', join(outDir, `${name}.html`)]);
  want.screenshotDir = outDir;
}

// An LKMM execution (ravel run --memory-model lkmm --trace): message passing without barriers,
// whose weak outcome reads the flag from the writer and the data from the initial write. The
// page draws one arrow per rf pair from the write to the read, and co between writes.
async function checkLkmm() {
  const name = 'run-lkmm-mp';
  const json = join(outDir, `${name}.json`), html = join(outDir, `${name}.html`);
  try {
    // From the source folder, so that the page names the file as the docs' screenshot does.
    execFileSync(ravelBin, ['run', '--quiet', '--memory-model', 'lkmm', '--trace', json,
                            'tests/litmus/ravel/mp-once.ravel'], { cwd: srcDir });
  } catch (e) {
    failures.push(`${name}: ravel run --trace failed: ${e}`);
    return;
  }
  execFileSync(ravelBin, ['report', json, '--html', html]);
  const trace = JSON.parse(readFileSync(json, 'utf8'));
  const id = (thread, kind, loc, value) => trace.events.find(e => trace.threads[e.thread] === thread &&
    e.kind === kind && e.location === loc && e.value === value).id;
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', e => errors.push(String(e)));
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(pathToFileURL(html).href);
  await page.waitForSelector('#timeline-svg');
  check(name, errors.length === 0, `no page errors (${errors.join('; ')})`);
  check(name, (await page.locator('.error').count()) === 0, 'trace passes the schema check');
  for (const lane of ['init', 'writer', 'reader']) {
    check(name, (await page.locator(`.lane[data-thread="${lane}"]`).count()) === 1, `lane ${lane}`);
  }
  check(name, (await page.locator('.lkmm-event').count()) === trace.events.length, 'one box per event');
  check(name, (await page.locator('path.rf').count()) === 2, 'two rf arrows (one per read)');
  const flagW = id('writer', 'W', 'flag', '1'), flagR = id('reader', 'R', 'flag', '1');
  const dataI = id('init', 'W', 'data', '0'), dataR = id('reader', 'R', 'data', '0');
  check(name, (await page.locator(`path.rf[data-from="${flagW}"][data-to="${flagR}"]`).count()) === 1,
        'rf arrow from the writer\'s flag write to the reader\'s flag read');
  check(name, (await page.locator(`path.rf[data-from="${dataI}"][data-to="${dataR}"]`).count()) === 1,
        'rf arrow from the initial data to the reader\'s data read (the weak outcome)');
  check(name, (await page.locator(`path.co[data-from="${dataI}"][data-to="${id('writer', 'W', 'data', '1')}"]`).count()) === 1,
        'co arrow from the initial data write to the writer\'s');
  check(name, (await page.locator('#violation .headline').count()) === 1, 'violation headline');
  check(name, (await page.locator('#witness .rf-line').count()) === 2, 'witness lists rf');
  await page.locator(`.step[data-index="${dataR}"]`).click();
  check(name, Number(await page.evaluate(() => document.body.dataset.step)) === dataR, 'click selects the data read');
  const from = await page.locator('#rf-from').textContent();
  check(name, from !== null && from.startsWith(`${dataI}: init`), `the panel names its rf source (${from})`);
  const line = await page.locator('.src-line.current').textContent();
  check(name, line !== null && line.includes('READ_ONCE(data)'), `source line of the read (${line && line.trim()})`);
  await page.keyboard.press('Home');
  check(name, Number(await page.evaluate(() => document.body.dataset.step)) === 0, 'Home selects event 0');
  await page.keyboard.press('j');
  check(name, Number(await page.evaluate(() => document.body.dataset.step)) === 1, 'j steps forward');
  await page.screenshot({ path: join(outDir, `viewer-${name}.png`) });
  await page.close();
}

try {
  if (ravelBin) await checkLkmm();
  for (const [name, want] of [...Object.entries(samples), ...Object.entries(scenarios)]) {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', e => errors.push(String(e)));
    page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
    await page.route('**/*', route => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      errors.push(`network request: ${url}`);
      return route.abort();
    });
    await page.goto(pathToFileURL(join(outDir, `${name}.html`)).href);
    await page.waitForSelector('#timeline-svg');
    check(name, errors.length === 0, `no page errors or requests (${errors.join('; ')})`);
    check(name, (await page.locator('.error').count()) === 0, 'trace passes the schema check');
    if (want.kind) {
      // Show the violation of the wanted kind (keys 1-9 choose a violation).
      const vi = await page.evaluate(k => JSON.parse(document.getElementById('ravel-trace').textContent)
        .violations.findIndex(v => v.kind === k), want.kind);
      check(name, vi >= 0, `the trace holds a ${want.kind} violation`);
      if (vi > 0) await page.keyboard.press(String(vi + 1));
    }
    for (const lane of want.lanes) {
      check(name, (await page.locator(`.lane[data-task="${lane}"]`).count()) === 1, `lane ${lane}`);
    }
    if (want.spans !== false && (!want.kind || want.spans)) {
      check(name, (await page.locator('.lock-span').count()) > 0, 'held locks drawn as spans');
    }
    const vsteps = await page.locator('.step.violation-step').count();
    check(name, vsteps > 0, `violation steps highlighted (${vsteps})`);
    check(name, (await page.locator('#violation .headline').count()) === 1, 'violation headline');
    if (want.blocked !== undefined) {
      check(name, (await page.locator('.blocked').count()) === want.blocked, `${want.blocked} blocked task(s) marked`);
    }
    if (want.cycle) {
      check(name, (await page.locator('#lock-graph-svg .edge.cycle').count()) === want.cycle,
            `lock graph marks a ${want.cycle}-edge cycle`);
    }
    if (want.history) {
      check(name, (await page.locator('#history-edges li').count()) === want.history,
            `${want.history} dependency(ies) of earlier executions listed`);
      check(name, (await page.locator('#lock-graph-svg .edge.history').count()) >= 1, 'history edge drawn');
      check(name, (await page.locator('#history-note').count()) === 1, 'replay note on the history');
    }
    if (want.wakeups) check(name, (await page.locator('path.wakeup').count()) >= want.wakeups, 'wake-up arrow');
    if (want.irq) {
      check(name, (await page.locator('.lane.irq[data-kind="irq"]').count()) === 1, 'IRQ lane nested on its CPU');
      check(name, (await page.locator('.step.ctx-hardirq').count()) > 0, 'hardirq steps');
    }
    // Keyboard stepping moves the selection; the source panel follows.
    const step = async () => Number(await page.evaluate(() => document.body.dataset.step));
    const first = await step();
    check(name, (await page.locator(`.step.selected[data-index="${first}"]`).count()) === 1, `step ${first} selected`);
    const count = await page.evaluate(() => JSON.parse(document.getElementById('ravel-trace').textContent).events.length);
    await page.keyboard.press('Home');
    check(name, (await step()) === 0, 'Home selects step 0');
    await page.keyboard.press('j');
    check(name, (await step()) === Math.min(1, count - 1), 'j steps forward');
    await page.keyboard.press('ArrowUp');
    check(name, (await step()) === 0, 'ArrowUp steps back');
    await page.keyboard.press('End');
    check(name, (await step()) === count - 1, 'End selects the last step');
    await page.keyboard.press('k');
    check(name, (await step()) === Math.max(0, count - 2), 'k steps back');
    check(name, (await page.locator(`.step.selected[data-index="${await step()}"]`).count()) === 1, 'selection follows');
    // Clicking a step with a source location shows that line of the embedded source.
    const withLoc = await page.evaluate(() => JSON.parse(document.getElementById('ravel-trace').textContent)
      .events.findIndex(e => e.loc.line > 0));
    await page.locator(`.step[data-index="${withLoc}"]`).click();
    check(name, (await step()) === withLoc, `click selects step ${withLoc}`);
    const line = await page.locator('.src-line.current').textContent();
    const op = await page.evaluate(i => JSON.parse(document.getElementById('ravel-trace').textContent).events[i].op, withLoc);
    check(name, line !== null && line.includes(op.split('_')[0]), `source line shows the call (${line && line.trim()})`);
    await page.keyboard.press('End');
    await page.keyboard.press('p');
    await page.keyboard.press('n');
    await page.keyboard.press('End');
    await page.keyboard.press('Home');
    await page.keyboard.press('n');
    const atViolation = await step();
    check(name, await page.locator(`.step.violation-step[data-index="${atViolation}"]`).count() === 1,
          'n jumps to a violation step');
    await page.screenshot({ path: join(want.screenshotDir || imageDir, `viewer-${name}.png`) });
    await page.close();
  }
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}

if (failures.length) {
  console.error(`\n${failures.length} check(s) failed:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log('\nall browser checks passed');
