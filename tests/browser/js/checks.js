// What the page checks read: widgets still loading, and per cell everything a learner
// would see go wrong. Loaded by js_loader.py (needs lab.js).
(() => {
  const t = (window.c1x1Test = window.c1x1Test || {});

  // Whether the learner can see an image: laid out and visible.
  t.imageShown = (i) => i.offsetParent !== null && getComputedStyle(i).visibility !== 'hidden';

  // What is still on its way: widgets loading, images loading.
  t.pending = () => {
    const nb = t.notebookNode();
    if (!nb) return ['no notebook'];
    const pending = [];
    for (const o of nb.querySelectorAll('.jp-OutputArea-output'))
      if (o.textContent.includes('Loading widget...')) pending.push('widget loading');
    for (const i of nb.querySelectorAll('img'))
      if (t.imageShown(i) && !i.complete) pending.push('image loading');
    return pending;
  };

  // One entry per cell: what page_checks.page_problems judges. `sel` holds the selectors
  // of the explorers and of their error areas (from conv1x1_viz.contract).
  t.pageReport = (sel) => {
    const nb = t.notebookNode();
    if (!nb) return null;
    const text = (el) => (el.innerText || el.textContent || '').trim();
    // The cells' models: a cell whose code is folded away has no prompt in the page,
    // but its model still knows whether it ran.
    const panel = t.notebookWidget();
    const widgets = panel ? panel.content.widgets : [];
    return [...nb.querySelectorAll('.jp-Cell')].map((cell, index) => {
      const q = (s) => [...cell.querySelectorAll(s)];
      const outputs = q('.jp-OutputArea-output').map(text);
      const prompt = cell.querySelector('.jp-InputPrompt');
      const code = cell.classList.contains('jp-CodeCell');
      const editor = cell.querySelector('.jp-InputArea-editor .cm-content') || cell;
      const model = (widgets.find((w) => w.node === cell) || {}).model || null;
      const source = model ? model.sharedModel.getSource() : editor.textContent;
      return {
        index,
        code,
        empty: code && !source.trim(),
        count: model && code ? model.executionCount : null,
        prompt: prompt ? prompt.textContent.trim() : '',
        errors: q('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]')
          .map(text),
        stderr: q('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
          .map(text),
        widgetErrorText: outputs.filter((s) => s.includes('Error displaying widget')),
        widgetLoading: outputs.filter((s) => s.includes('Loading widget...')),
        errorWidgets: q('.jupyter-widgets-error-widget').length,
        explorerErrors: q(sel.errors).map(text).filter((s) => s.length > 0),
        images: q('.jp-OutputArea-output img').filter(t.imageShown).map(
          (i) => ({ok: i.complete && i.naturalWidth > 0, w: i.naturalWidth})),
        // Widget views: the explorers (anywidget's views), and any ipywidgets view.
        widgets: q('.jp-OutputArea-output .jupyter-widgets, .jp-OutputArea-output .c1x1-page')
          .filter((w) => !w.classList.contains('jupyter-widgets-error-widget')).length,
        markdownImages: q('.jp-MarkdownOutput img').map(
          (i) => ({ok: i.complete && i.naturalWidth > 0, src: i.getAttribute('src') || ''})),
        mathErrors: q('mjx-merror').map(text),
        explorers: q(sel.explorer).length,
      };
    });
  };

  // Scroll the notebook to its top; return its scroll and visible heights. JupyterLab 4
  // scrolls in .jp-WindowedPanel-outer inside the notebook; older layouts scrolled the
  // notebook node or one of its parents.
  t.notebookScroller = () => {
    const nb = t.notebookNode();
    if (!nb) return null;
    const candidates = [...nb.querySelectorAll('.jp-WindowedPanel-outer')];
    for (let el = nb; el; el = el.parentElement) candidates.push(el);
    for (const el of candidates) {
      const oy = getComputedStyle(el).overflowY;
      if ((oy === 'auto' || oy === 'scroll') && el.scrollHeight > el.clientHeight + 1) {
        el.scrollTop = 0;
        return {scroll: el.scrollHeight, client: el.clientHeight};
      }
    }
    return {scroll: 0, client: 0};
  };

  t.twoFrames = () =>
    new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
})();

// Outputs wider than their cell, as the page lays them out now: per output, its own width
// and how far its content reaches (a scrollable overflow, or a picture or canvas sticking
// out). Only the first few are reported.
(() => {
  const t = (window.c1x1Test = window.c1x1Test || {});
  t.overflowingOutputs = () => {
    const nb = t.notebookNode();
    if (!nb) return null;
    const found = [];
    [...nb.querySelectorAll('.jp-Cell')].forEach((cell, index) => {
      for (const out of cell.querySelectorAll('.jp-OutputArea-output')) {
        const box = out.getBoundingClientRect();
        if (!box.width) continue;
        let reach = box.left + out.scrollWidth;
        for (const el of out.querySelectorAll('canvas, img, svg, table, pre, .widget-box'))
          reach = Math.max(reach, el.getBoundingClientRect().right);
        if (reach > box.right + 1)
          found.push({index, width: Math.round(box.width), reach: Math.round(reach - box.left)});
      }
    });
    return found;
  };
})();
