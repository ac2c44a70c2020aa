"""What every drawing shares: the font, the title, the axes, style keywords and colours.

Nothing here draws a whole picture; :mod:`conv1x1_viz.draw`'s drawing modules use these
so that each drawing checks its ``ax`` and ``**style`` the same way and sets its text in
the same font.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import matplotlib
import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.colors import Colormap, to_rgba
from matplotlib.text import Text
from matplotlib.transforms import ScaledTranslation

from conv1x1_viz.draw.fast_text import add_fast_text

__all__ = ["FONT", "artists_of", "colour_bar", "colour_bar_ticks", "fixed_title"]

#: The font family every text artist uses (shipped with matplotlib).
FONT = "DejaVu Sans"


def _axes(ax: Axes | None) -> Axes:
    """Return ``ax``, checked, or the current axes when it is None."""
    if ax is not None:
        if not isinstance(ax, Axes):
            raise ValueError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
        return ax
    import matplotlib.pyplot as plt  # only when no axes are given: keeps imports light

    return plt.gca()


def _style(function: str, defaults: Mapping[str, Any], given: Mapping[str, Any]) -> dict:
    """Merge ``given`` style keywords into ``defaults``; unknown keys are an error."""
    unknown = sorted(set(given) - set(defaults))
    if unknown:
        raise ValueError(
            f"{function}() got unknown style keyword(s) {unknown}; allowed: {sorted(defaults)}"
        )
    return {**defaults, **given}


def _shade(color: Any, factor: float) -> tuple[float, float, float, float]:
    """Lighten (factor > 1, towards white) or darken (factor < 1) a colour."""
    r, g, b, a = to_rgba(color)
    rgb = np.array([r, g, b])
    rgb = rgb + (1 - rgb) * (factor - 1) if factor > 1 else rgb * factor
    return (*np.clip(rgb, 0, 1).tolist(), a)


def _face_colors(color: Any) -> list[tuple[float, float, float, float]]:
    """Front, top (lighter) and side (darker) face colours of a block."""
    return [to_rgba(color), _shade(color, 1.35), _shade(color, 0.72)]


def _colormap(cmap: Any) -> Colormap:
    """Look ``cmap`` up in matplotlib's colormap registry (a Colormap is returned as is).

    The registry's own errors are a ``KeyError`` (unknown name) or a ``TypeError``;
    this turns them into the ``ValueError`` naming ``cmap`` that every argument check
    of the package raises.
    """
    if isinstance(cmap, Colormap):
        return cmap
    try:
        return matplotlib.colormaps[cmap]
    except (KeyError, TypeError):
        raise ValueError(
            f"cmap must be a matplotlib Colormap or the name of one, got {cmap!r}"
        ) from None


def _text(ax: Axes, x: float, y: float, s: str = "", **kwargs: Any) -> Text:
    """Add a text artist in :data:`FONT` to ``ax``, drawn fast when its string changes.

    See :class:`~conv1x1_viz.draw.fast_text.FastText`.
    """
    return add_fast_text(ax, x, y, s, **{"fontfamily": FONT, **kwargs})


def fixed_title(ax: Axes, text: str, *, fontsize: float = 10, loc: str = "center") -> Text:
    """Put a title in DejaVu Sans just above ``ax``, at a fixed height.

    Matplotlib's own title works out its height on every draw, measuring the tick
    labels even of hidden axes, which costs more than the rest of a small drawing; this
    one sits 4 points above the top edge and is drawn as a
    :class:`~conv1x1_viz.draw.fast_text.FastText`, which keeps slider updates fast.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axes.
    text : str
        The title.
    fontsize : float, default 10
        Size in points.
    loc : {"center", "left", "right"}, default "center"
        Where along the top edge.

    Returns
    -------
    matplotlib.text.Text
        The title artist (``set_text`` changes it).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> title = fixed_title(ax, "1×1 filters", loc="left")
    >>> title.get_text(), title.get_fontfamily()
    ('1×1 filters', ['DejaVu Sans'])
    """
    x = {"left": 0.0, "center": 0.5, "right": 1.0}.get(loc)
    if x is None:
        raise ValueError(f'loc must be "left", "center" or "right", got {loc!r}')
    lift = ScaledTranslation(0, 4 / 72, ax.figure.dpi_scale_trans)
    return add_fast_text(
        ax, x, 1.0, text, transform=ax.transAxes + lift, ha=loc, va="baseline",
        fontfamily=FONT, fontsize=fontsize,
    )  # fmt: skip


def artists_of(drawing: Any) -> list[Artist]:
    """Return the artists a drawing's dataclass holds, in field order, axes left out.

    Lists, tuples and dicts of artists are walked too. This is what an explorer redraws
    when it redraws only what changed.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from conv1x1_viz.draw import draw_feature_map_grid
    >>> grid = draw_feature_map_grid(np.ones((4, 4, 3)), ax=Figure().add_subplot())
    >>> [a is grid.image or a in (grid.title, grid.more_text) for a in artists_of(grid)]
    [True, True, True]
    """
    found: list[Artist] = []

    def walk(value: Any) -> None:
        if isinstance(value, Axes):
            return
        if isinstance(value, Artist):
            found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    for field in dataclasses.fields(drawing):
        walk(getattr(drawing, field.name))
    return found


def colour_bar(ax: Axes, mappable: Any, *, label: str = "", fontsize: float = 7) -> Any:
    """Add a slim colour bar just right of ``ax``, for a heat map whose values are not printed.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axes of the heat map; the bar sits outside its right edge.
    mappable : matplotlib.cm.ScalarMappable
        The image it explains (its colour limits should not change afterwards).
    label : str, optional
        What the colours stand for.
    fontsize : float, default 7
        Size of the tick labels and the label.

    Returns
    -------
    matplotlib.colorbar.Colorbar
    """
    cax = ax.inset_axes((1.03, 0.15, 0.04, 0.7))
    bar = ax.figure.colorbar(mappable, cax=cax)
    bar.ax.tick_params(labelsize=fontsize, length=2, pad=1)
    for tick in bar.ax.get_yticklabels():
        tick.set_fontfamily(FONT)
    bar.outline.set_linewidth(0.5)
    if label:
        bar.set_label(label, fontsize=fontsize, fontfamily=FONT, labelpad=2)
    return bar


def colour_bar_ticks(bar: Any) -> dict[str, Any]:
    """Return what a page needs to draw :func:`colour_bar`'s bar again: its scale and ticks.

    Parameters
    ----------
    bar : matplotlib.colorbar.Colorbar
        As :func:`colour_bar` made it.

    Returns
    -------
    dict
        ``vmin`` and ``vmax`` (the bar's ends), ``ticks`` (the values of the ticks on
        the bar) and ``labels`` (their texts, as the saved picture writes them),
        ``label`` (what the colours stand for) and ``fontsize_pt``.
    """
    low, high = (float(v) for v in (bar.norm.vmin, bar.norm.vmax))
    axis = bar.ax.yaxis
    locs = [t for t in axis.get_majorticklocs() if low <= t <= high]
    labels = axis.get_major_formatter().format_ticks(locs)
    return {
        "vmin": low,
        "vmax": high,
        "ticks": [float(t) for t in locs],
        "labels": list(labels),
        "label": bar.ax.get_ylabel(),
        "fontsize_pt": float(axis.get_ticklabels()[0].get_fontsize()) if locs else 7.0,
    }
