"""Whole networks: SqueezeNet v1.0 and AlexNet, the network it is measured against.

SqueezeNet reaches AlexNet's accuracy with about fifty times fewer parameters, mostly
by putting 1×1 layers where AlexNet has large ones and by ending in a 1×1 classifier
instead of fully connected layers; the two tables show where the parameters go.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from conv1x1_viz.architectures.blocks import _fire
from conv1x1_viz.architectures.specs import LayerSpec
from conv1x1_viz.architectures.walk import Architecture
from conv1x1_viz.validation import whole_number

__all__ = ["alexnet_architecture", "squeezenet_architecture"]


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
    groups = whole_number("groups", groups, 1, 2)
    classes = whole_number("classes", classes)
    relu: dict[str, Any] = {"activation": "relu"}
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
