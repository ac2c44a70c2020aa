"""The arithmetic core against Keras and TensorFlow, and its errors."""

import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import conv1x1_viz.arithmetic as arithmetic
from conv1x1_viz import conv1x1, conv2d_reference, conv_macs, conv_output_shape, conv_params
from conv1x1_viz.arithmetic import pool_output_shape

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


def _lines_run_in_arithmetic(fn, *args):
    """Count the Python lines of arithmetic.py that run during ``fn(*args)``."""
    import sys

    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        if frame.f_code.co_filename == arithmetic.__file__:
            if event == "line":
                count += 1
            return tracer
        return None

    sys.settrace(tracer)
    try:
        fn(*args)
    finally:
        sys.settrace(None)
    return count


def test_conv1x1_runs_no_python_loop_over_pixels(rng):
    # The same lines run for 4 pixels and for 65,536: the pixels go through one product.
    w = rng.normal(size=(8, 4))
    small = _lines_run_in_arithmetic(conv1x1, rng.normal(size=(2, 2, 8)), w)
    large = _lines_run_in_arithmetic(conv1x1, rng.normal(size=(256, 256, 8)), w)
    assert small == large > 0
    # The reference convolution, by contrast, loops over the kernel's taps: the count grows.
    k1, k3 = rng.normal(size=(1, 1, 8, 4)), rng.normal(size=(3, 3, 8, 4))
    x = rng.normal(size=(6, 6, 8))
    assert _lines_run_in_arithmetic(conv2d_reference, x, k3) > _lines_run_in_arithmetic(
        conv2d_reference, x, k1
    )


@keras_settings
@given(data=st.data())
def test_grouped_and_depthwise_counts_match_keras(keras, data):
    groups = data.draw(st.integers(1, 8), label="groups")
    c_in = groups * data.draw(st.integers(1, 6), label="channels per group")
    filters = groups * data.draw(st.integers(1, 6), label="filters per group")
    kernel = data.draw(sizes, label="kernel")
    use_bias = data.draw(st.booleans(), label="use_bias")
    h, w = data.draw(st.integers(1, 12)), data.draw(st.integers(1, 12))
    conv = keras.layers.Conv2D(filters, kernel, groups=groups, use_bias=use_bias, padding="same")
    conv.build((None, h, w, c_in))
    assert conv.count_params() == conv_params(kernel, c_in, filters, use_bias, groups=groups)
    weights_per_filter = conv.kernel.shape[0] * conv.kernel.shape[1] * conv.kernel.shape[2]
    assert conv_macs((h, w, c_in), filters, kernel, groups=groups) == (
        h * w * filters * weights_per_filter
    )
    multiplier = data.draw(st.integers(1, 3), label="depth multiplier")
    depthwise = keras.layers.DepthwiseConv2D(
        kernel, depth_multiplier=multiplier, use_bias=use_bias, padding="same"
    )
    depthwise.build((None, h, w, c_in))
    assert depthwise.count_params() == conv_params(
        kernel, c_in, c_in * multiplier, use_bias, groups=c_in
    )


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        (3, r"groups must divide both in_channels \(8\) and filters \(4\), got 3"),
        (8, r"groups must divide both in_channels \(8\) and filters \(4\), got 8"),
        (0, r"groups must be a whole number ≥ 1, got 0"),
        (2.0, r"groups must be a whole number ≥ 1, got 2\.0"),
    ],
)
def test_groups_must_divide_channels_and_filters(groups, message):
    _raises(message, conv_params, 3, 8, 4, groups=groups)
    _raises(message, conv_macs, (5, 5, 8), 4, 3, groups=groups)


def test_counts_are_python_ints_whatever_the_input_types():
    shape = np.array([28, 28, 192])
    for value in (
        conv_macs(shape, np.int64(32), np.array([5, 5])),
        conv_params(np.array([3, 3]), np.int32(192), np.int16(32)),
        *conv_output_shape(shape, np.int64(32), 5),
    ):
        assert type(value) is int
    assert conv_macs(shape, 32, np.array([5, 5])) == conv_macs((28, 28, 192), 32, 5)


def test_pooling_shapes_and_errors_name_the_pool_size():
    assert pool_output_shape((55, 55, 96), 3, 2) == (27, 27, 96)
    assert pool_output_shape((7, 7, 4), 2, padding="same") == (4, 4, 4)
    _raises(
        r"pool_size height is 9 but the input height is only 8", pool_output_shape, (8, 8, 3), 9
    )
    _raises(r"pool_size must be a whole number ≥ 1 or a pair", pool_output_shape, (8, 8, 3), "2")


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
