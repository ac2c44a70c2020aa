"""ReductionExplorer and BottleneckExplorer, driven headless."""

import html

import numpy as np
import pytest

from conv1x1_viz import conv2d_reference, conv_macs, conv_params
from conv1x1_viz.data import sample_image
from conv1x1_viz.explorers import BottleneckExplorer, ReductionExplorer
from conv1x1_viz.formulas import format_count


def readout_text(explorer):
    return html.unescape(explorer.readout.value)


# ----------------------------------------------------------------------- ReductionExplorer


def test_reduction_explorer_counts_and_maps_follow_the_slider():
    explorer = ReductionExplorer()
    h, w, c = explorer.before.shape
    assert explorer.before_grid.n_drawn == 16 and explorer.before_grid.more_text.get_visible()
    for n in (1, 16, 64):
        explorer.sliders["filters"].value = n
        text = readout_text(explorer)
        assert f"= {format_count(conv_params(1, c, n))}" in text
        assert f"= {format_count(conv_macs((h, w, c), n, 1))}" in text
        assert f"= {format_count(h * w * n)}" in text
        assert explorer.after_grid.n_drawn == min(n, 16)
        assert explorer.after_grid.more_text.get_visible() == (n > 16)
        assert explorer.after_grid.title.get_text().endswith(f"{n} map" + ("s" if n > 1 else ""))
    assert explorer.after_grid.more_text.get_text() == "+48 more"


def test_reduction_explorer_maps_are_the_1x1_layer_output():
    explorer = ReductionExplorer(filters=8)
    kernel = explorer.weights[:, :8].reshape(1, 1, -1, 8)
    expected = np.maximum(conv2d_reference(explorer.before, kernel), 0)
    np.testing.assert_allclose(explorer.after, expected, atol=1e-12)
    left, right, bottom, top = explorer.after_grid.map_extent(4)
    drawn = explorer.after_grid.image.get_array()[int(-top) : int(-bottom), int(left) : int(right)]
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
    assert (
        f"= {format_count(used)}" in readout_text(explorer).split("Parameters of the 1×1 layer")[1]
    )
    assert ("biases: none" in readout_text(explorer)) is (not use_bias)
    assert explorer.fixed_sizes()["use_bias"] == int(use_bias)


def test_sample_image_is_a_real_photo():
    image = sample_image(32)
    assert image.shape == (32, 32, 3) and 0 <= image.min() < image.max() <= 1
    assert image.std() > 0.1  # not a flat picture
    with pytest.raises(ValueError, match="size must be a whole number 4 … 512"):
        sample_image(2)


# ---------------------------------------------------------------------- BottleneckExplorer


def _readout(explorer):
    return explorer.readout_texts()[1]


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


def test_reduction_explorer_shows_the_weights_of_the_map_clicked():
    from matplotlib.backend_bases import MouseEvent

    explorer = ReductionExplorer()
    left, right, bottom, top = explorer.after_grid.map_extent(3)
    px, py = explorer.after_grid.ax.transData.transform(((left + right) / 2, (bottom + top) / 2))
    click = MouseEvent("button_press_event", explorer.fig.canvas, px, py, button=1)
    explorer.fig.canvas.callbacks.process("button_press_event", click)
    assert explorer.selected == 3 and not explorer.errors.outputs
    w = explorer.weights[:, 3]
    shown = [float(t.get_text().replace("−", "-")) for t in explorer.weight_labels]
    np.testing.assert_allclose(shown, w[: len(shown)], atol=0.005)
    top_map = int(np.argmax(np.abs(w)))
    assert f"largest in size is for map {top_map}" in explorer.summary()
    explorer.fig.canvas.callbacks.process("button_press_event", click)  # again: cleared
    assert explorer.selected is None and not any(t.get_visible() for t in explorer.weight_labels)
    # Every heat map whose values are not printed has its colour scale.
    assert explorer.before_grid.colorbar is not None and explorer.after_grid.colorbar is not None
