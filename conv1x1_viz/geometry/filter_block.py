"""The filter-block scene: an input volume, one of its filters and the maps they make.

:func:`filter_block_scene` places three :class:`~conv1x1_viz.geometry.blocks.Block`
boxes left to right, for :func:`~conv1x1_viz.draw.draw_filter_block`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from conv1x1_viz.arithmetic import conv_output_shape
from conv1x1_viz.geometry.blocks import UNIT, Block, Bounds, drawn_length
from conv1x1_viz.validation import shape3, size_pair, whole_number

__all__ = ["FilterBlockScene", "filter_block_scene"]


def _union(*bounds: Bounds) -> Bounds:
    return (
        min(b[0] for b in bounds),
        max(b[1] for b in bounds),
        min(b[2] for b in bounds),
        max(b[3] for b in bounds),
    )


def _divider_depths(count: int, max_dividers: int, unit: float) -> np.ndarray:
    """Drawn depths of the boundaries between the first channels of a ``count``-deep block."""
    last = min(count, max_dividers + 1)
    return drawn_length(np.arange(1, last), unit) if last > 1 else np.zeros(0)


class FilterBlockScene(NamedTuple):
    """Everything :func:`~conv1x1_viz.draw.draw_filter_block` draws, in data units.

    Attributes
    ----------
    input_shape, kernel_size, output_shape : tuple of int
        The true sizes ``(H, W, C_in)``, ``(k_h, k_w)`` and ``(H_out, W_out, filters)``.
    input, filter, output : Block
        The input volume, one filter (exactly as deep as the input) and the stack of
        output maps (as deep as the number of filters). Where the filter sits on the
        input is :attr:`window`.
    first_map : Block
        The front map of the output stack, the one the drawn filter produces.
    output_pixel : numpy.ndarray
        Shape (4, 2): the output value the window produces, on the first map's front face.
    dividers : dict of str to numpy.ndarray
        ``"input"``, ``"filter"`` and ``"output"``: line segments, shape (n, 2, 2),
        between channels (or maps) of that block, up to a cap.
    arrow : numpy.ndarray
        Shape (2, 2): start and end of the arrow from the filter to the output.
    label_anchors : dict of str to (float, float)
        Top-centre points under the input, filter and output for their labels.
    bounds : tuple of float
        ``(x_min, x_max, y_min, y_max)`` of the blocks (labels hang below ``y_min``).
    """

    input_shape: tuple[int, int, int]
    kernel_size: tuple[int, int]
    output_shape: tuple[int, int, int]
    input: Block
    filter: Block
    output: Block
    first_map: Block
    output_pixel: np.ndarray
    dividers: dict[str, np.ndarray]
    arrow: np.ndarray
    label_anchors: dict[str, tuple[float, float]]
    bounds: Bounds

    @property
    def window(self) -> Block:
        """Where the filter sits on the input, reaching through its whole depth.

        The filter's front face at the input's top-left corner, clipped to the input's face.
        """
        inp = self.input
        width, height = min(self.filter.width, inp.width), min(self.filter.height, inp.height)
        return Block(inp.x, inp.y + inp.height - height, width, height, inp.depth)


def filter_block_scene(
    input_shape: tuple[int, int, int],
    kernel_size: int | tuple[int, int],
    filters: int,
    *,
    strides: int | tuple[int, int] = 1,
    padding: str = "same",
    max_dividers: int = 32,
    unit: float = UNIT,
    gap: float = 0.9,
) -> FilterBlockScene:
    """Lay out an input volume, one of its filters and the stack of maps they make.

    Parameters
    ----------
    input_shape, kernel_size, filters, strides, padding
        As in :func:`~conv1x1_viz.arithmetic.conv_output_shape`, which gives the shape
        of the output stack.
    max_dividers : int, default 32
        At most this many lines between channels (or maps) on each block; beyond
        them the block is drawn solid.
    unit : float, default :data:`UNIT`
        Drawn length of one pixel or channel (see :func:`drawn_length`).
    gap : float, default 0.9
        Horizontal space between the blocks.

    Returns
    -------
    FilterBlockScene

    Examples
    --------
    >>> scene = filter_block_scene((28, 28, 192), 1, 64)
    >>> scene.filter.depth == scene.input.depth
    True
    >>> scene.output_shape
    (28, 28, 64)
    """
    h, w, c_in = shape3("input_shape", input_shape)
    kh, kw = size_pair("kernel_size", kernel_size)
    filters = whole_number("filters", filters)
    max_dividers = whole_number("max_dividers", max_dividers)
    h_out, w_out, _ = conv_output_shape((h, w, c_in), filters, (kh, kw), strides, padding)

    def length(n: int) -> float:
        return float(drawn_length(n, unit))

    inp = Block(0.0, 0.0, length(w), length(h), length(c_in))
    middle = inp.y + inp.height / 2

    filt_x = inp.bounds[1] + gap
    filt = Block(filt_x, middle - length(kh) / 2, length(kw), length(kh), inp.depth)

    arrow_start = filt.bounds[1] + 0.25 * gap
    arrow_end = arrow_start + gap
    out = Block(
        arrow_end + 0.25 * gap,
        middle - length(h_out) / 2,
        length(w_out),
        length(h_out),
        length(filters),
    )
    first_map = Block(out.x, out.y, out.width, out.height, min(length(1), out.depth))
    cell = min(max(out.width / w_out, 0.3 * unit), out.width, out.height)
    px, py = out.x, out.y + out.height - cell
    output_pixel = np.array([[px, py], [px + cell, py], [px + cell, py + cell], [px, py + cell]])

    bounds = _union(inp.bounds, filt.bounds, out.bounds)
    label_y = bounds[2] - 0.2 * unit
    anchors = {  # under the middle of each drawn block
        key: ((block.bounds[0] + block.bounds[1]) / 2, label_y)
        for key, block in (("input", inp), ("filter", filt), ("output", out))
    }
    channel_depths = _divider_depths(c_in, max_dividers, unit)  # the filter's are the input's
    return FilterBlockScene(
        input_shape=(h, w, c_in),
        kernel_size=(kh, kw),
        output_shape=(h_out, w_out, filters),
        input=inp,
        filter=filt,
        output=out,
        first_map=first_map,
        output_pixel=output_pixel,
        dividers={
            "input": inp.dividers(channel_depths),
            "filter": filt.dividers(channel_depths),
            "output": out.dividers(_divider_depths(filters, max_dividers, unit)),
        },
        arrow=np.array([[arrow_start, middle], [arrow_end, middle]]),
        label_anchors=anchors,
        bounds=bounds,
    )
