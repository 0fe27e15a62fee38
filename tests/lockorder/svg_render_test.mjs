// tests/lockorder/svg_render_test.mjs: the picture `ravel lockorder --svg` draws of the scenario
// library, rendered in headless Chromium (Debian `chromium`, driven by the playwright-core of
// reports/viewer; never downloads a browser): the document parses as SVG, every lock class of
// the library's orderings is a drawn node with its name laid out, every ordering an edge, the
// cycle's edges red, and the picture has a size. A screenshot goes to OUTDIR.
//   node svg_render_test.mjs RAVEL SRC_DIR OUTDIR
// Exit 0 pass, 1 fail, 77 skipped (no chromium or no reports/viewer/node_modules: tools/dev deps).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [ravel, srcDir, outDir] = process.argv.slice(2);
const chromium = process.env.RAVEL_CHROMIUM || '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.log(`SKIPPED: ${chromium} not found (apt-get install chromium, or tools/dev deps)`);
  process.exit(77);
}
let playwright;
try {
  playwright = createRequire(join(srcDir, 'reports/viewer/package.json'))('playwright-core');
} catch {
  console.log('SKIPPED: reports/viewer/node_modules missing (tools/dev deps)');
  process.exit(77);
}

mkdirSync(outDir, { recursive: true });
const svg = join(outDir, 'lockorder-library.svg');
const run = (args) => execFileSync(ravel, args, { cwd: srcDir, encoding: 'utf8' });
run(['lockorder', 'scenarios/', '--svg', svg]);
const edges = JSON.parse(run(['lockorder', 'scenarios/'])).edges;
const classes = new Set(edges.flatMap((e) => [e.from, e.to]));

const failures = [];
function check(cond, what) {
  if (!cond) failures.push(what);
  console.log(`${cond ? 'ok  ' : 'FAIL'} ${what}`);
}

const profile = mkdtempSync(join(tmpdir(), 'ravel-chromium-'));
const browser = await playwright.chromium.launchPersistentContext(profile, {
  executablePath: chromium,
  headless: true,
  viewport: { width: 1800, height: 700 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage();
  await page.goto(pathToFileURL(svg).href);
  const seen = await page.evaluate(() => {
    const root = document.documentElement;
    const box = root.getBBox ? root.getBBox() : { width: 0, height: 0 };
    const nodes = [...document.querySelectorAll('g.node')].map((g) => ({
      name: g.querySelector('title').textContent,
      width: g.getBBox().width,
      text: [...g.querySelectorAll('text')].every((t) => t.getComputedTextLength() > 0),
    }));
    const edgeCount = document.querySelectorAll('g.edge').length;
    const red = [...document.querySelectorAll('g.edge path')]
      .filter((p) => p.getAttribute('stroke') === 'red').length;
    return { tag: root.tagName, parseError: !!document.querySelector('parsererror'),
             width: box.width, height: box.height, nodes, edgeCount, red };
  });
  check(seen.tag === 'svg' && !seen.parseError, 'the document parses as SVG');
  check(seen.width > 100 && seen.height > 100, `the picture has a size (${seen.width} x ${seen.height})`);
  const names = new Set(seen.nodes.map((n) => n.name));
  check([...classes].every((c) => names.has(c)) && names.size === classes.size,
        `one node per lock class (${names.size} drawn, ${classes.size} in the orderings)`);
  check(seen.nodes.every((n) => n.width > 0 && n.text), 'every node is drawn with its name laid out');
  check(seen.edgeCount === edges.length, `one edge per ordering (${seen.edgeCount} drawn, ${edges.length})`);
  check(seen.red > 0, `the library's cycle is drawn red (${seen.red} red edges)`);
  // As an image in a page, as the docs and the viewer show it (a screenshot of the bare SVG
  // document never settles in playwright): decoded at its size, and not a blank screenshot.
  const html = join(outDir, 'lockorder-library.html');
  writeFileSync(html, '<!doctype html><body style="margin:0"><img id="g" src="lockorder-library.svg">');
  await page.goto(pathToFileURL(html).href);
  const img = await page.evaluate(async () => {
    const g = document.getElementById('g');
    await g.decode();
    return { w: g.naturalWidth, h: g.naturalHeight };
  });
  check(img.w > 100 && img.h > 100, `decoded as an image (${img.w} x ${img.h})`);
  const png = await page.screenshot({ path: join(outDir, 'lockorder-library.png'), fullPage: true });
  check(png.length > 20000, `the screenshot is not blank (${png.length} bytes)`);
} finally {
  await browser.close();
}
if (failures.length) {
  console.log(`${failures.length} failed`);
  process.exit(1);
}
