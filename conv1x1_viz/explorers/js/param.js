// ParamExplorer in the page: the readout of one Conv2D layer, and the filter-block picture
// (conv1x1_viz.geometry.filter_block_scene and draw.draw_filter_block, written again here;
// a browser test compares both with Python's at every setting the controls reach).
// spec.data holds the input's size and the drawing's constants, sent by Python.

// drawn_length and Block of conv1x1_viz.geometry.blocks.
const blockGeometry = (d) => {
  const angle = (d.oblique_angle * Math.PI) / 180;
  const length = (n) => d.unit * Math.log2(1 + n);
  const offset = (depth) => [depth * d.depth_scale * Math.cos(angle), depth * d.depth_scale * Math.sin(angle)];
  const block = (x, y, width, height, depth) => {
    const [dx, dy] = offset(depth);
    const top = y + height, right = x + width;
    return {
      x, y, width, height, depth,
      front: [[x, y], [right, y], [right, top], [x, top]],
      top: [[x, top], [right, top], [right + dx, top + dy], [x + dx, top + dy]],
      side: [[right, y], [right + dx, y + dy], [right + dx, top + dy], [right, top]],
      bounds: [x, right + dx, y, top + dy],
      // For each depth, a line across the top face and one down the side face.
      dividers: (depths) => {
        const across = [], down = [];
        for (const depthAt of depths) {
          const [ox, oy] = offset(depthAt);
          across.push([[x + ox, top + oy], [right + ox, top + oy]]);
          down.push([[right + ox, top + oy], [right + ox, y + oy]]);
        }
        return [...across, ...down];
      },
    };
  };
  return {length, block};
};

// filter_block_scene for stride 1 and "same" padding: the output keeps H × W.
const filterBlockScene = (d, [h, w, cIn], k, filters) => {
  const {length, block} = blockGeometry(d);
  const gap = d.gap;
  const inp = block(0, 0, length(w), length(h), length(cIn));
  const middle = inp.y + inp.height / 2;
  const filt = block(inp.bounds[1] + gap, middle - length(k) / 2, length(k), length(k), inp.depth);
  const arrowStart = filt.bounds[1] + 0.25 * gap;
  const arrowEnd = arrowStart + gap;
  const out = block(arrowEnd + 0.25 * gap, middle - length(h) / 2, length(w), length(h), length(filters));
  const firstMap = block(out.x, out.y, out.width, out.height, Math.min(length(1), out.depth));
  const cell = Math.min(Math.max(out.width / w, 0.3 * d.unit), out.width, out.height);
  const px = out.x, py = out.y + out.height - cell;
  const all = [inp.bounds, filt.bounds, out.bounds];
  const bounds = [
    Math.min(...all.map((b) => b[0])), Math.max(...all.map((b) => b[1])),
    Math.min(...all.map((b) => b[2])), Math.max(...all.map((b) => b[3])),
  ];
  const labelY = bounds[2] - 0.2 * d.unit;
  const anchor = (b) => [(b.bounds[0] + b.bounds[1]) / 2, labelY];
  const dividerDepths = (count) => {
    const depths = [];
    for (let i = 1; i < Math.min(count, d.max_dividers + 1); i++) depths.push(length(i));
    return depths;
  };
  const channelDepths = dividerDepths(cIn);
  const winW = Math.min(filt.width, inp.width), winH = Math.min(filt.height, inp.height);
  return {
    input: inp, filter: filt, output: out, first_map: firstMap,
    window: block(inp.x, inp.y + inp.height - winH, winW, winH, inp.depth),
    output_pixel: [[px, py], [px + cell, py], [px + cell, py + cell], [px, py + cell]],
    dividers: {
      input: inp.dividers(channelDepths),
      filter: filt.dividers(channelDepths),
      output: out.dividers(dividerDepths(filters)),
    },
    arrow: [[arrowStart, middle], [arrowEnd, middle]],
    label_anchors: {input: anchor(inp), filter: anchor(filt), output: anchor(out)},
    bounds,
  };
};

// The labels under the blocks, as draw_filter_block writes them.
const filterBlockLabels = ([h, w, cIn], k, n) => ({
  input: ['input', shapeText(h, w, cIn)],
  filter: [`filter ${shapeText(k, k, cIn)}`, `× ${plural(n, 'filter')}`],
  output: [`output: ${plural(n, 'map')}`, shapeText(h, w, n)],
});

KINDS['param-explorer'] = {
  readout(v, spec) {
    const [h, w] = spec.data.input_size;
    const cIn = v.in_channels, n = v.filters, k = v.kernel_size;
    return [
      ['Layer', `Conv2D(${fmt(n)}, ${k}×${k}) on a ${shapeText(h, w, cIn)} input: ` +
        `${plural(n, 'filter')} of ${shapeText(k, k, cIn)}`],
      ['Parameters', paramsFormula(k, cIn, n, v.use_bias)],
      [`Multiply-accumulates (one ${h}×${w} image)`, macsFormula(h, w, cIn, n, k)],
    ];
  },
  scene: (v, spec) =>
    filterBlockScene(spec.data, [...spec.data.input_size, v.in_channels], v.kernel_size, v.filters),
  labels: (v, spec) => filterBlockLabels([...spec.data.input_size, v.in_channels], v.kernel_size, v.filters),

  // The picture: made once, its shapes moved and its labels rewritten on every change.
  picture(figure, spec) {
    const d = spec.data, c = d.colors;
    const largest = (key) => {
      const control = spec.controls.find((x) => x.key === key);
      return control.options[control.options.length - 1];
    };
    // Limits of the largest layer the controls reach, kept on every change.
    const [x0, x1, y0, y1] = filterBlockScene(
      d, [...d.input_size, largest('in_channels')], largest('kernel_size'), largest('filters')).bounds;
    const bottom = y0 - d.label_room - d.note_room;
    const width = x1 - x0 + 0.4, height = y1 + 0.2 - bottom;
    // As matplotlib lays out axes of equal aspect: the scale that fits both sides.
    const unitPx = Math.min(d.axes_px[0] / width, d.axes_px[1] / height);
    // The note hangs a fixed number of points under the labels (draw_filter_block), which
    // may reach below the axes' limits: the picture grows to hold it.
    const noteFont = (d.fontsize_px * (d.fontsize_pt - 1.5)) / d.fontsize_pt / unitPx;
    const noteDrop = ((d.label_height * d.fontsize_pt + d.note_gap_pt) * 100) / 72 / unitPx;
    const noteBottom = -(y0 - 0.2 * d.unit) + noteDrop + 1.25 * noteFont;
    const shown = Math.max(height, noteBottom + y1 + 0.2);
    const svg = svgEl('svg', {
      viewBox: `${x0 - 0.2} ${-(y1 + 0.2)} ${width} ${shown}`,
      width: Math.round(width * unitPx), height: Math.round(shown * unitPx),
      role: 'img', 'font-family': 'DejaVu Sans, sans-serif',
    }, figure);
    const font = d.fontsize_px / unitPx;  // the font size in data units
    const stroke = {stroke: c.edge, 'stroke-width': d.linewidth_px / unitPx, 'stroke-linejoin': 'round'};
    const faces = (color) => [1, 1.35, 0.72].map((f) => svgEl('polygon',
      {fill: f === 1 ? color : shade(color, f), ...stroke}, svg));
    const dividers = () => svgEl('path', {
      fill: 'none', stroke: c.edge, 'stroke-width': (0.5 * d.linewidth_px) / unitPx, 'stroke-opacity': 0.55,
    }, svg);
    const filterEdge = shade(c.filter, 0.55);
    const shapes = {input: faces(c.input), inputLines: dividers()};
    shapes.window = [svgEl('polygon', {fill: c.filter, 'fill-opacity': 0.55, stroke: filterEdge,
      'stroke-width': d.linewidth_px / unitPx}, svg),
    svgEl('polygon', {fill: shade(c.filter, 1.35), 'fill-opacity': 0.55, stroke: filterEdge,
      'stroke-width': d.linewidth_px / unitPx}, svg)];
    shapes.filter = faces(c.filter);
    shapes.filterLines = dividers();
    shapes.output = faces(c.output);
    shapes.outputLines = dividers();
    shapes.firstMap = faces(c.filter);
    shapes.pixel = svgEl('polygon', {fill: filterEdge}, svg);
    const head = 0.12;
    shapes.arrow = svgEl('path', {fill: c.edge, stroke: c.edge, 'stroke-width': 1.4 / unitPx}, svg);
    const labels = {};
    const note = svgEl('text', {'font-size': noteFont,
      fill: '#737373', 'text-anchor': 'end', class: 'c1x1-note'}, svg);
    note.textContent = d.note;
    const place = (polys, block) => {
      [block.front, block.top, block.side].forEach((f, i) => polys[i].setAttribute('points', points(f)));
    };
    const segments = (path, segs) => path.setAttribute('d',
      segs.map(([[a, b], [e, f]]) => `M${+a.toFixed(4)} ${+(-b).toFixed(4)}L${+e.toFixed(4)} ${+(-f).toFixed(4)}`).join(''));
    return {
      update(v) {
        const s = this.scene = KINDS['param-explorer'].scene(v, spec);
        place(shapes.input, s.input);
        segments(shapes.inputLines, s.dividers.input);
        shapes.window[0].setAttribute('points', points(s.window.front));
        shapes.window[1].setAttribute('points', points(s.window.top));
        place(shapes.filter, s.filter);
        segments(shapes.filterLines, s.dividers.filter);
        place(shapes.output, s.output);
        segments(shapes.outputLines, s.dividers.output);
        place(shapes.firstMap, s.first_map);
        shapes.pixel.setAttribute('points', points(s.output_pixel));
        const [[ax, ay], [bx, by]] = s.arrow;
        shapes.arrow.setAttribute('d', `M${ax} ${-ay}L${bx - head} ${-by}M${bx - head} ${-by - head / 2}` +
          `L${bx} ${-by}L${bx - head} ${-by + head / 2}Z`);
        const texts = KINDS['param-explorer'].labels(v, spec);
        for (const [key, lines] of Object.entries(texts)) {
          if (labels[key]) labels[key].remove();
          const [lx, ly] = s.label_anchors[key];
          labels[key] = textLines(svg, lx, ly, lines, {'font-size': font, 'text-anchor': 'middle',
            fill: '#000', class: `c1x1-label c1x1-label-${key}`});
        }
        const labelTop = Math.min(...Object.values(s.label_anchors).map(([, y]) => y));
        note.setAttribute('x', x1 + 0.2);
        note.setAttribute('y', -labelTop + noteDrop + 0.95 * noteFont);
      },
    };
  },
};
