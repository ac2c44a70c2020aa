"""Every notebook, run through JupyterLab's UI in Chromium, as a learner would run it.

For each notebook in ``notebooks/`` (or ``C1X1_NOTEBOOKS``; files starting with ``_`` are
skipped): open it, clear it and run all cells from the Run menu, wait for the kernel, then check
the page (:func:`lab_harness.page_problems`), save a screenshot of the whole notebook, and drive
the ``filters`` and ``in_channels`` sliders of every explorer with the keyboard, checking the
readout and timing it, and click its bias check box off and on, checking the readout again.

Run only these tests with ``python -m pytest tests/browser -p no:randomly``.
"""

from __future__ import annotations

import json

import pytest
from lab_harness import (
    DRIVEN_SLIDERS,
    EXPECTED_READOUT,
    EXPLORERS,
    LATENCY_TARGET_MS,
    SCREENSHOTS,
    TOGGLED_CHECKBOXES,
    CellExpectation,
    contains_number,
    drive_slider,
    expected_bottleneck_readout,
    expected_param_readout,
    explorer_kind,
    find_notebooks,
    fixed_size_state,
    notebook_dir,
    open_notebook,
    page_problems,
    run_all_cells,
    saved_expectations,
    screenshot_notebook,
    shows_expected,
    slider_values,
    toggle_checkbox,
    wait_widgets_settled,
)

NOTEBOOKS = find_notebooks(notebook_dir())
NOTEBOOK_PARAMS = [pytest.param(p, id=p.name) for p in NOTEBOOKS] or [
    pytest.param(
        None,
        id="no-notebooks",
        marks=pytest.mark.skip(reason=f"no notebooks to test in {notebook_dir()}"),
    )
]


def _report(title: str, lines: list[str]) -> str:
    return title + "\n" + "\n".join(f"  - {line}" for line in lines)


@pytest.mark.parametrize("notebook", NOTEBOOK_PARAMS)
def test_notebook_runs_cleanly_and_explorers_respond(
    notebook, lab, lab_page, latency_rows, page_notes
):
    page, log = lab_page
    name = notebook.name
    open_notebook(page, lab, name)
    state = run_all_cells(page)
    wait_widgets_settled(page)
    shot = SCREENSHOTS / f"{notebook.stem}.png"
    height = screenshot_notebook(page, shot)
    print(f"{name}: ran in {state['seconds']} s; screenshot {shot} ({height} px tall)")

    report = page_problems(page, log, saved_expectations(notebook))
    for note in report.notes:
        print(f"{name}: note: {note}")
        page_notes.append(f"{name}: {note}")
    if report.problems:
        pytest.fail(_report(f"{name} does not run cleanly in JupyterLab:", report.problems))

    explorers = page.locator(EXPLORERS)
    timings = []
    for i in range(explorers.count()):
        explorer = explorers.nth(i)
        label = f"#{i} {explorer_kind(page, explorer)}"
        keys = [k for k in DRIVEN_SLIDERS if explorer.locator(f".c1x1-slider-{k}").count()]
        try:
            for key in keys:
                timing = drive_slider(page, explorer, name, label, key)
                timings.append(timing)
                latency_rows.append(timing)
            for key in TOGGLED_CHECKBOXES:
                if explorer.locator(f".c1x1-slider-{key} input[type=checkbox]").count():
                    seen = toggle_checkbox(page, explorer, name, label, key)
                    print(f"{name} {label}: {key} clicked twice, readout right for {seen}")
        finally:  # also when a check failed: the picture shows what the learner would see
            explorer.screenshot(path=str(SCREENSHOTS / f"{notebook.stem}--explorer-{i}.png"))

    after = page_problems(page, log)
    if after.problems:
        pytest.fail(_report(f"{name}: problems after moving the sliders:", after.problems))
    slow = [
        f"{t.explorer} {t.slider}: median {t.median:.0f} ms, max {t.worst:.0f} ms"
        for t in timings
        if t.median > LATENCY_TARGET_MS
    ]
    if slow:
        pytest.fail(
            _report(f"{name}: readout slower than {LATENCY_TARGET_MS:.0f} ms (median):", slow)
        )


# --------------------------------------------------------------------------------------------
# The checker itself must catch broken pages: a notebook broken on purpose in several ways.

_ONE_PIXEL_PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAA"
    "AABJRU5ErkJggg=="
)

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
        "import ipywidgets as widgets\n\n"
        "slider = widgets.IntSlider(value=1, min=1, max=8)\n"
        "slider.add_class('c1x1-slider-filters')\n"
        "readout = widgets.HTML('1')\n"
        "readout.add_class('c1x1-readout')\n"
        "errors = widgets.Output()\n"
        "errors.add_class('c1x1-errors')\n\n"
        "def update(change):\n"
        "    with errors:\n"
        "        raise ValueError('filters must be even, got ' + str(change['new']))\n\n"
        "slider.observe(update, names='value')\n"
        "box = widgets.VBox([slider, readout, errors])\n"
        "box.add_class('c1x1-explorer')\n"
        "box.add_class('c1x1-param-explorer')\n"
        "display(box)\n"
        "slider.value = 3"
    ),
    "wrong_count": (
        "import ipywidgets as widgets\n\n"
        "sl = {k: widgets.IntSlider(value=v, min=1, max=64)\n"
        "      for k, v in (('in_channels', 8), ('filters', 4))}\n"
        "for k, w in sl.items():\n"
        "    w.add_class('c1x1-slider-' + k)\n"
        "out = widgets.HTML()\n"
        "out.add_class('c1x1-readout')\n\n"
        "def show(change=None):  # forgets the biases\n"
        "    out.value = f\"{sl['in_channels'].value * sl['filters'].value:,} parameters\"\n\n"
        "for w in sl.values():\n"
        "    w.observe(show, names='value')\n"
        "show()\n"
        "wrong = widgets.VBox([*sl.values(), out])\n"
        "wrong.add_class('c1x1-explorer')\n"
        "wrong.add_class('c1x1-param-explorer')\n"
        "wrong"
    ),
    "page_error": (
        "from IPython.display import Javascript\n"
        "Javascript(\"setTimeout(() => { throw new Error('c1x1 deliberate page error'); }, 0)\")"
    ),
    "figure_gone": "figure_was_here = True",
    "cell_raises": "raise RuntimeError('c1x1 deliberate failure')",
    "never_runs": "print('not reached')",
}


def _broken_notebook() -> dict:
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
                    "data": {"image/png": _ONE_PIXEL_PNG, "text/plain": "<Figure>"},
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


def test_checker_reports_broken_widgets_and_errors(lab, lab_page):
    page, log = lab_page
    # Written into the server's temporary root only; the leading "_" would also keep it out
    # of the notebook discovery.
    path = lab.root / "_broken_on_purpose.ipynb"
    path.write_text(json.dumps(_broken_notebook(), indent=1), encoding="utf-8")
    open_notebook(page, lab, path.name)
    run_all_cells(page)
    wait_widgets_settled(page, timeout_s=8)
    page.wait_for_timeout(500)  # let the deliberate page error fire
    screenshot_notebook(page, SCREENSHOTS / "_broken_on_purpose.png")
    report = page_problems(page, log, saved_expectations(path))
    print(_report("problems found in the notebook broken on purpose:", report.problems))

    index = {tag: i for i, tag in enumerate(BROKEN_CELLS)}

    def found(tag: str, *needles: str) -> bool:
        prefix = f"cell {index[tag]}:"
        return any(p.startswith(prefix) and any(n in p for n in needles) for p in report.problems)

    assert found("missing_model", "widget failed to display", "never finished loading")
    assert found(
        "missing_frontend_module", "widget failed to display", "replaced by the error widget"
    )
    assert found("explorer_callback_raises", "explorer error area is not empty")
    assert found("explorer_callback_raises", "filters must be even")
    assert found("figure_gone", "saved notebook shows 1 figure image(s), the page 0")
    assert found("cell_raises", "error output", "c1x1 deliberate failure")
    assert found("never_runs", "did not run")
    assert any("c1x1 deliberate page error" in p for p in report.problems if "page" in p)
    # The checker does not blame the cells that are fine.
    for fine in ("page_error", "wrong_count"):
        assert not any(p.startswith(f"cell {index[fine]}:") for p in report.problems)

    # An explorer whose readout is off (it forgets the biases) fails the slider check.
    wrong = (
        page.locator(".jp-Notebook .jp-Cell").nth(index["wrong_count"]).locator(".c1x1-explorer")
    )
    with pytest.raises(AssertionError, match=r"readout did not come to show 40 for"):
        drive_slider(page, wrong, path.name, "wrong", "in_channels", readout_timeout_s=2)


def test_saved_expectations_reads_figures_and_widgets(tmp_path):
    nb = _broken_notebook()
    nb["cells"][0]["outputs"] = [
        {
            "output_type": "display_data",
            "data": {
                "application/vnd.jupyter.widget-view+json": {"model_id": "x"},
                "image/png": _ONE_PIXEL_PNG,
            },
            "metadata": {},
        }
    ]
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    assert saved_expectations(path) == [
        CellExpectation(index=0, images=0, widgets=1),
        CellExpectation(index=list(BROKEN_CELLS).index("figure_gone"), images=1, widgets=0),
    ]


def test_readout_numbers_match_whole_numbers_only():
    assert contains_number("(1·1·512 + 1)·64 = 32,832\nMACs", "32,832")
    assert not contains_number("= 132,832", "32,832")
    assert not contains_number("= 32,832,000", "32,832")
    assert not contains_number("= 32,8321", "32,832")
    # The Inception example: 32 filters of 5×5 on 192 maps, directly or after a 1×1 to 16.
    values = {"in_channels": 192, "reduction": 16, "kernel_size": 5, "filters": 32, "use_bias": 1}
    text = "Direct 5×5: (5·5·192 + 1)·32 = 153,632 ... totals: 15,920 parameters"
    assert shows_expected(text, expected_bottleneck_readout(values))
    assert not shows_expected(text.replace("15,920", "15,888"), expected_bottleneck_readout(values))
    # The counts without biases are right for another explorer, not for this one.
    no_bias = "Direct 5×5: 5·5·192·32 = 153,600 ... totals: 15,872 parameters"
    assert not shows_expected(no_bias, expected_bottleneck_readout(values))
    assert shows_expected(no_bias, expected_bottleneck_readout({**values, "use_bias": 0}))
    assert expected_param_readout({"in_channels": 512, "filters": 64}) == [["32,832"]]
    assert expected_param_readout({"in_channels": 512, "filters": 64, "use_bias": False}) == [
        ["32,768"]
    ]


@pytest.mark.parametrize(
    "name, moves",
    [
        ("ParamExplorer", {"in_channels": 192, "filters": 32, "kernel_size": 5}),
        ("BottleneckExplorer", {"in_channels": 256, "reduction": 64, "filters": 96}),
        ("MixingExplorer", {"filters": 7}),
        ("ReductionExplorer", {"filters": 11}),
        ("ReconstructionExplorer", {"filters": 5}),
    ],
)
def test_expected_readouts_agree_with_the_explorers(name, moves):
    """The counts the browser test demands are those a real explorer shows (and no others).

    The explorer's DOM classes are turned into the page state the browser would report, so
    the fixed sizes travel the same way as in the page.
    """
    from conv1x1_viz import explorers as widgets

    explorer = getattr(widgets, name)()
    with explorer.hold_updates():
        for key, value in moves.items():
            explorer.sliders[key].value = value
    state = {
        key: {"text": str(w.value), "now": None, "checked": None}
        for key, w in explorer.sliders.items()
        if not isinstance(w.value, bool)
    }
    state = fixed_size_state(explorer._dom_classes) | state
    values = slider_values(state)
    expected = EXPECTED_READOUT[explorer.kind](values)
    text = explorer.summary()
    assert shows_expected(text, expected), (text, expected)
    # One filter more and the page would be wrong: the check would catch it.
    values["filters"] = int(values["filters"]) + 1
    assert not shows_expected(text, EXPECTED_READOUT[explorer.kind](values)), text
