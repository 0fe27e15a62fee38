// reports/viewer/viewer_lkmm.js: the viewer of an LKMM execution (format ravel-lkmm-trace/1,
// reports/lkmm_trace.schema.json), embedded by `ravel report --html` after common.js.
//
// Design note. An LKMM execution has no interleaving, so time does not flow downwards here:
// one column per thread (the initial writes in the first, "init"), each thread's events top to
// bottom in program order. What makes the execution weak is drawn between the columns: an arrow
// from the write each read took its value from (rf, green) and, per location, an arrow from each
// write to the next one in coherence order (co, dashed amber). The violation's events are red.
// The side panel shows the selected event (its fields labelled by the schema's descriptions),
// its source line, the violation and the witness as text. Keyboard: j/k or arrows move through
// the events by id, Home/End, 1-9 choose a violation.
'use strict';

const L_ROW = 34, L_COL = 230, L_HEAD = 44, L_LEFT = 16;

function eventText(e) {
  if (e.kind === 'F') return `F[${e.annotation}]`;
  return `${e.kind}[${e.annotation}] ${e.location}=${e.value}`;
}

// Each event's cell: its thread's column and its rank in that thread's program order.
function layoutLkmm(t) {
  const rank = new Array(t.events.length), next = new Array(t.threads.length).fill(0);
  for (const e of t.events) rank[e.id] = next[e.thread]++;
  const rows = Math.max(1, ...next);
  const x = e => L_LEFT + e.thread * L_COL, y = e => L_HEAD + rank[e.id] * L_ROW;
  return {rank, rows, x, y};
}

function drawExecution(t, state) {
  const lay = layoutLkmm(t), v = t.violations[state.violation];
  const width = L_LEFT + t.threads.length * L_COL + 20, height = L_HEAD + lay.rows * L_ROW + 20;
  const root = svg('svg', {width, height, id: 'timeline-svg', class: 'timeline lkmm'});
  const defs = svg('defs');
  for (const [id, cls] of [['rf-head', 'arrowhead'], ['co-head', 'arrowhead co']]) {
    const mk = svg('marker', {id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto'});
    mk.append(svg('path', {d: 'M0,0 L10,5 L0,10 z', class: cls}));
    defs.append(mk);
  }
  root.append(defs);
  t.threads.forEach((name, k) => {
    const lane = svg('g', {class: 'lane', 'data-thread': name});
    lane.append(svg('rect', {x: L_LEFT + k * L_COL + 2, y: 6, width: L_COL - 4, height: height - 12, class: 'lane-bg'}));
    lane.append(svg('text', {x: L_LEFT + k * L_COL + 12, y: 26, class: 'lane-label'}, name));
    root.append(lane);
  });
  const vev = new Set(v ? v.events : []);
  const box = e => ({x: lay.x(e) + 10, y: lay.y(e) + 4, w: L_COL - 40, h: L_ROW - 10});
  for (const e of t.events) {
    const b = box(e);
    const g = svg('g', {class: `step lkmm-event kind-${e.kind}` + (vev.has(e.id) ? ' violation-step' : ''), 'data-index': e.id});
    g.append(svg('rect', {x: b.x, y: b.y, width: b.w, height: b.h, rx: 3}));
    g.append(svg('text', {x: b.x + 6, y: b.y + 16}, clip(eventText(e), 27)));
    g.append(svg('title', {}, `${eventText(e)}` + (e.loc.line ? ` at ${e.loc.file.split('/').pop()}:${e.loc.line}:${e.loc.col}` : ' (initial value)')));
    g.addEventListener('click', () => state.select(e.id));
    root.append(g);
  }
  // An arrow leaves the right edge of its source box for the left edge of its target box, or
  // bends out to the right when both sit in one column.
  const arrow = (from, to, cls) => {
    const a = box(t.events[from]), b = box(t.events[to]);
    const y1 = a.y + a.h / 2, y2 = b.y + b.h / 2;
    let d;
    if (a.x === b.x) {
      const xr = a.x + a.w;
      d = `M${xr},${y1} C${xr + 28},${y1} ${xr + 28},${y2} ${xr},${y2}`;
    } else {
      const [x1, x2] = a.x < b.x ? [a.x + a.w, b.x] : [a.x, b.x + b.w];
      d = `M${x1},${y1} C${(x1 + x2) / 2},${y1} ${(x1 + x2) / 2},${y2} ${x2},${y2}`;
    }
    const p = svg('path', {d, class: cls, 'data-from': from, 'data-to': to,
                           'marker-end': `url(#${cls === 'rf' ? 'rf-head' : 'co-head'})`});
    p.append(svg('title', {}, `${cls}: ${eventText(t.events[from])} → ${eventText(t.events[to])}`));
    root.append(p);
  };
  for (const [w, r] of t.rf) arrow(w, r, 'rf');
  for (const c of t.co) for (let i = 1; i < c.writes.length; i++) arrow(c.writes[i - 1], c.writes[i], 'co');
  return root;
}

function clip(s, n) { return s.length > n ? s.slice(0, n - 1) + '…' : s; }

function showEvent(t, state, panel) {
  const e = t.events[state.step];
  panel.replaceChildren();
  if (!e) return;
  const props = state.schema.$defs.event.properties;
  const tbl = el('table', {class: 'fields'});
  const from = t.rf.filter(p => p[1] === e.id).map(p => p[0]);
  const fmt = {
    thread: () => t.threads[e.thread],
    loc: () => e.loc.line ? `${e.loc.file.split('/').pop()}:${e.loc.line}:${e.loc.col}` : '-',
  };
  for (const [k, p] of Object.entries(props)) {
    const val = fmt[k] ? fmt[k]() : String(e[k] === '' ? '-' : e[k]);
    tbl.append(el('tr', {title: p.description || ''}, el('th', {text: k}), el('td', {text: val})));
  }
  if (from.length) {
    const w = t.events[from[0]];
    tbl.append(el('tr', {title: 'the write this read took its value from (rf)'}, el('th', {text: 'rf from'}),
                  el('td', {id: 'rf-from', text: `${w.id}: ${t.threads[w.thread]} ${eventText(w)}`})));
  }
  panel.append(el('h3', {text: `Event ${e.id} of ${t.events.length - 1}`}), tbl);
  const lines = e.loc.line > 0 ? t.scenario.source.split('\n') : null;
  if (lines && (e.loc.file === t.scenario.file || t.scenario.file.endsWith('/' + e.loc.file) || e.loc.file.endsWith('/' + t.scenario.file))) {
    const pre = el('pre', {class: 'source'});
    for (let n = Math.max(1, e.loc.line - 4); n <= Math.min(lines.length, e.loc.line + 4); n++) {
      pre.append(el('div', {class: 'src-line' + (n === e.loc.line ? ' current' : ''), text: `${String(n).padStart(4)}  ${lines[n - 1]}`}));
    }
    panel.append(el('h3', {text: `${t.scenario.file.split('/').pop()}:${e.loc.line}`}), pre);
  } else {
    panel.append(el('p', {class: 'muted', text: e.loc.line ? 'no source for this event' : 'an initial value'}));
  }
}

function showLkmmViolation(t, state, panel) {
  const v = t.violations[state.violation];
  panel.replaceChildren();
  if (!v) { panel.append(el('p', {class: 'muted', text: 'no violation in this execution'})); return; }
  panel.append(el('div', {class: 'headline'}, el('span', {class: 'badge kind-' + v.kind, text: v.kind}),
                  el('span', {text: ' ' + v.message})));
  panel.append(el('p', {class: 'muted', text: `detected at ${v.loc.file.split('/').pop()}:${v.loc.line}:${v.loc.col} · consistent execution ${t.execution} of the LKMM`}));
}

// The witness as the text report prints it: rf per read, co per location.
function witnessList(t) {
  const list = el('ul', {id: 'witness'});
  const name = e => e.thread === 0 ? `init ${e.location}=${e.value}` : `${t.threads[e.thread]} ${eventText(e)}`;
  for (const [w, r] of t.rf) list.append(el('li', {class: 'rf-line', text: `rf  ${name(t.events[r])}  ←  ${name(t.events[w])}`}));
  for (const c of t.co) list.append(el('li', {class: 'co-line', text: `co  ${c.location}: ` + c.writes.map(w => t.events[w].value).join(' → ')}));
  return list;
}

function mainLkmm() {
  const app = document.getElementById('app');
  const trace = JSON.parse(document.getElementById('ravel-trace').textContent);
  const schema = JSON.parse(document.getElementById('ravel-schema').textContent);
  const bad = validate(schema, schema, trace, '');
  if (bad) { app.append(el('div', {class: 'error', text: `not a valid ravel lkmm trace: ${bad}`})); return; }
  const state = {step: 0, violation: 0, schema};
  const header = el('header', {},
    el('span', {class: 'logo', text: 'ravel'}),
    el('span', {class: 'title', text: trace.scenario.title || trace.scenario.file}),
    el('span', {class: 'file', text: `${trace.scenario.file} · memory model lkmm`}));
  const vbar = el('nav', {id: 'violations'});
  trace.violations.forEach((v, i) => {
    const b = el('button', {class: 'badge kind-' + v.kind, 'data-index': i, title: v.message, text: `${i + 1} ${v.kind}`});
    b.addEventListener('click', () => { state.violation = i; render(); });
    vbar.append(b);
  });
  header.append(vbar);
  const timeline = el('section', {id: 'timeline', tabindex: '0'});
  const vpanel = el('section', {id: 'violation'}), spanel = el('section', {id: 'step'});
  const wpanel = el('section', {id: 'witness-panel'}, el('h3', {text: 'Witness: rf and co'}), witnessList(trace),
    el('p', {class: 'muted', text: `${trace.format} · ravel ${trace.ravel_version} · ${trace.scenario.hash}` +
      (trace.options.length ? ' · ' + trace.options.map(o => `${o.name}=${o.value}`).join(' ') : '')}));
  app.append(header, el('main', {}, timeline, el('aside', {}, vpanel, spanel, wpanel)),
             el('footer', {text: 'j/↓ next event · k/↑ previous · Home/End · 1–9 violation · click an event · green: reads-from · amber: coherence order'}));
  state.select = i => {
    if (!trace.events.length) return;
    state.step = Math.max(0, Math.min(trace.events.length - 1, i));
    document.querySelectorAll('.step.selected').forEach(s => s.classList.remove('selected'));
    const g = document.querySelector(`.step[data-index="${state.step}"]`);
    if (g) g.classList.add('selected');
    showEvent(trace, state, spanel);
    document.body.dataset.step = state.step;
  };
  function render() {
    document.querySelectorAll('#violations .badge').forEach(b => b.classList.toggle('active', Number(b.dataset.index) === state.violation));
    timeline.replaceChildren(drawExecution(trace, state));
    showLkmmViolation(trace, state, vpanel);
    const v = trace.violations[state.violation];
    state.select(v && v.events.length ? Math.max(...v.events) : trace.events.length - 1);
  }
  bindStepKeys(state, trace, render);
  render();
  timeline.focus();
}

mainLkmm();
