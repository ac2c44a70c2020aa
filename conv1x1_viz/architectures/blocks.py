"""The building blocks in which 1×1 layers earn their keep, described layer by layer.

Each function returns an :class:`~conv1x1_viz.architectures.Architecture`, whose
table gives every layer's output shape, parameters and MACs; the Keras builders in
:mod:`conv1x1_viz.models` build the same descriptions.

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
- :func:`fire_module_architecture`: SqueezeNet's fire module (the whole network is
  in :mod:`~conv1x1_viz.architectures.networks`).
"""

from __future__ import annotations

from collections.abc import Sequence

from conv1x1_viz.architectures.specs import INPUT, LayerSpec, _name
from conv1x1_viz.architectures.walk import Architecture
from conv1x1_viz.validation import flag, shape3, whole_number

__all__ = [
    "basic_block_architecture",
    "bottleneck_architecture",
    "fire_module_architecture",
    "inception_architecture",
    "mlpconv_architecture",
    "reduction_architecture",
    "tutorial_architecture",
]

# --------------------------------------------------------------------------- the tutorial

#: The tutorial's input: a 256×256 RGB image.
_TUTORIAL_INPUT = (256, 256, 3)


def tutorial_architecture(
    filters_1x1: int = 64, *, input_shape: Sequence[int] = _TUTORIAL_INPUT
) -> Architecture:
    """Describe the tutorial's model: a 3×3 layer with 512 filters, then a 1×1 layer.

    Both layers use ``"same"`` padding, as the tutorial does, and a ReLU. The 3×3
    layer keeps the 256×256 size because of its padding; the 1×1 layer, with stride 1,
    keeps it whatever its padding, and only changes the depth: 512 filters *project*
    (same depth), 64 *reduce* and 1,024 *expand*.

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
