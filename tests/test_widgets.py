"""The explorers, driven headless: set slider values, read the readout and the artists."""

import base64
import html
import subprocess
import sys

import ipywidgets
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from conv1x1_viz import conv2d_reference, conv_macs, conv_params
from conv1x1_viz.formulas import format_count
from conv1x1_viz.widgets import (
    BottleneckExplorer,
    Explorer,
    MixingExplorer,
    ParamExplorer,
    ReconstructionExplorer,
    ReductionExplorer,
    sample_image,
)

EXPLORERS = {
    "param-explorer": ParamExplorer,
    "mixing-explorer": MixingExplorer,
    "reduction-explorer": ReductionExplorer,
    "bottleneck-explorer": BottleneckExplorer,
    "reconstruction-explorer": ReconstructionExplorer,
}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def readout_text(explorer):
    return html.unescape(explorer.readout.value)


@pytest.fixture(scope="module")
def explorers():
    """One of each, for the read-only checks (tests that move sliders make their own)."""
    return {kind: cls() for kind, cls in EXPLORERS.items()}


# ------------------------------------------------------------------------- shared contract


@pytest.mark.parametrize("kind", EXPLORERS)
def test_dom_classes_and_parts(explorers, kind):
    explorer = explorers[kind]
    assert isinstance(explorer, ipywidgets.VBox)
    assert {"c1x1-explorer", f"c1x1-{kind}"} <= set(explorer._dom_classes)
    assert "c1x1-readout" in explorer.readout._dom_classes
    assert isinstance(explorer.readout, ipywidgets.HTML)
    assert "c1x1-errors" in explorer.errors._dom_classes
    assert isinstance(explorer.errors, ipywidgets.Output)
    assert explorer.readout in explorer.children and explorer.errors in explorer.children
    for key, slider in explorer.sliders.items():
        assert f"c1x1-slider-{key}" in slider._dom_classes
    view = explorer.children[2]
    assert isinstance(view, ipywidgets.Image) and "c1x1-figure" in view._dom_classes
    assert bytes(view.value).startswith(PNG_SIGNATURE)  # Agg here, so the PNG fallback
    assert isinstance(explorer.fig, matplotlib.figure.Figure)


@pytest.mark.parametrize("kind", EXPLORERS)
def test_static_rendering_bundle(explorers, kind):
    explorer = explorers[kind]
    bundle = explorer._repr_mimebundle_()
    assert "text/html" not in bundle
    view = bundle["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"] == explorer.model_id
    assert base64.b64decode(bundle["image/png"]).startswith(PNG_SIGNATURE)
    plain = bundle["text/plain"]
    assert plain == explorer.summary() and plain.startswith(type(explorer).__name__)
    assert "model_id" not in plain and explorer.model_id not in plain
    # Deterministic: a second explorer with the same settings says the same.
    assert EXPLORERS[kind]()._repr_mimebundle_()["text/plain"] == plain


MOVES = {
    "param-explorer": ("in_channels", [3, 2048, 64]),
    "mixing-explorer": ("row", [0, 31, 7]),
    "reduction-explorer": ("filters", [1, 64, 20]),
    "bottleneck-explorer": ("kernel_size", [1, 7, 3]),
    "reconstruction-explorer": ("filters", [1, 32, 9]),
}


@pytest.mark.parametrize("kind", EXPLORERS)
def test_slider_ticks_change_artists_in_place(kind):
    explorer = EXPLORERS[kind]()
    axes = list(explorer.fig.axes)
    artists = [list(ax.get_children()) for ax in axes]
    key, values = MOVES[kind]
    pictures = set()
    for value in values:
        explorer.sliders[key].value = value
        pictures.add(bytes(explorer.children[2].value))
    assert explorer.fig.axes == axes
    assert [list(ax.get_children()) for ax in axes] == artists  # same artists, no new ones
    assert len(pictures) == len(values) and not explorer.errors.outputs


def test_readout_text_matches_plain_summary(explorers):
    explorer = explorers["param-explorer"]
    for line in explorer.summary().splitlines()[1:]:
        label, _, text = line.partition(": ")
        assert label in readout_text(explorer) and text in readout_text(explorer)


def test_errors_in_callbacks_are_shown(monkeypatch):
    explorer = ParamExplorer()

    def broken():
        raise RuntimeError("the drawing broke")

    monkeypatch.setattr(explorer, "update_figure", broken)
    explorer.sliders["filters"].value = 7  # must not raise
    (entry,) = explorer.errors.outputs
    assert entry["output_type"] == "error"
    assert entry["ename"] == "RuntimeError" and entry["evalue"] == "the drawing broke"
    assert any("the drawing broke" in line for line in entry["traceback"])
    # The counts still followed the slider.
    assert f"= {format_count(conv_params(1, 512, 7))}" in readout_text(explorer)
    for value in range(8, 20):
        explorer.sliders["filters"].value = value
    assert len(explorer.errors.outputs) == 5  # only the last few are kept


def test_hold_updates_updates_once():
    explorer = ParamExplorer()
    calls = []
    original = explorer.update

    def counting():
        calls.append(1)
        original()

    explorer.update = counting
    with explorer.hold_updates():
        explorer.sliders["in_channels"].value = 256
        explorer.sliders["filters"].value = 32
        explorer.sliders["kernel_size"].value = 3
    assert len(calls) == 1
    assert f"= {format_count(conv_params(3, 256, 32))}" in readout_text(explorer)


# ipympl's toolbar passes traitlets an argument it warns about; not ours to fix.
@pytest.mark.filterwarnings("ignore:Passing unrecognized arguments:DeprecationWarning")
def test_update_redraws_through_ipympl_when_it_is_the_backend(monkeypatch):
    plt.switch_backend("module://ipympl.backend_nbagg")
    try:
        explorer = ParamExplorer()
        canvas = explorer.fig.canvas
        assert isinstance(canvas, ipywidgets.DOMWidget) and canvas in explorer.children
        assert "c1x1-figure" in canvas._dom_classes and not canvas.header_visible
        draws = []
        monkeypatch.setattr(canvas, "draw_idle", lambda: draws.append(1))
        explorer.sliders["filters"].value = 3
        assert draws == [1]
        bundle = explorer._repr_mimebundle_()
        assert "text/html" not in bundle
        assert base64.b64decode(bundle["image/png"]).startswith(PNG_SIGNATURE)
    finally:
        plt.close("all")
        plt.switch_backend("Agg")


# --------------------------------------------------------------------------- ParamExplorer


def test_param_explorer_ranges():
    explorer = ParamExplorer()
    assert set(explorer.sliders) == {"in_channels", "filters", "kernel_size", "use_bias"}
    assert explorer.sliders["in_channels"].max >= 2048 and explorer.sliders["in_channels"].min == 1
    assert explorer.sliders["filters"].max >= 2048 and explorer.sliders["filters"].min == 1
    assert (explorer.sliders["kernel_size"].min, explorer.sliders["kernel_size"].max) == (1, 7)
    assert isinstance(explorer.sliders["use_bias"], ipywidgets.Checkbox)


def test_param_explorer_starts_at_the_tutorials_layer():
    text = readout_text(ParamExplorer())
    assert "(1·1·512 + 1)·64 = 32,832" in text
    assert f"28·28·1·1·512·64 = {format_count(conv_macs((28, 28, 512), 64, 1))}" in text


@pytest.mark.parametrize(
    ("c_in", "filters", "k", "bias"), [(3, 512, 3, True), (2048, 2048, 7, False), (1, 1, 1, True)]
)
def test_param_explorer_readout_follows_the_sliders(c_in, filters, k, bias):
    explorer = ParamExplorer(input_size=(32, 16))
    explorer.sliders["in_channels"].value = c_in
    explorer.sliders["filters"].value = filters
    explorer.sliders["kernel_size"].value = k
    explorer.sliders["use_bias"].value = bias
    text = readout_text(explorer)
    params = format_count(conv_params(k, c_in, filters, bias))
    macs = format_count(conv_macs((32, 16, c_in), filters, k))
    assert f"= {params}" in text and f"= {macs}" in text
    weights = f"{k}·{k}·{format_count(c_in)}"
    assert (f"({weights} + 1)·" if bias else f"{weights}·") in text
    assert f"32·16·{k}·{k}·{format_count(c_in)}·{format_count(filters)}" in text


def test_param_explorer_drawing_follows_the_sliders():
    explorer = ParamExplorer()
    block = explorer._block
    image = bytes(explorer.children[2].value)
    depth = block.scene.output.depth
    explorer.sliders["filters"].value = 2048
    assert block.scene.output.depth > depth
    assert block.labels["output"].get_text() == "output: 2,048 maps\n28×28×2,048"
    explorer.sliders["in_channels"].value = 3
    assert block.labels["filter"].get_text() == "filter 1×1×3\n× 2,048 filters"
    assert block.scene.filter.depth == block.scene.input.depth
    assert bytes(explorer.children[2].value) != image


def test_param_explorer_matches_keras(keras):
    explorer = ParamExplorer()
    for c_in, filters, k, bias in [(512, 64, 1, True), (3, 512, 3, True), (192, 32, 5, False)]:
        with explorer.hold_updates():
            explorer.sliders["in_channels"].value = c_in
            explorer.sliders["filters"].value = filters
            explorer.sliders["kernel_size"].value = k
            explorer.sliders["use_bias"].value = bias
        layer = keras.layers.Conv2D(filters, k, padding="same", use_bias=bias)
        layer.build((None, 28, 28, c_in))
        assert f"= {format_count(layer.count_params())}" in readout_text(explorer)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"in_channels": 0}, "in_channels must be a whole number 1 … 2048"),
        ({"filters": 4096}, "filters must be a whole number 1 … 2048"),
        ({"kernel_size": 9}, "kernel_size must be a whole number 1 … 7"),
        ({"input_size": (28, 0)}, "input_size"),
        ({"max_channels": 0}, "max_channels"),
    ],
)
def test_param_explorer_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ParamExplorer(**kwargs)


# -------------------------------------------------------------------------- MixingExplorer


def test_mixing_explorer_follows_the_pixel():
    explorer = MixingExplorer()
    explorer.sliders["row"].value = 5
    explorer.sliders["col"].value = 30
    np.testing.assert_allclose(
        explorer._mixing.x_image.get_array(), explorer.features[5, 30][np.newaxis]
    )
    assert explorer._cross[0].get_ydata()[0] == 5 and explorer._cross[1].get_xdata()[0] == 30
    assert "Pixel (5, 30)" in readout_text(explorer)
    # The outputs are the pixel's channel vector through the 1×1 layer.
    n = explorer.sliders["filters"].value
    kernel = explorer.weights[:, :n].reshape(1, 1, -1, n)
    expected = conv2d_reference(explorer.features[5:6, 30:31], kernel)[0, 0]
    np.testing.assert_allclose(explorer._mixing.y, expected)


def test_mixing_explorer_output_slider_follows_c_out():
    explorer = MixingExplorer(filters=8)
    explorer.sliders["output"].value = 7
    explorer.sliders["filters"].value = 3
    assert explorer.sliders["output"].max == 2 and explorer.sliders["output"].value == 2
    assert explorer._mixing.weight_image.get_array().shape == (3, explorer.features.shape[2])
    assert explorer._mixing.row_box.get_xy()[1] == 0.0  # output 2 of 3: the bottom row
    text = readout_text(explorer)
    c_in = explorer.features.shape[2]
    assert f"1·1·{c_in}·3 = {c_in * 3}" in text
    assert f"= {format_count(conv_macs(explorer.features.shape, 3, 1))}" in text
    assert "Output 2" in text


def test_mixing_explorer_pixels_stay_inside_the_image():
    explorer = MixingExplorer(image_size=16)
    assert explorer.sliders["row"].max == explorer.sliders["col"].max == 15
    explorer.sliders["row"].value = 99  # the slider clamps it
    assert explorer.sliders["row"].value == 15 and not explorer.errors.outputs
    with pytest.raises(ValueError, match="row must be a whole number 0 … 15"):
        MixingExplorer(image_size=16, row=16)


# ----------------------------------------------------------------------- ReductionExplorer


def test_reduction_explorer_counts_and_maps_follow_the_slider():
    explorer = ReductionExplorer()
    h, w, c = explorer.before.shape
    assert explorer._before.n_drawn == 16 and explorer._before.more_text.get_visible()
    for n in (1, 12, 40):
        explorer.sliders["filters"].value = n
        text = readout_text(explorer)
        assert f"= {format_count(conv_params(1, c, n))}" in text
        assert f"= {format_count(conv_macs((h, w, c), n, 1))}" in text
        assert f"= {format_count(h * w * n)}" in text
        assert explorer._after_grid.n_drawn == min(n, 16)
        assert explorer._after_grid.more_text.get_visible() == (n > 16)
        assert explorer._after_grid.title.get_text().endswith(f"{n} map" + ("s" if n > 1 else ""))
    assert explorer._after_grid.more_text.get_text() == "+24 more"


def test_reduction_explorer_maps_are_the_1x1_layer_output():
    explorer = ReductionExplorer(filters=5)
    kernel = explorer.weights[:, :5].reshape(1, 1, -1, 5)
    expected = np.maximum(conv2d_reference(explorer.before, kernel), 0)
    np.testing.assert_allclose(explorer.after, expected, atol=1e-12)
    left, right, bottom, top = explorer._after_grid.map_extent(4)
    drawn = explorer._after_grid.image.get_array()[int(-top) : int(-bottom), int(left) : int(right)]
    np.testing.assert_allclose(drawn, expected[:, :, 4], atol=1e-12)


def test_sample_image_is_a_real_photo():
    image = sample_image(32)
    assert image.shape == (32, 32, 3) and 0 <= image.min() < image.max() <= 1
    assert image.std() > 0.1  # not a flat picture
    with pytest.raises(ValueError, match="size must be a whole number 4 … 512"):
        sample_image(2)


# ---------------------------------------------------------------------- BottleneckExplorer


def test_bottleneck_explorer_starts_at_the_inception_example():
    explorer = BottleneckExplorer()
    text = readout_text(explorer)
    direct = conv_macs((28, 28, 192), 32, 5)
    reduced = conv_macs((28, 28, 192), 16, 1) + conv_macs((28, 28, 16), 32, 5)
    assert f"= {format_count(direct)}" in text
    assert f"{format_count(reduced)} multiply-accumulates" in text
    assert f"multiply-accumulates {direct / reduced:.2f}×" in text


@pytest.mark.parametrize(("c_in", "r", "k", "filters"), [(512, 64, 7, 64), (256, 256, 3, 128)])
def test_bottleneck_explorer_follows_the_sliders(c_in, r, k, filters):
    explorer = BottleneckExplorer()
    explorer.sliders["in_channels"].value = c_in
    explorer.sliders["reduction"].value = r
    explorer.sliders["kernel_size"].value = k
    explorer.sliders["filters"].value = filters
    direct_params = conv_params(k, c_in, filters)
    reduced_params = conv_params(1, c_in, r) + conv_params(k, r, filters)
    direct_macs = conv_macs((28, 28, c_in), filters, k)
    reduced_macs = conv_macs((28, 28, c_in), r, 1) + conv_macs((28, 28, r), filters, k)
    text = readout_text(explorer)
    assert f"= {format_count(direct_params)}" in text
    assert f"{format_count(reduced_params)} parameters" in text
    assert f"parameters {direct_params / reduced_params:.2f}×" in text
    assert f"multiply-accumulates {direct_macs / reduced_macs:.2f}×" in text
    bars = explorer._cost.bars
    assert bars[0][0].get_x() + bars[0][0].get_width() == pytest.approx(direct_params)
    assert bars[1][1].get_x() + bars[1][1].get_width() == pytest.approx(reduced_macs)
    assert explorer._cost.labels[1][1].get_text() == format_count(reduced_macs)


def test_bottleneck_reduction_never_exceeds_the_input_depth():
    explorer = BottleneckExplorer(in_channels=192, reduction=128)
    assert explorer.sliders["reduction"].max == 192
    explorer.sliders["in_channels"].value = 64
    assert explorer.sliders["reduction"].max == 64 and explorer.sliders["reduction"].value == 64
    assert "1×1 to 64: parameters: (1·1·64 + 1)·64" in explorer.summary()
    assert not explorer.errors.outputs
    explorer.sliders["in_channels"].value = 1024
    assert explorer.sliders["reduction"].max == 1024
    with pytest.raises(ValueError, match="reduction must be a whole number 1 … 192"):
        BottleneckExplorer(in_channels=192, reduction=193)


def test_explorer_base_is_abstract():
    with pytest.raises(NotImplementedError):
        Explorer().readout_lines()


def test_package_import_leaves_matplotlib_and_ipywidgets_for_later():
    code = (
        "import sys, conv1x1_viz; "
        "print(sorted(m for m in ('matplotlib', 'ipywidgets', 'tensorflow') if m in sys.modules)); "
        "conv1x1_viz.ParamExplorer; print('ipywidgets' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["[]", "True"]


# ------------------------------------------------------------------ ReconstructionExplorer


TRAINED = {1: 0.70, 4: 0.30, 16: 0.05}


@pytest.fixture(scope="module")
def reconstruction():
    return ReconstructionExplorer(trained=TRAINED)


def test_reconstruction_explorer_curves_are_the_pca_and_random_errors(reconstruction):
    from conv1x1_viz.pca import pca_errors, random_reduction

    maps = reconstruction.features
    assert maps.shape == (64, 64, 32)
    # The same maps as the ReductionExplorer's "before".
    np.testing.assert_allclose(maps, ReductionExplorer().before)
    random_line, pca_line, trained_points = reconstruction._curve_ax.get_lines()[:3]
    np.testing.assert_array_equal(pca_line.get_xdata(), np.arange(1, 33))
    np.testing.assert_allclose(pca_line.get_ydata(), pca_errors(maps)[1:])
    for k in (1, 7, 32):
        expected = random_reduction(maps, k, seed=0).error(maps)
        assert random_line.get_ydata()[k - 1] == pytest.approx(expected)
    assert list(trained_points.get_xdata()) == [1, 4, 16]
    assert list(trained_points.get_ydata()) == [0.70, 0.30, 0.05]
    assert np.all(pca_line.get_ydata() <= random_line.get_ydata() + 1e-12)


def test_reconstruction_explorer_markers_and_readout_follow_the_slider():
    explorer = ReconstructionExplorer(trained=TRAINED)
    for k in (1, 5, 16, 32):
        explorer.sliders["filters"].value = k
        errors = explorer.errors_at(k)
        assert list(explorer._cursor.get_xdata()) == [k, k]
        assert list(explorer._markers.get_ydata()) == [errors["pca"], errors["random"]]
        text = readout_text(explorer)
        assert f"64×64×32 → 64×64×{k} and back" in text
        assert f"(1·1·32 + 1)·{k} = {format_count(conv_params(1, 32, k))}" in text
        kept = f"({100 * (1 - errors['pca']):.1f} % kept)"
        assert f"{errors['pca']:.3f} of the variance lost {kept}" in text
        assert f"{errors['random']:.3f} of the variance lost" in text
        if k in TRAINED:
            assert errors["trained"] == TRAINED[k]
            summary = explorer.summary()
            assert f"Trained 1×1 layers: {TRAINED[k]:.3f} of the variance lost" in summary
        else:
            assert "not trained at this width (trained at 1, 4, 16)" in text
        assert explorer._grids[1].title.get_text() == f"best linear (PCA), from {k} map" + (
            "s" if k > 1 else ""
        )
    assert explorer.errors_at(32)["pca"] == 0.0 and not explorer.errors.outputs


def test_reconstruction_explorer_maps_are_rebuilt_from_k_maps():
    from conv1x1_viz.pca import pca_reduction, random_reduction

    explorer = ReconstructionExplorer(filters=3, features=12, image_size=32)
    maps = explorer.features
    shown = explorer.shown
    assert len(shown) == 4 and list(shown) == sorted(shown)
    variances = maps.reshape(-1, 12).var(axis=0)
    assert variances[shown].min() >= np.delete(variances, shown).max()
    pca_grid, random_grid = explorer._grids[1], explorer._grids[2]
    expected_pca = pca_reduction(maps, 3).reconstruct(maps)[:, :, shown]
    expected_random = random_reduction(maps, 3).reconstruct(maps)[:, :, shown]
    for grid, expected in [(pca_grid, expected_pca), (random_grid, expected_random)]:
        left, right, bottom, top = grid.map_extent(2)
        drawn = grid.image.get_array()[int(-top) : int(-bottom), int(left) : int(right)]
        np.testing.assert_allclose(drawn, expected[:, :, 2], atol=1e-9)
    # Keeping every map rebuilds them exactly.
    explorer.sliders["filters"].value = 12
    np.testing.assert_allclose(explorer._pca_maps[11], maps[:, :, shown], atol=1e-9)


def test_reconstruction_explorer_takes_any_maps(rng):
    maps = rng.normal(size=(10, 8, 5))
    explorer = ReconstructionExplorer(filters=2, features=maps, shown_maps=9)
    assert explorer.image is None and explorer.sliders["filters"].max == 5
    assert len(explorer.shown) == 5  # never more than there are maps
    assert "10×8×5 → 10×8×2 and back" in explorer.summary()
    assert "Trained" not in explorer.summary()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"filters": 0}, "filters must be a whole number 1 … 32"),
        ({"filters": 33}, "filters must be a whole number 1 … 32"),
        ({"features": 1}, "features must be a whole number 2 … 512"),
        ({"features": np.ones((4, 4))}, r"features must be a number of maps 2 … 512 or an array"),
        ({"features": np.ones((4, 4, 3))}, "features must not be constant"),
        ({"trained": [0.5]}, "trained must be a mapping"),
        ({"trained": {0: 0.5}}, "trained keys must be whole numbers 1 … 32"),
        ({"trained": {2: -1.0}}, "trained errors must be numbers ≥ 0"),
        ({"trained": {2: "low"}}, "trained errors must be numbers ≥ 0"),
        ({"shown_maps": 0}, "shown_maps must be a whole number ≥ 1"),
    ],
)
def test_reconstruction_explorer_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ReconstructionExplorer(**kwargs)

