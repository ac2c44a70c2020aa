"""ReconstructionExplorer, driven headless."""

import html

import numpy as np
import pytest

from conv1x1_viz import conv_params
from conv1x1_viz.explorers import ReconstructionExplorer, ReductionExplorer
from conv1x1_viz.formulas import format_count


def readout_text(explorer):
    return html.unescape(explorer.readout.value)


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
    curves = reconstruction.curves
    random_line, pca_line = curves.curves["random"], curves.curves["pca"]
    trained_points = curves.points
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
        assert list(explorer.curves.cursor.get_xdata()) == [k, k]
        assert list(explorer.curves.markers.get_ydata()) == [errors["random"], errors["pca"]]
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
        assert explorer.grids[1].title.get_text() == f"best linear (PCA), from {k} map" + (
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
    pca_grid, random_grid = explorer.grids[1], explorer.grids[2]
    expected_pca = pca_reduction(maps, 3).reconstruct(maps)[:, :, shown]
    expected_random = random_reduction(maps, 3).reconstruct(maps)[:, :, shown]
    for grid, expected in [(pca_grid, expected_pca), (random_grid, expected_random)]:
        left, right, bottom, top = grid.map_extent(2)
        drawn = grid.image.get_array()[int(-top) : int(-bottom), int(left) : int(right)]
        np.testing.assert_allclose(drawn, expected[:, :, 2], atol=1e-9)
    # Keeping every map rebuilds them exactly.
    explorer.sliders["filters"].value = 12
    np.testing.assert_allclose(explorer.results.pca_maps[11], maps[:, :, shown], atol=1e-9)


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
        ({"features": 1}, r"features must be a whole number 2 … 64 \(one decoder is fitted"),
        ({"features": 65}, r"features must be a whole number 2 … 64 \(one decoder is fitted"),
        ({"features": np.ones((4, 4))}, r"features must be a number of maps 2 … 64 or an array"),
        ({"features": np.ones((4, 4, 65))}, r"with 2 ≤ C ≤ 64 \(one decoder is fitted"),
        ({"features": np.ones((4, 4, 3))}, "features must not be constant"),
        ({"trained": [0.5]}, "trained must be a mapping"),
        ({"trained": {0: 0.5}}, "trained keys must be a whole number 1 … 32, got 0"),
        ({"trained": {2: -1.0}}, r"trained\[2\] must be a finite number ≥ 0, got -1.0"),
        ({"trained": {2: "low"}}, r"trained\[2\] must be a finite number ≥ 0, got 'low'"),
        ({"shown_maps": 0}, "shown_maps must be a whole number ≥ 1"),
    ],
)
def test_reconstruction_explorer_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ReconstructionExplorer(**kwargs)
