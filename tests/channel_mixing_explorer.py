"""MixingExplorer as it was before it moved into the page, for the tests of the old path.

The tests of the kernel's machinery that need a control limited by another (pictures
drawn ahead past a stop that moves another control) drive this one: MixingExplorer's
controls, limits, readout and picture on the old base. It goes when the last explorer has
moved into the page.
"""

from __future__ import annotations

from conv1x1_viz.draw import artists_of, draw_channel_mixing
from conv1x1_viz.explorers import MixingExplorer
from conv1x1_viz.explorers.base import Explorer, frameless_axes
from conv1x1_viz.explorers.controls import Whole


class ChannelMixingExplorer(Explorer):
    """MixingExplorer's controls, limits, readout and matrix product, drawn in the kernel."""

    kind = "channel-mixing-explorer"
    readout_lines = MixingExplorer.readout_lines
    _term_line = MixingExplorer._term_line
    fixed_sizes = MixingExplorer.fixed_sizes
    limits = MixingExplorer.limits
    pixel = MixingExplorer.pixel

    def __init__(self, filters=4, **kwargs):
        super().__init__()
        page = MixingExplorer(filters=filters, **kwargs)
        self.image, self.features, self.weights = page.image, page.features, page.weights
        self._limits, self.term = page._limits, None
        page.close()
        size, most = self.image.shape[0], self.weights.shape[1]
        controls = {
            "row": Whole("pixel row", 0, size - 1),
            "col": Whole("pixel column", 0, size - 1),
            "filters": Whole("filters C_out", 1, most),
            "output": Whole("highlighted output", 0, most - 1),
        }
        values = {"row": size * 3 // 8, "col": size // 2, "filters": filters, "output": 0}
        self._setup(controls, values, figsize=(5.8, 3.0))

    def draw(self):
        self.mixing = draw_channel_mixing(
            self.features[self.pixel()],
            self.weights[:, : self.value("filters")],
            self.value("output"),
            pixel=self.pixel(),
            ax=frameless_axes(self.fig, [0.02, 0.02, 0.85, 0.96]),
            show_sum=False,
            **self._limits,
        )
        c_in, most = self.weights.shape
        self.mixing.reserve_values(2 * c_in + most)

    def animated_artists(self):
        return artists_of(self.mixing)

    def update_figure(self):
        self.mixing.update(
            self.features[self.pixel()],
            self.weights[:, : self.value("filters")],
            self.value("output"),
            pixel=self.pixel(),
        )
