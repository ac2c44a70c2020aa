"""Every explorer, as a learner handles it in JupyterLab: its preset buttons.

A notebook made here shows one explorer of each kind, built with its defaults. In Chromium,
each preset button of every explorer is clicked, and the readout must name its case and show
the counts its oracle computes from the controls the page shows. The explorers' keys,
clicks and hovers are driven in ``test_page_explorers.py`` (on a blank page, against
Python at every reachable setting) and ``test_explorers_in_every_frontend.py``.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

import conv1x1_viz.explorers as explorers_package
from conv1x1_viz import contract
from conv1x1_viz.explorers import PageExplorer

from .explorer_driver import EXPLORERS, READOUT, check_readout, read_explorer
from .js_loader import install
from .notebook_ui import (
    explorer_notebook,
    open_notebook,
    run_all_cells,
    wait_kernel_quiet,
    wait_widgets_settled,
)
from .page_checks import PageLog, page_problems
from .readout_oracles import oracle_for

#: Every explorer, in the notebook.
KINDS = [
    cls
    for cls in (getattr(explorers_package, n) for n in explorers_package.__all__)
    if isinstance(cls, type) and issubclass(cls, PageExplorer) and cls is not PageExplorer
]
NOTEBOOK = "_explorers_by_hand.ipynb"


@pytest.fixture(scope="module")
def handled(lab, browser, browser_context_args):
    """The notebook, run, in a page of its own for this module's tests."""
    (lab.root / NOTEBOOK).write_text(json.dumps(explorer_notebook(KINDS)), encoding="utf-8")
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    page.set_default_timeout(30_000)
    install(page)
    log = PageLog()
    log.attach(page)
    try:
        open_notebook(page, lab, NOTEBOOK)
        run_all_cells(page)
        wait_widgets_settled(page)
        yield page
        problems = page_problems(page, log).problems
        assert not problems, f"{NOTEBOOK}: {problems}"
    finally:
        context.close()
        lab.shutdown_kernels()


def _explorer(page, cls):
    explorer = page.locator(EXPLORERS + "." + contract.kind_class(cls.kind)).first
    expect(explorer).to_be_attached()
    return explorer


@pytest.mark.parametrize("cls", [c for c in KINDS if c().presets], ids=lambda c: c.__name__)
def test_presets_set_the_controls_and_name_their_case(handled, cls):
    page = handled
    explorer = _explorer(page, cls)
    oracle = oracle_for(cls.kind)
    readout = explorer.locator(READOUT).first
    for preset in cls().presets:
        wait_kernel_quiet(page)
        explorer.get_by_role("button", name=preset.label, exact=True).click()
        expect(readout).to_contain_text(f"Case: {preset.label}", timeout=10_000)
        wait_kernel_quiet(page)
        view = read_explorer(page, explorer.element_handle())
        for key, value in preset.values.items():
            assert view.values[key] == value, (preset.label, key, view.values)
        check_readout(f"{cls.__name__} preset {preset.label}", oracle, view, "a preset click")
