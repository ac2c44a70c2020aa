// ReductionExplorer in the page: a photo's maps before a 1×1 layer and after it, drawn as
// ReductionExplorer.draw_picture draws them (two draw_feature_map_grid grids with their
// colour bars). spec.data holds the photo and every map that can be drawn, as PNGs made
// once by Python at the grids' fixed colour scales, the weights of the filters whose maps
// can be selected, and the saved picture's layout (axes, places of the maps, colour bars
// and their ticks, read off the saved picture). A click on a map after the 1×1 layer
// selects it (touch.select): its filter's weights are written on the maps before. A
// browser test compares the readout and the picture's texts with Python's.

// Python's f"{w:+.2f}", a minus written −, as the weights' labels and the readout write them.
const plusFixed = (w) => {
  const text = fixed(w, 2);
  return (text.startsWith('-') ? text : `+${text}`).replace('-', '−');
};

// The weights of filter j, one per map before the 1×1 layer, and the largest in size (the
// first, as numpy's argmax gives it).
const filterWeights = (d, j) => {
  const w = d.weights.map((row) => row[j]);
  let top = 0;
  w.forEach((x, i) => { if (Math.abs(x) > Math.abs(w[top])) top = i; });
  return {w, top, most: Math.abs(w[top])};
};

KINDS['reduction-explorer'] = {
  // A map drawn after the 1×1 layer (ReductionExplorer.selectable).
  selectable: (v, selection, spec) =>
    Number.isInteger(selection) && selection >= 0 &&
    selection < Math.min(v.filters, spec.data.max_maps),

  readout(v, spec, hover = null, selection = null) {
    const d = spec.data;
    const [h, w, c] = d.maps_shape;
    const [ih, iw, ic] = d.image_shape;
    const n = v.filters;
    const before = h * w * c, after = h * w * n;
    const biases = d.use_bias ? 'one per filter, zero before training' : 'none';
    const lines = [
      ['Image', `${shapeText(ih, iw, ic)} (${d.sample_image} from matplotlib) → fixed 3×3 ` +
        `layer with ${plural(c, 'filter')}, ${paramsFormula(3, ic, c, d.use_bias)} parameters → ` +
        `${shapeText(h, w, c)}`],
      ['1×1 layer', `${shapeText(h, w, c)} → ${shapeText(h, w, n)}, biases: ${biases}`],
      ['Parameters of the 1×1 layer', paramsFormula(1, c, n, d.use_bias)],
      ['Multiply-accumulates of the 1×1 layer', macsFormula(h, w, c, n, 1)],
    ];
    if (selection !== null) {
      const j = selection;
      const {w: weights, top} = filterWeights(d, j);
      const bias = d.use_bias ? ' + b' : '';
      const text = `ReLU(Σ W[i, ${j}]·map i${bias}) over the ${plural(c, 'map')} before; its ` +
        `weights are written on the first ${Math.min(c, d.max_maps)}; the largest in size is ` +
        `for map ${top}: ${plusFixed(weights[top])}`;
      lines.push([`Map ${j} after the 1×1 layer`, text.replace(/-/g, '−')]);
    }
    lines.push(['Values per image', `${shapeText(h, w, c)} = ${fmt(before)} → ` +
      `${shapeText(h, w, n)} = ${fmt(after)} (${fixed((100 * after) / before, 1)} %)`]);
    return lines;
  },

  // Room in the readout for the line of a map selected: the longest of those the values
  // allow (their numbers differ in length).
  room(v, spec) {
    const kind = KINDS['reduction-explorer'];
    const drawn = Math.min(v.filters, spec.data.max_maps);
    let most = null, longest = -1;
    for (let j = 0; j < drawn; j++) {
      const length = kind.readout(v, spec, null, j).reduce((n, [l, t]) => n + l.length + t.length, 0);
      if (length > longest) [most, longest] = [j, length];
    }
    return {selection: most};
  },

  // The picture: made once; on every change the maps after the 1×1 layer are shown or
  // hidden, the texts rewritten and the selection's weights and frames set, in place.
  picture(figure, spec, touch = null) {
    const d = spec.data;
    const [figW, figH] = d.figsize_px;
    const pt = 100 / 72;  // pixels a point, at the saved picture's 100 dpi
    const c = d.maps_shape[2];
    const o = d.overlay;
    const svg = svgEl('svg', {
      viewBox: `0 0 ${figW} ${figH}`, width: figW, height: figH, role: 'img',
      'font-family': 'DejaVu Sans, sans-serif', class: 'c1x1-reduction',
    }, figure);
    const defs = svgEl('defs', {}, svg);
    const hide = (el) => el.setAttribute('display', 'none');
    const show = (el) => el.removeAttribute('display');
    const text = (attrs, content = '') => {
      const el = svgEl('text', attrs, svg);
      el.textContent = content;
      return el;
    };
    // A title 4 points above an axes' top edge, centred, on its baseline (fixed_title).
    const title = ([x, y, w], sizePt, content, cls) => text({x: x + w / 2, y: y - 4 * pt,
      'text-anchor': 'middle', 'font-size': sizePt * pt, class: `c1x1-text ${cls}`}, content);

    // -- the photo ---------------------------------------------------------------------------
    const [px, py, pw, ph] = d.photo_box;
    svgEl('image', {href: d.photo, x: px, y: py, width: pw, height: ph,
      preserveAspectRatio: 'none', style: 'image-rendering: pixelated', class: 'c1x1-photo'}, svg);
    title(d.photo_box, d.photo_title[1], d.photo_title[0], 'c1x1-photo-title');

    // -- a grid of maps, its title, its "+N more" and its colour bar -------------------------
    const grid = (g, key) => {
      const [bx, by, bw, bh] = g.box;
      const [x0, x1] = g.xlim, [y0, y1] = g.ylim;
      const X = (x) => bx + ((x - x0) / (x1 - x0)) * bw;
      const Y = (y) => by + ((y1 - y) / (y1 - y0)) * bh;
      const group = svgEl('g', {class: `c1x1-maps c1x1-maps-${key}`}, svg);
      const maps = g.maps.map((href, i) => {
        const [l, r, b, t] = g.extents[i];
        return svgEl('image', {href, x: X(l), y: Y(t), width: X(r) - X(l), height: Y(b) - Y(t),
          preserveAspectRatio: 'none', style: 'image-rendering: pixelated',
          class: `c1x1-map c1x1-map-${key}`, 'data-index': i}, group);
      });
      const heading = title(g.box, d.title_pt, '', `c1x1-title c1x1-title-${key}`);
      const [mx, my] = g.more_position;
      const more = text({x: X(mx), y: Y(my), 'text-anchor': 'middle',
        'dominant-baseline': 'text-before-edge', 'font-size': d.more_pt * pt,
        class: `c1x1-text c1x1-more c1x1-more-${key}`});
      // The colour bar (colour_bar: a slim inset right of the axes), its ticks as saved.
      const cb = g.colorbar;
      const [cx, cy, cw, chh] = cb.box;
      const gradient = svgEl('linearGradient', {
        id: `c1x1-reduction-${key}-${Math.random().toString(36).slice(2)}`,
        x1: 0, y1: 1, x2: 0, y2: 0}, defs);
      d.lut.forEach((colour, i) =>
        svgEl('stop', {offset: (i + 0.5) / d.lut.length, 'stop-color': colour}, gradient));
      svgEl('rect', {x: cx, y: cy, width: cw, height: chh, fill: `url(#${gradient.id})`,
        stroke: '#000', 'stroke-width': 0.5 * pt, class: `c1x1-colorbar c1x1-colorbar-${key}`}, svg);
      cb.ticks.forEach((t, i) => {
        const y = cy + ((cb.vmax - t) / (cb.vmax - cb.vmin)) * chh;
        svgEl('line', {x1: cx + cw, x2: cx + cw + 2 * pt, y1: y, y2: y, stroke: '#000',
          'stroke-width': 0.8 * pt}, svg);
        text({x: cx + cw + 3 * pt, y, 'font-size': cb.fontsize_pt * pt,
          'dominant-baseline': 'central', class: 'c1x1-text c1x1-tick'}, cb.labels[i]);
      });
      // A rectangle around map i (data units), as a matplotlib Rectangle's edge is drawn.
      const frame = (attrs) => svgEl('rect', {fill: 'none', ...attrs}, svg);
      const place = (el, i) => {
        const [l, r, b, t] = g.extents[i];
        el.setAttribute('x', X(l));
        el.setAttribute('y', Y(t));
        el.setAttribute('width', X(r) - X(l));
        el.setAttribute('height', Y(b) - Y(t));
      };
      // The drawn map under (sx, sy), in the SVG's pixels, or null (FeatureMapGridArtists.map_at).
      const mapAt = (sx, sy, drawn) => {
        const x = x0 + ((sx - bx) / bw) * (x1 - x0), y = y1 - ((sy - by) / bh) * (y1 - y0);
        for (let i = 0; i < drawn; i++) {
          const [l, r, b, t] = g.extents[i];
          if (Math.min(l, r) <= x && x <= Math.max(l, r) && Math.min(b, t) <= y && y <= Math.max(b, t)) return i;
        }
        return null;
      };
      const note = (count) => {  // the title's count, and "+N more" when some are not drawn
        if (count > g.maps.length) {
          more.textContent = `+${fmt(count - g.maps.length)} more`;
          show(more);
        } else {
          hide(more);
        }
      };
      return {X, Y, maps, heading, note, frame, place, mapAt};
    };
    const before = grid(d.before, 'before');
    const after = grid(d.after, 'after');
    before.heading.textContent = `before: ${plural(c, 'map')}`;
    before.note(c);

    // -- the selected filter's weights on the maps before, and the map selected ----------------
    const labels = [], frames = [];
    d.before.maps.forEach((_, i) => {
      const [l, , , t] = d.before.extents[i];
      const frame = before.frame({class: 'c1x1-weight-frame'});
      before.place(frame, i);
      frames.push(frame);
      labels.push(text({x: before.X(l + o.label_offset), y: before.Y(t + o.label_offset),
        'dominant-baseline': 'text-before-edge', 'font-size': o.label_fontsize * pt,
        'font-weight': 'bold', fill: o.label_color, class: 'c1x1-text c1x1-weight'}));
    });
    const selectedFrame = after.frame({stroke: o.selected_color,
      'stroke-width': o.selected_width * pt, class: 'c1x1-selected'});

    let drawn = 0, selected = null;
    const update = (v, hover = null, selection = null) => {
      const n = v.filters;
      drawn = Math.min(n, after.maps.length);
      after.maps.forEach((el, i) => (i < drawn ? show(el) : hide(el)));
      after.heading.textContent = `after the 1×1 layer: ${plural(n, 'map')}`;
      after.note(n);
      selected = selection;
      if (selection === null) {
        [...labels, ...frames, selectedFrame].forEach(hide);
        return;
      }
      const {w, most} = filterWeights(d, selection);
      const [low, span] = o.frame_width;
      labels.forEach((el, i) => {
        el.textContent = plusFixed(w[i]);
        show(el);
        frames[i].setAttribute('stroke', w[i] > 0 ? o.positive : o.negative);
        frames[i].setAttribute('stroke-width', (low + (span * Math.abs(w[i])) / most) * pt);
        show(frames[i]);
      });
      after.place(selectedFrame, selection);
      show(selectedFrame);
    };

    // -- the mouse: a click on a map after the 1×1 layer selects it, a second clears it --------
    if (touch) {
      for (const el of after.maps) el.style.cursor = 'pointer';
      svg.addEventListener('click', (event) => {
        const p = svg.createSVGPoint();
        p.x = event.clientX;
        p.y = event.clientY;
        const at = p.matrixTransform(svg.getScreenCTM().inverse());
        const i = after.mapAt(at.x, at.y, drawn);
        if (i !== null) touch.select(i === selected ? null : i);
      });
    }
    return {update, texts: () => [...svg.querySelectorAll('.c1x1-text')]
      .filter((t) => t.getAttribute('display') !== 'none').map((t) => t.textContent)};
  },
};
