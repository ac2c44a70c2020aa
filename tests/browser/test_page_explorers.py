"""Explorers drawn in the page, tested in Chromium with no kernel: one truth for every number.

The page computes its readout and its picture's geometry in JavaScript; Python computes
them too (the readout, :func:`~conv1x1_viz.geometry.filter_block_scene` and the saved
picture). These tests compare the two at every setting a learner can reach, and drive the
controls with the keyboard and the mouse as a learner would.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from matplotlib.figure import Figure

from conv1x1_viz import contract, conv_macs, conv_params
from conv1x1_viz.explorers import ParamExplorer
from conv1x1_viz.geometry import filter_block_scene

from .page_widget import mount, page_call
from .readout_oracles import expected_param_readout, shows_expected

# The input sizes the notebooks give ParamExplorer, and the default.
INPUT_SIZES = [(28, 28), (256, 256), (150, 128)]


def reachable(explorer):
    """Every setting of the explorer's controls."""
    keys = list(explorer.controls)
    for combo in itertools.product(*(explorer.controls[k].values() for k in keys)):
        yield dict(zip(keys, combo, strict=True))


def python_readouts(explorer, settings):
    out = []
    for values in settings:
        explorer.set(**values)
        out.append(explorer.readout_texts()[1])
    return out


@pytest.mark.parametrize("input_size", INPUT_SIZES)
def test_readout_in_the_page_equals_python_at_every_setting(page, input_size):
    explorer = ParamExplorer(input_size=input_size)
    mount(page, explorer)
    settings = list(reachable(explorer))
    assert len(settings) == 15 * 15 * 6 * 2
    in_page = page_call(
        page,
        "argument.settings.map((v) => module.readoutLines(argument.spec, v)"
        ".map(([label, text]) => `${label}: ${text}`).join('\\n'))",
        {"spec": explorer.spec, "settings": settings},
    )
    expected = python_readouts(explorer, settings)
    wrong = [(s, p, e) for s, p, e in zip(settings, in_page, expected, strict=True) if p != e]
    assert not wrong, f"{len(wrong)} settings differ, e.g. {wrong[:2]}"
    # And the counts are Keras' (conv_params, conv_macs), not only Python's text.
    for values, text in zip(settings[::97], in_page[::97], strict=False):
        numbers = expected_param_readout(
            {**values, "height": input_size[0], "width": input_size[1]}
        )
        assert shows_expected(text, numbers), (values, text)


BLOCKS = ("input", "filter", "output", "first_map", "window")
PARTS = ("input", "filter", "output")


def _flat_python(scene):
    """Every number of a scene, in one order: blocks, pixel, arrow, bounds, dividers, anchors."""
    numbers = [[getattr(scene, b).x, getattr(scene, b).y] for b in BLOCKS]
    numbers += [[getattr(scene, b).width, getattr(scene, b).height] for b in BLOCKS]
    numbers += [[getattr(scene, b).depth] for b in BLOCKS]
    numbers += [scene.output_pixel.ravel(), scene.arrow.ravel(), scene.bounds]
    numbers += [scene.dividers[p].ravel() for p in PARTS]
    numbers += [scene.label_anchors[p] for p in PARTS]
    return np.concatenate([np.ravel(n) for n in numbers])


FLAT_JS = """argument.layers.map(([c, n, k]) => {
  const s = module.KINDS['param-explorer'].scene(
    {in_channels: c, filters: n, kernel_size: k}, argument.spec);
  const blocks = ['input', 'filter', 'output', 'first_map', 'window'];
  const parts = ['input', 'filter', 'output'];
  return [
    ...blocks.map((b) => [s[b].x, s[b].y]), ...blocks.map((b) => [s[b].width, s[b].height]),
    ...blocks.map((b) => [s[b].depth]), s.output_pixel, s.arrow, s.bounds,
    ...parts.map((p) => s.dividers[p]), ...parts.map((p) => s.label_anchors[p]),
  ].flat(Infinity);
})"""


def test_picture_geometry_in_the_page_equals_python_at_every_setting(page):
    explorer = ParamExplorer(input_size=(150, 128))
    mount(page, explorer)
    keys = ("in_channels", "filters", "kernel_size")
    layers = list(itertools.product(*(explorer.controls[k].values() for k in keys)))
    in_page = page_call(page, FLAT_JS, {"spec": explorer.spec, "layers": layers})
    for (c_in, n, k), js in zip(layers, in_page, strict=True):
        py = _flat_python(filter_block_scene((150, 128, c_in), k, n))
        assert len(js) == len(py), f"C_in={c_in}, filters={n}, k={k}: another number of shapes"
        np.testing.assert_allclose(js, py, atol=1e-9, err_msg=f"C_in={c_in}, filters={n}, k={k}")


def _shown(page):
    """The readout and the picture's labels as the page shows them."""
    return page.evaluate(
        """() => ({
          readout: document.querySelector('.c1x1-readout').innerText,
          labels: Object.fromEntries([...document.querySelectorAll('.c1x1-label')].map((t) =>
            [t.classList[1].replace('c1x1-label-', ''),
             [...t.querySelectorAll('tspan')].map((s) => s.textContent).join('\\n')])),
        })"""
    )


def test_keys_and_presets_redraw_the_page_with_no_kernel_and_the_saved_picture_agrees(page):
    explorer = ParamExplorer(input_size=(256, 256))
    mount(page, explorer)
    root = page.locator(contract.selector(contract.EXPLORER, contract.kind_class(explorer.kind)))
    assert root.count() == 1
    assert contract.fixed_class("height", 256) in root.get_attribute("class").split()

    def check(values):
        """The page shows Python's readout and the saved picture's labels for *values*."""
        explorer.set(**values)
        shown = _shown(page)
        assert shown["readout"].splitlines() == explorer.readout_texts()[1].splitlines()
        artists = explorer.draw_picture(Figure())
        assert shown["labels"] == {k: t.get_text() for k, t in artists.labels.items()}

    slider = page.locator(f"{contract.selector(contract.slider_class('filters'))} input")
    slider.focus()
    for key in ("ArrowRight", "ArrowRight", "ArrowLeft", "End", "Home"):
        before = len(page.evaluate("() => window.c1x1Page.saved"))
        page.keyboard.press(key)
        values = page.evaluate("() => window.c1x1Page.state.values")
        assert len(page.evaluate("() => window.c1x1Page.saved")) == before + 1
        check(values)
    assert values["filters"] == 1
    box = page.locator(f"{contract.selector(contract.slider_class('use_bias'))} input")
    box.click()
    values = page.evaluate("() => window.c1x1Page.state.values")
    assert values["use_bias"] is False
    check(values)
    for preset in explorer.presets:
        page.get_by_role("button", name=preset.label, exact=True).click()
        values = page.evaluate("() => window.c1x1Page.state.values")
        assert {k: values[k] for k in preset.values} == preset.values
        assert f"Case: {preset.label}: {preset.source}" in _shown(page)["readout"]
        check(values)
    # Values set from Python (explorer.set) reach the page, which redraws.
    page.evaluate(
        "(v) => window.c1x1Page.fromKernel(v)",
        {"in_channels": 3, "filters": 1, "kernel_size": 11, "use_bias": True},
    )
    shown = _shown(page)["readout"]
    assert f"= {conv_params(11, 3, 1):,}" in shown
    assert f"= {conv_macs((256, 256, 3), 1, 11):,}" in shown
    assert page.locator(".c1x1-errors").inner_text() == ""
