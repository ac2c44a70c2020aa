// BottleneckExplorer in the page: the readout of a direct k×k layer against a 1×1 reduction
// followed by the same layer, and the bars of draw_cost_comparison(relative=True) (written
// again here; browser tests compare the readout with Python's at every setting the controls
// reach, and the bars' texts and lengths with the saved picture's). spec.data holds the
// input's size, whether the layers have biases, and the drawing's constants, sent by Python.

// bottleneck_costs of conv1x1_viz.formulas: both designs' parameters and MACs.
const bottleneckCosts = (v, spec) => {
  const [h, w] = spec.data.input_size;
  const bias = spec.data.use_bias;
  const cIn = v.in_channels, r = v.reduction, k = v.kernel_size, n = v.filters;
  const direct = {params: convParams(k, cIn, n, bias), macs: convMacs(h, w, cIn, n, k)};
  const reduce = {params: convParams(1, cIn, r, bias), macs: convMacs(h, w, cIn, r, 1)};
  const conv = {params: convParams(k, r, n, bias), macs: convMacs(h, w, r, n, k)};
  return {
    direct, reduce, conv,
    reducedParams: reduce.params + conv.params,
    reducedMacs: reduce.macs + conv.macs,
  };
};

// The designs' names (BottleneckExplorer._names).
const bottleneckNames = (v) => {
  const k = v.kernel_size;
  return [`direct ${k}×${k}`, `1×1 to ${fmt(v.reduction)}, then ${k}×${k}`];
};


KINDS['bottleneck-explorer'] = {
  readout(v, spec) {
    const [h, w] = spec.data.input_size;
    const bias = spec.data.use_bias;
    const cIn = v.in_channels, r = v.reduction, k = v.kernel_size, n = v.filters;
    const c = bottleneckCosts(v, spec);
    const [direct, bottleneck] = bottleneckNames(v);
    return [
      ['Biases', bias ? 'one per filter, counted in the parameters' : 'none'],
      [`Direct ${k}×${k}: parameters`, paramsFormula(k, cIn, n, bias)],
      [`Direct ${k}×${k}: multiply-accumulates`, macsFormula(h, w, cIn, n, k)],
      [`1×1 to ${r}: parameters`, paramsFormula(1, cIn, r, bias)],
      [`1×1 to ${r}: multiply-accumulates`, macsFormula(h, w, cIn, r, 1)],
      [`${k}×${k} after it: parameters`, paramsFormula(k, r, n, bias)],
      [`${k}×${k} after it: multiply-accumulates`, macsFormula(h, w, r, n, k)],
      [`${bottleneck}: totals`,
        `${fmt(c.reducedParams)} parameters, ${fmt(c.reducedMacs)} multiply-accumulates`],
      [`${direct} ÷ ${bottleneck}`,
        `parameters ${fixed(c.direct.params / c.reducedParams, 2)}×, ` +
        `multiply-accumulates ${fixed(c.direct.macs / c.reducedMacs, 2)}×`],
    ];
  },

  // Reduce to no more maps than the input has (BottleneckExplorer.limits).
  limits: (v) => ({reduction: v.in_channels}),

  // What the bars show (CostComparisonArtists._update_relative): per quantity q and design
  // d, the bar's length as a share of the direct layer's count (cut at the longest share),
  // and its number; and the designs' names.
  bars(v, spec) {
    const c = bottleneckCosts(v, spec);
    const longest = spec.data.cost.longest_share;
    const rows = [[c.direct.params, c.reducedParams], [c.direct.macs, c.reducedMacs]];
    return {
      lengths: rows.map((row) => row.map((value) => Math.min(value / row[0], longest))),
      numbers: rows.map((row) => row.map((value, d) => fmt(value) + shareText(d, value / row[0], longest))),
      names: bottleneckNames(v).map((name) => `■ ${name}`),
    };
  },

  // The picture: the axes, ticks and quantities made once; the bars, their numbers and
  // the names changed in place on every change. In CSS pixels at the saved picture's scale
  // (100 dpi), so that the page and the saved picture have the same size.
  picture(figure, spec) {
    const d = spec.data, s = d.cost;
    const [figW, figH] = d.figure_px;
    const [left, bottom, width, height] = d.axes_rect;
    const pt = 100 / 72;  // CSS pixels a point
    const ax = {x0: left * figW, x1: (left + width) * figW,
      top: (1 - bottom - height) * figH, bottom: (1 - bottom) * figH};
    const xmax = s.longest_share / (1 - s.label_room);
    const [ylo, yhi] = s.ybounds;
    const X = (share) => ax.x0 + (share / xmax) * (ax.x1 - ax.x0);
    const Y = (y) => ax.top + ((yhi - y) / (yhi - ylo)) * (ax.bottom - ax.top);
    const svg = svgEl('svg', {
      viewBox: `0 0 ${figW} ${figH}`, width: figW, height: figH, role: 'img',
      'aria-label': 'cost comparison', 'font-family': 'DejaVu Sans, sans-serif',
      'font-size': s.fontsize_px, fill: 'currentColor',
    }, figure);
    // Baselines of DejaVu Sans text as matplotlib aligns it: centred on y, its bottom or
    // its top at y (em fractions of the font's ascent and descent).
    const centred = '0.27em', onBottom = '-0.24em', onTop = '0.76em';
    const bars = s.positions.map((row) => row.map((y, dIndex) => svgEl('rect', {
      x: X(0), y: Y(y + s.bar_height / 2), height: Y(y - s.bar_height / 2) - Y(y + s.bar_height / 2),
      width: 0, fill: s.colors[dIndex], class: `c1x1-bar c1x1-bar-${dIndex}`,
    }, svg)));
    const line = {stroke: 'currentColor', 'stroke-width': s.spine_px, 'stroke-linecap': 'square'};
    svgEl('line', {x1: X(0), y1: ax.top, x2: X(0), y2: ax.bottom, ...line, class: 'c1x1-spine'}, svg);
    svgEl('line', {x1: ax.x0, y1: ax.bottom, x2: ax.x1, y2: ax.bottom, ...line, class: 'c1x1-spine'}, svg);
    for (const [at, label] of s.ticks) {
      svgEl('line', {x1: X(at), y1: ax.bottom, x2: X(at), y2: ax.bottom + s.tick_px,
        stroke: 'currentColor', 'stroke-width': s.spine_px}, svg);
      const text = svgEl('text', {x: X(at), y: ax.bottom + s.tick_px + s.tick_pad_px, dy: onTop,
        'text-anchor': 'middle', class: 'c1x1-tick'}, svg);
      text.textContent = label;
    }
    const tickBottom = ax.bottom + s.tick_px + s.tick_pad_px + s.fontsize_px;
    const xlabel = svgEl('text', {x: (ax.x0 + ax.x1) / 2, y: tickBottom + s.xlabel_pad_px, dy: onTop,
      'text-anchor': 'middle', class: 'c1x1-xlabel'}, svg);
    xlabel.textContent = s.xlabel;
    s.quantities.forEach((quantity, q) => {
      const text = svgEl('text', {x: ax.x0 + s.group_label_x * (ax.x1 - ax.x0), y: Y(s.group_centres[q]),
        dy: centred, 'text-anchor': 'end', class: 'c1x1-quantity'}, svg);
      text.textContent = quantity;
    });
    const numbers = s.positions.map((row) => row.map((y) => svgEl('text', {
      y: Y(y), dy: centred, class: 'c1x1-bar-number'}, svg)));
    const nameCount = s.positions[0].length;
    const names = s.positions[0].map((_, dIndex) => svgEl('text', {
      x: ax.x1, y: ax.top - (s.names_lift_pt + s.name_line * (s.fontsize_px / pt) * (nameCount - 1 - dIndex)) * pt,
      dy: onBottom, 'text-anchor': 'end', fill: s.colors[dIndex], class: 'c1x1-design-name'}, svg));
    return {
      update(v) {
        const shown = KINDS['bottleneck-explorer'].bars(v, spec);
        shown.lengths.forEach((row, q) => row.forEach((length, dIndex) => {
          bars[q][dIndex].setAttribute('width', X(length) - X(0));
          const number = numbers[q][dIndex];
          number.setAttribute('x', X(length) + s.number_nudge_pt * pt);
          number.textContent = shown.numbers[q][dIndex];
        }));
        shown.names.forEach((name, dIndex) => { names[dIndex].textContent = name; });
      },
    };
  },
};
