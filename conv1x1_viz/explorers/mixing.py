"""MixingExplorer: one pixel's channel vector going through a 1×1 layer, as a matrix product."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from conv1x1_viz.arithmetic import conv1x1
from conv1x1_viz.data import image_features, sample_image, seeded_kernel
from conv1x1_viz.draw import artists_of, draw_channel_mixing, fixed_title
from conv1x1_viz.explorers.base import Explorer, frameless_axes
from conv1x1_viz.explorers.controls import Whole
from conv1x1_viz.explorers.page import plural
from conv1x1_viz.formulas import dot_formula, format_count, macs_formula, params_formula
from conv1x1_viz.geometry import mixing_cell
from conv1x1_viz.validation import whole_number

__all__ = ["MixingExplorer"]

#: The weight matrix is drawn cell by cell, with its numbers: beyond this it is unreadable.
MAX_MIXING_CHANNELS = 64
_WHY = "the weight matrix is drawn cell by cell"


class MixingExplorer(Explorer):
    """One pixel's channels going through a 1×1 layer, as a matrix product.

    The input is a real photograph (:func:`~conv1x1_viz.data.sample_image`) through a
    fixed, seeded 3×3 convolution layer with ReLU, so every pixel has ``in_channels``
    feature values. Sliders ``"row"`` and ``"col"`` pick the pixel, ``"filters"`` sets
    ``C_out`` (the first ``C_out`` columns of a fixed, seeded weight matrix) and
    ``"output"`` chooses the output whose weights are highlighted and whose sum is
    written out.

    The picture can be touched too. A click on the photo picks that pixel (the sliders
    follow); a click on a row of weights or on an output highlights that output. The
    mouse over a value of the pixel or over a weight outlines the term it adds to the
    sum, ``W[i, j]·x[i]``, and the readout writes that term out.

    Parameters
    ----------
    in_channels : int, default 6
        ``C_in``, the features per pixel, 1 … 64.
    filters : int, default 4
        Starting ``C_out``.
    row, col : int, optional
        Starting pixel; by default the middle column, three eighths of the way down
        (the face in the sample picture).
    image_size : int, default 32
        Height and width of the picture.
    max_filters : int, default 16
        Largest ``C_out``, 1 … 64.
    seed : int, default 0
        Seed of the weights.

    Attributes
    ----------
    image, features : numpy.ndarray
        The picture ``(H, W, 3)`` and its feature maps ``(H, W, C_in)``.
    weights : numpy.ndarray, shape (C_in, max_filters)
        The 1×1 layer's matrix, Keras order; the layer uses its first ``C_out`` columns.
    picture_ax : matplotlib.axes.Axes
        The photo.
    cross : tuple of two Line2D
        The cross-hair on the photo at the chosen pixel.
    mixing : ChannelMixingArtists
        The matrix product (:func:`~conv1x1_viz.draw.draw_channel_mixing`).
    term : tuple of int or None
        ``(channel, output)`` of the term under the mouse, if any.
    """

    kind = "mixing-explorer"

    def __init__(
        self,
        in_channels: int = 6,
        filters: int = 4,
        *,
        row: int | None = None,
        col: int | None = None,
        image_size: int = 32,
        max_filters: int = 16,
        seed: int = 0,
    ) -> None:
        super().__init__()
        in_channels = whole_number("in_channels", in_channels, 1, MAX_MIXING_CHANNELS, why=_WHY)
        max_filters = whole_number("max_filters", max_filters, 1, MAX_MIXING_CHANNELS, why=_WHY)
        self.image = sample_image(image_size)
        self.features = image_features(self.image, in_channels, seed)
        # One row per pixel, ready for the matrix product; Keras order (C_in, C_out).
        self.weights = seeded_kernel(1, in_channels, max_filters, seed + 1)[0, 0]
        every_output = conv1x1(self.features, self.weights)
        self._limits = {
            "x_limit": float(np.abs(self.features).max()) or 1.0,
            "weight_limit": float(np.abs(self.weights).max()) or 1.0,
            "y_limit": float(np.abs(every_output).max()) or 1.0,
        }
        size = self.image.shape[0]
        controls = {
            "row": Whole("pixel row", 0, size - 1),
            "col": Whole("pixel column", 0, size - 1),
            "filters": Whole("filters C_out", 1, max_filters),
            "output": Whole("highlighted output", 0, max_filters - 1),
        }
        values = {
            "row": size * 3 // 8 if row is None else row,
            "col": size // 2 if col is None else col,
            "filters": filters,
            "output": 0,
        }
        self.term: tuple[int, int] | None = None
        self._setup(controls, values, figsize=(5.8, 3.0))
        self.fig.canvas.mpl_connect("button_press_event", self._on_press)
        self.fig.canvas.mpl_connect("motion_notify_event", self._on_move)

    def limits(self, values: Mapping[str, Any]) -> dict[str, int]:
        """Highlight one of the outputs there are: ``output`` < ``filters``."""
        return {"output": values["filters"] - 1}

    def _sync_limits(self) -> None:
        super()._sync_limits()
        if not self._allows():
            self.term = None

    def _allows(self) -> bool:
        return self.term is None or self.term[1] < self.value("filters")

    def picture_state(self) -> tuple:
        """Return the term under the mouse, outlined in the picture."""
        return (self.term,)

    def _cell(self, event) -> tuple[str, int, int] | None:
        if event.inaxes is not self.mixing.ax or event.xdata is None:
            return None
        return mixing_cell(self.mixing.layout, event.xdata, event.ydata)

    def _on_press(self, event) -> None:
        """Pick the pixel clicked on the photo, or the output clicked in the product."""
        try:
            if event.inaxes is self.picture_ax and event.xdata is not None:
                size = self.image.shape[0]
                row = min(max(int(round(event.ydata)), 0), size - 1)
                col = min(max(int(round(event.xdata)), 0), size - 1)
                self.set(row=row, col=col)
                return
            cell = self._cell(event)
            if cell is not None and cell[0] in ("weight", "y"):
                self.set(output=cell[2])
        except Exception as exc:  # shown to the learner rather than lost in the kernel log
            self.show_error(exc)

    def _on_move(self, event) -> None:
        """Outline the term under the mouse and write it out."""
        cell = self._cell(event)
        term = None
        if cell is not None and cell[0] == "x":
            term = (cell[1], self.value("output"))
        elif cell is not None and cell[0] == "weight":
            term = (cell[1], cell[2])
        if term != self.term:
            self.term = term
            try:
                self.update()
            except Exception as exc:  # shown to the learner rather than lost in the log
                self.show_error(exc)

    def pixel(self) -> tuple[int, int]:
        """Return the chosen pixel, ``(row, col)``."""
        return self.value("row"), self.value("col")

    def fixed_sizes(self) -> dict[str, int]:
        """Height, width and depth of the feature maps the pixels come from."""
        h, w, c = self.features.shape
        return {"height": h, "width": w, "in_channels": c}

    def readout_lines(self) -> list[tuple[str, str]]:
        """Return the highlighted output's sum, and the layer's weights and MACs."""
        (r, c), n, out = self.pixel(), self.value("filters"), self.value("output")
        h, w, c_in = self.features.shape
        x = self.features[r, c]
        return [
            (
                f"Pixel ({r}, {c})",
                f"{plural(c_in, 'channel value')} in, {plural(n, 'output')} out",
            ),
            (f"Output {out}", dot_formula(self.weights[:, out], x, max_terms=4)),
            *self._term_line(x),
            ("Weights in W (no bias)", params_formula(1, c_in, n, use_bias=False)),
            ("Multiply-accumulates for this pixel", f"{c_in}·{n} = {format_count(c_in * n)}"),
            (
                f"Multiply-accumulates for the {h}×{w} image",
                macs_formula(self.features.shape, n, 1),
            ),
        ]

    def _term_line(self, x) -> list[tuple[str, str]]:
        if self.term is None:
            return []
        i, j = self.term
        w = self.weights[i, j]
        text = (
            f"W[{i}, {j}]·x[{i}] = {w:.2f}·{x[i]:.2f} = {w * x[i]:.2f}, one of the "
            f"{x.shape[0]} terms of y[{j}]"
        ).replace("-", "−")
        return [("Term under the mouse", text)]

    def draw(self) -> None:
        """Draw the photo with its cross-hair, and the matrix product."""
        self.picture_ax = self.fig.add_axes([0.01, 0.12, 0.25, 0.76])
        self.picture_ax.imshow(self.image, interpolation="nearest")
        self.picture_ax.set_axis_off()
        fixed_title(self.picture_ax, "pick a pixel", fontsize=9)
        style = {"color": "#ffdd33", "linewidth": 1.0}
        self.cross = (self.picture_ax.axhline(0, **style), self.picture_ax.axvline(0, **style))
        self.mixing = draw_channel_mixing(
            self.features[self.pixel()],
            self.weights[:, : self.value("filters")],
            self.value("output"),
            pixel=self.pixel(),
            ax=frameless_axes(self.fig, [0.28, 0.02, 0.59, 0.96]),
            colorbar=True,
            show_sum=False,  # the readout writes the sum out
            **self._limits,
        )
        # Numbers for the pixel, one row of weights and every output, at the most filters.
        c_in, most = self.weights.shape
        self.mixing.reserve_values(2 * c_in + most)

    def animated_artists(self) -> list:
        """Return the cross-hair and the matrix product; the photo stays as it is."""
        return [*self.cross, *artists_of(self.mixing)]

    def update_figure(self) -> None:
        """Move the cross-hair and redraw the matrix product in place."""
        r, c = self.pixel()
        self.cross[0].set_ydata([r, r])
        self.cross[1].set_xdata([c, c])
        self.mixing.update(
            self.features[r, c],
            self.weights[:, : self.value("filters")],
            self.value("output"),
            pixel=(r, c),
        )
        self.mixing.show_term(*(self.term or (None,)))
