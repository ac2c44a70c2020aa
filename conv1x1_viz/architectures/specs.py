"""What a layer is: :class:`LayerSpec`, one layer of an architecture written down once.

A spec holds just enough to count the layer (:mod:`~conv1x1_viz.architectures.walk`)
and to build it in Keras (:func:`conv1x1_viz.models.build_model`): its name and kind,
kernel size, filters, strides, padding, activation, bias, groups, and which earlier
layers feed it. Every field is checked when the spec is made, so a spec that exists
is a spec Keras accepts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from conv1x1_viz.arithmetic import PADDINGS
from conv1x1_viz.validation import flag, one_of, size_pair, whole_number

__all__ = ["ACTIVATIONS", "INPUT", "LAYER_KINDS", "LayerSpec"]

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
    :meth:`add`, :meth:`batch_norm`, :meth:`relu`, :meth:`softmax`), one per kind, each
    returning a spec with only the fields that matter for that kind filled in;
    ``LayerSpec(name, kind, ...)`` takes the fields in the order below and checks every
    one of them.

    Attributes
    ----------
    name : str
        Layer name, used as the Keras layer name; unique within an architecture and
        not ``"input"``.
    kind : str
        One of :data:`LAYER_KINDS`.
    kernel_size : (int, int), default (1, 1)
        Filter size of a ``"conv"`` layer, window size (``pool_size``) of a
        ``"max_pool"`` layer; an int ``k`` given for it is stored as ``(k, k)``.
    filters : int or None, default None
        Filters of a ``"conv"`` layer, units of a ``"dense"`` layer; ``None`` for
        every other kind.
    strides : (int, int), default (1, 1)
        Step of a ``"conv"`` or ``"max_pool"`` layer; an int is stored as a pair.
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
    keras_class : str
        Name of the Keras layer class this spec becomes (read-only, from ``kind``).
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
        """Max pooling (Keras ``MaxPooling2D``); ``strides`` defaults to ``pool_size``."""
        strides = pool_size if strides is None else strides
        return cls(name, "max_pool", pool_size, None, strides, padding, inputs=_seq(inputs))

    @classmethod
    def global_avg_pool(cls, name: str, *, inputs: Sequence[str] = ()) -> LayerSpec:
        """Average of each map over all pixels (Keras ``GlobalAveragePooling2D``)."""
        return cls(name, "global_avg_pool", inputs=_seq(inputs))

    @classmethod
    def flatten(cls, name: str, *, inputs: Sequence[str] = ()) -> LayerSpec:
        """Unroll ``(H, W, C)`` into one vector of ``H·W·C`` (Keras ``Flatten``)."""
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
        """Describe a fully connected layer on a vector (Keras ``Dense``)."""
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
        """Stack feature maps along the channel axis (Keras ``Concatenate``)."""
        return cls(name, "concat", inputs=_seq(inputs))

    @classmethod
    def add(cls, name: str, inputs: Sequence[str]) -> LayerSpec:
        """Add tensors of equal shape, as a residual connection does (Keras ``Add``)."""
        return cls(name, "add", inputs=_seq(inputs))

    @classmethod
    def batch_norm(cls, name: str, *, inputs: Sequence[str] = ()) -> LayerSpec:
        """Batch normalisation over the channel axis (Keras ``BatchNormalization``)."""
        return cls(name, "batch_norm", inputs=_seq(inputs))

    @classmethod
    def relu(cls, name: str, *, inputs: Sequence[str] = ()) -> LayerSpec:
        """Describe a ReLU as a layer of its own (Keras ``Activation("relu")``)."""
        return cls(name, "activation", activation="relu", inputs=_seq(inputs))

    @classmethod
    def softmax(cls, name: str, *, inputs: Sequence[str] = ()) -> LayerSpec:
        """Describe a softmax as a layer of its own (Keras ``Activation("softmax")``)."""
        return cls(name, "activation", activation="softmax", inputs=_seq(inputs))


def _seq(inputs: object) -> Any:
    """Turn a list of names into a tuple; leave anything else for validation."""
    if isinstance(inputs, Sequence) and not isinstance(inputs, str):
        return tuple(inputs)
    return inputs
