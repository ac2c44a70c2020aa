"""The arithmetic of the architectures in which 1×1 layers earn their keep.

An architecture is written down once, as a tuple of :class:`LayerSpec` (name, kind,
kernel size, filters, strides, padding, activation, bias, groups, and which earlier
layers feed it). :func:`walk_layers` carries an input shape through that list and
returns a :class:`LayerTable`: per layer the output shape, the parameters and the
multiply-accumulates, with totals. The Keras builders in :mod:`conv1x1_viz.models`
build their models from the very same descriptions, and the tests check that Keras
``count_params()`` and output shapes agree with the walk.

The subpackage has three parts, and every name is importable from here:

- the layer-walking engine: :mod:`~conv1x1_viz.architectures.specs`
  (:class:`LayerSpec`, :data:`LAYER_KINDS`, :data:`ACTIVATIONS`, :data:`INPUT`) and
  :mod:`~conv1x1_viz.architectures.walk` (:func:`walk_layers`,
  :class:`Architecture`, :func:`dense_params`, :func:`dense_macs`);
- the table: :mod:`~conv1x1_viz.architectures.table` (:class:`LayerRow`,
  :class:`LayerTable` and its fixed-width text);
- the catalogue: :mod:`~conv1x1_viz.architectures.blocks` (the tutorial's models,
  the 7×7 reduction, Network in Network's mlpconv, Inception, ResNet's blocks,
  SqueezeNet's fire module) and :mod:`~conv1x1_viz.architectures.networks`
  (SqueezeNet and AlexNet).

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

Examples
--------
>>> from conv1x1_viz.architectures import inception_architecture
>>> print(inception_architecture(branch="5x5").table())
inception_3a_5x5_branch_reduced
----------------------------------------------------------------------
Layer                    Kind        Output shape   Params        MACs
----------------------------------------------------------------------
input                    InputLayer  (28, 28, 192)       0           0
inception_3a_5x5_reduce  Conv2D      (28, 28, 16)    3,088   2,408,448
inception_3a_5x5         Conv2D      (28, 28, 32)   12,832  10,035,200
----------------------------------------------------------------------
Total                                               15,920  12,443,648
"""

from conv1x1_viz.architectures import blocks, networks, specs, table, walk
from conv1x1_viz.architectures.blocks import *  # noqa: F403
from conv1x1_viz.architectures.networks import *  # noqa: F403
from conv1x1_viz.architectures.specs import *  # noqa: F403
from conv1x1_viz.architectures.table import *  # noqa: F403
from conv1x1_viz.architectures.walk import *  # noqa: F403

__all__ = [*specs.__all__, *walk.__all__, *table.__all__, *blocks.__all__, *networks.__all__]
