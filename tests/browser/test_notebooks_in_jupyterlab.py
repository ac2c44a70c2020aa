"""Every notebook, run through JupyterLab's UI in Chromium, as a learner would run it.

For each notebook in ``notebooks/`` (or ``C1X1_NOTEBOOKS``; files starting with ``_`` are
skipped): open it, clear it and run all cells from the Run menu, wait for the kernel, then check
the page (:func:`page_checks.page_problems`), save a screenshot of the whole notebook, and drive
the ``filters`` and ``in_channels`` sliders of every explorer with the keyboard, checking the
readout and timing it (the timings are reported, not judged), and click its bias check box off
and on, checking the readout again. Then the checker itself, on a notebook broken on purpose,
and the page script that reads an explorer, on a page of its own.
"""

from __future__ import annotations

import json

import pytest

from conv1x1_viz import contract

from .broken_notebook import BROKEN_CELLS, FINE_CELLS, broken_notebook
from .browser_setup import SCREENSHOTS, notebook_dir, notebook_params, skip_or_fail
from .explorer_driver import (
    DRIVEN_SLIDERS,
    EXPLORER,
    EXPLORERS,
    TOGGLED_CHECKBOXES,
    checkbox_selector,
    control_selector,
    drive_slider,
    explorer_kind,
    read_explorer,
    toggle_checkbox,
)
from .js_loader import inject
from .notebook_ui import open_notebook, run_all_cells, screenshot_notebook, wait_widgets_settled
from .page_checks import overflow_problems, page_problems, saved_expectations


def _report(title: str, lines: list[str]) -> str:
    return title + "\n" + "\n".join(f"  - {line}" for line in lines)


@pytest.mark.parametrize("notebook", notebook_params(notebook_dir()))
def test_notebook_runs_cleanly_and_explorers_respond(
    notebook, lab, lab_page, latency_rows, page_notes
):
    if notebook is None:
        skip_or_fail(f"no notebooks to test in {notebook_dir()}")
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
    for i in range(explorers.count()):
        explorer = explorers.nth(i)
        label = f"#{i} {explorer_kind(page, explorer)}"
        keys = [k for k in DRIVEN_SLIDERS if explorer.locator(control_selector(k)).count()]
        try:
            for key in keys:
                latency_rows.append(drive_slider(page, explorer, name, label, key))
            for key in TOGGLED_CHECKBOXES:
                if explorer.locator(checkbox_selector(key)).count():
                    seen = toggle_checkbox(page, explorer, name, label, key)
                    print(f"{name} {label}: {key} clicked twice, readout right for {seen}")
        finally:  # also when a check failed: the picture shows what the learner would see
            explorer.screenshot(path=str(SCREENSHOTS / f"{notebook.stem}--explorer-{i}.png"))

    after = page_problems(page, log)
    if after.problems:
        pytest.fail(_report(f"{name}: problems after moving the sliders:", after.problems))
    clipped = overflow_problems(page)
    if clipped:
        pytest.fail(_report(f"{name}: outputs do not fit the page:", clipped))


def test_checker_reports_broken_widgets_and_errors(lab, lab_page):
    page, log = lab_page
    # Written into the server's temporary root only; the leading "_" would also keep it out
    # of the notebook discovery.
    path = lab.root / "_broken_on_purpose.ipynb"
    path.write_text(json.dumps(broken_notebook(), indent=1), encoding="utf-8")
    open_notebook(page, lab, path.name)
    run_all_cells(page)
    wait_widgets_settled(page, timeout_s=8)
    if not log.page_errors:  # the deliberate page error fires from a timer: wait for it
        page.wait_for_event("pageerror", timeout=5_000)
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
    assert found("explorer_callback_raises", "filters must be one of")
    assert found("figure_gone", "saved notebook shows 1 figure image(s), the page 0")
    assert found("cell_raises", "error output", "c1x1 deliberate failure")
    assert found("never_runs", "did not run")
    assert any("c1x1 deliberate page error" in p for p in report.problems if "page" in p)
    # The checker does not blame the cells that are fine.
    for fine in FINE_CELLS:
        assert not any(p.startswith(f"cell {index[fine]}:") for p in report.problems)

    def explorer_in(tag: str):
        return page.locator(".jp-Notebook .jp-Cell").nth(index[tag]).locator(EXPLORER)

    # An explorer whose readout is off (it forgets the biases) fails the slider check.
    with pytest.raises(AssertionError, match=r"readout did not come to show 40 for"):
        drive_slider(
            page, explorer_in("wrong_count"), path.name, "wrong", "in_channels", readout_timeout_s=2
        )
    # An explorer of a kind without an oracle fails too, whatever its readout shows.
    with pytest.raises(AssertionError, match=r"kind 'mystery-explorer' has no oracle"):
        drive_slider(page, explorer_in("unknown_kind"), path.name, "mystery", "filters")


def _element(tag: str, classes: list[str], inner: str = "", **attrs: str) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    return f'<{tag} class="{" ".join(classes)}"{extra}>{inner}</{tag}>'


def _slider(key: str, value: int, low: int, high: int, text: str) -> str:
    """A control as the page draws it: a range input and its value beside it."""
    handle = _element(
        "input",
        [],
        type="range",
        aria_valuenow=str(value),
        aria_valuemin=str(low),
        aria_valuemax=str(high),
    )
    shown = _element("span", ["c1x1-control-value"], text)
    return _element("label", ["c1x1-control", contract.slider_class(key)], handle + shown)


def test_page_script_reads_an_explorer_as_the_contract_says(page):
    """What runs in the page during the notebook tests, on a page made here from the contract:
    ``js/explorer.js`` hands over raw class lists and ``conv1x1_viz.contract`` parses them."""
    inner = _element(
        "div",
        [
            contract.EXPLORER,
            contract.kind_class("mixing-explorer"),
            contract.fixed_class("in_channels", 3),
        ],
        _slider("in_channels", 7, 1, 9, "7"),
    )
    classes = [
        contract.EXPLORER,
        "c1x1-page",
        "c1x1-fixed-x",
        contract.kind_class("param-explorer"),
        *contract.fixed_size_classes({"height": 28, "width": 32, "filters": 99}),
    ]
    checkbox = _element(
        "label", [contract.slider_class("use_bias")], '<input type="checkbox" checked>'
    )
    body = (
        _slider("filters", 1024, 1, 2048, "1,024")
        + checkbox
        + _element("div", [contract.READOUT], "(1·1·512 + 1)·1,024 = 525,312")
        + inner
    )
    page.set_content(_element("div", classes, body))
    inject(page)
    view = read_explorer(page, page.locator(EXPLORER).first.element_handle())
    assert view.kind == "param-explorer"
    # The control wins over a fixed size of the same key; the inner explorer's are not ours.
    assert view.values == {"height": 28, "width": 32, "filters": 1024, "use_bias": True}
    assert view.readout == "(1·1·512 + 1)·1,024 = 525,312"
    assert (view.controls["filters"]["min"], view.controls["filters"]["max"]) == (1, 2048)
    page.locator("input[type=checkbox]").uncheck()
    assert (
        read_explorer(page, page.locator(EXPLORER).first.element_handle()).values["use_bias"]
        is False
    )
