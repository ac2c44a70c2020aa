"""Controls declared, not hand-built: what each slider or check box of an explorer may hold.

An explorer lists its controls once, e.g. ``{"filters": Whole("filters C_out", 1, 2048)}``;
from that one declaration come the widget, the check of a starting value (a
``ValueError`` naming the control and what it allows) and the values a test may set.

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

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import ipywidgets

from conv1x1_viz import contract
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
    "preset_row",
]

#: Depths and filter counts: the powers of two up to 2,048, and the depths the course
#: names (3 for an RGB picture, 96 for AlexNet's and SqueezeNet's first layers, 192 for
#: the Inception module's input).
DEPTHS = (1, 2, 3, 4, 8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048)
#: Kernel sizes of ordinary convolutions: odd, so that a filter has a centre; 11 is
#: AlexNet's first layer.
KERNELS = (1, 3, 5, 7, 9, 11)

_LAYOUT = {"width": "460px"}
_STYLE = {"description_width": "170px"}


@dataclass(frozen=True)
class Whole:
    """A slider over the whole numbers ``low … high``, every one a stop.

    For ranges where each value in between means something, e.g. a pixel's row or the
    maps kept. The widget is an ``IntSlider`` with step 1; :meth:`cap` lowers its
    ``max``, never below ``low``.

    Attributes
    ----------
    label : str
        What the slider is called on the page, e.g. ``"pixel row"``.
    low, high : int
        Smallest and largest value.
    why : str
        Why the range is what it is, said when a value outside it is refused.
    continuous : bool
        Whether the explorer follows the handle while it is dragged.
    """

    label: str
    low: int
    high: int
    why: str = ""
    continuous: bool = True

    def check(self, key: str, value: object) -> int:
        """Return ``value`` if the slider can hold it, else raise a ValueError naming ``key``."""
        return whole_number(key, value, self.low, self.high, why=self.why)

    def widget(self, value: int) -> ipywidgets.IntSlider:
        """Make the slider, at ``value``."""
        return ipywidgets.IntSlider(
            value=value,
            min=self.low,
            max=self.high,
            step=1,
            description=self.label,
            continuous_update=self.continuous,
            layout=_LAYOUT,
            style=_STYLE,
        )

    def values(self) -> tuple[int, ...]:
        """Every value the slider can hold."""
        return tuple(range(self.low, self.high + 1))

    def cap(self, widget: ipywidgets.IntSlider, high: int, wish: int) -> None:
        """Let ``widget`` go no higher than ``high``, at ``wish`` if it can (:meth:`limited`)."""
        widget.max = max(self.low, min(self.high, high))
        widget.value = self.limited(wish, high)

    def limited(self, wish: int, high: int) -> int:
        """Return the value a slider set to ``wish`` holds once capped at ``high`` (:meth:`cap`).

        ``wish`` if allowed, else ``high``: the value depends on the cap and the value the
        learner chose, not on the caps in between.
        """
        return min(wish, max(self.low, min(self.high, high)))


@dataclass(frozen=True)
class Choice:
    """A slider over a few chosen whole numbers, e.g. the depths networks use.

    For values far apart, such as :data:`DEPTHS` and :data:`KERNELS`, where a slider
    over the whole range would be too fine. The widget is a ``SelectionSlider`` whose
    stops read with thousands separators (``2,048``); a value that is not an option is
    refused, and :meth:`capped` and :meth:`cap` narrow the options.

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

    def widget(self, value: int) -> ipywidgets.SelectionSlider:
        """Make the slider, at ``value``."""
        return ipywidgets.SelectionSlider(
            options=[(format_count(o), o) for o in self.options],
            value=value,
            description=self.label,
            continuous_update=True,
            layout=_LAYOUT,
            style=_STYLE,
        )

    def values(self) -> tuple[int, ...]:
        """Every value the slider can hold."""
        return self.options

    def capped(self, high: int) -> Choice:
        """Return the same choice without the options above ``high`` (keeping at least one)."""
        return Choice(self.label, tuple(o for o in self.options if o <= high) or self.options[:1])

    def cap(self, widget: ipywidgets.SelectionSlider, limit: int | list[int], wish: int) -> None:
        """Offer only the options ``limit`` allows, at ``wish`` if it can (see :meth:`limited`).

        ``limit`` is a number (the options up to it) or the options allowed.
        """
        allowed = self._allowed(limit)
        if [v for _, v in widget.options] != allowed:
            # New options reset the value to the first one; the explorer ignores changes
            # made while it adjusts its limits, and then sees the value put back.
            widget.options = [(format_count(o), o) for o in allowed]
        widget.value = self.limited(wish, allowed)

    def _allowed(self, limit: int | list[int]) -> list[int]:
        if isinstance(limit, list):
            return limit
        return [o for o in self.options if o <= limit] or [self.options[0]]

    def limited(self, wish: int, limit: int | list[int]) -> int:
        """Return the value a slider set to ``wish`` holds once ``limit`` applies (:meth:`cap`).

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

    def widget(self, value: bool) -> ipywidgets.Checkbox:
        """Make the check box, ticked if ``value``."""
        return ipywidgets.Checkbox(value=value, description=self.label)

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


def preset_row(presets: Sequence[Preset], apply: Callable[[str], None]) -> ipywidgets.Box:
    """Return a row of buttons, one per preset, each calling ``apply`` with its label."""
    buttons = []
    for preset in presets:
        button = ipywidgets.Button(
            description=preset.label,
            tooltip=preset.source,
            layout={"width": "auto", "margin": "2px 4px 2px 0"},
        )
        button.add_class(contract.PRESET)
        button.on_click(lambda _, label=preset.label: apply(label))
        buttons.append(button)
    row = ipywidgets.Box(
        [ipywidgets.Label("Try:", layout={"margin": "2px 6px 2px 0"}), *buttons],
        layout={"flex_flow": "row wrap", "align_items": "center"},
    )
    row.add_class(contract.PRESETS)
    return row


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
