"""Drawings, live explorers and exact arithmetic for learning 1×1 convolutions.

The package is layered, each layer importing only the ones before it:

- :mod:`conv1x1_viz.arithmetic`: shapes, parameter counts, multiply-accumulates and the
  convolutions themselves, in plain NumPy;
- :mod:`conv1x1_viz.keras_loader`: a quiet, seeded TensorFlow/Keras import for notebooks
  and tests (TensorFlow is imported only when :func:`load_keras` is called).

``import conv1x1_viz`` never imports TensorFlow.
"""

from conv1x1_viz.arithmetic import (
    PADDINGS,
    conv1x1,
    conv2d_reference,
    conv_macs,
    conv_output_shape,
    conv_params,
)
from conv1x1_viz.keras_loader import load_keras

__all__ = [
    "PADDINGS",
    "conv1x1",
    "conv2d_reference",
    "conv_macs",
    "conv_output_shape",
    "conv_params",
    "load_keras",
]
__version__ = "0.1.0"
