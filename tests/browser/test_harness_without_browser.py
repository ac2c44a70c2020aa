"""The parts of the browser harness that need no browser: oracles, contract, discovery, marks.

None of these tests starts Chromium, so none has the ``browser`` mark: they run with
``-m "not browser"`` too.
"""

from __future__ import annotations

import json
import sys

import pytest

from conv1x1_viz import contract
from conv1x1_viz import explorers as explorers_module  # where the explorers live

from . import test_notebooks_in_jupyterlab as browser_tests
from .broken_notebook import BROKEN_CELLS, ONE_PIXEL_PNG, broken_notebook
from .browser_setup import chromium_executable, notebook_dir, notebook_params
from .explorer_driver import DRIVEN_SLIDERS
from .page_checks import CellExpectation, saved_expectations
from .readout_oracles import (
    EXPECTED_READOUT,
    contains_number,
    expected_bottleneck_readout,
    expected_param_readout,
    oracle_for,
    shows_expected,
)


def explorer_classes() -> list[type]:
    """Every explorer the package exports (``__all__``): each must have an oracle."""
    base = explorers_module.PageExplorer
    exported = (getattr(explorers_module, name) for name in explorers_module.__all__)
    return [c for c in exported if isinstance(c, type) and issubclass(c, base) and c is not base]


def moved(control, value):
    """A value of *control* other than *value*: halfway to its farther end, in its stops."""
    options = list(control.values())
    here = options.index(value)
    far = len(options) - 1 if len(options) - 1 - here >= here else 0
    return options[here + ((far - here) // 2 or far - here)]


def test_saved_expectations_reads_figures_and_widgets(tmp_path):
    nb = broken_notebook()
    nb["cells"][0]["outputs"] = [
        {
            "output_type": "display_data",
            "data": {
                "application/vnd.jupyter.widget-view+json": {"model_id": "x"},
                "image/png": ONE_PIXEL_PNG,
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


@pytest.mark.parametrize("explorer_class", explorer_classes(), ids=lambda c: c.__name__)
def test_expected_readouts_agree_with_the_explorers(explorer_class):
    """The counts the browser test demands are those a real explorer shows (and no others).

    Every control is moved within its own range; the fixed sizes travel through the
    contract's classes, as they do in the page.
    """
    explorer = explorer_class()
    before = dict(explorer.values)
    explorer.set(**{key: moved(c, before[key]) for key, c in explorer.controls.items()})
    after = dict(explorer.values)
    assert all(after[k] != before[k] for k in DRIVEN_SLIDERS if k in after), (before, after)
    fixed = contract.parse_fixed_sizes(contract.fixed_size_classes(explorer.fixed_sizes()))
    values = fixed | after
    oracle = oracle_for(explorer.kind)
    text = explorer.summary()
    assert shows_expected(text, oracle(values)), (text, oracle(values))
    # One more filter, or one more input map, and the page would be wrong: the check sees it.
    for key in (k for k in DRIVEN_SLIDERS if k in values):
        wrong = {**values, key: int(values[key]) + 1}
        assert not shows_expected(text, oracle(wrong)), (key, text)


def test_a_kind_without_an_oracle_fails():
    assert "param-explorer" in EXPECTED_READOUT
    with pytest.raises(AssertionError, match=r"kind 'mystery-explorer' has no oracle"):
        oracle_for("mystery-explorer")
    with pytest.raises(AssertionError, match=r"kind None has no oracle"):
        oracle_for(contract.parse_kind([contract.EXPLORER]))


def test_contract_classes_round_trip():
    sizes = {"height": 28, "in_channels": 2048, "use_bias": 0}
    classes = [contract.EXPLORER, *contract.fixed_size_classes(sizes), "c1x1-fixed-9-9"]
    assert contract.parse_fixed_sizes(classes) == sizes
    assert contract.parse_kind([*classes, contract.kind_class("reduction-explorer")]) == (
        "reduction-explorer"
    )
    assert contract.parse_slider_key([contract.slider_class("kernel_size")]) == "kernel_size"
    for key, size in (("height", -1), ("height", True), ("height", 2.5), ("Height", 1)):
        with pytest.raises(ValueError, match="must be"):
            contract.fixed_class(key, size)
    with pytest.raises(ValueError, match="kind must be"):
        contract.kind_class("explorer")


CI_OUTCOMES = [("true", pytest.fail.Exception), ("", pytest.skip.Exception)]


@pytest.mark.parametrize("ci, outcome", CI_OUTCOMES)
def test_no_browser_fails_in_ci_and_skips_elsewhere(tmp_path, monkeypatch, ci, outcome):
    monkeypatch.setenv("C1X1_CHROMIUM", str(tmp_path / "no-chromium"))
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match="no Chromium executable .* apt-get install chromium"):
        chromium_executable()


@pytest.mark.parametrize("ci, outcome", CI_OUTCOMES)
def test_no_notebook_fails_in_ci_and_skips_elsewhere(tmp_path, monkeypatch, ci, outcome):
    monkeypatch.setenv("C1X1_NOTEBOOKS", str(tmp_path))
    monkeypatch.setenv("CI", ci)
    [param] = notebook_params(notebook_dir())
    assert not param.marks  # a skip mark here would skip in CI too
    with pytest.raises(outcome, match="no notebooks to test"):
        browser_tests.test_notebook_runs_cleanly_and_explorers_respond(*param.values, *[None] * 4)


def test_only_tests_that_start_a_browser_are_marked_browser(request):
    """``-m "not browser"`` must keep these tests and leave out those that drive Chromium."""
    assert request.node.get_closest_marker("browser") is None
    for item in request.session.items:
        marked = item.get_closest_marker("browser") is not None
        module = getattr(item, "module", None)  # doctests have none
        if module is sys.modules[__name__]:
            assert not marked, item.nodeid
        elif module is browser_tests:
            assert marked, item.nodeid
