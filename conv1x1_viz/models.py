"""Keras 3 builders for the architectures of :mod:`conv1x1_viz.architectures`.

:func:`build_model` builds any :class:`~conv1x1_viz.architectures.Architecture` as a
functional :class:`keras.Model` on a symbolic input (nothing is run, so even AlexNet
builds in a moment). Layers carry the names of the description, so two builds print
the same table whatever Keras' global name counters say.

Each ``<name>_model`` (``tutorial_model``, ``inception_model``, ...) is made from
``<name>_architecture`` by one small factory: it takes the very same arguments (its
signature and parameter documentation are copied from the architecture function) and
returns ``build_model(<name>_architecture(...))``.

:func:`layer_table` reads a Keras model back into the plain-text
:class:`~conv1x1_viz.architectures.LayerTable`, which notebooks show instead of
``model.summary()`` (Keras 3 prints the summary through ``rich``, whose layout
depends on the terminal width).

TensorFlow and Keras are imported inside the functions, through
:func:`conv1x1_viz.load_keras`, so importing this module stays cheap.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np

from conv1x1_viz import architectures
from conv1x1_viz.architectures import INPUT, Architecture, LayerRow, LayerSpec, LayerTable
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

#: The Keras arguments of each kind of layer besides its name (the class is
#: ``spec.keras_class``); every setting is given explicitly, none left to defaults.
_KERAS_ARGUMENTS: dict[str, Callable[[LayerSpec], dict[str, Any]]] = {
    "conv": lambda spec: {
        "filters": spec.filters,
        "kernel_size": spec.kernel_size,
        "strides": spec.strides,
        "padding": spec.padding,
        "activation": spec.activation,
        "use_bias": spec.use_bias,
        "groups": spec.groups,
    },
    "max_pool": lambda spec: {
        "pool_size": spec.kernel_size,
        "strides": spec.strides,
        "padding": spec.padding,
    },
    "dense": lambda spec: {
        "units": spec.filters,
        "activation": spec.activation,
        "use_bias": spec.use_bias,
    },
    "activation": lambda spec: {"activation": spec.activation},
    "concat": lambda spec: {"axis": -1},
}


def _keras_layer(keras: ModuleType, spec: LayerSpec) -> object:
    """Make the Keras layer a spec describes."""
    arguments = _KERAS_ARGUMENTS.get(spec.kind, lambda spec: {})(spec)
    return getattr(keras.layers, spec.keras_class)(**arguments, name=spec.name)


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
    >>> build_model(fire_module_architecture()).count_params()
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


def _model_builder(architecture: Callable[..., Architecture]) -> Callable[..., keras.Model]:
    """Make ``<name>_model`` from ``<name>_architecture``: same arguments, a Keras model.

    The builder's signature is the architecture function's (so ``help()`` and
    ``inspect.signature`` show the real arguments), its documentation the architecture's
    summary and parameters, and it returns ``build_model(architecture(...))``.
    """
    name = architecture.__name__.removesuffix("_architecture")
    where = f":func:`~conv1x1_viz.architectures.{architecture.__name__}`"
    doc = inspect.getdoc(architecture)
    parameters = doc[doc.index("Parameters\n") : doc.index("Returns\n")]

    signature = inspect.signature(architecture).replace(return_annotation="keras.Model")

    def builder(*args: Any, **kwargs: Any) -> keras.Model:
        try:
            signature.bind(*args, **kwargs)
        except TypeError as err:  # name the function that was called, not the architecture
            raise TypeError(f"{name}_model(): {err}") from None
        return build_model(architecture(*args, **kwargs))

    builder.__name__ = builder.__qualname__ = f"{name}_model"
    builder.__signature__ = signature
    builder.__doc__ = (
        f"Build {where} as a Keras model.\n\n"
        f"{doc.splitlines()[0]}\n\n"
        f"{parameters}"
        "Returns\n-------\nkeras.Model\n"
        "    Built by :func:`build_model` on a symbolic input, with the model and layer\n"
        "    names of the architecture.\n\n"
        "See Also\n--------\n"
        f"conv1x1_viz.architectures.{architecture.__name__} : its layers and counts.\n"
    )
    return builder


tutorial_model = _model_builder(architectures.tutorial_architecture)
reduction_model = _model_builder(architectures.reduction_architecture)
mlpconv_model = _model_builder(architectures.mlpconv_architecture)
inception_model = _model_builder(architectures.inception_architecture)
bottleneck_model = _model_builder(architectures.bottleneck_architecture)
basic_block_model = _model_builder(architectures.basic_block_architecture)
fire_module_model = _model_builder(architectures.fire_module_architecture)
squeezenet_model = _model_builder(architectures.squeezenet_architecture)
alexnet_model = _model_builder(architectures.alexnet_architecture)


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
