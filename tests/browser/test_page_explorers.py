"""Explorers drawn in the page, tested in Chromium with no kernel: one truth for every number.

The page computes its readout and its picture's geometry in JavaScript; Python computes
them too (the readout, :func:`~conv1x1_viz.geometry.filter_block_scene` and the saved
picture). These tests compare the two at every setting a learner can reach, and drive the
controls with the keyboard and the mouse as a learner would.
"""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest
from matplotlib.figure import Figure

import conv1x1_viz.explorers as explorers_package
from conv1x1_viz import contract, conv1x1, conv_macs, conv_params
from conv1x1_viz.explorers import MixingExplorer, PageExplorer, ParamExplorer
from conv1x1_viz.geometry import filter_block_scene

from .page_widget import mount, page_call
from .readout_oracles import oracle_for, shows_expected

# Every explorer drawn in the page, built with its defaults: a new one is covered here
# without edits. ParamExplorer is also built at the input sizes the notebooks give it.
PAGE_EXPLORERS = [
    getattr(explorers_package, name)
    for name in explorers_package.__all__
    if isinstance(getattr(explorers_package, name), type)
    and issubclass(getattr(explorers_package, name), PageExplorer)
    and getattr(explorers_package, name) is not PageExplorer
]
CASES = [(cls, {}) for cls in PAGE_EXPLORERS] + [
    (ParamExplorer, {"input_size": size}) for size in [(256, 256), (150, 128)]
]
#: Above this many settings, a seeded sample of them is compared.
MOST_SETTINGS = 4000


def allowed(explorer, values):
    """Whether *values* are a setting the controls can show: every limit holds."""
    return all(
        explorer.controls[key].limited(values[key], limit) == values[key]
        for key, limit in explorer.limits(values).items()
    )


def reachable(explorer):
    """Every setting of the explorer's controls that its limits allow."""
    keys = list(explorer.controls)
    for combo in itertools.product(*(explorer.controls[k].values() for k in keys)):
        values = dict(zip(keys, combo, strict=True))
        if allowed(explorer, values):
            yield values


def python_readouts(explorer, settings):
    out = []
    for values in settings:
        explorer.set(**values)
        assert explorer.values == values
        out.append(explorer.readout_texts()[1])
    return out


def _case_id(case):
    cls, kwargs = case
    return cls.__name__ + "".join(f"-{v}" for v in kwargs.values())


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_readout_in_the_page_equals_python_at_every_setting(page, case):
    cls, kwargs = case
    explorer = cls(**kwargs)
    mount(page, explorer)
    settings = list(reachable(explorer))
    if len(settings) > MOST_SETTINGS:
        settings = random.Random(0).sample(settings, MOST_SETTINGS)
    in_page = page_call(
        page,
        "argument.settings.map((v) => module.readoutLines(argument.spec, v)"
        ".map(([label, text]) => `${label}: ${text}`).join('\\n'))",
        {"spec": explorer.spec, "settings": settings},
    )
    expected = python_readouts(explorer, settings)
    wrong = [(s, p, e) for s, p, e in zip(settings, in_page, expected, strict=True) if p != e]
    assert not wrong, f"{len(wrong)} of {len(settings)} settings differ, e.g. {wrong[:2]}"
    # And the counts are Keras' (conv_params, conv_macs), not only Python's text.
    oracle = oracle_for(explorer.kind)
    for values, text in zip(settings[::97], in_page[::97], strict=False):
        assert shows_expected(text, oracle({**explorer.fixed_sizes(), **values})), (values, text)


@pytest.mark.parametrize("cls", PAGE_EXPLORERS, ids=lambda c: c.__name__)
def test_limits_in_the_page_follow_python_on_a_random_walk(page, cls):
    """A learner's moves, each to a value the page offers: the page's limits (applyLimits)
    and Python's (set) must give the same settings after every move."""
    explorer = cls()
    mount(page, explorer)
    rng = random.Random(1)
    moves, keys = [], list(explorer.controls)
    values = dict(explorer.values)
    for _ in range(300):
        key = rng.choice(keys)
        limit = explorer.limits(values).get(key)
        options = explorer.controls[key].values()
        if limit is not None:
            options = sorted({explorer.controls[key].limited(o, limit) for o in options})
        moves.append({key: rng.choice(options)})
        explorer.set(**moves[-1])
        values = dict(explorer.values)
        moves[-1] = (moves[-1], values)
    in_page = page_call(
        page,
        """(() => {
          let values = {...argument.values}, wishes = {...argument.values};
          return argument.moves.map(([update]) => {
            wishes = {...wishes, ...update};
            values = module.applyLimits(argument.spec, {...values, ...update}, wishes).values;
            return values;
          });
        })()""",
        {"spec": explorer.spec, "values": cls().values, "moves": moves},
    )
    for i, ((update, expected), shown) in enumerate(zip(moves, in_page, strict=True)):
        assert shown == expected, f"move {i} ({update}): the page has {shown}, Python {expected}"


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


# -------------------------------------------------------------------------- MixingExplorer


def test_the_matrix_product_in_the_page_equals_conv1x1_to_the_printed_precision(page):
    # Every pixel, every output of the widest layer the explorer offers, at two depths.
    for kwargs in ({}, {"in_channels": 64, "max_filters": 64, "image_size": 16}):
        explorer = MixingExplorer(**kwargs)
        mount(page, explorer)
        h, w, _ = explorer.features.shape
        most = explorer.controls["filters"].high
        in_page = page_call(
            page,
            """Array.from({length: argument.h}, (_, row) => Array.from({length: argument.w},
              (_, col) => module.KINDS['mixing-explorer']
                .outputs({row, col, filters: argument.most, output: 0}, argument.spec)))""",
            {"spec": explorer.spec, "h": h, "w": w, "most": most},
        )
        expected = conv1x1(explorer.features, explorer.weights)
        assert np.array(in_page).shape == expected.shape
        printed = np.vectorize(lambda v: f"{v:.2f}")
        np.testing.assert_array_equal(printed(np.array(in_page)), printed(expected), str(kwargs))


def test_the_readout_of_a_term_under_the_mouse_equals_python(page):
    explorer = MixingExplorer()
    mount(page, explorer)
    rng = random.Random(2)
    settings = random.Random(3).sample(list(reachable(explorer)), 40)
    cases = []
    for values in settings:
        i, j = rng.randrange(explorer.features.shape[2]), rng.randrange(values["filters"])
        cases.append((values, [i, j]))
    in_page = page_call(
        page,
        """argument.cases.map(([v, term]) => module.readoutLines(argument.spec, v, {term})
          .map(([label, text]) => `${label}: ${text}`).join('\\n'))""",
        {"spec": explorer.spec, "cases": cases},
    )
    for (values, term), shown in zip(cases, in_page, strict=True):
        explorer.set(**values)
        explorer.term = tuple(term)
        assert shown == explorer.readout_texts()[1], (values, term)


def _mixing_texts(explorer):
    """Every text the saved picture shows, sorted: titles, numbers in cells, colour scale."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = Figure()
    FigureCanvasAgg(fig)
    picture = explorer.draw_picture(fig)
    fig.canvas.draw()
    mixing = picture.mixing
    bar = mixing.colorbar.ax
    low, high = bar.get_ylim()
    ticks = [
        label.get_text()
        for loc, label in zip(bar.get_yticks(), bar.get_yticklabels(), strict=True)
        if low <= loc <= high
    ]
    texts = [picture.title, *mixing.titles.values(), *mixing.values]
    shown = [t.get_text() for t in texts if t.get_visible()]
    return sorted([*shown, *ticks, bar.get_ylabel()])


def _page_texts(page):
    return sorted(
        page.evaluate(
            """() => [...document.querySelectorAll('.c1x1-figure svg .c1x1-text')]
              .filter((t) => t.getAttribute('display') !== 'none').map((t) => t.textContent)"""
        )
    )


def test_the_mixing_picture_shows_the_saved_pictures_texts(page):
    explorer = MixingExplorer()
    mount(page, explorer)
    settings = random.Random(4).sample(list(reachable(explorer)), 24)
    settings += [{"row": 0, "col": 31, "filters": 16, "output": 15}]  # no numbers in cells
    for values in settings:
        page.evaluate("(v) => window.c1x1Page.fromKernel(v)", values)
        explorer.set(**values)
        assert _page_texts(page) == _mixing_texts(explorer), values
    assert page.locator(".c1x1-errors").inner_text() == ""


def _svg_point(page, x: float, y: float) -> tuple[float, float]:
    """Where the SVG's pixel (x, y) is on the page."""
    box = page.locator(".c1x1-figure svg").bounding_box()
    width = float(page.locator(".c1x1-figure svg").get_attribute("width"))
    scale = box["width"] / width
    return box["x"] + x * scale, box["y"] + y * scale


def _photo_point(explorer, row: int, col: int) -> tuple[float, float]:
    """The centre of pixel (row, col) of the photo, in the SVG's pixels (as laid out)."""
    from conv1x1_viz.explorers.mixing import PHOTO_RECT

    fig_w, fig_h = (100 * s for s in explorer.figsize)
    left, bottom, width, height = PHOTO_RECT
    side = min(width * fig_w, height * fig_h)
    x0 = left * fig_w + (width * fig_w - side) / 2
    y0 = fig_h - (bottom + height) * fig_h + (height * fig_h - side) / 2
    cell = side / explorer.image.shape[0]
    return x0 + (col + 0.5) * cell, y0 + (row + 0.5) * cell


def _cell_point(explorer, x: float, y: float) -> tuple[float, float]:
    """Where (x, y) in the matrix product's data units is, in the SVG's pixels."""
    from conv1x1_viz.explorers.mixing import MIXING_RECT
    from conv1x1_viz.geometry import mixing_layout

    fig_w, fig_h = (100 * s for s in explorer.figsize)
    left, bottom, width, height = MIXING_RECT
    b0, b1, b2, b3 = mixing_layout(explorer.features.shape[2], explorer.values["filters"]).bounds
    px = left * fig_w + (x - b0) / (b1 - b0) * width * fig_w
    py = fig_h - (bottom + height) * fig_h + (b3 - y) / (b3 - b2) * height * fig_h
    return px, py


def test_a_click_on_the_photo_picks_the_pixel_under_the_mouse(page):
    explorer = MixingExplorer()
    mount(page, explorer)
    for row, col in [(9, 5), (0, 0), (31, 31), (20, 7)]:
        before = len(page.evaluate("() => window.c1x1Page.saved"))
        page.mouse.click(*_svg_point(page, *_photo_point(explorer, row, col)))
        values = page.evaluate("() => window.c1x1Page.state.values")
        assert (values["row"], values["col"]) == (row, col)
        # Through change(), as a control: drawn, then sent towards the kernel.
        assert len(page.evaluate("() => window.c1x1Page.saved")) == before + 1
        explorer.set(**values)
        readout = page.locator(".c1x1-readout").inner_text()
        assert readout.splitlines() == explorer.readout_texts()[1].splitlines()
        assert page.locator(".c1x1-slider-row .c1x1-control-value").inner_text() == str(row)
    # A click on a row of weights, or on an output, highlights that output.
    c_out = explorer.values["filters"]
    page.mouse.click(*_svg_point(page, *_cell_point(explorer, 0.5, c_out - 2.5)))
    assert page.evaluate("() => window.c1x1Page.state.values")["output"] == 2
    y_left = explorer.features.shape[2] + 0.6
    page.mouse.click(*_svg_point(page, *_cell_point(explorer, y_left + 0.5, c_out - 1.5)))
    assert page.evaluate("() => window.c1x1Page.state.values")["output"] == 1
    assert page.locator(".c1x1-errors").inner_text() == ""


def test_hovering_shows_a_term_or_the_products_behind_an_output(page):
    explorer = MixingExplorer(filters=5)
    explorer.set(row=9, col=5, output=2)
    mount(page, explorer)
    c_out, c_in = explorer.values["filters"], explorer.features.shape[2]
    # A weight: its term is outlined and written out, as Python writes it; the readout has
    # room for it, so the picture does not move under the mouse.
    top = page.locator(".c1x1-figure svg").bounding_box()["y"]
    page.mouse.move(*_svg_point(page, *_cell_point(explorer, 3.5, c_out - 1.5)))  # W[3, 1]
    assert page.locator(".c1x1-figure svg").bounding_box()["y"] == top
    explorer.term = (3, 1)
    readout = page.locator(".c1x1-readout").inner_text()
    assert readout.splitlines() == explorer.readout_texts()[1].splitlines()
    assert page.locator(".c1x1-term:not([display])").count() == 2
    # An output: the products behind it, channel by channel, and their sum.
    for j in range(c_out):
        page.mouse.move(
            *_svg_point(page, *_cell_point(explorer, c_in + 0.6 + 0.5, c_out - j - 0.5))
        )
        table = page.locator(".c1x1-products")
        assert table.is_visible()
        rows = page.evaluate(
            """() => [...document.querySelectorAll('.c1x1-products tr')]
              .map((tr) => [...tr.cells].map((td) => td.textContent))"""
        )
        assert [tuple(r) for r in rows] == explorer.product_rows(j)
        total = float(explorer.outputs()[j])
        assert rows[-1][2] == f"{total:.2f}".replace("-", "−") or float(f"{total:.2f}") == 0
    # Off the picture: nothing is outlined or listed, and the readout has no term.
    page.mouse.move(*_svg_point(page, 2, 2))
    explorer.term = None
    assert not page.locator(".c1x1-products").is_visible()
    readout = page.locator(".c1x1-readout").inner_text()
    assert readout.splitlines() == explorer.readout_texts()[1].splitlines()
    assert page.locator(".c1x1-errors").inner_text() == ""
