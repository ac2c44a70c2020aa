"""A notebook broken on purpose, one way per cell, for the checker's own test.

The cells name their DOM classes through ``conv1x1_viz.contract``, as the explorers do.
"""

from __future__ import annotations

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
        "import ipywidgets as widgets\n"
        "from conv1x1_viz import contract as c\n\n"
        "slider = widgets.IntSlider(value=1, min=1, max=8)\n"
        "slider.add_class(c.slider_class('filters'))\n"
        "readout = widgets.HTML('1')\n"
        "readout.add_class(c.READOUT)\n"
        "errors = widgets.Output()\n"
        "errors.add_class(c.ERRORS)\n\n"
        "def update(change):\n"
        "    with errors:\n"
        "        raise ValueError('filters must be even, got ' + str(change['new']))\n\n"
        "slider.observe(update, names='value')\n"
        "box = widgets.VBox([slider, readout, errors])\n"
        "box.add_class(c.EXPLORER)\n"
        "box.add_class(c.kind_class('param-explorer'))\n"
        "display(box)\n"
        "slider.value = 3"
    ),
    "wrong_count": (
        "import ipywidgets as widgets\n"
        "from conv1x1_viz import contract as c\n\n"
        "sl = {k: widgets.IntSlider(value=v, min=1, max=64)\n"
        "      for k, v in (('in_channels', 8), ('filters', 4))}\n"
        "for k, w in sl.items():\n"
        "    w.add_class(c.slider_class(k))\n"
        "out = widgets.HTML()\n"
        "out.add_class(c.READOUT)\n\n"
        "def show(change=None):  # forgets the biases\n"
        "    out.value = f\"{sl['in_channels'].value * sl['filters'].value:,} parameters\"\n\n"
        "for w in sl.values():\n"
        "    w.observe(show, names='value')\n"
        "show()\n"
        "wrong = widgets.VBox([*sl.values(), out])\n"
        "wrong.add_class(c.EXPLORER)\n"
        "wrong.add_class(c.kind_class('param-explorer'))\n"
        "wrong"
    ),
    "unknown_kind": (
        "import ipywidgets as widgets\n"
        "from conv1x1_viz import contract as c\n\n"
        "knob = widgets.IntSlider(value=4, min=1, max=8)\n"
        "knob.add_class(c.slider_class('filters'))\n"
        "says = widgets.HTML('whatever it likes')\n"
        "says.add_class(c.READOUT)\n"
        "knob.observe(lambda change: setattr(says, 'value', str(change['new'])), 'value')\n"
        "mystery = widgets.VBox([knob, says])\n"
        "mystery.add_class(c.EXPLORER)\n"
        "mystery.add_class(c.kind_class('mystery-explorer'))\n"
        "mystery"
    ),
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
