"""Live explorers: controls that move the drawings and rewrite the counts as they move.

Import this package explicitly (``from conv1x1_viz.explorers import ParamExplorer``): it
brings in matplotlib and ipywidgets, which ``import conv1x1_viz`` does not load up front
(the package also resolves ``conv1x1_viz.ParamExplorer`` lazily).

One module an explorer. All are drawn in the page
(:class:`~conv1x1_viz.explorers.page.PageExplorer`, an anywidget: every press, click and
hover drawn by the page, no kernel needed); :class:`~conv1x1_viz.explorers.base.Explorer`,
on which they drew in the kernel, is used by none of them now. All declare their controls
through :mod:`~conv1x1_viz.explorers.controls`:

- :class:`ParamExplorer`: parameters and multiply-accumulates of one layer;
- :class:`MixingExplorer`: one pixel through a 1×1 layer, as a matrix product;
- :class:`ReductionExplorer`: a photo's maps before and after a 1×1 reduction;
- :class:`BottleneckExplorer`: a direct k×k layer against a 1×1 reduction first;
- :class:`ReconstructionExplorer`: how much a 1×1 layer to k maps can keep;
- :class:`SeparableExplorer`: standard, grouped and depthwise separable layers.

The old base drew the pictures its sliders would show ahead, for the page to switch to as
they moved (:mod:`~conv1x1_viz.explorers.frames`, :mod:`~conv1x1_viz.explorers.ahead`).
"""

from conv1x1_viz.explorers.base import Explorer
from conv1x1_viz.explorers.bottleneck import BottleneckExplorer
from conv1x1_viz.explorers.controls import DEPTHS, KERNELS, Choice, Preset, Toggle, Whole
from conv1x1_viz.explorers.mixing import MixingExplorer
from conv1x1_viz.explorers.page import PageExplorer
from conv1x1_viz.explorers.param import ParamExplorer
from conv1x1_viz.explorers.reconstruction import ReconstructionExplorer
from conv1x1_viz.explorers.reduction import ReductionExplorer
from conv1x1_viz.explorers.separable import SeparableExplorer

__all__ = [
    "DEPTHS",
    "KERNELS",
    "BottleneckExplorer",
    "Choice",
    "Explorer",
    "MixingExplorer",
    "PageExplorer",
    "ParamExplorer",
    "Preset",
    "ReconstructionExplorer",
    "ReductionExplorer",
    "SeparableExplorer",
    "Toggle",
    "Whole",
]
