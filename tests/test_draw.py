"""The drawings, checked through the artists they return."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.text import Text

from conv1x1_viz import conv2d_reference, conv_macs, conv_params
from conv1x1_viz.draw import (
    FONT,
    draw_channel_mixing,
    draw_cost_comparison,
    draw_feature_map_grid,
    draw_filter_block,
    fixed_title,
)
from conv1x1_viz.geometry import filter_block_scene


@pytest.fixture
def ax():
    return plt.figure().add_subplot()


def face_vertices(collection):
    """Vertices of each polygon in a PolyCollection, without the closing point."""
    return [path.vertices[:4] for path in collection.get_paths()]


# ---------------------------------------------------------------------------- filter block


def test_filter_block_draws_the_scene(ax):
    artists = draw_filter_block((28, 28, 192), 3, 64, ax=ax)
    scene = filter_block_scene((28, 28, 192), 3, 64)
    for drawn, block in (
        (artists.input, scene.input),
        (artists.filter, scene.filter),
        (artists.output, scene.output),
        (artists.first_map, scene.first_map),
    ):
        for got, want in zip(face_vertices(drawn), block.faces(), strict=True):
            np.testing.assert_allclose(got, want)
    window_front, window_top = face_vertices(artists.window)
    np.testing.assert_allclose(window_front, scene.window.front)
    np.testing.assert_allclose(window_top, scene.window.top)
    assert len(artists.dividers["input"].get_segments()) == len(scene.input_dividers)


def test_filter_block_shows_the_filter_as_deep_as_the_input(ax):
    artists = draw_filter_block((28, 28, 512), 1, 64, ax=ax)
    input_top = face_vertices(artists.input)[1]
    filter_top = face_vertices(artists.filter)[1]
    # Same receding edge: from the front edge to the back edge of the top face.
    np.testing.assert_allclose(input_top[3] - input_top[0], filter_top[3] - filter_top[0])


def test_filter_block_labels_carry_the_true_sizes(ax):
    artists = draw_filter_block((28, 28, 2048), 3, 1, ax=ax)
    assert artists.labels["input"].get_text() == "input\n28×28×2,048"
    assert artists.labels["filter"].get_text() == "filter 3×3×2,048\n× 1 filter"
    assert artists.labels["output"].get_text() == "output: 1 map\n28×28×1"
    strided = draw_filter_block((28, 28, 8), 3, 16, strides=2, ax=plt.figure().add_subplot())
    assert strided.labels["output"].get_text() == "output: 16 maps\n14×14×16"


def test_filter_block_updates_in_place(ax):
    artists = draw_filter_block((28, 28, 3), 1, 1, ax=ax)
    n_artists = len(ax.get_children())
    output, label = artists.output, artists.labels["output"]
    before = face_vertices(output)[1].copy()
    artists.update((28, 28, 3), 1, 256)
    assert artists.output is output and artists.labels["output"] is label
    after = face_vertices(output)[1]
    assert np.ptp(after[:, 0]) > np.ptp(before[:, 0])  # a deeper stack of maps
    assert label.get_text() == "output: 256 maps\n28×28×256"
    assert len(ax.get_children()) == n_artists  # nothing was added


def test_filter_block_keeps_given_limits(ax):
    limits = (-1.0, 30.0, -2.0, 12.0)
    artists = draw_filter_block((28, 28, 3), 1, 1, limits=limits, ax=ax)
    artists.update((28, 28, 2048), 7, 2048)
    assert ax.get_xlim() == pytest.approx((-1.2, 30.2))


def test_filter_block_uses_the_current_axes_by_default():
    ax = plt.figure().add_subplot()
    artists = draw_filter_block((8, 8, 4))
    assert artists.ax is ax


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (((8, 8),), {}, "input_shape"),
        (((8, 8, 4), 0), {}, "kernel_size"),
        (((8, 8, 4), 1, 0), {}, "filters"),
        (((8, 8, 4),), {"colour": "red"}, r"unknown style keyword\(s\) \['colour'\]"),
        (((8, 8, 4),), {"max_dividers": 0}, "max_dividers"),
        (((8, 8, 4),), {"ax": "not axes"}, "ax must be a matplotlib Axes"),
    ],
)
def test_filter_block_rejects_bad_arguments(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        draw_filter_block(*args, **kwargs)


# -------------------------------------------------------------------------- channel mixing


def test_channel_mixing_computes_and_draws_the_product(ax, rng):
    x = rng.normal(size=5)
    w = rng.normal(size=(5, 3))  # (C_in, C_out), as conv1x1 and Keras take it
    artists = draw_channel_mixing(x, w, highlight=1, ax=ax)
    expected = conv2d_reference(x.reshape(1, 1, 5), w.reshape(1, 1, 5, 3))[0, 0]
    np.testing.assert_allclose(artists.y, expected)
    np.testing.assert_allclose(artists.weight_image.get_array(), w.T)  # one row per output
    np.testing.assert_allclose(artists.x_image.get_array(), x[np.newaxis])
    np.testing.assert_allclose(artists.y_image.get_array(), expected[:, np.newaxis])
    assert artists.weight_image.get_extent() == [0.0, 5.0, 0.0, 3.0]
    assert artists.sum_text.get_text().startswith("y[1] = ")
    assert artists.sum_text.get_text().endswith(f"{expected[1]:.2f}".replace("-", "−"))


def test_channel_mixing_highlights_the_row_behind_an_output(ax, rng):
    artists = draw_channel_mixing(rng.normal(size=4), rng.normal(size=(4, 6)), highlight=0, ax=ax)
    assert artists.row_box.get_xy() == (0.0, 5.0)  # output 0: the top row
    assert artists.row_box.get_width() == 4.0
    artists.update(rng.normal(size=4), rng.normal(size=(4, 6)), highlight=4)
    assert artists.row_box.get_xy() == (0.0, 1.0)
    assert artists.y_box.get_xy()[1] == artists.row_box.get_xy()[1]


@pytest.mark.parametrize(
    ("values", "shown"), [("row", 4 + 4 + 1), ("all", 4 + 12 + 3), ("none", 0)]
)
def test_channel_mixing_prints_values(ax, rng, values, shown):
    artists = draw_channel_mixing(rng.normal(size=4), rng.normal(size=(4, 3)), ax=ax, values=values)
    assert sum(t.get_visible() for t in artists.values) == shown


def test_channel_mixing_sum_can_be_left_to_the_caller(ax, rng):
    x, w = rng.normal(size=3), rng.normal(size=(3, 2))
    artists = draw_channel_mixing(x, w, ax=ax, show_sum=False)
    assert not artists.sum_text.get_visible()


def test_channel_mixing_stops_printing_values_for_big_matrices(ax, rng):
    artists = draw_channel_mixing(rng.normal(size=4), rng.normal(size=(4, 3)), ax=ax)
    artists.update(rng.normal(size=64), rng.normal(size=(64, 32)))
    assert not any(t.get_visible() for t in artists.values)
    assert artists.weight_image.get_array().shape == (32, 64)


def test_channel_mixing_fixed_colour_limits(ax):
    artists = draw_channel_mixing([1.0, -2.0], [[1.0], [3.0]], x_limit=4.0, weight_limit=5.0, ax=ax)
    assert artists.x_image.get_clim() == (-4.0, 4.0)
    assert artists.weight_image.get_clim() == (-5.0, 5.0)
    assert artists.y_image.get_clim() == (-5.0, 5.0)  # fitted: |1·1 + (−2)·3| = 5


@pytest.mark.parametrize(
    ("x", "w", "kwargs", "message"),
    [
        (np.ones(3), np.ones((4, 2)), {}, "x has 3 channel values but weights expect C_in = 4"),
        (np.ones((3, 1)), np.ones((3, 2)), {}, r"x must have shape \(C_in,\)"),
        (np.ones(3), np.ones(3), {}, r"weights must have shape \(C_in, C_out\)"),
        (np.ones(3), np.ones((3, 2)), {"highlight": 2}, "highlight must be an output index 0 … 1"),
        (np.ones(3), np.ones((3, 2)), {"values": "some"}, "values must be one of"),
        (np.ones(3), np.ones((3, 2)), {"x_limit": 0}, "x_limit must be a number > 0"),
        (np.ones(3), np.ones((3, 2)), {"cmap": "no-such-map"}, "cmap must be"),
        ([np.nan, 1, 1], np.ones((3, 2)), {}, "finite"),
    ],
)
def test_channel_mixing_rejects_bad_arguments(ax, x, w, kwargs, message):
    with pytest.raises(ValueError, match=message):
        draw_channel_mixing(x, w, ax=ax, **kwargs)


# ---------------------------------------------------------------------------- feature maps


def block_of(artists, index):
    """The pixels of drawn map ``index`` in the mosaic image."""
    left, right, bottom, top = artists.map_extent(index)
    mosaic = artists.image.get_array()
    return mosaic[int(-top) : int(-bottom), int(left) : int(right)]


def test_feature_map_grid_draws_each_map_in_its_cell(ax, rng):
    maps = rng.normal(size=(6, 5, 7))
    artists = draw_feature_map_grid(maps, ax=ax)
    assert artists.n_drawn == 7
    for i in range(7):
        np.testing.assert_allclose(block_of(artists, i), maps[:, :, i])
    mosaic = artists.image.get_array()
    assert mosaic.mask.sum() == mosaic.size - maps.size  # only the gaps are see-through
    assert artists.image.get_clim() == (maps.min(), maps.max())  # one shared scale
    assert not artists.more_text.get_visible()


def test_feature_map_grid_caps_the_maps(ax, rng):
    artists = draw_feature_map_grid(rng.random((4, 4, 40)), max_maps=9, ax=ax)
    assert artists.n_drawn == 9
    assert artists.more_text.get_visible() and artists.more_text.get_text() == "+31 more"
    artists.update(rng.random((4, 4, 2049)))
    assert artists.more_text.get_text() == "+2,040 more"


def test_feature_map_grid_updates_in_place(ax, rng):
    artists = draw_feature_map_grid(rng.random((4, 4, 20)), ax=ax, ncols=4, title="before")
    image, title = artists.image, artists.title
    maps = rng.random((4, 4, 3))
    artists.update(maps, title="after")
    assert artists.image is image and artists.title is title and title.get_text() == "after"
    assert artists.n_drawn == 3 and not artists.more_text.get_visible()
    np.testing.assert_allclose(block_of(artists, 2), maps[:, :, 2])
    assert len(ax.images) == 1


def test_feature_map_grid_scales(ax, rng):
    maps = rng.random((4, 4, 3)) * np.array([1.0, 10.0, 100.0])
    fixed = draw_feature_map_grid(maps, vmin=-1.0, vmax=2.0, ax=ax)
    assert fixed.image.get_clim() == (-1.0, 2.0)
    own = draw_feature_map_grid(maps, share_scale=False, ax=plt.figure().add_subplot())
    for i in range(3):  # each map stretched over the whole scale
        assert block_of(own, i).min() == 0.0 and block_of(own, i).max() == 1.0


@pytest.mark.parametrize(
    ("maps", "kwargs", "message"),
    [
        (np.ones((4, 4)), {}, r"shaped \(H, W, C\)"),
        (np.ones((4, 4, 0)), {}, r"shaped \(H, W, C\)"),
        (np.array([[["a"]]]), {}, "must hold numbers"),
        (np.ones((4, 4, 2)), {"max_maps": 0}, "max_maps"),
        (np.ones((4, 4, 2)), {"vmin": 1.0, "vmax": 1.0}, "vmin must be smaller than vmax"),
        (np.ones((4, 4, 2)), {"gap": 2}, "gap must be between 0 and 1"),
    ],
)
def test_feature_map_grid_rejects_bad_arguments(ax, maps, kwargs, message):
    with pytest.raises(ValueError, match=message):
        draw_feature_map_grid(maps, ax=ax, **kwargs)


# ------------------------------------------------------------------------- cost comparison


def inception_costs():
    direct = (conv_params(5, 192, 32), conv_macs((28, 28, 192), 32, 5))
    reduced = (
        conv_params(1, 192, 16) + conv_params(5, 16, 32),
        conv_macs((28, 28, 192), 16, 1) + conv_macs((28, 28, 16), 32, 5),
    )
    return {"direct 5×5": direct, "1×1 then 5×5": reduced}


def test_cost_comparison_bars_and_exact_labels(ax):
    costs = inception_costs()
    artists = draw_cost_comparison(costs, ax=ax)
    assert artists.log and ax.get_xscale() == "log"
    for d, (params, macs) in enumerate(costs.values()):
        for q, value in enumerate((params, macs)):
            bar = artists.bars[q][d]
            assert bar.get_x() + bar.get_width() == pytest.approx(value)
            assert artists.labels[q][d].get_text() == f"{value:,}"
    assert artists.labels[1][0].get_text() == "120,422,400"
    assert [t.get_text() for t in artists.names] == [f"■ {name}" for name in costs]
    for name, bar in zip(artists.names, artists.bars[0], strict=True):
        assert matplotlib.colors.to_rgba(name.get_color()) == bar.get_facecolor()
    groups = artists.group_labels
    assert [t.get_text() for t in groups] == ["parameters", "multiply-accumulates"]
    # Each quantity's label sits beside its group of bars.
    for q, text in enumerate(groups):
        centres = [bar.get_y() + bar.get_height() / 2 for bar in artists.bars[q]]
        assert text.get_position()[1] == pytest.approx(np.mean(centres))


def test_cost_comparison_linear_when_ranges_are_close(ax):
    artists = draw_cost_comparison({"a": (100, 120), "b": (90, 300)}, ax=ax)
    assert not artists.log and ax.get_xscale() == "linear"
    assert artists.bars[1][1].get_width() == 300


def test_cost_comparison_updates_in_place(ax):
    artists = draw_cost_comparison({"a": (100, 120), "b": (90, 300)}, ax=ax)
    bar = artists.bars[0][0]
    artists.update({"c": (10, 5_000_000), "d": (20, 7)})
    assert artists.bars[0][0] is bar and artists.log
    assert bar.get_x() + bar.get_width() == pytest.approx(10)
    assert artists.labels[1][0].get_text() == "5,000,000"
    assert [t.get_text() for t in artists.names] == ["■ c", "■ d"]
    assert len(ax.patches) == 4


def test_cost_comparison_log_tick_labels_are_plain_text(ax):
    draw_cost_comparison(inception_costs(), ax=ax)
    ax.figure.canvas.draw()
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert len(labels) >= 3
    assert all(label.startswith("10") and "$" not in label for label in labels)
    assert "10⁷" in labels


@pytest.mark.parametrize(
    ("costs", "kwargs", "message"),
    [
        ({}, {}, "non-empty mapping"),
        ([("a", 1, 2)], {}, "non-empty mapping"),
        ({"a": (1,)}, {}, r"costs\['a'\] must be 2 whole numbers"),
        ({"a": (1, -2)}, {}, r"costs\['a'\] must be 2 whole numbers"),
        ({"a": (1, 2.5)}, {}, r"costs\['a'\] must be 2 whole numbers"),
        ({"a": (0, 2)}, {"log": True}, "log scale needs every count"),
        ({"a": (1, 2)}, {"log": "yes"}, "log must be True, False"),
        ({"a": (1, 2), "b": (1, 2)}, {"colors": ["red"]}, "colors must give at least 2"),
    ],
)
def test_cost_comparison_rejects_bad_arguments(ax, costs, kwargs, message):
    with pytest.raises(ValueError, match=message):
        draw_cost_comparison(costs, ax=ax, **kwargs)


def test_cost_comparison_update_needs_the_same_designs(ax):
    artists = draw_cost_comparison({"a": (1, 2), "b": (3, 4)}, ax=ax)
    with pytest.raises(ValueError, match="same number of designs"):
        artists.update({"a": (1, 2)})


# ---------------------------------------------------------------------------------- common


def test_drawings_leave_rcparams_alone_and_use_dejavu(rng):
    before = dict(matplotlib.rcParams)
    fig, axes = plt.subplots(2, 2)
    draw_filter_block((8, 8, 4), 3, 2, ax=axes[0, 0])
    draw_channel_mixing(rng.normal(size=3), rng.normal(size=(3, 2)), ax=axes[0, 1])
    draw_feature_map_grid(rng.random((4, 4, 20)), title="maps", ax=axes[1, 0])
    draw_cost_comparison(inception_costs(), ax=axes[1, 1])
    fixed_title(axes[0, 0], "blocks")
    fig.canvas.draw()
    assert dict(matplotlib.rcParams) == before
    texts = [t for t in fig.findobj(Text) if t.get_text() and t.get_visible()]
    assert len(texts) > 20
    assert all(t.get_fontfamily() == [FONT] for t in texts), {
        t.get_text(): t.get_fontfamily() for t in texts if t.get_fontfamily() != [FONT]
    }


def test_linear_cost_ticks_stay_short():
    import matplotlib.pyplot as plt

    from conv1x1_viz.draw import draw_cost_comparison

    fig, ax = plt.subplots(figsize=(4, 2))
    draw_cost_comparison(
        {"direct": (105_226_698_752,), "reduced": (15_300_820_992,)},
        quantities=["multiply-accumulates"],
        log=False,
        ax=ax,
    )
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert labels and all(label.endswith(" G") for label in labels[1:])
    assert max(len(label) for label in labels) <= 6
