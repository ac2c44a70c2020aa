"""Blocks and drawn lengths: the oblique projection and the log-compressed sizes.

A :class:`Block` stands for an ``H × W × C`` stack of feature maps (or a ``k × k × C_in``
filter), seen in oblique projection; :func:`drawn_length` compresses the real sizes.
:data:`UNIT`, :data:`OBLIQUE_ANGLE` and :data:`DEPTH_SCALE` fix the look, and
:data:`Bounds` is the ``(x_min, x_max, y_min, y_max)`` every layout reports.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

__all__ = ["DEPTH_SCALE", "OBLIQUE_ANGLE", "UNIT", "Block", "Bounds", "drawn_length"]


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


_Depth = TypeVar("_Depth", float, np.ndarray)


def _depth_offset(depth: _Depth) -> tuple[_Depth, _Depth]:
    """Screen offset ``(dx, dy)`` of a point (or points) ``depth`` units behind the front face."""
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
        dx, dy = _depth_offset(depths)
        left, right = self.x, self.x + self.width
        bottom, top = self.y, self.y + self.height
        across_top = np.stack(
            [np.stack([left + dx, top + dy], -1), np.stack([right + dx, top + dy], -1)], 1
        )
        down_side = np.stack(
            [np.stack([right + dx, top + dy], -1), np.stack([right + dx, bottom + dy], -1)], 1
        )
        return np.concatenate([across_top, down_side]).reshape(-1, 2, 2)
