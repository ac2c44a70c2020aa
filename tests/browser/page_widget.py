"""An explorer drawn in the page, mounted on a blank page with no kernel and no JupyterLab.

:func:`mount` loads the explorer's ES module (the very string anywidget sends) from a blob
URL and calls its ``render`` with the module's own page-side model (``pageModel`` in
``core.js``, which the static site uses too) holding the explorer's synced state: what any
front end hands anywidget's modules. The page's module then answers every press by itself;
``window.c1x1Page.saved`` counts the values it sent towards the kernel
(``window.c1x1Page.selections`` the selection sent with each).
"""

from __future__ import annotations

import json

MOUNT = """async ([source, state]) => {
  const url = URL.createObjectURL(new Blob([source], {type: 'text/javascript'}));
  const module = await import(url);
  const page = (window.c1x1Page = {module, state, saved: [], selections: []});
  const model = module.pageModel(state, () => {
    page.saved.push(JSON.parse(JSON.stringify(state.values)));
    page.selections.push(state.selection);
  });
  // What the kernel does when Python sets the values (and the selection, when given):
  // the page hears a change.
  page.fromKernel = (values, selection) => {
    state.values = values;
    state.wishes = {...values};
    model.changed('values');
    if (selection !== undefined) {
      state.selection = selection;
      model.changed('selection');
    }
  };
  module.default.render({model, el: document.getElementById('host')});
}"""


def mount(page, explorer) -> None:
    """Show *explorer* on *page* (a blank Chromium page) as its front end would."""
    page.set_content('<!doctype html><meta charset="utf-8"><div id="host"></div>')
    state = {
        "spec": explorer.spec,
        "values": explorer.values,
        "wishes": explorer.wishes,
        "selection": explorer.selection,
        "error": explorer.error,
    }
    page.evaluate(MOUNT, [explorer._esm, state])


#: How :func:`page_call` hands a number JSON has no word for (NaN, ±Infinity) across.
_NON_FINITE = "c1x1-non-finite"


def _non_finite(obj: dict):
    return float(obj[_NON_FINITE]) if obj.keys() == {_NON_FINITE} else obj


def page_call(page, expression: str, argument=None):
    """Evaluate ``(module, argument) => expression`` with the mounted module.

    The argument and the result cross as one JSON string each: Playwright's own transfer
    wraps every number in an object of its own, which for the sweeps over every setting (a
    million numbers) costs more than computing them. NaN and ±Infinity survive the trip.
    """
    result = page.evaluate(
        "(text) => { const module = window.c1x1Page.module, argument = JSON.parse(text);"
        f" return JSON.stringify(({expression}), (key, value) =>"
        " typeof value === 'number' && !Number.isFinite(value)"
        f" ? {{'{_NON_FINITE}': String(value)}} : value) ?? 'null'; }}",
        json.dumps(argument, allow_nan=False),
    )
    return json.loads(result, object_hook=_non_finite)
