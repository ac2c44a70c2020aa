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
    "vision_transformer_model",
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


def _keras_layer(keras: ModuleType, spec: LayerSpec) -> Any:
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


def vision_transformer_model(
    image_size: int | None = 224,
    *,
    patch_size: int = 16,
    width: int = 768,
    depth: int = 12,
    heads: int = 12,
    mlp_width: int = 3072,
    classes: int = 1000,
    class_token: bool = True,
    name: str = "vit",
) -> keras.Model:
    """Build a vision transformer (ViT) from Keras layers, ViT-B/16 by default.

    The image is cut into ``patch_size × patch_size`` patches by a convolution whose
    kernel and stride are the patch (so each patch becomes one token of ``width``
    values), then ``depth`` pre-norm encoder blocks each apply ``MultiHeadAttention``
    (``heads`` heads of ``width / heads`` values) and a feed-forward block of two
    ``Dense`` layers (``width → mlp_width → width``, GELU) to every token, each with a
    residual connection. With ``class_token`` (as the ViT paper), a learned token is
    put before the patches, learned position embeddings are added, and the head reads
    that token; without, the head reads the tokens' average and the image size may be
    left open (``image_size=None``). Dropout is left out: it holds no weights.

    Parameters
    ----------
    image_size : int or None, default 224
        Height and width of the input image; None leaves it open (only without
        ``class_token``, whose position embeddings need the number of tokens).
    patch_size, width, depth, heads, mlp_width, classes : int
        The ViT's sizes; ``width`` must be a multiple of ``heads``.
    class_token : bool, default True
        Class token and position embeddings, as ViT-B/16; or an average of the tokens.
    name : str, default "vit"

    Returns
    -------
    keras.Model
        ViT-B/16 (the defaults) holds 86,567,656 parameters, as published.

    Examples
    --------
    >>> tiny = vision_transformer_model(32, patch_size=8, width=16, depth=1, heads=2,
    ...                                 mlp_width=32, classes=10, class_token=False)
    >>> tiny.count_params(), tiny.output.shape
    (5514, (None, 10))
    """
    from conv1x1_viz.validation import flag, whole_number

    sizes = {"patch_size": patch_size, "width": width, "depth": depth, "heads": heads,
             "mlp_width": mlp_width, "classes": classes}  # fmt: skip
    for key, value in sizes.items():
        whole_number(key, value)
    class_token = flag("class_token", class_token)
    if width % heads:
        raise ValueError(f"width must be a multiple of heads ({heads}), got {width}")
    if image_size is None and class_token:
        raise ValueError(
            "image_size must be given with class_token=True: the position embeddings need "
            "the number of patches; use class_token=False for an open image size"
        )
    if image_size is not None and whole_number("image_size", image_size) % patch_size:
        raise ValueError(
            f"image_size must be a multiple of patch_size ({patch_size}), got {image_size}"
        )
    keras = load_keras(seed=None)
    layers = keras.layers
    image = keras.Input((image_size, image_size, 3), name="image")
    x = layers.Conv2D(width, patch_size, strides=patch_size, name="patch_embedding")(image)
    x = layers.Reshape((-1, width), name="tokens")(x)
    if class_token:
        x = _ClassToken(keras)(name="class_token")(x)
        x = _PositionEmbedding(keras)(name="position_embedding")(x)
    for i in range(depth):
        y = layers.LayerNormalization(epsilon=1e-6, name=f"block{i}_norm1")(x)
        y = layers.MultiHeadAttention(heads, width // heads, name=f"block{i}_attention")(y, y)
        x = layers.Add(name=f"block{i}_add1")([x, y])
        y = layers.LayerNormalization(epsilon=1e-6, name=f"block{i}_norm2")(x)
        y = layers.Dense(mlp_width, activation="gelu", name=f"block{i}_mlp1")(y)
        y = layers.Dense(width, name=f"block{i}_mlp2")(y)
        x = layers.Add(name=f"block{i}_add2")([x, y])
    x = layers.LayerNormalization(epsilon=1e-6, name="norm")(x)
    if class_token:
        x = layers.Lambda(lambda t: t[:, 0], name="take_class_token")(x)
    else:
        x = layers.GlobalAveragePooling1D(name="average")(x)
    return keras.Model(image, layers.Dense(classes, name="head")(x), name=name)


def _ClassToken(keras: ModuleType) -> type:  # noqa: N802 (a class factory)
    """Make the layer that puts one learned token before the tokens."""

    class ClassToken(keras.layers.Layer):
        def build(self, shape: tuple) -> None:
            self.token = self.add_weight(shape=(1, 1, shape[-1]), initializer="zeros")

        def call(self, tokens: Any) -> Any:
            ops = keras.ops
            first = ops.broadcast_to(self.token, (ops.shape(tokens)[0], 1, tokens.shape[-1]))
            return ops.concatenate([ops.cast(first, tokens.dtype), tokens], axis=1)

        def compute_output_shape(self, shape: tuple) -> tuple:
            return (shape[0], None if shape[1] is None else shape[1] + 1, shape[2])

    return ClassToken


def _PositionEmbedding(keras: ModuleType) -> type:  # noqa: N802 (a class factory)
    """Make the layer that adds one learned vector per position."""

    class PositionEmbedding(keras.layers.Layer):
        def build(self, shape: tuple) -> None:
            self.table = self.add_weight(shape=(shape[1], shape[2]), initializer="zeros")

        def call(self, tokens: Any) -> Any:
            return tokens + keras.ops.cast(self.table, tokens.dtype)

    return PositionEmbedding


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
