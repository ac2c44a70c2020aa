"""One row of an audit: what a weight layer is and what it costs, from its config.

:func:`layer_row` takes what Keras says about one call of a layer (its class name, its
``get_config()``, its input and output shapes without the batch axis) and counts its
parameters and multiply-accumulates with the package's own arithmetic:
:func:`~conv1x1_viz.arithmetic.conv_output_shape`,
:func:`~conv1x1_viz.arithmetic.conv_params`, :func:`~conv1x1_viz.arithmetic.conv_macs`,
:func:`~conv1x1_viz.architectures.dense_params` and
:func:`~conv1x1_viz.architectures.dense_macs`. A 1-D layer on ``(steps, C)`` is counted
as a 2-D layer on a ``(1, steps, C)`` map, with a ``1 × k`` kernel. Nothing here imports
Keras.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from conv1x1_viz.architectures import dense_macs, dense_params
from conv1x1_viz.arithmetic import conv_macs, conv_output_shape, conv_params

__all__ = ["AUDIT_KINDS", "AuditRow"]

#: The kinds of row, in the order a table explains them.
AUDIT_KINDS = ("1×1 conv", "k×k conv", "depthwise", "separable", "dense", "other")

#: A shape without the batch axis; ``None`` for a size the model leaves open.
Shape = tuple[int | None, ...]


@dataclass(frozen=True)
class AuditRow:
    """One weight layer of a :class:`~conv1x1_viz.ModelAudit`.

    Attributes
    ----------
    path : str
        The models it sits in and its name, outermost first, joined by ``/``:
        ``"sequential/mobilenetv2_1.00_224/block_1_expand"``.
    kind : str
        One of :data:`AUDIT_KINDS`: ``"1×1 conv"`` (every kernel size 1, 1-D or 2-D,
        grouped or not), ``"k×k conv"`` (any other kernel, ``1×7`` included),
        ``"depthwise"``, ``"separable"`` (depthwise then pointwise 1×1),
        ``"dense"``, or ``"other"`` (any other layer with weights: its parameters are
        kept, its MACs are not counted).
    layer_class : str
        Keras class name, e.g. ``"Conv2D"``.
    kernel : tuple of int or None
        ``(k_h, k_w)`` of a 2-D layer, ``(k,)`` of a 1-D one; ``None`` for dense and
        other layers.
    groups : int or None
        Groups of a convolution: 1 for a standard one, ``C_in`` for a depthwise one
        (and for the depthwise half of a separable one); ``None`` for dense and other.
    output_shape : tuple of (int or None)
        Output of one input, without the batch axis, as Keras computes it.
    params : int
        Parameters, weights and biases (Keras ``layer.count_params()``).
    macs : int
        Multiply-accumulates for one input, 0 for ``"other"``; summed over the calls
        of a layer that the model calls more than once.
    params_1x1, macs_1x1 : int
        The part of ``params`` and ``macs`` in a 1×1 kernel: all of a ``"1×1 conv"``,
        the pointwise half of a ``"separable"``, 0 otherwise.
    """

    path: str
    kind: str
    layer_class: str
    kernel: tuple[int, ...] | None
    groups: int | None
    output_shape: Shape
    params: int
    macs: int
    params_1x1: int = 0
    macs_1x1: int = 0

    @property
    def counted(self) -> bool:
        """Whether its MACs are counted (every kind but ``"other"``)."""
        return self.kind != "other"


class UnknownSizeError(ValueError):
    """A size that the MACs need is ``None`` in the model."""


#: What a rule returns: kind, kernel, groups, params, MACs, 1×1 params, 1×1 MACs and the
#: output shape worked out here (channels last, 2-D), compared with Keras' own.
Counts = tuple[str, tuple[int, ...] | None, int | None, int, int, int, int, Shape]


def _channels_last(shape: Shape, config: Mapping) -> Shape:
    if config.get("data_format") == "channels_first":
        return (*shape[1:], shape[0])
    return shape


def _maps(shape: Shape, config: Mapping, where: str) -> tuple[int, int, int]:
    """Return a convolution input's ``(H, W, C)``; a 1-D ``(steps, C)`` is ``(1, steps, C)``."""
    *spatial, channels = _channels_last(shape, config)
    if None in spatial:
        raise UnknownSizeError(
            f"{where} needs the {'height and width' if len(spatial) == 2 else 'length'} of "
            f"its input to count MACs, but the model leaves them open: input shape {shape}"
        )
    return (1, *spatial, channels) if len(spatial) == 1 else (*spatial, channels)


def _pair(value: tuple[int, ...]) -> tuple[int, int]:
    """Read a 1-D setting ``(k,)`` as ``(1, k)``; a 2-D one as it is."""
    return (1, *value) if len(value) == 1 else tuple(value)


def _conv_part(
    maps: tuple[int, int, int], config: Mapping, filters: int, kernel: tuple, groups: int
) -> tuple[int, tuple[int, int, int]]:
    """Return the MACs and output ``(H, W, filters)`` of one convolution over ``maps``.

    Keras' ``"causal"`` padding (1-D) gives as many outputs as ``"same"``. A dilated
    kernel spans ``d·(k - 1) + 1`` pixels, which sets the output size; each output
    value still costs ``k_h·k_w·C_in/groups`` MACs, once per weight of a filter.
    """
    kernel = _pair(kernel)
    strides = _pair(config["strides"])
    dilation = _pair(config.get("dilation_rate", (1,) * len(config["strides"])))
    padding = "same" if config["padding"] == "causal" else config["padding"]
    if dilation == (1, 1):
        out = conv_output_shape(maps, filters, kernel, strides, padding)
        return conv_macs(maps, filters, kernel, strides, padding, groups=groups), out
    span = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation, strict=True))
    out = conv_output_shape(maps, filters, span, strides, padding)
    weights = conv_params(kernel, maps[2], filters, False, groups=groups)
    return out[0] * out[1] * weights, out


def _conv(config: Mapping, shape: Shape, where: str) -> Counts:
    maps = _maps(shape, config, where)
    filters, kernel, groups = config["filters"], tuple(config["kernel_size"]), config["groups"]
    params = conv_params(_pair(kernel), maps[2], filters, config["use_bias"], groups=groups)
    macs, out = _conv_part(maps, config, filters, kernel, groups)
    if all(k == 1 for k in kernel):
        return "1×1 conv", kernel, groups, params, macs, params, macs, out
    return "k×k conv", kernel, groups, params, macs, 0, 0, out


def _depthwise(config: Mapping, shape: Shape, where: str) -> Counts:
    maps = _maps(shape, config, where)
    channels, kernel = maps[2], tuple(config["kernel_size"])
    filters = channels * config["depth_multiplier"]
    params = conv_params(_pair(kernel), channels, filters, config["use_bias"], groups=channels)
    macs, out = _conv_part(maps, config, filters, kernel, channels)
    return "depthwise", kernel, channels, params, macs, 0, 0, out


def _separable(config: Mapping, shape: Shape, where: str) -> Counts:
    maps = _maps(shape, config, where)
    channels, kernel = maps[2], tuple(config["kernel_size"])
    middle = channels * config["depth_multiplier"]
    depthwise_params = conv_params(_pair(kernel), channels, middle, False, groups=channels)
    depthwise_macs, middle_maps = _conv_part(maps, config, middle, kernel, channels)
    filters = config["filters"]
    pointwise_params = conv_params(1, middle, filters, config["use_bias"])
    pointwise_macs = conv_macs(middle_maps, filters, 1)
    out = conv_output_shape(middle_maps, filters, 1)
    params, macs = depthwise_params + pointwise_params, depthwise_macs + pointwise_macs
    return "separable", kernel, channels, params, macs, pointwise_params, pointwise_macs, out


def _dense(config: Mapping, shape: Shape, where: str) -> Counts:
    *positions, features = shape
    if None in positions:
        raise UnknownSizeError(
            f"{where} is applied at every position of an input {shape} whose size the "
            f"model leaves open, so its MACs cannot be counted"
        )
    units = config["units"]
    params = dense_params(features, units, config["use_bias"])
    macs = math.prod(positions) * dense_macs(features, units)
    return "dense", None, None, params, macs, 0, 0, (*positions, units)


#: The rule of each Keras class whose MACs are counted.
RULES: dict[str, Callable[[Mapping, Shape, str], Counts]] = {
    "Conv1D": _conv,
    "Conv2D": _conv,
    "DepthwiseConv1D": _depthwise,
    "DepthwiseConv2D": _depthwise,
    "SeparableConv1D": _separable,
    "SeparableConv2D": _separable,
    "Dense": _dense,
}


def layer_row(
    path: str, layer_class: str, config: Mapping, input_shape: Shape, output_shape: Shape
) -> AuditRow:
    """Count one call of a layer that :data:`RULES` knows.

    Parameters
    ----------
    path : str
        Where the layer sits, e.g. ``"model/conv1"``.
    layer_class : str
        Its Keras class name, a key of :data:`RULES`.
    config : mapping
        Its ``get_config()``.
    input_shape, output_shape : tuple of (int or None)
        Of this call, without the batch axis.

    Returns
    -------
    AuditRow

    Raises
    ------
    UnknownSizeError
        When a size the MACs need is ``None``.
    RuntimeError
        When the output shape worked out here is not the one Keras gives (a layer
        setting the arithmetic does not know about).

    Examples
    --------
    >>> config = {"filters": 64, "kernel_size": (1, 1), "strides": (1, 1),
    ...           "padding": "same", "groups": 1, "use_bias": True}
    >>> row = layer_row("m/reduce", "Conv2D", config, (28, 28, 512), (28, 28, 64))
    >>> row.kind, row.params, row.macs, row.macs_1x1
    ('1×1 conv', 32832, 25690112, 25690112)
    """
    where = f"layer {path!r} ({layer_class})"
    kind, kernel, groups, params, macs, params_1x1, macs_1x1, ours = RULES[layer_class](
        config, tuple(input_shape), where
    )
    keras_shape = _channels_last(tuple(output_shape), config)
    if len(keras_shape) == 2 and kind != "dense":  # 1-D: (steps, C) counted as (1, steps, C)
        keras_shape = (1, *keras_shape)
    if tuple(ours) != keras_shape:
        raise RuntimeError(
            f"{where}: the arithmetic gives an output of {tuple(ours)} but Keras gives "
            f"{tuple(output_shape)}; this layer uses a setting the audit does not know"
        )
    return AuditRow(
        path, kind, layer_class, kernel, groups, tuple(output_shape),
        params, macs, params_1x1, macs_1x1,
    )  # fmt: skip
