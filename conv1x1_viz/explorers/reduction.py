"""ReductionExplorer: a photo's feature maps before and after a 1×1 layer cuts their depth."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.patches import Rectangle

from conv1x1_viz.arithmetic import conv1x1
from conv1x1_viz.data import SAMPLE_IMAGE, image_features, relu, sample_image, seeded_kernel
from conv1x1_viz.draw import (
    FONT,
    FeatureMapGridArtists,
    artists_of,
    draw_feature_map_grid,
    fixed_title,
)
from conv1x1_viz.draw.fast_text import add_fast_text
from conv1x1_viz.explorers.base import Explorer, frameless_axes
from conv1x1_viz.explorers.controls import DEPTHS, Choice, Preset
from conv1x1_viz.explorers.page import plural, shape_text
from conv1x1_viz.formulas import format_count, layer_cost, macs_formula, params_formula
from conv1x1_viz.geometry import grid_layout
from conv1x1_viz.validation import flag, whole_number

__all__ = ["ReductionExplorer"]


class ReductionExplorer(Explorer):
    """A photograph through a convolution layer, then a 1×1 layer that cuts the depth.

    The picture (:func:`~conv1x1_viz.data.sample_image`) goes through a fixed, seeded
    3×3 convolution layer with ``features`` filters and ReLU, then through a 1×1 layer
    (seeded weights, ReLU) whose number of filters is the ``"filters"`` slider. The maps
    before and after are shown side by side, and the readout gives the 1×1 layer's
    parameters, multiply-accumulates and how many values each image is left with.

    Both layers are what Keras builds before training: random weights and, with
    ``use_bias``, one bias per filter that starts at zero. The maps are computed with
    those very weights and biases, and the parameter counts count exactly them.

    A click on a map after the 1×1 layer selects it: the weights of its filter, one per
    map before, are written on those maps, framed in red where positive and blue where
    negative, and the readout says how that map is made. A second click on it clears it.

    The 1×1 layer is computed once, for the largest number of filters; ``n`` filters
    give its first ``n`` maps, since each output map depends on its own filter only. A
    slider tick therefore only redraws.

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
    before_grid, after_grid : FeatureMapGridArtists
        The two grids of maps (:func:`~conv1x1_viz.draw.draw_feature_map_grid`).
    selected : int or None
        The map after the 1×1 layer whose weights are shown, if any.
    weight_labels, weight_frames : list
        Per map drawn before the 1×1 layer, the selected filter's weight for it (text) and
        a frame coloured by its sign; hidden while nothing is selected.
    selected_frame : Rectangle
        Around the selected map.
    """

    kind = "reduction-explorer"

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
        self.selected: int | None = None
        self._setup({"filters": choice}, {"filters": filters}, (5.8, 3.0), presets=presets)
        self.fig.canvas.mpl_connect("button_press_event", self._on_press)

    def _on_press(self, event) -> None:
        """Select the map clicked after the 1×1 layer (or clear it)."""
        if event.inaxes is not self.after_grid.ax or event.xdata is None:
            return
        index = self.after_grid.map_at(event.xdata, event.ydata)
        if index is None:
            return
        self.selected = None if index == self.selected else index
        try:
            self.update()
        except Exception as exc:  # shown to the learner rather than lost in the kernel log
            self.show_error(exc)

    @property
    def after(self) -> np.ndarray:
        """The 1×1 layer's output maps for the current number of filters, ``(H, W, n)``."""
        return self._every_after[:, :, : self.value("filters")]

    def _sync_limits(self) -> None:
        if not self._allows():
            self.selected = None

    def _allows(self) -> bool:
        return self.selected is None or self.selected < min(self.value("filters"), self.max_maps)

    def picture_state(self) -> tuple:
        """Return the map clicked, whose weights are shown."""
        return (self.selected,)

    def fixed_sizes(self) -> dict[str, int]:
        """Height, width and depth of the maps before the 1×1 layer, and 1 if biased."""
        h, w, c = self.before.shape
        return {"height": h, "width": w, "in_channels": c, "use_bias": int(self.use_bias)}

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

    def _titles(self) -> tuple[str, str]:
        c, n = self.before.shape[2], self.value("filters")
        return f"before: {plural(c, 'map')}", f"after the 1×1 layer: {plural(n, 'map')}"

    def draw(self) -> None:
        """Draw the photo and both grids, with limits fixed for every setting."""
        picture = self.fig.add_axes([0.01, 0.30, 0.16, 0.40])
        picture.imshow(self.image, interpolation="nearest")
        fixed_title(picture, "input", fontsize=9)
        picture.set_axis_off()
        h, w, _ = self.before.shape
        ncols = math.ceil(math.sqrt(self.max_maps))
        # Fixed limits: a full grid with its "+N more" note, however many maps are shown.
        full = grid_layout(self.max_maps + 1, (h, w), max_maps=self.max_maps, ncols=ncols)
        style = {"max_maps": self.max_maps, "ncols": ncols, "vmin": 0.0, "limits": full.bounds}

        def grid(maps, vmax: float, title: str, left: float) -> FeatureMapGridArtists:
            ax = frameless_axes(self.fig, [left, 0.02, 0.34, 0.88])
            return draw_feature_map_grid(
                maps, vmax=vmax, title=title, ax=ax, colorbar=True, **style
            )

        before_title, after_title = self._titles()
        self.before_grid = grid(self.before, self._before_max, before_title, 0.17)
        self.after_grid = grid(self.after, self._after_max, after_title, 0.585)
        self._draw_weight_overlays()

    def _draw_weight_overlays(self) -> None:
        """Make the (hidden) labels and frames that show a filter's weights."""
        ax = self.before_grid.ax
        self.weight_labels, self.weight_frames = [], []
        for i in range(self.before_grid.n_drawn):
            left, right, bottom, top = self.before_grid.map_extent(i)
            frame = Rectangle((left, bottom), right - left, top - bottom, fill=False, lw=2)
            ax.add_patch(frame)
            label = add_fast_text(
                ax, left + 1, top + 1, "", ha="left", va="top", fontsize=7, color="white",
                fontweight="bold", fontfamily=FONT,
            )  # fmt: skip
            for artist in (frame, label):
                artist.set_visible(False)
            self.weight_frames.append(frame)
            self.weight_labels.append(label)
        self.selected_frame = Rectangle((0, 0), 1, 1, fill=False, lw=2.5, edgecolor="#ffb000")
        self.selected_frame.set_visible(False)
        self.after_grid.ax.add_patch(self.selected_frame)

    def animated_artists(self) -> list:
        """Return the grid after the 1×1 layer and the weight overlays; the rest stays."""
        return [
            *artists_of(self.after_grid),
            *self.weight_frames,
            *self.weight_labels,
            self.selected_frame,
        ]

    def update_figure(self) -> None:
        """Show the current 1×1 maps, and the selected map's weights on the maps before."""
        self.after_grid.update(self.after, title=self._titles()[1])
        j = self.selected
        for i, (label, frame) in enumerate(
            zip(self.weight_labels, self.weight_frames, strict=True)
        ):
            label.set_visible(j is not None)
            frame.set_visible(j is not None)
            if j is not None:
                w = self.weights[i, j]
                label.set_text(f"{w:+.2f}".replace("-", "−"))
                frame.set_edgecolor("#d62728" if w > 0 else "#1f77b4")
                frame.set_linewidth(0.5 + 3 * abs(w) / np.abs(self.weights[:, j]).max())
        self.selected_frame.set_visible(j is not None)
        if j is not None:
            left, right, bottom, top = self.after_grid.map_extent(j)
            self.selected_frame.set_bounds(left, bottom, right - left, top - bottom)
