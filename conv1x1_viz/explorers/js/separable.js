// SeparableExplorer in the page: the costs of a standard k×k layer, a grouped one and a
// depthwise separable pair, and the picture of draw_channel_groups above
// draw_cost_comparison(relative=True), written again here (a browser test compares the
// readout, the texts and the geometry with Python's at every setting the controls reach).
// spec.data holds the drawings' constants, read by Python from the draw modules.

// SeparableExplorer.layers: {layer: [parameters, multiply-accumulates]}.
const separableLayers = (v) => {
  const {kernel_size: k, in_channels: cIn, filters: cOut, groups: g, use_bias: bias, size: s} = v;
  return {
    standard: [convParams(k, cIn, cOut, bias), convMacs(s, s, cIn, cOut, k)],
    grouped: [convParams(k, cIn, cOut, bias, g), convMacs(s, s, cIn, cOut, k, g)],
    depthwise: [convParams(k, cIn, cIn, bias, cIn), convMacs(s, s, cIn, cIn, k, cIn)],
    pointwise: [convParams(1, cIn, cOut, bias), convMacs(s, s, cIn, cOut, 1)],
  };
};

// SeparableExplorer.costs: the three designs drawn, [name, [parameters, MACs]].
const separableCosts = (v) => {
  const k = v.kernel_size;
  const {standard, grouped, depthwise, pointwise} = separableLayers(v);
  return [
    [`standard ${k}×${k}`, standard],
    [`${k}×${k} in ${plural(v.groups, 'group')}`, grouped],
    ['depthwise + 1×1', [depthwise[0] + pointwise[0], depthwise[1] + pointwise[1]]],
  ];
};

// draw_channel_groups' strips: cell edges (0 … 1) and each cell's colour index.
const groupStrip = (count, groups, d) => {
  const perGroup = count / groups;
  const cells = count <= d.most_cells ? count : groups;
  const edges = Array.from({length: cells + 1}, (_, i) => (i === cells ? 1 : i * (1 / cells)));
  const colors = Array.from({length: cells}, (_, i) =>
    (count <= d.most_cells ? Math.floor(i / perGroup) : i) % 2);
  return {edges, colors};
};

// draw_channel_groups' labels.
const groupLabels = (cIn, cOut, g) => {
  const per = g === 1 ? 'every channel'
    : cIn === g ? 'one channel, its own' : `only the ${fmt(cIn / g)} channels of its group`;
  return {
    inputs: `input: ${plural(cIn, 'channel')}` + (g === 1 ? '' : `, ${fmt(g)} groups of ${fmt(cIn / g)}`),
    outputs: `output: ${plural(cOut, 'map')}; each filter sees ${per}`,
  };
};


KINDS['separable-explorer'] = {
  readout(v) {
    const {kernel_size: k, in_channels: cIn, filters: cOut, groups: g, use_bias: bias, size: s} = v;
    const layers = separableLayers(v);
    const pair = layers.depthwise[1] + layers.pointwise[1];
    const share = pair / layers.standard[1];
    const rule = 1 / cOut + 1 / (k * k);
    const groups = plural(g, 'group');
    return [
      [`Standard ${k}×${k}: parameters`, paramsFormula(k, cIn, cOut, bias)],
      [`Standard ${k}×${k}: multiply-accumulates`, macsFormula(s, s, cIn, cOut, k)],
      [`In ${groups}: parameters`, paramsFormula(k, cIn, cOut, bias, g)],
      [`In ${groups}: multiply-accumulates`, macsFormula(s, s, cIn, cOut, k, g)],
      [`Depthwise ${k}×${k}: parameters`, paramsFormula(k, cIn, cIn, bias, cIn)],
      [`Depthwise ${k}×${k}: multiply-accumulates`, macsFormula(s, s, cIn, cIn, k, cIn)],
      ['Pointwise 1×1: parameters', paramsFormula(1, cIn, cOut, bias)],
      ['Pointwise 1×1: multiply-accumulates', macsFormula(s, s, cIn, cOut, 1)],
      ['Depthwise + pointwise ÷ standard',
        `${fixed(share, 4)} of the multiply-accumulates; 1/C_out + 1/k² = 1/${cOut} + ` +
        `1/${k * k} = ${fixed(rule, 4)}; the 1×1 layer does ` +
        `${fixed((100 * layers.pointwise[1]) / pair, 1)} % of the pair's`],
    ];
  },

  // SeparableExplorer.limits: only the group counts that divide both depths.
  limits(v, spec) {
    const control = spec.controls.find((c) => c.key === 'groups');
    const gcd = (a, b) => (b ? gcd(b, a % b) : a);
    const common = gcd(v.in_channels, v.filters);
    return {groups: control.options.filter((g) => common % g === 0)};
  },

  // What the picture shows, in the drawings' own units: the strips' cells, the bands, the
  // bars (shares of the standard layer's counts, cut at longest_share) and every text.
  scene(v, spec) {
    const d = spec.data, gd = d.groups, cd = d.cost;
    const cIn = v.in_channels, cOut = v.filters, g = v.groups;
    const costs = separableCosts(v);
    const bands = Array.from({length: g + 1}, (_, i) => (i === g ? 1 : i * (1 / g)));
    const bars = cd.quantities.map((_, q) => costs.map(([, counts], i) => {
      const share = counts[q] / costs[0][1][q];
      return {share, shown: Math.min(share, cd.longest_share), y: cd.positions[q][i],
        text: fmt(counts[q]) + shareText(i, share, cd.longest_share)};
    }));
    return {
      inputs: groupStrip(cIn, g, gd),
      outputs: groupStrip(cOut, g, gd),
      bands,
      bars,
      labels: groupLabels(cIn, cOut, g),
      names: costs.map(([name]) => `■ ${name}`),
    };
  },

  // The picture: made once, at the saved picture's size (spec.data.figure_px, CSS pixels
  // for matplotlib's pixels at 100 dpi); its shapes moved and its texts rewritten in place.
  picture(figure, spec) {
    const d = spec.data, gd = d.groups, cd = d.cost;
    const [W, H] = d.figure_px;
    const pt = 100 / 72;  // pixels a point
    const svg = svgEl('svg', {
      viewBox: `0 0 ${W} ${H}`, width: Math.round(W), height: Math.round(H),
      role: 'img', 'font-family': 'DejaVu Sans, sans-serif',
    }, figure);
    // Axes transforms: data units to pixels (y down), as matplotlib's for these limits.
    const axes = ([x0, y0, w, h], [xa, xb], [ya, yb]) => ({
      x: (x) => (x0 + (w * (x - xa)) / (xb - xa)) * W,
      y: (y) => (1 - (y0 + (h * (y - ya)) / (yb - ya))) * H,
      left: x0 * W, right: (x0 + w) * W, top: (1 - y0 - h) * H, bottom: (1 - y0) * H,
    });
    const ga = axes(d.groups_rect, gd.xlim, [0, 1]);
    const xmax = cd.longest_share / (1 - cd.label_room);
    const ca = axes(d.cost_rect, [0, xmax], cd.ybounds);
    const r = (n) => +n.toFixed(3);
    // A text aligned as matplotlib aligns it (va top, center or bottom of its line's box):
    // its baseline placed from the line's height above and below it.
    const {ascent, descent} = d.line_metrics;
    const baseline = (y, va, size) =>
      y + size * (va === 'top' ? ascent : va === 'bottom' ? -descent : (ascent - descent) / 2);
    const text = (x, y, s, va, size, attrs) => {
      const t = svgEl('text', {x: r(x), y: r(baseline(y, va, size)), fill: '#000',
        'font-size': size, ...attrs}, svg);
      t.textContent = s;
      return t;
    };
    const rect = ([a, b], [c, e]) => `M${r(a)} ${r(c)}H${r(b)}V${r(e)}H${r(a)}Z`;

    // The channel groups: per strip, one path a colour (cells edged in white); the bands.
    const cellStyle = (color) => ({fill: color, stroke: gd.edgecolor, 'stroke-width': gd.linewidth_px});
    const strips = ['inputs', 'outputs'].map(() => gd.colors.map((c) =>
      svgEl('path', {...cellStyle(c), class: 'c1x1-cells'}, svg)));
    const bandPaths = gd.colors.map((c) =>
      svgEl('path', {fill: c, 'fill-opacity': gd.band_alpha, class: 'c1x1-bands'}, svg));
    const groupText = {
      inputs: text(ga.x(0), ga.y(gd.top + gd.strip_height + 0.03), '', 'bottom', gd.fontsize_px,
        {class: 'c1x1-label c1x1-label-inputs'}),
      outputs: text(ga.x(0), ga.y(gd.bottom - 0.03), '', 'top', gd.fontsize_px,
        {class: 'c1x1-label c1x1-label-outputs'}),
    };

    // The cost bars: the axis line and ticks, then a bar and a number per design and quantity.
    const fs = cd.fontsize_px;
    const axisLine = {stroke: '#000', 'stroke-width': cd.spine_px, fill: 'none'};
    svgEl('path', {...axisLine, 'stroke-linecap': 'square',
      d: `M${r(ca.left)} ${r(ca.top)}V${r(ca.bottom)}H${r(ca.right)}`}, svg);
    const tickEnd = ca.bottom + cd.tick_px;
    cd.ticks.forEach(([at, label], i) => {
      svgEl('path', {...axisLine, d: `M${r(ca.x(at))} ${r(ca.bottom)}V${r(tickEnd)}`}, svg);
      text(ca.x(at), tickEnd + cd.tick_pad_px, label, 'top', fs,
        {'text-anchor': 'middle', class: `c1x1-label c1x1-label-tick-${i}`});
    });
    // The axis label hangs its pad below the tick labels' line.
    const labelTop = tickEnd + cd.tick_pad_px + (ascent + descent) * fs + cd.xlabel_pad_px;
    text((ca.left + ca.right) / 2, labelTop, cd.xlabel, 'top', fs,
      {'text-anchor': 'middle', class: 'c1x1-label c1x1-label-xlabel'});
    const bars = cd.quantities.map(() => cd.colors.slice(0, 3).map((c) =>
      svgEl('rect', {fill: c, class: 'c1x1-bar'}, svg)));
    const numbers = cd.quantities.map((_, q) => [0, 1, 2].map((i) =>
      text(0, 0, '', 'center', fs, {class: `c1x1-label c1x1-label-number-${q}-${i}`})));
    cd.quantities.forEach((quantity, q) => text(ca.left + cd.group_label_x * (ca.right - ca.left),
      ca.y(cd.group_centres[q]), quantity, 'center', fs,
      {'text-anchor': 'end', class: `c1x1-label c1x1-label-quantity-${q}`}));
    const names = [0, 1, 2].map((i) => text(ca.right,
      ca.top - (cd.names_lift_pt + cd.name_line * (fs / pt) * (2 - i)) * pt, '', 'bottom', fs,
      {fill: cd.colors[i], 'text-anchor': 'end', class: `c1x1-label c1x1-label-name-${i}`}));

    return {
      update(v) {
        const s = this.scene = KINDS['separable-explorer'].scene(v, spec);
        const top = {inputs: gd.top, outputs: gd.bottom};
        ['inputs', 'outputs'].forEach((key, k) => {
          const {edges, colors} = s[key];
          const y = [ga.y(top[key]), ga.y(top[key] + gd.strip_height)];
          const paths = gd.colors.map(() => []);
          colors.forEach((c, i) => paths[c].push(rect([ga.x(edges[i]), ga.x(edges[i + 1])], y)));
          strips[k].forEach((p, c) => p.setAttribute('d', paths[c].join('')));
        });
        const bandRows = gd.colors.map(() => []);
        const band = [ga.y(gd.top), ga.y(gd.bottom + gd.strip_height)];
        for (let i = 0; i < s.bands.length - 1; i++) {
          bandRows[i % 2].push(rect([ga.x(s.bands[i]), ga.x(s.bands[i + 1])], band));
        }
        bandPaths.forEach((p, c) => p.setAttribute('d', bandRows[c].join('')));
        for (const key of ['inputs', 'outputs']) groupText[key].textContent = s.labels[key];
        s.bars.forEach((row, q) => row.forEach((bar, i) => {
          const y0 = ca.y(bar.y + cd.bar_height / 2), y1 = ca.y(bar.y - cd.bar_height / 2);
          const x1 = ca.x(bar.shown);
          Object.entries({x: r(ca.x(0)), y: r(y0), width: r(x1 - ca.x(0)), height: r(y1 - y0)})
            .forEach(([a, n]) => bars[q][i].setAttribute(a, n));
          numbers[q][i].setAttribute('x', r(x1 + cd.number_nudge_pt * pt));
          numbers[q][i].setAttribute('y', r(baseline(ca.y(bar.y), 'center', fs)));
          numbers[q][i].textContent = bar.text;
        }));
        names.forEach((t, i) => { t.textContent = s.names[i]; });
      },
    };
  },
};
