// An explorer as the browser tests drive it: its controls as the page shows them, and the
// time from a key press to the readout's change. Loaded by js_loader.py (needs lab.js).
// Class names come from conv1x1_viz.contract through the `sel` arguments; the page gives
// raw class lists, which only Python (conv1x1_viz.contract) parses.
(() => {
  const t = (window.c1x1Test = window.c1x1Test || {});

  // A control: ipywidgets' slider (its .noUi-handle) or check box, or, in an explorer drawn
  // in the page, a range input (aria-value* give its index) or check box.
  const control = (el) => {
    const handle = el.querySelector('.noUi-handle, input[type=range]');
    const readout = el.querySelector('.widget-readout');
    const check = el.querySelector('input[type=checkbox]');
    const state = {
      classes: [...el.classList],
      text: readout && readout.offsetParent !== null ? readout.textContent.trim() : null,
      now: handle ? Number(handle.getAttribute('aria-valuenow')) : null,
      min: handle ? Number(handle.getAttribute('aria-valuemin')) : null,
      max: handle ? Number(handle.getAttribute('aria-valuemax')) : null,
      checked: check ? check.checked : null,
    };
    state.signature = JSON.stringify([state.text, state.now, state.checked]);
    return state;
  };

  // The explorer's own classes, its controls (not those of an explorer inside it) and the
  // text of its readout (null without one).
  // sel = {explorer: '.c1x1-explorer', readout: '.c1x1-readout', sliderPrefix: 'c1x1-slider-'}
  t.explorerState = (explorer, sel) => {
    const readout = explorer.querySelector(sel.readout);
    return {
      classes: [...explorer.classList],
      controls: [...explorer.querySelectorAll(`[class*="${sel.sliderPrefix}"]`)]
        .filter((el) => el.closest(sel.explorer) === explorer)
        .map(control),
      readout: readout ? readout.innerText : null,
    };
  };

  // Whether a control moved away from `before` (its signature), the readout's text is no
  // longer `beforeText` and, if `a.kernel`, the kernel is idle (its whole answer arrived).
  // a = {control: '.c1x1-slider-filters', readout: '.c1x1-readout', before, beforeText}
  t.explorerSettled = (explorer, a) => {
    const el = explorer.querySelector(a.control);
    const readout = explorer.querySelector(a.readout);
    return !!el && !!readout && control(el).signature !== a.before &&
      readout.innerText !== a.beforeText && (!a.kernel || t.kernelIdle());
  };

  // The picture drawn ahead that the page shows over the canvas, if any: the one <img> in
  // the figure that is laid out and visible (the others sit in hidden cards, or in cards
  // made invisible because their picture is out of date).
  const visible = (x) => x.offsetParent !== null && getComputedStyle(x).visibility !== 'hidden';
  const shownFrame = (figure) => [...figure.querySelectorAll('img')].find(visible) || null;

  // The readout as the learner sees it: the text of the readout drawn ahead that covers
  // it, if one is visible, else its own. `cards` selects the deck of readouts drawn ahead,
  // which shares the readout's grid cell.
  t.shownReadout = (readout, cards) => {
    const deck = cards && readout.parentElement && readout.parentElement.querySelector(cards);
    const card = deck && [...deck.querySelectorAll('.widget-html')].find(visible);
    return (card || readout).innerText;
  };

  // Where the readout and the picture drawn ahead that the page shows lie, and what they
  // hold, beside the readout and the canvas under them (rectangles in CSS pixels).
  t.cardsInPlace = (readout, cards, figure) => {
    const rect = (x) => {
      if (!x) return null;
      const r = x.getBoundingClientRect();
      return {left: r.left, top: r.top, right: r.right, bottom: r.bottom};
    };
    const deck = readout.parentElement.querySelector(cards);
    const card = [...deck.querySelectorAll('.widget-html')].find(visible) || null;
    const box = card && card.closest('.widget-box');
    const canvas = [...figure.querySelectorAll('canvas')].filter(visible)
      .sort((a, b) => b.width * b.height - a.width * a.height)[0] || null;
    return {
      readout: rect(readout), readoutText: readout.innerText,
      card: rect(box), cardText: card && card.innerText, cardReadout: rect(card),
      cardBackground: box && getComputedStyle(box).backgroundColor,
      frame: rect(shownFrame(figure)), canvas: rect(canvas),
    };
  };

  // Whether a readout drawn ahead shows (see cardsInPlace) and the kernel is idle.
  t.cardShownQuiet = (readout, cards, figure) =>
    t.cardsInPlace(readout, cards, figure).card !== null && t.kernelIdle();

  // When a new picture reaches the page: ipympl turns each PNG it receives into a blob URL
  // (`messages`), then paints the decoded picture on the figure's canvas (`images`), which
  // the learner sees unless a picture drawn ahead covers it. Both are recorded for the
  // figure being watched (`t.latency.figure`), with performance.now().
  if (!t.picturesPatched) {
    t.picturesPatched = true;
    const paint = CanvasRenderingContext2D.prototype.drawImage;
    CanvasRenderingContext2D.prototype.drawImage = function (...args) {
      const st = t.latency;
      const result = paint.apply(this, args);
      // Only while the canvas shows: under a picture drawn ahead, it is caught up unseen.
      if (st && st.figure && st.figure.contains(this.canvas) && !shownFrame(st.figure))
        t.pictureShown(st, performance.now());
      return result;
    };
    const makeUrl = URL.createObjectURL;
    // Only ipympl's: an image widget of a picture drawn ahead puts its URL on an <img> in
    // the figure at once (redrawn unseen, or switched to: neither is a message to time).
    URL.createObjectURL = function (blob) {
      const st = t.latency;
      const url = makeUrl.call(this, blob);
      if (blob && blob.type === 'image/png') t.lastPicture = performance.now();
      if (st && st.figure && blob && blob.type === 'image/png') {
        const made = performance.now();
        queueMicrotask(() => {
          const onPage = [...st.figure.querySelectorAll('img')].some((i) => i.src === url);
          if (!onPage) st.messages.push(made);
        });
      }
      return url;
    };
  }

  // A picture drawn ahead counts from when the page switched to it (`switches`) to the end
  // of the next frame the page painted (`images`, `frames`): it was decoded and sent long
  // before, so the page only shows another card.
  const watchFrames = (st) => {
    st.shown = shownFrame(st.figure);
    st.shownSrc = st.shown && st.shown.src;
    st.frameObserver = new MutationObserver(() => {
      const img = shownFrame(st.figure);
      if (!img || (img === st.shown && img.src === st.shownSrc)) {
        st.shown = img;
        return;
      }
      st.shown = img;
      st.shownSrc = img.src;
      st.switches.push(performance.now());
      const painted = () => requestAnimationFrame(() => setTimeout(() => {
        const now = performance.now();
        t.pictureShown(st, now);
        st.frames.push(now);
      }, 0));
      if (img.complete) painted();
      else img.addEventListener('load', () => img.decode().catch(() => null).then(painted),
                                {once: true});
    });
    st.frameObserver.observe(st.figure,
      {subtree: true, childList: true, attributes: true,
       attributeFilter: ['class', 'src', 'style']});
  };

  // An explorer drawn in the page changes its SVG picture in place: each change counts as
  // a new picture once the next frame was painted.
  const watchSvg = (st) => {
    st.svgObserver = new MutationObserver(() => {
      if (st.svgPending) return;
      st.svgPending = true;
      requestAnimationFrame(() => setTimeout(() => {
        st.svgPending = false;
        t.pictureShown(st, performance.now());
      }, 0));
    });
    st.svgObserver.observe(st.figure.querySelector(':scope > svg'),
      {subtree: true, childList: true, attributes: true, characterData: true});
  };

  // Record every change of `readout` as shown (with the readouts drawn ahead over it,
  // selected by `cards`), the pictures that reach `figure` (an element holding the
  // explorer's canvas) and the time of the last keydown, with performance.now().
  t.observeReadout = (readout, figure, cards) => {
    const st = (t.latency = t.latency || {});
    if (st.observer) st.observer.disconnect();
    if (st.frameObserver) st.frameObserver.disconnect();
    if (st.svgObserver) st.svgObserver.disconnect();
    st.events = [];
    st.images = [];
    st.frames = [];
    st.switches = [];
    st.messages = [];
    st.figure = figure || null;
    st.inPage = !!(st.figure && st.figure.querySelector(':scope > svg'));
    if (st.inPage) watchSvg(st);
    else if (st.figure) watchFrames(st);
    st.lastKey = null;
    const text = () => t.shownReadout(readout, cards);
    st.observer = new MutationObserver(() => {
      const now = performance.now();
      const shown = text();
      if (!st.events.length || st.events[st.events.length - 1][1] !== shown)
        st.events.push([now, shown]);
    });
    st.observer.observe(readout.parentElement || readout,
      {subtree: true, childList: true, characterData: true, attributes: true});
    if (!st.keyListener) {
      st.keyListener = () => { st.lastKey = performance.now(); };
      document.addEventListener('keydown', st.keyListener, true);
    }
  };
  // Record a picture shown at `now`; with `keepPictures` set, also what it shows (a PNG
  // data URL, taken after this paint), so that a test can tell when the final one came.
  t.pictureShown = (st, now) => {
    st.images.push(now);
    if (st.keepPictures) setTimeout(() => { st.pictures.push([now, t.figurePicture(st.figure)]); }, 0);
  };
  t.keepPictures = (on) => { t.latency.keepPictures = on; t.latency.pictures = []; };
  t.resetTiming = () => {
    t.latency.events = [];
    t.latency.images = [];
    t.latency.frames = [];
    t.latency.switches = [];
    t.latency.pictures = [];
    t.latency.messages = [];
    t.latency.lastKey = null;
  };
  t.timing = () => ({key: t.latency.lastKey, events: t.latency.events,
                     images: t.latency.images, frames: t.latency.frames,
                     switches: t.latency.switches, pictures: t.latency.pictures || [],
                     messages: t.latency.messages, inPage: !!t.latency.inPage,
                     origin: performance.timeOrigin});
  // Whether no picture (drawn ahead, or ipympl's) has reached the page for `ms`, and the
  // kernel is idle: the explorers have finished drawing ahead.
  t.picturesQuiet = (ms) => performance.now() - (t.lastPicture || 0) >= ms && t.kernelIdle();
  // Whether a picture was painted after the last key press (and none for `quietMs` since).
  // With `kernel` false the kernel is not waited for (it may be busy or gone).
  t.pictureSettled = (quietMs, kernel = true) => {
    const st = t.latency;
    const last = st.images.length ? st.images[st.images.length - 1] : null;
    return last !== null && st.lastKey !== null && last >= st.lastKey &&
      performance.now() - last >= quietMs && (!kernel || t.kernelIdle());
  };
  // The figure's picture as the learner sees it, as a PNG data URL: the picture drawn
  // ahead that covers the canvas, if one does, else the canvas.
  t.figurePicture = (figure) => {
    const img = shownFrame(figure);
    if (img) {
      const c = document.createElement('canvas');
      c.width = img.naturalWidth;
      c.height = img.naturalHeight;
      c.getContext('2d').drawImage(img, 0, 0);
      return c.toDataURL('image/png');
    }
    const canvases = [...figure.querySelectorAll('canvas')];
    const c = canvases.find((x) => x.width > 0 && x.height > 0 && x.offsetParent !== null);
    return c ? c.toDataURL('image/png') : null;
  };
})();
