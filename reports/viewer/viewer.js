// reports/viewer/viewer.js: the trace viewer embedded by `ravel report --html` (no network).
//
// Design note. Time flows downwards, one row per step; one column per task, grouped under the
// CPU it runs on, IRQ handlers nested beside the task they interrupt on that CPU. Held locks are
// vertical spans beside their task's column (from the step that took the lock to the step that
// dropped it), wake-ups are arrows from the waking step to the woken one, the violation's steps
// and the tasks still blocked at the end are red. The side panel shows the selected step (its
// fields labelled by the schema's descriptions), its source line, the lock-order graph with the
// cycle marked, and the violation's text with the replay command. Keyboard: j/k or arrows step,
// Home/End, n/p jump between the violation's steps, 1-9 choose the violation.
// The trace is checked against the embedded JSON Schema (the same file the C++ validates with)
// and the op / violation tables come from model/ops.def and checker/violations.def
// (RAVEL_OPS, RAVEL_VIOLATIONS, generated at build time).
'use strict';

const ROW = 24, COL = 190, HEAD = 58, LEFT = 56, SPAN_W = 5;

// --- model ------------------------------------------------------------------------------------
function buildModel(trace) {
  const names = new Map(trace.objects.map(o => [o.id, o.name]));
  // Unnamed objects as checker/api.h's (creator, ordinal): "#5" of init, "#T2.3" of task 2.
  const unnamed = id => {
    const creator = Math.floor(id / 4194304), ordinal = id % 4194304;  // 22 ordinal bits
    return creator === 0 ? `#${ordinal}` : `#T${creator}.${ordinal}`;
  };
  const objName = id => id === 0 ? '' : (names.get(id) || unnamed(id));
  // Columns: init first, then per CPU its process tasks and then its IRQ handlers.
  const cpus = [...new Set(trace.tasks.filter(t => t.cpu >= 0 && t.kind !== 'init').map(t => t.cpu))]
    .sort((a, b) => a - b);
  const cols = [];
  const init = trace.tasks.filter(t => t.kind === 'init');
  for (const t of init) cols.push({task: t, group: 'init'});
  for (const c of cpus) {
    const mine = trace.tasks.filter(t => t.cpu === c && t.kind !== 'init');
    for (const t of mine.filter(t => t.kind !== 'irq')) cols.push({task: t, group: `cpu${c}`});
    for (const t of mine.filter(t => t.kind === 'irq')) cols.push({task: t, group: `cpu${c}`, irq: true});
  }
  for (const t of trace.tasks) if (!cols.some(c => c.task === t)) cols.push({task: t, group: 'cpu?'});
  const colOf = new Map(cols.map((c, i) => [c.task.id, i]));
  // Lock spans per task: a held entry (lock, depth) open from the step that first shows it.
  const spans = [];
  const open = new Map();  // task -> [{lock, depth, from}]
  const lastStep = new Map();
  for (const e of trace.events) {
    const cur = open.get(e.task) || [];
    const next = [];
    e.held.forEach((h, depth) => {
      const o = cur[depth];
      if (o && o.lock === h.lock) next.push(o); else next.push({lock: h.lock, depth, from: e.index, task: e.task, read: h.read});
    });
    for (let d = 0; d < cur.length; d++) {
      if (next[d] !== cur[d]) spans.push({...cur[d], to: e.index});
    }
    open.set(e.task, next);
    lastStep.set(e.task, e.index);
  }
  const end = trace.events.length;
  for (const list of open.values()) for (const o of list) spans.push({...o, to: end, open: true});
  return {trace, cols, colOf, spans, objName};
}

function opText(m, e) {
  const obj = m.objName(e.object);
  let s = e.op + (obj ? `(${obj})` : '');
  if (e.timed_out) s += ' ⏱';
  if (e.result !== 0) s += ` = ${e.result}`;
  return s;
}

// --- timeline ---------------------------------------------------------------------------------
function drawTimeline(m, state) {
  const t = m.trace, v = t.violations[state.violation];
  const blocked = v ? v.blocked : [];
  const rows = t.events.length + (blocked.length ? 1 : 0);
  const width = LEFT + m.cols.length * COL + 10, height = HEAD + rows * ROW + 12;
  const root = svg('svg', {width, height, id: 'timeline-svg', class: 'timeline'});
  const defs = svg('defs');
  for (const [id, cls] of [['arrow', 'arrowhead'], ['arrow-red', 'arrowhead red']]) {
    const mk = svg('marker', {id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse'});
    mk.append(svg('path', {d: 'M0,0 L10,5 L0,10 z', class: cls}));
    defs.append(mk);
  }
  root.append(defs);
  // Group headers (CPU) and lane headers (task).
  let i = 0;
  while (i < m.cols.length) {
    let j = i;
    while (j < m.cols.length && m.cols[j].group === m.cols[i].group) j++;
    const x = LEFT + i * COL;
    root.append(svg('rect', {x: x + 2, y: 2, width: (j - i) * COL - 4, height: 22, class: 'cpu-head'}));
    root.append(svg('text', {x: x + 10, y: 18, class: 'cpu-label'}, m.cols[i].group));
    i = j;
  }
  m.cols.forEach((c, k) => {
    const x = LEFT + k * COL;
    const lane = svg('g', {class: 'lane' + (c.irq ? ' irq' : ''), 'data-task': c.task.name, 'data-kind': c.task.kind});
    lane.append(svg('rect', {x: x + 2, y: HEAD - 30, width: COL - 4, height: rows * ROW + 34, class: 'lane-bg'}));
    lane.append(svg('text', {x: x + 10, y: HEAD - 12, class: 'lane-label'},
                    (c.irq ? '↳ ' : '') + c.task.name + (c.task.kind !== 'thread' ? `  [${c.task.kind}]` : '')));
    root.append(lane);
  });
  // Violation band, selected band.
  const vsteps = new Set(v ? v.events : []);
  for (const e of t.events) {
    const y = HEAD + e.index * ROW;
    if (vsteps.has(e.index)) root.append(svg('rect', {x: 0, y, width, height: ROW, class: 'violation-band'}));
  }
  state.selBand = svg('rect', {x: 0, y: 0, width, height: ROW, class: 'selected-band'});
  root.append(state.selBand);
  // Lock spans.
  const spanG = svg('g', {class: 'spans'});
  for (const s of m.spans) {
    const k = m.colOf.get(s.task);
    const x = LEFT + k * COL + COL - 20 + s.depth * (SPAN_W + 2);
    const y1 = HEAD + s.from * ROW + 3, y2 = HEAD + s.to * ROW - 3;
    const g = svg('g', {class: 'lock-span' + (s.open ? ' open' : ''), 'data-lock': s.lock});
    g.append(svg('rect', {x, y: y1, width: SPAN_W, height: Math.max(6, y2 - y1), rx: 2, fill: lockColor(s.lock)}));
    g.append(svg('title', {}, `${s.lock} held by ${m.trace.tasks[s.task].name}, steps ${s.from}–${s.open ? 'end' : s.to - 1}`));
    spanG.append(g);
  }
  root.append(spanG);
  // Steps.
  for (const e of t.events) {
    const k = m.colOf.get(e.task), x = LEFT + k * COL, y = HEAD + e.index * ROW;
    root.append(svg('text', {x: LEFT - 8, y: y + 16, class: 'step-no'}, String(e.index)));
    const g = svg('g', {class: `step ctx-${e.context}` + (vsteps.has(e.index) ? ' violation-step' : ''), 'data-index': e.index});
    g.append(svg('rect', {x: x + 6, y: y + 2, width: COL - 32, height: ROW - 4, rx: 3}));
    g.append(svg('text', {x: x + 11, y: y + 16}, clip(opText(m, e), 21)));
    g.append(svg('title', {}, `${opText(m, e)} at ${e.loc.file.split('/').pop()}:${e.loc.line}`));
    g.addEventListener('click', () => state.select(e.index));
    root.append(g);
  }
  // Blocked tasks at the end.
  if (blocked.length) {
    const y = HEAD + t.events.length * ROW;
    for (const b of blocked) {
      const task = t.tasks.find(x => x.name === b.task);
      if (!task) continue;
      const x = LEFT + m.colOf.get(task.id) * COL;
      const g = svg('g', {class: 'blocked'});
      g.append(svg('rect', {x: x + 6, y: y + 2, width: COL - 32, height: ROW - 4, rx: 3}));
      g.append(svg('text', {x: x + 11, y: y + 16}, clip('blocked: ' + b.op, 21)));
      g.append(svg('title', {}, `${b.task} waits in ${b.op} at ${b.where}: ${b.reason}`));
      root.append(g);
    }
  }
  // Wake-up arrows and cycle edges.
  const arrow = (from, to, cls, marker) => {
    const x1 = LEFT + m.colOf.get(t.events[from].task) * COL + COL / 2 - 20, y1 = HEAD + from * ROW + ROW - 2;
    const x2 = LEFT + m.colOf.get(t.events[to].task) * COL + COL / 2 - 20, y2 = HEAD + to * ROW + 2;
    const same = x1 === x2;
    if (same) return root.append(svg('path', {  // same lane: a bracket on the lane's left edge
      d: `M${x1 - 70},${y1 - ROW / 2} C${x1 - 100},${y1} ${x1 - 100},${y2} ${x2 - 72},${y2 + ROW / 2 - 2}`,
      class: cls, 'marker-end': `url(#${marker})`}));
    const bend = 0;
    root.append(svg('path', {d: `M${x1},${y1} C${x1 + bend},${(y1 + y2) / 2} ${x2 + bend},${(y1 + y2) / 2} ${x2},${y2}`,
                             class: cls, 'marker-end': `url(#${marker})`}));
  };
  for (const w of t.wakeups) arrow(w.woken_by, w.event, 'wakeup', 'arrow');
  for (const c of v ? v.cycle : []) if (c.from_event >= 0 && c.to_event >= 0) arrow(c.from_event, c.to_event, 'cycle-arrow', 'arrow-red');
  return root;
}

function clip(s, n) { return s.length > n ? s.slice(0, n - 1) + '…' : s; }
function lockColor(name) {
  let h = 0;
  for (const c of name) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return `hsl(${h % 360}, 55%, 45%)`;
}

// --- side panels ------------------------------------------------------------------------------
function drawGraph(m, state) {
  const t = m.trace, v = t.violations[state.violation];
  const classes = t.lock_graph.classes, n = classes.length;
  const W = 340, H = n > 0 ? 220 : 40, R = Math.min(80, 30 + n * 10);
  const root = svg('svg', {width: W, height: H, id: 'lock-graph-svg'});
  const defs = svg('defs');
  const mk = svg('marker', {id: 'g-arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto'});
  mk.append(svg('path', {d: 'M0,0 L10,5 L0,10 z', class: 'arrowhead'}));
  const mr = mk.cloneNode(true);
  mr.setAttribute('id', 'g-arrow-red');
  mr.firstChild.setAttribute('class', 'arrowhead red');
  defs.append(mk, mr);
  root.append(defs);
  if (n === 0) { root.append(svg('text', {x: 10, y: 24, class: 'muted'}, 'no locks taken')); return root; }
  const pos = classes.map((c, i) => ({x: W / 2 + R * Math.cos(2 * Math.PI * i / n - Math.PI / 2),
                                      y: H / 2 + R * Math.sin(2 * Math.PI * i / n - Math.PI / 2)}));
  const idx = new Map(classes.map((c, i) => [c, i]));
  const inCycle = new Set((v ? v.cycle : []).map(e => e.from + '\u0000' + e.to));
  const edges = t.lock_graph.edges.map(e => ({...e, rejected: false}));
  for (const c of v ? v.cycle : []) {
    if (!edges.some(e => e.from === c.from && e.to === c.to)) edges.push({...c, rejected: true});
  }
  for (const e of edges) {
    const a = pos[idx.get(e.from)], b = pos[idx.get(e.to)];
    if (!a || !b) continue;
    const cyc = inCycle.has(e.from + '\u0000' + e.to);
    const dx = b.x - a.x, dy = b.y - a.y, len = Math.hypot(dx, dy) || 1, off = 22;
    const mx = (a.x + b.x) / 2 - dy * 0.15, my = (a.y + b.y) / 2 + dx * 0.15;
    const p = svg('path', {d: `M${a.x + dx / len * off},${a.y + dy / len * off} Q${mx},${my} ${b.x - dx / len * off},${b.y - dy / len * off}`,
                           class: 'edge' + (cyc ? ' cycle' : '') + (e.rejected ? ' rejected' : '') +
                             (e.history >= 0 ? ' history' : ''),
                           'marker-end': cyc ? 'url(#g-arrow-red)' : 'url(#g-arrow)'});
    p.append(svg('title', {}, `${e.to} taken while ${e.from} held (${e.task}, ${e.to_loc.file.split('/').pop()}:${e.to_loc.line})` +
                           (e.rejected ? ' — the dependency lockdep refused: it closes the cycle' : '') +
                           (e.history >= 0 ? ` — recorded by earlier execution H${e.history + 1}` : '')));
    root.append(p);
  }
  classes.forEach((c, i) => {
    const g = svg('g', {class: 'node'});
    g.append(svg('circle', {cx: pos[i].x, cy: pos[i].y, r: 20, fill: lockColor(c)}));
    g.append(svg('text', {x: pos[i].x, y: pos[i].y + 34, 'text-anchor': 'middle'}, clip(c, 22)));
    root.append(g);
  });
  return root;
}

// Dependencies that earlier executions of the run recorded (the trace's history, replayed before
// this execution): the lanes show only this execution, so their acquisitions are listed here.
function historyEdges(m, state) {
  const t = m.trace, v = t.violations[state.violation];
  const list = el('ul', {id: 'history-edges'});
  const seen = new Set();
  for (const e of [...(v ? v.cycle : []), ...t.lock_graph.edges]) {
    const key = e.from + '\u0000' + e.to;
    if (e.history < 0 || seen.has(key)) continue;
    seen.add(key);
    const at = l => `${l.file.split('/').pop()}:${l.line}`;
    list.append(el('li', {class: 'history-edge', title: t.history[e.history],
      text: `${e.from} → ${e.to}: ${e.task} took ${e.to} at ${at(e.to_loc)} holding ${e.from} ` +
            `(taken at ${at(e.from_loc)}), in earlier execution H${e.history + 1}`}));
  }
  if (!list.children.length) return [];
  return [el('p', {class: 'muted', text: `Recorded by earlier executions (${t.history.length} replayed first):`}), list];
}

function sourceLines(m, loc) {
  const sc = m.trace.scenario;
  if (!loc.file || !(loc.file === sc.file || loc.file.endsWith('/' + sc.file) || sc.file.endsWith('/' + loc.file))) return null;
  return sc.source.split('\n');
}

function showStep(m, state, panel) {
  const e = m.trace.events[state.step];
  panel.replaceChildren();
  if (!e) return;
  const props = state.schema.$defs.event.properties;
  const tbl = el('table', {class: 'fields'});
  const task = m.trace.tasks[e.task];
  const fmt = {
    task: () => `${task.name} (${task.kind})`,
    cpu: () => e.cpu >= 0 ? `cpu${e.cpu}` : '?',
    object: () => m.objName(e.object) || '-',
    loc: () => e.loc.file ? `${e.loc.file.split('/').pop()}:${e.loc.line}` : '-',
    held: () => e.held.length ? e.held.map(h => h.lock + (h.read ? ' (read)' : '')).join(' → ') : 'none',
    args: () => e.args.join(', '),
    op: () => e.op + (RAVEL_OPS.includes(e.op) ? '' : '  (unknown to this viewer)'),
  };
  for (const [k, p] of Object.entries(props)) {  // every field, labelled by the schema
    const val = fmt[k] ? fmt[k]() : String(e[k] === '' ? '-' : e[k]);
    tbl.append(el('tr', {title: p.description || ''}, el('th', {text: k}), el('td', {text: val})));
  }
  panel.append(el('h3', {text: `Step ${e.index} of ${m.trace.events.length - 1}`}), tbl);
  const src = el('div', {id: 'source'});
  const lines = sourceLines(m, e.loc);
  if (lines && e.loc.line > 0) {
    const pre = el('pre', {class: 'source'});
    for (let n = Math.max(1, e.loc.line - 4); n <= Math.min(lines.length, e.loc.line + 4); n++) {
      pre.append(el('div', {class: 'src-line' + (n === e.loc.line ? ' current' : ''), text: `${String(n).padStart(4)}  ${lines[n - 1]}`}));
    }
    src.append(el('h3', {text: `${m.trace.scenario.file.split('/').pop()}:${e.loc.line}`}), pre);
  } else {
    src.append(el('p', {class: 'muted', text: 'no source for this step'}));
  }
  panel.append(src);
}

function showViolation(m, state, panel) {
  const t = m.trace, v = t.violations[state.violation];
  panel.replaceChildren();
  if (!v) { panel.append(el('p', {class: 'muted', text: 'no violation in this execution'})); return; }
  const info = RAVEL_VIOLATIONS.find(x => x.name === v.kind);
  panel.append(el('div', {class: 'headline'}, el('span', {class: 'badge kind-' + v.kind, text: v.kind}),
                  el('span', {text: ' ' + v.message})));
  panel.append(el('p', {class: 'muted', text: `${info && info.fatal ? 'ends the execution' : 'reported, execution continues'} · detected at ${v.loc.file.split('/').pop()}:${v.loc.line} · steps ${v.events.join(', ')}`}));
  if (v.details) panel.append(el('pre', {class: 'splat', text: v.details}));
  for (const b of v.blocked) panel.append(el('div', {class: 'blocked-line', text: `${b.task} waits in ${b.op} at ${b.where.split('/').pop()}: ${b.reason}`}));
}

// --- page -------------------------------------------------------------------------------------
function main() {
  const app = document.getElementById('app');
  const trace = JSON.parse(document.getElementById('ravel-trace').textContent);
  const schema = JSON.parse(document.getElementById('ravel-schema').textContent);
  const bad = validate(schema, schema, trace, '');
  if (bad) { app.append(el('div', {class: 'error', text: `not a valid ravel trace: ${bad}`})); return; }
  const m = buildModel(trace);
  // The violation that ended the execution (fatal kinds, violations.def) is shown first.
  const fatal = trace.violations.map(v => RAVEL_VIOLATIONS.find(x => x.name === v.kind))
    .findIndex(x => x && x.fatal);
  const state = {step: 0, violation: Math.max(0, fatal), schema};
  const header = el('header', {},
    el('span', {class: 'logo', text: 'ravel'}),
    el('span', {class: 'title', text: trace.scenario.title || trace.scenario.file}),
    el('span', {class: 'file', text: trace.scenario.file}));
  const vbar = el('nav', {id: 'violations'});
  trace.violations.forEach((v, i) => {
    const b = el('button', {class: 'badge kind-' + v.kind, 'data-index': i, title: v.message, text: `${i + 1} ${v.kind}`});
    b.addEventListener('click', () => { state.violation = i; render(); });
    vbar.append(b);
  });
  header.append(vbar);
  const timeline = el('section', {id: 'timeline', tabindex: '0'});
  const side = el('aside', {});
  const vpanel = el('section', {id: 'violation'}), spanel = el('section', {id: 'step'});
  const gpanel = el('section', {id: 'lock-graph'});
  const replay = el('section', {id: 'replay'}, el('h3', {text: 'Replay'}), el('code', {text: trace.replay}),
    ...(trace.history.length ? [el('p', {class: 'muted', id: 'history-note',
      text: `replays ${trace.history.length} earlier execution${trace.history.length > 1 ? 's' : ''} ` +
            'first (lockdep kept their dependencies), then records this one'})] : []),
    el('p', {class: 'muted', text: `${trace.format} · ravel ${trace.ravel_version} · ${trace.scenario.hash}` +
      (trace.options.length ? ' · ' + trace.options.map(o => `${o.name}=${o.value}`).join(' ') : '')}));
  side.append(vpanel, spanel, gpanel, replay);
  const help = el('footer', {text: 'j/↓ next step · k/↑ previous · Home/End · n/p next/previous violation step · 1–9 violation · click a step'});
  app.append(header, el('main', {}, timeline, side), help);

  state.select = i => {
    if (!trace.events.length) return;
    state.step = Math.max(0, Math.min(trace.events.length - 1, i));
    document.querySelectorAll('.step.selected').forEach(s => s.classList.remove('selected'));
    const g = document.querySelector(`.step[data-index="${state.step}"]`);
    if (g) g.classList.add('selected');
    state.selBand.setAttribute('y', HEAD + state.step * ROW);
    showStep(m, state, spanel);
    const y = HEAD + state.step * ROW;
    if (y < timeline.scrollTop + HEAD || y > timeline.scrollTop + timeline.clientHeight - 2 * ROW) {
      timeline.scrollTop = Math.max(0, y - timeline.clientHeight / 2);
    }
    document.body.dataset.step = state.step;
  };
  function render() {
    document.querySelectorAll('#violations .badge').forEach(b => b.classList.toggle('active', Number(b.dataset.index) === state.violation));
    timeline.replaceChildren(drawTimeline(m, state));
    gpanel.replaceChildren(el('h3', {text: 'Lock-order graph'}), drawGraph(m, state),
                           ...historyEdges(m, state));
    showViolation(m, state, vpanel);
    const v = trace.violations[state.violation];
    state.select(v && v.events.length ? Math.max(...v.events) : 0);
  }
  // n and p: the next and previous event of the violation shown.
  bindStepKeys(state, trace, render, k => {
    if (k !== 'n' && k !== 'p') return false;
    const v = trace.violations[state.violation], vs = v ? [...v.events].sort((a, b) => a - b) : [];
    const x = k === 'n' ? vs.find(s => s > state.step) : vs.reverse().find(s => s < state.step);
    if (x !== undefined) state.select(x);
    return true;
  });
  render();
  timeline.focus();
}

main();
