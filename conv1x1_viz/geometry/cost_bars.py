"""The cost bars: where each bar goes, and whether the value axis needs a log scale.

:func:`cost_bar_layout` and :func:`use_log_scale` serve
:func:`~conv1x1_viz.draw.draw_cost_comparison`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from conv1x1_viz.validation import whole_number

__all__ = ["BarLayout", "cost_bar_layout", "use_log_scale"]


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
