import numpy as np
import pytest

from conv1x1_viz import conv1x1, conv2d_reference, conv_macs
from conv1x1_viz.identities import (
    average_pool,
    channel_factorisation,
    channel_factorisations,
    channel_matrix,
    conv_as_shifted_1x1,
    shifted_copies,
    unfold,
    upsample,
)


@pytest.mark.parametrize(("k", "padding"), [(1, "same"), (3, "same"), (4, "same"), (5, "valid")])
def test_shifted_1x1_sum_equals_keras_conv2d(keras, rng, k, padding):
    x = rng.normal(size=(2, 9, 11, 3)).astype("float32")
    layer = keras.layers.Conv2D(4, k, padding=padding)
    layer.build(x.shape)
    kernel = layer.get_weights()[0]
    bias = rng.normal(size=4).astype("float32")
    layer.set_weights([kernel, bias])
    theirs = np.asarray(layer(x))
    np.testing.assert_allclose(conv_as_shifted_1x1(x, kernel, bias, padding), theirs, atol=1e-5)
    im2col = conv1x1(unfold(x, k, padding), kernel.reshape(-1, 4), bias)
    np.testing.assert_allclose(im2col, theirs, atol=1e-5)


def test_shifted_copies_shape_and_centre_tap(rng):
    x = rng.normal(size=(6, 7, 2))
    copies = shifted_copies(x, 3)
    assert copies.shape == (3, 3, 6, 7, 2)
    np.testing.assert_array_equal(copies[1, 1], x)  # the centre tap sees the pixel itself
    assert unfold(x, 3, "valid").shape == (4, 5, 18)


def test_linear_1x1_commutes_with_average_pooling_and_upsampling(rng):
    x = rng.normal(size=(8, 12, 5))
    w, b = rng.normal(size=(5, 3)), rng.normal(size=3)
    np.testing.assert_allclose(conv1x1(average_pool(x, 2), w, b), average_pool(conv1x1(x, w, b), 2))
    np.testing.assert_allclose(conv1x1(upsample(x, 3), w, b), upsample(conv1x1(x, w, b), 3))
    # Not through a ReLU, and not with max pooling.
    relu_after_pool = np.maximum(conv1x1(average_pool(x, 2), w, b), 0)
    assert not np.allclose(relu_after_pool, average_pool(np.maximum(conv1x1(x, w, b), 0), 2))
    maxpool = x.reshape(4, 2, 6, 2, 5).max(axis=(1, 3))
    pooled_after = conv1x1(x, w, b).reshape(4, 2, 6, 2, 3).max(axis=(1, 3))
    assert not np.allclose(conv1x1(maxpool, w, b), pooled_after)
    # The 1×1 layer on the pooled map does a quarter of the multiply-accumulates.
    assert conv_macs((8, 12, 5), 3, 1) == 4 * conv_macs((4, 6, 5), 3, 1)


def test_average_pool_and_upsample_against_keras(keras, rng):
    x = rng.normal(size=(1, 6, 4, 2)).astype("float32")
    pooled = np.asarray(keras.layers.AveragePooling2D(2)(x))
    np.testing.assert_allclose(average_pool(x, 2), pooled, atol=1e-6)
    up = np.asarray(keras.layers.UpSampling2D(2, interpolation="nearest")(x))
    np.testing.assert_array_equal(upsample(x, 2), up)


def test_channel_factorisation_is_a_1x1_then_kxk_pair(rng):
    kernel = rng.normal(size=(5, 5, 12, 6))
    fact = channel_factorisation(kernel, 4)
    assert fact.reduce.shape == (12, 4) and fact.kernel.shape == (5, 5, 4, 6)
    assert fact.rank == 4
    np.testing.assert_allclose(fact.reduce.T @ fact.reduce, np.eye(4), atol=1e-12)
    x = rng.normal(size=(9, 9, 12))
    pair = conv2d_reference(conv1x1(x, fact.reduce), fact.kernel)
    np.testing.assert_allclose(pair, conv2d_reference(x, fact.combined()), atol=1e-10)
    assert np.linalg.matrix_rank(channel_matrix(fact.combined())) == 4


def test_channel_factorisation_error_is_the_dropped_singular_values(rng):
    kernel = rng.normal(size=(3, 3, 10, 7))
    s = np.linalg.svd(channel_matrix(kernel), compute_uv=False)
    for r in (1, 5, 10):
        fact = channel_factorisation(kernel, r)
        dropped = np.linalg.norm(kernel - fact.combined()) / np.linalg.norm(kernel)
        assert fact.relative_error == pytest.approx(dropped)
        assert fact.relative_error == pytest.approx(np.sqrt((s[r:] ** 2).sum() / (s**2).sum()))
    # A kernel that is already a 1×1 reduction to 3 maps, then 3×3, is rebuilt exactly.
    low = np.einsum("cr,ijro->ijco", rng.normal(size=(10, 3)), rng.normal(size=(3, 3, 3, 7)))
    assert channel_factorisation(low, 3).relative_error < 1e-7


def test_several_widths_from_one_decomposition(rng):
    kernel = rng.normal(size=(3, 3, 6, 5))
    many = channel_factorisations(kernel, [5, 1, 3])
    assert [f.rank for f in many] == [5, 1, 3]
    for fact in many:
        one = channel_factorisation(kernel, fact.rank)
        np.testing.assert_allclose(fact.combined(), one.combined())
        assert fact.relative_error == pytest.approx(one.relative_error)
    with pytest.raises(ValueError, match="rank must be"):
        channel_factorisations(kernel, [2, 7])


def test_channel_matrix_rows_are_input_channels():
    kernel = np.zeros((3, 3, 4, 2))
    kernel[:, :, 2, :] = 1.0
    m = channel_matrix(kernel)
    assert m.shape == (4, 18)
    assert m[2].tolist() == [1.0] * 18 and not m[[0, 1, 3]].any()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: shifted_copies(np.zeros((4, 4)), 3), r"x must be an array of numbers shaped"),
        (lambda: shifted_copies(np.zeros((4, 4, 1)), 0), r"kernel_size must be"),
        (lambda: shifted_copies(np.zeros((4, 4, 1)), 5, "valid"), r"at most 4 with 'valid'"),
        (lambda: shifted_copies(np.zeros((4, 4, 1)), 3, "full"), r"padding must be one of"),
        (lambda: conv_as_shifted_1x1(np.zeros((4, 4, 1)), np.zeros((3, 2, 1, 1))), r"square"),
        (lambda: average_pool(np.zeros((5, 4, 1)), 2), r"size must divide the height"),
        (lambda: upsample(np.zeros((2, 2, 1)), 0), r"factor must be"),
        (lambda: channel_factorisation(np.zeros((3, 3, 4, 2)), 5), r"rank must be"),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()
