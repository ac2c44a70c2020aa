"""draw_feature_map_grid: each map in its cell of the mosaic, the cap and the scales."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from conv1x1_viz.draw import draw_feature_map_grid


@pytest.fixture
def ax():
    return plt.figure().add_subplot()


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


def test_feature_map_grid_can_explain_its_colours(ax, rng):
    artists = draw_feature_map_grid(rng.random((6, 6, 5)), vmin=0.0, vmax=1.0, colorbar=True, ax=ax)
    assert artists.colorbar.mappable is artists.image
    assert (artists.colorbar.vmin, artists.colorbar.vmax) == (0.0, 1.0)
    with pytest.raises(ValueError, match="colorbar needs share_scale=True and fixed vmin"):
        draw_feature_map_grid(rng.random((6, 6, 5)), colorbar=True, ax=ax)
