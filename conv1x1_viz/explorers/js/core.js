// What every explorer drawn in the page shares: numbers written as the Python package
// writes them, the controls built from their declaration, the readout, SVG helpers and the
// one render function anywidget calls. The kinds (one file each, e.g. param.js) follow
// this file in the module that conv1x1_viz.explorers.page assembles, and register
// themselves in KINDS. No framework, no build step, nothing fetched.

const KINDS = {};

// -- numbers, as conv1x1_viz.formulas writes them ----------------------------------------

// A whole number with thousands separators, e.g. 2,048 (Python's f"{n:,}").
const fmt = (n) => {
  if (!Number.isSafeInteger(n)) throw new Error(`not a whole number: ${n}`);
  const digits = String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 ? `-${digits}` : digits;
};
// `x` with `digits` decimals, as Python's f"{x:.2f}" writes it: rounded half to even on the
// number's exact value. toFixed rounds a tie up (1.125 → 1.13), Python to even (1.12); a tie
// is a number whose exact decimal digits past `digits` are 5 then zeros (toFixed(100) is
// exact for the ratios shown here, |x| ≥ 2⁻⁴⁸).
const fixed = (x, digits) => {
  const rounded = x.toFixed(digits);
  const exact = x.toFixed(100);
  const cut = exact.indexOf('.') + 1 + digits;
  if (!/^50*$/.test(exact.slice(cut))) return rounded;
  const down = exact.slice(0, digits ? cut : cut - 1);
  return Number(down[down.length - 1]) % 2 === 0 ? down : rounded;
};
const plural = (n, word) => `${fmt(n)} ${word}${n === 1 ? '' : 's'}`;
const shapeText = (...sizes) => sizes.map(fmt).join('×');
const product = (factors) =>
  factors.map((f) => (typeof f === 'string' ? f : fmt(f))).join('·');
const depthText = (cIn, groups) => (groups === 1 ? cIn : `(${cIn}/${groups})`);

// conv_params and conv_macs for stride 1 and "same" padding (the output keeps H × W).
const convParams = (k, cIn, filters, bias = true, groups = 1) =>
  (k * k * (cIn / groups) + (bias ? 1 : 0)) * filters;
const convMacs = (h, w, cIn, filters, k, groups = 1) => h * w * k * k * (cIn / groups) * filters;

// params_formula and macs_formula of conv1x1_viz.formulas.
const paramsFormula = (k, cIn, filters, bias = true, groups = 1) => {
  const weights = product([k, k, depthText(cIn, groups)]);
  const total = fmt(convParams(k, cIn, filters, bias, groups));
  return bias
    ? `(${weights} + 1)·${fmt(filters)} = ${total}`
    : `${weights}·${fmt(filters)} = ${total}`;
};
const macsFormula = (h, w, cIn, filters, k, groups = 1) =>
  `${product([h, w, k, k, depthText(cIn, groups), filters])} = ` +
  fmt(convMacs(h, w, cIn, filters, k, groups));

// " (÷9.68)" or " (×1.50, bar cut)" after a count of design `design`, against the first
// design's (draw.cost_comparison._share_text); a share above `longest` has its bar cut.
const shareText = (design, share, longest) => {
  if (design === 0) return '';
  const cut = share > longest ? ', bar cut' : '';
  return share < 1 ? ` (÷${fixed(1 / share, 2)})` : ` (×${fixed(share, 2)}${cut})`;
};

// -- limits between controls ----------------------------------------------------------------

// What a limit allows of a control: the options up to a number, or the options listed
// (Choice._allowed), or the whole numbers up to it (Whole).
const allowedBy = (c, limit) => {
  if (c.type === 'whole') {
    const high = Math.max(c.low, Math.min(c.high, limit));
    return Array.from({length: high - c.low + 1}, (_, i) => c.low + i);
  }
  if (Array.isArray(limit)) return limit;
  const below = c.options.filter((o) => o <= limit);
  return below.length ? below : [c.options[0]];
};
// The value a control set to `wish` holds under `limit` (Choice.limited, Whole.limited):
// the wish if allowed, else the largest allowed below it, else the smallest allowed.
const limitedTo = (c, wish, limit) => {
  const allowed = allowedBy(c, limit);
  if (allowed.includes(wish)) return wish;
  const lower = allowed.filter((o) => o <= wish);
  return lower.length ? lower[lower.length - 1] : allowed[0];
};
// The kind's limits applied to `values` (PageExplorer._limited): {values, allowed}.
const applyLimits = (spec, values, wishes) => {
  const kind = KINDS[spec.kind];
  const limits = kind.limits ? kind.limits(values, spec) : {};
  const out = {...values};
  const allowed = {};
  for (const [key, limit] of Object.entries(limits)) {
    const c = spec.controls.find((x) => x.key === key);
    out[key] = limitedTo(c, wishes[key], limit);
    allowed[key] = allowedBy(c, limit);
  }
  return {values: out, allowed};
};

// -- the readout --------------------------------------------------------------------------

// The preset whose values the controls hold, if any (Explorer.current_preset).
const currentPreset = (spec, values) =>
  spec.presets.find((p) => Object.entries(p.values).every(([k, v]) => values[k] === v)) || null;

// The readout's (label, text) lines, a preset's case first (Explorer.readout_lines).
// `hover` is what the mouse is over in the picture, as the kind's picture reported it
// (null when nothing is), `selection` what the learner selected in it (null for
// nothing, PageExplorer.selection): a kind may write them out.
const readoutLines = (spec, values, hover = null, selection = null) => {
  const preset = currentPreset(spec, values);
  const lines = KINDS[spec.kind].readout(values, spec, hover, selection);
  return preset ? [['Case', `${preset.label}: ${preset.source}`], ...lines] : lines;
};

// -- what is selected in the picture ------------------------------------------------------

// The selection the values keep (PageExplorer._keep_selection): itself if the kind's
// selectable(values, selection, spec) allows it, else null. A kind that says nothing
// allows only null.
const keptSelection = (spec, values, selection) => {
  if (selection === null || selection === undefined) return null;
  const kind = KINDS[spec.kind];
  return kind.selectable && kind.selectable(values, selection, spec) ? selection : null;
};

// -- SVG ------------------------------------------------------------------------------------

const SVG = 'http://www.w3.org/2000/svg';
const svgEl = (tag, attrs = {}, parent = null) => {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (parent) parent.appendChild(el);
  return el;
};
// Points [[x, y], …] in data units (y up) as an SVG points attribute (y down).
const points = (pts) => pts.map(([x, y]) => `${+x.toFixed(4)},${+(-y).toFixed(4)}`).join(' ');
// A colour lightened (factor > 1) or darkened (factor < 1), as draw.common._shade does.
const shade = (hex, factor) => {
  const rgb = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const out = rgb.map((c) => Math.min(1, Math.max(0, factor > 1 ? c + (1 - c) * (factor - 1) : c * factor)));
  return `rgb(${out.map((c) => Math.round(c * 255)).join(',')})`;
};
// Multi-line text: one <tspan> a line, the first at y, in data units (y up).
const textLines = (parent, x, y, lines, attrs = {}, lineHeight = 1.3) => {
  const text = svgEl('text', {x, y: -y, ...attrs}, parent);
  lines.forEach((line, i) => {
    const span = svgEl('tspan', {x, dy: i === 0 ? '0.9em' : `${lineHeight}em`}, text);
    span.textContent = line;
  });
  return text;
};

// -- controls ------------------------------------------------------------------------------

// One control from its declaration (conv1x1_viz.explorers.controls): a range input over the
// options of a Choice (its index) or the numbers of a Whole, or a check box for a Toggle.
// Each carries the c1x1-slider-<key> class; a slider's value is written beside it.
const makeControl = (c, onInput) => {
  const row = document.createElement('label');
  row.className = `c1x1-control ${c.class}`;
  const name = document.createElement('span');
  name.className = 'c1x1-control-label';
  name.textContent = c.label;
  if (c.type === 'toggle') {
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.setAttribute('data-lm-suppress-shortcuts', 'true');
    box.addEventListener('change', () => onInput(c.key, box.checked));
    row.append(box, name);
    return {row, set: (v) => { box.checked = v; }, input: box};
  }
  const input = document.createElement('input');
  input.type = 'range';
  // Keys on the input move it. A front end's shortcut whose selector matches the input
  // itself (Notebook 7's command mode matches any focused element in the notebook) would
  // take them first: Lumino skips an element with this attribute, and its ancestors.
  input.setAttribute('data-lm-suppress-shortcuts', 'true');
  input.step = 1;
  const shown = document.createElement('span');
  shown.className = 'c1x1-control-value widget-readout';
  // A Choice's input runs over the indices of the options allowed now; a Whole's over
  // the numbers, its maximum lowered by a limit.
  let options = c.type === 'choice' ? c.options : null;
  input.min = options ? 0 : c.low;
  input.max = options ? options.length - 1 : c.high;
  const valueAt = (i) => (options ? options[i] : i);
  const set = (v, allowed) => {
    if (allowed && options) options = allowed;
    else if (c.type === 'choice') options = c.options;
    input.max = options ? options.length - 1 : allowed ? allowed[allowed.length - 1] : c.high;
    const i = options ? options.indexOf(v) : v;
    input.value = i;
    shown.textContent = fmt(v);
    input.setAttribute('aria-valuenow', i);
    input.setAttribute('aria-valuemin', input.min);
    input.setAttribute('aria-valuemax', input.max);
    input.setAttribute('aria-valuetext', fmt(v));
  };
  input.addEventListener('input', () => onInput(c.key, valueAt(Number(input.value))));
  // Keys are handled here, at once: a front end may move the focus while a key is handled
  // (JupyterLab focuses the active cell when it activates the notebook), and the input's
  // own default would then be lost.
  const steps = {ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1, PageUp: 3, PageDown: -3};
  input.addEventListener('keydown', (event) => {
    const low = Number(input.min), high = Number(input.max), now = Number(input.value);
    let next = null;
    if (event.key === 'Home') next = low;
    else if (event.key === 'End') next = high;
    else if (event.key in steps) next = Math.min(high, Math.max(low, now + steps[event.key]));
    if (next === null) return;
    event.preventDefault();
    event.stopPropagation();
    if (next !== now) {
      input.value = next;
      onInput(c.key, valueAt(next));
    }
  });
  row.append(name, input, shown);
  return {row, set, input};
};

const STYLE = `
.c1x1-page { font-family: "DejaVu Sans", sans-serif; color: var(--jp-content-font-color1, #222);
  font-variant-numeric: tabular-nums; max-width: 100%; }
.c1x1-page .c1x1-presets { display: flex; flex-wrap: wrap; align-items: center; gap: 4px;
  margin-bottom: 4px; }
.c1x1-page .c1x1-preset { font: inherit; font-size: 12px; padding: 2px 8px; cursor: pointer;
  border: 1px solid var(--jp-border-color1, #bbb); border-radius: 3px;
  background: var(--jp-layout-color2, #eee); color: inherit; }
.c1x1-page .c1x1-preset[aria-pressed="true"] { background: var(--jp-brand-color2, #9cc3e6); }
.c1x1-page .c1x1-control { display: grid; grid-template-columns: 170px minmax(120px, 260px) 70px;
  align-items: center; gap: 8px; font-size: 13px; margin: 2px 0; }
.c1x1-page label.c1x1-control:has(input[type=checkbox]) { display: flex; gap: 6px; }
.c1x1-page .c1x1-readout-box { display: grid; margin: 6px 0; }
.c1x1-page .c1x1-readout-box > * { grid-area: 1 / 1; line-height: 1.6; font-size: 13px; }
.c1x1-page .c1x1-readout-room { visibility: hidden; }
.c1x1-page .c1x1-figure svg { display: block; max-width: 100%; height: auto; }
.c1x1-page .c1x1-errors { color: var(--jp-error-color1, #b00); white-space: pre-wrap;
  font-family: monospace; font-size: 12px; }
`;

// -- the widget ------------------------------------------------------------------------------

// anywidget calls render once per view. The page draws every press itself from `values`
// and the declaration in `spec`; the kernel hears the new values, never waited for.
function render({model, el}) {
  const spec = model.get('spec');
  const kind = KINDS[spec.kind];
  const root = document.createElement('div');
  root.className = ['c1x1-page', ...spec.classes].join(' ');
  const style = document.createElement('style');
  style.textContent = STYLE;
  let values = {...model.get('values')};
  let wishes = {...model.get('wishes')};
  let allowed = applyLimits(spec, values, wishes).allowed;

  const presets = document.createElement('div');
  presets.className = 'c1x1-presets';
  const presetButtons = spec.presets.map((p) => {
    const b = document.createElement('button');
    b.className = 'c1x1-preset';
    b.textContent = p.label;
    b.title = p.source;
    b.addEventListener('click', () => change(p.values));
    return [p, b];
  });
  if (presetButtons.length) {
    const lead = document.createElement('span');
    lead.textContent = 'Try:';
    presets.append(lead, ...presetButtons.map(([, b]) => b));
  }
  const controlsBox = document.createElement('div');
  controlsBox.className = 'c1x1-controls';
  // Keys pressed on a control move it: JupyterLab's shortcuts (arrows select cells) stop here.
  controlsBox.setAttribute('data-lm-suppress-shortcuts', 'true');
  const controls = {};
  for (const c of spec.controls) {
    controls[c.key] = makeControl(c, (key, v) => change({[key]: v}));
    controlsBox.appendChild(controls[c.key].row);
  }
  // The readout, and under it, unseen, the readout with what a touch may add (kind.room):
  // they share one grid cell, as tall as the taller, so that the picture below never
  // moves when the mouse is over something or a click selects it.
  const readoutBox = document.createElement('div');
  readoutBox.className = 'c1x1-readout-box';
  const readout = document.createElement('div');
  readout.className = 'c1x1-readout';
  const room = document.createElement('div');
  room.className = 'c1x1-readout-room';
  room.setAttribute('aria-hidden', 'true');
  readoutBox.append(readout, room);
  const figure = document.createElement('div');
  figure.className = 'c1x1-figure';
  const errors = document.createElement('div');
  errors.className = 'c1x1-errors';
  root.append(style, ...(presetButtons.length ? [presets] : []), controlsBox, readoutBox, figure,
    errors);
  el.appendChild(root);
  // The picture may be touched: `change` sets controls as they do (a click), `hover`
  // reports what the mouse is over, which the readout and the picture then show (never
  // synced: the mouse is the page's own), `select` selects something in the picture
  // (null clears it): drawn, then synced, so that Python's readout and saved picture
  // show it too.
  let hover = null;
  let selection = keptSelection(spec, values, model.get('selection'));
  const touch = {
    change: (update) => change(update),
    hover: (over) => {
      if (JSON.stringify(over) === JSON.stringify(hover)) return;
      hover = over;
      draw();
    },
    select: (selected) => {
      selection = keptSelection(spec, values, selected);
      draw();
      model.set('selection', selection);
      model.save_changes();
    },
  };
  const picture = kind.picture(figure, spec, touch);

  const showError = (where, err) => {
    const line = document.createElement('div');
    line.textContent = `${where}: ${err && err.stack ? err.stack : err}`;
    errors.appendChild(line);
    while (errors.childNodes.length > 5) errors.removeChild(errors.firstChild);
  };
  const draw = () => {
    try {
      for (const c of spec.controls) controls[c.key].set(values[c.key], allowed[c.key]);
      const preset = currentPreset(spec, values);
      for (const [p, b] of presetButtons) b.setAttribute('aria-pressed', String(p === preset));
      const rows = (lines) => lines.map(([label, text]) => {
        const row = document.createElement('div');
        const b = document.createElement('b');
        b.textContent = label;
        row.append(b, `: ${text}`);
        return row;
      });
      readout.replaceChildren(...rows(readoutLines(spec, values, hover, selection)));
      // A kind whose readout writes out what the mouse is over or has selected keeps room
      // for it: kind.room(values, spec) gives the longest of those, {hover, selection}.
      const most = kind.room ? kind.room(values, spec) : null;
      room.replaceChildren(...(most ? rows(readoutLines(spec, values, most.hover ?? null,
        most.selection ?? null)) : []));
      picture.update(values, hover, selection);
    } catch (err) {
      showError('drawing', err);
    }
  };
  // A press: drawn now, then the kernel is told (it never holds the page up). The keys
  // of `update` are the learner's wishes; the limits then set the controls they limit,
  // and a selection the new values do not keep is cleared.
  const change = (update) => {
    wishes = {...wishes, ...update};
    ({values, allowed} = applyLimits(spec, {...values, ...update}, wishes));
    selection = keptSelection(spec, values, selection);
    draw();
    model.set('values', values);
    model.set('wishes', wishes);
    model.set('selection', selection);
    model.save_changes();
  };
  const fromKernel = () => {
    values = {...model.get('values')};
    wishes = {...model.get('wishes')};
    allowed = applyLimits(spec, values, wishes).allowed;
    selection = keptSelection(spec, values, model.get('selection'));
    draw();
  };
  const kernelError = () => {
    const message = model.get('error');
    if (message) showError('kernel', message);
  };
  model.on('change:values', fromKernel);
  model.on('change:wishes', fromKernel);
  model.on('change:selection', fromKernel);
  model.on('change:error', kernelError);
  draw();
  kernelError();
  return () => {
    model.off('change:values', fromKernel);
    model.off('change:wishes', fromKernel);
    model.off('change:selection', fromKernel);
    model.off('change:error', kernelError);
  };
}

// A model of the page's own, for a page with no kernel (the static site, the page tests):
// it holds `state`, hands each saved set of values to `onSave`, and `changed(key)` tells the
// listeners of `change:<key>`, as a kernel's update would.
function pageModel(state, onSave = () => {}) {
  const listeners = {};
  return {
    get: (key) => state[key],
    set: (key, value) => { state[key] = value; },
    save_changes: () => onSave(state),
    on: (event, callback) => { (listeners[event] = listeners[event] || []).push(callback); },
    off: (event, callback) => {
      listeners[event] = (listeners[event] || []).filter((c) => c !== callback);
    },
    changed: (key) => (listeners[`change:${key}`] || []).forEach((c) => c()),
  };
}
