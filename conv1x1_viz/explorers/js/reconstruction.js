// ReconstructionExplorer in the page: how much of a stack of maps a 1×1 layer to k maps keeps.
// The left panel draws the error curves of principal components and random 1×1 weights
// against k (and trained layers' points), with a cursor and markers at k; the right panel
// the most varied maps, then the same maps rebuilt from k maps by each reduction, as the
// saved picture (ReconstructionExplorer.draw_picture) draws them. spec.data holds the
// errors, where the saved picture puts every axis, map and text (read off it by Python),
// and each reconstruction as a sum of terms, mean + Σ_{i<k} score_i · loading_i: the score
// maps as 8-bit numbers with a step each, the loadings at the shown channels. The page adds
// the first k terms and colours the maps through the colour map's table; browser tests
// compare the maps with Python's to the quantization, the readout and the texts with Python's.

// The terms of both reductions, decoded once per spec: per reduction, the score maps
// (C × H·W, whole numbers) and coefficients (C × S: step · loading).
const reconstructionTerms = new WeakMap();
const termsOf = (spec) => {
  if (reconstructionTerms.has(spec)) return reconstructionTerms.get(spec);
  const d = spec.data;
  const out = {};
  for (const [name, r] of Object.entries(d.reductions)) {
    const text = atob(r.scores);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    const coef = r.loadings.map((row, i) => row.map((l) => r.steps[i] * l));
    out[name] = {scores: new Int8Array(bytes.buffer), coef};
  }
  reconstructionTerms.set(spec, out);
  return out;
};

// The shown maps rebuilt from k maps by reduction `name`: one Float64Array (H·W, row by
// row) a shown map, mean + Σ_{i<k} score_i · step_i · loading_i.
const rebuiltMaps = (spec, name, k) => {
  const d = spec.data;
  const [h, w] = d.shape;
  const n = h * w;
  const {scores, coef} = termsOf(spec)[name];
  return d.shown.map((_, j) => {
    const out = new Float64Array(n).fill(d.mean[j]);
    for (let i = 0; i < k; i++) {
      const c = coef[i][j];
      if (c === 0) continue;
      const base = i * n;
      for (let p = 0; p < n; p++) out[p] += scores[base + p] * c;
    }
    return out;
  });
};

// The colour of a value as matplotlib's colour map gives it on the scale 0 … vmax: the
// table's entry floor(256 · v / vmax), the ends beyond it.
const lutIndex = (v, vmax, n) => (v < 0 ? 0 : Math.min(n - 1, Math.floor((v / vmax) * n)));

KINDS['reconstruction-explorer'] = {
  rebuilt: rebuiltMaps,
  lutIndex,

  // ReconstructionExplorer.readout_lines.
  readout(v, spec) {
    const d = spec.data;
    const [h, w, c] = d.shape;
    const k = v.filters;
    const pca = d.errors.pca[k], random = d.errors.random[k];
    const lines = [
      ['1×1 layer', `${shapeText(h, w, c)} → ${shapeText(h, w, k)} and back, ` +
        `${paramsFormula(1, c, k)} parameters down`],
      ['Best linear (principal components)',
        `${fixed(pca, 3)} of the variance lost (${fixed(100 * (1 - pca), 1)} % kept)`],
      ['Random 1×1 weights, best decoder', `${fixed(random, 3)} of the variance lost`],
    ];
    if (d.trained.length) {
      const at = d.trained.find(([width]) => width === k);
      const widths = d.trained.map(([width]) => String(width)).join(', ');
      lines.push(['Trained 1×1 layers', at ? `${fixed(at[1], 3)} of the variance lost`
        : `not trained at this width (trained at ${widths})`]);
    }
    return lines;
  },

  // ReconstructionExplorer.titles.
  titles: (k) => {
    const kept = plural(k, 'map');
    return [`best linear (PCA), from ${kept}`, `random 1×1 weights, from ${kept}`];
  },

  // The picture: axes, curves, texts and the first row made once; on every change the
  // cursor and markers move, the titles are rewritten and the rebuilt maps swapped (each
  // width's pixels made once, when first shown). A click on the curves' axes picks k.
  picture(figure, spec, touch = null) {
    const d = spec.data, st = d.style;
    const [figW, figH] = d.figsize_px;
    const [h, w, c] = d.shape;
    const kind = KINDS['reconstruction-explorer'];
    const id = Math.random().toString(36).slice(2);
    const svg = svgEl('svg', {
      viewBox: `0 0 ${figW} ${figH}`, width: figW, height: figH, role: 'img',
      'font-family': 'DejaVu Sans, sans-serif', class: 'c1x1-reconstruction',
    }, figure);
    const r = (n) => +n.toFixed(3);

    // -- the curves' axes: data units to the saved picture's pixels (y down) --------------
    const [left, top, right, bottom] = d.curves_box;
    const X = (x) => left + ((x - d.xlim[0]) / (d.xlim[1] - d.xlim[0])) * (right - left);
    const Y = (y) => bottom - ((y - d.ylim[0]) / (d.ylim[1] - d.ylim[0])) * (bottom - top);
    const clip = svgEl('clipPath', {id: `c1x1-curves-${id}`}, svgEl('defs', {}, svg));
    svgEl('rect', {x: left, y: top, width: right - left, height: bottom - top}, clip);
    const inside = svgEl('g', {'clip-path': `url(#c1x1-curves-${id})`}, svg);
    for (const y of d.gridlines) {
      svgEl('line', {x1: left, x2: right, y1: r(Y(y)), y2: r(Y(y)), stroke: '#e5e5e5',
        'stroke-width': st.grid_px, class: 'c1x1-gridline'}, inside);
    }
    for (const name of ['random', 'pca']) {
      const pts = d.errors[name].slice(1).map((e, i) => `${r(X(i + 1))},${r(Y(e))}`).join(' ');
      svgEl('polyline', {points: pts, fill: 'none', stroke: d.colours[name],
        'stroke-width': st.line_px, 'stroke-linecap': 'square', 'stroke-linejoin': 'round',
        class: `c1x1-curve c1x1-curve-${name}`}, inside);
    }
    const side = st.point_px;
    for (const [k, e] of d.trained) {
      svgEl('rect', {x: r(X(k) - side / 2), y: r(Y(e) - side / 2), width: r(side), height: r(side),
        fill: d.colours.trained, class: 'c1x1-point'}, inside);
    }
    const cursor = svgEl('line', {y1: top, y2: bottom, stroke: '#4d4d4d', 'stroke-width': st.cursor_px,
      'stroke-dasharray': st.cursor_dash_px.map(r).join(' '), class: 'c1x1-cursor'}, inside);
    const axis = {stroke: '#000', 'stroke-width': st.spine_px, fill: 'none'};
    svgEl('rect', {...axis, x: left, y: top, width: right - left, height: bottom - top,
      class: 'c1x1-spines'}, svg);
    for (const x of d.xticks) {
      svgEl('line', {...axis, 'stroke-width': st.tick_width_px, x1: r(X(x)), x2: r(X(x)),
        y1: bottom, y2: bottom + st.tick_px}, svg);
    }
    for (const y of d.yticks) {
      svgEl('line', {...axis, 'stroke-width': st.tick_width_px, x1: left - st.tick_px, x2: left,
        y1: r(Y(y)), y2: r(Y(y))}, svg);
    }
    const markers = ['random', 'pca'].map(() => svgEl('circle', {r: st.marker_px / 2, fill: '#000',
      class: 'c1x1-marker'}, svg));

    // -- the texts that never change: axis labels, ticks, the points' label, the bar's ticks --
    for (const t of d.texts) {
      const [x, y] = t.at;
      const el = svgEl('text', {x: r(x), y: r(y), 'text-anchor': t.anchor, 'font-size': t.size_px,
        fill: t.colour, class: `c1x1-text ${t.class}`}, svg);
      if (t.rotation) el.setAttribute('transform', `rotate(-90 ${r(x)} ${r(y)})`);
      el.textContent = t.text;
    }

    // -- the three rows of maps, their titles, and the colour scale beside the first --------
    // Each map on whole pixels, as matplotlib puts an image (no edge blended with the page).
    // The maps shown first are PNGs made once; the rebuilt ones are canvases, painted at
    // once on every change (an image's new source would be decoded a frame later).
    const images = d.rows.map((row, i) => row.maps.map(([x, y, mw, mh], j) => {
      const place = {x: Math.round(x), y: Math.round(y), width: Math.round(x + mw) - Math.round(x),
        height: Math.round(y + mh) - Math.round(y), class: `c1x1-map c1x1-map-${i}`};
      if (i === 0) {
        return svgEl('image', {...place, href: d.originals[j], preserveAspectRatio: 'none',
          style: 'image-rendering: pixelated'}, svg);
      }
      const holder = svgEl('foreignObject', place, svg);
      const canvas = document.createElement('canvas');
      canvas.width = w;
      canvas.height = h;
      canvas.style.cssText = `display: block; width: ${place.width}px; height: ${place.height}px; ` +
        'image-rendering: pixelated';
      holder.appendChild(canvas);
      return canvas.getContext('2d');
    }));
    const titles = d.rows.map((row, i) => {
      const t = svgEl('text', {x: r(row.title[0]), y: r(row.title[1]), 'text-anchor': 'middle',
        'font-size': row.title_px, fill: row.colour, class: `c1x1-text c1x1-title c1x1-title-${i}`}, svg);
      if (i === 0) t.textContent = 'the maps with the most variance';
      return t;
    });
    const [bl, bt, br, bb] = d.bar_box;
    const gradient = svgEl('linearGradient', {id: `c1x1-lut-${id}`, x1: 0, y1: 1, x2: 0, y2: 0},
      svgEl('defs', {}, svg));
    d.lut.forEach((rgb, i) => svgEl('stop', {offset: (i + 0.5) / d.lut.length,
      'stop-color': `rgb(${rgb.join(',')})`}, gradient));
    svgEl('rect', {x: bl, y: bt, width: br - bl, height: bb - bt, fill: `url(#c1x1-lut-${id})`,
      stroke: '#000', 'stroke-width': st.bar_outline_px, class: 'c1x1-colorbar'}, svg);
    for (const t of d.bar_ticks) {
      const y = r(bb - (t / d.vmax) * (bb - bt));
      svgEl('line', {...axis, 'stroke-width': st.tick_width_px, x1: br, x2: br + st.bar_tick_px,
        y1: y, y2: y}, svg);
    }

    // A rebuilt map's pixels, coloured through the table as matplotlib colours it.
    const paint = (values) => {
      const pixels = new ImageData(w, h);
      const n = d.lut.length;
      for (let p = 0; p < values.length; p++) {
        const rgb = d.lut[lutIndex(values[p], d.vmax, n)];
        pixels.data[4 * p] = rgb[0];
        pixels.data[4 * p + 1] = rgb[1];
        pixels.data[4 * p + 2] = rgb[2];
        pixels.data[4 * p + 3] = 255;
      }
      return pixels;
    };
    const drawn = new Map();  // k → [PCA's maps, random's maps], as pixels
    const pixelsAt = (k) => {
      if (!drawn.has(k)) {
        drawn.set(k, ['pca', 'random'].map((name) => rebuiltMaps(spec, name, k).map(paint)));
      }
      return drawn.get(k);
    };

    const update = (v) => {
      const k = v.filters;
      cursor.setAttribute('x1', r(X(k)));
      cursor.setAttribute('x2', r(X(k)));
      ['random', 'pca'].forEach((name, i) => {
        markers[i].setAttribute('cx', r(X(k)));
        markers[i].setAttribute('cy', r(Y(d.errors[name][k])));
      });
      kind.titles(k).forEach((title, i) => { titles[i + 1].textContent = title; });
      pixelsAt(k).forEach((row, i) => row.forEach((pixels, j) => images[i + 1][j].putImageData(pixels, 0, 0)));
    };

    // A click on the curves' axes picks the width under the mouse.
    if (touch) {
      svg.addEventListener('click', (event) => {
        const p = svg.createSVGPoint();
        p.x = event.clientX;
        p.y = event.clientY;
        const {x, y} = p.matrixTransform(svg.getScreenCTM().inverse());
        if (x < left || x > right || y < top || y > bottom) return;
        const at = d.xlim[0] + ((x - left) / (right - left)) * (d.xlim[1] - d.xlim[0]);
        touch.change({filters: Math.min(c, Math.max(1, Math.round(at)))});
      });
    }
    return {update};
  },
};
