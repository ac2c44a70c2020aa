"""ReductionExplorer: a photo's feature maps before and after a 1×1 layer cuts their depth."""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np
from matplotlib.patches import Rectangle

from conv1x1_viz.arithmetic import conv1x1
from conv1x1_viz.data import SAMPLE_IMAGE, image_features, relu, sample_image, seeded_kernel
from conv1x1_viz.draw import FONT, FeatureMapGridArtists, draw_feature_map_grid, fixed_title
from conv1x1_viz.draw.common import colour_bar_ticks
from conv1x1_viz.draw.fast_text import add_fast_text
from conv1x1_viz.draw.feature_maps import _GRID_STYLE
from conv1x1_viz.explorers.controls import DEPTHS, Choice, Preset
from conv1x1_viz.explorers.page import PageExplorer, plural, shape_text
from conv1x1_viz.formulas import format_count, layer_cost, macs_formula, params_formula
from conv1x1_viz.geometry import GridLayout, grid_layout
from conv1x1_viz.validation import flag, whole_number

__all__ = ["ReductionExplorer", "ReductionPicture"]

#: Where the photo and the two grids sit in the saved picture (figure fractions, before
#: each is shrunk to its images' aspect).
PHOTO_RECT = (0.01, 0.30, 0.16, 0.40)
BEFORE_RECT = (0.17, 0.02, 0.34, 0.88)
AFTER_RECT = (0.585, 0.02, 0.34, 0.88)
#: The photo's title, and its size in points.
PHOTO_TITLE = ("input", 9)
#: How the selected filter's weights are shown on the maps before the 1×1 layer (frames
#: red where positive, blue where negative, their width growing with the weight's size),
#: and the frame around the map selected after it. Sizes in points.
OVERLAY_STYLE: dict[str, Any] = {
    "positive": "#d62728",
    "negative": "#1f77b4",
    "frame_width": (0.5, 3.0),  # 0.5 + 3·|w| / max |w| of the filter
    "label_fontsize": 7,
    "label_color": "white",
    "label_offset": 1.0,  # map pixels right of the map's left edge and above its top
    "selected_color": "#ffb000",
    "selected_width": 2.5,
}


def _signed(weight: float) -> str:
    """Write a weight as its label does, e.g. ``+0.19``, ``−0.33``."""
    return f"{weight:+.2f}".replace("-", "−")


def _palette_png(rgb: np.ndarray, palette: np.ndarray) -> str:
    """Return an image ``(H, W, 3)`` of bytes, its colours all in ``palette``, as a PNG.

    The PNG is indexed (a byte a pixel before compression, where RGB takes three) and
    returned as a data URL.
    """
    from PIL import Image

    def key(colours: np.ndarray) -> np.ndarray:
        colours = colours.astype(np.int64)
        return (colours[..., 0] << 16) | (colours[..., 1] << 8) | colours[..., 2]

    keys = key(palette)
    order = np.argsort(keys, kind="stable")
    index = order[np.clip(np.searchsorted(keys[order], key(rgb)), 0, len(keys) - 1)]
    if not np.array_equal(palette[index], rgb):
        raise ValueError("rgb must hold only colours of the palette")
    image = Image.fromarray(index.astype(np.uint8), mode="P")
    image.putpalette(palette.ravel().tolist())
    buffer = io.BytesIO()
    image.save(buffer, format="png", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


class ReductionPicture(NamedTuple):
    """The artists of the saved picture (:meth:`ReductionExplorer.draw_picture`).

    Attributes
    ----------
    photo_ax : matplotlib.axes.Axes
        The photo.
    photo_title : matplotlib.text.Text
        Its title.
    before, after : FeatureMapGridArtists
        The two grids of maps (:func:`~conv1x1_viz.draw.draw_feature_map_grid`).
    weight_labels, weight_frames : list
        Per map drawn before the 1×1 layer, the selected filter's weight for it (text)
        and a frame coloured by its sign; hidden while nothing is selected.
    selected_frame : matplotlib.patches.Rectangle
        Around the selected map after the 1×1 layer; hidden while nothing is selected.
    """

    photo_ax: Any
    photo_title: Any
    before: FeatureMapGridArtists
    after: FeatureMapGridArtists
    weight_labels: list
    weight_frames: list
    selected_frame: Any


class ReductionExplorer(PageExplorer):
    """A photograph through a convolution layer, then a 1×1 layer that cuts the depth.

    The picture (:func:`~conv1x1_viz.data.sample_image`) goes through a fixed, seeded
    3×3 convolution layer with ``features`` filters and ReLU, then through a 1×1 layer
    (seeded weights, ReLU) whose number of filters is the ``"filters"`` slider. The maps
    before and after are shown side by side, and the readout gives the 1×1 layer's
    parameters, multiply-accumulates and how many values each image is left with.

    Both layers are what Keras builds before training: random weights and, with
    ``use_bias``, one bias per filter that starts at zero. The maps are computed with
    those very weights and biases, and the parameter counts count exactly them.

    A click on a map after the 1×1 layer selects it (:meth:`select` does the same): the
    weights of its filter, one per map before, are written on those maps, framed in red
    where positive and blue where negative, and the readout says how that map is made. A
    second click on it clears it, and so does a number of filters that no longer shows it.
    The selection is :attr:`~conv1x1_viz.explorers.page.PageExplorer.selection`, synced
    with the page, so that the readout and the saved picture show it too.

    Everything is drawn in the page (``js/reduction.js``): the maps are computed once and
    sent as pictures at the fixed colour scales, with the photo, the weights and the
    drawing's layout. The 1×1 layer is computed for the largest number of filters; ``n``
    filters give its first ``n`` maps, since each output map depends on its own filter
    only. Python's :meth:`readout_lines` and :meth:`draw_picture` are what is saved for
    readers without a kernel.

    Parameters
    ----------
    filters : int, default 8
        Starting number of 1×1 filters, one of the depths the slider offers
        (:data:`~conv1x1_viz.explorers.controls.DEPTHS` up to ``max_filters``).
    features : int, default 32
        Filters of the 3×3 layer, the depth the 1×1 layer reduces, 1 … 512.
    use_bias : bool, default True
        Whether both layers have biases (zero, as Keras starts them).
    image_size : int, default 64
        Height and width of the picture.
    max_filters : int, default 64
        Largest number of 1×1 filters, 1 … 512.
    max_maps : int, default 16
        Maps drawn per grid; the rest are counted as "+N more".
    seed : int, default 0
        Seed of both layers' weights.

    Attributes
    ----------
    image, before : numpy.ndarray
        The picture ``(H, W, 3)`` and the 3×3 layer's maps ``(H, W, features)``.
    weights : numpy.ndarray, shape (features, max_filters)
        The 1×1 layer's matrix, Keras order; ``n`` filters use its first ``n`` columns.
    bias : numpy.ndarray or None, shape (max_filters,)
        The 1×1 layer's biases (zeros), None without biases.

    Examples
    --------
    >>> explorer = ReductionExplorer()
    >>> explorer.select(3)
    >>> explorer.summary().splitlines()[6][:40]
    'Map 3 after the 1×1 layer: ReLU(Σ W[i, 3'
    >>> explorer.set(filters=2)  # map 3 is no longer drawn: the selection clears
    >>> explorer.selected is None
    True
    """

    kind = "reduction-explorer"
    script = "reduction"
    #: The saved picture's size in inches, at 100 dpi: the page draws at the same scale.
    figsize = (5.8, 3.0)

    def __init__(
        self,
        filters: int = 8,
        *,
        features: int = 32,
        use_bias: bool = True,
        image_size: int = 64,
        max_filters: int = 64,
        max_maps: int = 16,
        seed: int = 0,
    ) -> None:
        super().__init__()
        features = whole_number("features", features, 1, 512)
        max_filters = whole_number("max_filters", max_filters, 1, 512)
        self.use_bias = flag("use_bias", use_bias)
        self.max_maps = whole_number("max_maps", max_maps)
        self.image = sample_image(image_size)
        self.before = image_features(self.image, features, seed)
        self.weights = seeded_kernel(1, features, max_filters, seed + 1)[0, 0]
        self.bias = np.zeros(max_filters) if self.use_bias else None
        self._every_after = relu(conv1x1(self.before, self.weights, self.bias))
        # One colour scale per grid, fixed over every setting the slider reaches; the
        # top half-percent saturates, so that sparse edge maps are not all dark.
        self._before_max = float(np.percentile(self.before, 99.5)) or 1.0
        self._after_max = float(np.percentile(self._every_after, 99.5)) or 1.0
        choice = Choice("1×1 filters", DEPTHS).capped(max_filters)
        cases = [
            ("projection", features, "as many maps as it is given"),
            ("reduction", features // 4, "a quarter of them"),
            ("expansion", 2 * features, "twice as many"),
        ]
        presets = [
            Preset(f"{name}: {n}", {"filters": n}, f"the tutorial's {name}, here {how}")
            for name, n, how in cases
        ]
        self._setup(
            {"filters": choice}, {"filters": filters}, presets=presets, data=self._picture_data()
        )

    @property
    def after(self) -> np.ndarray:
        """The 1×1 layer's output maps for the current number of filters, ``(H, W, n)``."""
        return self._every_after[:, :, : self.value("filters")]

    @property
    def selected(self) -> int | None:
        """The map after the 1×1 layer whose weights are shown, if any (:meth:`select`)."""
        return self.selection

    def selectable(self, values: Mapping[str, Any], selection: Any) -> bool:
        """Allow a map drawn after the 1×1 layer: ``0 ≤ selection < min(filters, max_maps)``."""
        if selection is None:
            return True
        if not isinstance(selection, int) or isinstance(selection, bool):
            return False
        return 0 <= selection < min(values["filters"], self.max_maps)

    def select(self, selection: int | None) -> None:
        """Select map ``selection`` after the 1×1 layer (``None`` clears it), as a click does.

        Parameters
        ----------
        selection : int or None
            A map drawn after the 1×1 layer, ``0 … min(filters, max_maps) − 1``.
        """
        if selection is not None:
            drawn = min(self.value("filters"), self.max_maps)
            why = "a map drawn after the 1×1 layer"
            selection = whole_number("selection", selection, 0, drawn - 1, why=why)
        super().select(selection)

    def fixed_sizes(self) -> dict[str, int]:
        """Height, width and depth of the maps before the 1×1 layer, and 1 if biased."""
        h, w, c = self.before.shape
        return {"height": h, "width": w, "in_channels": c, "use_bias": int(self.use_bias)}

    # -- the readout ----------------------------------------------------------------------

    def readout_lines(self) -> list[tuple[str, str]]:
        """Shapes, the 1×1 layer's counts and the values kept per image."""
        h, w, c = self.before.shape
        n = self.value("filters")
        first = layer_cost(self.image.shape, c, 3, use_bias=self.use_bias)
        values_before, values_after = h * w * c, h * w * n
        biases = "one per filter, zero before training" if self.use_bias else "none"
        return [
            (
                "Image",
                f"{shape_text(*self.image.shape)} ({SAMPLE_IMAGE} from matplotlib) → fixed "
                f"3×3 layer with {plural(c, 'filter')}, {first.params_formula} parameters → "
                f"{shape_text(h, w, c)}",
            ),
            ("1×1 layer", f"{shape_text(h, w, c)} → {shape_text(h, w, n)}, biases: {biases}"),
            ("Parameters of the 1×1 layer", params_formula(1, c, n, self.use_bias)),
            ("Multiply-accumulates of the 1×1 layer", macs_formula(self.before.shape, n, 1)),
            *self._selected_line(),
            (
                "Values per image",
                f"{shape_text(h, w, c)} = {format_count(values_before)} → "
                f"{shape_text(h, w, n)} = {format_count(values_after)} "
                f"({100 * values_after / values_before:.1f} %)",
            ),
        ]

    def _selected_line(self) -> list[tuple[str, str]]:
        if self.selected is None:
            return []
        j, c = self.selected, self.before.shape[2]
        w = self.weights[:, j]
        top = int(np.argmax(np.abs(w)))
        shown = min(c, self.max_maps)
        bias = " + b" if self.use_bias else ""
        text = (
            f"ReLU(Σ W[i, {j}]·map i{bias}) over the {plural(c, 'map')} before; its weights "
            f"are written on the first {shown}; the largest in size is for map {top}: "
            f"{w[top]:+.2f}"
        ).replace("-", "−")
        return [(f"Map {j} after the 1×1 layer", text)]

    def _titles(self, n: int) -> tuple[str, str]:
        c = self.before.shape[2]
        return f"before: {plural(c, 'map')}", f"after the 1×1 layer: {plural(n, 'map')}"

    # -- the saved picture ------------------------------------------------------------------

    def draw_picture(self, fig: Any) -> ReductionPicture:
        """Draw the photo and both grids on ``fig``, with limits fixed for every setting.

        Returns
        -------
        ReductionPicture
            Its artists; the selected map's weights are shown if a map is selected.
        """
        return self._draw(fig, self.value("filters"), self.selected)

    def _draw(self, fig: Any, n: int, selected: int | None) -> ReductionPicture:
        """Draw the picture for ``n`` filters with map ``selected`` selected (or none)."""
        fig.set_size_inches(*self.figsize)
        fig.set_dpi(100)
        photo_ax = fig.add_axes(PHOTO_RECT)
        photo_ax.imshow(self.image, interpolation="nearest")
        photo_title = fixed_title(photo_ax, PHOTO_TITLE[0], fontsize=PHOTO_TITLE[1])
        photo_ax.set_axis_off()
        style: dict[str, Any] = {
            "max_maps": self.max_maps,
            "ncols": self._ncols(),
            "vmin": 0.0,
            "limits": self._full_grid().bounds,
        }

        def grid(maps, vmax: float, title: str, rect) -> FeatureMapGridArtists:
            ax = fig.add_axes(rect)
            ax.set_axis_off()
            return draw_feature_map_grid(
                maps, vmax=vmax, title=title, ax=ax, colorbar=True, **style
            )

        before_title, after_title = self._titles(n)
        before = grid(self.before, self._before_max, before_title, BEFORE_RECT)
        after = grid(self._every_after[:, :, :n], self._after_max, after_title, AFTER_RECT)
        labels, frames = self._weight_overlays(before)
        selected_frame = Rectangle(
            (0, 0), 1, 1, fill=False, lw=OVERLAY_STYLE["selected_width"],
            edgecolor=OVERLAY_STYLE["selected_color"], visible=False,
        )  # fmt: skip
        after.ax.add_patch(selected_frame)
        picture = ReductionPicture(
            photo_ax, photo_title, before, after, labels, frames, selected_frame
        )
        self._show_selection(picture, selected)
        return picture

    def _full_grid(self) -> GridLayout:
        """Return the layout of a full grid with its "+N more" note: both grids' limits."""
        h, w, _ = self.before.shape
        return grid_layout(self.max_maps + 1, (h, w), max_maps=self.max_maps, ncols=self._ncols())

    def _ncols(self) -> int:
        """Columns of both grids: fixed, so that maps never move as more are shown."""
        return math.ceil(math.sqrt(self.max_maps))

    def _weight_overlays(self, before: FeatureMapGridArtists) -> tuple[list, list]:
        """Make the (hidden) labels and frames that show a filter's weights."""
        s, ax = OVERLAY_STYLE, before.ax
        labels, frames = [], []
        for i in range(before.n_drawn):
            left, right, bottom, top = before.map_extent(i)
            frame = Rectangle((left, bottom), right - left, top - bottom, fill=False, lw=2)
            ax.add_patch(frame)
            label = add_fast_text(
                ax, left + s["label_offset"], top + s["label_offset"], "", ha="left",
                va="top", fontsize=s["label_fontsize"], color=s["label_color"],
                fontweight="bold", fontfamily=FONT,
            )  # fmt: skip
            for artist in (frame, label):
                artist.set_visible(False)
            frames.append(frame)
            labels.append(label)
        return labels, frames

    def _show_selection(self, picture: ReductionPicture, j: int | None) -> None:
        """Show map ``j``'s weights on the maps before, and frame it (None: hide both)."""
        s = OVERLAY_STYLE
        for i, (label, frame) in enumerate(
            zip(picture.weight_labels, picture.weight_frames, strict=True)
        ):
            label.set_visible(j is not None)
            frame.set_visible(j is not None)
            if j is not None:
                w = self.weights[i, j]
                label.set_text(_signed(w))
                frame.set_edgecolor(s["positive"] if w > 0 else s["negative"])
                low, span = s["frame_width"]
                frame.set_linewidth(low + span * abs(w) / np.abs(self.weights[:, j]).max())
        picture.selected_frame.set_visible(j is not None)
        if j is not None:
            left, right, bottom, top = picture.after.map_extent(j)
            picture.selected_frame.set_bounds(left, bottom, right - left, top - bottom)

    # -- what the page draws from -----------------------------------------------------------

    def _maps_png(self, maps: np.ndarray, vmax: float) -> list[str]:
        """Each map as a PNG data URL, coloured as the saved picture colours it.

        Each pixel gets the colour matplotlib gives it (``to_rgba``, colour scale 0 …
        ``vmax``, saturated above), stored as its index in the colour map's table.
        """
        import matplotlib
        from matplotlib.colors import Normalize

        cmap = matplotlib.colormaps[_GRID_STYLE["cmap"]]
        mappable = matplotlib.cm.ScalarMappable(Normalize(0.0, vmax), cmap)
        palette = cmap(np.arange(cmap.N), bytes=True)[:, :3]
        return [
            _palette_png(mappable.to_rgba(maps[:, :, i], bytes=True)[:, :, :3], palette)
            for i in range(maps.shape[2])
        ]

    def _picture_data(self) -> dict[str, Any]:
        """Return the maps as pictures, the weights and the saved picture's layout, for the page.

        The maps drawn are sent once, at the grids' fixed colour scales: the first
        ``max_maps`` before the 1×1 layer, and the first ``max_maps`` the largest 1×1 layer
        makes (``n`` filters give its first ``n``). Where things sit (the axes as the
        images' aspect shrinks them, each map's place, the colour bars and their ticks) is
        read off the saved picture drawn once.
        """
        import matplotlib
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.image import imsave

        h, w, c = self.before.shape
        most = self.weights.shape[1]
        # Drawn with the most maps after the 1×1 layer, so that every place is laid out.
        fig = Figure()
        FigureCanvasAgg(fig)
        picture = self._draw(fig, most, None)
        fig.canvas.draw()
        fig_w, fig_h = fig.bbox.width, fig.bbox.height

        def box(ax) -> list[float]:  # [x, y, width, height] in the SVG's pixels, y down
            x0, y0, x1, y1 = ax.get_window_extent().extents
            return [float(x0), float(fig_h - y1), float(x1 - x0), float(y1 - y0)]

        full = self._full_grid()

        def grid(artists: FeatureMapGridArtists, maps: np.ndarray, vmax: float) -> dict:
            return {
                "box": box(artists.ax),
                "xlim": [float(v) for v in artists.ax.get_xlim()],
                "ylim": [float(v) for v in artists.ax.get_ylim()],
                "extents": artists.layout.extents.tolist(),
                "more_position": [float(v) for v in full.more_position],
                "maps": self._maps_png(maps, vmax),
                "colorbar": {"box": box(artists.colorbar.ax), **colour_bar_ticks(artists.colorbar)},
            }

        cmap = matplotlib.colormaps[_GRID_STYLE["cmap"]]
        lut = [matplotlib.colors.to_hex(v) for v in cmap(np.linspace(0, 1, cmap.N))]
        photo = io.BytesIO()
        imsave(photo, self.image, format="png")
        shown = self.max_maps
        return {
            "figsize_px": [float(fig_w), float(fig_h)],
            "photo": "data:image/png;base64," + base64.b64encode(photo.getvalue()).decode(),
            "photo_box": box(picture.photo_ax),
            "photo_title": list(PHOTO_TITLE),
            "image_shape": list(self.image.shape),
            "sample_image": SAMPLE_IMAGE,
            "maps_shape": [h, w, c],
            "use_bias": self.use_bias,
            "max_maps": self.max_maps,
            "title_pt": _GRID_STYLE["fontsize"] + 1,  # as draw_feature_map_grid sets them
            "more_pt": _GRID_STYLE["fontsize"],
            "before": grid(picture.before, self.before[:, :, :shown], self._before_max),
            "after": grid(picture.after, self._every_after[:, :, :shown], self._after_max),
            "lut": lut,
            # The weights of the filters whose maps can be selected, a row per map before.
            "weights": self.weights[:, :shown].tolist(),
            "overlay": OVERLAY_STYLE,
        }
