"""Matplotlib drawings of filters, channel mixing, feature maps and costs.

Every function here is axes-level: it draws into ``ax`` (the current axes if none is
given), returns the artists it made as a small dataclass, and leaves global
settings (``rcParams``) alone. Each of those dataclasses has an ``update`` method
that changes the artists in place (``set_verts``, ``set_data``, ``set_text``,
``set_visible``), which is what the explorers in :mod:`conv1x1_viz.widgets` call on
every slider tick; the drawing functions themselves call the same method once, so
drawing and updating share one code path.

Where things go is worked out in :mod:`conv1x1_viz.geometry`; the numbers come from
:mod:`conv1x1_viz.arithmetic` and :mod:`conv1x1_viz.formulas`. Text is set in DejaVu
Sans, the font matplotlib ships.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.colors import Colormap, Normalize, to_rgba
from matplotlib.image import AxesImage
from matplotlib.patches import Polygon, Rectangle
from matplotlib.text import Annotation, Text

from conv1x1_viz.arithmetic import conv1x1
from conv1x1_viz.formulas import dot_formula, format_count
from conv1x1_viz.geometry import (
    Bounds,
    FilterBlockScene,
    GridLayout,
    MixingLayout,
    cost_bar_layout,
    filter_block_scene,
    grid_layout,
    mixing_layout,
    use_log_scale,
)
from conv1x1_viz.validation import whole_number

__all__ = [
    "COST_QUANTITIES",
    "FONT",
    "ChannelMixingArtists",
    "CostComparisonArtists",
    "FeatureMapGridArtists",
    "FilterBlockArtists",
    "draw_channel_mixing",
    "draw_cost_comparison",
    "draw_feature_map_grid",
    "draw_filter_block",
    "fixed_title",
]

#: The font family every text artist uses (shipped with matplotlib).
FONT = "DejaVu Sans"


def _axes(ax: Axes | None) -> Axes:
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


def _text(ax: Axes, x: float, y: float, s: str = "", **kwargs: Any) -> Text:
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
    """
    return ax.set_title(text, fontfamily=FONT, fontsize=fontsize, loc=loc, y=1.0, pad=4)


def _colormap(cmap: Any) -> Colormap:
    if isinstance(cmap, Colormap):
        return cmap
    try:
        return matplotlib.colormaps[cmap]
    except (KeyError, TypeError):
        raise ValueError(
            f"cmap must be a matplotlib Colormap or the name of one, got {cmap!r}"
        ) from None


# --------------------------------------------------------------------------- filter block

_FILTER_BLOCK_STYLE: dict[str, Any] = {
    "input_color": "#9cc3e6",
    "filter_color": "#f5a45d",
    "output_color": "#9ccf8f",
    "edgecolor": "#2f3b45",
    "linewidth": 0.8,
    "fontsize": 9,
    "max_dividers": 32,
}
#: Room under the blocks for their two-line labels, in data units.
_LABEL_ROOM = 1.0


def _shape_text(*sizes: int) -> str:
    return "×".join(format_count(s) for s in sizes)


@dataclass
class FilterBlockArtists:
    """The artists of :func:`draw_filter_block`; :meth:`update` redraws them in place.

    Attributes
    ----------
    ax : matplotlib.axes.Axes
        Where they are drawn.
    input, window, filter, output, first_map : matplotlib.collections.PolyCollection
        Faces of the input volume, of the filter's window on it (front and top), of
        the filter, of the output stack and of its first map (the filter's colour).
    output_pixel : matplotlib.patches.Polygon
        The one output value the window produces.
    dividers : dict of str to matplotlib.collections.LineCollection
        Lines between channels (``"input"``, ``"filter"``) and maps (``"output"``).
    arrow : matplotlib.text.Annotation
        From the filter to the output.
    labels : dict of str to matplotlib.text.Text
        ``"input"``, ``"filter"`` and ``"output"``, with the true sizes.
    scene : FilterBlockScene
        The geometry last drawn.
    limits : tuple of float or None
        Data limits kept on every update; ``None`` fits them to each scene.
    """

    ax: Axes
    input: PolyCollection
    window: PolyCollection
    filter: PolyCollection
    output: PolyCollection
    first_map: PolyCollection
    output_pixel: Polygon
    dividers: dict[str, LineCollection]
    arrow: Annotation
    labels: dict[str, Text]
    scene: FilterBlockScene | None = None
    limits: Bounds | None = None
    max_dividers: int = 32

    def update(
        self,
        input_shape: tuple[int, int, int],
        kernel_size: int | tuple[int, int] = 1,
        filters: int = 1,
        *,
        strides: int | tuple[int, int] = 1,
        padding: str = "same",
    ) -> FilterBlockScene:
        """Move the blocks and rewrite the labels for a new layer.

        Parameters are those of :func:`draw_filter_block`. Returns the new scene.
        """
        scene = filter_block_scene(
            input_shape,
            kernel_size,
            filters,
            strides=strides,
            padding=padding,
            max_dividers=self.max_dividers,
        )
        self.input.set_verts(scene.input.faces())
        self.window.set_verts([scene.window.front, scene.window.top])
        self.filter.set_verts(scene.filter.faces())
        self.output.set_verts(scene.output.faces())
        self.first_map.set_verts(scene.first_map.faces())
        self.output_pixel.set_xy(scene.output_pixel)
        for key, segments in (
            ("input", scene.input_dividers),
            ("filter", scene.filter_dividers),
            ("output", scene.output_dividers),
        ):
            self.dividers[key].set_segments(list(segments))
        self.arrow.set_position(tuple(scene.arrow[0]))
        self.arrow.xy = tuple(scene.arrow[1])

        (h, w, c_in), (kh, kw), (h_out, w_out, n) = (
            scene.input_shape,
            scene.kernel_size,
            scene.output_shape,
        )
        texts = {
            "input": f"input\n{_shape_text(h, w, c_in)}",
            "filter": f"filter {_shape_text(kh, kw, c_in)}\n× {format_count(n)} "
            + ("filter" if n == 1 else "filters"),
            "output": f"output: {format_count(n)} "
            + ("map" if n == 1 else "maps")
            + f"\n{_shape_text(h_out, w_out, n)}",
        }
        for key, text in texts.items():
            self.labels[key].set_text(text)
            self.labels[key].set_position(scene.label_anchors[key])
        x0, x1, y0, y1 = self.limits if self.limits is not None else scene.bounds
        self.ax.set_xlim(x0 - 0.2, x1 + 0.2)
        self.ax.set_ylim(y0 - _LABEL_ROOM, y1 + 0.2)
        self.scene = scene
        return scene


def draw_filter_block(
    input_shape: tuple[int, int, int],
    kernel_size: int | tuple[int, int] = 1,
    filters: int = 1,
    *,
    strides: int | tuple[int, int] = 1,
    padding: str = "same",
    limits: Bounds | None = None,
    ax: Axes | None = None,
    **style: Any,
) -> FilterBlockArtists:
    r"""Draw an input volume, one filter as deep as it, and the maps the filters make.

    The input ``H × W × C_in`` and the ``k × k × C_in`` filter are 3-D-looking
    blocks; the filter's depth is exactly the input's, and its window on the input
    is shaded. The output is the stack of ``filters`` maps, the first one (made by
    the filter shown) in the filter's colour. Depths and sizes are compressed
    (:func:`~conv1x1_viz.geometry.drawn_length`) and labelled with the true numbers.

    Parameters
    ----------
    input_shape : tuple of int
        ``(H, W, C_in)``.
    kernel_size : int or (int, int), default 1
        Filter height and width.
    filters : int, default 1
        Number of filters, the depth of the output stack.
    strides : int or (int, int), default 1
        Step between filter positions (sets the output's height and width).
    padding : {"same", "valid"}, default "same"
        Zero padding, as in Keras.
    limits : tuple of float, optional
        ``(x_min, x_max, y_min, y_max)`` to keep on every update (e.g. the bounds of
        the largest scene a widget can reach); by default fitted to the scene.
    ax : matplotlib.axes.Axes, optional
        Where to draw; the current axes by default. Its aspect is set equal and its
        frame hidden.
    **style
        ``input_color``, ``filter_color``, ``output_color``, ``edgecolor``,
        ``linewidth``, ``fontsize``, ``max_dividers`` (lines drawn between channels).

    Returns
    -------
    FilterBlockArtists

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> artists = draw_filter_block((28, 28, 192), kernel_size=1, filters=64, ax=ax)
    >>> artists.labels["output"].get_text()
    'output: 64 maps\n28×28×64'
    """
    ax = _axes(ax)
    s = _style("draw_filter_block", _FILTER_BLOCK_STYLE, style)
    max_dividers = whole_number("max_dividers", s["max_dividers"])
    edge = {"edgecolors": s["edgecolor"], "linewidths": s["linewidth"]}
    filter_edge = _shade(s["filter_color"], 0.55)

    def block(color: Any, zorder: float) -> PolyCollection:
        coll = PolyCollection([], facecolors=_face_colors(color), zorder=zorder, **edge)
        ax.add_collection(coll)
        return coll

    def lines(zorder: float) -> LineCollection:
        coll = LineCollection(
            [], colors=[s["edgecolor"]], linewidths=0.5 * s["linewidth"], alpha=0.55, zorder=zorder
        )
        ax.add_collection(coll)
        return coll

    see_through = to_rgba(s["filter_color"], 0.55)
    window_faces = [see_through, _shade(see_through, 1.35)]
    window = PolyCollection(
        [], facecolors=window_faces, edgecolors=filter_edge, linewidths=s["linewidth"], zorder=1.2
    )
    artists = FilterBlockArtists(
        ax=ax,
        input=block(s["input_color"], 1.0),
        window=window,
        filter=block(s["filter_color"], 2.0),
        output=block(s["output_color"], 3.0),
        first_map=block(s["filter_color"], 3.2),
        output_pixel=Polygon(
            np.zeros((4, 2)), closed=True, facecolor=filter_edge, edgecolor="none", zorder=3.3
        ),
        dividers={"input": lines(1.1), "filter": lines(2.1), "output": lines(3.1)},
        arrow=ax.annotate(
            "",
            xy=(1, 0),
            xytext=(0, 0),
            arrowprops={"arrowstyle": "-|>", "color": s["edgecolor"], "lw": 1.4},
        ),
        labels={
            key: _text(ax, 0, 0, ha="center", va="top", fontsize=s["fontsize"], linespacing=1.3)
            for key in ("input", "filter", "output")
        },
        limits=limits,
        max_dividers=max_dividers,
    )
    ax.add_collection(window)
    ax.add_patch(artists.output_pixel)
    ax.set_aspect("equal")
    ax.set_axis_off()
    artists.update(input_shape, kernel_size, filters, strides=strides, padding=padding)
    return artists


# ------------------------------------------------------------------------- channel mixing

_MIXING_STYLE: dict[str, Any] = {
    "cmap": "RdBu_r",
    "fontsize": 9,
    "value_fontsize": 7,
    "highlight_color": "#111111",
    "values": "row",
    "show_sum": True,
    "max_annotated": 64,
    "digits": 2,
}
_VALUES_MODES = ("row", "all", "none")


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
    x_image, weight_image, y_image : matplotlib.image.AxesImage
        The pixel's channel values (a row), the ``C_out × C_in`` weights (one row per
        output) and the outputs (a column).
    x_box, row_box, y_box : matplotlib.patches.Rectangle
        Highlights: the input row, the highlighted output's weights and that output.
    titles : dict of str to matplotlib.text.Text
        ``"x"``, ``"weights"`` and ``"y"`` captions with the sizes.
    sum_text : matplotlib.text.Text
        The highlighted output written as its weighted sum.
    values : list of matplotlib.text.Text
        Numbers printed in the cells (only while there are few of them).
    limits : dict of str to float or None
        Fixed symmetric colour limits for ``"x"``, ``"weights"``, ``"y"``; ``None``
        fits each to the data drawn.
    y : numpy.ndarray
        The outputs last drawn, shape (C_out,).
    layout : MixingLayout or None
        The geometry last drawn.
    """

    ax: Axes
    x_image: AxesImage
    weight_image: AxesImage
    y_image: AxesImage
    x_box: Rectangle
    row_box: Rectangle
    y_box: Rectangle
    titles: dict[str, Text]
    sum_text: Text
    values: list[Text] = field(default_factory=list)
    limits: dict[str, float | None] = field(default_factory=dict)
    style: dict[str, Any] = field(default_factory=dict)
    y: np.ndarray = field(default_factory=lambda: np.zeros(0))
    layout: MixingLayout | None = None

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
        if isinstance(highlight, bool) or not isinstance(highlight, int | np.integer):
            raise ValueError(f"highlight must be a whole number, got {highlight!r}")
        if not 0 <= highlight < c_out:
            raise ValueError(f"highlight must be an output index 0 … {c_out - 1}, got {highlight}")
        y = conv1x1(x.reshape(1, 1, c_in), w)[0, 0]
        layout = mixing_layout(c_in, c_out)

        for image, data, extent, key in (
            (self.x_image, x[np.newaxis, :], layout.x_extent, "x"),
            (self.weight_image, w.T, layout.weight_extent, "weights"),
            (self.y_image, y[:, np.newaxis], layout.y_extent, "y"),
        ):
            limit = self.limits.get(key) or _symmetric_limit(data)
            image.set_data(data)
            image.set_extent(extent)
            image.set_clim(-limit, limit)

        self.x_box.set_bounds(*layout.x_box)
        self.row_box.set_bounds(*layout.row_boxes[highlight])
        self.y_box.set_bounds(*layout.y_boxes[highlight])

        where = f"pixel ({pixel[0]}, {pixel[1]})" if pixel is not None else "one pixel"
        x0, x1, y0, y1 = layout.bounds
        top = layout.x_extent[3]
        self.titles["x"].set_text(f"x: {where}, {format_count(c_in)} channels")
        self.titles["x"].set_position((0.0, top + 0.15))
        self.titles["weights"].set_text(f"W: {format_count(c_out)} × {format_count(c_in)}")
        self.titles["weights"].set_position((0.0, -0.15))
        self.titles["y"].set_text("y = W·x")
        self.titles["y"].set_position((layout.y_extent[0] - 0.1, layout.y_extent[3] + 0.15))
        digits = self.style["digits"]
        self.sum_text.set_text(
            f"y[{highlight}] = " + dot_formula(w[:, highlight], x, max_terms=4, digits=digits)
        )
        self.sum_text.set_position((0.0, y0 + 0.1))
        self.sum_text.set_visible(bool(self.style["show_sum"]))
        self._annotate(x, w, y, highlight, layout)
        self.ax.set_xlim(x0, x1)
        self.ax.set_ylim(y0, y1)
        self.y, self.layout = y, layout
        return y

    def _annotate(
        self, x: np.ndarray, w: np.ndarray, y: np.ndarray, highlight: int, layout: MixingLayout
    ) -> None:
        """Print the values in the cells, reusing text artists; hide the rest."""
        c_in, c_out = w.shape
        mode = self.style["values"]
        cells: list[tuple[float, float, float, float]] = []  # x, y, value, colour limit
        if mode != "none" and c_in * c_out <= self.style["max_annotated"]:
            lim = {
                k: self.limits.get(k) or _symmetric_limit(v)
                for k, v in (("x", x), ("weights", w), ("y", y))
            }
            x_mid = layout.x_extent[2] + 0.5
            cells += [(j + 0.5, x_mid, x[j], lim["x"]) for j in range(c_in)]
            rows = range(c_out) if mode == "all" else [highlight]
            for i in rows:
                row_mid = c_out - i - 0.5
                cells += [(j + 0.5, row_mid, w[j, i], lim["weights"]) for j in range(c_in)]
                cells.append((layout.y_extent[0] + 0.5, row_mid, y[i], lim["y"]))
        while len(self.values) < len(cells):
            size = self.style["value_fontsize"]
            self.values.append(_text(self.ax, 0, 0, ha="center", va="center", fontsize=size))
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
    ax: Axes | None = None,
    **style: Any,
) -> ChannelMixingArtists:
    """Draw one pixel's channels going through a 1×1 layer as a matrix product.

    The ``C_in`` channel values ``x`` are a row, each over the column of weights it
    multiplies; the weight matrix is a ``C_out × C_in`` heat map, one row per
    filter; the ``C_out`` outputs ``y = W·x`` are a column, each beside its row. The
    highlighted output's row of weights and its value are outlined, and its
    weighted sum is written out underneath.

    Parameters
    ----------
    x : array, shape (C_in,)
        One pixel's channel values.
    weights : array, shape (C_in, C_out)
        The 1×1 kernel as :func:`~conv1x1_viz.arithmetic.conv1x1` takes it (Keras
        order); it is drawn transposed, one row per output.
    highlight : int, default 0
        Which output to outline, ``0 ≤ highlight < C_out``.
    pixel : (int, int), optional
        Row and column of the pixel, for the caption.
    x_limit, weight_limit, y_limit : float, optional
        Fixed symmetric colour limits (``-limit … limit``); by default each is fitted
        to the values drawn. Widgets fix them so colours mean the same on every tick.
    ax : matplotlib.axes.Axes, optional
        Where to draw; the current axes by default. Its frame is hidden.
    **style
        ``cmap``, ``fontsize``, ``value_fontsize``, ``highlight_color``, ``digits``;
        ``values``: which numbers are printed in the cells, ``"row"`` (``x``, the
        highlighted row of ``W`` and its output, the default), ``"all"`` or ``"none"``;
        ``max_annotated``: no numbers at all when ``W`` has more cells than this;
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

    fs = s["fontsize"]
    artists = ChannelMixingArtists(
        ax=ax,
        x_image=image(),
        weight_image=image(),
        y_image=image(),
        x_box=box(1.2),
        row_box=box(2.2),
        y_box=box(2.2),
        titles={
            "x": _text(ax, 0, 0, ha="left", va="bottom", fontsize=fs),
            "weights": _text(ax, 0, 0, ha="left", va="top", fontsize=fs),
            "y": _text(ax, 0, 0, ha="left", va="bottom", fontsize=fs),
        },
        sum_text=_text(ax, 0, 0, ha="left", va="bottom", fontsize=fs),
        limits={"x": x_limit, "weights": weight_limit, "y": y_limit},
        style=s,
    )
    ax.set_axis_off()
    artists.update(x, weights, highlight, pixel=pixel)
    return artists


# ------------------------------------------------------------------------ feature maps

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
    layout : GridLayout or None
        The geometry last drawn; ``layout.n_shown`` maps are drawn.
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

    @property
    def n_drawn(self) -> int:
        """Number of maps currently drawn."""
        return self.layout.n_shown if self.layout is not None and self.image.get_visible() else 0

    def map_extent(self, index: int) -> tuple[float, float, float, float]:
        """``(left, right, bottom, top)`` of drawn map ``index``, in data units."""
        if self.layout is None or not 0 <= index < self.layout.n_shown:
            raise ValueError(f"index must be a drawn map, 0 … {self.n_drawn - 1}, got {index!r}")
        return tuple(float(v) for v in self.layout.extents[index])

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
    ax : matplotlib.axes.Axes, optional
        Where to draw; the current axes by default. Its frame is hidden and its
        aspect set equal.
    **style
        ``cmap``, ``fontsize``, ``gap`` (between maps, fraction of a map's width).

    Returns
    -------
    FeatureMapGridArtists

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> artists = draw_feature_map_grid(np.zeros((8, 8, 20)), max_maps=16, ax=ax)
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
            np.zeros((1, 1)), cmap=cmap, interpolation="nearest", origin="upper", aspect="equal"
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
    return artists


# ---------------------------------------------------------------------- cost comparison

_COST_STYLE: dict[str, Any] = {
    "colors": ("#4c78a8", "#f58518", "#54a24b", "#b279a2"),
    "fontsize": 9,
    "label_room": 0.38,
}

#: What :func:`draw_cost_comparison` compares by default, in this order.
COST_QUANTITIES = ("parameters", "multiply-accumulates")


def _costs(costs: Any, n_quantities: int) -> tuple[list[str], np.ndarray]:
    if not isinstance(costs, Mapping) or len(costs) == 0:
        raise ValueError(
            f"costs must be a non-empty mapping of design name to (parameters, MACs), got {costs!r}"
        )
    names, rows = [], []
    for name, value in costs.items():
        row = list(value) if isinstance(value, Sequence) else None
        if row is None or len(row) != n_quantities:
            raise ValueError(
                f"costs[{name!r}] must be {n_quantities} whole numbers ≥ 0, got {value!r}"
            )
        for v in row:
            if isinstance(v, bool) or not isinstance(v, int | np.integer) or v < 0:
                raise ValueError(
                    f"costs[{name!r}] must be {n_quantities} whole numbers ≥ 0, got {value!r}"
                )
        names.append(str(name))
        rows.append([int(v) for v in row])
    return names, np.array(rows, dtype=float).T  # (quantities, designs)


_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def _power_of_ten(value: float, _position: int | None = None) -> str:
    """Tick label ``10³`` in plain text (cheaper to draw than mathtext)."""
    if value <= 0:
        return ""
    exponent = round(np.log10(value))
    if not np.isclose(value, 10.0**exponent):
        return ""
    return "10" + str(exponent).translate(_SUPERSCRIPT)


def _count_label(value: float, _position: int | None = None) -> str:
    """Short tick label on a linear axis: ``5,000``, ``250 k``, ``1.5 M``, ``50 G``.

    The bars carry the exact counts; ticks only need to be short enough not to run
    into each other on a narrow axis.
    """
    if value < 0:
        return ""
    for threshold, size, suffix in (
        (1e12, 1e12, "T"),
        (1e9, 1e9, "G"),
        (1e6, 1e6, "M"),
        (1e5, 1e3, "k"),
    ):
        if value >= threshold:
            return f"{value / size:g} {suffix}"
    return format_count(round(value))


def _set_value_scale(ax: Axes, log: bool) -> None:
    """Log or linear value axis with few, plain-text tick labels."""
    from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullLocator

    ax.set_xscale("log" if log else "linear")
    ax.xaxis.set_major_locator(LogLocator(base=10, numticks=8) if log else MaxNLocator(4))
    ax.xaxis.set_major_formatter(FuncFormatter(_power_of_ten if log else _count_label))
    ax.xaxis.set_minor_locator(NullLocator())


@dataclass
class CostComparisonArtists:
    """The artists of :func:`draw_cost_comparison`; :meth:`update` redraws them in place.

    Attributes
    ----------
    ax : matplotlib.axes.Axes
        Where they are drawn.
    bars : list of list of matplotlib.patches.Rectangle
        ``bars[q][d]`` is design ``d``'s bar for quantity ``q``.
    labels : list of list of matplotlib.text.Annotation
        The exact numbers, at the end of each bar.
    names : list of matplotlib.text.Annotation
        Design names in their bars' colours, above the axes on the right (a legend
        that costs less to draw).
    group_labels : list of matplotlib.text.Text
        The quantities, left of each group of bars.
    log : bool
        Whether the value axis is logarithmic now.
    """

    ax: Axes
    bars: list[list[Rectangle]]
    labels: list[list[Annotation]]
    names: list[Annotation]
    group_labels: list[Text]
    quantities: tuple[str, ...]
    log_mode: bool | str
    style: dict[str, Any]
    log: bool = False

    def update(self, costs: Mapping[str, Sequence[int]]) -> None:
        """Show new numbers for the same number of designs (names may change).

        Parameters
        ----------
        costs : mapping of str to sequence of int
            Design name to one count per quantity, as in :func:`draw_cost_comparison`.
        """
        names, values = _costs(costs, len(self.quantities))
        if len(names) != len(self.bars[0]):
            raise ValueError(
                f"costs must name the same number of designs as were drawn "
                f"({len(self.bars[0])}), got {len(names)}"
            )
        log = use_log_scale(values) if self.log_mode == "auto" else bool(self.log_mode)
        if log and np.any(values <= 0):
            raise ValueError("a log scale needs every count to be ≥ 1")
        room = self.style["label_room"]
        peak = float(values.max()) if values.max() > 0 else 1.0
        if log:
            start = 10.0 ** (np.floor(np.log10(values.min())) - 1)
            span = np.log10(peak) - np.log10(start)
            end = 10.0 ** (np.log10(peak) + span * room / (1 - room))
        else:
            start, end = 0.0, peak / (1 - room)
        if log != self.log:
            _set_value_scale(self.ax, log)
            self.log = log
        layout = cost_bar_layout(*values.shape)
        for q, row in enumerate(values):
            for d, value in enumerate(row):
                bar = self.bars[q][d]
                bar.set_bounds(
                    start, layout.positions[q, d] - layout.height / 2, value - start, layout.height
                )
                label = self.labels[q][d]
                label.xy = (max(value, start), layout.positions[q, d])
                label.set_text(format_count(int(value)))
        for text, name in zip(self.names, names, strict=True):
            text.set_text(f"■ {name}")
        for text, centre in zip(self.group_labels, layout.group_centres, strict=True):
            text.set_y(centre)
        self.ax.set_xlim(start, end)
        self.ax.set_ylim(*layout.bounds)


def draw_cost_comparison(
    costs: Mapping[str, Sequence[int]],
    *,
    quantities: Sequence[str] = COST_QUANTITIES,
    log: bool | str = "auto",
    title: str = "",
    ax: Axes | None = None,
    **style: Any,
) -> CostComparisonArtists:
    """Compare the costs of designs as horizontal bars labelled with exact numbers.

    Parameters
    ----------
    costs : mapping of str to sequence of int
        Design name to its counts, one per quantity, e.g.
        ``{"direct 5×5": (153_632, 120_422_400), "1×1 then 5×5": (15_920, 12_443_648)}``.
    quantities : sequence of str, default ("parameters", "multiply-accumulates")
        What the counts are, one group of bars each.
    log : bool or "auto", default "auto"
        Logarithmic value axis; ``"auto"`` uses one when the largest count is more
        than 50 times the smallest (:func:`~conv1x1_viz.geometry.use_log_scale`).
    title : str, default ""
        Axes title, on the left (the design names are on the right).
    ax : matplotlib.axes.Axes, optional
        Where to draw; the current axes by default. Leave room left of it for the
        quantities and above it for the design names.
    **style
        ``colors`` (one per design), ``fontsize``, ``label_room`` (fraction of the
        axis kept free for the numbers).

    Returns
    -------
    CostComparisonArtists

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> artists = draw_cost_comparison({"a": (10, 1_000), "b": (5, 200)}, ax=ax)
    >>> artists.labels[1][0].get_text(), artists.log
    ('1,000', True)
    """
    ax = _axes(ax)
    s = _style("draw_cost_comparison", _COST_STYLE, style)
    quantities = tuple(str(q) for q in quantities)
    if not quantities:
        raise ValueError("quantities must name at least one quantity")
    if log not in (True, False, "auto"):
        raise ValueError(f'log must be True, False or "auto", got {log!r}')
    names, values = _costs(costs, len(quantities))
    colors = list(s["colors"])
    if len(colors) < len(names):
        raise ValueError(f"colors must give at least {len(names)} colours, got {len(colors)}")
    if not 0 <= s["label_room"] < 1:
        raise ValueError(f"label_room must be between 0 and 1, got {s['label_room']!r}")
    bars = [
        [
            ax.add_patch(Rectangle((0, 0), 1, 1, facecolor=colors[d], edgecolor="none"))
            for d in range(len(names))
        ]
        for _ in quantities
    ]
    labels = [
        [
            ax.annotate(
                "",
                xy=(0, 0),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                ha="left",
                fontsize=s["fontsize"],
                fontfamily=FONT,
            )
            for _ in names
        ]
        for _ in quantities
    ]
    line = 1.45 * s["fontsize"]
    design_names = [
        ax.annotate(
            "",
            xy=(1, 1),
            xycoords="axes fraction",
            xytext=(0, 4 + line * (len(names) - 1 - d)),
            textcoords="offset points",
            ha="right",
            va="bottom",
            color=colors[d],
            fontsize=s["fontsize"],
            fontfamily=FONT,
        )
        for d in range(len(names))
    ]
    group_labels = [
        _text(
            ax,
            -0.015,
            0,
            quantity,
            transform=ax.get_yaxis_transform(),
            ha="right",
            va="center",
            fontsize=s["fontsize"],
        )
        for quantity in quantities
    ]
    ax.tick_params(labelsize=s["fontsize"], labelfontfamily=FONT)
    ax.yaxis.set_visible(False)
    ax.spines[["top", "right"]].set_visible(False)
    if title:
        fixed_title(ax, title, fontsize=s["fontsize"] + 1, loc="left")
    _set_value_scale(ax, False)
    ax.set_xlabel("count", fontfamily=FONT, fontsize=s["fontsize"])
    artists = CostComparisonArtists(
        ax=ax,
        bars=bars,
        labels=labels,
        names=design_names,
        group_labels=group_labels,
        quantities=quantities,
        log_mode=log,
        style=s,
    )
    artists.update(costs)
    return artists
