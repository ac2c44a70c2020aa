"""Keras 3 builders for the architectures of :mod:`conv1x1_viz.architectures`.

Each builder takes the same arguments as the matching ``*_architecture`` function,
builds that :class:`~conv1x1_viz.architectures.Architecture` with :func:`build_model`
and returns a functional :class:`keras.Model` on a symbolic input (nothing is run,
so even AlexNet builds in a moment). Layers carry the names of the description, so
two builds print the same table whatever Keras' global name counters say.

:func:`layer_table` reads a Keras model back into the plain-text
:class:`~conv1x1_viz.architectures.LayerTable`, which notebooks show instead of
``model.summary()`` (Keras 3 prints the summary through ``rich``, whose layout
depends on the terminal width).

TensorFlow and Keras are imported inside the functions, through
:func:`conv1x1_viz.load_keras`, so importing this module stays cheap.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np

from conv1x1_viz.architectures import (
    INPUT,
    Architecture,
    LayerRow,
    LayerSpec,
    LayerTable,
    alexnet_architecture,
    basic_block_architecture,
    bottleneck_architecture,
    fire_module_architecture,
    inception_architecture,
    mlpconv_architecture,
    reduction_architecture,
    squeezenet_architecture,
    tutorial_architecture,
)
from conv1x1_viz.keras_loader import load_keras

if TYPE_CHECKING:
    import keras

__all__ = [
    "alexnet_model",
    "basic_block_model",
    "bottleneck_model",
    "build_model",
    "fire_module_model",
    "inception_model",
    "layer_table",
    "mlpconv_model",
    "reduction_model",
    "squeezenet_model",
    "tutorial_model",
]


def _keras_layer(keras: ModuleType, spec: LayerSpec) -> object:
    """Make the Keras layer a spec describes, with every setting given explicitly."""
    layers = keras.layers
    name = spec.name
    if spec.kind == "conv":
        return layers.Conv2D(
            spec.filters,
            spec.kernel_size,
            strides=spec.strides,
            padding=spec.padding,
            activation=spec.activation,
            use_bias=spec.use_bias,
            groups=spec.groups,
            name=name,
        )
    if spec.kind == "max_pool":
        return layers.MaxPooling2D(
            spec.kernel_size, strides=spec.strides, padding=spec.padding, name=name
        )
    if spec.kind == "dense":
        return layers.Dense(
            spec.filters, activation=spec.activation, use_bias=spec.use_bias, name=name
        )
    if spec.kind == "activation":
        return layers.Activation(spec.activation, name=name)
    if spec.kind == "concat":
        return layers.Concatenate(axis=-1, name=name)
    simple = {
        "global_avg_pool": layers.GlobalAveragePooling2D,
        "flatten": layers.Flatten,
        "add": layers.Add,
        "batch_norm": layers.BatchNormalization,
    }
    return simple[spec.kind](name=name)


def build_model(architecture: Architecture) -> keras.Model:
    """Build an architecture as a Keras functional model.

    Parameters
    ----------
    architecture : Architecture
        The description; the model input is named ``"input"``, every layer keeps its
        spec's name and the model takes the architecture's name.

    Returns
    -------
    keras.Model
        Built on a symbolic input, so ``count_params()`` and the layers' output
        shapes are available without running anything.

    Examples
    --------
    >>> from conv1x1_viz.architectures import fire_module_architecture
    >>> build_model(fire_module_architecture()).count_params()  # doctest: +SKIP
    11920
    """
    if not isinstance(architecture, Architecture):
        raise ValueError(
            f"architecture must be an Architecture (e.g. from squeezenet_architecture()), "
            f"got {architecture!r}"
        )
    keras = load_keras(seed=None)
    tensors = {INPUT: keras.Input(shape=architecture.input_shape, name=INPUT)}
    previous = INPUT
    for spec in architecture.layers:
        sources = [tensors[s] for s in spec.inputs or (previous,)]
        layer = _keras_layer(keras, spec)
        tensors[spec.name] = layer(sources if len(sources) > 1 else sources[0])
        previous = spec.name
    return keras.Model(tensors[INPUT], tensors[previous], name=architecture.name)


def tutorial_model(
    filters_1x1: int = 64, *, input_shape: Sequence[int] = (256, 256, 3)
) -> keras.Model:
    """Build the tutorial's model: 3×3 with 512 filters, then a 1×1 layer.

    Parameters and layers as in
    :func:`~conv1x1_viz.architectures.tutorial_architecture`.

    Returns
    -------
    keras.Model
    """
    return build_model(tutorial_architecture(filters_1x1, input_shape=input_shape))


def reduction_model(
    reduce_to: int | None = None,
    *,
    kernel_size: int = 7,
    filters: int = 64,
    input_shape: Sequence[int] = (256, 256, 512),
) -> keras.Model:
    """Build a 7×7 layer on 512 maps, directly or after a 1×1 reduction.

    Parameters and layers as in
    :func:`~conv1x1_viz.architectures.reduction_architecture`.

    Returns
    -------
    keras.Model
    """
    return build_model(
        reduction_architecture(
            reduce_to, kernel_size=kernel_size, filters=filters, input_shape=input_shape
        )
    )


def mlpconv_model(
    filters: Sequence[int] = (192, 160, 96),
    *,
    kernel_size: int = 5,
    strides: int = 1,
    input_shape: Sequence[int] = (32, 32, 3),
) -> keras.Model:
    """Build Network in Network's mlpconv block.

    Parameters and layers as in
    :func:`~conv1x1_viz.architectures.mlpconv_architecture`.

    Returns
    -------
    keras.Model
    """
    return build_model(
        mlpconv_architecture(
            filters, kernel_size=kernel_size, strides=strides, input_shape=input_shape
        )
    )


def inception_model(
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
) -> keras.Model:
    """Build GoogLeNet's inception module (or one branch), naive or reduced.

    Parameters and layers as in
    :func:`~conv1x1_viz.architectures.inception_architecture`.

    Returns
    -------
    keras.Model
    """
    return build_model(
        inception_architecture(
            reduced,
            branch=branch,
            n1x1=n1x1,
            n3x3_reduce=n3x3_reduce,
            n3x3=n3x3,
            n5x5_reduce=n5x5_reduce,
            n5x5=n5x5,
            pool_proj=pool_proj,
            input_shape=input_shape,
            prefix=prefix,
        )
    )


def bottleneck_model(
    bottleneck_channels: int = 64,
    *,
    input_shape: Sequence[int] = (56, 56, 256),
    use_bias: bool = False,
    batch_norm: bool = True,
) -> keras.Model:
    """Build ResNet's bottleneck block (1×1 down, 3×3, 1×1 up, identity shortcut).

    Parameters and layers as in
    :func:`~conv1x1_viz.architectures.bottleneck_architecture`.

    Returns
    -------
    keras.Model
    """
    return build_model(
        bottleneck_architecture(
            bottleneck_channels,
            input_shape=input_shape,
            use_bias=use_bias,
            batch_norm=batch_norm,
        )
    )


def basic_block_model(
    *,
    input_shape: Sequence[int] = (56, 56, 64),
    use_bias: bool = False,
    batch_norm: bool = True,
) -> keras.Model:
    """Build ResNet's basic block (two 3×3 layers, identity shortcut).

    Parameters and layers as in
    :func:`~conv1x1_viz.architectures.basic_block_architecture`.

    Returns
    -------
    keras.Model
    """
    return build_model(
        basic_block_architecture(input_shape=input_shape, use_bias=use_bias, batch_norm=batch_norm)
    )


def fire_module_model(
    squeeze: int = 16,
    expand1x1: int = 64,
    expand3x3: int = 64,
    *,
    input_shape: Sequence[int] = (55, 55, 96),
    name: str = "fire2",
) -> keras.Model:
    """Build SqueezeNet's fire module.

    Parameters and layers as in
    :func:`~conv1x1_viz.architectures.fire_module_architecture`.

    Returns
    -------
    keras.Model
    """
    return build_model(
        fire_module_architecture(squeeze, expand1x1, expand3x3, input_shape=input_shape, name=name)
    )


def squeezenet_model(
    *, input_shape: Sequence[int] = (227, 227, 3), classes: int = 1000
) -> keras.Model:
    """Build SqueezeNet v1.0 (Iandola et al. 2016, Table 1).

    Parameters, layers and the differences from the Caffe model as in
    :func:`~conv1x1_viz.architectures.squeezenet_architecture`.

    Returns
    -------
    keras.Model
    """
    return build_model(squeezenet_architecture(input_shape=input_shape, classes=classes))


def alexnet_model(
    groups: int = 2, *, input_shape: Sequence[int] = (227, 227, 3), classes: int = 1000
) -> keras.Model:
    """Build AlexNet as in the BVLC Caffe reference model (``groups=2``) or single-tower.

    Parameters and layers as in
    :func:`~conv1x1_viz.architectures.alexnet_architecture`.

    Returns
    -------
    keras.Model
    """
    return build_model(alexnet_architecture(groups, input_shape=input_shape, classes=classes))


def layer_table(model: keras.Model) -> LayerTable:
    """Read a Keras model into a deterministic plain-text table.

    Use it in notebooks instead of ``model.summary()``: the text has fixed-width
    columns (layer name, Keras class, output shape without the batch axis,
    parameters with thousands separators) and is the same on every screen.

    Parameters
    ----------
    model : keras.Model
        A built model whose layers are each used once (as every builder here makes).

    Returns
    -------
    LayerTable
        One row per entry of ``model.layers``, in Keras' order (by depth from the
        input, so the rows of a branching model may come in another order than in
        its description; the ``InputLayer`` is included for functional models).
        MACs are not known to Keras, so they are ``None`` and the table leaves that
        column out. ``total_params`` equals ``model.count_params()``. A size the
        model leaves open (an input of ``(None, None, 3)``) shows as ``None``.
    """
    layers = getattr(model, "layers", None)
    if not isinstance(layers, list) or not hasattr(model, "count_params"):
        raise ValueError(f"model must be a built Keras model, got {model!r}")
    rows = []
    for layer in layers:
        calls = len(getattr(layer, "_inbound_nodes", ()))
        try:
            if calls > 1:
                raise ValueError(f"it is called {calls} times")
            shape = tuple(layer.output.shape[1:])
        except (AttributeError, ValueError) as err:
            raise ValueError(
                f"layer {layer.name!r} has no single output shape ({err}); layer_table "
                f"needs a built model whose layers are each used once"
            ) from None
        frozen = sum(int(np.prod(w.shape)) for w in layer.non_trainable_weights)
        rows.append(
            LayerRow(
                layer.name,
                type(layer).__name__,
                tuple(None if n is None else int(n) for n in shape),
                int(layer.count_params()),
                None,
                frozen,
            )
        )
    return LayerTable(model.name, tuple(rows))
