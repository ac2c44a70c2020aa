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
from conv1x1_viz.explorers import (
    MixingExplorer,
    PageExplorer,
    ParamExplorer,
    ReconstructionExplorer,
)
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
# ReconstructionExplorer with trained layers, as notebook 06 makes it: one more readout line.
CASES.append((ReconstructionExplorer, {"trained": {1: 0.71, 2: 0.53, 4: 0.31, 8: 0.15, 16: 0.05}}))
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
    return cls.__name__ + "".join(f"-{k}" if k == "trained" else f"-{v}" for k, v in kwargs.items())


def test_page_call_hands_numbers_and_texts_across_unchanged(page):
    """The sweeps below read the page through :func:`page_call`'s JSON: nothing is lost."""
    mount(page, ParamExplorer())
    sent = {"xs": [0.1, 1 / 3, 2.0**-40, 2**53, -7], "text": "1×1 · Wᵀ", "none": None}
    back = page_call(
        page,
        "[argument, 0.1 + 0.2, -0, NaN, Infinity, -Infinity, typeof argument.xs[3], "
        "module.KINDS === undefined]",
        sent,
    )
    assert back[:3] == [sent, 0.1 + 0.2, 0]
    assert np.isnan(back[3]) and back[4:6] == [np.inf, -np.inf]
    assert back[6:] == ["number", False]


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
    fig.draw_without_rendering()  # the layout and texts of a draw, no pixels
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


def _flat_layout(layout) -> list[float]:
    """Every number of a MixingLayout (or the page's copy of it), in one order."""
    get = (lambda k: layout[k]) if isinstance(layout, dict) else (lambda k: getattr(layout, k))
    parts = [get(k) for k in ("x_extent", "weight_extent", "y_extent", "x_boxes")]
    parts += [get(k) for k in ("column_boxes", "y_boxes", "x_box", "line", "bounds")]
    parts += [get("anchors")[k] for k in ("x", "weights", "y", "sum")]
    return np.concatenate([np.ravel(np.asarray(p, dtype=float)) for p in parts]).tolist()


def test_mixing_geometry_in_the_page_equals_python_at_every_size(page):
    from conv1x1_viz.explorers.mixing import MAX_MIXING_CHANNELS, MIXING_RECT
    from conv1x1_viz.geometry import mixing_layout, numbers_fit

    explorer = MixingExplorer()
    mount(page, explorer)
    sizes = [(c, n) for c in range(1, MAX_MIXING_CHANNELS + 1) for n in range(1, 65)]
    fig_w, fig_h = (72 * s for s in explorer.figsize)  # the axes' size in points
    axes = [MIXING_RECT[2] * fig_w, MIXING_RECT[3] * fig_h]
    in_page = page_call(
        page,
        """argument.sizes.map(([c, n]) => {
          const kind = module.KINDS['mixing-explorer'], l = kind.layout(argument.spec, c, n);
          return [[l.x_extent, l.weight_extent, l.y_extent, l.x_boxes, l.column_boxes, l.y_boxes,
            l.x_box, l.line, l.bounds, l.anchors.x, l.anchors.weights, l.anchors.y,
            l.anchors.sum].flat(Infinity), kind.numbersFit(argument.spec, c, n, argument.axes)];
        })""",
        {"spec": explorer.spec, "sizes": sizes, "axes": axes},
    )
    for (c, n), (flat, fit) in zip(sizes, in_page, strict=True):
        layout = mixing_layout(c, n)
        np.testing.assert_allclose(flat, _flat_layout(layout), atol=1e-9, err_msg=f"{c}, {n}")
        assert fit == numbers_fit(layout, axes, 7), (c, n)


CELLS = """() => {
  const rects = (selector) => [...document.querySelectorAll(selector)]
    .filter((r) => r.getAttribute('display') !== 'none')
    .map((r) => ['x', 'y', 'width', 'height'].map((a) => Number(r.getAttribute(a))));
  return {x: rects('.c1x1-cell-x'), weights: rects('.c1x1-cell-weight'),
    y: rects('.c1x1-cell-y'), boxes: ['x', 'weights', 'y'].map((k) => rects(`.c1x1-box-${k}`)[0])};
}"""


def _saved_cells(explorer):
    """The saved picture's cells and outlines, as the page's SVG rectangles (y down, pixels).

    Weights in the page's order: column by column (filter f), each from row 0 down.
    """
    fig = Figure()
    mixing = explorer.draw_picture(fig).mixing
    to_pixels, height = mixing.ax.transData, 100 * explorer.figsize[1]

    def rect(x0, y0, w, h):
        (left, bottom), (right, top) = to_pixels.transform([[x0, y0], [x0 + w, y0 + h]])
        return [left, height - top, right - left, top - bottom]

    def cells(key):
        left, right, bottom, top = mixing.images[key].get_extent()
        rows, columns = mixing.images[key].get_array().shape
        w, h = (right - left) / columns, (top - bottom) / rows
        # Row r of the image is drawn r cells from the top (origin "upper").
        return {
            (r, c): rect(left + c * w, top - (r + 1) * h, w, h)
            for r in range(rows)
            for c in range(columns)
        }

    x, weights, y = cells("x"), cells("weights"), cells("y")
    c_in, c_out = explorer.features.shape[2], explorer.values["filters"]
    boxes = [rect(*mixing.boxes[k].get_bbox().bounds) for k in ("x", "weights", "y")]
    return {
        "x": [x[c, 0] for c in range(c_in)],
        "weights": [weights[c, f] for f in range(c_out) for c in range(c_in)],
        "y": [y[0, f] for f in range(c_out)],
        "boxes": boxes,
    }


@pytest.mark.parametrize("kwargs", [{}, {"in_channels": 64, "max_filters": 64, "filters": 64}])
def test_the_mixing_picture_in_the_page_draws_w_where_the_saved_picture_does(page, kwargs):
    # W as y = x @ W writes it, in the page as in the saved picture: every cell and outline.
    explorer = MixingExplorer(**kwargs)
    mount(page, explorer)
    rng, size, most = random.Random(5), explorer.image.shape[0], explorer.controls["filters"].high
    settings = [{"row": 0, "col": 0, "filters": most, "output": most - 1}]
    for _ in range(6):
        filters = rng.randint(1, most)
        settings.append(
            {
                "row": rng.randrange(size),
                "col": rng.randrange(size),
                "filters": filters,
                "output": rng.randrange(filters),
            }
        )
    for values in settings:
        page.evaluate("(v) => window.c1x1Page.fromKernel(v)", values)
        explorer.set(**values)
        shown, saved = page.evaluate(CELLS), _saved_cells(explorer)
        for key in ("x", "weights", "y", "boxes"):
            np.testing.assert_allclose(shown[key], saved[key], atol=1e-6, err_msg=f"{key} {values}")
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


def _y_centre(explorer, output: int) -> tuple[float, float]:
    """The centre of output ``output``'s cell, in the matrix product's data units."""
    from conv1x1_viz.geometry import mixing_layout

    layout = mixing_layout(explorer.features.shape[2], explorer.values["filters"])
    x, y, width, height = layout.y_boxes[output]
    return x + width / 2, y + height / 2


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
    # A click on a column of weights, or on an output, highlights that output.
    c_in = explorer.features.shape[2]
    page.mouse.click(*_svg_point(page, *_cell_point(explorer, 2.5, c_in - 0.5)))  # W[0, 2]
    assert page.evaluate("() => window.c1x1Page.state.values")["output"] == 2
    page.mouse.click(*_svg_point(page, *_cell_point(explorer, *_y_centre(explorer, 1))))
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
    page.mouse.move(*_svg_point(page, *_cell_point(explorer, 1.5, c_in - 3.5)))  # W[3, 1]
    assert page.locator(".c1x1-figure svg").bounding_box()["y"] == top
    explorer.term = (3, 1)
    readout = page.locator(".c1x1-readout").inner_text()
    assert readout.splitlines() == explorer.readout_texts()[1].splitlines()
    assert page.locator(".c1x1-term:not([display])").count() == 2
    # An output: the products behind it, channel by channel, and their sum.
    for j in range(c_out):
        page.mouse.move(*_svg_point(page, *_cell_point(explorer, *_y_centre(explorer, j))))
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


# --------------------------------------------------------------- BottleneckExplorer's bars

BARS_SHOWN = """() => {
  const texts = (selector) => [...document.querySelectorAll(selector)].map((t) => t.textContent);
  return {
    numbers: texts('.c1x1-bar-number'), names: texts('.c1x1-design-name'),
    quantities: texts('.c1x1-quantity'), ticks: texts('.c1x1-tick'), xlabel: texts('.c1x1-xlabel'),
    widths: [...document.querySelectorAll('.c1x1-bar')].map((r) => Number(r.getAttribute('width'))),
  };
}"""


def test_bottleneck_bars_in_the_page_show_the_saved_pictures_texts_and_proportions(page):
    from conv1x1_viz.explorers import BottleneckExplorer

    explorer = BottleneckExplorer(input_size=(256, 256))
    mount(page, explorer)
    # A seeded sample, the presets, a bar cut at 1.25 (a 1×1 layer in front of a 1×1
    # layer to one map) and shares Python rounds half to even (1.125, 0.375).
    extra = [
        {"in_channels": 64, "reduction": 64, "kernel_size": 1, "filters": 1},
        {"in_channels": 1, "reduction": 1, "kernel_size": 1, "filters": 8},
        {"in_channels": 3, "reduction": 2, "kernel_size": 1, "filters": 1},
    ]
    sample = random.Random(2).sample(list(reachable(explorer)), 40)
    sample += [dict(p.values) for p in explorer.presets] + extra
    cut = False
    for values in sample:
        page.evaluate("(v) => window.c1x1Page.fromKernel(v)", values)
        shown = page.evaluate(BARS_SHOWN)
        explorer.set(**values)
        saved = explorer.draw_picture(Figure())
        assert shown["numbers"] == [t.get_text() for row in saved.labels for t in row], values
        assert shown["names"] == [t.get_text() for t in saved.names], values
        assert shown["quantities"] == [t.get_text() for t in saved.group_labels]
        assert shown["ticks"] == [t.get_text() for t in saved.ax.get_xticklabels()]
        assert shown["xlabel"] == [saved.ax.get_xlabel()]
        # The bars' lengths are in the proportions of Python's costs (cut at 1.25), as in
        # the saved picture.
        costs = explorer.costs()
        direct = (costs.direct.params, costs.direct.macs)
        reduced = (costs.reduced_params, costs.reduced_macs)
        widths = np.reshape(shown["widths"], (2, 2))
        for q in range(2):
            share = reduced[q] / direct[q]
            if share > 1.25:
                cut = True
                assert shown["numbers"][2 * q + 1].endswith(", bar cut)")
            assert widths[q, 1] / widths[q, 0] == pytest.approx(min(share, 1.25), rel=1e-9)
            assert widths[q, 0] == pytest.approx(widths[0, 0], rel=1e-12)
            assert [b.get_width() for b in saved.bars[q]] == pytest.approx(
                list(widths[q] / widths[0, 0]), rel=1e-9
            )
    assert cut
    assert page.locator(".c1x1-errors").inner_text() == ""
    # Ratios are written as Python writes them, rounded half to even.
    xs = [0.125, 0.375, 1.125, 2.5, 1.005, 2.675, 9.995, 1 / 3, 17.0, 123456.785, 0.0]
    assert page_call(page, "argument.map((x) => module.fixed(x, 2))", xs) == [
        f"{x:.2f}" for x in xs
    ]


# -- SeparableExplorer: the saved picture's texts and geometry, drawn again in the page ------


def _separable_texts(picture):
    """Every text of SeparableExplorer's saved picture, by the name the page gives it."""
    groups, cost = picture
    texts = {key: label.get_text() for key, label in groups.labels.items()}
    for q, row in enumerate(cost.labels):
        texts |= {f"number-{q}-{i}": label.get_text() for i, label in enumerate(row)}
    texts |= {f"name-{i}": name.get_text() for i, name in enumerate(cost.names)}
    texts |= {f"quantity-{q}": label.get_text() for q, label in enumerate(cost.group_labels)}
    texts |= {f"tick-{i}": tick.get_text() for i, tick in enumerate(cost.ax.get_xticklabels())}
    return texts | {"xlabel": cost.ax.get_xlabel()}


SHOWN_TEXTS = """() => Object.fromEntries(
  [...document.querySelectorAll('.c1x1-figure .c1x1-label')].map((t) =>
    [[...t.classList].find((c) => c.startsWith('c1x1-label-')).slice(11), t.textContent]))"""


def test_separable_picture_in_the_page_shows_the_saved_pictures_texts(page):
    from conv1x1_viz.explorers import SeparableExplorer

    explorer = SeparableExplorer()
    mount(page, explorer)
    width, height = (f"{100 * size:.0f}" for size in explorer.figsize)  # the saved pixels
    svg = page.locator(".c1x1-figure > svg")
    assert (svg.get_attribute("width"), svg.get_attribute("height")) == (width, height)
    settings = random.Random(2).sample(list(reachable(explorer)), 40)
    settings += [{**explorer.values, **preset.values} for preset in explorer.presets]
    # A bar cut: the separable pair costs twice the standard 1×1 layer to one map.
    cut = {"kernel_size": 1, "in_channels": 2048, "filters": 1, "groups": 1}
    settings.append({**explorer.values, **cut})
    for values in settings:
        explorer.set(**values)
        page.evaluate("(v) => window.c1x1Page.fromKernel(v)", values)
        assert page.evaluate(SHOWN_TEXTS) == _separable_texts(explorer.draw_picture(Figure()))
        shown = page.locator(".c1x1-readout").inner_text().splitlines()
        assert shown == explorer.readout_texts()[1].splitlines()
    assert page.locator(".c1x1-errors").inner_text() == ""


SEPARABLE_SCENES = """argument.settings.map((v) => {
  const s = module.KINDS['separable-explorer'].scene(v, argument.spec);
  return {
    readout: module.readoutLines(argument.spec, v).map(([l, t]) => `${l}: ${t}`).join('\\n'),
    inputs: [s.inputs.edges, s.inputs.colors], outputs: [s.outputs.edges, s.outputs.colors],
    bands: s.bands, bars: s.bars.map((row) => row.map((b) => [b.shown, b.y, b.text])),
    names: s.names, labels: s.labels,
  };
})"""


def _strip(cells, colours):
    """Cell edges along the strip and each cell's colour index, from a PolyCollection."""
    from matplotlib.colors import to_hex

    paths = cells.get_paths()
    edges = [p.vertices[0, 0] for p in paths] + [paths[-1].vertices[1, 0]]
    index = [colours.index(to_hex(c)) for c in cells.get_facecolors()]
    return edges, index


def test_separable_readout_and_geometry_in_the_page_equal_python_at_every_layer(page):
    """Every (C_in, C_out, g) the controls reach, each with a kernel size and bias in turn
    (all twelve of those for the ties below): the page's readout (its rounded ratios too:
    1/32 + 1/1 = 1.03125 is a tie, which Python writes 1.0312 and toFixed 1.0313), the
    strips, bands and bars equal the saved picture's. (Updating matplotlib's bars for all
    11,688 settings took a minute; the readout at a sample of all is the generic test's.)"""
    from conv1x1_viz.draw.channel_groups import _COLOURS
    from conv1x1_viz.explorers import DEPTHS, SeparableExplorer
    from conv1x1_viz.explorers.separable import _divisors

    explorer = SeparableExplorer()
    mount(page, explorer)
    turns = list(itertools.product(explorer.controls["kernel_size"].values(), (False, True)))
    layers = [
        (c_in, c_out, g)
        for c_in, c_out in itertools.product(DEPTHS, DEPTHS)
        for g in _divisors(c_in, c_out)
    ]
    settings = [
        {**explorer.values, "kernel_size": k, "in_channels": c_in, "filters": c_out,
         "groups": g, "use_bias": bias}
        for i, (c_in, c_out, g) in enumerate(layers)
        for k, bias in (turns if c_out == 32 else [turns[i % len(turns)]])
    ]  # fmt: skip
    in_page = page_call(page, SEPARABLE_SCENES, {"spec": explorer.spec, "settings": settings})
    picture = explorer.draw_picture(Figure())
    groups_drawn = None
    for values, js in zip(settings, in_page, strict=True):
        explorer.set(**values)
        assert js["readout"] == explorer.readout_texts()[1], values
        layer = (values["in_channels"], values["filters"], values["groups"])
        if layer != groups_drawn:  # the strips and bands depend on these three only
            picture.groups.update(*layer)
            groups_drawn = layer
            for key in ("inputs", "outputs"):
                edges, colours = _strip(getattr(picture.groups, key), list(_COLOURS))
                np.testing.assert_allclose(js[key][0], edges, atol=1e-12, err_msg=f"{layer}")
                assert js[key][1] == colours, (layer, key)
            bands = picture.groups.bands.get_paths()
            edges = [p.vertices[0, 0] for p in bands] + [bands[-1].vertices[1, 0]]
            np.testing.assert_allclose(js["bands"], edges, atol=1e-12, err_msg=f"{layer}")
            texts = {k: t.get_text() for k, t in picture.groups.labels.items()}
            assert js["labels"] == texts, layer
        picture.cost.update(explorer.costs())
        for q, row in enumerate(picture.cost.bars):
            for i, bar in enumerate(row):
                shown, y, text = js["bars"][q][i]
                assert text == picture.cost.labels[q][i].get_text(), values
                np.testing.assert_allclose(
                    [shown, y],
                    [bar.get_width(), bar.get_y() + bar.get_height() / 2],
                    rtol=1e-12,
                    err_msg=f"{values}",
                )
        assert js["names"] == [n.get_text() for n in picture.cost.names], values


# ------------------------------------------------------------------ ReconstructionExplorer

#: Trained layers' errors, as notebook 06 gives them (its numbers rounded).
TRAINED = {1: 0.71, 2: 0.53, 4: 0.31, 8: 0.15, 16: 0.05}


def _quantization_bound(explorer, name: str, k: int) -> np.ndarray:
    """How far the page's map j may be from Python's at width k: the half steps of its terms."""
    sent = explorer.spec["data"]["reductions"][name]
    steps, loadings = np.array(sent["steps"][:k]), np.array(sent["loadings"][:k])
    return (steps[:, None] / 2 * np.abs(loadings)).sum(axis=0)


@pytest.mark.parametrize(
    "kwargs", [{}, {"features": 64, "image_size": 24}, {"features": 9, "shown_maps": 9}]
)
def test_the_rebuilt_maps_in_the_page_equal_pythons_within_the_quantization(page, kwargs):
    explorer = ReconstructionExplorer(**kwargs)
    mount(page, explorer)
    h, w, c = explorer.features.shape
    widths = sorted({1, 2, 3, c // 2, c - 1, c, *random.Random(5).sample(range(1, c + 1), 4)})
    in_page = page_call(
        page,
        """argument.widths.map((k) => ['pca', 'random'].map((name) =>
          module.KINDS['reconstruction-explorer'].rebuilt(argument.spec, name, k)
            .map((values) => Array.from(values))))""",
        {"spec": explorer.spec, "widths": widths},
    )
    truth = {"pca": explorer.results.pca_maps, "random": explorer.results.random_maps}
    scale = float(np.abs(explorer.features).max())
    worst = 0.0
    for k, maps in zip(widths, in_page, strict=True):
        for name, shown in zip(("pca", "random"), maps, strict=True):
            got = np.array(shown).reshape(-1, h, w).transpose(1, 2, 0)  # (H, W, S)
            off = np.abs(got - truth[name][k - 1])
            bound = _quantization_bound(explorer, name, k)
            assert np.all(off <= bound + 1e-9 * scale), (k, name, off.max(), bound)
            worst = max(worst, float(off.max()) / explorer.spec["data"]["vmax"])
    # About one per cent of the colour scale at worst (3 of its 256 colours).
    assert worst < 0.02, worst


def test_the_page_colours_each_rebuilt_map_as_matplotlib_colours_its_values(page):
    import matplotlib

    explorer = ReconstructionExplorer(filters=6)
    mount(page, explorer)
    painted = page.evaluate(
        """() => [1, 2].map((i) => [...document.querySelectorAll(`.c1x1-map-${i} canvas`)]
          .map((c) => Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data)))"""
    )
    values = page_call(
        page,
        """['pca', 'random'].map((name) => module.KINDS['reconstruction-explorer']
          .rebuilt(argument, name, 6).map((v) => Array.from(v)))""",
        explorer.spec,
    )
    h, w, _ = explorer.features.shape
    cmap = matplotlib.colormaps["viridis"]
    norm = matplotlib.colors.Normalize(0.0, explorer.spec["data"]["vmax"])
    assert [len(row) for row in painted] == [len(explorer.shown)] * 2
    for row_pixels, row_values in zip(painted, values, strict=True):
        for pixels, shown in zip(row_pixels, row_values, strict=True):
            drawn = np.reshape(pixels, (h, w, 4)).astype(np.uint8)
            expected = cmap(norm(np.reshape(shown, (h, w))), bytes=True)
            np.testing.assert_array_equal(drawn, expected)


RECONSTRUCTION_SHOWN = """() => {
  const svg = document.querySelector('.c1x1-figure svg');
  const at = (el, ...names) => names.map((n) => Number(el.getAttribute(n)));
  const origin = svg.getBoundingClientRect();
  return {
    texts: [...svg.querySelectorAll('.c1x1-text')].map((t) => {
      const b = t.getBoundingClientRect();
      const x = (b.left + b.right) / 2 - origin.left, y = (b.top + b.bottom) / 2 - origin.top;
      return [t.textContent, x, y];
    }),
    cursor: at(svg.querySelector('.c1x1-cursor'), 'x1', 'x2'),
    markers: [...svg.querySelectorAll('.c1x1-marker')].map((m) => at(m, 'cx', 'cy')),
    points: [...svg.querySelectorAll('.c1x1-point')].map((p) =>
      [Number(p.getAttribute('x')) + Number(p.getAttribute('width')) / 2,
       Number(p.getAttribute('y')) + Number(p.getAttribute('height')) / 2]),
    maps: [1, 2, 3].map((i) => [...svg.querySelectorAll(`.c1x1-map-${i - 1}`)]
      .map((m) => at(m, 'x', 'y', 'width', 'height'))),
  };
}"""


def _reconstruction_saved(explorer):
    """The saved picture's texts (centres of their boxes), cursor, markers, points and maps, in
    its pixels, y down."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = Figure()
    FigureCanvasAgg(fig)
    picture = explorer.draw_picture(fig)
    fig.draw_without_rendering()  # the layout and texts of a draw, no pixels
    renderer, height = fig.canvas.get_renderer(), fig.bbox.height
    ax = picture.curves.ax
    bar = picture.grids[0].colorbar.ax
    low, high = bar.get_ylim()
    texts = [*picture.labels, *ax.get_xticklabels(), *ax.get_yticklabels(), *ax.texts]
    texts += [g.title for g in picture.grids]
    ticks = zip(bar.get_yticks(), bar.get_yticklabels(), strict=True)
    texts += [t for loc, t in ticks if low <= loc <= high]

    def centre(t):
        box = t.get_window_extent(renderer)
        return [t.get_text(), (box.x0 + box.x1) / 2, height - (box.y0 + box.y1) / 2]

    def pixels(ax, xy):
        return [[x, height - y] for x, y in ax.transData.transform(np.atleast_2d(xy))]

    curves = picture.curves
    maps = []
    for grid in picture.grids:
        row = []
        for left, right, bottom, top in grid.layout.extents:
            (x0, y0), (x1, y1) = pixels(grid.ax, [(left, top), (right, bottom)])
            row.append([x0, y0, x1 - x0, y1 - y0])
        maps.append(row)
    return {
        "texts": [centre(t) for t in texts if t.get_visible() and t.get_text()],
        "cursor": [p[0] for p in pixels(ax, np.c_[curves.cursor.get_xdata(), [0, 1]])],
        "markers": pixels(ax, np.c_[curves.markers.get_xdata(), curves.markers.get_ydata()]),
        "points": pixels(ax, np.c_[curves.points.get_xdata(), curves.points.get_ydata()])
        if curves.points is not None
        else [],
        "maps": maps,
    }


def test_the_reconstruction_picture_shows_the_saved_pictures_texts_where_it_has_them(page):
    explorer = ReconstructionExplorer(trained=TRAINED)
    mount(page, explorer)
    svg = page.locator(".c1x1-figure > svg")
    width, height = (f"{100 * size:.0f}" for size in explorer.figsize)  # the saved pixels
    assert (svg.get_attribute("width"), svg.get_attribute("height")) == (width, height)
    for k in [1, 2, 4, 5, 16, 31, 32, *random.Random(6).sample(range(3, 31), 5)]:
        page.evaluate("(v) => window.c1x1Page.fromKernel(v)", {"filters": k})
        explorer.set(filters=k)
        shown, saved = page.evaluate(RECONSTRUCTION_SHOWN), _reconstruction_saved(explorer)
        assert sorted(t[0] for t in shown["texts"]) == sorted(t[0] for t in saved["texts"]), k
        # Each text where the saved picture has it: the centres of their boxes within 2 pixels
        # (the page's font is DejaVu Sans too; its box is the font's, a little taller).
        for text, x, y in saved["texts"]:
            nearest = min(
                (abs(px - x) + abs(py - y), (px, py)) for t, px, py in shown["texts"] if t == text
            )
            assert nearest[0] < 3, (k, text, (x, y), nearest)
        np.testing.assert_allclose(shown["cursor"], saved["cursor"], atol=1e-3)
        np.testing.assert_allclose(shown["markers"], saved["markers"], atol=1e-3)
        np.testing.assert_allclose(shown["points"], saved["points"], atol=1e-3)
        # The maps on whole pixels, as matplotlib puts an image.
        np.testing.assert_allclose(shown["maps"], saved["maps"], atol=0.5 + 1e-9)
        readout = page.locator(".c1x1-readout").inner_text()
        assert readout.splitlines() == explorer.readout_texts()[1].splitlines()
    assert page.locator(".c1x1-errors").inner_text() == ""


def test_a_click_on_the_curves_picks_the_width_under_the_mouse(page):
    explorer = ReconstructionExplorer(trained=TRAINED)
    mount(page, explorer)
    saved = _reconstruction_saved(explorer)
    _, (_, y1) = saved["markers"]  # at k = 4, the marker on the PCA curve
    for k in (1, 16, 32, 7, 4):
        before = len(page.evaluate("() => window.c1x1Page.saved"))
        page.mouse.click(*_svg_point(page, _reconstruction_x(explorer, k) + 2.0, y1 + 20))
        values = page.evaluate("() => window.c1x1Page.state.values")
        assert values == {"filters": k}
        assert len(page.evaluate("() => window.c1x1Page.saved")) == before + 1
        explorer.set(**values)
        readout = page.locator(".c1x1-readout").inner_text()
        assert readout.splitlines() == explorer.readout_texts()[1].splitlines()
        assert page.locator(".c1x1-slider-filters .c1x1-control-value").inner_text() == str(k)
    # Off the curves' axes (on the maps), a click changes nothing.
    left, top, width, height = saved["maps"][1][0]
    page.mouse.click(*_svg_point(page, left + width / 2, top + height / 2))
    assert page.evaluate("() => window.c1x1Page.state.values") == {"filters": 4}
    assert page.locator(".c1x1-errors").inner_text() == ""


def _reconstruction_x(explorer, k: float) -> float:
    """Where width k is on the curves' axes, in the saved picture's pixels."""
    left, _, right, _ = explorer.spec["data"]["curves_box"]
    low, high = explorer.spec["data"]["xlim"]
    return left + (k - low) / (high - low) * (right - left)


# -- ReductionExplorer: maps before and after a 1×1 layer, a map selected by a click ---------


def _reduction_cases():
    """The default explorer, one without biases, and one whose grids hold 9 of many maps."""
    from conv1x1_viz.explorers import ReductionExplorer

    return [
        ReductionExplorer(),
        ReductionExplorer(use_bias=False, features=8, max_filters=16),
        ReductionExplorer(features=512, max_maps=9, image_size=16),
    ]


def _selections(explorer, values):
    """Every selection the values allow: none, and each map drawn after the 1×1 layer."""
    return [None, *range(min(values["filters"], explorer.max_maps))]


def test_the_readout_with_a_map_selected_equals_python_at_every_setting(page):
    for explorer in _reduction_cases():
        mount(page, explorer)
        cases = [(v, j) for v in reachable(explorer) for j in _selections(explorer, v)]
        in_page = page_call(
            page,
            """argument.cases.map(([v, j]) => module.readoutLines(argument.spec, v, null, j)
              .map(([label, text]) => `${label}: ${text}`).join('\\n'))""",
            {"spec": explorer.spec, "cases": cases},
        )
        for (values, j), shown in zip(cases, in_page, strict=True):
            explorer.set(**values)
            explorer.select(j)
            assert shown == explorer.readout_texts()[1], (values, j)


def _reduction_saved(explorer):
    """The saved picture's texts (sorted), frames and maps drawn, in the SVG's pixels."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import to_hex

    fig = Figure()
    FigureCanvasAgg(fig)
    picture = explorer.draw_picture(fig)
    fig.draw_without_rendering()  # the layout and texts of a draw, no pixels
    height = fig.bbox.height

    def box(patch):  # [x, y, width, height], y down
        x0, y0, x1, y1 = patch.get_window_extent().extents
        return [x0, height - y1, x1 - x0, y1 - y0]

    def ticks(grid):
        bar = grid.colorbar.ax
        pairs = zip(bar.get_yticks(), bar.get_yticklabels(), strict=True)
        return [label.get_text() for loc, label in pairs if 0 <= loc <= grid.vmax]

    texts = [picture.photo_title, *picture.weight_labels]
    for grid in (picture.before, picture.after):
        texts += [grid.title, grid.more_text]
    shown = [t.get_text() for t in texts if t.get_visible()]
    frames = [
        [to_hex(f.get_edgecolor()), f.get_linewidth() * 100 / 72, *box(f)]
        for f in picture.weight_frames
        if f.get_visible()
    ]
    selected = [box(picture.selected_frame)] if picture.selected_frame.get_visible() else []
    after = picture.after
    maps = []
    for i in range(after.n_drawn):
        left, right, bottom, top = after.map_extent(i)
        (x0, y0), (x1, y1) = after.ax.transData.transform([(left, bottom), (right, top)])
        maps.append([x0, height - y1, x1 - x0, y1 - y0])
    return {
        "texts": sorted([*shown, *ticks(picture.before), *ticks(picture.after)]),
        "frames": frames,
        "selected": selected,
        "maps": maps,
    }


REDUCTION_SHOWN = """() => {
  const svg = document.querySelector('.c1x1-figure svg');
  const shown = (el) => el.getAttribute('display') !== 'none';
  const box = (el) => ['x', 'y', 'width', 'height'].map((a) => Number(el.getAttribute(a)));
  return {
    texts: [...svg.querySelectorAll('.c1x1-text')].filter(shown).map((t) => t.textContent).sort(),
    frames: [...svg.querySelectorAll('.c1x1-weight-frame')].filter(shown).map((f) =>
      [f.getAttribute('stroke'), Number(f.getAttribute('stroke-width')), ...box(f)]),
    selected: [...svg.querySelectorAll('.c1x1-selected')].filter(shown).map(box),
    maps: [...svg.querySelectorAll('.c1x1-map-after')].filter(shown).map(box),
  };
}"""


def _same_picture(shown, saved, where):
    """The page shows the saved picture's texts, frames and maps (to 0.01 px)."""
    assert shown["texts"] == saved["texts"], where
    assert [f[0] for f in shown["frames"]] == [f[0] for f in saved["frames"]], where
    for key in ("frames", "selected", "maps"):
        page_numbers = [row[1:] if key == "frames" else row for row in shown[key]]
        saved_numbers = [row[1:] if key == "frames" else row for row in saved[key]]
        assert len(page_numbers) == len(saved_numbers), (where, key)
        if page_numbers:
            np.testing.assert_allclose(page_numbers, saved_numbers, atol=0.01, err_msg=where)


def test_the_reduction_picture_shows_the_saved_pictures_texts_frames_and_maps(page):
    for explorer in _reduction_cases():
        mount(page, explorer)
        width, height = (f"{100 * size:.0f}" for size in explorer.figsize)
        svg = page.locator(".c1x1-figure > svg")
        assert (svg.get_attribute("width"), svg.get_attribute("height")) == (width, height)
        for values in reachable(explorer):
            selections = _selections(explorer, values)
            for j in {selections[0], selections[-1], selections[len(selections) // 2]}:
                explorer.set(**values)
                explorer.select(j)
                page.evaluate("([v, j]) => window.c1x1Page.fromKernel(v, j)", [values, j])
                where = f"{explorer!r}, selection {j}"
                _same_picture(page.evaluate(REDUCTION_SHOWN), _reduction_saved(explorer), where)
                shown = page.locator(".c1x1-readout").inner_text().splitlines()
                assert shown == explorer.readout_texts()[1].splitlines(), where
        assert page.locator(".c1x1-errors").inner_text() == ""


def _after_map_point(explorer, j):
    """The centre of map ``j`` after the 1×1 layer, in the SVG's pixels (as saved)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = Figure()
    FigureCanvasAgg(fig)
    n = explorer.values["filters"]
    explorer.set(filters=explorer.controls["filters"].values()[-1])  # every map laid out
    picture = explorer.draw_picture(fig)
    explorer.set(filters=n)
    fig.draw_without_rendering()  # the layout and texts of a draw, no pixels
    grid = picture.after
    left, right, bottom, top = grid.layout.extents[j]
    x, y = grid.ax.transData.transform(((left + right) / 2, (bottom + top) / 2))
    return float(x), float(fig.bbox.height - y)


def test_a_click_on_a_map_after_the_1x1_layer_selects_it_and_python_follows(page):
    from conv1x1_viz.explorers import ReductionExplorer

    explorer = ReductionExplorer(filters=16)
    mount(page, explorer)

    def state():
        return page.evaluate("() => window.c1x1Page.state")

    def click(j):
        before = len(page.evaluate("() => window.c1x1Page.saved"))
        page.mouse.click(*_svg_point(page, *_after_map_point(explorer, j)))
        assert len(page.evaluate("() => window.c1x1Page.saved")) == before + 1  # synced
        # What the kernel does with the page's message: the new selection, checked.
        explorer.selection = state()["selection"]
        assert explorer.error == ""

    def readout():
        return page.locator(".c1x1-readout").inner_text().splitlines()

    top = page.locator(".c1x1-figure svg").bounding_box()["y"]
    click(5)
    assert state()["selection"] == explorer.selected == 5
    assert "Map 5 after the 1×1 layer" in page.locator(".c1x1-readout").inner_text()
    assert readout() == explorer.readout_texts()[1].splitlines()
    # The readout keeps room for the line, so the picture does not move under the mouse.
    assert page.locator(".c1x1-figure svg").bounding_box()["y"] == top
    _same_picture(page.evaluate(REDUCTION_SHOWN), _reduction_saved(explorer), "after a click")
    click(12)  # another map: selected instead
    assert state()["selection"] == explorer.selected == 12
    click(12)  # the same map again: cleared
    assert state()["selection"] is None and explorer.selected is None
    assert readout() == explorer.readout_texts()[1].splitlines()
    # A click on the maps before the 1×1 layer, or where no map is drawn, selects nothing.
    explorer.set(filters=8)
    page.evaluate("(v) => window.c1x1Page.fromKernel(v)", explorer.values)
    saved = len(page.evaluate("() => window.c1x1Page.saved"))
    page.mouse.click(*_svg_point(page, 150, 80))  # map 1 before the 1×1 layer
    page.mouse.click(*_svg_point(page, *_after_map_point(explorer, 12)))  # not drawn
    assert len(page.evaluate("() => window.c1x1Page.saved")) == saved
    assert state()["selection"] is None
    # A preset that still draws the map selected keeps it.
    explorer.set(filters=16)
    page.evaluate("(v) => window.c1x1Page.fromKernel(v)", explorer.values)
    click(6)
    page.get_by_role("button", name="reduction: 8", exact=True).click()
    assert state()["values"] == {"filters": 8} and state()["selection"] == 6
    assert readout()[0] == "Case: reduction: 8: the tutorial's reduction, here a quarter of them"
    # Fewer filters than the map selected: the page clears it with the values it sends.
    slider = page.locator(f"{contract.selector(contract.slider_class('filters'))} input")
    slider.focus()
    page.keyboard.press("ArrowLeft")  # 8 → 4 filters
    assert state()["values"] == {"filters": 4} and state()["selection"] is None
    assert page.evaluate("() => window.c1x1Page.selections")[-1] is None
    explorer.set(**state()["values"])
    assert explorer.selected is None and readout() == explorer.readout_texts()[1].splitlines()
    # A selection made in Python reaches the page.
    explorer.select(2)
    page.evaluate("([v, j]) => window.c1x1Page.fromKernel(v, j)", [explorer.values, 2])
    assert readout() == explorer.readout_texts()[1].splitlines()
    assert page.locator(".c1x1-selected:not([display])").count() == 1
    assert page.locator(".c1x1-errors").inner_text() == ""


def test_selections_in_the_page_follow_python_on_a_random_walk(page):
    """Moves of the slider and clicks on maps: the page's rule (keptSelection) and
    Python's (set, select) leave the same values and selection after every move."""
    from conv1x1_viz.explorers import ReductionExplorer

    explorer = ReductionExplorer()
    mount(page, explorer)
    rng = random.Random(5)
    moves = []
    for _ in range(300):
        if rng.random() < 0.5:
            update = {"filters": rng.choice(explorer.controls["filters"].values())}
            explorer.set(**update)
            move = ["change", update]
        else:
            j = rng.choice(_selections(explorer, explorer.values))
            explorer.select(j)
            move = ["select", j]
        moves.append([*move, explorer.values, explorer.selected])
    in_page = page_call(
        page,
        """(() => {
          let values = {...argument.values}, wishes = {...values}, selection = null;
          return argument.moves.map(([what, update]) => {
            if (what === 'change') {
              wishes = {...wishes, ...update};
              values = module.applyLimits(argument.spec, {...values, ...update}, wishes).values;
            } else {
              selection = update;
            }
            selection = module.keptSelection(argument.spec, values, selection);
            return [values, selection];
          });
        })()""",
        {"spec": explorer.spec, "values": ReductionExplorer().values, "moves": moves},
    )
    cleared = 0
    for i, ((what, update, values, selected), shown) in enumerate(zip(moves, in_page, strict=True)):
        assert shown == [values, selected], f"move {i} ({what} {update})"
        cleared += what == "change" and i and moves[i - 1][3] is not None and selected is None
    assert cleared > 5  # the walk did drop selections
