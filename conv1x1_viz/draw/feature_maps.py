"""A stack of feature maps as a grid of small images, at most a given number of them.

Where each map goes is worked out by :func:`~conv1x1_viz.geometry.grid_layout`; all the
maps shown are drawn as one mosaic image.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.image import AxesImage
from matplotlib.text import Text

from conv1x1_viz.draw.common import _axes, _colormap, _style, _text, colour_bar, fixed_title
from conv1x1_viz.formulas import format_count
from conv1x1_viz.geometry import Bounds, GridLayout, grid_layout
from conv1x1_viz.validation import whole_number

__all__ = ["FeatureMapGridArtists", "draw_feature_map_grid"]

_GRID_STYLE: dict[str, Any] = {
    "cmap": "viridis",
    "fontsize": 9,
    "gap": 0.08,
}


def _maps(maps: Any) -> np.ndarray:
    arr = np.asarray(maps)
    if arr.ndim != 3 or 0 in arr.shape:
        raise ValueError(
            f"maps must be a stack of feature maps shaped (H, W, C), got shape {arr.shape}"
        )
    if not np.issubdtype(arr.dtype, np.number):
        raise ValueError(f"maps must hold numbers, got dtype {arr.dtype}")
    return arr


def _mosaic(maps: np.ndarray, layout: GridLayout, share_scale: bool) -> np.ndarray:
    """Put the maps shown side by side in one array; gaps are NaN (drawn see-through)."""
    h, w, _ = maps.shape
    mosaic = np.full(layout.mosaic_shape, np.nan)
    step_r, step_c = h + layout.gap, w + layout.gap
    for i, (row, col) in enumerate(layout.cells):
        data = maps[:, :, i].astype(float)
        if not share_scale:  # stretch each map over the whole colour scale
            low, high = float(data.min()), float(data.max())
            data = (data - low) / (high - low) if high > low else np.zeros_like(data)
        mosaic[row * step_r : row * step_r + h, col * step_c : col * step_c + w] = data
    return mosaic


@dataclass
class FeatureMapGridArtists:
    """The artists of :func:`draw_feature_map_grid`; :meth:`update` redraws them in place.

    All maps shown are drawn as one mosaic image (one resampling per draw however
    many maps there are), placed as :func:`~conv1x1_viz.geometry.grid_layout` says.

    Attributes
    ----------
    ax : matplotlib.axes.Axes
        Where they are drawn.
    image : matplotlib.image.AxesImage
        The mosaic; its data is NaN in the gaps.
    more_text : matplotlib.text.Text
        "+N more" under the grid, hidden when every map is shown.
    title : matplotlib.text.Text
        The caption above the grid.
    max_maps : int
        The cap on maps drawn; the rest are counted in ``more_text``.
    ncols : int or None
        Columns of the grid; ``None`` lets :func:`~conv1x1_viz.geometry.grid_layout`
        choose about the square root of the maps drawn.
    vmin, vmax : float or None
        Fixed colour limits of the shared scale; ``None`` fits each to the maps shown.
    share_scale : bool
        One colour scale for all maps (``False``: each map stretched on its own).
    limits : tuple of float or None
        ``(x_min, x_max, y_min, y_max)`` kept on every update, in map pixels;
        ``None`` fits them to the maps shown.
    style : dict
        The style keywords in force: :func:`draw_feature_map_grid`'s defaults with
        the ones given (``gap`` is read on every update).
    layout : GridLayout or None
        The geometry last drawn; ``layout.n_shown`` maps are drawn.
    colorbar : matplotlib.colorbar.Colorbar or None
        The colour scale beside the grid, when one was asked for.
    """

    ax: Axes
    image: AxesImage
    more_text: Text
    title: Text
    max_maps: int
    ncols: int | None
    vmin: float | None
    vmax: float | None
    share_scale: bool
    limits: Bounds | None
    style: dict[str, Any]
    layout: GridLayout | None = None
    colorbar: Any = None

    @property
    def n_drawn(self) -> int:
        """Number of maps currently drawn."""
        return self.layout.n_shown if self.layout is not None and self.image.get_visible() else 0

    def map_extent(self, index: int) -> tuple[float, float, float, float]:
        """``(left, right, bottom, top)`` of drawn map ``index``, in data units."""
        if self.layout is None or not 0 <= index < self.layout.n_shown:
            raise ValueError(f"index must be a drawn map, 0 … {self.n_drawn - 1}, got {index!r}")
        left, right, bottom, top = (float(v) for v in self.layout.extents[index])
        return left, right, bottom, top

    def map_at(self, x: float, y: float) -> int | None:
        """Return the index of the drawn map under ``(x, y)`` (data units), or None."""
        for index in range(self.n_drawn):
            left, right, bottom, top = self.map_extent(index)
            if min(left, right) <= x <= max(left, right) and min(bottom, top) <= y <= max(
                bottom, top
            ):
                return index
        return None

    def update(self, maps: np.ndarray, *, title: str | None = None) -> GridLayout:
        """Show a new stack of maps.

        Parameters
        ----------
        maps : array, shape (H, W, C)
            The feature maps, channels last.
        title : str, optional
            New caption; the old one is kept by default.

        Returns
        -------
        GridLayout
        """
        maps = _maps(maps)
        h, w, n = maps.shape
        layout = grid_layout(
            n, (h, w), max_maps=self.max_maps, ncols=self.ncols, gap=self.style["gap"]
        )
        mosaic = _mosaic(maps, layout, self.share_scale)
        if self.share_scale:
            low = self.vmin if self.vmin is not None else float(np.nanmin(mosaic))
            high = self.vmax if self.vmax is not None else float(np.nanmax(mosaic))
        else:
            low, high = 0.0, 1.0
        self.image.set_data(np.ma.masked_invalid(mosaic))
        self.image.set_extent(layout.grid_extent)
        self.image.set_clim(low, high if high > low else low + 1)
        self.more_text.set_text(f"+{format_count(layout.n_hidden)} more")
        self.more_text.set_position(layout.more_position)
        self.more_text.set_visible(layout.n_hidden > 0)
        if title is not None:
            self.title.set_text(title)
        x0, x1, y0, y1 = self.limits if self.limits is not None else layout.bounds
        pad = 0.01 * max(x1 - x0, y1 - y0)
        self.ax.set_xlim(x0 - pad, x1 + pad)
        self.ax.set_ylim(y0 - pad, y1 + pad)
        self.layout = layout
        return layout


def draw_feature_map_grid(
    maps: np.ndarray,
    *,
    max_maps: int = 16,
    ncols: int | None = None,
    vmin: float | None = None,
    vmax: float | None = None,
    share_scale: bool = True,
    title: str = "",
    limits: Bounds | None = None,
    colorbar: bool = False,
    ax: Axes | None = None,
    **style: Any,
) -> FeatureMapGridArtists:
    """Draw a stack of feature maps as a grid of small images, at most ``max_maps``.

    Maps are placed row by row from the top left (map 0 first). When there are
    more than ``max_maps``, the rest are announced as "+N more". All maps of one
    grid share a colour scale by default, since they come from the same layer;
    pass the same ``vmin``/``vmax`` to two grids to compare them on one scale.

    Parameters
    ----------
    maps : array, shape (H, W, C)
        The feature maps, channels last.
    max_maps : int, default 16
        The cap on maps drawn.
    ncols : int, optional
        Columns; by default about the square root of the maps drawn.
    vmin, vmax : float, optional
        Colour limits of a shared scale; by default the smallest and largest value
        shown.
    share_scale : bool, default True
        One colour scale for all maps; ``False`` stretches each map on its own
        (then ``vmin`` and ``vmax`` are not used).
    title : str, default ""
        Caption above the grid.
    limits : tuple of float, optional
        ``(x_min, x_max, y_min, y_max)`` to keep on every update, in map pixels
        (see :func:`~conv1x1_viz.geometry.grid_layout`); by default fitted to the
        maps shown.
    colorbar : bool, default False
        Add a colour scale right of the grid; it needs a shared scale with fixed
        ``vmin`` and ``vmax``, so that it stays true on every update.
    ax : matplotlib.axes.Axes, optional
        Where to draw; the current axes by default. Its frame is hidden and its
        aspect set equal.
    **style
        ``cmap``, ``fontsize``, ``gap`` (between maps, fraction of a map's width).

    Returns
    -------
    FeatureMapGridArtists
        The mosaic of the maps shown, its caption and the "+N more" note;
        ``update(maps)`` shows another stack in the same axes.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> maps, ax = np.zeros((8, 8, 20)), Figure().add_subplot()
    >>> artists = draw_feature_map_grid(maps, max_maps=16, ax=ax)
    >>> artists.n_drawn, artists.more_text.get_text()
    (16, '+4 more')
    """
    ax = _axes(ax)
    s = _style("draw_feature_map_grid", _GRID_STYLE, style)
    max_maps = whole_number("max_maps", max_maps)
    if ncols is not None:
        ncols = whole_number("ncols", ncols)
    if vmin is not None and vmax is not None and not vmin < vmax:
        raise ValueError(f"vmin must be smaller than vmax, got vmin={vmin!r}, vmax={vmax!r}")
    if not 0 <= s["gap"] < 1:
        raise ValueError(f"gap must be between 0 and 1, got {s['gap']!r}")
    cmap = _colormap(s["cmap"]).with_extremes(bad=(0.0, 0.0, 0.0, 0.0))
    artists = FeatureMapGridArtists(
        ax=ax,
        image=ax.imshow(
            np.zeros((1, 1)),
            cmap=cmap,
            interpolation="nearest",
            interpolation_stage="data",  # resample the data, not an RGBA copy: far less memory
            origin="upper",
            aspect="equal",
        ),
        more_text=_text(ax, 0, 0, ha="center", va="top", fontsize=s["fontsize"]),
        title=fixed_title(ax, title, fontsize=s["fontsize"] + 1),
        max_maps=max_maps,
        ncols=ncols,
        vmin=vmin,
        vmax=vmax,
        share_scale=bool(share_scale),
        limits=limits,
        style=s,
    )
    ax.set_axis_off()
    artists.update(maps)
    if colorbar:
        if not share_scale or vmin is None or vmax is None:
            raise ValueError("colorbar needs share_scale=True and fixed vmin and vmax")
        artists.colorbar = colour_bar(ax, artists.image)
    return artists
