"""The arithmetic of the architectures in which 1×1 layers earn their keep.

An architecture is written down once, as a tuple of :class:`LayerSpec` (name, kind,
kernel size, filters, strides, padding, activation, bias, groups, and which earlier
layers feed it). :func:`walk_layers` carries an input shape through that list and
returns a :class:`LayerTable`: per layer the output shape, the parameters and the
multiply-accumulates, with totals. The Keras builders in :mod:`conv1x1_viz.models`
build their models from the very same descriptions, and the tests check that Keras
``count_params()`` and output shapes agree with the walk.

Every count comes from :func:`~conv1x1_viz.arithmetic.conv_params`,
:func:`~conv1x1_viz.arithmetic.conv_macs`,
:func:`~conv1x1_viz.arithmetic.conv_output_shape`, :func:`dense_params` and
:func:`dense_macs`; nothing here re-derives them.

Counting conventions
--------------------
- *Parameters* are what Keras ``count_params()`` counts, so a ``BatchNormalization``
  layer over ``C`` channels holds ``4·C`` (a trainable scale and shift, plus a moving
  mean and variance that are not trained); the table keeps the non-trainable part
  apart.
- *MACs* are multiply-accumulates for one image, as in :mod:`conv1x1_viz.arithmetic`:
  bias additions, batch normalisation, activations, pooling, concatenation and the
  residual addition are not counted (none of them multiplies two learned or computed
  tensors together). FLOPs ≈ 2 × MACs.

The architectures
-----------------
- :func:`tutorial_architecture`: a 3×3 layer with 512 filters on a 256×256 RGB
  image, then a 1×1 layer that projects (512), reduces (64) or expands (1,024).
- :func:`reduction_architecture`: a 7×7 layer with 64 filters on 512 maps, directly
  or after a 1×1 reduction.
- :func:`mlpconv_architecture`: the Network in Network block, a k×k convolution
  followed by two 1×1 convolutions, each with a ReLU.
- :func:`inception_architecture`: GoogLeNet's inception (3a) module, naive or with
  the 1×1 reductions, whole or one branch at a time.
- :func:`bottleneck_architecture` and :func:`basic_block_architecture`: ResNet's
  bottleneck block (1×1 down, 3×3, 1×1 back up) and the block of two 3×3 layers.
- :func:`fire_module_architecture` and :func:`squeezenet_architecture`: SqueezeNet's
  fire module and the whole SqueezeNet v1.0.
- :func:`alexnet_architecture`: AlexNet, the network SqueezeNet is measured against.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from conv1x1_viz.arithmetic import (
    PADDINGS,
    conv_macs,
    conv_output_shape,
    conv_params,
    pool_output_shape,
)
from conv1x1_viz.validation import flag, one_of, shape3, size_pair, whole_number

__all__ = [
    "ACTIVATIONS",
    "INPUT",
    "LAYER_KINDS",
    "Architecture",
    "LayerRow",
    "LayerSpec",
    "LayerTable",
    "alexnet_architecture",
    "basic_block_architecture",
    "bottleneck_architecture",
    "dense_macs",
    "dense_params",
    "fire_module_architecture",
    "inception_architecture",
    "mlpconv_architecture",
    "reduction_architecture",
    "squeezenet_architecture",
    "tutorial_architecture",
    "walk_layers",
]

#: The kinds of layer a :class:`LayerSpec` can describe, with the Keras class of each.
_KERAS_CLASSES = {
    "conv": "Conv2D",
    "max_pool": "MaxPooling2D",
    "global_avg_pool": "GlobalAveragePooling2D",
    "flatten": "Flatten",
    "dense": "Dense",
    "concat": "Concatenate",
    "add": "Add",
    "batch_norm": "BatchNormalization",
    "activation": "Activation",
}

#: The kinds of layer a :class:`LayerSpec` can describe.
LAYER_KINDS: tuple[str, ...] = tuple(_KERAS_CLASSES)

#: The activations a layer may apply.
ACTIVATIONS: tuple[str, ...] = ("relu", "softmax")

#: The name by which a layer's ``inputs`` refer to the model's input.
INPUT = "input"

Shape = tuple[int, ...]


# --------------------------------------------------------------------------- counts


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
    in_features : int
        Length of the input vector.
    units : int
        Number of outputs.

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


# --------------------------------------------------------------------------- layer specs


def _name(name: object, what: str = "name") -> str:
    if not isinstance(name, str) or not name or "/" in name:
        raise ValueError(
            f"{what} must be a non-empty string without '/' (Keras forbids it), got {name!r}"
        )
    return name


@dataclass(frozen=True)
class LayerSpec:
    """One layer of an architecture, enough to count it and to build it in Keras.

    Build specs with the class methods (:meth:`conv`, :meth:`max_pool`,
    :meth:`global_avg_pool`, :meth:`flatten`, :meth:`dense`, :meth:`concat`,
    :meth:`add`, :meth:`batch_norm`, :meth:`relu`, :meth:`softmax`), which fill in only
    the fields that matter for that kind.

    Parameters
    ----------
    name : str
        Layer name, used as the Keras layer name; unique within an architecture and
        not ``"input"``.
    kind : str
        One of :data:`LAYER_KINDS`.
    kernel_size : int or (int, int), default 1
        Filter size of a ``"conv"`` layer, window size of a ``"max_pool"`` layer.
    filters : int, optional
        Filters of a ``"conv"`` layer, units of a ``"dense"`` layer; ``None`` for
        every other kind.
    strides : int or (int, int), default 1
        Step of a ``"conv"`` or ``"max_pool"`` layer.
    padding : {"same", "valid"}, default "same"
        Padding of a ``"conv"`` or ``"max_pool"`` layer.
    activation : {None, "relu", "softmax"}, default None
        Applied inside a ``"conv"`` or ``"dense"`` layer; required for an
        ``"activation"`` layer.
    use_bias : bool, default True
        Whether a ``"conv"`` or ``"dense"`` layer has biases.
    groups : int, default 1
        Grouped convolution: the input channels and the filters are split into this
        many groups and each group of filters sees only its group of channels.
    inputs : tuple of str, default ()
        Names of the earlier layers (or :data:`INPUT`) that feed this one; empty means
        the layer just before it in the list (the model input for the first layer).
        ``"concat"`` and ``"add"`` need at least two.

    Attributes
    ----------
    keras_class : str
        Name of the Keras layer class this spec becomes.
    """

    name: str
    kind: str
    kernel_size: tuple[int, int] = (1, 1)
    filters: int | None = None
    strides: tuple[int, int] = (1, 1)
    padding: str = "same"
    activation: str | None = None
    use_bias: bool = True
    groups: int = 1
    inputs: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        """Validate every field and normalise sizes to pairs and inputs to a tuple."""
        name = _name(self.name)
        if name == INPUT:
            raise ValueError(f"name {INPUT!r} is reserved for the model input")
        if self.kind not in LAYER_KINDS:
            raise ValueError(f"kind must be one of {LAYER_KINDS}, got {self.kind!r}")
        kind = self.kind
        set_ = object.__setattr__
        set_(self, "kernel_size", size_pair("kernel_size", self.kernel_size))
        set_(self, "strides", size_pair("strides", self.strides))
        set_(self, "padding", one_of("padding", self.padding, PADDINGS))
        if kind in ("conv", "dense"):
            what = "filters" if kind == "conv" else "filters (units)"
            set_(self, "filters", whole_number(what, self.filters))
        elif self.filters is not None:
            raise ValueError(f"filters must be None for a {kind!r} layer, got {self.filters!r}")
        if self.activation is not None and self.activation not in ACTIVATIONS:
            raise ValueError(
                f"activation must be None or one of {ACTIVATIONS}, got {self.activation!r}"
            )
        if kind == "activation" and self.activation is None:
            raise ValueError(f"an 'activation' layer needs activation, one of {ACTIVATIONS}")
        if self.activation is not None and kind not in ("conv", "dense", "activation"):
            raise ValueError(
                f"activation must be None for a {kind!r} layer, got {self.activation!r}"
            )
        set_(self, "use_bias", flag("use_bias", self.use_bias))
        groups = whole_number("groups", self.groups)
        if groups != 1 and kind != "conv":
            raise ValueError(f"groups must be 1 for a {kind!r} layer, got {groups}")
        if groups != 1 and self.filters % groups:
            raise ValueError(f"filters ({self.filters}) must be divisible by groups ({groups})")
        set_(self, "groups", groups)
        inputs = self.inputs
        if isinstance(inputs, str) or not isinstance(inputs, Sequence):
            raise ValueError(f"inputs must be a tuple of layer names, got {inputs!r}")
        inputs = tuple(_name(i, "each of inputs") for i in inputs)
        if kind in ("concat", "add"):
            if len(inputs) < 2:
                raise ValueError(f"a {kind!r} layer needs at least two inputs, got {inputs!r}")
        elif len(inputs) > 1:
            raise ValueError(f"a {kind!r} layer takes one input, got {inputs!r}")
        set_(self, "inputs", inputs)

    @property
    def keras_class(self) -> str:
        """Name of the Keras layer class this spec becomes, e.g. ``"Conv2D"``."""
        return _KERAS_CLASSES[self.kind]

    # -- constructors, one per kind -------------------------------------------------

    @classmethod
    def conv(
        cls,
        name: str,
        filters: int,
        kernel_size: int | tuple[int, int],
        *,
        strides: int | tuple[int, int] = 1,
        padding: str = "same",
        activation: str | None = None,
        use_bias: bool = True,
        groups: int = 1,
        inputs: Sequence[str] = (),
    ) -> LayerSpec:
        """Describe a 2-D convolution (Keras ``Conv2D``).

        Parameters are those of the class; ``activation`` defaults to none, as in
        Keras.

        Returns
        -------
        LayerSpec
        """
        return cls(
            name,
            "conv",
            kernel_size,
            filters,
            strides,
            padding,
            activation,
            use_bias,
            groups,
            _seq(inputs),
        )

    @classmethod
    def max_pool(
        cls,
        name: str,
        pool_size: int | tuple[int, int],
        *,
        strides: int | tuple[int, int] | None = None,
        padding: str = "valid",
        inputs: Sequence[str] = (),
    ) -> LayerSpec:
        """Max pooling (Keras ``MaxPooling2D``); ``strides`` defaults to ``pool_size``.

        Returns
        -------
        LayerSpec
        """
        strides = pool_size if strides is None else strides
        return cls(name, "max_pool", pool_size, None, strides, padding, inputs=_seq(inputs))

    @classmethod
    def global_avg_pool(cls, name: str, *, inputs: Sequence[str] = ()) -> LayerSpec:
        """Average of each map over all pixels (Keras ``GlobalAveragePooling2D``).

        Returns
        -------
        LayerSpec
        """
        return cls(name, "global_avg_pool", inputs=_seq(inputs))

    @classmethod
    def flatten(cls, name: str, *, inputs: Sequence[str] = ()) -> LayerSpec:
        """Unroll ``(H, W, C)`` into one vector of ``H·W·C`` (Keras ``Flatten``).

        Returns
        -------
        LayerSpec
        """
        return cls(name, "flatten", inputs=_seq(inputs))

    @classmethod
    def dense(
        cls,
        name: str,
        units: int,
        *,
        activation: str | None = None,
        use_bias: bool = True,
        inputs: Sequence[str] = (),
    ) -> LayerSpec:
        """Describe a fully connected layer on a vector (Keras ``Dense``).

        Returns
        -------
        LayerSpec
        """
        return cls(
            name,
            "dense",
            filters=units,
            activation=activation,
            use_bias=use_bias,
            inputs=_seq(inputs),
        )

    @classmethod
    def concat(cls, name: str, inputs: Sequence[str]) -> LayerSpec:
        """Stack feature maps along the channel axis (Keras ``Concatenate``).

        Returns
        -------
        LayerSpec
        """
        return cls(name, "concat", inputs=_seq(inputs))

    @classmethod
    def add(cls, name: str, inputs: Sequence[str]) -> LayerSpec:
        """Add tensors of equal shape, as a residual connection does (Keras ``Add``).

        Returns
        -------
        LayerSpec
        """
        return cls(name, "add", inputs=_seq(inputs))

    @classmethod
    def batch_norm(cls, name: str, *, inputs: Sequence[str] = ()) -> LayerSpec:
        """Batch normalisation over the channel axis (Keras ``BatchNormalization``).

        Returns
        -------
        LayerSpec
        """
        return cls(name, "batch_norm", inputs=_seq(inputs))

    @classmethod
    def relu(cls, name: str, *, inputs: Sequence[str] = ()) -> LayerSpec:
        """Describe a ReLU as a layer of its own (Keras ``Activation("relu")``).

        Returns
        -------
        LayerSpec
        """
        return cls(name, "activation", activation="relu", inputs=_seq(inputs))

    @classmethod
    def softmax(cls, name: str, *, inputs: Sequence[str] = ()) -> LayerSpec:
        """Describe a softmax as a layer of its own (Keras ``Activation("softmax")``).

        Returns
        -------
        LayerSpec
        """
        return cls(name, "activation", activation="softmax", inputs=_seq(inputs))


def _seq(inputs: object) -> object:
    """Turn a list of names into a tuple; leave anything else for validation."""
    if isinstance(inputs, Sequence) and not isinstance(inputs, str):
        return tuple(inputs)
    return inputs


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class LayerRow:
    """One line of a :class:`LayerTable`.

    Parameters
    ----------
    name : str
        Layer name.
    kind : str
        Keras class name, e.g. ``"Conv2D"``.
    output_shape : tuple of int
        Shape of one image's output, without the batch axis: ``(H, W, C)`` or ``(C,)``;
        ``None`` for a size a Keras model leaves open.
    params : int
        All parameters, as Keras ``count_params()`` counts them.
    macs : int or None, default None
        Multiply-accumulates for one image; ``None`` when not known (a table read off
        a Keras model).
    non_trainable_params : int, default 0
        The part of ``params`` that training does not change (batch-norm statistics).
    """

    name: str
    kind: str
    output_shape: Shape
    params: int
    macs: int | None = None
    non_trainable_params: int = 0


def _shape_text(shape: Shape) -> str:
    return "(" + ", ".join(str(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"


@dataclass(frozen=True, repr=False)
class LayerTable:
    """Per-layer output shapes, parameters and MACs of a model, with totals.

    Its plain-text ``repr`` has fixed-width columns and thousands separators and does
    not depend on the terminal, unlike Keras ``model.summary()``; there is no HTML
    form, so notebooks show the same text everywhere.

    Parameters
    ----------
    title : str
        Printed above the table (the architecture or model name).
    rows : tuple of LayerRow
        One per layer, in order; the first is usually the input.
    """

    title: str
    rows: tuple[LayerRow, ...]

    @property
    def total_params(self) -> int:
        """Sum of all layers' parameters (Keras ``model.count_params()``)."""
        return sum(r.params for r in self.rows)

    @property
    def non_trainable_params(self) -> int:
        """Sum of the parameters that training does not change."""
        return sum(r.non_trainable_params for r in self.rows)

    @property
    def trainable_params(self) -> int:
        """``total_params - non_trainable_params``."""
        return self.total_params - self.non_trainable_params

    @property
    def total_macs(self) -> int | None:
        """Sum of all layers' MACs for one image, or ``None`` if some are unknown."""
        if any(r.macs is None for r in self.rows):
            return None
        return sum(r.macs for r in self.rows)

    @property
    def output_shape(self) -> Shape:
        """Output shape of the last layer."""
        return self.rows[-1].output_shape

    def row(self, name: str) -> LayerRow:
        """Return the row of the layer called ``name``.

        Parameters
        ----------
        name : str
            A layer name.

        Returns
        -------
        LayerRow
        """
        for r in self.rows:
            if r.name == name:
                return r
        raise ValueError(f"no layer named {name!r}; layers are {[r.name for r in self.rows]}")

    def __len__(self) -> int:
        """Return the number of rows."""
        return len(self.rows)

    def __repr__(self) -> str:
        """Fixed-width text table, identical on every machine."""
        with_macs = self.total_macs is not None
        header = ["Layer", "Kind", "Output shape", "Params"] + (["MACs"] if with_macs else [])
        body = [
            [r.name, r.kind, _shape_text(r.output_shape), f"{r.params:,}"]
            + ([f"{r.macs:,}"] if with_macs else [])
            for r in self.rows
        ]
        total = ["Total", "", "", f"{self.total_params:,}"] + (
            [f"{self.total_macs:,}"] if with_macs else []
        )
        widths = [max(len(line[i]) for line in [header, *body, total]) for i in range(len(header))]
        right = [False, False, False, True, True]

        def fmt(cells: list[str]) -> str:
            parts = [
                c.rjust(w) if right[i] else c.ljust(w)
                for i, (c, w) in enumerate(zip(cells, widths, strict=True))
            ]
            return "  ".join(parts).rstrip()

        rule = "-" * (sum(widths) + 2 * (len(widths) - 1))
        lines = [self.title, rule, fmt(header), rule, *(fmt(b) for b in body), rule, fmt(total)]
        if self.non_trainable_params:
            lines.append(
                f"of which non-trainable (batch-norm moving mean and variance): "
                f"{self.non_trainable_params:,}"
            )
        return "\n".join(lines)

    __str__ = __repr__


# --------------------------------------------------------------------------- the walk


def _layer(spec: LayerSpec, shapes: list[Shape]) -> tuple[Shape, int, int, int]:
    """Output shape, parameters, non-trainable parameters and MACs of one layer."""
    kind = spec.kind
    if kind in ("conv", "max_pool", "global_avg_pool", "flatten") and len(shapes[0]) != 3:
        raise ValueError(f"needs feature maps (H, W, C) as input, got shape {shapes[0]}")
    if kind == "conv":
        c = shapes[0][2]
        if c % spec.groups:
            raise ValueError(f"its {c} input channels must be divisible by groups ({spec.groups})")
        args = (spec.filters, spec.kernel_size, spec.strides, spec.padding)
        return (
            conv_output_shape(shapes[0], *args),
            conv_params(spec.kernel_size, c, spec.filters, spec.use_bias, groups=spec.groups),
            0,
            conv_macs(shapes[0], *args, groups=spec.groups),
        )
    if kind == "max_pool":
        shape = pool_output_shape(shapes[0], spec.kernel_size, spec.strides, spec.padding)
        return shape, 0, 0, 0
    if kind == "global_avg_pool":
        return (shapes[0][2],), 0, 0, 0
    if kind == "flatten":
        return (int(np.prod(shapes[0])),), 0, 0, 0
    if kind == "dense":
        if len(shapes[0]) != 1:
            raise ValueError(
                f"needs a vector (features,) as input, got shape {shapes[0]}: flatten or "
                f"pool the feature maps first"
            )
        (n,) = shapes[0]
        return (
            (spec.filters,),
            dense_params(n, spec.filters, spec.use_bias),
            0,
            dense_macs(n, spec.filters),
        )
    if kind == "concat":
        leading = {s[:-1] for s in shapes}
        if len(leading) != 1 or len({len(s) for s in shapes}) != 1:
            raise ValueError(
                f"can only stack inputs whose shapes agree except in channels, got {shapes}"
            )
        return (*shapes[0][:-1], sum(s[-1] for s in shapes)), 0, 0, 0
    if kind == "add":
        if len(set(shapes)) != 1:
            raise ValueError(f"can only add inputs of the same shape, got {shapes}")
        return shapes[0], 0, 0, 0
    if kind == "batch_norm":
        c = shapes[0][-1]
        return shapes[0], 4 * c, 2 * c, 0
    return shapes[0], 0, 0, 0  # activation


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
            out, params, frozen, macs = _layer(spec, [shapes[s] for s in sources])
        except ValueError as err:
            raise ValueError(f"layer {spec.name!r} ({spec.keras_class}): {err}") from None
        shapes[spec.name] = out
        rows.append(LayerRow(spec.name, spec.keras_class, out, params, macs, frozen))
        previous = spec.name
    return LayerTable(title, tuple(rows))


@dataclass(frozen=True)
class Architecture:
    """A named list of layers on an input shape: one source for counts and for Keras.

    Parameters
    ----------
    name : str
        Model name (also the Keras model name and the title of :meth:`table`).
    input_shape : tuple of int
        ``(H, W, C_in)`` of one image.
    layers : tuple of LayerSpec
        The layers; they are walked once at construction, so an architecture that
        does not fit together raises ``ValueError`` immediately.
    """

    name: str
    input_shape: tuple[int, int, int]
    layers: tuple[LayerSpec, ...]

    def __post_init__(self) -> None:
        """Validate the name and check that the layers fit the input."""
        _name(self.name)
        object.__setattr__(self, "input_shape", shape3("input_shape", self.input_shape))
        object.__setattr__(self, "layers", tuple(_seq(self.layers)))
        self.table()

    def table(self) -> LayerTable:
        """Walk the layers: per-layer shapes, parameters and MACs with totals.

        Returns
        -------
        LayerTable
        """
        return walk_layers(self.layers, self.input_shape, title=self.name)

    @property
    def total_params(self) -> int:
        """All parameters, as Keras ``count_params()`` of the built model."""
        return self.table().total_params

    @property
    def total_macs(self) -> int:
        """Multiply-accumulates for one image."""
        return self.table().total_macs

    @property
    def output_shape(self) -> Shape:
        """Shape of the model's output for one image."""
        return self.table().output_shape


# --------------------------------------------------------------------------- the tutorial

#: The tutorial's input: a 256×256 RGB image.
_TUTORIAL_INPUT = (256, 256, 3)


def tutorial_architecture(
    filters_1x1: int = 64, *, input_shape: Sequence[int] = _TUTORIAL_INPUT
) -> Architecture:
    """Describe the tutorial's model: a 3×3 layer with 512 filters, then a 1×1 layer.

    Both layers use ``"same"`` padding and a ReLU, so the 1×1 layer keeps the
    256×256 size and only changes the depth: 512 filters *project* (same depth),
    64 *reduce* and 1,024 *expand*.

    Parameters
    ----------
    filters_1x1 : int, default 64
        Filters of the 1×1 layer.
    input_shape : tuple of int, default (256, 256, 3)
        ``(H, W, C_in)``.

    Returns
    -------
    Architecture
        Layers ``conv_3x3`` and ``conv_1x1``.

    Examples
    --------
    >>> tutorial_architecture(512).table().row("conv_1x1").params
    262656
    """
    filters_1x1 = whole_number("filters_1x1", filters_1x1)
    return Architecture(
        f"tutorial_1x1_{filters_1x1}",
        input_shape,
        (
            LayerSpec.conv("conv_3x3", 512, 3, activation="relu"),
            LayerSpec.conv("conv_1x1", filters_1x1, 1, activation="relu"),
        ),
    )


def reduction_architecture(
    reduce_to: int | None = None,
    *,
    kernel_size: int = 7,
    filters: int = 64,
    input_shape: Sequence[int] = (256, 256, 512),
) -> Architecture:
    """Describe a large convolution on many maps, directly or after a 1×1 reduction.

    The tutorial's example: a 7×7 layer with 64 filters on the 512 maps its first
    layer produces, compared with the same 7×7 layer after a 1×1 layer that first
    reduces the 512 maps to 64.

    Parameters
    ----------
    reduce_to : int or None, default None
        Filters of the 1×1 reduction (``None``: no reduction, the large layer sees
        all input maps).
    kernel_size : int, default 7
        Size of the large layer's filters.
    filters : int, default 64
        Filters of the large layer.
    input_shape : tuple of int, default (256, 256, 512)
        ``(H, W, C_in)``: the output of the tutorial's first layer.

    Returns
    -------
    Architecture
        Layers ``reduce_1x1`` (when reducing) and ``conv_7x7`` (named after the size).

    Examples
    --------
    >>> reduction_architecture().total_params
    1605696
    >>> reduction_architecture(reduce_to=64).total_params
    233600
    """
    k = whole_number("kernel_size", kernel_size)
    layers = []
    if reduce_to is not None:
        reduce_to = whole_number("reduce_to", reduce_to)
        layers.append(LayerSpec.conv("reduce_1x1", reduce_to, 1, activation="relu"))
    layers.append(LayerSpec.conv(f"conv_{k}x{k}", filters, k, activation="relu"))
    suffix = "direct" if reduce_to is None else f"reduced_to_{reduce_to}"
    return Architecture(f"conv_{k}x{k}_{suffix}", input_shape, tuple(layers))


# --------------------------------------------------------------------------- Network in Network


def mlpconv_architecture(
    filters: Sequence[int] = (192, 160, 96),
    *,
    kernel_size: int = 5,
    strides: int = 1,
    input_shape: Sequence[int] = (32, 32, 3),
) -> Architecture:
    """Network in Network's mlpconv block: a k×k convolution, then two 1×1 layers.

    Lin, Chen and Yan (2013) slide a small multilayer perceptron over the image: at
    each position a k×k convolution feeds two more layers that see only that pixel's
    channels, which is what two 1×1 convolutions compute. Every layer has a ReLU, so
    the two 1×1 layers do not collapse into one. The defaults are the first block of
    the CIFAR-10 network (5×5 with 192 filters, then 160 and 96 maps).

    Parameters
    ----------
    filters : (int, int, int), default (192, 160, 96)
        Filters of the k×k layer and of the two 1×1 layers.
    kernel_size : int, default 5
        Size of the first layer's filters.
    strides : int, default 1
        Stride of the first layer.
    input_shape : tuple of int, default (32, 32, 3)
        ``(H, W, C_in)``.

    Returns
    -------
    Architecture
        Layers ``mlpconv_5x5`` (named after the size), ``mlpconv_1x1_1``,
        ``mlpconv_1x1_2``, all with ``"same"`` padding.
    """
    if isinstance(filters, str) or not isinstance(filters, Sequence) or len(filters) != 3:
        raise ValueError(f"filters must be three whole numbers ≥ 1, got {filters!r}")
    k = whole_number("kernel_size", kernel_size)
    f0, f1, f2 = (whole_number(f"filters[{i}]", f) for i, f in enumerate(filters))
    return Architecture(
        "mlpconv",
        input_shape,
        (
            LayerSpec.conv(f"mlpconv_{k}x{k}", f0, k, strides=strides, activation="relu"),
            LayerSpec.conv("mlpconv_1x1_1", f1, 1, activation="relu"),
            LayerSpec.conv("mlpconv_1x1_2", f2, 1, activation="relu"),
        ),
    )


# --------------------------------------------------------------------------- Inception

#: Branch names of an inception module, in the order they are concatenated.
_INCEPTION_BRANCHES = ("1x1", "3x3", "5x5", "pool")


def inception_architecture(
    reduced: bool = True,
    *,
    branch: str | None = None,
    n1x1: int = 64,
    n3x3_reduce: int = 96,
    n3x3: int = 128,
    n5x5_reduce: int = 16,
    n5x5: int = 32,
    pool_proj: int = 32,
    input_shape: Sequence[int] = (28, 28, 192),
    prefix: str = "inception_3a",
) -> Architecture:
    """GoogLeNet's inception module, naive or with 1×1 reductions.

    Four branches see the same input and their outputs are stacked: a 1×1 layer, a
    3×3 layer, a 5×5 layer and a 3×3 max pooling (stride 1, ``"same"``), every
    convolution with a ReLU and ``"same"`` padding. With ``reduced=True`` a 1×1
    layer shrinks the depth before the 3×3 and 5×5 layers and another one follows
    the pooling, as in Szegedy et al. (2014); with ``reduced=False`` the 3×3 and 5×5
    layers work on all input maps and the pooled maps pass straight through, so the
    output is deeper than the input. The defaults are inception (3a): 28×28×192 in,
    64 + 128 + 32 + 32 = 256 maps out.

    Parameters
    ----------
    reduced : bool, default True
        With the 1×1 reductions (``n3x3_reduce``, ``n5x5_reduce``, ``pool_proj``).
    branch : {None, "1x1", "3x3", "5x5", "pool"}, default None
        ``None`` for the whole module; otherwise only that branch, without the
        concatenation.
    n1x1, n3x3_reduce, n3x3, n5x5_reduce, n5x5, pool_proj : int
        Filters of each layer, named as in the paper's table.
    input_shape : tuple of int, default (28, 28, 192)
        ``(H, W, C_in)``.
    prefix : str, default "inception_3a"
        Start of every layer name.

    Returns
    -------
    Architecture
        Layers ``{prefix}_1x1``, ``{prefix}_3x3_reduce``, ``{prefix}_3x3``,
        ``{prefix}_5x5_reduce``, ``{prefix}_5x5``, ``{prefix}_pool``,
        ``{prefix}_pool_proj`` (the reductions only when ``reduced``) and
        ``{prefix}_output``.

    Examples
    --------
    >>> inception_architecture(reduced=False, branch="5x5").total_macs
    120422400
    >>> inception_architecture(branch="5x5").total_macs
    12443648
    """
    reduced = flag("reduced", reduced)
    if branch is not None and branch not in _INCEPTION_BRANCHES:
        raise ValueError(f"branch must be None or one of {_INCEPTION_BRANCHES}, got {branch!r}")
    _name(prefix, "prefix")
    n = {
        key: whole_number(key, value)
        for key, value in [
            ("n1x1", n1x1),
            ("n3x3_reduce", n3x3_reduce),
            ("n3x3", n3x3),
            ("n5x5_reduce", n5x5_reduce),
            ("n5x5", n5x5),
            ("pool_proj", pool_proj),
        ]
    }
    p = prefix

    def conv(name: str, filters: int, k: int, source: str) -> LayerSpec:
        return LayerSpec.conv(f"{p}_{name}", filters, k, activation="relu", inputs=(source,))

    def stem(name: str, filters: int, k: int, reduce: str) -> list[LayerSpec]:
        if not reduced:
            return [conv(name, filters, k, INPUT)]
        return [
            conv(f"{name}_reduce", n[reduce], 1, INPUT),
            conv(name, filters, k, f"{p}_{name}_reduce"),
        ]

    branches = {
        "1x1": [conv("1x1", n["n1x1"], 1, INPUT)],
        "3x3": stem("3x3", n["n3x3"], 3, "n3x3_reduce"),
        "5x5": stem("5x5", n["n5x5"], 5, "n5x5_reduce"),
        "pool": [LayerSpec.max_pool(f"{p}_pool", 3, strides=1, padding="same", inputs=(INPUT,))]
        + ([conv("pool_proj", n["pool_proj"], 1, f"{p}_pool")] if reduced else []),
    }
    kind = "reduced" if reduced else "naive"
    if branch is not None:
        return Architecture(f"{p}_{branch}_branch_{kind}", input_shape, tuple(branches[branch]))
    layers = [spec for b in _INCEPTION_BRANCHES for spec in branches[b]]
    ends = tuple(branches[b][-1].name for b in _INCEPTION_BRANCHES)
    layers.append(LayerSpec.concat(f"{p}_output", ends))
    return Architecture(f"{p}_{kind}", input_shape, tuple(layers))


# --------------------------------------------------------------------------- ResNet


def _conv_bn_relu(
    name: str,
    filters: int,
    k: int,
    *,
    use_bias: bool,
    batch_norm: bool,
    relu: bool,
    index: int,
) -> list[LayerSpec]:
    """Build a convolution, its batch norm and ReLU (ReLU inside the conv without BN)."""
    if not batch_norm:
        activation = "relu" if relu else None
        return [LayerSpec.conv(name, filters, k, activation=activation, use_bias=use_bias)]
    layers = [
        LayerSpec.conv(name, filters, k, use_bias=use_bias),
        LayerSpec.batch_norm(f"bn_{index}"),
    ]
    if relu:
        layers.append(LayerSpec.relu(f"relu_{index}"))
    return layers


def _residual_block(
    name: str,
    input_shape: Sequence[int],
    convs: list[tuple[str, int, int]],
    use_bias: bool,
    batch_norm: bool,
) -> Architecture:
    use_bias = flag("use_bias", use_bias)
    batch_norm = flag("batch_norm", batch_norm)
    layers: list[LayerSpec] = []
    for i, (conv_name, filters, k) in enumerate(convs, start=1):
        layers += _conv_bn_relu(
            conv_name,
            filters,
            k,
            use_bias=use_bias,
            batch_norm=batch_norm,
            relu=i < len(convs),
            index=i,
        )
    layers.append(LayerSpec.add("add", (INPUT, layers[-1].name)))
    layers.append(LayerSpec.relu("relu_out"))
    return Architecture(name, input_shape, tuple(layers))


def bottleneck_architecture(
    bottleneck_channels: int = 64,
    *,
    input_shape: Sequence[int] = (56, 56, 256),
    use_bias: bool = False,
    batch_norm: bool = True,
) -> Architecture:
    """ResNet's bottleneck block: 1×1 down, 3×3, 1×1 back up, plus the input.

    He et al. (2015), Fig. 5 right: on a 256-d input a 1×1 layer reduces to 64 maps,
    a 3×3 layer works on those 64, and a 1×1 layer restores 256 so that the input
    can be added back (identity shortcut). As in the paper the convolutions have no
    bias (batch normalisation's shift plays that role) and each is followed by batch
    normalisation; a ReLU follows the first two and the sum.

    Parameters
    ----------
    bottleneck_channels : int, default 64
        Depth inside the bottleneck.
    input_shape : tuple of int, default (56, 56, 256)
        ``(H, W, C)``; 56×56 is the size of ResNet's first stage on ImageNet. The
        output has the same shape.
    use_bias : bool, default False
        Give the convolutions biases.
    batch_norm : bool, default True
        Follow each convolution by batch normalisation (``False``: the ReLUs sit in
        the convolutions).

    Returns
    -------
    Architecture
        Layers ``conv_1x1_reduce``, ``conv_3x3``, ``conv_1x1_restore`` (with
        ``bn_1``…``bn_3`` and ``relu_1``, ``relu_2`` when ``batch_norm``), ``add``
        and ``relu_out``.

    Examples
    --------
    >>> bottleneck_architecture(batch_norm=False).total_params
    69632
    """
    shape = shape3("input_shape", input_shape)
    b = whole_number("bottleneck_channels", bottleneck_channels)
    convs = [("conv_1x1_reduce", b, 1), ("conv_3x3", b, 3), ("conv_1x1_restore", shape[2], 1)]
    return _residual_block(f"bottleneck_{shape[2]}_{b}", shape, convs, use_bias, batch_norm)


def basic_block_architecture(
    *,
    input_shape: Sequence[int] = (56, 56, 64),
    use_bias: bool = False,
    batch_norm: bool = True,
) -> Architecture:
    """ResNet's basic block: two 3×3 layers as deep as the input, plus the input.

    He et al. (2015), Fig. 5 left, on a 64-d input. With ``input_shape=(56, 56,
    256)`` it is the block of two plain 3×3 layers at 256 maps that the bottleneck
    replaces.

    Parameters
    ----------
    input_shape : tuple of int, default (56, 56, 64)
        ``(H, W, C)``; both layers have ``C`` filters.
    use_bias : bool, default False
        Give the convolutions biases.
    batch_norm : bool, default True
        Follow each convolution by batch normalisation.

    Returns
    -------
    Architecture
        Layers ``conv_3x3_1``, ``conv_3x3_2`` (with ``bn_1``, ``bn_2``, ``relu_1``
        when ``batch_norm``), ``add`` and ``relu_out``.

    Examples
    --------
    >>> basic_block_architecture(batch_norm=False).total_params
    73728
    """
    shape = shape3("input_shape", input_shape)
    convs = [("conv_3x3_1", shape[2], 3), ("conv_3x3_2", shape[2], 3)]
    return _residual_block(f"basic_block_{shape[2]}", shape, convs, use_bias, batch_norm)


# --------------------------------------------------------------------------- SqueezeNet


def _fire(name: str, squeeze: int, expand1x1: int, expand3x3: int, source: str) -> list[LayerSpec]:
    s = whole_number("squeeze", squeeze)
    e1 = whole_number("expand1x1", expand1x1)
    e3 = whole_number("expand3x3", expand3x3)
    sq = f"{name}_squeeze1x1"
    return [
        LayerSpec.conv(sq, s, 1, activation="relu", inputs=(source,)),
        LayerSpec.conv(f"{name}_expand1x1", e1, 1, activation="relu", inputs=(sq,)),
        LayerSpec.conv(f"{name}_expand3x3", e3, 3, activation="relu", inputs=(sq,)),
        LayerSpec.concat(f"{name}_concat", (f"{name}_expand1x1", f"{name}_expand3x3")),
    ]


def fire_module_architecture(
    squeeze: int = 16,
    expand1x1: int = 64,
    expand3x3: int = 64,
    *,
    input_shape: Sequence[int] = (55, 55, 96),
    name: str = "fire2",
) -> Architecture:
    """SqueezeNet's fire module: a 1×1 squeeze, then 1×1 and 3×3 expands side by side.

    The squeeze layer cuts the depth to ``squeeze`` maps so that the 3×3 filters are
    shallow; the two expand layers read the squeezed maps and their outputs are
    stacked, ``expand1x1 + expand3x3`` maps in all. Every convolution has a ReLU;
    the 3×3 one pads (``"same"``) so both expands keep the size. The defaults are
    ``fire2`` of SqueezeNet v1.0.

    Parameters
    ----------
    squeeze : int, default 16
        Filters of the squeeze layer (``s1x1`` in the paper).
    expand1x1 : int, default 64
        Filters of the 1×1 expand layer (``e1x1``).
    expand3x3 : int, default 64
        Filters of the 3×3 expand layer (``e3x3``).
    input_shape : tuple of int, default (55, 55, 96)
        ``(H, W, C_in)``.
    name : str, default "fire2"
        Start of the layer names and name of the architecture.

    Returns
    -------
    Architecture
        Layers ``{name}_squeeze1x1``, ``{name}_expand1x1``, ``{name}_expand3x3`` and
        ``{name}_concat``.

    Examples
    --------
    >>> fire_module_architecture().total_params
    11920
    """
    _name(name)
    return Architecture(name, input_shape, tuple(_fire(name, squeeze, expand1x1, expand3x3, INPUT)))


#: SqueezeNet v1.0's fire modules (Iandola et al. 2016, Table 1): (s1x1, e1x1, e3x3).
_SQUEEZENET_FIRES = {
    "fire2": (16, 64, 64),
    "fire3": (16, 64, 64),
    "fire4": (32, 128, 128),
    "fire5": (32, 128, 128),
    "fire6": (48, 192, 192),
    "fire7": (48, 192, 192),
    "fire8": (64, 256, 256),
    "fire9": (64, 256, 256),
}


def squeezenet_architecture(
    *, input_shape: Sequence[int] = (227, 227, 3), classes: int = 1000
) -> Architecture:
    """SqueezeNet v1.0 (Iandola et al. 2016, Table 1).

    ``conv1`` (96 filters, 7×7, stride 2, no padding) → max pool 3×3/2 → fire2,
    fire3, fire4 → max pool → fire5 … fire8 → max pool → fire9 → ``conv10``
    (``classes`` filters of 1×1) → global average pooling → softmax. Every
    convolution has a ReLU, ``conv10`` included. There is no fully connected layer:
    ``conv10`` is the classifier, one 1×1 filter per class.

    Parameters
    ----------
    input_shape : tuple of int, default (227, 227, 3)
        ``(H, W, C_in)``. The paper's table says 224×224 but lists the 111×111,
        55×55, 27×27 and 13×13 sizes that a 227×227 input gives, and the released
        Caffe model takes 227×227; with 227 every pooling divides exactly, so Keras
        reproduces the table's sizes.
    classes : int, default 1000
        Number of classes (filters of ``conv10``).

    Returns
    -------
    Architecture
        Layer names follow the released Caffe model with ``/`` replaced by ``_``:
        ``conv1``, ``pool1``, ``fire2_squeeze1x1``, …, ``conv10``, ``pool10``,
        ``prob``.

    Notes
    -----
    Where this differs from the released Caffe model (none of it changes the
    parameter count):

    - Caffe rounds pooled sizes up (ceil mode), Keras down. On 227×227 both agree;
      on a 224×224 input Caffe would give 27×27 after ``pool4`` where Keras gives
      26×26, and 13×13 after ``pool8`` where Keras gives 12×12.
    - The Caffe ``conv10`` pads its 13×13 input by one pixel although its kernel is
      1×1, producing a 15×15 output whose border holds only ``ReLU(bias)``, which
      the average pooling then mixes in. Here ``conv10`` does not pad (13×13, as
      the paper's table lists), so MAC counts read off the Caffe model come out
      higher than ours by ``conv10``'s work on that border.
    - The dropout (rate 0.5) after fire9 is left out: it has no parameters and does
      nothing at inference.

    Examples
    --------
    >>> squeezenet_architecture().total_params
    1248424
    """
    classes = whole_number("classes", classes)
    layers = [
        LayerSpec.conv("conv1", 96, 7, strides=2, padding="valid", activation="relu"),
        LayerSpec.max_pool("pool1", 3, strides=2),
    ]
    for fire, widths in _SQUEEZENET_FIRES.items():
        layers += _fire(fire, *widths, layers[-1].name)
        if fire in ("fire4", "fire8"):
            layers.append(LayerSpec.max_pool(f"pool{fire[-1]}", 3, strides=2))
    layers += [
        LayerSpec.conv("conv10", classes, 1, padding="valid", activation="relu"),
        LayerSpec.global_avg_pool("pool10"),
        LayerSpec.softmax("prob"),
    ]
    return Architecture("squeezenet_v1_0", input_shape, tuple(layers))


# --------------------------------------------------------------------------- AlexNet


def alexnet_architecture(
    groups: int = 2, *, input_shape: Sequence[int] = (227, 227, 3), classes: int = 1000
) -> Architecture:
    """AlexNet (Krizhevsky et al. 2012), as the BVLC Caffe reference model has it.

    Five convolutions (96 11×11/4, 256 5×5, 384 3×3, 384 3×3, 256 3×3, each with a
    ReLU), max pooling 3×3/2 after the first, second and fifth, then three fully
    connected layers (4,096, 4,096, ``classes``). The original network ran on two
    GPUs, so ``conv2``, ``conv4`` and ``conv5`` only see the half of the input maps
    on their own GPU; ``groups=2`` keeps that split (grouped convolutions, as in the
    Caffe model SqueezeNet was compared with), ``groups=1`` gives the single-tower
    variant in which every filter sees all maps.

    Parameters
    ----------
    groups : {1, 2}, default 2
        Groups of ``conv2``, ``conv4`` and ``conv5``.
    input_shape : tuple of int, default (227, 227, 3)
        ``(H, W, C_in)``; 227×227 makes the sizes come out as in the paper (55, 27,
        13, 6), so the first dense layer sees 6·6·256 = 9,216 values.
    classes : int, default 1000
        Units of the last layer.

    Returns
    -------
    Architecture
        Layers ``conv1``, ``pool1``, ``conv2``, ``pool2``, ``conv3``, ``conv4``,
        ``conv5``, ``pool5``, ``flatten``, ``fc6``, ``fc7``, ``fc8``, ``prob``.

    Notes
    -----
    The local response normalisation and dropout layers are left out: they have
    no parameters and do not change shapes.
    """
    if isinstance(groups, bool) or not isinstance(groups, numbers.Integral) or groups not in (1, 2):
        raise ValueError(f"groups must be 1 or 2, got {groups!r}")
    groups = int(groups)
    classes = whole_number("classes", classes)
    relu = {"activation": "relu"}
    layers = (
        LayerSpec.conv("conv1", 96, 11, strides=4, padding="valid", **relu),
        LayerSpec.max_pool("pool1", 3, strides=2),
        LayerSpec.conv("conv2", 256, 5, groups=groups, **relu),
        LayerSpec.max_pool("pool2", 3, strides=2),
        LayerSpec.conv("conv3", 384, 3, **relu),
        LayerSpec.conv("conv4", 384, 3, groups=groups, **relu),
        LayerSpec.conv("conv5", 256, 3, groups=groups, **relu),
        LayerSpec.max_pool("pool5", 3, strides=2),
        LayerSpec.flatten("flatten"),
        LayerSpec.dense("fc6", 4096, **relu),
        LayerSpec.dense("fc7", 4096, **relu),
        LayerSpec.dense("fc8", classes),
        LayerSpec.softmax("prob"),
    )
    name = "alexnet" if groups == 2 else "alexnet_single_tower"
    return Architecture(name, input_shape, layers)
