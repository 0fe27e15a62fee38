// reports/viewer/common.js: what both trace viewers use (viewer.js for interleavings,
// viewer_lkmm.js for LKMM executions), embedded before either by `ravel report`: element
// builders and the JSON Schema subset of reports/schema_check.cc.
'use strict';

const SVGNS = 'http://www.w3.org/2000/svg';

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'text') e.textContent = v; else e.setAttribute(k, v);
  }
  for (const k of kids) e.append(k);
  return e;
}
function svg(tag, attrs, text) {
  const e = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

// The keys both viewers share: arrows or j/k step through the events, Home and End, 1-9 pick a
// violation. `more(k)` handles a viewer's own keys and says whether it did.
function bindStepKeys(state, trace, render, more) {
  document.addEventListener('keydown', ev => {
    const k = ev.key;
    if (k === 'ArrowDown' || k === 'j' || k === 'ArrowRight') state.select(state.step + 1);
    else if (k === 'ArrowUp' || k === 'k' || k === 'ArrowLeft') state.select(state.step - 1);
    else if (k === 'Home') state.select(0);
    else if (k === 'End') state.select(trace.events.length - 1);
    else if (/^[1-9]$/.test(k) && Number(k) <= trace.violations.length) { state.violation = Number(k) - 1; render(); }
    else if (!(more && more(k))) return;
    ev.preventDefault();
  });
}

// --- JSON Schema subset (as reports/schema_check.cc) ------------------------------------------
function validate(schema, root, v, path) {
  if (schema.$ref) {
    const r = validate(root.$defs[schema.$ref.replace('#/$defs/', '')], root, v, path);
    if (r) return r;
  }
  const typeOf = x => Array.isArray(x) ? 'array' : x === null ? 'null' :
    Number.isInteger(x) ? 'integer' : typeof x;
  if (schema.type) {
    const types = [].concat(schema.type), t = typeOf(v);
    if (!types.some(w => w === t || (w === 'number' && t === 'integer'))) return `${path}: expected ${types}`;
  }
  if ('const' in schema && schema.const !== v) return `${path}: expected ${JSON.stringify(schema.const)}`;
  if (schema.enum && !schema.enum.includes(v)) return `${path}: ${JSON.stringify(v)} not in ${JSON.stringify(schema.enum)}`;
  if (schema.pattern && typeof v === 'string' && !new RegExp(schema.pattern).test(v)) return `${path}: bad format`;
  if (typeOf(v) === 'object') {
    for (const r of schema.required || []) if (!(r in v)) return `${path}: missing ${r}`;
    for (const [k, x] of Object.entries(v)) {
      if (schema.properties && schema.properties[k]) {
        const r = validate(schema.properties[k], root, x, `${path}/${k}`);
        if (r) return r;
      } else if (schema.additionalProperties === false) return `${path}: unexpected ${k}`;
    }
  }
  if (Array.isArray(v) && schema.items) {
    for (let i = 0; i < v.length; i++) {
      const r = validate(schema.items, root, v[i], `${path}/${i}`);
      if (r) return r;
    }
  }
  return null;
}

