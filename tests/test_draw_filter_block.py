"""draw_filter_block, checked against the scene geometry.filter_block_scene works out."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from conv1x1_viz.draw import draw_filter_block
from conv1x1_viz.geometry import filter_block_scene


@pytest.fixture
def ax():
    return plt.figure().add_subplot()


def face_vertices(collection):
    """Vertices of each polygon in a PolyCollection, without the closing point."""
    return [path.vertices[:4] for path in collection.get_paths()]


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
    assert len(artists.dividers["input"].get_segments()) == len(scene.dividers["input"])


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


def test_filter_block_says_it_is_not_to_scale(ax):
    from conv1x1_viz.draw.filter_block import NOT_TO_SCALE

    artists = draw_filter_block((256, 256, 512), kernel_size=7, filters=64, ax=ax)
    assert artists.scale_note.get_text() == NOT_TO_SCALE and artists.scale_note.get_visible()


@pytest.mark.parametrize("height", [1.5, 3.0])
@pytest.mark.parametrize("fontsize", [8, 9.5])
def test_scale_note_clears_the_labels_at_any_scale(height, fontsize):
    # The labels' height is in points, the room under the blocks in data units: in a
    # small axes the labels fill more than that room, and the note must still sit under them.
    fig, ax = plt.subplots(figsize=(5.8, height), dpi=100)
    artists = draw_filter_block((75, 64, 64), kernel_size=3, filters=1, ax=ax, fontsize=fontsize)
    fig.tight_layout()
    renderer = fig.canvas.get_renderer()
    note = artists.scale_note.get_window_extent(renderer)
    for label in artists.labels.values():
        box = label.get_window_extent(renderer)
        assert note.y1 <= box.y0, (note, box)
