"""ReductionExplorer as it was before it moved into the page, for the tests of the old path.

The test that pictures drawn ahead keep what the picture shows besides the controls (no
picture is drawn for the stops at which a map clicked would no longer be drawn:
:meth:`~conv1x1_viz.explorers.base.Explorer.picture_state` and ``_allows``) drives this
one: ReductionExplorer's control, readout and picture, with its map clicked, on the old
base. It goes when the last explorer has moved into the page.
"""

from __future__ import annotations

from conv1x1_viz.draw import artists_of
from conv1x1_viz.explorers import ReductionExplorer
from conv1x1_viz.explorers.base import Explorer


class KernelReductionExplorer(Explorer):
    """ReductionExplorer's slider, readout and grids, drawn in the kernel; ``selected`` is
    the map clicked, set by hand here."""

    kind = "kernel-reduction-explorer"
    figsize = ReductionExplorer.figsize
    readout_lines = ReductionExplorer.readout_lines
    _selected_line = ReductionExplorer._selected_line
    _titles = ReductionExplorer._titles
    _draw = ReductionExplorer._draw
    _full_grid = ReductionExplorer._full_grid
    _ncols = ReductionExplorer._ncols
    _weight_overlays = ReductionExplorer._weight_overlays
    _show_selection = ReductionExplorer._show_selection
    fixed_sizes = ReductionExplorer.fixed_sizes

    def __init__(self, filters: int = 8, **kwargs) -> None:
        super().__init__()
        page = ReductionExplorer(filters=filters, **kwargs)
        for name in ("image", "before", "weights", "bias", "use_bias", "max_maps"):
            setattr(self, name, getattr(page, name))
        self._every_after = page._every_after
        self._before_max, self._after_max = page._before_max, page._after_max
        controls, presets = page.controls, page.presets
        page.close()
        self.selected: int | None = None
        self._setup(controls, {"filters": filters}, self.figsize, presets=presets)

    def _sync_limits(self) -> None:
        if not self._allows():
            self.selected = None

    def _allows(self) -> bool:
        return self.selected is None or self.selected < min(self.value("filters"), self.max_maps)

    def picture_state(self) -> tuple:
        return (self.selected,)

    def draw(self) -> None:
        self.picture = self._draw(self.fig, self.value("filters"), self.selected)

    def animated_artists(self) -> list:
        p = self.picture
        return [*artists_of(p.after), *p.weight_frames, *p.weight_labels, p.selected_frame]

    def update_figure(self) -> None:
        n = self.value("filters")
        self.picture.after.update(self._every_after[:, :, :n], title=self._titles(n)[1])
        self._show_selection(self.picture, self.selected)
