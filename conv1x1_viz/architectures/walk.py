"""The walk: carry an input shape through a list of layers, counting every layer.

:func:`walk_layers` takes a sequence of :class:`~conv1x1_viz.architectures.LayerSpec`
and an input shape and returns a :class:`~conv1x1_viz.architectures.LayerTable`. What
one layer does to its inputs is looked up by kind in one table, ``_RULES``: a rule
takes the spec and the shapes feeding it and returns the output shape, parameters,
non-trainable parameters and MACs. The rules take every count from
:func:`~conv1x1_viz.arithmetic.conv_output_shape`,
:func:`~conv1x1_viz.arithmetic.conv_params`,
:func:`~conv1x1_viz.arithmetic.conv_macs`,
:func:`~conv1x1_viz.arithmetic.pool_output_shape`, :func:`dense_params` and
:func:`dense_macs`; nothing here re-derives them.

:class:`Architecture` names a list of layers on an input shape and walks it once, when
it is made.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from conv1x1_viz.architectures.specs import INPUT, LayerSpec, _name, _seq
from conv1x1_viz.architectures.table import LayerRow, LayerTable, Shape
from conv1x1_viz.arithmetic import conv_macs, conv_output_shape, conv_params, pool_output_shape
from conv1x1_viz.validation import flag, shape3, whole_number

__all__ = ["Architecture", "dense_macs", "dense_params", "walk_layers"]


# --------------------------------------------------------------------------- dense counts


def dense_params(in_features: int, units: int, use_bias: bool = True) -> int:
    """Count the trainable parameters of a fully connected (``Dense``) layer.

    Parameters
    ----------
    in_features : int
        Length of the input vector.
    units : int
        Number of outputs.
    use_bias : bool, default True
        Whether each output has a bias.

    Returns
    -------
    int
        ``(in_features + 1) · units`` with a bias, ``in_features · units`` without;
        equal to Keras ``Dense(units).count_params()`` on an input of that length.

    Examples
    --------
    >>> dense_params(4096, 1000)
    4097000
    """
    in_features = whole_number("in_features", in_features)
    units = whole_number("units", units)
    flag("use_bias", use_bias)
    return (in_features + int(bool(use_bias))) * units


def dense_macs(in_features: int, units: int) -> int:
    """Multiply-accumulates of a fully connected layer on one input vector.

    Parameters
    ----------
    in_features, units
        As in :func:`dense_params`.

    Returns
    -------
    int
        ``in_features · units``: one MAC per weight, bias not counted.

    Examples
    --------
    >>> dense_macs(4096, 1000)
    4096000
    """
    return whole_number("in_features", in_features) * whole_number("units", units)


# --------------------------------------------------------------------------- one rule per kind

#: What a rule returns: output shape, parameters, non-trainable parameters, MACs.
Counts = tuple[Shape, int, int, int]


def _maps(shape: Shape) -> Shape:
    """Return ``shape`` if it is feature maps ``(H, W, C)``."""
    if len(shape) != 3:
        raise ValueError(f"needs feature maps (H, W, C) as input, got shape {shape}")
    return shape


def _free(shape: Shape) -> Counts:
    """Return the counts of a layer without weights or multiplications (pooling, ...)."""
    return shape, 0, 0, 0


def _conv(spec: LayerSpec, shapes: list[Shape]) -> Counts:
    shape = _maps(shapes[0])
    args = (spec.filters, spec.kernel_size, spec.strides, spec.padding)
    return (
        conv_output_shape(shape, *args),
        conv_params(spec.kernel_size, shape[2], spec.filters, spec.use_bias, groups=spec.groups),
        0,
        conv_macs(shape, *args, groups=spec.groups),
    )


def _dense(spec: LayerSpec, shapes: list[Shape]) -> Counts:
    if len(shapes[0]) != 1:
        raise ValueError(
            f"needs a vector (features,) as input, got shape {shapes[0]}: flatten or "
            f"pool the feature maps first"
        )
    (n,) = shapes[0]
    units = spec.filters
    return (units,), dense_params(n, units, spec.use_bias), 0, dense_macs(n, units)


def _concat(spec: LayerSpec, shapes: list[Shape]) -> Counts:
    if len({s[:-1] for s in shapes}) != 1 or len({len(s) for s in shapes}) != 1:
        raise ValueError(
            f"can only stack inputs whose shapes agree except in channels, got {shapes}"
        )
    return _free((*shapes[0][:-1], sum(s[-1] for s in shapes)))


def _add(spec: LayerSpec, shapes: list[Shape]) -> Counts:
    if len(set(shapes)) != 1:
        raise ValueError(f"can only add inputs of the same shape, got {shapes}")
    return _free(shapes[0])


def _batch_norm(spec: LayerSpec, shapes: list[Shape]) -> Counts:
    # A trainable scale and shift per channel, and a moving mean and variance that
    # training does not change.
    channels = shapes[0][-1]
    return shapes[0], 4 * channels, 2 * channels, 0


#: How each kind of layer changes the shape and what it costs.
_RULES: dict[str, Callable[[LayerSpec, list[Shape]], Counts]] = {
    "conv": _conv,
    "max_pool": lambda spec, shapes: _free(
        pool_output_shape(_maps(shapes[0]), spec.kernel_size, spec.strides, spec.padding)
    ),
    "global_avg_pool": lambda spec, shapes: _free((_maps(shapes[0])[2],)),
    "flatten": lambda spec, shapes: _free((int(np.prod(_maps(shapes[0]))),)),
    "dense": _dense,
    "concat": _concat,
    "add": _add,
    "batch_norm": _batch_norm,
    "activation": lambda spec, shapes: _free(shapes[0]),
}


# --------------------------------------------------------------------------- the walk


def walk_layers(
    layers: Sequence[LayerSpec], input_shape: Sequence[int], *, title: str = ""
) -> LayerTable:
    """Carry an input shape through a list of layers and count every layer.

    Parameters
    ----------
    layers : sequence of LayerSpec
        The layers in order; each may name earlier layers as its ``inputs``.
    input_shape : tuple of int
        ``(H, W, C_in)`` of one image.
    title : str, default ""
        Title of the returned table.

    Returns
    -------
    LayerTable
        A first row for the input (named :data:`INPUT`, kind ``"InputLayer"``, no
        parameters), then one row per layer with output shape, parameters and MACs.

    Examples
    --------
    >>> table = walk_layers(
    ...     [LayerSpec.conv("reduce", 64, 1), LayerSpec.conv("conv", 64, 7)], (256, 256, 512)
    ... )
    >>> table.row("conv").params, table.total_params
    (200768, 233600)
    """
    shape = shape3("input_shape", input_shape)
    if isinstance(layers, str) or not isinstance(layers, Sequence) or not layers:
        raise ValueError(f"layers must be a non-empty sequence of LayerSpec, got {layers!r}")
    shapes: dict[str, Shape] = {INPUT: shape}
    rows = [LayerRow(INPUT, "InputLayer", shape, 0, 0)]
    previous = INPUT
    for i, spec in enumerate(layers):
        if not isinstance(spec, LayerSpec):
            raise ValueError(f"layers[{i}] must be a LayerSpec, got {spec!r}")
        if spec.name in shapes:
            raise ValueError(f"layers[{i}]: layer name {spec.name!r} is used twice")
        sources = spec.inputs or (previous,)
        for source in sources:
            if source not in shapes:
                raise ValueError(
                    f"layer {spec.name!r} takes input from {source!r}, which is not an "
                    f"earlier layer (nor {INPUT!r})"
                )
        try:
            out, params, frozen, macs = _RULES[spec.kind](spec, [shapes[s] for s in sources])
        except ValueError as err:
            raise ValueError(f"layer {spec.name!r} ({spec.keras_class}): {err}") from None
        shapes[spec.name] = out
        rows.append(LayerRow(spec.name, spec.keras_class, out, params, macs, frozen))
        previous = spec.name
    return LayerTable(title, tuple(rows))


@dataclass(frozen=True)
class Architecture:
    """A named list of layers on an input shape: one source for counts and for Keras.

    Make one with ``Architecture(name, input_shape, layers)``. The layers are walked
    once, at construction: an architecture that does not fit together raises
    ``ValueError`` immediately, and :meth:`table` and the totals read the result.

    Attributes
    ----------
    name : str
        Model name (also the Keras model name and the title of :meth:`table`).
    input_shape : tuple of int
        ``(H, W, C_in)`` of one image.
    layers : tuple of LayerSpec
        The layers, in the order :func:`walk_layers` takes them.

    Examples
    --------
    >>> arch = Architecture("mix", (8, 8, 3), (LayerSpec.conv("mix", 4, 1),))
    >>> arch.total_params, arch.total_macs, arch.output_shape
    (16, 768, (8, 8, 4))
    """

    name: str
    input_shape: tuple[int, int, int]
    layers: tuple[LayerSpec, ...]
    _table: LayerTable = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Validate the name, and walk the layers once to check that they fit the input."""
        _name(self.name)
        object.__setattr__(self, "input_shape", shape3("input_shape", self.input_shape))
        object.__setattr__(self, "layers", tuple(_seq(self.layers)))
        table = walk_layers(self.layers, self.input_shape, title=self.name)
        object.__setattr__(self, "_table", table)

    def table(self) -> LayerTable:
        """Per-layer shapes, parameters and MACs with totals, walked at construction.

        Returns
        -------
        LayerTable
        """
        return self._table

    @property
    def total_params(self) -> int:
        """All parameters, as Keras ``count_params()`` of the built model."""
        return self._table.total_params

    @property
    def total_macs(self) -> int:
        """Multiply-accumulates for one image."""
        return self._table.total_macs

    @property
    def output_shape(self) -> Shape:
        """Shape of the model's output for one image."""
        return self._table.output_shape
