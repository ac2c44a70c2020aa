"""Where things go in the drawings, as plain coordinates (no matplotlib).

The drawings in :mod:`conv1x1_viz.draw` only turn what this module computes into
artists, so every position, size and layout decision can be tested without a figure.

Blocks
------
A block stands for an ``H × W × C`` stack of feature maps (or a ``k × k × C_in``
filter). It is drawn with an *oblique projection*: the front face is the ``W × H``
rectangle as it is, and the depth axis (channels) runs back at :data:`OBLIQUE_ANGLE`,
shortened by :data:`DEPTH_SCALE`. The visible faces are three 2-D polygons, front,
top and right side.

Lengths
-------
Real sizes range from 1 to thousands of channels, so drawn lengths are compressed
with :func:`drawn_length`, ``unit · log2(1 + n)``: one channel gets one unit, and
every doubling of the count adds about one more. The ordering is kept (a deeper
stack is always drawn deeper), equal counts get equal lengths, and the drawings
label the true numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from conv1x1_viz.arithmetic import conv_output_shape
from conv1x1_viz.validation import shape3, size_pair, whole_number

__all__ = [
    "DEPTH_SCALE",
    "OBLIQUE_ANGLE",
    "UNIT",
    "BarLayout",
    "Block",
    "Bounds",
    "FilterBlockScene",
    "GridLayout",
    "MixingLayout",
    "cost_bar_layout",
    "drawn_length",
    "filter_block_scene",
    "grid_layout",
    "mixing_layout",
    "use_log_scale",
]

#: Drawn length of one channel or one pixel, in data units.
UNIT = 0.45
#: Angle of the receding depth axis, in degrees from the horizontal.
OBLIQUE_ANGLE = 40.0
#: How much the depth axis is shortened in the projection (1 = cavalier, 0.5 = cabinet).
DEPTH_SCALE = 0.5

Bounds = tuple[float, float, float, float]
"""``(x_min, x_max, y_min, y_max)`` in data units."""


def drawn_length(n: float | np.ndarray, unit: float = UNIT) -> float | np.ndarray:
    """Compressed drawn length of ``n`` pixels or channels: ``unit · log2(1 + n)``.

    Parameters
    ----------
    n : float or array of float
        A count ≥ 0 (0 gives 0, which places depth dividers; sizes are ≥ 1).
    unit : float, default :data:`UNIT`
        Drawn length of a count of 1.

    Returns
    -------
    float or array
        The length in data units; strictly increasing in ``n``.

    Examples
    --------
    >>> drawn_length(1, unit=1.0), drawn_length(3, unit=1.0)
    (1.0, 2.0)
    """
    values = np.asarray(n, dtype=float)
    if np.any(values < 0) or not np.all(np.isfinite(values)):
        raise ValueError(f"n must be a count ≥ 0, got {n!r}")
    if not unit > 0:
        raise ValueError(f"unit must be > 0, got {unit!r}")
    out = unit * np.log2(1.0 + values)
    return float(out) if out.ndim == 0 else out


def _depth_offset(depth: float) -> tuple[float, float]:
    """Screen offset of a point ``depth`` units behind the front face."""
    angle = math.radians(OBLIQUE_ANGLE)
    return depth * DEPTH_SCALE * math.cos(angle), depth * DEPTH_SCALE * math.sin(angle)


@dataclass(frozen=True)
class Block:
    """A box seen in oblique projection.

    Parameters
    ----------
    x, y : float
        Lower-left corner of the front face.
    width, height : float
        Size of the front face (drawn columns and rows).
    depth : float
        Drawn depth (channels), before the projection shortens it.
    """

    x: float
    y: float
    width: float
    height: float
    depth: float

    @property
    def offset(self) -> tuple[float, float]:
        """Screen offset ``(dx, dy)`` from the front face to the back face."""
        return _depth_offset(self.depth)

    @property
    def front(self) -> np.ndarray:
        """Front face, shape (4, 2): lower-left, lower-right, upper-right, upper-left."""
        x, y, w, h = self.x, self.y, self.width, self.height
        return np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]], dtype=float)

    @property
    def top(self) -> np.ndarray:
        """Top face, shape (4, 2): front-left, front-right, back-right, back-left."""
        dx, dy = self.offset
        x, w, top = self.x, self.width, self.y + self.height
        return np.array(
            [[x, top], [x + w, top], [x + w + dx, top + dy], [x + dx, top + dy]], dtype=float
        )

    @property
    def side(self) -> np.ndarray:
        """Right side face, shape (4, 2): front-bottom, back-bottom, back-top, front-top."""
        dx, dy = self.offset
        right, y, h = self.x + self.width, self.y, self.height
        return np.array(
            [[right, y], [right + dx, y + dy], [right + dx, y + h + dy], [right, y + h]],
            dtype=float,
        )

    def faces(self) -> list[np.ndarray]:
        """Return the three visible faces in drawing order: front, top, side."""
        return [self.front, self.top, self.side]

    @property
    def bounds(self) -> Bounds:
        """``(x_min, x_max, y_min, y_max)`` of the drawn block."""
        dx, dy = self.offset
        return self.x, self.x + self.width + dx, self.y, self.y + self.height + dy

    def dividers(self, depths: np.ndarray) -> np.ndarray:
        """Lines across the top and side faces at the given depths behind the front.

        Parameters
        ----------
        depths : array of float
            Drawn depths, each between 0 and :attr:`depth`.

        Returns
        -------
        array, shape (2 · len(depths), 2, 2)
            Line segments: for each depth, one across the top face (left to right)
            and one down the side face (top to bottom).
        """
        depths = np.asarray(depths, dtype=float).reshape(-1)
        if np.any(depths < 0) or np.any(depths > self.depth + 1e-9):
            raise ValueError(f"depths must lie between 0 and the block depth {self.depth}")
        angle = math.radians(OBLIQUE_ANGLE)
        dx = depths * DEPTH_SCALE * math.cos(angle)
        dy = depths * DEPTH_SCALE * math.sin(angle)
        left, right = self.x, self.x + self.width
        bottom, top = self.y, self.y + self.height
        across_top = np.stack(
            [np.stack([left + dx, top + dy], -1), np.stack([right + dx, top + dy], -1)], 1
        )
        down_side = np.stack(
            [np.stack([right + dx, top + dy], -1), np.stack([right + dx, bottom + dy], -1)], 1
        )
        return np.concatenate([across_top, down_side]).reshape(-1, 2, 2)


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
        output maps (as deep as the number of filters).
    window : Block
        Where the filter sits on the input: its front face at the input's top-left
        corner, reaching through the whole depth of the input.
    first_map : Block
        The front map of the output stack, the one the drawn filter produces.
    output_pixel : numpy.ndarray
        Shape (4, 2): the output value the window produces, on the first map's front face.
    input_dividers, filter_dividers, output_dividers : numpy.ndarray
        Line segments, shape (n, 2, 2), between channels (or maps), up to a cap.
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
    window: Block
    filter: Block
    output: Block
    first_map: Block
    output_pixel: np.ndarray
    input_dividers: np.ndarray
    filter_dividers: np.ndarray
    output_dividers: np.ndarray
    arrow: np.ndarray
    label_anchors: dict[str, tuple[float, float]]
    bounds: Bounds


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
    # The window on the input: the filter's front face, clipped to the input face.
    win_w, win_h = min(length(kw), inp.width), min(length(kh), inp.height)
    window = Block(inp.x, inp.y + inp.height - win_h, win_w, win_h, inp.depth)

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
    return FilterBlockScene(
        input_shape=(h, w, c_in),
        kernel_size=(kh, kw),
        output_shape=(h_out, w_out, filters),
        input=inp,
        window=window,
        filter=filt,
        output=out,
        first_map=first_map,
        output_pixel=output_pixel,
        input_dividers=inp.dividers(_divider_depths(c_in, max_dividers, unit)),
        filter_dividers=filt.dividers(_divider_depths(c_in, max_dividers, unit)),
        output_dividers=out.dividers(_divider_depths(filters, max_dividers, unit)),
        arrow=np.array([[arrow_start, middle], [arrow_end, middle]]),
        label_anchors=anchors,
        bounds=bounds,
    )


class GridLayout(NamedTuple):
    """Where the maps of a feature-map grid go, in map pixels.

    One data unit is one pixel of a map, so the grid can be drawn as a single
    mosaic image of ``mosaic_shape`` pixels (with see-through gaps) spanning
    ``grid_extent``; ``extents`` say where each map lies in it.

    Attributes
    ----------
    cells : numpy.ndarray
        Shape (n_shown, 2): ``(row, column)`` of each map shown, in reading order
        (map 0 at the top left).
    extents : numpy.ndarray
        Shape (n_shown, 4): ``(left, right, bottom, top)`` of each map shown, as
        ``imshow(extent=...)`` takes it.
    n_shown, n_hidden : int
        Maps drawn, and maps left out (announced as "+N more").
    ncols, nrows : int
        Columns and rows in use. A cell's position depends only on its index,
        ``ncols``, the map shape and the gap, so maps do not move when more are shown.
    gap : int
        Pixels between neighbouring maps.
    mosaic_shape : tuple of int
        ``(rows, columns)`` of pixels covered by the maps shown and the gaps.
    grid_extent : tuple of float
        ``(left, right, bottom, top)`` of that mosaic.
    more_position : tuple of float
        Top-centre point for the "+N more" note, under the grid.
    bounds : tuple of float
        ``(x_min, x_max, y_min, y_max)`` of the maps shown, plus room for the note.
    """

    cells: np.ndarray
    extents: np.ndarray
    n_shown: int
    n_hidden: int
    ncols: int
    nrows: int
    gap: int
    mosaic_shape: tuple[int, int]
    grid_extent: Bounds
    more_position: tuple[float, float]
    bounds: Bounds


def grid_layout(
    n_maps: int,
    map_shape: tuple[int, int] = (1, 1),
    *,
    max_maps: int = 16,
    ncols: int | None = None,
    gap: float = 0.08,
) -> GridLayout:
    """Lay out up to ``max_maps`` feature maps in a grid, row by row from the top left.

    With ``ncols`` fixed, cell positions depend only on the map's index, so a widget
    can show more or fewer maps without the others moving (and fix its axes limits
    to the layout of ``max_maps`` maps).

    Parameters
    ----------
    n_maps : int
        How many maps there are; at most ``max_maps`` are placed.
    map_shape : (int, int), default (1, 1)
        ``(H, W)`` of one map in pixels.
    max_maps : int, default 16
        The cap on maps drawn.
    ncols : int, optional
        Columns; by default ``ceil(sqrt(min(n_maps, max_maps)))``.
    gap : float, default 0.08
        Space between cells as a fraction of a map's width, rounded to whole
        pixels (at least one pixel when ``gap > 0``).

    Returns
    -------
    GridLayout

    Examples
    --------
    >>> layout = grid_layout(40, (8, 8), max_maps=16)
    >>> layout.n_shown, layout.n_hidden, layout.ncols, layout.mosaic_shape
    (16, 24, 4, (35, 35))
    """
    n_maps = whole_number("n_maps", n_maps)
    max_maps = whole_number("max_maps", max_maps)
    map_h, map_w = size_pair("map_shape", map_shape)
    if not 0 <= gap < 1:
        raise ValueError(f"gap must be between 0 and 1, got {gap!r}")
    n_shown = min(n_maps, max_maps)
    if ncols is None:
        ncols = math.ceil(math.sqrt(n_shown))
    ncols = whole_number("ncols", ncols)
    gap_px = max(1, round(gap * map_w)) if gap > 0 else 0
    used_cols = min(ncols, n_shown)
    nrows = math.ceil(n_shown / ncols)
    index = np.arange(n_shown)
    cells = np.stack([index // ncols, index % ncols], axis=1)
    left = cells[:, 1] * (map_w + gap_px)
    top = -cells[:, 0] * (map_h + gap_px)
    extents = np.stack([left, left + map_w, top - map_h, top], axis=1).astype(float)
    mosaic = (nrows * map_h + (nrows - 1) * gap_px, used_cols * map_w + (used_cols - 1) * gap_px)
    note_room = gap_px + 0.3 * map_h if n_maps > n_shown else 0.0
    bottom = -float(mosaic[0])
    return GridLayout(
        cells=cells,
        extents=extents,
        n_shown=n_shown,
        n_hidden=n_maps - n_shown,
        ncols=ncols,
        nrows=nrows,
        gap=gap_px,
        mosaic_shape=mosaic,
        grid_extent=(0.0, float(mosaic[1]), bottom, 0.0),
        more_position=(mosaic[1] / 2, bottom - gap_px),
        bounds=(0.0, float(mosaic[1]), bottom - note_room, 0.0),
    )


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


class BarLayout(NamedTuple):
    """Bar positions for the cost comparison (horizontal bars).

    Attributes
    ----------
    positions : numpy.ndarray
        Shape (n_groups, n_designs): the y-centre of each bar; design 0 on top
        in each group.
    group_centres : numpy.ndarray
        Shape (n_groups,): where each group's label goes.
    height : float
        Bar thickness.
    bounds : tuple of float
        ``(y_min, y_max)`` with a margin.
    """

    positions: np.ndarray
    group_centres: np.ndarray
    height: float
    bounds: tuple[float, float]


def cost_bar_layout(n_groups: int, n_designs: int, *, group_gap: float = 0.8) -> BarLayout:
    """Place ``n_designs`` bars for each of ``n_groups`` quantities, groups top to bottom.

    Parameters
    ----------
    n_groups : int
        Quantities compared (e.g. 2: parameters and multiply-accumulates).
    n_designs : int
        Designs compared in each group.
    group_gap : float, default 0.8
        Space between groups, in bar slots.

    Returns
    -------
    BarLayout

    Examples
    --------
    >>> cost_bar_layout(2, 2).positions.tolist()
    [[3.8, 2.8], [1.0, 0.0]]
    """
    n_groups = whole_number("n_groups", n_groups)
    n_designs = whole_number("n_designs", n_designs)
    slot = n_designs + group_gap
    group = np.arange(n_groups)[:, None]
    design = np.arange(n_designs)[None, :]
    positions = (n_groups - 1 - group) * slot + (n_designs - 1 - design)
    positions = np.round(positions.astype(float), 12)
    centres = positions.mean(axis=1)
    return BarLayout(positions, centres, 0.8, (-0.6, float(positions.max()) + 0.6))


def use_log_scale(values: np.ndarray | list[int], *, max_ratio: float = 50.0) -> bool:
    """Whether bars of these values need a log scale to all be readable.

    Parameters
    ----------
    values : array of numbers
        The bar lengths, each ≥ 0.
    max_ratio : float, default 50
        A log scale is used when the largest value is more than this many times the
        smallest (and all are > 0).

    Returns
    -------
    bool

    Examples
    --------
    >>> use_log_scale([32_832, 25_690_112]), use_log_scale([10, 20])
    (True, False)
    """
    arr = np.asarray(values, dtype=float)
    if arr.size == 0 or np.any(arr < 0) or not np.all(np.isfinite(arr)):
        raise ValueError(f"values must be finite numbers ≥ 0, got {values!r}")
    if np.any(arr == 0):
        return False
    return bool(arr.max() / arr.min() > max_ratio)
