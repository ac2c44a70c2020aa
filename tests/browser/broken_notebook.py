"""A notebook broken on purpose, one way per cell, for the checker's own test.

The fake explorers (``fake_explorer``, defined in the notebook by :data:`FAKE_EXPLORER`)
put the DOM classes of ``conv1x1_viz.contract``
on the page, as the explorers do, and draw the same controls: a range input per slider
with its value beside it, and a readout, which they compute wrongly on purpose.
"""

from __future__ import annotations

FAKE_ESM = """
export default {
  render({ model, el }) {
    const values = {...model.get('values')};
    el.className = model.get('classes').join(' ');
    const readout = document.createElement('div');
    readout.className = model.get('readout_class');
    const show = () => {
      const names = Object.keys(values).join(', ');
      readout.textContent = String(new Function(names, 'return ' + model.get('formula'))(
        ...Object.values(values)));
    };
    for (const [key, value] of Object.entries(values)) {
      const row = document.createElement('label');
      row.className = 'c1x1-control ' + model.get('slider_prefix') + key;
      const input = document.createElement('input');
      input.type = 'range';
      input.setAttribute('data-lm-suppress-shortcuts', 'true');  // keys to the input
      input.min = 1;
      input.max = 64;
      input.value = value;
      const shown = document.createElement('span');
      shown.className = 'c1x1-control-value';
      const mark = () => {
        for (const a of ['now', 'min', 'max']) input.setAttribute('aria-value' + a,
          a === 'now' ? input.value : input[a]);
        shown.textContent = input.value;
      };
      input.addEventListener('input', () => { values[key] = Number(input.value); mark(); show(); });
      mark();
      row.append(input, shown);
      el.append(row);
    }
    el.append(readout);
    show();
  },
};
"""


#: Defines ``fake_explorer(kind, values, formula)`` in the notebook's kernel: an anywidget
#: shaped like an explorer of *kind* (sliders 1 … 64 with the contract's classes) whose
#: readout is the JavaScript expression *formula* of the slider keys: wrong on purpose.
FAKE_EXPLORER = f"""import anywidget, traitlets
from conv1x1_viz import contract


def fake_explorer(kind, values, formula):
    class Fake(anywidget.AnyWidget):
        _esm = {FAKE_ESM!r}
        values = traitlets.Dict().tag(sync=True)
        classes = traitlets.List().tag(sync=True)
        formula = traitlets.Unicode().tag(sync=True)
        readout_class = traitlets.Unicode(contract.READOUT).tag(sync=True)
        slider_prefix = traitlets.Unicode(contract.SLIDER_PREFIX).tag(sync=True)

    classes = [contract.EXPLORER, contract.kind_class(kind)]
    return Fake(values=values, classes=classes, formula=formula)"""

ONE_PIXEL_PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAA"
    "AABJRU5ErkJggg=="
)

# Cell tag → source. Cells after "cell_raises" never run (JupyterLab stops there).
BROKEN_CELLS = {
    "missing_model": (
        "from IPython.display import display\n"
        "display({'application/vnd.jupyter.widget-view+json': {\n"
        "    'model_id': '0123456789abcdef0123456789abcdef', 'version_major': 2,\n"
        "    'version_minor': 0}}, raw=True)"
    ),
    "missing_frontend_module": (
        "import ipywidgets as widgets\n"
        "from traitlets import Unicode\n\n"
        "class Ghost(widgets.DOMWidget):\n"
        "    _model_module = Unicode('c1x1-no-such-module').tag(sync=True)\n"
        "    _view_module = Unicode('c1x1-no-such-module').tag(sync=True)\n"
        "    _model_name = Unicode('GhostModel').tag(sync=True)\n"
        "    _view_name = Unicode('GhostView').tag(sync=True)\n\n"
        "Ghost()"
    ),
    "explorer_callback_raises": (
        "from conv1x1_viz.explorers import ParamExplorer\n\n"
        "odd = ParamExplorer()\n"
        "display(odd)\n"
        "odd.values = {**odd.values, 'filters': 33}  # as a broken page would send it"
    ),
    "wrong_count": (
        FAKE_EXPLORER + "\n\n"
        "fake_explorer('param-explorer', {'in_channels': 8, 'filters': 4},\n"
        "              'in_channels * filters + \" parameters\"')  # forgets the biases"
    ),
    "unknown_kind": ("fake_explorer('mystery-explorer', {'filters': 4}, '\"whatever it likes\"')"),
    "page_error": (
        "from IPython.display import Javascript\n"
        "Javascript(\"setTimeout(() => { throw new Error('c1x1 deliberate page error'); }, 0)\")"
    ),
    "figure_gone": "figure_was_here = True",
    "cell_raises": "raise RuntimeError('c1x1 deliberate failure')",
    "never_runs": "print('not reached')",
}

# Cells that are fine as a page (the explorers in them are wrong in other ways).
FINE_CELLS = ("page_error", "wrong_count", "unknown_kind")


def broken_notebook() -> dict:
    """The notebook, as nbformat 4 JSON; "figure_gone" promises a figure it no longer makes."""
    cells = []
    for tag, source in BROKEN_CELLS.items():
        cell = {
            "cell_type": "code",
            "execution_count": None,
            "id": tag.replace("_", "-"),
            "metadata": {"tags": [tag]},
            "outputs": [],
            "source": source,
        }
        if tag == "figure_gone":  # the saved notebook promised a figure here
            cell["outputs"] = [
                {
                    "output_type": "display_data",
                    "data": {"image/png": ONE_PIXEL_PNG, "text/plain": "<Figure>"},
                    "metadata": {},
                }
            ]
        cells.append(cell)
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
