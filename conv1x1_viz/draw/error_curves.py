"""How much each reduction loses, against the number of maps kept, with a cursor.

The curves are drawn once; moving to another width only moves the cursor line and the
markers on the curves, so :meth:`ErrorCurvesArtists.update` touches no text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from conv1x1_viz.draw.common import FONT, _axes
from conv1x1_viz.validation import whole_number

__all__ = ["ErrorCurvesArtists", "draw_error_curves"]


@dataclass
class ErrorCurvesArtists:
    """The curves of :func:`draw_error_curves`, with a cursor at one width.

    The curves stay as drawn; :meth:`update` moves only the dotted cursor and the dots
    on the curves to another width, little enough work to follow a slider.

    Attributes
    ----------
    ax : matplotlib.axes.Axes
        The axes drawn into.
    curves : dict of str to matplotlib.lines.Line2D
        One line per reduction, by name, in the order given.
    points : matplotlib.lines.Line2D or None
        The errors measured at a few widths (e.g. of trained layers), as squares.
    cursor : matplotlib.lines.Line2D
        Dotted vertical line at the current width.
    markers : matplotlib.lines.Line2D
        One dot on each curve at the current width.
    errors : dict of str to numpy.ndarray
        The curves' values: entry ``k`` of each is the error with ``k`` maps kept.
    """

    ax: Axes
    curves: dict[str, Line2D]
    points: Line2D | None
    cursor: Line2D
    markers: Line2D
    errors: dict[str, np.ndarray]

    def update(self, k: int) -> None:
        """Put the cursor and the markers at width ``k``."""
        last = len(next(iter(self.errors.values()))) - 1
        k = whole_number("k", k, 1, last)
        self.cursor.set_xdata([k, k])
        self.markers.set_data([k] * len(self.errors), [e[k] for e in self.errors.values()])


def draw_error_curves(
    errors: Mapping[str, Sequence[float] | np.ndarray],
    colours: Mapping[str, str],
    *,
    points: Mapping[int, float] | None = None,
    points_colour: str = "#54a24b",
    points_label: str = "■ trained 1×1",
    k: int = 1,
    ax: Axes | None = None,
) -> ErrorCurvesArtists:
    """Draw the share of variance lost against the maps kept, one curve per reduction.

    Parameters
    ----------
    errors : mapping of str to array, each of shape (C + 1,)
        Entry ``k`` of each array is the error with ``k`` maps kept; entry 0 is not
        drawn. All of the same length.
    colours : mapping of str to colour
        A colour for each name in ``errors``.
    points : mapping of int to float, optional
        Errors measured at a few widths, drawn as squares with ``points_label``.
    points_colour, points_label : str
        Their colour and the label written in the corner.
    k : int, default 1
        Width of the cursor.
    ax : Axes, optional
        Where to draw (the current axes by default).

    Returns
    -------
    ErrorCurvesArtists
        The curves, the measured points and a cursor with one marker per curve;
        ``update(k)`` moves the cursor and the markers to width ``k``.
    """
    ax = _axes(ax)
    arrays = {name: np.asarray(values, dtype=float) for name, values in errors.items()}
    lengths = {len(a) for a in arrays.values()}
    if len(lengths) != 1 or min(lengths) < 2:
        raise ValueError("errors must be arrays of one length C + 1 ≥ 2, one per reduction")
    if set(colours) < set(arrays):
        raise ValueError(f"colours must give a colour for each of {sorted(arrays)}")
    c = lengths.pop() - 1
    widths = np.arange(1, c + 1)
    curves = {name: ax.plot(widths, a[1:], color=colours[name])[0] for name, a in arrays.items()}
    dots = None
    if points:
        dots = ax.plot(list(points), list(points.values()), "s", color=points_colour, ms=5)[0]
        ax.text(
            0.97, 0.93, points_label, color=points_colour, transform=ax.transAxes,
            fontsize=8, fontfamily=FONT, ha="right",
        )  # fmt: skip
    ax.set_xlim(0.5, c + 0.5)
    ax.set_ylim(0.0, 1.02)
    # Few, fixed ticks: text is what costs to lay out.
    ticks = sorted({1, c, *range(0, c + 1, max(1, (c + 3) // 4))} - {0})
    ax.set_xticks(ticks, [str(t) for t in ticks], fontsize=8)
    ax.set_yticks([0.0, 0.5, 1.0], ["0", "0.5", "1"], fontsize=8)
    for y in (0.25, 0.5, 0.75):
        ax.axhline(y, color="0.9", linewidth=0.8, zorder=0)
    cursor = ax.axvline(1, color="0.3", linewidth=1, linestyle=":")
    markers = ax.plot([1] * len(arrays), [0] * len(arrays), "o", color="black", ms=4, zorder=3)[0]
    artists = ErrorCurvesArtists(ax, curves, dots, cursor, markers, arrays)
    artists.update(k)
    return artists
