"""Drawings, live explorers and exact arithmetic for learning 1×1 convolutions.

The package is layered, each layer importing only the ones before it:

- :mod:`conv1x1_viz.validation`: the argument checks every public function uses;
- :mod:`conv1x1_viz.arithmetic`: shapes, parameter counts, multiply-accumulates and the
  convolutions themselves, in plain NumPy;
- :mod:`conv1x1_viz.formulas`: the counts written out as formulas with the numbers
  plugged in, and the costs of a direct layer against a 1×1 reduction;
- :mod:`conv1x1_viz.architectures`: layer-by-layer shapes, parameters and MACs of the
  architectures built on 1×1 layers (NiN, Inception, ResNet, SqueezeNet, AlexNet);
- :mod:`conv1x1_viz.models`: Keras builders for those architectures and
  :func:`layer_table`, a plain-text model summary;
- :mod:`conv1x1_viz.audit`: :func:`audit_model`, the parameters and MACs of every weight
  layer of any built Keras model, and the share of its 1×1 layers;
- :mod:`conv1x1_viz.keras_loader`: a quiet, seeded TensorFlow/Keras import;
- :mod:`conv1x1_viz.pca`: the best linear 1×1 reduction (principal components of the
  per-pixel channel vectors) and reconstruction errors;
- :mod:`conv1x1_viz.data` and :mod:`conv1x1_viz.toy_data`: a real photo, seeded weights
  and feature maps; a small seeded image set for training experiments;
- :mod:`conv1x1_viz.geometry`: where the drawings put things, as plain coordinates;
- :mod:`conv1x1_viz.draw`: the matplotlib drawings;
- :mod:`conv1x1_viz.explorers`: the live explorers (ipywidgets).

``import conv1x1_viz`` never imports TensorFlow (only :func:`load_keras` and the Keras
builders do, when called), and loads neither matplotlib nor ipywidgets: the drawing
functions and explorers (e.g. ``conv1x1_viz.ParamExplorer``) import their module on first
use, or import the module itself: ``from conv1x1_viz.explorers import ParamExplorer``.
"""

from typing import TYPE_CHECKING, Any

from conv1x1_viz import (
    architectures,
    arithmetic,
    audit,
    data,
    exercises,
    formulas,
    geometry,
    keras_loader,
    models,
    pca,
    toy_data,
)
from conv1x1_viz.architectures import *  # noqa: F403
from conv1x1_viz.arithmetic import *  # noqa: F403
from conv1x1_viz.audit import *  # noqa: F403
from conv1x1_viz.data import *  # noqa: F403
from conv1x1_viz.exercises import *  # noqa: F403
from conv1x1_viz.formulas import *  # noqa: F403
from conv1x1_viz.geometry import *  # noqa: F403
from conv1x1_viz.keras_loader import *  # noqa: F403
from conv1x1_viz.models import *  # noqa: F403
from conv1x1_viz.pca import *  # noqa: F403
from conv1x1_viz.toy_data import *  # noqa: F403

__version__ = "0.1.0"


# Resolved on first use, so that ``import conv1x1_viz`` stays light: every drawing
# function (``draw_*``) and every explorer (``*Explorer``); a test checks both rules.
def _lazy_module(name: str) -> str | None:
    if name.startswith("draw_"):
        return "conv1x1_viz.draw"
    if name.endswith("Explorer"):
        return "conv1x1_viz.explorers"
    return None


__all__ = [
    *arithmetic.__all__,
    *formulas.__all__,
    *architectures.__all__,
    *models.__all__,
    *audit.__all__,
    *keras_loader.__all__,
    *pca.__all__,
    *data.__all__,
    *toy_data.__all__,
    *geometry.__all__,
    *exercises.__all__,
]

if TYPE_CHECKING:
    from conv1x1_viz.draw import *  # noqa: F403
    from conv1x1_viz.explorers import *  # noqa: F403


def __getattr__(name: str) -> Any:
    """Import the drawing and explorer names on first use."""
    module = _lazy_module(name)
    if module is not None:
        import importlib

        value = getattr(importlib.import_module(module), name, None)
        if value is not None:
            globals()[name] = value
            return value
    raise AttributeError(f"module 'conv1x1_viz' has no attribute {name!r}")
