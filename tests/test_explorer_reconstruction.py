"""ReconstructionExplorer, driven headless: its values, readout, saved picture and the data
the page rebuilds the maps from."""

import base64
import json

import numpy as np
import pytest
from matplotlib.figure import Figure

from conv1x1_viz import conv_params
from conv1x1_viz.explorers import ReconstructionExplorer, ReductionExplorer
from conv1x1_viz.explorers.reconstruction import SCORE_BITS, _quantized, _terms
from conv1x1_viz.formulas import format_count

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
    curves = reconstruction.draw_picture(Figure()).curves
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
    # The page draws the same curves and points.
    data = reconstruction.spec["data"]
    assert data["errors"]["pca"] == list(reconstruction.results.pca_errors)
    assert data["errors"]["random"] == list(reconstruction.results.random_errors)
    assert data["trained"] == [[1, 0.70], [4, 0.30], [16, 0.05]]


def test_reconstruction_explorer_markers_and_readout_follow_the_slider():
    explorer = ReconstructionExplorer(trained=TRAINED)
    for k in (1, 5, 16, 32):
        explorer.set(filters=k)
        errors = explorer.errors_at(k)
        picture = explorer.draw_picture(Figure())
        assert list(picture.curves.cursor.get_xdata()) == [k, k]
        assert list(picture.curves.markers.get_ydata()) == [errors["random"], errors["pca"]]
        text = explorer.readout_texts()[1]
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
        maps = "map" if k == 1 else "maps"
        assert picture.grids[1].title.get_text() == f"best linear (PCA), from {k} {maps}"
        assert picture.grids[2].title.get_text() == f"random 1×1 weights, from {k} {maps}"
    assert explorer.errors_at(32)["pca"] == 0.0 and explorer.error == ""


def test_reconstruction_explorer_maps_are_rebuilt_from_k_maps():
    from conv1x1_viz.pca import pca_reduction, random_reduction

    explorer = ReconstructionExplorer(filters=3, features=12, image_size=32)
    maps = explorer.features
    shown = explorer.shown
    assert len(shown) == 4 and list(shown) == sorted(shown)
    variances = maps.reshape(-1, 12).var(axis=0)
    assert variances[shown].min() >= np.delete(variances, shown).max()
    _, pca_grid, random_grid = explorer.draw_picture(Figure()).grids
    expected_pca = pca_reduction(maps, 3).reconstruct(maps)[:, :, shown]
    expected_random = random_reduction(maps, 3).reconstruct(maps)[:, :, shown]
    for grid, expected in [(pca_grid, expected_pca), (random_grid, expected_random)]:
        left, right, bottom, top = grid.map_extent(2)
        drawn = grid.image.get_array()[int(-top) : int(-bottom), int(left) : int(right)]
        np.testing.assert_allclose(drawn, expected[:, :, 2], atol=1e-9)
    # Keeping every map rebuilds them exactly.
    explorer.set(filters=12)
    np.testing.assert_allclose(explorer.results.pca_maps[11], maps[:, :, shown], atol=1e-9)


@pytest.mark.parametrize("kwargs", [{}, {"features": 9, "image_size": 16, "shown_maps": 9}])
def test_the_terms_the_page_adds_are_the_reconstructions(kwargs):
    """mean + Σ_{i<k} score_i · loading_i is each reduction's rebuilt maps at every k: exactly
    with the scores as computed, and within the sum of the terms' half steps as sent."""
    explorer = ReconstructionExplorer(**kwargs)
    h, w, c = explorer.features.shape
    shown = explorer.shown
    mean = explorer.features.reshape(-1, c).mean(axis=0)[shown]
    truth = {"pca": explorer.results.pca_maps, "random": explorer.results.random_maps}
    data = explorer.spec["data"]
    scale = float(np.abs(explorer.features[:, :, shown]).max())
    for name, (scores, loadings) in _terms(explorer.features, shown, 0).items():
        terms = scores[:, :, :, np.newaxis] * loadings[:, np.newaxis, np.newaxis, :]
        np.testing.assert_allclose(mean + np.cumsum(terms, axis=0), truth[name], atol=1e-9 * scale)
        sent = data["reductions"][name]
        quantized = np.frombuffer(base64.b64decode(sent["scores"]), np.int8).reshape(c, h, w)
        steps = np.array(sent["steps"])
        assert steps.tolist() == _quantized(scores)[1].tolist()
        assert np.abs(quantized).max() <= 2 ** (SCORE_BITS - 1) - 1
        np.testing.assert_allclose(np.array(sent["loadings"]), loadings)
        rebuilt = mean + np.cumsum(
            (quantized * steps[:, None, None])[:, :, :, None] * loadings[:, None, None, :], axis=0
        )
        bound = np.cumsum(steps[:, None] / 2 * np.abs(loadings), axis=0)[:, None, None, :]
        assert np.all(np.abs(rebuilt - truth[name]) <= bound + 1e-9 * scale), name


def test_a_map_in_the_span_of_the_maps_before_adds_no_term(rng):
    # Two channels copy others: the maps and the random maps made from them span 3 dimensions.
    base = rng.normal(size=(6, 5, 3))
    maps = np.concatenate([base, base[:, :, :1] * 2, base[:, :, 1:2] - base[:, :, 2:]], axis=2)
    explorer = ReconstructionExplorer(features=maps, shown_maps=5)
    scores, loadings = _terms(explorer.features, explorer.shown, 0)["random"]
    assert np.abs(scores[3:]).max() == 0.0
    rebuilt = explorer.features.reshape(-1, 5).mean(axis=0) + np.einsum(
        "ihw,ij->hwj", scores, loadings
    )
    np.testing.assert_allclose(rebuilt, explorer.results.random_maps[-1], atol=1e-9)


def test_the_page_gets_a_modest_payload(reconstruction):
    size = len(json.dumps(reconstruction.spec))
    assert size < 500_000, f"{size:,} characters"
    # The maps as saved: PNGs of the maps with the most variance, one each.
    assert all(
        url.startswith("data:image/png;base64,") for url in reconstruction.spec["data"]["originals"]
    )


def test_reconstruction_explorer_takes_any_maps(rng):
    maps = rng.normal(size=(10, 8, 5))
    explorer = ReconstructionExplorer(filters=2, features=maps, shown_maps=9)
    assert explorer.image is None and explorer.controls["filters"].high == 5
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
