// MixingExplorer in the page: one pixel's channel vector through a 1×1 layer, y = x @ W,
// drawn as draw_channel_mixing draws it (geometry.mixing_layout written again here): W as the
// equation writes it, one row per input channel and one column per filter, x a column on its
// left (x[c] beside row c), y a row under it (y[f] under column f). With
// the photo to pick the pixel on. spec.data holds the photo (a PNG made once by Python),
// the features of every pixel, the seeded weights and the drawing's constants; a browser
// test compares the readout, the products and the picture's texts with Python's.

// Python's f"{v:.{digits}f}" (core.js's fixed), the sign of -0.0 kept: a negative weight
// times a feature the ReLU set to 0 is -0.0, which Python writes -0.00.
const pyFixed = (v, digits) => (Object.is(v, -0) ? `-${fixed(0, digits)}` : fixed(v, digits));
// How draw_channel_mixing prints a cell, and how dot_formula writes its factors and total.
const cellText = (v, digits) => pyFixed(v, digits).replace('-', '−');
const signedText = (v, digits) => {
  const text = pyFixed(Math.abs(v), digits);
  return v < 0 && Number(text) !== 0 ? `(−${text})` : text;
};
const totalText = (v, digits) => {
  const text = pyFixed(v, digits);
  return Number(text) === 0 ? pyFixed(0, digits) : text.replace('-', '−');
};
// y = x @ W (+ b) for one pixel: conv1x1 on its channel vector, over the first `filters`
// columns of W (shape (C_in, C_out), Keras order).
const mixOutputs = (x, weights, filters, bias = null) => {
  const y = [];
  for (let j = 0; j < filters; j++) {
    let sum = 0;
    for (let i = 0; i < x.length; i++) sum += weights[i][j] * x[i];
    y.push(bias ? sum + bias[j] : sum);
  }
  return y;
};
// dot_formula of conv1x1_viz.formulas.
const dotFormula = (w, x, maxTerms = 4, digits = 2) => {
  let terms = w.map((wi, i) => `${signedText(wi, digits)}·${signedText(x[i], digits)}`);
  if (terms.length > maxTerms) terms = [...terms.slice(0, maxTerms - 1), '…', terms[terms.length - 1]];
  const total = mixOutputs(x, w.map((wi) => [wi]), 1)[0];
  return `${terms.join(' + ')} = ${totalText(total, digits)}`;
};
// geometry.mixing_layout, its constants from Python (spec.data.geometry): W's cell (c, f) is
// the unit square at (f, C_in − 1 − c); x a column left of W, y a row under it; boxes are
// [x, y, width, height].
const mixingLayout = (geo, cIn, cOut) => {
  const gap = geo.gap;
  const xWidth = Math.max(1, geo.vector_share * cOut), yHeight = Math.max(1, geo.vector_share * cIn);
  const xRight = -gap * xWidth, yTop = -gap * yHeight;
  const left = xRight - xWidth, yBottom = yTop - yHeight;
  const line = geo.line_share * (cIn - yBottom);
  const pad = 0.25 * line, margin = 0.3 * xWidth;
  const range = (n) => Array.from({length: n}, (_, i) => i);
  return {
    x_extent: [left, xRight, 0, cIn],
    weight_extent: [0, cOut, 0, cIn],
    y_extent: [0, cOut, yBottom, yTop],
    x_boxes: range(cIn).map((c) => [left, cIn - 1 - c, xWidth, 1]),
    column_boxes: range(cOut).map((f) => [f, 0, 1, cIn]),
    y_boxes: range(cOut).map((f) => [f, yBottom, 1, yHeight]),
    x_box: [left, 0, xWidth, cIn],
    anchors: {
      x: [left, cIn + pad + line], weights: [left, cIn + pad],
      y: [0, yBottom - pad], sum: [left, yBottom - pad - line],
    },
    line,
    bounds: [left - margin, cOut + margin, yBottom - 2 * (pad + line), cIn + 2 * (pad + line)],
  };
};
// geometry.numbers_fit: a number fits in a cell when the drawing fills `size` (points).
const numbersFit = (geo, layout, size, fontsize, digits = 2) => {
  const [x0, x1, y0, y1] = layout.bounds;
  return size[0] / (x1 - x0) >= geo.number_em * fontsize * (digits + 3) &&
    size[1] / (y1 - y0) >= 1.2 * fontsize;
};
// geometry.mixing_cell: which cell (data units) a point falls in.
const mixingCell = (layout, x, y) => {
  const cIn = layout.weight_extent[3];
  const inside = (e) => e[0] <= x && x < e[1] && e[2] <= y && y < e[3];
  if (inside(layout.x_extent)) return ['x', cIn - 1 - Math.floor(y), -1];
  if (inside(layout.weight_extent)) return ['weight', cIn - 1 - Math.floor(y), Math.floor(x)];
  if (inside(layout.y_extent)) return ['y', -1, Math.floor(x)];
  return null;
};

KINDS['mixing-explorer'] = {
  // The geometry, for a test to compare with Python's.
  layout: (spec, cIn, cOut) => mixingLayout(spec.data.geometry, cIn, cOut),
  numbersFit: (spec, cIn, cOut, size) => numbersFit(spec.data.geometry,
    mixingLayout(spec.data.geometry, cIn, cOut), size, spec.data.value_fontsize_pt, spec.data.digits),

  outputs: (v, spec) =>
    mixOutputs(spec.data.features[v.row][v.col], spec.data.weights, v.filters, spec.data.bias),

  readout(v, spec, hover = null) {
    const d = spec.data;
    const x = d.features[v.row][v.col];
    const cIn = x.length, n = v.filters, size = d.image_size;
    const column = (j) => d.weights.map((row) => row[j]);
    const lines = [
      [`Pixel (${v.row}, ${v.col})`, `${plural(cIn, 'channel value')} in, ${plural(n, 'output')} out`],
      [`Output ${v.output}`, dotFormula(column(v.output), x, 4, d.digits)],
    ];
    if (hover && hover.term) {
      const [i, j] = hover.term;
      const w = d.weights[i][j];
      const f = (a) => pyFixed(a, d.digits);
      const text = `W[${i}, ${j}]·x[${i}] = ${f(w)}·${f(x[i])} = ${f(w * x[i])}, one of the ` +
        `${cIn} terms of y[${j}]`;
      lines.push(['Term under the mouse', text.replace(/-/g, '−')]);
    }
    lines.push(
      ['Weights in W (no bias)', paramsFormula(1, cIn, n, false)],
      ['Multiply-accumulates for this pixel', `${cIn}·${n} = ${fmt(cIn * n)}`],
      [`Multiply-accumulates for the ${size}×${size} image`, macsFormula(size, size, cIn, n, 1)],
    );
    return lines;
  },

  limits: (v) => ({output: v.filters - 1}),
  // Room in the readout for a term under the mouse (any: they are written alike).
  room: (v) => ({hover: {term: [0, v.output]}}),

  // The products behind output j, channel by channel, then their sum (product_rows).
  products(v, spec, j) {
    const d = spec.data, x = d.features[v.row][v.col];
    const rows = x.map((xi, i) => {
      const w = d.weights[i][j];
      return [`W[${i}, ${j}]·x[${i}]`, `${signedText(w, d.digits)}·${signedText(xi, d.digits)}`,
        totalText(w * xi, d.digits)];
    });
    const y = KINDS['mixing-explorer'].outputs(v, spec)[j];
    const bias = d.bias ? ` + bias ${signedText(d.bias[j], d.digits)}` : ', no bias';
    return [...rows, [`y[${j}]`, `sum of ${x.length} products${bias}`, totalText(y, d.digits)]];
  },

  // The picture: made once; on every change its cells are recoloured and moved, its texts
  // rewritten, in place.
  picture(figure, spec, touch = null) {
    const d = spec.data;
    const [figW, figH] = d.figsize_px;
    const pt = 100 / 72;  // pixels a point, at the saved picture's 100 dpi
    const cIn = d.weights.length, most = d.weights[0].length, size = d.image_size;
    const svg = svgEl('svg', {
      viewBox: `0 0 ${figW} ${figH}`, width: figW, height: figH, role: 'img',
      'font-family': 'DejaVu Sans, sans-serif', class: 'c1x1-mixing',
    }, figure);
    const table = document.createElement('table');
    table.className = 'c1x1-products';
    table.style.cssText = 'font-size: 12px; border-collapse: collapse; margin: 2px 0; ' +
      'font-variant-numeric: tabular-nums;';
    table.hidden = true;
    figure.appendChild(table);
    // Axes rectangles, figure fractions → SVG pixels (y down).
    const box = ([l, b, w, h]) => ({x: l * figW, y: figH - (b + h) * figH, w: w * figW, h: h * figH});

    // -- the photo, square in its axes (imshow's equal aspect), centred --------------------
    const pa = box(d.photo_rect);
    const side = Math.min(pa.w, pa.h);
    const photo = {x: pa.x + (pa.w - side) / 2, y: pa.y + (pa.h - side) / 2, side};
    const cellPx = side / size;
    svgEl('image', {href: d.photo, x: photo.x, y: photo.y, width: side, height: side,
      preserveAspectRatio: 'none', style: 'image-rendering: pixelated', class: 'c1x1-photo'}, svg);
    const title = svgEl('text', {x: photo.x + side / 2, y: photo.y - 4 * pt, 'text-anchor': 'middle',
      'font-size': d.photo_title_pt * pt, class: 'c1x1-text c1x1-photo-title'}, svg);
    title.textContent = d.photo_title;
    const crossStyle = {stroke: d.cross_color, 'stroke-width': d.cross_width_pt * pt};
    const crossH = svgEl('line', {...crossStyle, x1: photo.x, x2: photo.x + side}, svg);
    const crossV = svgEl('line', {...crossStyle, y1: photo.y, y2: photo.y + side}, svg);

    // -- the matrix product -----------------------------------------------------------------
    const ma = box(d.mixing_rect);
    const colour = (v, limit) => {
      const t = (v + limit) / (2 * limit);
      const n = d.lut.length;
      return d.lut[Math.max(0, Math.min(n - 1, Math.floor(t * n)))];
    };
    const group = svgEl('g', {class: 'c1x1-cells'}, svg);
    const cells = (count, key) => Array.from({length: count}, () =>
      svgEl('rect', {class: `c1x1-cell c1x1-cell-${key}`}, group));
    const xCells = cells(cIn, 'x'), wCells = cells(cIn * most, 'weight'), yCells = cells(most, 'y');
    const outline = (color, widthPt, cls) => svgEl('rect', {fill: 'none', stroke: color,
      'stroke-width': widthPt * pt, class: cls}, svg);
    const boxes = {
      x: outline(d.highlight_color, 1.2, 'c1x1-box-x'),
      weights: outline(d.highlight_color, 2.2, 'c1x1-box-weights'),
      y: outline(d.highlight_color, 2.2, 'c1x1-box-y'),
    };
    const termBoxes = [outline(d.term_color, 2.6, 'c1x1-term'), outline(d.term_color, 2.6, 'c1x1-term')];
    const fs = d.fontsize_pt * pt;
    const titles = {
      x: svgEl('text', {'font-size': fs, 'dominant-baseline': 'text-after-edge', class: 'c1x1-text'}, svg),
      weights: svgEl('text', {'font-size': fs, 'dominant-baseline': 'text-after-edge', class: 'c1x1-text'}, svg),
      y: svgEl('text', {'font-size': fs, 'dominant-baseline': 'text-before-edge', class: 'c1x1-text'}, svg),
    };
    const valueTexts = Array.from({length: 2 * cIn + most}, () => svgEl('text', {
      'font-size': d.value_fontsize_pt * pt, 'text-anchor': 'middle', 'dominant-baseline': 'central',
      class: 'c1x1-text c1x1-value'}, svg));

    // -- the weights' colour scale (colour_bar: inset [1.03, 0.15, 0.04, 0.7] of the axes) --
    const cb = d.colorbar;
    const bar = {x: ma.x + 1.03 * ma.w, y: ma.y + 0.15 * ma.h, w: 0.04 * ma.w, h: 0.7 * ma.h};
    const gradient = svgEl('linearGradient', {id: `c1x1-mixing-lut-${Math.random().toString(36).slice(2)}`,
      x1: 0, y1: 1, x2: 0, y2: 0}, svgEl('defs', {}, svg));
    d.lut.forEach((c, i) => svgEl('stop', {offset: (i + 0.5) / d.lut.length, 'stop-color': c}, gradient));
    svgEl('rect', {...bar, width: bar.w, height: bar.h, fill: `url(#${gradient.id})`,
      stroke: '#000', 'stroke-width': 0.5 * pt}, svg);
    const barY = (t) => bar.y + ((cb.limit - t) / (2 * cb.limit)) * bar.h;
    cb.ticks.forEach((t, i) => {
      const y = barY(t);
      svgEl('line', {x1: bar.x + bar.w, x2: bar.x + bar.w + 2 * pt, y1: y, y2: y, stroke: '#000',
        'stroke-width': 0.8 * pt}, svg);
      const label = svgEl('text', {x: bar.x + bar.w + 3 * pt, y, 'font-size': cb.fontsize_pt * pt,
        'dominant-baseline': 'central', class: 'c1x1-text c1x1-tick'}, svg);
      label.textContent = cb.labels[i];
    });
    const barLabel = svgEl('text', {'font-size': cb.fontsize_pt * pt, 'text-anchor': 'middle',
      class: 'c1x1-text c1x1-bar-label',
      transform: `translate(${bar.x + bar.w + 3 * pt + 20 + 2 * pt + cb.fontsize_pt * pt} ${bar.y + bar.h / 2}) rotate(-90)`}, svg);
    barLabel.textContent = cb.label;

    // -- drawing -------------------------------------------------------------------------------
    let layout = null, now = null;
    const X = (x) => ma.x + ((x - layout.bounds[0]) / (layout.bounds[1] - layout.bounds[0])) * ma.w;
    const Y = (y) => ma.y + ((layout.bounds[3] - y) / (layout.bounds[3] - layout.bounds[2])) * ma.h;
    const place = (el, x0, y0, w, h) => {  // a rectangle given in data units, (x0, y0) its corner
      const left = X(x0), right = X(x0 + w), top = Y(y0 + h), bottom = Y(y0);
      el.setAttribute('x', left);
      el.setAttribute('y', top);
      el.setAttribute('width', right - left);
      el.setAttribute('height', bottom - top);
      el.removeAttribute('display');
    };
    const hide = (el) => el.setAttribute('display', 'none');
    const write = (el, text, x, y) => {
      el.textContent = text;
      el.setAttribute('x', X(x));
      el.setAttribute('y', Y(y));
      el.removeAttribute('display');
    };

    const update = (v, hover = null) => {
      const x = d.features[v.row][v.col];
      const n = v.filters, out = v.output;
      const y = KINDS['mixing-explorer'].outputs(v, spec);
      layout = mixingLayout(d.geometry, cIn, n);
      now = v;
      crossH.setAttribute('y1', photo.y + (v.row + 0.5) * cellPx);
      crossH.setAttribute('y2', photo.y + (v.row + 0.5) * cellPx);
      crossV.setAttribute('x1', photo.x + (v.col + 0.5) * cellPx);
      crossV.setAttribute('x2', photo.x + (v.col + 0.5) * cellPx);
      const lim = d.limits;
      x.forEach((xi, c) => {
        place(xCells[c], ...layout.x_boxes[c]);
        xCells[c].setAttribute('fill', colour(xi, lim.x_limit));
      });
      // W[c][f] is the cell of row c, column f; y[f] sits under column f.
      for (let f = 0; f < most; f++) {
        for (let c = 0; c < cIn; c++) {
          const cell = wCells[f * cIn + c];
          if (f >= n) { hide(cell); continue; }
          place(cell, f, cIn - 1 - c, 1, 1);
          cell.setAttribute('fill', colour(d.weights[c][f], lim.weight_limit));
        }
        if (f >= n) { hide(yCells[f]); continue; }
        place(yCells[f], ...layout.y_boxes[f]);
        yCells[f].setAttribute('fill', colour(y[f], lim.y_limit));
      }
      place(boxes.x, ...layout.x_box);
      place(boxes.weights, ...layout.column_boxes[out]);
      place(boxes.y, ...layout.y_boxes[out]);
      const channels = `${fmt(cIn)} channel${cIn === 1 ? '' : 's'}`;
      write(titles.x, `x: pixel (${v.row}, ${v.col}), ${channels}`, ...layout.anchors.x);
      write(titles.weights, `W: shape (${fmt(cIn)}, ${fmt(n)}), one column per filter`,
        ...layout.anchors.weights);
      write(titles.y, 'y = x @ W', ...layout.anchors.y);
      // Numbers in the cells (draw_channel_mixing's "column" mode): x, the highlighted column
      // of W and every output, while W has few cells and a number fits in each.
      const shown = [];
      const size = [ma.w / pt, ma.h / pt];  // the axes in points
      if (cIn * n <= d.max_annotated &&
          numbersFit(d.geometry, layout, size, d.value_fontsize_pt, d.digits)) {
        const [x0, x1] = layout.x_extent, [, , y0, y1] = layout.y_extent;
        x.forEach((xi, c) => shown.push([(x0 + x1) / 2, cIn - c - 0.5, xi, lim.x_limit]));
        for (let c = 0; c < cIn; c++) {
          shown.push([out + 0.5, cIn - c - 0.5, d.weights[c][out], lim.weight_limit]);
        }
        y.forEach((yf, f) => shown.push([f + 0.5, (y0 + y1) / 2, yf, lim.y_limit]));
      }
      valueTexts.forEach((el, k) => {
        if (k >= shown.length) { hide(el); return; }
        const [cx, cy, value, limit] = shown[k];
        write(el, cellText(value, d.digits), cx, cy);
        el.setAttribute('fill', Math.abs(value) > 0.6 * limit ? 'white' : 'black');
      });
      // What the mouse is over: a term outlined, or an output's products listed.
      const term = hover && hover.term && hover.term[1] < n ? hover.term : null;
      if (term) {
        place(termBoxes[0], ...layout.x_boxes[term[0]]);
        place(termBoxes[1], term[1], cIn - 1 - term[0], 1, 1);
      } else if (hover && hover.output !== undefined && hover.output < n) {
        place(termBoxes[0], ...layout.y_boxes[hover.output]);
        hide(termBoxes[1]);
      } else {
        termBoxes.forEach(hide);
      }
      const products = hover && hover.output !== undefined && hover.output < n;
      table.hidden = !products;
      if (products) {
        const caption = document.createElement('caption');
        caption.textContent = `y[${hover.output}] at pixel (${v.row}, ${v.col}), channel by channel`;
        caption.style.textAlign = 'left';
        const rows = KINDS['mixing-explorer'].products(v, spec, hover.output).map((cells, k, all) => {
          const tr = document.createElement('tr');
          if (k === all.length - 1) tr.style.borderTop = '1px solid currentColor';
          cells.forEach((text, c) => {
            const td = document.createElement('td');
            td.textContent = text;
            td.style.padding = '0 8px';
            if (c === 2) td.style.textAlign = 'right';
            tr.appendChild(td);
          });
          return tr;
        });
        table.replaceChildren(caption, ...rows);
      }
    };

    // -- the mouse ------------------------------------------------------------------------------
    // Where an event is, in SVG pixels (the SVG may be shown smaller than drawn).
    const at = (event) => {
      const p = svg.createSVGPoint();
      p.x = event.clientX;
      p.y = event.clientY;
      return p.matrixTransform(svg.getScreenCTM().inverse());
    };
    // The pixel of the photo under (px, py), or null (the old _on_press: nearest centre).
    const photoPixel = ({x: px, y: py}) => {
      if (px < photo.x || px > photo.x + side || py < photo.y || py > photo.y + side) return null;
      const clamp = (t) => Math.min(Math.max(Math.round(t), 0), size - 1);
      return {row: clamp((py - photo.y) / cellPx - 0.5), col: clamp((px - photo.x) / cellPx - 0.5)};
    };
    const cellAt = ({x: px, y: py}) => {
      if (!layout) return null;
      const [b0, b1, b2, b3] = layout.bounds;
      const x = b0 + ((px - ma.x) / ma.w) * (b1 - b0);
      const y = b3 - ((py - ma.y) / ma.h) * (b3 - b2);
      return mixingCell(layout, x, y);
    };
    if (touch) {
      svg.style.cursor = 'crosshair';
      svg.addEventListener('click', (event) => {
        const p = at(event);
        const pixel = photoPixel(p);
        if (pixel) return touch.change(pixel);
        const cell = cellAt(p);
        if (cell && (cell[0] === 'weight' || cell[0] === 'y')) touch.change({output: cell[2]});
      });
      svg.addEventListener('mousemove', (event) => {
        const cell = cellAt(at(event));
        let over = null;
        if (cell && cell[0] === 'x') over = {term: [cell[1], now.output]};
        else if (cell && cell[0] === 'weight') over = {term: [cell[1], cell[2]]};
        else if (cell && cell[0] === 'y') over = {output: cell[2]};
        touch.hover(over);
      });
      svg.addEventListener('mouseleave', () => touch.hover(null));
    }
    return {update, texts: () => [...svg.querySelectorAll('.c1x1-text')]
      .filter((t) => t.getAttribute('display') !== 'none').map((t) => t.textContent)};
  },
};
