"""The channel-mixing layout: ``y = x @ W`` at one pixel, drawn as the equation writes it.

:func:`mixing_layout` places the pixel's channel values ``x``, the weight matrix ``W``
(``C_in`` rows by ``C_out`` columns, as Keras stores it) and the outputs ``y`` for
:func:`~conv1x1_viz.draw.draw_channel_mixing`, one data unit per matrix cell;
:func:`numbers_fit` says whether the numbers still fit in the cells.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from conv1x1_viz.geometry.blocks import Bounds
from conv1x1_viz.validation import whole_number

__all__ = [
    "LINE_SHARE",
    "MIXING_GAP",
    "NUMBER_EM",
    "VECTOR_SHARE",
    "MixingLayout",
    "mixing_cell",
    "mixing_layout",
    "numbers_fit",
]

#: Space between the matrix and the vectors, in widths of the vectors.
MIXING_GAP = 0.6
#: Height of a caption's line, as a share of the height of ``x``, the gap and ``y``:
#: the captions keep one size whatever the number of channels, as the drawing is scaled
#: to its axes.
LINE_SHARE = 0.11
#: ``x`` is a column at least this share of ``C_out`` cells wide, and ``y`` a row at least
#: this share of ``C_in`` cells high: beside a large matrix they stay in sight.
VECTOR_SHARE = 0.08
#: Width of a character of a printed number, in ems (DejaVu Sans: a digit is 0.64 em,
#: the minus sign 0.84 and the point 0.32).
NUMBER_EM = 0.62


class MixingLayout(NamedTuple):
    """Where the parts of the channel-mixing drawing go; one unit per matrix cell.

    ``W`` has one row per input channel and one column per filter, as in ``y = x @ W``.
    The pixel's channel values ``x`` are a column left of ``W``, each beside the row of
    weights it multiplies (``x[c]`` beside row ``c``); the outputs ``y`` are a row under
    ``W``, each under the column that makes it (``y[f]`` under column ``f``). Row 0 is at
    the top, column 0 on the left. Beside a large matrix, ``x`` is wider than a cell and
    ``y`` higher (:data:`VECTOR_SHARE`), so that they stay in sight.

    Attributes
    ----------
    x_extent, weight_extent, y_extent : tuple of float
        ``(left, right, bottom, top)`` of the three images; ``weight_extent`` is
        ``(0, C_out, 0, C_in)``.
    x_boxes : numpy.ndarray
        Shape (C_in, 4): ``(x, y, width, height)`` of each input value's cell.
    column_boxes : numpy.ndarray
        Shape (C_out, 4): ``(x, y, width, height)`` of each column of ``W``, one filter.
    y_boxes : numpy.ndarray
        Shape (C_out, 4): ``(x, y, width, height)`` of each output's cell.
    x_box : tuple of float
        ``(x, y, width, height)`` of the whole column ``x``.
    anchors : dict of str to (float, float)
        Where the captions start (their left end): ``"x"`` and ``"weights"`` above the
        drawing, their bottom there; ``"y"`` and ``"sum"`` under it, their top there.
    line : float
        Height of a line of caption.
    bounds : tuple of float
        ``(x_min, x_max, y_min, y_max)`` including room for the captions.
    """

    x_extent: Bounds
    weight_extent: Bounds
    y_extent: Bounds
    x_boxes: np.ndarray
    column_boxes: np.ndarray
    y_boxes: np.ndarray
    x_box: tuple[float, float, float, float]
    anchors: dict[str, tuple[float, float]]
    line: float
    bounds: Bounds


def mixing_layout(in_channels: int, out_channels: int, *, gap: float = MIXING_GAP) -> MixingLayout:
    """Lay out ``x`` (C_in values), ``W`` (C_in × C_out) and ``y`` (C_out values).

    Parameters
    ----------
    in_channels : int
        ``C_in``, the length of the pixel's channel vector and the rows of ``W``.
    out_channels : int
        ``C_out``, the number of filters (columns of ``W``) and outputs.
    gap : float, default 0.6
        Space between the matrix and the vectors, in widths of the vectors.

    Returns
    -------
    MixingLayout

    Examples
    --------
    >>> layout = mixing_layout(3, 2)
    >>> layout.weight_extent, layout.x_extent, layout.y_extent
    ((0.0, 2.0, 0.0, 3.0), (-1.6, -0.6, 0.0, 3.0), (0.0, 2.0, -1.6, -0.6))
    """
    c_in = whole_number("in_channels", in_channels)
    c_out = whole_number("out_channels", out_channels)
    if not gap >= 0:
        raise ValueError(f"gap must be ≥ 0, got {gap!r}")
    x_width, y_height = max(1.0, VECTOR_SHARE * c_out), max(1.0, VECTOR_SHARE * c_in)
    x_right, y_top = -gap * x_width, -gap * y_height
    left, y_bottom = x_right - x_width, y_top - y_height
    line = LINE_SHARE * (c_in - y_bottom)
    pad, margin = 0.25 * line, 0.3 * x_width
    room = pad + line  # a line of caption and its space
    channels, filters = np.arange(c_in), np.arange(c_out)
    ones_in, ones_out = np.ones(c_in), np.ones(c_out)
    x_boxes = np.stack([left * ones_in, c_in - 1.0 - channels, x_width * ones_in, ones_in], 1)
    column_boxes = np.stack([filters * 1.0, 0 * ones_out, ones_out, c_in * ones_out], axis=1)
    y_boxes = np.stack([filters * 1.0, y_bottom * ones_out, ones_out, y_height * ones_out], 1)
    anchors = {
        "x": (left, c_in + pad + line),
        "weights": (left, c_in + pad),
        "y": (0.0, y_bottom - pad),
        "sum": (left, y_bottom - pad - line),
    }
    return MixingLayout(
        x_extent=(left, x_right, 0.0, float(c_in)),
        weight_extent=(0.0, float(c_out), 0.0, float(c_in)),
        y_extent=(0.0, float(c_out), y_bottom, y_top),
        x_boxes=x_boxes,
        column_boxes=column_boxes,
        y_boxes=y_boxes,
        x_box=(left, 0.0, x_width, float(c_in)),
        anchors=anchors,
        line=line,
        bounds=(left - margin, c_out + margin, y_bottom - 2 * room, c_in + 2 * room),
    )


def numbers_fit(
    layout: MixingLayout, size: tuple[float, float], fontsize: float, digits: int = 2
) -> bool:
    """Say whether a number fits in a cell when the drawing fills ``size``.

    Parameters
    ----------
    layout : MixingLayout
        The drawing's geometry; its ``bounds`` fill the axes.
    size : (float, float)
        Width and height of the axes, in points.
    fontsize : float
        Size of the numbers, in points.
    digits : int, default 2
        Decimals printed: a number is a sign, a digit, a point and these.

    Returns
    -------
    bool

    Examples
    --------
    >>> layout = mixing_layout(6, 4)
    >>> numbers_fit(layout, (246, 207), 7), numbers_fit(layout, (100, 207), 7)
    (True, False)
    """
    x0, x1, y0, y1 = layout.bounds
    cell_width, cell_height = size[0] / (x1 - x0), size[1] / (y1 - y0)
    return cell_width >= NUMBER_EM * fontsize * (digits + 3) and cell_height >= 1.2 * fontsize


def mixing_cell(layout: MixingLayout, x: float, y: float) -> tuple[str, int, int] | None:
    """Say which cell of the drawing the point ``(x, y)`` (data units) falls in.

    Parameters
    ----------
    layout : MixingLayout
        The drawing's geometry.
    x, y : float
        A point, e.g. where the mouse is.

    Returns
    -------
    tuple or None
        ``("x", channel, -1)`` for a value of the pixel's vector, ``("weight", channel,
        output)`` for a weight ``W[channel, output]``, ``("y", -1, output)`` for an
        output; None elsewhere.

    Examples
    --------
    >>> layout = mixing_layout(3, 2)
    >>> mixing_cell(layout, 1.5, 0.5), mixing_cell(layout, -1.0, 2.9), mixing_cell(layout, 9, 9)
    (('weight', 2, 1), ('x', 0, -1), None)
    """
    c_in = int(layout.weight_extent[3])

    def inside(extent: tuple) -> bool:
        return extent[0] <= x < extent[1] and extent[2] <= y < extent[3]

    if inside(layout.x_extent):
        return ("x", c_in - 1 - int(np.floor(y)), -1)
    if inside(layout.weight_extent):
        return ("weight", c_in - 1 - int(np.floor(y)), int(np.floor(x)))
    if inside(layout.y_extent):
        return ("y", -1, int(np.floor(x)))
    return None
