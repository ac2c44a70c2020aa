"""The DOM classes an explorer puts on the page: one contract for the explorers and the tests.

An explorer's root element has :data:`EXPLORER` and the class of its kind
(:func:`kind_class`, e.g. ``c1x1-param-explorer``); each control has
:func:`slider_class` of its key (``c1x1-slider-filters``); the box of the controls
:data:`CONTROLS`, the text readout :data:`READOUT`, the figure :data:`FIGURE` and the
box that shows an error in values from the page :data:`ERRORS`. Sizes fixed when the
explorer was made, which its counts depend on, are classes too (:func:`fixed_class`,
``c1x1-fixed-height-28``), so that a browser test can compute the counts the page must
show from the page alone (:func:`parse_fixed_sizes`).

Only the standard library is used here: the explorers, the browser tests and anything
that styles the page can all import it.

Examples
--------
>>> classes = [EXPLORER, kind_class("param-explorer"), fixed_class("height", 28)]
>>> classes
['c1x1-explorer', 'c1x1-param-explorer', 'c1x1-fixed-height-28']
>>> parse_kind(classes)
'param-explorer'
>>> parse_fixed_sizes(classes)
{'height': 28}
>>> selector(EXPLORER, kind_class("param-explorer"))
'.c1x1-explorer.c1x1-param-explorer'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

__all__ = [
    "CONTROLS",
    "ERRORS",
    "EXPLORER",
    "FIGURE",
    "FIXED_SIZE_CLASS",
    "KIND_CLASS",
    "PREFIX",
    "PRESET",
    "PRESETS",
    "READOUT",
    "SLIDER_CLASS",
    "SLIDER_PREFIX",
    "fixed_class",
    "fixed_size_classes",
    "kind_class",
    "parse_fixed_sizes",
    "parse_kind",
    "parse_slider_key",
    "selector",
    "slider_class",
]

#: What every class of the contract starts with.
PREFIX = "c1x1-"
#: The root element of every explorer.
EXPLORER = PREFIX + "explorer"
#: The box that holds an explorer's controls.
CONTROLS = PREFIX + "controls"
#: The text readout (counts, formulas with the numbers plugged in).
READOUT = PREFIX + "readout"
#: Where an error in values from the page is shown.
ERRORS = PREFIX + "errors"
#: The picture the page draws (an SVG).
FIGURE = PREFIX + "figure"
#: The row of preset buttons, and each button in it (its text is the preset's label).
PRESETS = PREFIX + "presets"
PRESET = PREFIX + "preset"
#: What a control's class starts with; the control's key follows.
SLIDER_PREFIX = PREFIX + "slider-"

_KEY = r"[a-z][a-z0-9_]*"
_KIND = r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*-explorer"

#: A control's class: ``c1x1-slider-<key>``, the key a Python identifier in lower case.
SLIDER_CLASS = re.compile(rf"{re.escape(SLIDER_PREFIX)}(?P<key>{_KEY})")
#: A kind's class: ``c1x1-<kind>``, the kind ending in ``-explorer``.
KIND_CLASS = re.compile(rf"{re.escape(PREFIX)}(?P<kind>{_KIND})")
#: A fixed size's class: ``c1x1-fixed-<key>-<size>``, the size a whole number ≥ 0.
FIXED_SIZE_CLASS = re.compile(rf"{re.escape(PREFIX)}fixed-(?P<key>{_KEY})-(?P<size>\d+)")


def _checked(name: str, value: object, pattern: str, what: str) -> str:
    text = str(value)
    if not re.fullmatch(pattern, text):
        raise ValueError(f"{name} must be {what}, got {value!r}")
    return text


def _first(pattern: re.Pattern[str], classes: Iterable[str], group: str) -> str | None:
    """Return the *group* of the first of *classes* that *pattern* matches whole, else None."""
    return next((m[group] for m in map(pattern.fullmatch, classes) if m), None)


def kind_class(kind: str) -> str:
    """Return the class of an explorer kind.

    Parameters
    ----------
    kind : str
        Lower-case words joined by ``-``, ending in ``-explorer``.

    Returns
    -------
    str
        ``c1x1-<kind>``.

    Examples
    --------
    >>> kind_class("bottleneck-explorer")
    'c1x1-bottleneck-explorer'
    """
    return PREFIX + _checked(
        "kind", kind, _KIND, "lower-case words joined by '-', ending in '-explorer'"
    )


def slider_class(key: str) -> str:
    """Return ``c1x1-slider-<key>``, the class of the control *key*.

    As :func:`kind_class` does for a kind, with *key* a lower-case identifier, e.g.
    ``"in_channels"``.

    Examples
    --------
    >>> slider_class("in_channels")
    'c1x1-slider-in_channels'
    """
    return SLIDER_PREFIX + _checked("key", key, _KEY, "a lower-case identifier")


def fixed_class(key: str, size: int) -> str:
    """Return the class that states the fixed size *key*.

    Parameters
    ----------
    key : str
        A lower-case identifier, e.g. ``"height"``.
    size : int
        A whole number ≥ 0 (a flag is stated as 0 or 1).

    Returns
    -------
    str
        ``c1x1-fixed-<key>-<size>``.

    Examples
    --------
    >>> fixed_class("use_bias", 1)
    'c1x1-fixed-use_bias-1'
    >>> fixed_class("height", -1)
    Traceback (most recent call last):
    ...
    ValueError: size must be a whole number >= 0, got -1
    """
    key = _checked("key", key, _KEY, "a lower-case identifier")
    size_text = _checked("size", size, r"\d+", "a whole number >= 0")
    return f"{PREFIX}fixed-{key}-{size_text}"


def fixed_size_classes(sizes: Mapping[str, int]) -> list[str]:
    """Return the classes that state every fixed size of *sizes*.

    Parameters
    ----------
    sizes : mapping of str to int
        E.g. an explorer's ``fixed_sizes()``.

    Returns
    -------
    list of str
        One :func:`fixed_class` per entry, in order.

    Examples
    --------
    >>> fixed_size_classes({"height": 28, "width": 32})
    ['c1x1-fixed-height-28', 'c1x1-fixed-width-32']
    """
    return [fixed_class(key, size) for key, size in sizes.items()]


def parse_fixed_sizes(classes: Iterable[str]) -> dict[str, int]:
    """Return the fixed sizes stated by *classes*; other classes are ignored.

    Parameters
    ----------
    classes : iterable of str
        An element's classes, as the page lists them.

    Returns
    -------
    dict of str to int
        ``{key: size}`` for every ``c1x1-fixed-<key>-<size>`` class.

    Examples
    --------
    >>> parse_fixed_sizes(["c1x1-explorer", "c1x1-fixed-in_channels-64", "c1x1-fixed-x"])
    {'in_channels': 64}
    """
    matches = (FIXED_SIZE_CLASS.fullmatch(c) for c in classes)
    return {m["key"]: int(m["size"]) for m in matches if m}


def parse_kind(classes: Iterable[str]) -> str | None:
    """Return the kind stated by *classes* (``None`` without one).

    Parameters
    ----------
    classes : iterable of str
        As in :func:`parse_fixed_sizes`.

    Returns
    -------
    str or None
        The ``<kind>`` of the first ``c1x1-<kind>`` class.

    Examples
    --------
    >>> parse_kind(["c1x1-explorer", "c1x1-mixing-explorer"])
    'mixing-explorer'
    >>> parse_kind(["c1x1-explorer"]) is None
    True
    """
    return _first(KIND_CLASS, classes, "kind")


def parse_slider_key(classes: Iterable[str]) -> str | None:
    """Return the key of the control whose classes are *classes* (``None`` without one).

    As :func:`parse_kind` does for the kind: the ``<key>`` of the first
    ``c1x1-slider-<key>`` class.

    Examples
    --------
    >>> parse_slider_key(["widget-slider", "c1x1-slider-filters"])
    'filters'
    """
    return _first(SLIDER_CLASS, classes, "key")


def selector(*classes: str) -> str:
    """Return the CSS selector of an element that has every one of *classes*.

    Parameters
    ----------
    *classes : str
        Class names of this contract.

    Returns
    -------
    str
        E.g. ``.c1x1-explorer.c1x1-mixing-explorer``.

    Examples
    --------
    >>> selector(READOUT)
    '.c1x1-readout'
    """
    return "".join("." + c for c in classes)
