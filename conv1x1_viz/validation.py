"""Argument checks shared by the whole package: one rule and one message for each kind.

Every public function checks what it is given with these, so that a bad argument always
raises a :class:`ValueError` that names the argument and says what is allowed, in the same
words everywhere. Plain Python and NumPy only.

- :func:`whole_number`: an ``int`` (or NumPy integer), never a ``bool`` or a float, in a
  range;
- :func:`size_pair`: one whole number or a pair of them (height, width);
- :func:`shape3`: ``(H, W, C)``, three whole numbers;
- :func:`flag`: ``True`` or ``False``;
- :func:`one_of`: one of a few words;
- :func:`number`: a finite real number, in a range;
- :func:`text`: a non-empty string.

Sequences may be tuples, lists or 1-D integer NumPy arrays.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import TypeGuard

import numpy as np

__all__ = ["flag", "groups", "number", "one_of", "shape3", "size_pair", "text", "whole_number"]


def _range_text(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f" {low} … {high}"
    if low is not None:
        return f" ≥ {low}"
    if high is not None:
        return f" ≤ {high}"
    return ""


def _is_whole(value: object) -> TypeGuard[numbers.Integral]:
    if type(value) is int:  # the common case, without the slower check against an ABC
        return True
    return isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_)


def _is_real(value: object) -> TypeGuard[numbers.Real]:
    return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)


def whole_number(
    name: str, value: object, low: int | None = 1, high: int | None = None, *, why: str = ""
) -> int:
    """Return ``value`` as a Python ``int`` in ``low … high``, or raise a ValueError.

    Parameters
    ----------
    name : str
        The argument's name, as the caller knows it.
    value : object
        What was given. ``bool`` and floats are refused, even ``2.0``.
    low, high : int or None, default 1 and None
        Inclusive bounds; None for no bound.
    why : str, optional
        Why the bounds are what they are, added to the message in brackets.

    Returns
    -------
    int

    Examples
    --------
    >>> whole_number("filters", np.int64(64))
    64
    >>> whole_number("filters", 0)
    Traceback (most recent call last):
    ...
    ValueError: filters must be a whole number ≥ 1, got 0
    >>> whole_number("row", 40, 0, 31)
    Traceback (most recent call last):
    ...
    ValueError: row must be a whole number 0 … 31, got 40
    """
    # `not value < low`: numbers' type stubs give Integral and Real only < and <=.
    if not (
        _is_whole(value) and (low is None or not value < low) and (high is None or value <= high)
    ):
        reason = f" ({why})" if why else ""
        raise ValueError(
            f"{name} must be a whole number{_range_text(low, high)}{reason}, got {value!r}"
        )
    return int(value)


def _sequence(value: object) -> list | None:
    """Return the items of a tuple, a list or a 1-D NumPy array; None for anything else."""
    if isinstance(value, np.ndarray):
        return list(value) if value.ndim == 1 else None
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return list(value)
    return None


def size_pair(name: str, value: object, low: int = 1) -> tuple[int, int]:
    """Read one whole number or a pair of them ``(height, width)``, each ≥ ``low``.

    Examples
    --------
    >>> size_pair("kernel_size", 3)
    (3, 3)
    >>> size_pair("kernel_size", np.array([1, 7]))
    (1, 7)
    >>> size_pair("strides", (1, 1, 1))
    Traceback (most recent call last):
    ...
    ValueError: strides must be a whole number ≥ 1 or a pair of them (height, width), got (1, 1, 1)
    """
    items = _sequence(value)
    if items is None:
        if not _is_whole(value):
            raise ValueError(
                f"{name} must be a whole number ≥ {low} or a pair of them (height, width), "
                f"got {value!r}"
            )
        return (whole_number(name, value, low),) * 2
    if len(items) != 2:
        raise ValueError(
            f"{name} must be a whole number ≥ {low} or a pair of them (height, width), "
            f"got {value!r}"
        )
    return whole_number(f"{name}[0]", items[0], low), whole_number(f"{name}[1]", items[1], low)


def shape3(name: str, value: object, labels: tuple[str, str, str] = ("H", "W", "C_in")) -> tuple:
    """Read a shape of three whole numbers ≥ 1, such as ``(H, W, C_in)``.

    Examples
    --------
    >>> shape3("input_shape", [28, 28, 192])
    (28, 28, 192)
    >>> shape3("input_shape", (28, 28))
    Traceback (most recent call last):
    ...
    ValueError: input_shape must be (H, W, C_in), three whole numbers ≥ 1, got (28, 28)
    """
    items = _sequence(value)
    if items is None or len(items) != 3:
        raise ValueError(
            f"{name} must be ({', '.join(labels)}), three whole numbers ≥ 1, got {value!r}"
        )
    pairs = enumerate(zip(items, labels, strict=True))
    return tuple(whole_number(f"{name}[{i}] ({label})", item) for i, (item, label) in pairs)


def flag(name: str, value: object) -> bool:
    """Return ``value`` if it is ``True`` or ``False`` (NumPy's too), else raise.

    Examples
    --------
    >>> flag("use_bias", np.True_)
    True
    >>> flag("use_bias", 1)
    Traceback (most recent call last):
    ...
    ValueError: use_bias must be True or False, got 1
    """
    if not isinstance(value, bool | np.bool_):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def one_of(name: str, value: object, options: Sequence[str]) -> str:
    """Return ``value``, lower-cased, if it is one of ``options``.

    Examples
    --------
    >>> one_of("padding", "SAME", ("same", "valid"))
    'same'
    """
    if not isinstance(value, str) or value.lower() not in options:
        raise ValueError(f"{name} must be one of {tuple(options)}, got {value!r}")
    return value.lower()


def number(name: str, value: object, low: float | None = None, high: float | None = None) -> float:
    """Return ``value`` as a finite ``float`` in ``low … high``, or raise.

    Examples
    --------
    >>> number("tolerance", 0.5, 0)
    0.5
    >>> number("tolerance", float("nan"), 0)
    Traceback (most recent call last):
    ...
    ValueError: tolerance must be a finite number ≥ 0, got nan
    """
    if not (
        _is_real(value)
        and math.isfinite(float(value))
        and (low is None or not value < low)
        and (high is None or value <= high)
    ):
        raise ValueError(f"{name} must be a finite number{_range_text(low, high)}, got {value!r}")
    return float(value)


def text(name: str, value: object) -> str:
    """Return ``value`` if it is a non-empty string.

    Examples
    --------
    >>> text("name", "conv1")
    'conv1'
    """
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name} must be a non-empty string, got {value!r}")
    return value


def groups(value: object, in_channels: int, filters: int) -> int:
    """Return ``value`` if it is a whole number dividing both depths, else raise a ValueError.

    A grouped convolution splits its input channels and its filters into ``value`` equal
    groups: 1 is a standard convolution, ``in_channels`` a depthwise one.

    Examples
    --------
    >>> groups(4, 8, 12)
    4
    """
    g = whole_number("groups", value)
    if in_channels % g or filters % g:
        raise ValueError(
            f"groups must divide both in_channels ({in_channels}) and filters ({filters}), "
            f"got {g}: a grouped convolution splits the channels into equal groups"
        )
    return g
