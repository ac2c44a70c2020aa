"""The channel-mixing layout: a pixel's channel vector, the weight matrix and the outputs.

:func:`mixing_layout` places them for :func:`~conv1x1_viz.draw.draw_channel_mixing`,
one data unit per matrix cell.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from conv1x1_viz.geometry.blocks import Bounds
from conv1x1_viz.validation import whole_number

__all__ = ["MixingLayout", "mixing_cell", "mixing_layout"]


class MixingLayout(NamedTuple):
    """Where the parts of the channel-mixing drawing go; one unit per matrix cell.

    The pixel's channel vector ``x`` is a row above the weight matrix, each value
    over the column of weights it multiplies; the weight matrix has one row per
    output; the outputs ``y`` are a column to its right, each beside its row.

    Attributes
    ----------
    x_extent, weight_extent, y_extent : tuple of float
        ``(left, right, bottom, top)`` of the three images.
    row_boxes : numpy.ndarray
        Shape (C_out, 4): ``(x, y, width, height)`` of each weight-matrix row.
    y_boxes : numpy.ndarray
        Shape (C_out, 4): ``(x, y, width, height)`` of each output cell.
    x_box : tuple of float
        ``(x, y, width, height)`` of the whole input row.
    bounds : tuple of float
        ``(x_min, x_max, y_min, y_max)`` including room for titles and the sum.
    """

    x_extent: Bounds
    weight_extent: Bounds
    y_extent: Bounds
    row_boxes: np.ndarray
    y_boxes: np.ndarray
    x_box: tuple[float, float, float, float]
    bounds: Bounds


def mixing_layout(in_channels: int, out_channels: int, *, gap: float = 0.6) -> MixingLayout:
    """Lay out ``x`` (1 × C_in), ``W`` (C_out × C_in) and ``y`` (C_out × 1).

    Parameters
    ----------
    in_channels : int
        ``C_in``, the length of the pixel's channel vector.
    out_channels : int
        ``C_out``, the number of filters and outputs.
    gap : float, default 0.6
        Space between the matrix and the vectors, in cells.

    Returns
    -------
    MixingLayout

    Examples
    --------
    >>> mixing_layout(3, 2).weight_extent
    (0.0, 3.0, 0.0, 2.0)
    """
    c_in = whole_number("in_channels", in_channels)
    c_out = whole_number("out_channels", out_channels)
    if not gap >= 0:
        raise ValueError(f"gap must be ≥ 0, got {gap!r}")
    rows = np.arange(c_out)
    row_bottom = (c_out - 1 - rows).astype(float)
    ones = np.ones(c_out)
    y_left = c_in + gap
    row_boxes = np.stack([0 * ones, row_bottom, c_in * ones, ones], axis=1)
    y_boxes = np.stack([y_left * ones, row_bottom, ones, ones], axis=1)
    x_bottom = c_out + gap
    # Room: a title line above x, the sum line under W, a label column beside y.
    title_room = max(1.2, 0.12 * c_out)
    return MixingLayout(
        x_extent=(0.0, float(c_in), x_bottom, x_bottom + 1),
        weight_extent=(0.0, float(c_in), 0.0, float(c_out)),
        y_extent=(y_left, y_left + 1, 0.0, float(c_out)),
        row_boxes=row_boxes,
        y_boxes=y_boxes,
        x_box=(0.0, x_bottom, float(c_in), 1.0),
        bounds=(-0.3, y_left + 1.3, -title_room, x_bottom + 1 + title_room),
    )


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
        output)`` for a weight, ``("y", -1, output)`` for an output; None elsewhere.

    Examples
    --------
    >>> layout = mixing_layout(3, 2)
    >>> mixing_cell(layout, 1.5, 0.5), mixing_cell(layout, 2.5, 2.9), mixing_cell(layout, 9, 9)
    (('weight', 1, 1), ('x', 2, -1), None)
    """
    left, right, bottom, top = layout.weight_extent
    c_out = int(top - bottom)

    def inside(extent: tuple) -> bool:
        return extent[0] <= x < extent[1] and extent[2] <= y < extent[3]

    if inside(layout.x_extent):
        return ("x", int(x - left), -1)
    if inside(layout.weight_extent):
        return ("weight", int(x - left), c_out - 1 - int(y - bottom))
    if inside(layout.y_extent):
        return ("y", -1, c_out - 1 - int(y - bottom))
    return None
