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
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from conv1x1_viz.architectures import dense_macs, dense_params
from conv1x1_viz.arithmetic import _output_length, conv_macs, conv_output_shape, conv_params

__all__ = ["AUDIT_KINDS", "AuditRow"]

#: The kinds of row, in the order a table explains them.
AUDIT_KINDS = (
    "1×1 conv",
    "per-position dense",
    "k×k conv",
    "depthwise",
    "separable",
    "transposed conv",
    "attention",
    "recurrent",
    "dense",
    "embedding",
    "other",
)
#: The kinds whose output is a stack of maps, a 1-D one counted as ``(1, steps, C)``.
MAP_KINDS = ("1×1 conv", "k×k conv", "depthwise", "separable")

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
        One of :data:`AUDIT_KINDS`, which goes by how the layer is written:
        ``"1×1 conv"`` (every kernel size 1, 1-D to 3-D, grouped or not),
        ``"per-position dense"`` (a ``Dense`` or ``EinsumDense`` applied at every
        position of its input), ``"k×k conv"`` (any other kernel, ``1×7`` included),
        ``"depthwise"``, ``"separable"`` (depthwise then pointwise 1×1),
        ``"transposed conv"``, ``"attention"``, ``"recurrent"``, ``"dense"`` (on a
        whole vector, as a classifier: a 1×1 layer on a 1×1 map, kept apart as papers
        count their classifiers), ``"embedding"``, or ``"other"`` (any other layer with
        weights: its parameters are kept, its MACs are not counted).
    layer_class : str
        Keras class name, e.g. ``"Conv2D"``.
    kernel : tuple of int or None
        ``(k_h, k_w)`` of a 2-D layer, ``(k,)`` of a 1-D one, ``(k_d, k_h, k_w)`` of a
        3-D one; ``None`` for the kinds without a kernel.
    groups : int or None
        Groups of a convolution: 1 for a standard one, ``C_in`` for a depthwise one
        (and for the depthwise half of a separable one); ``None`` for the others.
    output_shape : tuple of (int or None)
        Output of one input, without the batch axis, as Keras computes it.
    params : int
        Parameters, weights and biases (Keras ``layer.count_params()``).
    macs : int
        Multiply-accumulates for one input, 0 for ``"other"``; summed over the calls
        of a layer that the model calls more than once.
    params_1x1, macs_1x1 : int
        The part of ``params`` and ``macs`` in 1×1 layers: all of a ``"1×1 conv"``, a
        ``"per-position dense"`` or a transposed convolution with a kernel of 1s, the
        pointwise half of a ``"separable"``, the four projections of an
        ``"attention"`` (not its two products), 0 otherwise.
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
#: output shape worked out here (channels last; 1-D maps as ``(1, steps, C)``), compared
#: with Keras' own, or None where Keras' shape is taken as it is.
Counts = tuple[str, tuple[int, ...] | None, int | None, int, int, int, int, Shape | None]


@dataclass(frozen=True)
class Seen:
    """What a rule is given about one call of a layer.

    Attributes
    ----------
    config : mapping
        The layer's ``get_config()``.
    shape : tuple
        Shape of its first input, without the batch axis.
    inputs : mapping of str to tuple
        Shapes of its tensor arguments by the names of ``call()`` (``query``, ``value``
        and ``key`` of an attention layer), without the batch axis.
    output : tuple
        Shape of its (first) output as Keras computes it, without the batch axis.
    where : str
        The layer, for messages: ``"layer 'm/conv1' (Conv2D)"``.
    """

    config: Mapping
    shape: Shape
    inputs: Mapping[str, Shape]
    output: Shape
    where: str


def _channels_last(shape: Shape, config: Mapping) -> Shape:
    if config.get("data_format") == "channels_first":
        return (*shape[1:], shape[0])
    return shape


def _known(sizes: Shape, seen: Seen, what: str) -> tuple[int, ...]:
    """Return ``sizes``, or raise :class:`UnknownSizeError` if the model leaves one open."""
    if None in sizes:
        raise UnknownSizeError(
            f"{seen.where} needs the {what} of its input to count MACs, but the model "
            f"leaves them open: input shape {seen.shape}"
        )
    return tuple(sizes)


def _maps(seen: Seen) -> tuple[int, ...]:
    """Return a convolution input's ``(H, W, C)``; a 1-D ``(steps, C)`` is ``(1, steps, C)``.

    A 3-D input ``(D, H, W, C)`` is returned as it is.
    """
    *spatial, channels = _channels_last(seen.shape, seen.config)
    what = {1: "length", 2: "height and width"}.get(len(spatial), "sizes")
    spatial = _known(tuple(spatial), seen, what)
    return (1, *spatial, channels) if len(spatial) == 1 else (*spatial, channels)


def _pair(value: tuple[int, ...]) -> tuple[int, ...]:
    """Read a 1-D setting ``(k,)`` as ``(1, k)``; a 2-D or 3-D one as it is."""
    return (1, *value) if len(value) == 1 else tuple(value)


def _conv_part(
    maps: tuple[int, ...], config: Mapping, filters: int, kernel: tuple, groups: int
) -> tuple[int, tuple[int, ...]]:
    """Return the MACs and output ``(…, filters)`` of one convolution over ``maps``.

    Keras' ``"causal"`` padding (1-D) gives as many outputs as ``"same"``. A dilated
    kernel spans ``d·(k - 1) + 1`` pixels, which sets the output size; each output
    value still costs ``k_h·k_w·C_in/groups`` MACs, once per weight of a filter. A 3-D
    convolution is counted the same way, axis by axis.
    """
    kernel = _pair(kernel)
    strides = _pair(config["strides"])
    dilation = _pair(config.get("dilation_rate", (1,) * len(config["strides"])))
    padding = "same" if config["padding"] == "causal" else config["padding"]
    if len(kernel) == 2 and dilation == (1, 1):
        out = conv_output_shape(maps, filters, kernel, strides, padding)
        return conv_macs(maps, filters, kernel, strides, padding, groups=groups), out
    span = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation, strict=True))
    spatial = tuple(
        _output_length(n, s, t, padding, f"axis {i}")
        for i, (n, s, t) in enumerate(zip(maps[:-1], span, strides, strict=True))
    )
    weights = math.prod(kernel) * (maps[-1] // groups) * filters
    return math.prod(spatial) * weights, (*spatial, filters)


def _conv_params(kernel: tuple, channels: int, filters: int, bias: bool, groups: int) -> int:
    if len(kernel) <= 2:
        return conv_params(_pair(kernel), channels, filters, bias, groups=groups)
    return math.prod(kernel) * (channels // groups) * filters + (filters if bias else 0)


def _conv(seen: Seen) -> Counts:
    config, maps = seen.config, _maps(seen)
    filters, kernel, groups = config["filters"], tuple(config["kernel_size"]), config["groups"]
    params = _conv_params(kernel, maps[-1], filters, config["use_bias"], groups)
    macs, out = _conv_part(maps, config, filters, kernel, groups)
    if all(k == 1 for k in kernel):
        return "1×1 conv", kernel, groups, params, macs, params, macs, out
    return "k×k conv", kernel, groups, params, macs, 0, 0, out


def _transposed(seen: Seen) -> Counts:
    """Count a transposed convolution: each input value meets each weight of its filters once.

    So ``MACs = input positions · k_h·k_w · C_in · C_out``, and the output is as large as
    Keras makes it (strides spread the input out). A kernel of 1s mixes channels pixel by
    pixel, as a 1×1 convolution does: its row is part of the 1×1 share.
    """
    config, maps = seen.config, _maps(seen)
    filters, kernel = config["filters"], tuple(config["kernel_size"])
    params = _conv_params(kernel, maps[-1], filters, config["use_bias"], 1)
    macs = math.prod(maps) * math.prod(kernel) * filters
    one = params if all(k == 1 for k in kernel) else 0
    return "transposed conv", kernel, 1, params, macs, one, macs if one else 0, None


def _depthwise(seen: Seen) -> Counts:
    config, maps = seen.config, _maps(seen)
    channels, kernel = maps[-1], tuple(config["kernel_size"])
    filters = channels * config["depth_multiplier"]
    params = _conv_params(kernel, channels, filters, config["use_bias"], channels)
    macs, out = _conv_part(maps, config, filters, kernel, channels)
    return "depthwise", kernel, channels, params, macs, 0, 0, out


def _separable(seen: Seen) -> Counts:
    config, maps = seen.config, _maps(seen)
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


def _positions(seen: Seen, shape: Shape) -> int:
    """Return how many positions ``(…, d)`` has: every size but the last."""
    *positions, _ = shape
    if None in positions:
        raise UnknownSizeError(
            f"{seen.where} is applied at every position of an input {shape} whose size "
            f"the model leaves open, so its MACs cannot be counted"
        )
    return math.prod(positions)


def _per_position(kind: str, params: int, macs: int, shape: Shape) -> tuple[str, int, int]:
    """Count a layer on ``(…, d)`` with positions before ``d`` as a 1×1 layer, all of it."""
    if len(shape) >= 2:
        return "per-position dense", params, macs
    return kind, 0, 0


def _dense(seen: Seen) -> Counts:
    """Count a ``Dense`` layer at every position of ``(…, d)``: ``positions · d · units``."""
    *_, features = seen.shape
    units = seen.config["units"]
    params = dense_params(features, units, seen.config["use_bias"])
    macs = _positions(seen, seen.shape) * dense_macs(features, units)
    kind, one_params, one_macs = _per_position("dense", params, macs, seen.shape)
    return kind, None, None, params, macs, one_params, one_macs, (*seen.shape[:-1], units)


def _einsum_sizes(seen: Seen) -> tuple[dict[str, int], str, str, str]:
    """Return each index letter's size and the three terms of an ``EinsumDense`` equation.

    An ellipsis is written as letters the equation does not use, one per axis it stands
    for; the batch axis (the first of the input and of the output) counts as 1: one input.
    """
    equation = seen.config["equation"].replace(" ", "")
    source, out_term = equation.split("->")
    in_term, kernel_term = source.split(",")
    if "..." in in_term:
        extra = len(seen.shape) + 1 - (len(in_term) - 3)
        unused = [c for c in string.ascii_letters if c not in equation]
        stands = "".join(unused[:extra])
        in_term, out_term = in_term.replace("...", stands), out_term.replace("...", stands)
        kernel_term = kernel_term.replace("...", "")
    sizes: dict[str, int | None] = {}
    for term, shape in ((in_term, (1, *seen.shape)), (out_term, (1, *seen.output))):
        if len(term) != len(shape):
            raise ValueError(
                f"{seen.where}: its equation {seen.config['equation']!r} does not fit its "
                f"input {seen.shape} and output {seen.output}, so the audit cannot count it; "
                f"audit a model whose EinsumDense equations name every axis, or use Dense"
            )
        for letter, size in zip(term, shape, strict=True):
            sizes[letter] = sizes.get(letter) or size
    missing = [letter for letter in kernel_term if sizes.get(letter) is None]
    if missing or None in sizes.values():
        raise UnknownSizeError(
            f"{seen.where} needs every size of its equation {seen.config['equation']!r} to "
            f"count MACs, but the model leaves some open: input shape {seen.shape}"
        )
    return sizes, in_term, kernel_term, out_term


def _einsum_dense(seen: Seen) -> Counts:
    """Count an ``EinsumDense`` layer: one MAC per combination of the equation's indices.

    Every output value is a sum over the contracted indices (in the input and the
    kernel, not in the output), so the MACs are the product of every index's size, for
    one input. It is a per-position (1×1) layer when it contracts only the input's last
    axes and carries the others through: a transformer's projections and feed-forward
    layers.
    """
    sizes, in_term, kernel_term, out_term = _einsum_sizes(seen)
    params = math.prod(sizes[letter] for letter in kernel_term)
    bias_axes = seen.config.get("bias_axes") or ""
    params += math.prod(sizes[letter] for letter in bias_axes) if bias_axes else 0
    macs = math.prod(sizes.values())
    contracted = [letter for letter in in_term if letter in kernel_term and letter not in out_term]
    carried = in_term[: len(in_term) - len(contracted)]
    per_position = (
        in_term.endswith("".join(contracted))
        and all(letter in out_term and letter not in kernel_term for letter in carried)
        and len(carried) >= 2  # the batch axis and at least one position
    )
    if per_position:
        return "per-position dense", None, None, params, macs, params, macs, None
    return "dense", None, None, params, macs, 0, 0, None


def _attention(seen: Seen) -> Counts:
    """Count ``MultiHeadAttention``: four per-position projections and two products.

    With ``h`` heads, key size ``d_k`` and value size ``d_v``, a query of ``T_q``
    positions and a key of ``T_k``:

    - projections: ``T_q·d_query·h·d_k`` (query), ``T_k·d_key·h·d_k`` (key),
      ``T_k·d_value·h·d_v`` (value), ``T_q·h·d_v·d_out`` (output); 1×1 layers;
    - products: ``h·T_q·T_k·d_k`` for ``QKᵀ`` and ``h·T_q·T_k·d_v`` for ``A·V``
      (over the attention axes; other axes repeat them). Softmax and scaling, like
      every activation, are not counted.
    """
    config = seen.config
    query = seen.inputs.get("query", seen.shape)
    value = seen.inputs.get("value", query)
    key = seen.inputs.get("key", value)
    heads, d_k = config["num_heads"], config["key_dim"]
    d_v = config.get("value_dim") or d_k
    out = config.get("output_shape")
    sizes_out = out if isinstance(out, tuple | list) else (out,)
    d_out = query[-1] if out is None else math.prod(sizes_out)
    t_q, t_k = _positions(seen, query), _positions(seen, key)
    bias = 1 if config.get("use_bias", True) else 0
    params = (
        heads * d_k * (query[-1] + bias) + heads * d_k * (key[-1] + bias)
        + heads * d_v * (value[-1] + bias) + heads * d_v * d_out + bias * d_out
    )  # fmt: skip
    projections = heads * (t_q * query[-1] * d_k + t_k * key[-1] * d_k + t_k * value[-1] * d_v)
    projections += t_q * heads * d_v * d_out
    axes = config.get("attention_axes")
    if axes is None:
        attended_k = t_k
    else:  # attention along some axes only: the others repeat it, as a batch would
        axes = [a - 1 if a > 0 else len(key) + a for a in axes]
        attended_k = math.prod(key[a] for a in axes)
    products = heads * t_q * attended_k * (d_k + d_v)
    out_shape = (*query[:-1], *(sizes_out if out is not None else (d_out,)))
    return ("attention", None, None, params, projections + products,
            params, projections, out_shape)  # fmt: skip


#: Gates of a recurrent layer: each is one dense layer on ``[x_t, h_{t-1}]``.
GATES = {"SimpleRNN": 1, "GRU": 3, "LSTM": 4}


def _recurrent(gates: int) -> Callable[[Seen], Counts]:
    def rule(seen: Seen) -> Counts:
        """Count a recurrent layer: ``steps · gates · (d + units) · units``, biases apart."""
        steps, features = seen.shape[0], seen.shape[-1]
        steps = _known((steps,), seen, "number of steps")[0]
        units, config = seen.config["units"], seen.config
        params = gates * (features + units) * units
        if config.get("use_bias", True):
            params += gates * units * (2 if config.get("reset_after") else 1)
        macs = steps * gates * (features + units) * units
        out = (steps, units) if config.get("return_sequences") else (units,)
        return "recurrent", None, None, params, macs, 0, 0, out

    return rule


def _bidirectional(seen: Seen) -> Counts:
    """Count two recurrent layers, one each way: the sum of both."""
    counted = []
    for part in ("layer", "backward_layer"):
        inner = seen.config.get(part) or seen.config["layer"]
        rule = RULES.get(inner["class_name"])
        if rule is None or inner["class_name"] == "Bidirectional":  # kept, not counted
            return "other", None, None, 0, 0, 0, 0, None
        counted.append(rule(replace(seen, config=inner["config"])))
    (kind, _, _, params, macs, *_), back = counted
    return kind, None, None, params + back[3], macs + back[4], 0, 0, None


def _embedding(seen: Seen) -> Counts:
    """Count a lookup table: ``input_dim · output_dim`` parameters and no MACs."""
    params = seen.config["input_dim"] * seen.config["output_dim"]
    return "embedding", None, None, params, 0, 0, 0, (*seen.shape, seen.config["output_dim"])


#: The rule of each Keras class whose MACs are counted.
RULES: dict[str, Callable[[Seen], Counts]] = {
    "Conv1D": _conv,
    "Conv2D": _conv,
    "Conv3D": _conv,
    "Conv1DTranspose": _transposed,
    "Conv2DTranspose": _transposed,
    "Conv3DTranspose": _transposed,
    "DepthwiseConv1D": _depthwise,
    "DepthwiseConv2D": _depthwise,
    "SeparableConv1D": _separable,
    "SeparableConv2D": _separable,
    "Dense": _dense,
    "EinsumDense": _einsum_dense,
    "MultiHeadAttention": _attention,
    **{name: _recurrent(gates) for name, gates in GATES.items()},
    "Bidirectional": _bidirectional,
    "Embedding": _embedding,
}


def layer_row(
    path: str,
    layer_class: str,
    config: Mapping,
    input_shape: Shape,
    output_shape: Shape,
    inputs: Mapping[str, Shape] | None = None,
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
        Of this call (its first input and output), without the batch axis.
    inputs : mapping of str to tuple, optional
        Shapes of the call's tensor arguments by name (``query``, ``value``, ``key``),
        for layers with more than one input.

    Returns
    -------
    AuditRow

    Raises
    ------
    UnknownSizeError
        When a size the MACs need is ``None``.
    ValueError
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
    seen = Seen(config, tuple(input_shape), dict(inputs or {}), tuple(output_shape), where)
    try:
        kind, kernel, groups, params, macs, params_1x1, macs_1x1, ours = RULES[layer_class](seen)
    except (KeyError, TypeError, IndexError, ZeroDivisionError) as err:
        raise ValueError(
            f"{where}: its config is not one the audit's rule for {layer_class} can read "
            f"({type(err).__name__}: {err}); audit a model without that setting, and report "
            f"the layer's get_config() so that the rule can be extended"
        ) from err
    keras_shape = _channels_last(tuple(output_shape), config)
    if len(keras_shape) == 2 and kind in MAP_KINDS:  # 1-D: (steps, C) counted as (1, steps, C)
        keras_shape = (1, *keras_shape)
    if ours is not None and tuple(ours) != keras_shape:
        raise ValueError(
            f"{where}: the arithmetic gives an output of {tuple(ours)} but Keras gives "
            f"{tuple(output_shape)}; this layer uses a setting the audit does not know, so "
            f"it cannot count it. Audit a model without that setting, and report the "
            f"layer's get_config() so that a rule can be written for it"
        )
    return AuditRow(
        path, kind, layer_class, kernel, groups, tuple(output_shape),
        params, macs, params_1x1, macs_1x1,
    )  # fmt: skip
