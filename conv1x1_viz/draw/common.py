"""What every drawing shares: the font, the title, the axes, style keywords and colours.

Nothing here draws a whole picture; :mod:`conv1x1_viz.draw`'s drawing modules use these
so that each drawing checks its ``ax`` and ``**style`` the same way and sets its text in
the same font.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import Colormap, to_rgba
from matplotlib.text import Text

__all__ = ["FONT", "fixed_title"]

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
    """Add a text artist in :data:`FONT` to ``ax``."""
    return ax.text(x, y, s, fontfamily=FONT, **kwargs)


def fixed_title(ax: Axes, text: str, *, fontsize: float = 10, loc: str = "center") -> Text:
    """Set ``ax``'s title in DejaVu Sans at a fixed height just above the axes.

    Matplotlib otherwise works out the title's height on every draw, measuring the
    tick labels even of hidden axes, which costs more than the rest of a small
    drawing; fixing it keeps slider updates fast.

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
    return ax.set_title(text, fontfamily=FONT, fontsize=fontsize, loc=loc, y=1.0, pad=4)
