"""The best linear 1×1 reduction: principal components, decoders and errors."""

import numpy as np
import pytest

from conv1x1_viz import conv1x1
from conv1x1_viz.pca import (
    fit_decoder,
    pca_errors,
    pca_reduction,
    principal_components,
    random_reduction,
    reconstruction_error,
)


@pytest.fixture
def maps(rng):
    """Correlated channels, as real feature maps have: 6 hidden factors mixed into 10 maps."""
    factors = rng.normal(size=(12, 9, 6)) * np.array([3.0, 2.0, 1.5, 1.0, 0.5, 0.2])
    return (
        factors @ rng.normal(size=(6, 10))
        + rng.normal(size=10)
        + 0.05 * rng.normal(size=(12, 9, 10))
    )


def test_components_are_orthonormal_eigenvectors_of_the_covariance(maps):
    pcs = principal_components(maps)
    pixels = maps.reshape(-1, 10)
    np.testing.assert_allclose(pcs.mean, pixels.mean(axis=0))
    np.testing.assert_allclose(pcs.components.T @ pcs.components, np.eye(10), atol=1e-12)
    covariance = np.cov(pixels, rowvar=False, bias=True)
    np.testing.assert_allclose(
        covariance @ pcs.components, pcs.components * pcs.variances, atol=1e-10
    )
    assert np.all(np.diff(pcs.variances) <= 0)
    # The same as the squared singular values of the centred pixels.
    singular = np.linalg.svd(pixels - pixels.mean(axis=0), compute_uv=False)
    np.testing.assert_allclose(pcs.variances, singular**2 / len(pixels), rtol=1e-9, atol=1e-12)
    assert pcs.total_variance == pytest.approx(pixels.var(axis=0).sum())


def test_component_signs_are_fixed(maps):
    components = principal_components(maps).components
    largest = components[np.argmax(np.abs(components), axis=0), np.arange(10)]
    assert np.all(largest > 0)
    # Flipping the data's sign flips the directions, not the rule.
    flipped = principal_components(-maps).components
    largest = flipped[np.argmax(np.abs(flipped), axis=0), np.arange(10)]
    assert np.all(largest > 0)


@pytest.mark.parametrize("k", [1, 3, 6, 9])
def test_pca_error_is_the_sum_of_the_dropped_eigenvalues(maps, k):
    pcs = principal_components(maps)
    reduction = pca_reduction(maps, k)
    rebuilt = reduction.reconstruct(maps)
    squared_error = ((maps - rebuilt) ** 2).sum()
    pixels = maps.shape[0] * maps.shape[1]
    assert squared_error == pytest.approx(pixels * pcs.variances[k:].sum(), rel=1e-9)
    assert reduction.error(maps) == pytest.approx(pcs.variances[k:].sum() / pcs.total_variance)
    assert pca_errors(maps)[k] == pytest.approx(reduction.error(maps), rel=1e-9)


def test_pca_error_curve_ends(maps):
    errors = pca_errors(maps)
    assert errors.shape == (11,)
    assert errors[0] == 1.0 and errors[-1] == 0.0
    assert np.all(np.diff(errors) <= 0)
    assert pca_reduction(maps, 10).error(maps) == pytest.approx(0.0, abs=1e-20)


def test_pca_weights_are_a_1x1_layer(maps):
    reduction = pca_reduction(maps, 4)
    assert reduction.weights.shape == (10, 4) and reduction.bias.shape == (4,)
    assert reduction.decoder_weights.shape == (4, 10) and reduction.decoder_bias.shape == (10,)
    assert reduction.k == 4
    codes = reduction.reduce(maps)
    assert codes.shape == (12, 9, 4)
    np.testing.assert_allclose(
        codes, conv1x1(maps, reduction.weights.reshape(1, 1, 10, 4), reduction.bias)
    )
    # The kept maps are uncorrelated, with the largest variances, in order.
    np.testing.assert_allclose(codes.reshape(-1, 4).mean(axis=0), 0, atol=1e-10)
    covariance = np.cov(codes.reshape(-1, 4), rowvar=False, bias=True)
    np.testing.assert_allclose(
        covariance, np.diag(principal_components(maps).variances[:4]), atol=1e-9
    )
    # A batch works the same as its images one by one.
    batch = np.stack([maps, 2 * maps])
    np.testing.assert_allclose(reduction.reconstruct(batch)[1], reduction.reconstruct(2 * maps))


def test_pca_beats_random_weights_and_any_other_subspace(maps, rng):
    errors = pca_errors(maps)
    for k in range(1, 10):
        assert errors[k] < random_reduction(maps, k, seed=k).error(maps)
        # Any other k-dimensional encoder with its best decoder does no better.
        other = fit_decoder(maps, rng.normal(size=(10, k)), rng.normal(size=k))
        assert errors[k] <= other.error(maps) + 1e-12
    # With as many maps as channels, a random encoder loses nothing either.
    assert random_reduction(maps, 10).error(maps) == pytest.approx(0.0, abs=1e-12)


def test_fitted_decoder_is_the_least_squares_optimum(maps, rng):
    weights = rng.normal(size=(10, 3))
    best = fit_decoder(maps, weights)
    np.testing.assert_allclose(best.bias, 0)
    error = best.error(maps)
    for _ in range(5):
        nudged = type(best)(
            best.weights,
            best.bias,
            best.decoder_weights + 1e-3 * rng.normal(size=(3, 10)),
            best.decoder_bias + 1e-3 * rng.normal(size=10),
        )
        assert nudged.error(maps) > error


def test_random_reduction_is_nested_and_seeded(maps):
    four, six = random_reduction(maps, 4, seed=3), random_reduction(maps, 6, seed=3)
    np.testing.assert_array_equal(six.weights[:, :4], four.weights)
    np.testing.assert_array_equal(random_reduction(maps, 4, seed=3).weights, four.weights)
    assert not np.array_equal(random_reduction(maps, 4, seed=4).weights, four.weights)
    # He scaling: variance 2 / C.
    many = random_reduction(np.random.default_rng(0).normal(size=(4, 4, 400)), 400, seed=0)
    assert many.weights.var() == pytest.approx(2 / 400, rel=0.02)


def test_reconstruction_error_scale(maps):
    assert reconstruction_error(maps, maps) == 0.0
    means = np.broadcast_to(maps.reshape(-1, 10).mean(axis=0), maps.shape)
    assert reconstruction_error(maps, means) == pytest.approx(1.0)
    assert reconstruction_error(maps, means + (maps - means) / 2) == pytest.approx(0.25)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda m: pca_reduction(m, 0), r"k must be a whole number 1 … 10"),
        (lambda m: pca_reduction(m, 11), r"k must be a whole number 1 … 10"),
        (lambda m: pca_reduction(m, 2.0), r"k must be a whole number"),
        (lambda m: random_reduction(m, True), r"k must be a whole number"),
        (lambda m: random_reduction(m, 2, seed=-1), r"seed must be a whole number ≥ 0"),
        (lambda m: principal_components(m[0]), r"features must have shape \(H, W, C\)"),
        (lambda m: principal_components(m[:0]), r"features must have shape"),
        (lambda m: principal_components(m.astype(str)), r"features must be an array of real"),
        (lambda m: principal_components(np.where(m > 3, np.nan, m)), r"features must not"),
        (lambda m: fit_decoder(m, np.ones((9, 2))), r"weights must be a finite \(C, k\) matrix"),
        (lambda m: fit_decoder(m, np.ones((10, 2)), np.ones(3)), r"bias must have shape \(k,\)"),
        (lambda m: reconstruction_error(m, m[:, :5]), r"reconstruction must have the shape"),
        (lambda m: reconstruction_error(np.ones_like(m), m), r"features must not be constant"),
        (lambda m: pca_errors(np.ones_like(m)), r"features must not be constant"),
        (
            lambda m: pca_reduction(m, 2, principal_components(m[:, :, :4])),
            r"components must be those of features with 10 channels",
        ),
    ],
)
def test_bad_arguments_are_named(maps, call, message):
    with pytest.raises(ValueError, match=message):
        call(maps)


def test_pca_weights_work_in_keras(keras, maps):
    reduction = pca_reduction(maps, 3)
    encode = keras.layers.Conv2D(3, 1)
    decode = keras.layers.Conv2D(10, 1)
    encode.build((None, 12, 9, 10))
    decode.build((None, 12, 9, 3))
    encode.set_weights([reduction.weights.reshape(1, 1, 10, 3), reduction.bias])
    decode.set_weights([reduction.decoder_weights.reshape(1, 1, 3, 10), reduction.decoder_bias])
    rebuilt = np.asarray(decode(encode(maps[np.newaxis].astype("float32"))))[0]
    np.testing.assert_allclose(rebuilt, reduction.reconstruct(maps), rtol=1e-4, atol=1e-4)
