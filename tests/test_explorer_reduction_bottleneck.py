"""ReductionExplorer and BottleneckExplorer, driven headless."""

import html

import matplotlib
import numpy as np
import pytest

from conv1x1_viz import conv2d_reference, conv_macs, conv_params
from conv1x1_viz.data import sample_image
from conv1x1_viz.explorers import BottleneckExplorer, ReductionExplorer
from conv1x1_viz.formulas import format_count


def _readout(explorer):
    return explorer.readout_texts()[1]


def _picture(explorer):
    from matplotlib.figure import Figure

    return explorer.draw_picture(Figure())


# ----------------------------------------------------------------------- ReductionExplorer


def test_reduction_explorer_counts_and_maps_follow_the_slider():
    explorer = ReductionExplorer()
    h, w, c = explorer.before.shape
    picture = _picture(explorer)
    assert picture.before.n_drawn == 16 and picture.before.more_text.get_visible()
    for n in (1, 16, 64):
        explorer.set(filters=n)
        text = _readout(explorer)
        assert f"= {format_count(conv_params(1, c, n))}" in text
        assert f"= {format_count(conv_macs((h, w, c), n, 1))}" in text
        assert f"= {format_count(h * w * n)}" in text
        after = _picture(explorer).after
        assert after.n_drawn == min(n, 16)
        assert after.more_text.get_visible() == (n > 16)
        assert after.title.get_text().endswith(f"{n} map" + ("s" if n > 1 else ""))
    assert after.more_text.get_text() == "+48 more"


def test_reduction_explorer_maps_are_the_1x1_layer_output():
    explorer = ReductionExplorer(filters=8)
    kernel = explorer.weights[:, :8].reshape(1, 1, -1, 8)
    expected = np.maximum(conv2d_reference(explorer.before, kernel), 0)
    np.testing.assert_allclose(explorer.after, expected, atol=1e-12)
    after = _picture(explorer).after
    left, right, bottom, top = after.map_extent(4)
    drawn = after.image.get_array()[int(-top) : int(-bottom), int(left) : int(right)]
    np.testing.assert_allclose(drawn, expected[:, :, 4], atol=1e-12)


@pytest.mark.parametrize("use_bias", [True, False])
def test_reduction_explorer_counts_the_layer_it_draws(use_bias):
    # The readout's parameter count is the number of values in the arrays that made the
    # maps on the right, and the page says whether biases are among them.
    from conv1x1_viz.arithmetic import conv1x1

    explorer = ReductionExplorer(filters=4, use_bias=use_bias)
    n = 4
    weights = explorer.weights[:, :n]
    bias = explorer.bias[:n] if use_bias else None
    np.testing.assert_allclose(
        explorer.after, np.maximum(conv1x1(explorer.before, weights, bias), 0), atol=1e-12
    )
    used = weights.size + (bias.size if use_bias else 0)
    assert f"= {format_count(used)}" in _readout(explorer).split("Parameters of the 1×1 layer")[1]
    assert ("biases: none" in _readout(explorer)) is (not use_bias)
    assert explorer.fixed_sizes()["use_bias"] == int(use_bias)


def test_reduction_explorer_shows_the_weights_of_the_map_selected():
    explorer = ReductionExplorer()
    explorer.select(3)
    assert explorer.selected == explorer.selection == 3
    picture = _picture(explorer)
    w = explorer.weights[:, 3]
    shown = [float(t.get_text().replace("−", "-")) for t in picture.weight_labels]
    np.testing.assert_allclose(shown, w[: len(shown)], atol=0.005)
    for weight, frame in zip(w, picture.weight_frames, strict=False):
        assert frame.get_visible()
        colour = "#d62728" if weight > 0 else "#1f77b4"
        assert matplotlib.colors.to_hex(frame.get_edgecolor()) == colour
        assert frame.get_linewidth() == pytest.approx(0.5 + 3 * abs(weight) / np.abs(w).max())
    assert picture.selected_frame.get_visible()
    left, right, bottom, top = picture.after.map_extent(3)
    assert picture.selected_frame.get_bbox().bounds == (left, bottom, right - left, top - bottom)
    top_map = int(np.argmax(np.abs(w)))
    assert f"largest in size is for map {top_map}" in explorer.summary()
    assert "Map 3 after the 1×1 layer: ReLU(Σ W[i, 3]·map i + b)" in explorer.summary()
    # The saved picture and the HTML that readers without a kernel get show it too.
    data, _ = explorer._repr_mimebundle_()
    assert "Map 3 after the 1×1 layer</b>" in html.unescape(data["text/html"])
    explorer.select(None)
    assert explorer.selected is None and "Map 3" not in explorer.summary()
    picture = _picture(explorer)
    assert not any(t.get_visible() for t in picture.weight_labels)
    assert not picture.selected_frame.get_visible()
    # Every heat map whose values are not printed has its colour scale.
    assert picture.before.colorbar is not None and picture.after.colorbar is not None


def test_reduction_explorer_selection_clears_when_the_map_is_no_longer_drawn():
    explorer = ReductionExplorer(filters=16)
    explorer.select(15)
    explorer.set(filters=32)  # more filters: still drawn
    assert explorer.selected == 15
    explorer.set(filters=8)  # map 15 is gone: cleared, and it stays cleared
    assert explorer.selected is None
    explorer.set(filters=32)
    assert explorer.selected is None
    explorer.select(2)
    explorer.apply_preset("projection: 32")  # a preset keeps a map it still draws
    assert explorer.selected == 2
    for wrong in (16, 40, -1, True, 2.0, "3"):
        with pytest.raises(ValueError, match="selection must be a whole number 0 … 15"):
            explorer.select(wrong)
    assert explorer.selected == 2 and explorer.error == ""
    # From the page: values and selection as one message (the page clears it itself) …
    with explorer.hold_trait_notifications():
        explorer.values = {"filters": 2}
        explorer.selection = None
    assert explorer.selected is None and explorer.error == ""
    # … or a selection the values do not allow, which is named and cleared.
    explorer.selection = 5
    assert explorer.selected is None
    assert explorer.error.startswith("ValueError: selection cannot be 5")


def test_reduction_explorer_sends_the_saved_pictures_maps_and_layout():
    # The page draws the maps from PNGs made once, coloured as the saved picture colours
    # them at the fixed scales, and places them where the saved picture has them.
    import base64
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from PIL import Image

    explorer = ReductionExplorer(filters=64, features=20, max_maps=9)
    data = explorer.spec["data"]
    assert len(data["before"]["maps"]) == 9 and len(data["after"]["maps"]) == 9
    assert np.shape(data["weights"]) == (20, 9)
    fig = Figure()
    FigureCanvasAgg(fig)
    picture = explorer.draw_picture(fig)
    fig.canvas.draw()
    for key in ("before", "after"):
        grid = getattr(picture, key)
        sent = data[key]
        np.testing.assert_allclose(sent["xlim"], grid.ax.get_xlim())
        np.testing.assert_allclose(sent["extents"], grid.layout.extents)
        x0, y0, x1, y1 = grid.ax.get_window_extent().extents
        np.testing.assert_allclose(sent["box"], [x0, 300 - y1, x1 - x0, y1 - y0])
        assert sent["colorbar"]["vmax"] == grid.vmax and sent["colorbar"]["vmin"] == 0
        bar = grid.colorbar.ax
        shown = [
            (loc, label.get_text())
            for loc, label in zip(bar.get_yticks(), bar.get_yticklabels(), strict=True)
            if 0 <= loc <= grid.vmax
        ]
        sent_ticks = zip(sent["colorbar"]["ticks"], sent["colorbar"]["labels"], strict=True)
        assert list(sent_ticks) == shown
        for i, url in enumerate(sent["maps"]):
            png = Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1])))
            left, right, bottom, top = grid.map_extent(i)
            values = grid.image.get_array()[int(-top) : int(-bottom), int(left) : int(right)]
            expected = grid.image.to_rgba(values, bytes=True)[:, :, :3]
            np.testing.assert_array_equal(np.asarray(png.convert("RGB")), expected)
    assert data["maps_shape"] == [64, 64, 20] and data["max_maps"] == 9


def test_sample_image_is_a_real_photo():
    image = sample_image(32)
    assert image.shape == (32, 32, 3) and 0 <= image.min() < image.max() <= 1
    assert image.std() > 0.1  # not a flat picture
    with pytest.raises(ValueError, match="size must be a whole number 4 … 512"):
        sample_image(2)


# ---------------------------------------------------------------------- BottleneckExplorer


def test_bottleneck_explorer_starts_at_the_inception_example():
    explorer = BottleneckExplorer()
    text = _readout(explorer)
    direct = conv_macs((28, 28, 192), 32, 5)
    reduced = conv_macs((28, 28, 192), 16, 1) + conv_macs((28, 28, 16), 32, 5)
    assert f"= {format_count(direct)}" in text
    assert f"{format_count(reduced)} multiply-accumulates" in text
    assert f"multiply-accumulates {direct / reduced:.2f}×" in text


@pytest.mark.parametrize(("c_in", "r", "k", "filters"), [(512, 64, 7, 64), (256, 256, 3, 128)])
def test_bottleneck_explorer_follows_the_controls(c_in, r, k, filters):
    from matplotlib.figure import Figure

    explorer = BottleneckExplorer()
    explorer.set(in_channels=c_in, reduction=r, kernel_size=k, filters=filters)
    direct_params = conv_params(k, c_in, filters)
    reduced_params = conv_params(1, c_in, r) + conv_params(k, r, filters)
    direct_macs = conv_macs((28, 28, c_in), filters, k)
    reduced_macs = conv_macs((28, 28, c_in), r, 1) + conv_macs((28, 28, r), filters, k)
    text = _readout(explorer)
    assert f"= {format_count(direct_params)}" in text
    assert f"{format_count(reduced_params)} parameters" in text
    assert f"parameters {direct_params / reduced_params:.2f}×" in text
    assert f"multiply-accumulates {direct_macs / reduced_macs:.2f}×" in text
    # The saved picture's bars are to scale: the direct layer's are 1 long, the reduced
    # design's are the share of it that it costs (cut at 1.25, which these cases never reach).
    cost = explorer.draw_picture(Figure())
    bars = cost.bars
    assert bars[0][0].get_width() == bars[1][0].get_width() == 1
    assert bars[0][1].get_width() == pytest.approx(reduced_params / direct_params)
    assert bars[1][1].get_width() == pytest.approx(reduced_macs / direct_macs)
    share = reduced_macs / direct_macs  # more than 1 when the 1×1 layer keeps every map
    ratio = f"÷{1 / share:.2f}" if share < 1 else f"×{share:.2f}"
    assert cost.labels[1][1].get_text() == f"{format_count(reduced_macs)} ({ratio})"
    assert [t.get_text() for t in cost.names] == [
        f"■ direct {k}×{k}",
        f"■ 1×1 to {format_count(r)}, then {k}×{k}",
    ]


def test_bottleneck_reduction_never_exceeds_the_input_depth():
    explorer = BottleneckExplorer(in_channels=192, reduction=128)

    def largest():
        limit = explorer.limits(explorer.values)["reduction"]
        return [o for o in explorer.controls["reduction"].values() if o <= limit][-1]

    assert largest() == 192
    explorer.set(in_channels=64)
    assert largest() == 64 and explorer.values["reduction"] == 64
    assert "1×1 to 64: parameters: (1·1·64 + 1)·64" in explorer.summary()
    assert explorer.error == ""
    explorer.set(in_channels=1024)  # the learner's 128 is allowed again
    assert largest() == 1024 and explorer.values["reduction"] == 128
    with pytest.raises(ValueError, match="reduction must be one of 1, 2, .*, 192, got 256"):
        BottleneckExplorer(in_channels=192, reduction=256)
    # Values from the page that break the limit are named in the explorer's error.
    explorer.values = {**explorer.values, "in_channels": 64, "reduction": 128}
    assert explorer.error.startswith("ValueError: reduction cannot be 128")


def test_bottleneck_explorer_states_its_biases_and_saves_their_counts():
    explorer = BottleneckExplorer(use_bias=False)
    assert explorer.fixed_sizes() == {"height": 28, "width": 28, "use_bias": 0}
    assert "Biases: none" in _readout(explorer)
    data, _ = explorer._repr_mimebundle_()
    assert "5·5·192·32 = 153,600" in html.unescape(data["text/html"])
