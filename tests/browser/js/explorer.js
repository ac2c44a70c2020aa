// An explorer as the browser tests drive it: its controls as the page shows them, and the
// time from a key press to the readout's change. Loaded by js_loader.py (needs lab.js).
// Class names come from conv1x1_viz.contract through the `sel` arguments; the page gives
// raw class lists, which only Python (conv1x1_viz.contract) parses.
(() => {
  const t = (window.c1x1Test = window.c1x1Test || {});

  // A control the page draws: a range input (aria-value* give its index, the value shown
  // beside it its value) or a check box.
  const control = (el) => {
    const handle = el.querySelector('input[type=range]');
    const shown = el.querySelector('.c1x1-control-value');
    const check = el.querySelector('input[type=checkbox]');
    const state = {
      classes: [...el.classList],
      text: shown && shown.offsetParent !== null ? shown.textContent.trim() : null,
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

  // Record every change of `readout`, the pictures of `figure` (an element holding the
  // explorer's SVG) and the time of the last keydown, with performance.now().
  t.observeReadout = (readout, figure) => {
    const st = (t.latency = t.latency || {});
    if (st.observer) st.observer.disconnect();
    if (st.svgObserver) st.svgObserver.disconnect();
    st.events = [];
    st.images = [];
    st.figure = figure || null;
    if (st.figure && st.figure.querySelector(':scope > svg')) watchSvg(st);
    st.lastKey = null;
    st.observer = new MutationObserver(() => {
      const now = performance.now();
      const shown = readout.innerText;
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
  t.pictureShown = (st, now) => { st.images.push(now); };
  t.resetTiming = () => {
    t.latency.events = [];
    t.latency.images = [];
    t.latency.lastKey = null;
  };
  t.timing = () => ({key: t.latency.lastKey, events: t.latency.events,
                     images: t.latency.images, origin: performance.timeOrigin});
  // Whether a picture was painted after the last key press (and none for `quietMs` since).
  // With `kernel` false the kernel is not waited for (it may be busy or gone).
  t.pictureSettled = (quietMs, kernel = true) => {
    const st = t.latency;
    const last = st.images.length ? st.images[st.images.length - 1] : null;
    return last !== null && st.lastKey !== null && last >= st.lastKey &&
      performance.now() - last >= quietMs && (!kernel || t.kernelIdle());
  };
})();
