"""draw_channel_mixing: the product it computes and the cells it outlines and prints."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from conv1x1_viz import conv2d_reference
from conv1x1_viz.draw import draw_channel_mixing


@pytest.fixture
def ax():
    return plt.figure().add_subplot()


def test_channel_mixing_computes_and_draws_the_product(ax, rng):
    x = rng.normal(size=5)
    w = rng.normal(size=(5, 3))  # (C_in, C_out), as conv1x1 and Keras take it
    artists = draw_channel_mixing(x, w, highlight=1, ax=ax)
    expected = conv2d_reference(x.reshape(1, 1, 5), w.reshape(1, 1, 5, 3))[0, 0]
    np.testing.assert_allclose(artists.y, expected)
    # W as y = x @ W writes it: C_in rows, one column per output; x a column, y a row.
    np.testing.assert_allclose(artists.images["weights"].get_array(), w)
    np.testing.assert_allclose(artists.images["x"].get_array(), x[:, np.newaxis])
    np.testing.assert_allclose(artists.images["y"].get_array(), expected[np.newaxis])
    assert artists.images["weights"].get_extent() == [0.0, 3.0, 0.0, 5.0]
    left, right, bottom, top = artists.images["x"].get_extent()
    assert right < 0.0 and (bottom, top) == (0.0, 5.0)  # left of W, beside its rows
    left, right, bottom, top = artists.images["y"].get_extent()
    assert (left, right) == (0.0, 3.0) and top < 0.0  # under W, below its columns
    captions = [t.get_text() for t in artists.titles.values()]
    assert "W: shape (5, 3), one column per filter" in captions
    assert artists.sum_text.get_text().startswith("y[1] = ")
    assert artists.sum_text.get_text().endswith(f"{expected[1]:.2f}".replace("-", "−"))


def test_channel_mixing_highlights_the_column_behind_an_output(ax, rng):
    artists = draw_channel_mixing(rng.normal(size=4), rng.normal(size=(4, 6)), highlight=0, ax=ax)
    assert artists.boxes["weights"].get_xy() == (0.0, 0.0)  # output 0: the first column
    assert (artists.boxes["weights"].get_width(), artists.boxes["weights"].get_height()) == (1, 4)
    artists.update(rng.normal(size=4), rng.normal(size=(4, 6)), highlight=4)
    assert artists.boxes["weights"].get_xy() == (4.0, 0.0)
    assert artists.boxes["y"].get_xy()[0] == artists.boxes["weights"].get_xy()[0]
    assert artists.sum_text.get_text().startswith("y[4] = ")


def test_channel_mixing_outlines_a_term_beside_its_row_and_in_its_column(ax, rng):
    artists = draw_channel_mixing(rng.normal(size=4), rng.normal(size=(4, 6)), ax=ax)
    artists.show_term(1, 5)  # x[1]·W[1, 5]: row 1 from the top, column 5
    x_box, w_box = artists.term_boxes
    assert w_box.get_xy() == (5, 2) and (w_box.get_width(), w_box.get_height()) == (1, 1)
    assert x_box.get_xy()[1] == w_box.get_xy()[1] and x_box.get_xy()[0] < 0
    artists.show_term(None)
    assert not any(box.get_visible() for box in artists.term_boxes)


@pytest.mark.parametrize(
    ("values", "shown"), [("column", 4 + 4 + 3), ("all", 4 + 12 + 3), ("none", 0)]
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
    assert artists.images["weights"].get_array().shape == (64, 32)


def test_channel_mixing_prints_numbers_only_where_they_fit(rng):
    # The same 4×3 matrix: numbers in a roomy axes, none in a cramped one.
    x, w = rng.normal(size=4), rng.normal(size=(4, 3))
    roomy = plt.figure(figsize=(4, 3)).add_subplot()
    assert any(t.get_visible() for t in draw_channel_mixing(x, w, ax=roomy).values)
    cramped = plt.figure(figsize=(1.2, 3)).add_subplot()
    assert not any(t.get_visible() for t in draw_channel_mixing(x, w, ax=cramped).values)


def test_channel_mixing_fixed_colour_limits(ax):
    artists = draw_channel_mixing([1.0, -2.0], [[1.0], [3.0]], x_limit=4.0, weight_limit=5.0, ax=ax)
    assert artists.images["x"].get_clim() == (-4.0, 4.0)
    assert artists.images["weights"].get_clim() == (-5.0, 5.0)
    assert artists.images["y"].get_clim() == (-5.0, 5.0)  # fitted: |1·1 + (−2)·3| = 5


@pytest.mark.parametrize(
    ("x", "w", "kwargs", "message"),
    [
        (np.ones(3), np.ones((4, 2)), {}, "x has 3 channel values but weights expect C_in = 4"),
        (np.ones((3, 1)), np.ones((3, 2)), {}, r"x must have shape \(C_in,\)"),
        (np.ones(3), np.ones(3), {}, r"weights must have shape \(C_in, C_out\)"),
        (np.ones(3), np.ones((3, 2)), {"highlight": 2}, "highlight must be a whole number 0 … 1"),
        (np.ones(3), np.ones((3, 2)), {"highlight": True}, "highlight must be a whole number"),
        (np.ones(3), np.ones((3, 2)), {"values": "some"}, "values must be one of"),
        (np.ones(3), np.ones((3, 2)), {"x_limit": 0}, "x_limit must be a number > 0"),
        (np.ones(3), np.ones((3, 2)), {"cmap": "no-such-map"}, "cmap must be"),
        ([np.nan, 1, 1], np.ones((3, 2)), {}, "finite"),
    ],
)
def test_channel_mixing_rejects_bad_arguments(ax, x, w, kwargs, message):
    with pytest.raises(ValueError, match=message):
        draw_channel_mixing(x, w, ax=ax, **kwargs)


def test_channel_mixing_weights_get_a_colour_scale(ax, rng):
    # Only one row of weights has its numbers printed: the colours need a scale.
    artists = draw_channel_mixing(
        rng.normal(size=4), rng.normal(size=(4, 3)), ax=ax, weight_limit=2.0, colorbar=True
    )
    assert artists.colorbar.mappable is artists.images["weights"]
    assert artists.colorbar.vmin == -2.0 and artists.colorbar.vmax == 2.0
    with pytest.raises(ValueError, match="colorbar needs a fixed weight_limit"):
        draw_channel_mixing(rng.normal(size=4), rng.normal(size=(4, 3)), ax=ax, colorbar=True)
