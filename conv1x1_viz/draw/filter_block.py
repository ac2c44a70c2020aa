"""The filter block: an input volume, one filter as deep as it, and the maps the filters make.

Where the blocks go is worked out by :func:`~conv1x1_viz.geometry.filter_block_scene`;
this module only turns that scene into matplotlib artists and labels them with the true
sizes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.colors import to_rgba
from matplotlib.patches import Polygon
from matplotlib.text import Annotation, Text
from matplotlib.transforms import ScaledTranslation

from conv1x1_viz.draw.common import _axes, _face_colors, _shade, _style, _text
from conv1x1_viz.formulas import format_count
from conv1x1_viz.geometry import Bounds, FilterBlockScene, filter_block_scene
from conv1x1_viz.validation import whole_number

__all__ = ["NOT_TO_SCALE", "FilterBlockArtists", "draw_filter_block"]

#: What the drawing says of its own proportions: sides grow with the logarithm of a size,
#: so that a 3×3 window and a 2,048-deep block fit in one picture.
NOT_TO_SCALE = "not to scale: each side grows as log₂(1 + size)"

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
# Below the labels: the line that says the drawing is not to scale.
_NOTE_ROOM = 0.3
#: Line spacing of the two-line labels.
_LABEL_LINESPACING = 1.3
#: Height of a two-line label, in font sizes (DejaVu Sans at the spacing above).
_LABEL_HEIGHT = 2.6
#: Gap between the labels and the note under them, in points.
_NOTE_GAP = 2.0


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
    scale_note : matplotlib.text.Text
        Says, in the corner, that the drawing is not to scale (:data:`NOT_TO_SCALE`).
    labels : dict of str to matplotlib.text.Text
        ``"input"``, ``"filter"`` and ``"output"``, with the true sizes.
    scene : FilterBlockScene
        The geometry last drawn.
    limits : tuple of float or None
        Data limits kept on every update; ``None`` fits them to each scene.
    max_dividers : int
        The most lines drawn between channels or maps of one block (the
        ``max_dividers`` style keyword).
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
    scale_note: Text
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
        for key, segments in scene.dividers.items():
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
        bottom = y0 - _LABEL_ROOM - _NOTE_ROOM
        self.ax.set_ylim(bottom, y1 + 0.2)
        # Right-aligned with the drawing, its top a fixed number of points under the
        # labels' top (see draw_filter_block), so that it clears them at any scale.
        label_top = min(y for _, y in scene.label_anchors.values())
        self.scale_note.set_position((x1 + 0.2, label_top))
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
        The faces of the three blocks, the dividers, the arrow and the labels with the
        true sizes; ``update(input_shape, kernel_size, filters)`` redraws the scene.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = Figure().add_subplot()
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

    # The labels' height is in points, the room under the blocks in data units: the
    # note is placed in points under the labels, so it never overlaps them.
    drop = (_LABEL_HEIGHT * s["fontsize"] + _NOTE_GAP) / 72
    below_labels = ScaledTranslation(0, -drop, ax.figure.dpi_scale_trans)
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
            key: _text(
                ax,
                0,
                0,
                ha="center",
                va="top",
                fontsize=s["fontsize"],
                linespacing=_LABEL_LINESPACING,
            )
            for key in ("input", "filter", "output")
        },
        scale_note=_text(
            ax,
            0,
            0,
            NOT_TO_SCALE,
            ha="right",
            va="top",
            fontsize=s["fontsize"] - 1.5,
            color="0.45",
            transform=ax.transData + below_labels,
        ),  # fmt: skip
        limits=limits,
        max_dividers=max_dividers,
    )
    ax.add_collection(window)
    ax.add_patch(artists.output_pixel)
    ax.set_aspect("equal")
    ax.set_axis_off()
    artists.update(input_shape, kernel_size, filters, strides=strides, padding=padding)
    return artists
