"""Shapes, parameter counts, multiply-accumulates and the convolutions themselves.

Everything here is plain Python and NumPy, channels-last like Keras: an image or a
stack of feature maps has shape ``(H, W, C_in)``, a batch ``(N, H, W, C_in)`` and a
kernel ``(k_h, k_w, C_in, C_out)``.

Counting convention
-------------------
A *multiply-accumulate* (MAC) is one multiplication followed by one addition into a
running sum. One output value of a ``k_h × k_w`` convolution over ``C_in`` channels
costs ``k_h · k_w · C_in`` MACs. Bias additions are not counted. Papers that quote
FLOPs usually count the multiplication and the addition separately, so
``FLOPs ≈ 2 × MACs``; papers that quote "multiplies" mean MACs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from conv1x1_viz.validation import flag, one_of, shape3, size_pair, whole_number
from conv1x1_viz.validation import groups as check_groups

__all__ = [
    "PADDINGS",
    "conv1x1",
    "conv2d_reference",
    "conv_macs",
    "conv_output_shape",
    "conv_params",
    "pool_output_shape",
]

#: The paddings Keras ``Conv2D`` accepts (``"causal"`` is for 1-D only).
PADDINGS = ("same", "valid")


def _output_length(
    size: int, window: int, stride: int, padding: str, axis: str, what: str = "kernel_size"
) -> int:
    """Length of one spatial axis after a convolution or pooling, as Keras computes it."""
    if padding == "same":
        return -(-size // stride)  # ceil(size / stride)
    if window > size:
        raise ValueError(
            f"{what} {axis} is {window} but the input {axis} is only {size}: "
            f'with padding="valid" the window must fit, so {what} ≤ {size}'
        )
    return (size - window) // stride + 1


def conv_output_shape(
    input_shape: Sequence[int],
    filters: int,
    kernel_size: int | Sequence[int],
    strides: int | Sequence[int] = 1,
    padding: str = "same",
) -> tuple[int, int, int]:
    """Return the shape of the feature maps a 2-D convolution layer produces.

    Parameters
    ----------
    input_shape : tuple of int
        ``(H, W, C_in)`` of one input image or stack of feature maps.
    filters : int
        Number of filters, which is the depth of the output.
    kernel_size : int or (int, int)
        Filter height and width.
    strides : int or (int, int), default 1
        Step between filter positions.
    padding : {"same", "valid"}, default "same"
        ``"same"`` pads with zeros so that ``H_out = ceil(H / stride)``; ``"valid"``
        only places the filter where it fits, ``H_out = floor((H - k) / stride) + 1``.

    Returns
    -------
    tuple of int
        ``(H_out, W_out, filters)``, as Keras ``Conv2D`` reports it.

    Examples
    --------
    >>> conv_output_shape((256, 256, 3), filters=512, kernel_size=3)
    (256, 256, 512)
    >>> conv_output_shape((28, 28, 192), filters=32, kernel_size=5, padding="valid")
    (24, 24, 32)
    """
    h, w, _ = shape3("input_shape", input_shape)
    filters = whole_number("filters", filters)
    (kh, kw), (sh, sw) = size_pair("kernel_size", kernel_size), size_pair("strides", strides)
    padding = one_of("padding", padding, PADDINGS)
    return (
        _output_length(h, kh, sh, padding, "height"),
        _output_length(w, kw, sw, padding, "width"),
        filters,
    )


def pool_output_shape(
    input_shape: Sequence[int],
    pool_size: int | Sequence[int],
    strides: int | Sequence[int] | None = None,
    padding: str = "valid",
) -> tuple[int, int, int]:
    """Return the shape a 2-D pooling layer (Keras ``MaxPooling2D``) produces.

    Parameters
    ----------
    input_shape : tuple of int
        ``(H, W, C)``.
    pool_size : int or (int, int)
        Window height and width.
    strides : int or (int, int), optional
        Step between windows; by default the window size, as in Keras.
    padding : {"same", "valid"}, default "valid"
        As in :func:`conv_output_shape`.

    Returns
    -------
    tuple of int
        ``(H_out, W_out, C)``: pooling keeps the depth.

    Examples
    --------
    >>> pool_output_shape((55, 55, 96), 3, 2)
    (27, 27, 96)
    """
    h, w, c = shape3("input_shape", input_shape, ("H", "W", "C"))
    ph, pw = size_pair("pool_size", pool_size)
    sh, sw = (ph, pw) if strides is None else size_pair("strides", strides)
    padding = one_of("padding", padding, PADDINGS)
    return (
        _output_length(h, ph, sh, padding, "height", "pool_size"),
        _output_length(w, pw, sw, padding, "width", "pool_size"),
        c,
    )


def conv_params(
    kernel_size: int | Sequence[int],
    in_channels: int,
    filters: int,
    use_bias: bool = True,
    *,
    groups: int = 1,
) -> int:
    """Count the trainable parameters of a 2-D convolution layer.

    In a standard convolution each filter holds ``k_h · k_w · C_in`` weights, since
    it spans every input channel, plus one bias. A grouped convolution splits the
    input channels and the filters into ``groups`` equal groups, and each filter
    spans only the ``C_in / groups`` channels of its own group.

    Parameters
    ----------
    kernel_size : int or (int, int)
        Filter height and width.
    in_channels : int
        Depth of the input, ``C_in``.
    filters : int
        Number of filters, ``C_out``.
    use_bias : bool, default True
        Whether each filter has a bias.
    groups : int, default 1
        Number of groups; it must divide both ``in_channels`` and ``filters``. 1 is a
        standard convolution; ``groups == in_channels`` is a depthwise convolution,
        with ``filters = in_channels × depth multiplier``.

    Returns
    -------
    int
        ``(k_h · k_w · C_in / groups + 1) · filters`` with a bias, without the ``+ 1``
        without; equal to Keras ``Conv2D(..., groups=groups).count_params()``, and for
        ``groups == in_channels`` to ``DepthwiseConv2D(...).count_params()``.

    Examples
    --------
    >>> conv_params(3, in_channels=3, filters=512)
    14336
    >>> conv_params(1, in_channels=512, filters=64)
    32832
    >>> conv_params(3, in_channels=32, filters=32, groups=32)  # depthwise 3×3
    320
    """
    kh, kw = size_pair("kernel_size", kernel_size)
    in_channels = whole_number("in_channels", in_channels)
    filters = whole_number("filters", filters)
    use_bias = flag("use_bias", use_bias)
    groups = check_groups(groups, in_channels, filters)
    return (kh * kw * (in_channels // groups) + int(use_bias)) * filters


def conv_macs(
    input_shape: Sequence[int],
    filters: int,
    kernel_size: int | Sequence[int],
    strides: int | Sequence[int] = 1,
    padding: str = "same",
    *,
    groups: int = 1,
) -> int:
    """Count the multiply-accumulates a 2-D convolution layer performs on one image.

    Every output value costs ``k_h · k_w · C_in`` MACs (a multiplication and an
    addition into the running sum), so the layer costs
    ``H_out · W_out · filters · k_h · k_w · C_in``. Bias additions are not counted,
    and with ``"same"`` padding the multiplications by padded zeros are counted, as
    papers usually do. FLOPs, counting multiplications and additions separately,
    are about ``2 × MACs``.

    Parameters
    ----------
    input_shape, filters, kernel_size, strides, padding
        As in :func:`conv_output_shape`.
    groups : int, default 1
        As in :func:`conv_params`: each output value then sums over ``C_in / groups``
        channels only.

    Returns
    -------
    int
        Multiply-accumulates for one image,
        ``H_out · W_out · filters · k_h · k_w · C_in / groups``.

    Examples
    --------
    >>> conv_macs((28, 28, 192), filters=32, kernel_size=5)
    120422400
    >>> conv_macs((112, 112, 32), filters=32, kernel_size=3, groups=32)  # depthwise
    3612672
    """
    h_out, w_out, filters = conv_output_shape(input_shape, filters, kernel_size, strides, padding)
    kh, kw = size_pair("kernel_size", kernel_size)
    in_channels = shape3("input_shape", input_shape)[2]
    groups = check_groups(groups, in_channels, filters)
    return h_out * w_out * filters * kh * kw * (in_channels // groups)


def _array(name: str, value: object, min_rank: int, max_rank: int, shape_text: str) -> np.ndarray:
    arr = np.asarray(value)
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise ValueError(f"{name} must be an array of numbers shaped {shape_text}, got {arr.dtype}")
    if not min_rank <= arr.ndim <= max_rank:
        raise ValueError(f"{name} must have shape {shape_text}, got shape {arr.shape}")
    if arr.dtype.kind in "biu":
        arr = arr.astype(np.float64)
    return arr


def _bias(bias: object, channels: int) -> np.ndarray | None:
    if bias is None:
        return None
    b = np.asarray(bias)
    if b.shape != (channels,):
        raise ValueError(f"bias must have shape (C_out,) = ({channels},), got shape {b.shape}")
    return b


def conv1x1(x: np.ndarray, weights: np.ndarray, bias: np.ndarray | None = None) -> np.ndarray:
    """Apply a 1×1 convolution as one matrix product.

    A 1×1 layer multiplies every pixel's channel vector by the same
    ``(C_in, C_out)`` matrix. Stacking all pixels as rows of a
    ``(pixels, C_in)`` matrix turns the whole layer into one product.

    Parameters
    ----------
    x : array, shape (..., H, W, C_in)
        Feature maps, channels last, with any number of leading batch axes.
    weights : array, shape (C_in, C_out) or (1, 1, C_in, C_out)
        The weight matrix; the Keras kernel shape is accepted too.
    bias : array, shape (C_out,), optional
        Added to every output pixel.

    Returns
    -------
    array, shape (..., H, W, C_out)

    Examples
    --------
    >>> x = np.ones((2, 2, 3))
    >>> conv1x1(x, np.full((3, 1), 0.5)).shape
    (2, 2, 1)
    """
    x = _array("x", x, 3, 32, "(..., H, W, C_in)")
    w = _array("weights", weights, 2, 4, "(C_in, C_out) or (1, 1, C_in, C_out)")
    if w.ndim == 4:
        if w.shape[:2] != (1, 1):
            raise ValueError(
                f"weights of rank 4 must be a 1×1 kernel shaped (1, 1, C_in, C_out), "
                f"got shape {w.shape}"
            )
        w = w[0, 0]
    elif w.ndim != 2:
        raise ValueError(f"weights must have shape (C_in, C_out), got shape {w.shape}")
    c_in, c_out = w.shape
    if x.shape[-1] != c_in:
        raise ValueError(
            f"x has {x.shape[-1]} channels but weights expect C_in = {c_in}: "
            f"the last axis of x must equal weights.shape[0]"
        )
    b = _bias(bias, c_out)
    pixels = x.reshape(-1, c_in)  # one row per pixel
    out = pixels @ w
    if b is not None:
        out = out + b
    return out.reshape(*x.shape[:-1], c_out)


def conv2d_reference(
    x: np.ndarray,
    kernel: np.ndarray,
    bias: np.ndarray | None = None,
    strides: int | Sequence[int] = 1,
    padding: str = "same",
) -> np.ndarray:
    """Compute a 2-D convolution the plain way, for reading rather than speed.

    For every tap ``(i, j)`` of the kernel, the input shifted by that tap is
    multiplied by the ``(C_in, C_out)`` slice ``kernel[i, j]`` and added to the
    output. Like Keras (and unlike the textbook definition) the kernel is not
    flipped, which makes this a cross-correlation.

    Parameters
    ----------
    x : array, shape (N, H, W, C_in) or (H, W, C_in)
        Input, channels last.
    kernel : array, shape (k_h, k_w, C_in, C_out)
        The filters; ``kernel[..., f]`` is filter ``f``, as deep as the input.
    bias : array, shape (C_out,), optional
        One number added to each output map.
    strides : int or (int, int), default 1
        Step between filter positions.
    padding : {"same", "valid"}, default "same"
        Zero padding as TensorFlow places it: any odd pixel goes to the bottom/right.

    Returns
    -------
    array, shape (N, H_out, W_out, C_out) or (H_out, W_out, C_out)
        Same rank as ``x``.
    """
    x = _array("x", x, 3, 4, "(N, H, W, C_in) or (H, W, C_in)")
    kernel = _array("kernel", kernel, 4, 4, "(k_h, k_w, C_in, C_out)")
    single = x.ndim == 3
    if single:
        x = x[np.newaxis]
    _, h, w, c_in = x.shape
    kh, kw, k_c_in, c_out = kernel.shape
    if k_c_in != c_in:
        raise ValueError(
            f"kernel spans {k_c_in} channels but x has {c_in}: a filter must be as deep "
            f"as its input, so kernel.shape[2] must equal x.shape[-1]"
        )
    b = _bias(bias, c_out)
    sh, sw = size_pair("strides", strides)
    h_out, w_out, _ = conv_output_shape((h, w, c_in), c_out, (kh, kw), (sh, sw), padding)

    if one_of("padding", padding, PADDINGS) == "same":
        pad_h = max((h_out - 1) * sh + kh - h, 0)
        pad_w = max((w_out - 1) * sw + kw - w, 0)
        x = np.pad(
            x, ((0, 0), (pad_h // 2, pad_h - pad_h // 2), (pad_w // 2, pad_w - pad_w // 2), (0, 0))
        )

    out = np.zeros((x.shape[0], h_out, w_out, c_out), dtype=np.result_type(x, kernel))
    for i in range(kh):
        for j in range(kw):
            # The input pixels that tap (i, j) of the filter sees, at every output position.
            window = x[:, i : i + sh * h_out : sh, j : j + sw * w_out : sw, :]
            out += window @ kernel[i, j]
    if b is not None:
        out += b
    return out[0] if single else out
