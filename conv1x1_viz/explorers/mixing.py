"""MixingExplorer: one pixel's channel vector going through a 1×1 layer, as a matrix product."""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np

from conv1x1_viz.arithmetic import conv1x1
from conv1x1_viz.data import image_features, sample_image, seeded_kernel
from conv1x1_viz.draw import ChannelMixingArtists, draw_channel_mixing, fixed_title
from conv1x1_viz.draw.channel_mixing import _MIXING_STYLE
from conv1x1_viz.draw.common import colour_bar, colour_bar_ticks
from conv1x1_viz.explorers.controls import Whole
from conv1x1_viz.explorers.page import PageExplorer, plural
from conv1x1_viz.formulas import _signed, dot_formula, format_count, macs_formula, params_formula
from conv1x1_viz.geometry import channel_mixing as mixing_geometry
from conv1x1_viz.validation import whole_number

__all__ = ["MixingExplorer", "MixingPicture"]

#: The weight matrix is drawn cell by cell, with its numbers: beyond this it is unreadable.
MAX_MIXING_CHANNELS = 64
_WHY = "the weight matrix is drawn cell by cell"
#: Decimals the features and weights keep: the page gets these very numbers, so that its
#: sums and Python's are sums of the same numbers (the readout prints two decimals).
KEPT_DIGITS = 6
#: Where the photo and the matrix product sit in the saved picture (figure fractions).
PHOTO_RECT = (0.01, 0.12, 0.25, 0.76)
MIXING_RECT = (0.28, 0.02, 0.59, 0.96)
CROSS_STYLE = {"color": "#ffdd33", "linewidth": 1.0}
#: The photo's title, and its size in points.
PHOTO_TITLE = ("pick a pixel", 9)


def _kept(values: np.ndarray) -> np.ndarray:
    """``values`` rounded to :data:`KEPT_DIGITS` decimals, ``-0.0`` written ``0.0``."""
    return np.round(values, KEPT_DIGITS) + 0.0


def _total(value: float, digits: int = 2) -> str:
    """Write a sum as :func:`~conv1x1_viz.formulas.dot_formula` writes its total."""
    text = f"{value:.{digits}f}"
    return f"{0:.{digits}f}" if float(text) == 0 else text.replace("-", "−")


class MixingPicture(NamedTuple):
    """The artists of the saved picture (:meth:`MixingExplorer.draw_picture`).

    Attributes
    ----------
    picture_ax : matplotlib.axes.Axes
        The photo.
    title : matplotlib.text.Text
        The photo's title.
    cross : tuple of two Line2D
        The cross-hair on the photo at the chosen pixel.
    mixing : ChannelMixingArtists
        The matrix product (:func:`~conv1x1_viz.draw.draw_channel_mixing`).
    """

    picture_ax: Any
    title: Any
    cross: tuple[Any, Any]
    mixing: ChannelMixingArtists


class MixingExplorer(PageExplorer):
    """One pixel's channels going through a 1×1 layer, as a matrix product, in the page.

    The input is a real photograph (:func:`~conv1x1_viz.data.sample_image`) through a
    fixed, seeded 3×3 convolution layer with ReLU, so every pixel has ``in_channels``
    feature values. Sliders ``"row"`` and ``"col"`` pick the pixel, ``"filters"`` sets
    ``C_out`` (the first ``C_out`` columns of a fixed, seeded weight matrix) and
    ``"output"`` chooses the output whose weights are highlighted and whose sum is
    written out. The picture draws ``y = x @ W`` as it is written: ``W`` with one row per
    input channel and one column per filter, the pixel's values beside the rows they
    multiply and each output under its column
    (:func:`~conv1x1_viz.draw.draw_channel_mixing`).

    The picture can be touched too, all in the page (``js/mixing.js``). A click on the
    photo picks that pixel (the sliders follow); a click on a column of weights or on an
    output highlights that output. The mouse over a value of the pixel or over a weight
    outlines the term it adds to the sum, ``W[i, j]·x[i]``, and the readout writes that
    term out; over an output, a table lists the products behind it, channel by channel,
    and their sum (:meth:`product_rows`). Python's :meth:`readout_lines` and
    :meth:`draw_picture` are what is saved for readers without a kernel.

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
        The picture ``(H, W, 3)`` and its feature maps ``(H, W, C_in)``, kept to
        :data:`KEPT_DIGITS` decimals.
    weights : numpy.ndarray, shape (C_in, max_filters)
        The 1×1 layer's matrix, Keras order, kept to :data:`KEPT_DIGITS` decimals; the
        layer uses its first ``C_out`` columns. It has no bias.
    term : tuple of int or None
        ``(channel, output)`` of the term under the mouse, if any: the readout writes it
        out (the page keeps its own, as the mouse moves there).

    Examples
    --------
    >>> explorer = MixingExplorer(row=5, col=30)
    >>> explorer.set(filters=2, output=1)
    >>> print(explorer.summary().splitlines()[1])
    Pixel (5, 30): 6 channel values in, 2 outputs out
    """

    kind = "mixing-explorer"
    script = "mixing"
    #: The saved picture's size in inches, at 100 dpi: the page draws at the same scale.
    figsize = (5.8, 3.0)

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
        self.features = _kept(image_features(self.image, in_channels, seed))
        # One row per pixel, ready for the matrix product; Keras order (C_in, C_out).
        self.weights = _kept(seeded_kernel(1, in_channels, max_filters, seed + 1)[0, 0])
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
        self._setup(controls, values, data=self._picture_data())
        self.observe(self._drop_term, names="values")

    def _drop_term(self, change: dict[str, Any]) -> None:
        """Forget a term whose output the controls no longer show."""
        if self.term is not None and self.term[1] >= self.values["filters"]:
            self.term = None

    def _photo_png(self) -> str:
        """Return the photo as a PNG data URL, as matplotlib turns it into pixels."""
        from matplotlib.image import imsave

        buffer = io.BytesIO()
        imsave(buffer, self.image, format="png")
        return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")

    def _picture_data(self) -> dict[str, Any]:
        """Return the photo, features, weights and drawing constants, for the page."""
        import matplotlib

        style = _MIXING_STYLE
        cmap = matplotlib.colormaps[style["cmap"]]
        lut = [matplotlib.colors.to_hex(c) for c in cmap(np.linspace(0, 1, cmap.N))]
        return {
            "photo": self._photo_png(),
            "image_size": self.image.shape[0],
            "features": self.features.tolist(),
            "weights": self.weights.tolist(),
            "bias": None,
            "limits": self._limits,
            "digits": style["digits"],
            "max_annotated": style["max_annotated"],
            "fontsize_pt": style["fontsize"],
            "value_fontsize_pt": style["value_fontsize"],
            "highlight_color": style["highlight_color"],
            "term_color": "#ffb000",
            "cross_color": CROSS_STYLE["color"],
            "cross_width_pt": CROSS_STYLE["linewidth"],
            "photo_title": PHOTO_TITLE[0],
            "photo_title_pt": PHOTO_TITLE[1],
            "figsize_px": [100 * self.figsize[0], 100 * self.figsize[1]],
            "photo_rect": list(PHOTO_RECT),
            "mixing_rect": list(MIXING_RECT),
            "lut": lut,
            "geometry": {
                "gap": mixing_geometry.MIXING_GAP,
                "line_share": mixing_geometry.LINE_SHARE,
                "vector_share": mixing_geometry.VECTOR_SHARE,
                "number_em": mixing_geometry.NUMBER_EM,
            },
            "colorbar": self._colorbar_ticks(self._limits["weight_limit"]),
        }

    def _colorbar_ticks(self, limit: float) -> dict[str, Any]:
        """Return the weights' colour scale: its limit, and its ticks as saved."""
        from matplotlib.colors import Normalize
        from matplotlib.figure import Figure

        fig = Figure(figsize=self.figsize, dpi=100)
        ax = fig.add_axes(MIXING_RECT)
        image = ax.imshow(
            np.zeros((1, 1)), cmap=_MIXING_STYLE["cmap"], norm=Normalize(-limit, limit)
        )
        bar = colour_bar(ax, image, label="weight")  # as draw_channel_mixing adds it
        return {"limit": limit, **colour_bar_ticks(bar)}

    def limits(self, values: Mapping[str, Any]) -> dict[str, int]:
        """Highlight one of the outputs there are: ``output`` < ``filters``."""
        return {"output": values["filters"] - 1}

    def pixel(self) -> tuple[int, int]:
        """Return the chosen pixel, ``(row, col)``."""
        return self.value("row"), self.value("col")

    def fixed_sizes(self) -> dict[str, int]:
        """Height, width and depth of the feature maps the pixels come from."""
        h, w, c = self.features.shape
        return {"height": h, "width": w, "in_channels": c}

    def outputs(self) -> np.ndarray:
        """Return the chosen pixel's outputs, ``y = x @ W`` over the first ``C_out`` columns."""
        r, c = self.pixel()
        w = self.weights[:, : self.value("filters")]
        return conv1x1(self.features[r : r + 1, c : c + 1], w)[0, 0]

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

    def _term_line(self, x: np.ndarray) -> list[tuple[str, str]]:
        if self.term is None:
            return []
        i, j = self.term
        w = self.weights[i, j]
        text = (
            f"W[{i}, {j}]·x[{i}] = {w:.2f}·{x[i]:.2f} = {w * x[i]:.2f}, one of the "
            f"{x.shape[0]} terms of y[{j}]"
        ).replace("-", "−")
        return [("Term under the mouse", text)]

    def product_rows(self, output: int) -> list[tuple[str, str, str]]:
        """Return the products behind output ``output`` of the chosen pixel, then their sum.

        What the page's table shows when the mouse is over that output: one row per
        channel, ``("W[i, j]·x[i]", "w·x", "product")``, the numbers written as
        :func:`~conv1x1_viz.formulas.dot_formula` writes them, then
        ``("y[j]", "sum of C_in products, no bias", "sum")``.

        Examples
        --------
        >>> MixingExplorer(in_channels=2).product_rows(0)[-1][:2]
        ('y[0]', 'sum of 2 products, no bias')
        """
        j = whole_number("output", output, 0, self.value("filters") - 1)
        r, c = self.pixel()
        x, w = self.features[r, c], self.weights[:, j]
        rows = [
            (f"W[{i}, {j}]·x[{i}]", f"{_signed(w[i], 2)}·{_signed(x[i], 2)}", _total(w[i] * x[i]))
            for i in range(x.shape[0])
        ]
        total = float(self.outputs()[j])
        return [*rows, (f"y[{j}]", f"sum of {x.shape[0]} products, no bias", _total(total))]

    def draw_picture(self, fig: Any) -> MixingPicture:
        """Draw the photo with its cross-hair, and the matrix product, on ``fig``."""
        fig.set_size_inches(*self.figsize)
        fig.set_dpi(100)
        picture_ax = fig.add_axes(PHOTO_RECT)
        picture_ax.imshow(self.image, interpolation="nearest")
        picture_ax.set_axis_off()
        title = fixed_title(picture_ax, PHOTO_TITLE[0], fontsize=PHOTO_TITLE[1])
        r, c = self.pixel()
        cross = (picture_ax.axhline(r, **CROSS_STYLE), picture_ax.axvline(c, **CROSS_STYLE))
        mixing_ax = fig.add_axes(MIXING_RECT)
        mixing_ax.set_axis_off()
        mixing = draw_channel_mixing(
            self.features[r, c],
            self.weights[:, : self.value("filters")],
            self.value("output"),
            pixel=(r, c),
            ax=mixing_ax,
            colorbar=True,
            show_sum=False,  # the readout writes the sum out
            **self._limits,
        )
        mixing.show_term(*(self.term or (None,)))
        return MixingPicture(picture_ax, title, cross, mixing)
