"""Channel mixing: one pixel's channels going through a 1×1 layer, ``y = x @ W``.

The outputs are computed with :func:`~conv1x1_viz.arithmetic.conv1x1` and placed as
:func:`~conv1x1_viz.geometry.mixing_layout` says: ``W`` drawn as the equation writes it,
one row per input channel and one column per filter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import Normalize
from matplotlib.image import AxesImage
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from conv1x1_viz.arithmetic import conv1x1
from conv1x1_viz.draw.common import _axes, _colormap, _style, _text, colour_bar
from conv1x1_viz.formulas import dot_formula, format_count
from conv1x1_viz.geometry import MixingLayout, mixing_layout, numbers_fit
from conv1x1_viz.validation import whole_number

__all__ = ["ChannelMixingArtists", "draw_channel_mixing"]

_MIXING_STYLE: dict[str, Any] = {
    "cmap": "RdBu_r",
    "fontsize": 9,
    "value_fontsize": 7,
    "highlight_color": "#111111",
    "values": "column",
    "show_sum": True,
    "max_annotated": 64,
    "digits": 2,
}
_VALUES_MODES = ("column", "all", "none")


def _vector(name: str, value: Any, ndim: int, shape_text: str) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if arr.ndim != ndim or arr.size == 0:
        raise ValueError(f"{name} must have shape {shape_text}, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must hold finite numbers")
    return arr


def _symmetric_limit(values: np.ndarray) -> float:
    peak = float(np.max(np.abs(values))) if values.size else 0.0
    return peak if peak > 0 else 1.0


@dataclass
class ChannelMixingArtists:
    """The artists of :func:`draw_channel_mixing`; :meth:`update` redraws them in place.

    Attributes
    ----------
    ax : matplotlib.axes.Axes
        Where they are drawn.
    images : dict of str to matplotlib.image.AxesImage
        ``"x"``: the pixel's channel values (a column, ``x[c]`` beside row ``c`` of
        ``W``); ``"weights"``: ``W``, ``C_in × C_out`` (one column per filter); ``"y"``:
        the outputs (a row, ``y[f]`` under column ``f``).
    boxes : dict of str to matplotlib.patches.Rectangle
        Highlights, keyed like ``images``: the input column, the highlighted output's
        column of weights and that output.
    term_boxes : tuple of two matplotlib.patches.Rectangle
        Around one term of a sum, ``x[i]`` and ``W[i, j]``, when one is shown
        (:meth:`show_term`); hidden otherwise.
    titles : dict of str to matplotlib.text.Text
        ``"x"``, ``"weights"`` and ``"y"`` captions with the sizes.
    sum_text : matplotlib.text.Text
        The highlighted output written as its weighted sum.
    values : list of matplotlib.text.Text
        Numbers printed in the cells (only while there are few of them).
    limits : dict of str to float or None
        Fixed symmetric colour limits for ``"x"``, ``"weights"``, ``"y"``; ``None``
        fits each to the data drawn.
    style : dict
        The style keywords in force: :func:`draw_channel_mixing`'s defaults with the
        ones given (``values``, ``digits``, ``show_sum`` and the rest are read on every
        update).
    y : numpy.ndarray
        The outputs last drawn, shape (C_out,).
    layout : MixingLayout or None
        The geometry last drawn.
    colorbar : matplotlib.colorbar.Colorbar or None
        The weights' colour scale, when one was asked for (only the highlighted column
        of weights has its numbers printed).
    """

    ax: Axes
    images: dict[str, AxesImage]
    boxes: dict[str, Rectangle]
    term_boxes: tuple[Rectangle, Rectangle]
    titles: dict[str, Text]
    sum_text: Text
    values: list[Text] = field(default_factory=list)
    limits: dict[str, float | None] = field(default_factory=dict)
    style: dict[str, Any] = field(default_factory=dict)
    y: np.ndarray = field(default_factory=lambda: np.zeros(0))
    layout: MixingLayout | None = None
    colorbar: Any = None

    def update(
        self,
        x: np.ndarray,
        weights: np.ndarray,
        highlight: int = 0,
        *,
        pixel: tuple[int, int] | None = None,
    ) -> np.ndarray:
        """Redraw for a new pixel vector, weight matrix or highlighted output.

        Parameters are those of :func:`draw_channel_mixing`. Returns the outputs.
        """
        x = _vector("x", x, 1, "(C_in,)")
        w = _vector("weights", weights, 2, "(C_in, C_out)")
        c_in, c_out = w.shape
        if x.shape[0] != c_in:
            raise ValueError(
                f"x has {x.shape[0]} channel values but weights expect C_in = {c_in}: "
                "weights must have shape (C_in, C_out)"
            )
        highlight = whole_number("highlight", highlight, 0, c_out - 1)
        y = conv1x1(x.reshape(1, 1, c_in), w)[0, 0]
        layout = mixing_layout(c_in, c_out)

        # W as y = x @ W writes it: row c multiplies x[c], column f makes y[f].
        for key, data, extent, bounds in (
            ("x", x[:, np.newaxis], layout.x_extent, layout.x_box),
            ("weights", w, layout.weight_extent, layout.column_boxes[highlight]),
            ("y", y[np.newaxis, :], layout.y_extent, layout.y_boxes[highlight]),
        ):
            limit = self.limits.get(key) or _symmetric_limit(data)
            image = self.images[key]
            image.set_data(data)
            image.set_extent(extent)
            image.set_clim(-limit, limit)
            self.boxes[key].set_bounds(*bounds)

        where = f"pixel ({pixel[0]}, {pixel[1]})" if pixel is not None else "one pixel"
        captions = {
            "x": f"x: {where}, {format_count(c_in)} channel" + ("" if c_in == 1 else "s"),
            "weights": (
                f"W: shape ({format_count(c_in)}, {format_count(c_out)}), one column per filter"
            ),
            "y": "y = x @ W",
        }
        for key, text in captions.items():
            self.titles[key].set_text(text)
            self.titles[key].set_position(layout.anchors[key])
        digits = self.style["digits"]
        self.sum_text.set_text(
            f"y[{highlight}] = " + dot_formula(w[:, highlight], x, max_terms=4, digits=digits)
        )
        self.sum_text.set_position(layout.anchors["sum"])
        self.sum_text.set_visible(bool(self.style["show_sum"]))
        self._annotate(x, w, y, highlight, layout)
        x0, x1, y0, y1 = layout.bounds
        self.ax.set_xlim(x0, x1)
        self.ax.set_ylim(y0, y1)
        self.y, self.layout = y, layout
        return y

    def reserve_values(self, count: int) -> None:
        """Have at least ``count`` text artists ready for the numbers in the cells.

        More are made when a larger matrix needs them; a caller that redraws only the
        artists it knows (an explorer) reserves as many as its largest matrix needs.
        """
        while len(self.values) < count:
            size = self.style["value_fontsize"]
            text = _text(self.ax, 0, 0, ha="center", va="center", fontsize=size)
            text.set_visible(False)
            self.values.append(text)

    def show_term(self, channel: int | None, output: int = 0) -> None:
        """Outline ``x[channel]`` and ``W[channel, output]``, one term of ``y[output]``.

        ``channel=None`` hides the outlines.
        """
        if channel is None or self.layout is None:
            for box in self.term_boxes:
                box.set_visible(False)
            return
        c_out, c_in = int(self.layout.weight_extent[1]), int(self.layout.weight_extent[3])
        channel = whole_number("channel", channel, 0, c_in - 1)
        output = whole_number("output", output, 0, c_out - 1)
        x_box, w_box = self.term_boxes
        x_box.set_bounds(*self.layout.x_boxes[channel])
        w_box.set_bounds(output, c_in - 1 - channel, 1, 1)
        for box in self.term_boxes:
            box.set_visible(True)

    def numbers_shown(self, layout: MixingLayout) -> bool:
        """Whether the cells get their numbers: few enough cells, each wide enough for one."""
        c_in, c_out = int(layout.weight_extent[3]), int(layout.weight_extent[1])
        if self.style["values"] == "none" or c_in * c_out > self.style["max_annotated"]:
            return False
        scale = 72 / self.ax.get_figure(root=True).dpi  # display pixels → points
        size = (self.ax.bbox.width * scale, self.ax.bbox.height * scale)
        return numbers_fit(layout, size, self.style["value_fontsize"], self.style["digits"])

    def _annotate(
        self, x: np.ndarray, w: np.ndarray, y: np.ndarray, highlight: int, layout: MixingLayout
    ) -> None:
        """Print the values in the cells, reusing text artists; hide the rest."""
        c_in, c_out = w.shape
        cells: list[tuple[float, float, float, float]] = []  # x, y, value, colour limit
        if self.numbers_shown(layout):
            lim = {
                k: self.limits.get(k) or _symmetric_limit(v)
                for k, v in (("x", x), ("weights", w), ("y", y))
            }
            x_mid = (layout.x_extent[0] + layout.x_extent[1]) / 2
            cells += [(x_mid, c_in - c - 0.5, x[c], lim["x"]) for c in range(c_in)]
            columns = range(c_out) if self.style["values"] == "all" else [highlight]
            for f in columns:
                cells += [(f + 0.5, c_in - c - 0.5, w[c, f], lim["weights"]) for c in range(c_in)]
            # Every output is printed: the row of outputs needs no colour scale.
            y_mid = (layout.y_extent[2] + layout.y_extent[3]) / 2
            cells += [(f + 0.5, y_mid, y[f], lim["y"]) for f in range(c_out)]
        self.reserve_values(len(cells))
        digits = self.style["digits"]
        for text, cell in zip(self.values, cells, strict=False):
            cx, cy, value, limit = cell
            text.set_position((cx, cy))
            text.set_text(f"{value:.{digits}f}".replace("-", "−"))
            text.set_color("white" if abs(value) > 0.6 * limit else "black")
            text.set_visible(True)
        for text in self.values[len(cells) :]:
            text.set_visible(False)


def draw_channel_mixing(
    x: np.ndarray,
    weights: np.ndarray,
    highlight: int = 0,
    *,
    pixel: tuple[int, int] | None = None,
    x_limit: float | None = None,
    weight_limit: float | None = None,
    y_limit: float | None = None,
    colorbar: bool = False,
    ax: Axes | None = None,
    **style: Any,
) -> ChannelMixingArtists:
    """Draw one pixel's channels going through a 1×1 layer, ``y = x @ W``.

    The weight matrix ``W`` is drawn as the equation writes it and as Keras stores it,
    ``C_in`` rows by ``C_out`` columns: one row per input channel, one column per
    filter. The ``C_in`` channel values ``x`` are a column on its left, ``x[c]`` beside
    the row of weights it multiplies; the ``C_out`` outputs ``y`` are a row under it,
    ``y[f]`` under the column of weights that makes it. The highlighted output's column
    of weights and its value are outlined, and its weighted sum is written out
    underneath.

    Parameters
    ----------
    x : array, shape (C_in,)
        One pixel's channel values.
    weights : array, shape (C_in, C_out)
        The 1×1 kernel as :func:`~conv1x1_viz.arithmetic.conv1x1` takes it (Keras
        order), drawn as it is: one row per input channel, one column per output.
    highlight : int, default 0
        Which output to outline, ``0 ≤ highlight < C_out``.
    pixel : (int, int), optional
        Row and column of the pixel, for the caption.
    x_limit, weight_limit, y_limit : float, optional
        Fixed symmetric colour limits (``-limit … limit``); by default each is fitted
        to the values drawn. Widgets fix them so colours mean the same on every tick.
    colorbar : bool, default False
        Add a colour scale for the weights right of the drawing; it needs a fixed
        ``weight_limit``, so that it stays true on every update.
    ax : matplotlib.axes.Axes, optional
        Where to draw; the current axes by default. Its frame is hidden.
    **style
        ``cmap``, ``fontsize``, ``value_fontsize``, ``highlight_color``, ``digits``;
        ``values``: which numbers are printed in the cells, ``"column"`` (``x``, the
        highlighted column of ``W`` and every output, the default), ``"all"`` or
        ``"none"``; ``max_annotated``: no numbers at all when ``W`` has more cells than
        this, nor when a number would not fit in its cell
        (:func:`~conv1x1_viz.geometry.numbers_fit`: lay the axes out before drawing);
        ``show_sum``: write the highlighted output out as its weighted sum (default
        True).

    Returns
    -------
    ChannelMixingArtists
        Its ``y`` holds the outputs, computed with
        :func:`~conv1x1_viz.arithmetic.conv1x1`.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> artists = draw_channel_mixing([1.0, 2.0], [[1.0, 0.0], [1.0, -1.0]], ax=ax)
    >>> artists.y.tolist()
    [3.0, -2.0]
    """
    ax = _axes(ax)
    s = _style("draw_channel_mixing", _MIXING_STYLE, style)
    whole_number("max_annotated", s["max_annotated"])
    if s["values"] not in _VALUES_MODES:
        raise ValueError(f"values must be one of {_VALUES_MODES}, got {s['values']!r}")
    for name, value in (("x_limit", x_limit), ("weight_limit", weight_limit), ("y_limit", y_limit)):
        if value is not None and not value > 0:
            raise ValueError(f"{name} must be a number > 0 or None, got {value!r}")

    def image() -> AxesImage:
        return ax.imshow(
            np.zeros((1, 1)),
            cmap=_colormap(s["cmap"]),
            norm=Normalize(-1, 1),
            interpolation="nearest",
            origin="upper",
            aspect="auto",
        )

    def box(lw: float) -> Rectangle:
        rect = Rectangle(
            (0, 0), 1, 1, fill=False, edgecolor=s["highlight_color"], linewidth=lw, zorder=5
        )
        ax.add_patch(rect)
        return rect

    def term_box() -> Rectangle:
        rect = Rectangle((0, 0), 1, 1, fill=False, edgecolor="#ffb000", linewidth=2.6, zorder=6)
        rect.set_visible(False)
        ax.add_patch(rect)
        return rect

    fs = s["fontsize"]
    artists = ChannelMixingArtists(
        ax=ax,
        # Images first, then boxes, each x, weights, y: artists_of and ties in zorder follow it.
        images={key: image() for key in ("x", "weights", "y")},
        boxes={key: box(lw) for key, lw in (("x", 1.2), ("weights", 2.2), ("y", 2.2))},
        term_boxes=(term_box(), term_box()),
        titles={
            "x": _text(ax, 0, 0, ha="left", va="bottom", fontsize=fs),
            "weights": _text(ax, 0, 0, ha="left", va="bottom", fontsize=fs),
            "y": _text(ax, 0, 0, ha="left", va="top", fontsize=fs),
        },
        sum_text=_text(ax, 0, 0, ha="left", va="top", fontsize=fs),
        limits={"x": x_limit, "weights": weight_limit, "y": y_limit},
        style=s,
    )
    ax.set_axis_off()
    artists.update(x, weights, highlight, pixel=pixel)
    if colorbar:
        if weight_limit is None:
            raise ValueError("colorbar needs a fixed weight_limit")
        artists.colorbar = colour_bar(ax, artists.images["weights"], label="weight")
    return artists
