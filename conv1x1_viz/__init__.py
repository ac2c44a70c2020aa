"""Drawings, live explorers and exact arithmetic for learning 1×1 convolutions.

The package is layered, each layer importing only the ones before it:

- :mod:`conv1x1_viz.arithmetic`: shapes, parameter counts, multiply-accumulates and the
  convolutions themselves, in plain NumPy;
- :mod:`conv1x1_viz.keras_loader`: a quiet, seeded TensorFlow/Keras import for notebooks
  and tests (TensorFlow is imported only when :func:`load_keras` is called);
- :mod:`conv1x1_viz.architectures`: layer-by-layer shapes, parameters and MACs of the
  architectures built on 1×1 layers (NiN, Inception, ResNet, SqueezeNet, AlexNet);
- :mod:`conv1x1_viz.models`: Keras builders for those architectures (TensorFlow imported
  lazily) and :func:`layer_table`, a plain-text model summary.

``import conv1x1_viz`` never imports TensorFlow.
"""

from conv1x1_viz.architectures import (
    Architecture,
    LayerRow,
    LayerSpec,
    LayerTable,
    alexnet_architecture,
    basic_block_architecture,
    bottleneck_architecture,
    dense_macs,
    dense_params,
    fire_module_architecture,
    inception_architecture,
    mlpconv_architecture,
    reduction_architecture,
    squeezenet_architecture,
    tutorial_architecture,
    walk_layers,
)
from conv1x1_viz.arithmetic import (
    PADDINGS,
    conv1x1,
    conv2d_reference,
    conv_macs,
    conv_output_shape,
    conv_params,
)
from conv1x1_viz.keras_loader import load_keras
from conv1x1_viz.models import (
    alexnet_model,
    basic_block_model,
    bottleneck_model,
    build_model,
    fire_module_model,
    inception_model,
    layer_table,
    mlpconv_model,
    reduction_model,
    squeezenet_model,
    tutorial_model,
)

__all__ = [
    "PADDINGS",
    "conv1x1",
    "conv2d_reference",
    "conv_macs",
    "conv_output_shape",
    "conv_params",
    "load_keras",
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
__version__ = "0.1.0"
