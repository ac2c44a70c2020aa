"""The arithmetic core against Keras and TensorFlow, and its errors."""

import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conv1x1_viz import conv1x1, conv2d_reference, conv_macs, conv_output_shape, conv_params

sizes = st.integers(1, 7) | st.tuples(st.integers(1, 7), st.integers(1, 7))
strides = st.integers(1, 3) | st.tuples(st.integers(1, 3), st.integers(1, 3))
paddings = st.sampled_from(["same", "valid"])
keras_settings = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _pair(v):
    return v if isinstance(v, tuple) else (v, v)


@st.composite
def layers(draw):
    """A Conv2D configuration and an input it fits (a "valid" kernel fits the input)."""
    kernel, stride, padding = draw(sizes), draw(strides), draw(paddings)
    kh, kw = _pair(kernel)
    h = draw(st.integers(kh if padding == "valid" else 1, 20))
    w = draw(st.integers(kw if padding == "valid" else 1, 20))
    return (h, w, draw(st.integers(1, 64))), draw(st.integers(1, 64)), kernel, stride, padding


@keras_settings
@given(layer=layers(), use_bias=st.booleans())
def test_shapes_and_params_match_keras(keras, layer, use_bias):
    input_shape, filters, kernel, stride, padding = layer
    conv = keras.layers.Conv2D(filters, kernel, strides=stride, padding=padding, use_bias=use_bias)
    conv.build((None, *input_shape))
    assert conv.compute_output_shape((None, *input_shape))[1:] == conv_output_shape(
        input_shape, filters, kernel, stride, padding
    )
    assert conv.count_params() == conv_params(kernel, input_shape[2], filters, use_bias)


@keras_settings
@given(layer=layers())
def test_macs_are_outputs_times_filter_volume(keras, layer):
    input_shape, filters, kernel, stride, padding = layer
    conv = keras.layers.Conv2D(filters, kernel, strides=stride, padding=padding, use_bias=False)
    conv.build((None, *input_shape))
    _, h_out, w_out, c_out = conv.compute_output_shape((None, *input_shape))
    # Each output value needs one multiply-accumulate per weight of its filter.
    weights_per_filter = conv.count_params() // filters
    assert conv_macs(input_shape, filters, kernel, stride, padding) == (
        h_out * w_out * c_out * weights_per_filter
    )


def test_the_tutorial_numbers():
    assert conv_params(3, in_channels=3, filters=512) == 3 * 3 * 3 * 512 + 512
    assert f"{conv_params(3, in_channels=3, filters=512):,}" == "14,336"
    assert f"{conv_params(1, in_channels=512, filters=64):,}" == "32,832"
    assert f"{conv_params(1, in_channels=512, filters=512):,}" == "262,656"


def test_inception_5x5_branch_costs():
    # Going Deeper with Convolutions: 28×28×192 input, 32 filters of 5×5.
    direct = conv_macs((28, 28, 192), 32, 5)
    reduced = conv_macs((28, 28, 192), 16, 1) + conv_macs((28, 28, 16), 32, 5)
    assert round(direct / 1e6, 1) == 120.4
    assert round(reduced / 1e6, 1) == 12.4


@keras_settings
@given(layer=layers(), batch=st.integers(1, 2), data=st.data())
def test_reference_convolution_matches_tensorflow(tf, layer, batch, data):
    input_shape, filters, kernel, stride, padding = layer
    kh, kw = _pair(kernel)
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    x = rng.normal(size=(batch, *input_shape)).astype(np.float32)
    k = rng.normal(size=(kh, kw, input_shape[2], filters)).astype(np.float32)
    b = rng.normal(size=filters).astype(np.float32)
    expected = tf.nn.conv2d(x, k, strides=_pair(stride), padding=padding.upper()).numpy() + b
    got = conv2d_reference(x, k, b, strides=stride, padding=padding)
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(conv2d_reference(x[0], k, b, stride, padding), got[0])


def test_conv1x1_matches_tensorflow_and_reference(tf, rng):
    x = rng.normal(size=(3, 9, 7, 12)).astype(np.float32)
    w = rng.normal(size=(12, 5)).astype(np.float32)
    b = rng.normal(size=5).astype(np.float32)
    expected = tf.nn.conv2d(x, w[np.newaxis, np.newaxis], strides=1, padding="VALID").numpy() + b
    np.testing.assert_allclose(conv1x1(x, w, b), expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(conv1x1(x, w[None, None], b), expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(
        conv1x1(x, w, b), conv2d_reference(x, w[None, None], b), rtol=1e-5, atol=1e-5
    )


def test_conv1x1_is_the_same_matrix_at_every_pixel(rng):
    x = rng.normal(size=(4, 6, 3))
    w = rng.normal(size=(3, 2))
    out = conv1x1(x, w)
    for r, c in [(0, 0), (3, 5), (2, 1)]:
        np.testing.assert_allclose(out[r, c], x[r, c] @ w)


def test_conv1x1_works_without_python_loops_on_large_input(rng):
    x = rng.normal(size=(1, 256, 256, 64)).astype(np.float32)
    w = rng.normal(size=(64, 16)).astype(np.float32)
    assert conv1x1(x, w).shape == (1, 256, 256, 16)


def _raises(match, fn, *args, **kwargs):
    with pytest.raises(ValueError, match=match):
        fn(*args, **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"filters": 0}, r"filters must be a whole number ≥ 1, got 0"),
        ({"filters": -3}, r"filters must be a whole number ≥ 1, got -3"),
        ({"filters": 2.5}, r"filters must be a whole number ≥ 1, got 2\.5"),
        ({"filters": True}, r"filters must be a whole number ≥ 1, got True"),
        ({"kernel_size": 0}, r"kernel_size must be a whole number ≥ 1, got 0"),
        ({"kernel_size": (3, 0)}, r"kernel_size\[1\] must be a whole number ≥ 1, got 0"),
        ({"kernel_size": (1, 2, 3)}, r"kernel_size must be a whole number ≥ 1 or a pair"),
        ({"strides": 0}, r"strides must be a whole number ≥ 1, got 0"),
        ({"padding": "full"}, r"padding must be one of \('same', 'valid'\), got 'full'"),
        ({"input_shape": (8, 8)}, r"input_shape must be \(H, W, C_in\)"),
        ({"input_shape": (8, 0, 3)}, r"input_shape\[1\] \(W\) must be a whole number ≥ 1, got 0"),
        (
            {"kernel_size": 9, "padding": "valid"},
            r'kernel_size height is 9 but the input height is only 8: with padding="valid"',
        ),
    ],
)
@pytest.mark.parametrize("fn", [conv_output_shape, conv_macs])
def test_shape_and_macs_reject_bad_input(fn, kwargs, message):
    call = {"input_shape": (8, 10, 3), "filters": 4, "kernel_size": 3, **kwargs}
    _raises(message, fn, **call)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0, 3, 4), r"kernel_size must be a whole number ≥ 1, got 0"),
        ((3, 0, 4), r"in_channels must be a whole number ≥ 1, got 0"),
        ((3, 3, -1), r"filters must be a whole number ≥ 1, got -1"),
        ((3, 3.0, 4), r"in_channels must be a whole number ≥ 1, got 3\.0"),
        ((3, 3, 4, "yes"), r"use_bias must be True or False, got 'yes'"),
    ],
)
def test_params_reject_bad_input(args, message):
    _raises(message, conv_params, *args)


def test_numpy_integers_are_accepted():
    assert conv_params(np.int64(1), np.int32(512), np.uint16(64)) == conv_params(1, 512, 64)


def test_conv1x1_rejects_bad_input(rng):
    x = rng.normal(size=(4, 4, 3))
    _raises(
        r"x must have shape \(\.\.\., H, W, C_in\), got shape \(4, 3\)",
        conv1x1,
        x[0],
        np.ones((3, 2)),
    )
    _raises(r"weights must have shape", conv1x1, x, np.ones(3))
    _raises(r"must be a 1×1 kernel", conv1x1, x, np.ones((3, 3, 3, 2)))
    _raises(r"x has 3 channels but weights expect C_in = 4", conv1x1, x, np.ones((4, 2)))
    _raises(
        r"bias must have shape \(C_out,\) = \(2,\), got shape \(3,\)",
        conv1x1,
        x,
        np.ones((3, 2)),
        np.ones(3),
    )
    _raises(r"x must be an array of numbers", conv1x1, np.full((2, 2, 3), "a"), np.ones((3, 2)))


def test_reference_rejects_bad_input(rng):
    x = rng.normal(size=(5, 5, 3))
    k = rng.normal(size=(3, 3, 3, 2))
    _raises(
        r"x must have shape \(N, H, W, C_in\) or \(H, W, C_in\), got shape \(5, 3\)",
        conv2d_reference,
        x[0],
        k,
    )
    _raises(
        r"kernel must have shape \(k_h, k_w, C_in, C_out\), got shape \(3, 3, 2\)",
        conv2d_reference,
        x,
        k[0],
    )
    _raises(r"kernel spans 2 channels but x has 3", conv2d_reference, x, k[:, :, :2])
    _raises(r"padding must be one of", conv2d_reference, x, k, padding="SAME ")
    _raises(r"strides must be a whole number ≥ 1, got 0", conv2d_reference, x, k, strides=0)
    _raises(
        r"kernel_size width is 7 but the input width is only 5",
        conv2d_reference,
        x,
        rng.normal(size=(1, 7, 3, 2)),
        padding="valid",
    )
    _raises(re.escape("bias must have shape (C_out,) = (2,)"), conv2d_reference, x, k, np.ones(5))


def test_import_does_not_import_tensorflow():
    import subprocess
    import sys

    code = "import sys, conv1x1_viz; print('tensorflow' in sys.modules, 'keras' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
