"""Drawings, live explorers and exact arithmetic for learning 1×1 convolutions.

The package is layered, each layer importing only the ones before it:

- :mod:`conv1x1_viz.arithmetic`: shapes, parameter counts, multiply-accumulates and the
  convolutions themselves, in plain NumPy;
- :mod:`conv1x1_viz.keras_loader`: a quiet, seeded TensorFlow/Keras import for notebooks
  and tests (TensorFlow is imported only when :func:`load_keras` is called);
- :mod:`conv1x1_viz.architectures`: layer-by-layer shapes, parameters and MACs of the
  architectures built on 1×1 layers (NiN, Inception, ResNet, SqueezeNet, AlexNet);
- :mod:`conv1x1_viz.models`: Keras builders for those architectures (TensorFlow imported
  lazily) and :func:`layer_table`, a plain-text model summary;
- :mod:`conv1x1_viz.formulas`: the counts written out as formulas with the numbers
  plugged in, and the costs of a direct layer against a 1×1 reduction;
- :mod:`conv1x1_viz.pca`: the best linear 1×1 reduction (principal components of the
  per-pixel channel vectors) and reconstruction errors;
- :mod:`conv1x1_viz.toy_data`: a small seeded image data set for training experiments;
- :mod:`conv1x1_viz.geometry`: where the drawings put things, as plain coordinates;
- :mod:`conv1x1_viz.draw`: the matplotlib drawings (filter blocks, channel mixing,
  feature-map grids, cost bars);
- :mod:`conv1x1_viz.widgets`: the live explorers (ipywidgets).

``import conv1x1_viz`` never imports TensorFlow, and loads neither matplotlib nor
ipywidgets: the names from :mod:`~conv1x1_viz.draw` and :mod:`~conv1x1_viz.widgets`
(e.g. ``conv1x1_viz.ParamExplorer``) import their module on first use, or import
the module itself: ``from conv1x1_viz.widgets import ParamExplorer``.
"""

from typing import TYPE_CHECKING, Any

from conv1x1_viz import architectures, models
from conv1x1_viz.architectures import *  # noqa: F403
from conv1x1_viz.arithmetic import (
    PADDINGS,
    conv1x1,
    conv2d_reference,
    conv_macs,
    conv_output_shape,
    conv_params,
)
from conv1x1_viz.exercises import check_prediction
from conv1x1_viz.formulas import (
    BottleneckCosts,
    LayerCost,
    bottleneck_costs,
    dot_formula,
    format_count,
    layer_cost,
    macs_formula,
    params_formula,
)
from conv1x1_viz.geometry import Block, drawn_length, filter_block_scene, grid_layout
from conv1x1_viz.keras_loader import load_keras
from conv1x1_viz.models import *  # noqa: F403
from conv1x1_viz.pca import (
    LinearReduction,
    PrincipalComponents,
    fit_decoder,
    pca_errors,
    pca_reduction,
    principal_components,
    random_reduction,
    reconstruction_error,
)
from conv1x1_viz.toy_data import SHAPE_CLASSES, ToyImages, toy_shapes

__all__ = [
    "PADDINGS",
    "conv1x1",
    "conv2d_reference",
    "conv_macs",
    "conv_output_shape",
    "conv_params",
    "load_keras",
    "check_prediction",
    "BottleneckCosts",
    "LayerCost",
    "bottleneck_costs",
    "dot_formula",
    "format_count",
    "layer_cost",
    "macs_formula",
    "params_formula",
    "LinearReduction",
    "PrincipalComponents",
    "fit_decoder",
    "pca_errors",
    "pca_reduction",
    "principal_components",
    "random_reduction",
    "reconstruction_error",
    "SHAPE_CLASSES",
    "ToyImages",
    "toy_shapes",
    "Block",
    "drawn_length",
    "filter_block_scene",
    "grid_layout",
    "draw_channel_mixing",
    "draw_cost_comparison",
    "draw_feature_map_grid",
    "draw_filter_block",
    "BottleneckExplorer",
    "MixingExplorer",
    "ParamExplorer",
    "ReconstructionExplorer",
    "ReductionExplorer",
]
__all__ += architectures.__all__
__all__ += models.__all__
__version__ = "0.1.0"

# Names resolved on first use, so that ``import conv1x1_viz`` stays light.
_LAZY = {
    "draw_channel_mixing": "conv1x1_viz.draw",
    "draw_cost_comparison": "conv1x1_viz.draw",
    "draw_feature_map_grid": "conv1x1_viz.draw",
    "draw_filter_block": "conv1x1_viz.draw",
    "BottleneckExplorer": "conv1x1_viz.widgets",
    "MixingExplorer": "conv1x1_viz.widgets",
    "ParamExplorer": "conv1x1_viz.widgets",
    "ReconstructionExplorer": "conv1x1_viz.widgets",
    "ReductionExplorer": "conv1x1_viz.widgets",
}

if TYPE_CHECKING:
    from conv1x1_viz.draw import (
        draw_channel_mixing,
        draw_cost_comparison,
        draw_feature_map_grid,
        draw_filter_block,
    )
    from conv1x1_viz.widgets import (
        BottleneckExplorer,
        MixingExplorer,
        ParamExplorer,
        ReconstructionExplorer,
        ReductionExplorer,
    )


def __getattr__(name: str) -> Any:
    """Import the drawing and widget names on first use."""
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'conv1x1_viz' has no attribute {name!r}")
