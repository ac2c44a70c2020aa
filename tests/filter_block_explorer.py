"""ParamExplorer as it was before it moved into the page, for the tests of the old path.

The other explorers still draw in the kernel (ipympl, pictures drawn ahead); the tests of
that machinery drive this one, which has ParamExplorer's controls, readout and picture on
the old base. It goes when the last explorer has moved into the page.
"""

from __future__ import annotations

from conv1x1_viz.draw import artists_of, draw_filter_block
from conv1x1_viz.explorers import ParamExplorer
from conv1x1_viz.explorers.base import Explorer, frameless_axes
from conv1x1_viz.explorers.controls import BIAS, layer_controls
from conv1x1_viz.explorers.param import PARAM_PRESETS
from conv1x1_viz.validation import size_pair


class FilterBlockExplorer(Explorer):
    """ParamExplorer's controls, readout and filter blocks, drawn in the kernel."""

    kind = "filter-block-explorer"
    readout_lines = ParamExplorer.readout_lines
    fixed_sizes = ParamExplorer.fixed_sizes
    largest_scene_bounds = ParamExplorer.largest_scene_bounds
    _input_shape = ParamExplorer._input_shape

    def __init__(self, in_channels=512, filters=64, kernel_size=1, use_bias=True, **kwargs):
        super().__init__()
        self.input_size = size_pair("input_size", kwargs.get("input_size", (28, 28)))
        controls = {**layer_controls(2048, 2048, 11), "use_bias": BIAS}
        values = {
            "in_channels": in_channels,
            "filters": filters,
            "kernel_size": kernel_size,
            "use_bias": use_bias,
        }
        self._setup(controls, values, figsize=(5.8, 2.9), presets=PARAM_PRESETS)

    def draw(self):
        ax = frameless_axes(self.fig, [0.01, 0.02, 0.98, 0.96])
        self.block = draw_filter_block(
            self._input_shape(),
            self.value("kernel_size"),
            self.value("filters"),
            limits=self.largest_scene_bounds(),
            ax=ax,
        )

    def animated_artists(self):
        return artists_of(self.block)

    def update_figure(self):
        self.block.update(self._input_shape(), self.value("kernel_size"), self.value("filters"))
