"""The feature-map grid: where each map of a stack goes, in map pixels.

:func:`grid_layout` places the maps for :func:`~conv1x1_viz.draw.draw_feature_map_grid`.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from conv1x1_viz.geometry.blocks import Bounds
from conv1x1_viz.validation import size_pair, whole_number

__all__ = ["GridLayout", "grid_layout"]


class GridLayout(NamedTuple):
    """Where the maps of a feature-map grid go, in map pixels.

    One data unit is one pixel of a map, so the grid can be drawn as a single
    mosaic image of ``mosaic_shape`` pixels (with see-through gaps) spanning
    ``grid_extent``; ``extents`` say where each map lies in it.

    Attributes
    ----------
    cells : numpy.ndarray
        Shape (n_shown, 2): ``(row, column)`` of each map shown, in reading order
        (map 0 at the top left).
    extents : numpy.ndarray
        Shape (n_shown, 4): ``(left, right, bottom, top)`` of each map shown, as
        ``imshow(extent=...)`` takes it.
    n_shown, n_hidden : int
        Maps drawn, and maps left out (announced as "+N more").
    ncols : int
        Columns of the grid (the rows in use are :attr:`nrows`). A cell's position
        depends only on its index, ``ncols``, the map shape and the gap, so maps do not
        move when more are shown.
    gap : int
        Pixels between neighbouring maps.
    mosaic_shape : tuple of int
        ``(rows, columns)`` of pixels covered by the maps shown and the gaps; the
        mosaic spans :attr:`grid_extent`.
    more_position : tuple of float
        Top-centre point for the "+N more" note, under the grid.
    bounds : tuple of float
        ``(x_min, x_max, y_min, y_max)`` of the maps shown, plus room for the note.
    """

    cells: np.ndarray
    extents: np.ndarray
    n_shown: int
    n_hidden: int
    ncols: int
    gap: int
    mosaic_shape: tuple[int, int]
    more_position: tuple[float, float]
    bounds: Bounds

    @property
    def nrows(self) -> int:
        """Rows in use: as many as the maps shown fill, ``ncols`` to a row."""
        return math.ceil(self.n_shown / self.ncols)

    @property
    def grid_extent(self) -> Bounds:
        """``(left, right, bottom, top)`` of the mosaic, as ``imshow(extent=...)`` takes it."""
        rows, columns = self.mosaic_shape
        return (0.0, float(columns), -float(rows), 0.0)


def grid_layout(
    n_maps: int,
    map_shape: tuple[int, int] = (1, 1),
    *,
    max_maps: int = 16,
    ncols: int | None = None,
    gap: float = 0.08,
) -> GridLayout:
    """Lay out up to ``max_maps`` feature maps in a grid, row by row from the top left.

    With ``ncols`` fixed, cell positions depend only on the map's index, so a widget
    can show more or fewer maps without the others moving (and fix its axes limits
    to the layout of ``max_maps`` maps).

    Parameters
    ----------
    n_maps : int
        How many maps there are; at most ``max_maps`` are placed.
    map_shape : (int, int), default (1, 1)
        ``(H, W)`` of one map in pixels.
    max_maps : int, default 16
        The cap on maps drawn.
    ncols : int, optional
        Columns; by default ``ceil(sqrt(min(n_maps, max_maps)))``.
    gap : float, default 0.08
        Space between cells as a fraction of a map's width, rounded to whole
        pixels (at least one pixel when ``gap > 0``).

    Returns
    -------
    GridLayout

    Examples
    --------
    >>> layout = grid_layout(40, (8, 8), max_maps=16)
    >>> layout.n_shown, layout.n_hidden, layout.ncols, layout.mosaic_shape
    (16, 24, 4, (35, 35))
    """
    n_maps = whole_number("n_maps", n_maps)
    max_maps = whole_number("max_maps", max_maps)
    map_h, map_w = size_pair("map_shape", map_shape)
    if not 0 <= gap < 1:
        raise ValueError(f"gap must be between 0 and 1, got {gap!r}")
    n_shown = min(n_maps, max_maps)
    if ncols is None:
        ncols = math.ceil(math.sqrt(n_shown))
    ncols = whole_number("ncols", ncols)
    gap_px = max(1, round(gap * map_w)) if gap > 0 else 0
    index = np.arange(n_shown)
    cells = np.stack([index // ncols, index % ncols], axis=1)
    left = cells[:, 1] * (map_w + gap_px)
    top = -cells[:, 0] * (map_h + gap_px)
    extents = np.stack([left, left + map_w, top - map_h, top], axis=1).astype(float)
    # The mosaic runs from (0, 0), the top left, to the far edges of the maps shown.
    mosaic = (int(-extents[:, 2].min()), int(extents[:, 1].max()))
    note_room = gap_px + 0.3 * map_h if n_maps > n_shown else 0.0
    bottom = -float(mosaic[0])
    return GridLayout(
        cells=cells,
        extents=extents,
        n_shown=n_shown,
        n_hidden=n_maps - n_shown,
        ncols=ncols,
        gap=gap_px,
        mosaic_shape=mosaic,
        more_position=(mosaic[1] / 2, bottom - gap_px),
        bounds=(0.0, float(mosaic[1]), bottom - note_room, 0.0),
    )
