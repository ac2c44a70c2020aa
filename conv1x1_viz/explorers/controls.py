"""Controls declared, not hand-built: what each slider or check box of an explorer may hold.

An explorer lists its controls once, e.g. ``{"filters": Whole("filters C_out", 1, 2048)}``;
from that one declaration come the control the page draws (:mod:`~conv1x1_viz.explorers.page`
sends it as part of the explorer's spec), the check of a value (a ``ValueError`` naming
the control and what it allows), the value it holds under a limit, and the values a test
may set.

- :class:`Whole`: a slider over the whole numbers ``low … high``;
- :class:`Choice`: a slider over a few chosen whole numbers, one key press apart;
- :class:`Toggle`: a check box;
- :class:`Preset`: a named setting of several controls at once, e.g. a layer of a
  published network.

:data:`DEPTHS` and :data:`KERNELS` are the values the depth, filter and kernel sliders
offer: what networks use, each a key press from the next. :data:`INPUT_DEPTH`,
:data:`FILTER_COUNT`, :data:`KERNEL` and :data:`BIAS` are those controls, declared once
for every explorer that offers them; :func:`layer_controls` caps the first three.
"""

from __future__ import annotations

from dataclasses import dataclass

from conv1x1_viz.formulas import format_count
from conv1x1_viz.validation import flag, whole_number

__all__ = [
    "BIAS",
    "DEPTHS",
    "FILTER_COUNT",
    "INPUT_DEPTH",
    "KERNEL",
    "KERNELS",
    "Choice",
    "Control",
    "Preset",
    "Toggle",
    "Whole",
    "layer_controls",
]

#: Depths and filter counts: the powers of two up to 2,048, and the depths the course
#: names (3 for an RGB picture, 96 for AlexNet's and SqueezeNet's first layers, 192 for
#: the Inception module's input).
DEPTHS = (1, 2, 3, 4, 8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048)
#: Kernel sizes of ordinary convolutions: odd, so that a filter has a centre; 11 is
#: AlexNet's first layer.
KERNELS = (1, 3, 5, 7, 9, 11)


@dataclass(frozen=True)
class Whole:
    """A slider over the whole numbers ``low … high``, every one a stop.

    For ranges where each value in between means something, e.g. a pixel's row or the
    maps kept. A limit lowers its top, never below ``low`` (:meth:`limited`).

    Attributes
    ----------
    label : str
        What the slider is called on the page, e.g. ``"pixel row"``.
    low, high : int
        Smallest and largest value.
    why : str
        Why the range is what it is, said when a value outside it is refused.
    """

    label: str
    low: int
    high: int
    why: str = ""

    def check(self, key: str, value: object) -> int:
        """Return ``value`` if the slider can hold it, else raise a ValueError naming ``key``."""
        return whole_number(key, value, self.low, self.high, why=self.why)

    def values(self) -> tuple[int, ...]:
        """Every value the slider can hold."""
        return tuple(range(self.low, self.high + 1))

    def limited(self, wish: int, high: int) -> int:
        """Return the value a slider set to ``wish`` holds once capped at ``high``.

        ``wish`` if allowed, else ``high``: the value depends on the cap and the value the
        learner chose, not on the caps in between.
        """
        return min(wish, max(self.low, min(self.high, high)))


@dataclass(frozen=True)
class Choice:
    """A slider over a few chosen whole numbers, e.g. the depths networks use.

    For values far apart, such as :data:`DEPTHS` and :data:`KERNELS`, where a slider
    over the whole range would be too fine. The page's slider steps over the options,
    which read with thousands separators (``2,048``); a value that is not an option is
    refused; :meth:`capped` narrows the options, and a limit the values a learner reaches
    (:meth:`limited`).

    Attributes
    ----------
    label : str
        What the slider is called on the page, e.g. ``"input depth C_in"``.
    options : tuple of int
        The values, increasing; each is one key press from the next.
    """

    label: str
    options: tuple[int, ...]

    def __post_init__(self) -> None:  # noqa: D105 - checks the declaration itself
        options = tuple(whole_number("options", o, None) for o in self.options)
        if not options or list(options) != sorted(set(options)):
            raise ValueError(f"options must be increasing whole numbers, got {self.options!r}")

    def check(self, key: str, value: object) -> int:
        """Return ``value`` if it is one of the options, else raise a ValueError naming ``key``."""
        if isinstance(value, bool) or value not in self.options:
            shown = ", ".join(format_count(o) for o in self.options)
            raise ValueError(f"{key} must be one of {shown}, got {value!r}")
        return int(value)

    def values(self) -> tuple[int, ...]:
        """Every value the slider can hold."""
        return self.options

    def capped(self, high: int) -> Choice:
        """Return the same choice without the options above ``high`` (keeping at least one)."""
        return Choice(self.label, tuple(o for o in self.options if o <= high) or self.options[:1])

    def _allowed(self, limit: int | list[int]) -> list[int]:
        if isinstance(limit, list):
            return limit
        return [o for o in self.options if o <= limit] or [self.options[0]]

    def limited(self, wish: int, limit: int | list[int]) -> int:
        """Return the value a slider set to ``wish`` holds once ``limit`` applies.

        ``limit`` is a number (the options up to it) or the options allowed.

        ``wish`` if allowed, else the largest allowed option below it (the smallest if none
        is): the value depends on the limit and the value the learner chose, not on the
        limits in between, so that a slider which limits this one gives the same settings
        at a stop whichever way it went there.
        """
        allowed = self._allowed(limit)
        lower = [o for o in allowed if o <= wish]
        return wish if wish in allowed else (lower[-1] if lower else allowed[0])


@dataclass(frozen=True)
class Toggle:
    """A check box.

    Attributes
    ----------
    label : str
        What the check box says.
    """

    label: str

    def check(self, key: str, value: object) -> bool:
        """Return ``value`` if it is True or False, else raise a ValueError naming ``key``."""
        return flag(key, value)

    def values(self) -> tuple[bool, ...]:
        """Both values."""
        return (False, True)


@dataclass(frozen=True)
class Preset:
    """A named setting of an explorer's controls, e.g. a layer of a published network.

    Attributes
    ----------
    label : str
        The button's text, short.
    values : dict of str to int or bool
        The controls it sets, by key; those it leaves out keep their value.
    source : str
        Where the case comes from, said in the readout while the controls are at it.
    """

    label: str
    values: dict
    source: str


Control = Whole | Choice | Toggle

#: The controls of a convolution layer that several explorers offer, with one label
#: wherever they appear; an explorer may offer fewer options (:meth:`Choice.capped`).
INPUT_DEPTH = Choice("input depth C_in", DEPTHS)
FILTER_COUNT = Choice("filters C_out", DEPTHS)
KERNEL = Choice("kernel k×k", KERNELS)
BIAS = Toggle("bias per filter")


def layer_controls(max_channels: int, max_filters: int, max_kernel: int) -> dict[str, Choice]:
    """Return the input depth, filter count and kernel size controls, capped.

    Each offers the options up to its cap (at least its smallest); a cap that is not a
    whole number ≥ 1 raises a ``ValueError`` naming it.
    """
    return {
        "in_channels": INPUT_DEPTH.capped(whole_number("max_channels", max_channels)),
        "filters": FILTER_COUNT.capped(whole_number("max_filters", max_filters)),
        "kernel_size": KERNEL.capped(whole_number("max_kernel", max_kernel)),
    }
