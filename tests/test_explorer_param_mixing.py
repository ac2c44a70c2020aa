"""ParamExplorer and MixingExplorer, driven headless."""

import numpy as np
import pytest

from conv1x1_viz import conv2d_reference, conv_macs, conv_params
from conv1x1_viz.explorers import MixingExplorer, ParamExplorer
from conv1x1_viz.formulas import dot_formula, format_count

# --------------------------------------------------------------------------- ParamExplorer


def _options(explorer, key):
    (control,) = [c for c in explorer.spec["controls"] if c["key"] == key]
    return control["options"]


def _readout(explorer):
    return explorer.readout_texts()[1]


def test_param_explorer_offers_the_values_networks_use():
    explorer = ParamExplorer()
    assert set(explorer.values) == {"in_channels", "filters", "kernel_size", "use_bias"}
    for key in ("in_channels", "filters"):
        depths = _options(explorer, key)
        assert {2**i for i in range(12)} | {3, 192} <= set(depths)  # powers of two, RGB, …
        assert len(depths) <= 24 and depths == sorted(depths)  # each a key press apart
    kernels = _options(explorer, "kernel_size")
    assert all(k % 2 == 1 for k in kernels) and {1, 3, 5, 7} <= set(kernels)
    (bias,) = [c for c in explorer.spec["controls"] if c["key"] == "use_bias"]
    assert bias["type"] == "toggle"
    # No slider starts at its end when the lesson asks to go further (7×7 in notebook 02).
    assert kernels.index(ParamExplorer(kernel_size=7).values["kernel_size"]) < len(kernels) - 1
    small = ParamExplorer(in_channels=64, filters=64, max_channels=100, max_kernel=5)
    assert _options(small, "in_channels")[-1] == 96
    assert _options(small, "kernel_size") == [1, 3, 5]


def test_param_explorer_starts_at_the_tutorials_layer():
    text = _readout(ParamExplorer())
    assert "(1·1·512 + 1)·64 = 32,832" in text
    assert f"28·28·1·1·512·64 = {format_count(conv_macs((28, 28, 512), 64, 1))}" in text


@pytest.mark.parametrize(
    ("c_in", "filters", "k", "bias"), [(3, 512, 3, True), (2048, 2048, 7, False), (1, 1, 1, True)]
)
def test_param_explorer_readout_follows_the_controls(c_in, filters, k, bias):
    explorer = ParamExplorer(input_size=(32, 16))
    explorer.set(in_channels=c_in, filters=filters, kernel_size=k, use_bias=bias)
    text = _readout(explorer)
    params = format_count(conv_params(k, c_in, filters, bias))
    macs = format_count(conv_macs((32, 16, c_in), filters, k))
    assert f"= {params}" in text and f"= {macs}" in text
    weights = f"{k}·{k}·{format_count(c_in)}"
    assert (f"({weights} + 1)·" if bias else f"{weights}·") in text
    assert f"32·16·{k}·{k}·{format_count(c_in)}·{format_count(filters)}" in text


def test_param_explorer_saved_picture_follows_the_controls():
    from matplotlib.figure import Figure

    explorer = ParamExplorer()
    first = explorer.snapshot()
    depth = explorer.draw_picture(Figure()).scene.output.depth
    explorer.set(filters=2048)
    block = explorer.draw_picture(Figure())
    assert block.scene.output.depth > depth
    assert block.labels["output"].get_text() == "output: 2,048 maps\n28×28×2,048"
    explorer.set(in_channels=3)
    block = explorer.draw_picture(Figure())
    assert block.labels["filter"].get_text() == "filter 1×1×3\n× 2,048 filters"
    assert block.scene.filter.depth == block.scene.input.depth
    assert explorer.snapshot() != first
    # The picture keeps the limits of the largest layer, so that nothing jumps.
    assert block.limits == explorer.largest_scene_bounds()


def test_param_explorer_matches_keras(keras):
    explorer = ParamExplorer()
    for c_in, filters, k, bias in [(512, 64, 1, True), (3, 512, 3, True), (192, 32, 5, False)]:
        explorer.set(in_channels=c_in, filters=filters, kernel_size=k, use_bias=bias)
        layer = keras.layers.Conv2D(filters, k, padding="same", use_bias=bias)
        layer.build((None, 28, 28, c_in))
        assert f"= {format_count(layer.count_params())}" in _readout(explorer)


def test_param_explorer_values_from_the_page_are_checked():
    explorer = ParamExplorer()
    explorer.values = {**explorer.values, "filters": 32}  # as the page sends them
    assert explorer.error == "" and "·32 = 16,416" in _readout(explorer)
    explorer.values = {**explorer.values, "filters": 33}  # no control offers it
    assert explorer.error.startswith("ValueError: filters must be one of 1, 2, 3")
    explorer.values = {**explorer.values, "filters": 64}  # a good value clears it
    assert explorer.error == ""
    with pytest.raises(ValueError, match=r"no control named \['depth'\]"):
        explorer.set(depth=3)
    with pytest.raises(ValueError, match="use_bias must be True or False"):
        explorer.set(use_bias=1)
    with pytest.raises(ValueError, match="label must be one of the presets"):
        explorer.apply_preset("VGG")


def test_param_explorer_presets_set_the_controls_and_name_their_case():
    explorer = ParamExplorer()
    for preset in explorer.presets:
        explorer.apply_preset(preset.label)
        assert {k: explorer.values[k] for k in preset.values} == preset.values
        assert _readout(explorer).startswith(f"Case: {preset.label}: {preset.source}\n")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"in_channels": 0}, "in_channels must be one of 1, 2, 3, 4, 8, .*, 2,048, got 0"),
        ({"in_channels": 6}, "in_channels must be one of 1, 2, 3, 4, 8, .*, 2,048, got 6"),
        ({"filters": 4096}, "filters must be one of 1, 2, .*, 2,048, got 4096"),
        ({"kernel_size": 2}, "kernel_size must be one of 1, 3, 5, 7, 9, 11, got 2"),
        ({"kernel_size": 7, "max_kernel": 5}, "kernel_size must be one of 1, 3, 5, got 7"),
        ({"input_size": (28, 0)}, "input_size"),
        ({"max_channels": 0}, "max_channels"),
    ],
)
def test_param_explorer_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ParamExplorer(**kwargs)


# -------------------------------------------------------------------------- MixingExplorer


def test_mixing_explorer_follows_the_pixel():
    from matplotlib.figure import Figure

    explorer = MixingExplorer()
    explorer.set(row=5, col=30)
    picture = explorer.draw_picture(Figure())
    np.testing.assert_allclose(
        picture.mixing.images["x"].get_array(), explorer.features[5, 30][:, np.newaxis]
    )
    assert picture.cross[0].get_ydata()[0] == 5 and picture.cross[1].get_xdata()[0] == 30
    assert "Pixel (5, 30)" in _readout(explorer)
    # The outputs are the pixel's channel vector through the 1×1 layer.
    n = explorer.values["filters"]
    kernel = explorer.weights[:, :n].reshape(1, 1, -1, n)
    expected = conv2d_reference(explorer.features[5:6, 30:31], kernel)[0, 0]
    np.testing.assert_allclose(picture.mixing.y, expected)
    np.testing.assert_allclose(explorer.outputs(), expected)


def test_mixing_explorer_output_follows_c_out():
    from matplotlib.figure import Figure

    explorer = MixingExplorer(filters=8)
    explorer.set(output=7)
    explorer.set(filters=3)
    assert explorer.limits(explorer.values) == {"output": 2} and explorer.values["output"] == 2
    mixing = explorer.draw_picture(Figure()).mixing
    assert mixing.images["weights"].get_array().shape == (explorer.features.shape[2], 3)
    assert mixing.boxes["weights"].get_xy() == (2.0, 0.0)  # output 2 of 3: the last column
    text = _readout(explorer)
    c_in = explorer.features.shape[2]
    assert f"1·1·{c_in}·3 = {c_in * 3}" in text
    assert f"= {format_count(conv_macs(explorer.features.shape, 3, 1))}" in text
    assert "Output 2" in text
    # The wish is kept: with more filters again, output 7 comes back.
    explorer.set(filters=8)
    assert explorer.values["output"] == 7


def test_mixing_explorer_pixels_stay_inside_the_image():
    explorer = MixingExplorer(image_size=16)
    assert explorer.controls["row"].high == explorer.controls["col"].high == 15
    with pytest.raises(ValueError, match="row must be a whole number 0 … 15"):
        explorer.set(row=99)
    explorer.values = {**explorer.values, "row": 16}  # as the page would send it
    assert explorer.error.startswith("ValueError: row must be a whole number 0 … 15")
    with pytest.raises(ValueError, match="row must be a whole number 0 … 15"):
        MixingExplorer(image_size=16, row=16)


@pytest.mark.parametrize("kwargs", [{"in_channels": 65}, {"max_filters": 65}])
def test_mixing_explorer_stays_drawable(kwargs):
    key = next(iter(kwargs))
    message = rf"{key} must be a whole number 1 … 64 \(the weight matrix is drawn cell by cell\)"
    with pytest.raises(ValueError, match=message):
        MixingExplorer(**kwargs)


def test_mixing_explorer_sends_the_page_its_data_once():
    explorer = MixingExplorer(in_channels=5, max_filters=7)
    data = explorer.spec["data"]
    assert np.array(data["features"]).shape == explorer.features.shape == (32, 32, 5)
    assert np.array(data["weights"]).shape == explorer.weights.shape == (5, 7)
    # The page gets the very numbers Python computes with (kept to KEPT_DIGITS decimals).
    np.testing.assert_array_equal(data["features"], explorer.features)
    np.testing.assert_array_equal(data["weights"], explorer.weights)
    assert data["photo"].startswith("data:image/png;base64,") and data["bias"] is None
    assert data["lut"][0] != data["lut"][-1] and len(data["lut"]) == 256
    bar = data["colorbar"]
    assert bar["limit"] == float(np.abs(explorer.weights).max())
    assert all(-bar["limit"] <= t <= bar["limit"] for t in bar["ticks"])
    assert len(bar["labels"]) == len(bar["ticks"]) >= 3 and bar["label"] == "weight"


def test_mixing_explorer_writes_out_the_term_under_the_mouse():
    from matplotlib.figure import Figure

    explorer = MixingExplorer()
    explorer.term = (3, 1)  # as the page's mouse over W[3, 1] shows it
    r, c = explorer.pixel()
    w, x = explorer.weights[3, 1], explorer.features[r, c, 3]
    assert f"W[3, 1]·x[3] = {w:.2f}·{x:.2f} = {w * x:.2f}".replace("-", "−") in explorer.summary()
    c_in = explorer.features.shape[2]
    boxes = explorer.draw_picture(Figure()).mixing.term_boxes
    # W[3, 1]: column 1, row 3 from the top; x[3] beside that row.
    assert all(b.get_visible() for b in boxes) and boxes[1].get_xy() == (1, c_in - 4)
    assert boxes[0].get_xy()[1] == c_in - 4
    explorer.set(filters=1)  # output 1 is gone: so is its term
    assert explorer.term is None and "Term under the mouse" not in explorer.summary()
    boxes = explorer.draw_picture(Figure()).mixing.term_boxes
    assert not any(b.get_visible() for b in boxes)


def test_mixing_explorer_lists_the_products_behind_an_output():
    explorer = MixingExplorer(filters=3)
    explorer.set(row=9, col=5)
    x, w = explorer.features[9, 5], explorer.weights[:, 2]
    rows = explorer.product_rows(2)
    assert len(rows) == x.shape[0] + 1
    for i, (label, factors, value) in enumerate(rows[:-1]):
        assert label == f"W[{i}, 2]·x[{i}]"
        assert factors == dot_formula([w[i]], [x[i]]).split(" = ")[0]
        assert value == dot_formula([w[i]], [x[i]]).split(" = ")[1]
    label, what, total = rows[-1]
    assert (label, what) == ("y[2]", f"sum of {x.shape[0]} products, no bias")
    assert total == dot_formula(w, x).split(" = ")[1]
    with pytest.raises(ValueError, match="output must be a whole number 0 … 2"):
        explorer.product_rows(3)


def test_mixing_explorer_weights_have_a_colour_scale():
    from matplotlib.figure import Figure

    explorer = MixingExplorer()
    colorbar = explorer.draw_picture(Figure()).mixing.colorbar
    limit = float(np.abs(explorer.weights).max())
    assert (colorbar.vmin, colorbar.vmax) == (-limit, limit)


def test_a_cell_run_again_closes_the_explorer_it_made(monkeypatch):
    from ipywidgets.widgets.widget import _instances

    from conv1x1_viz.explorers import page

    cell = {"id": "cell-1"}
    monkeypatch.setattr(page, "_running_cell", lambda: cell["id"])
    monkeypatch.setattr(page, "_BY_CELL", {})
    before = len(_instances)
    made = [ParamExplorer() for _ in range(5)]  # the same cell, run five times
    assert [e.comm is None for e in made] == [True] * 4 + [False]
    assert len(_instances) == before + 2  # the last explorer and its layout
    cell["id"] = "cell-2"
    other = ParamExplorer()  # another cell keeps its own
    assert made[-1].comm is not None and other.comm is not None
    other.close()
    assert page._BY_CELL == {"cell-1": made[-1]}
    made[-1].close()
