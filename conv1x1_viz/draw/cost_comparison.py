"""The costs of designs compared as horizontal bars labelled with exact numbers.

Where the bars go is worked out by :func:`~conv1x1_viz.geometry.cost_bar_layout`, and
whether the value axis is logarithmic by :func:`~conv1x1_viz.geometry.use_log_scale`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from matplotlib.ticker import (
    EngFormatter,
    Formatter,
    FuncFormatter,
    Locator,
    LogLocator,
    MaxNLocator,
    NullLocator,
)
from matplotlib.transforms import ScaledTranslation

from conv1x1_viz.draw.common import FONT, _axes, _style, _text, fixed_title
from conv1x1_viz.formulas import format_count
from conv1x1_viz.geometry import cost_bar_layout, use_log_scale
from conv1x1_viz.validation import whole_number

__all__ = [
    "COST_QUANTITIES",
    "CostComparisonArtists",
    "draw_cost_comparison",
    "relative_bars_constants",
]

_COST_STYLE: dict[str, Any] = {
    "colors": ("#4c78a8", "#f58518", "#54a24b", "#b279a2"),
    "fontsize": 9,
    "label_room": 0.38,
}

#: What :func:`draw_cost_comparison` compares by default, in this order.
COST_QUANTITIES = ("parameters", "multiply-accumulates")


def _costs(costs: Any, quantities: tuple[str, ...]) -> tuple[list[str], np.ndarray]:
    """Check ``costs`` and return the design names and the counts, (quantities, designs)."""
    if not isinstance(costs, Mapping) or len(costs) == 0:
        raise ValueError(
            f"costs must be a non-empty mapping of design name to (parameters, MACs), got {costs!r}"
        )
    names, rows = [], []
    for name, value in costs.items():
        if not isinstance(value, Sequence) or len(value) != len(quantities):
            raise ValueError(
                f"costs[{name!r}] must be {len(quantities)} whole numbers ≥ 0, got {value!r}"
            )
        names.append(str(name))
        rows.append(
            [
                whole_number(f"costs[{name!r}][{q}] ({quantity})", v, 0)
                for q, (v, quantity) in enumerate(zip(value, quantities, strict=True))
            ]
        )
    return names, np.array(rows, dtype=float).T  # (quantities, designs)


_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def _power_of_ten(value: float, _position: int | None = None) -> str:
    r"""Tick label ``10³`` in plain text.

    Matplotlib's :class:`~matplotlib.ticker.LogFormatterSciNotation` writes the same
    label as mathtext (``$\mathdefault{10^{3}}$``), which costs more to lay out on
    every slider tick of an explorer.
    """
    if value <= 0:
        return ""
    exponent = round(np.log10(value))
    if not np.isclose(value, 10.0**exponent):
        return ""
    return "10" + str(exponent).translate(_SUPERSCRIPT)


def _set_value_scale(ax: Axes, log: bool) -> None:
    """Log or linear value axis with few, plain-text tick labels.

    Log ticks read ``10³``; linear ticks are whole counts with SI prefixes, ``250 k``,
    ``1.5 M``, ``50 G`` (matplotlib's :class:`~matplotlib.ticker.EngFormatter`): the
    bars carry the exact counts, so the ticks only need to be short enough not to run
    into each other on a narrow axis.
    """
    locator: Locator
    formatter: Formatter
    if log:
        locator, formatter = LogLocator(base=10, numticks=8), FuncFormatter(_power_of_ten)
    else:
        locator = MaxNLocator(4, integer=True)
        formatter = EngFormatter(sep=" ", usetex=False, useMathText=False)
    ax.set_xscale("log" if log else "linear")
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(formatter)
    ax.xaxis.set_minor_locator(NullLocator())


@dataclass
class CostComparisonArtists:
    """The bars of :func:`draw_cost_comparison`, one per design and quantity, with numbers.

    :meth:`update` shows new counts for as many designs: it moves the bars and their
    numbers, renames the designs and, unless ``relative``, refits the value axis (on a
    log scale or not, as ``log_mode`` says).

    Attributes
    ----------
    ax : matplotlib.axes.Axes
        Where they are drawn.
    bars : list of list of matplotlib.patches.Rectangle
        ``bars[q][d]`` is design ``d``'s bar for quantity ``q``.
    labels : list of list of matplotlib.text.Text
        The exact numbers, just after the end of each bar.
    names : list of matplotlib.text.Text
        Design names in their bars' colours, above the axes on the right (a legend
        that costs less to draw).
    group_labels : list of matplotlib.text.Text
        The quantities, left of each group of bars.
    quantities : tuple of str
        What the counts are, one group of bars each; :meth:`update` needs one count
        per quantity.
    log_mode : bool or "auto"
        The ``log`` argument: a fixed scale, or ``"auto"`` to choose one on every
        update (:func:`~conv1x1_viz.geometry.use_log_scale`).
    style : dict
        The style keywords in force: :func:`draw_cost_comparison`'s defaults with the
        ones given (``label_room`` is read on every update).
    log : bool
        Whether the value axis is logarithmic now.
    relative : bool
        Whether each bar is drawn as a share of the first design's count (the axis
        then never changes, and ratios are ratios of lengths).
    """

    ax: Axes
    bars: list[list[Rectangle]]
    labels: list[list[Text]]
    names: list[Text]
    group_labels: list[Text]
    quantities: tuple[str, ...]
    log_mode: bool | str
    style: dict[str, Any]
    log: bool = False
    relative: bool = False

    def update(self, costs: Mapping[str, Sequence[int]]) -> None:
        """Show new numbers for the same number of designs (names may change).

        Parameters
        ----------
        costs : mapping of str to sequence of int
            Design name to one count per quantity, as in :func:`draw_cost_comparison`.
        """
        names, values = _costs(costs, self.quantities)
        if len(names) != len(self.bars[0]):
            raise ValueError(
                f"costs must name the same number of designs as were drawn "
                f"({len(self.bars[0])}), got {len(names)}"
            )
        if self.relative:
            self._update_relative(names, values)
            return
        log = use_log_scale(values) if self.log_mode == "auto" else bool(self.log_mode)
        if log and np.any(values <= 0):
            raise ValueError("a log scale needs every count to be ≥ 1")
        room = self.style["label_room"]
        peak = float(values.max()) if values.max() > 0 else 1.0
        if log:
            start = 10.0 ** (np.floor(np.log10(values.min())) - 1)
            span = np.log10(peak) - np.log10(start)
            end = 10.0 ** (np.log10(peak) + span * room / (1 - room))
        else:
            start, end = 0.0, peak / (1 - room)
        if log != self.log:
            _set_value_scale(self.ax, log)
            self.log = log
        layout = cost_bar_layout(*values.shape)
        for q, row in enumerate(values):
            for d, value in enumerate(row):
                bar = self.bars[q][d]
                bar.set_bounds(
                    start, layout.positions[q, d] - layout.height / 2, value - start, layout.height
                )
                label = self.labels[q][d]
                label.set_position((max(value, start), layout.positions[q, d]))
                label.set_text(format_count(int(value)))
        for text, name in zip(self.names, names, strict=True):
            text.set_text(f"■ {name}")
        for text, centre in zip(self.group_labels, layout.group_centres, strict=True):
            text.set_y(centre)
        self.ax.set_xlim(start, end)
        self.ax.set_ylim(*layout.bounds)

    def _update_relative(self, names: list[str], values: np.ndarray) -> None:
        """Bars as shares of the first design's counts, on an axis that never changes."""
        if np.any(values[:, 0] <= 0):
            raise ValueError("relative bars need the first design's counts to be ≥ 1")
        layout = cost_bar_layout(*values.shape)
        for q, row in enumerate(values):
            for d, value in enumerate(row):
                share = value / row[0]
                shown = min(share, _LONGEST_SHARE)
                self.bars[q][d].set_bounds(
                    0, layout.positions[q, d] - layout.height / 2, shown, layout.height
                )
                label = self.labels[q][d]
                label.set_position((shown, layout.positions[q, d]))
                label.set_text(format_count(int(value)) + _share_text(d, share))
        for text, name in zip(self.names, names, strict=True):
            text.set_text(f"■ {name}")
        for text, centre in zip(self.group_labels, layout.group_centres, strict=True):
            text.set_y(centre)


#: Relative bars longer than this share of the first design's are cut here.
_LONGEST_SHARE = 1.25


def _share_text(design: int, share: float) -> str:
    """`` (÷9.68)`` or `` (×1.50)`` after a count, against the first design's."""
    if design == 0:
        return ""
    cut = ", bar cut" if share > _LONGEST_SHARE else ""
    return f" (÷{1 / share:.2f})" if share < 1 else f" (×{share:.2f}{cut})"


def draw_cost_comparison(
    costs: Mapping[str, Sequence[int]],
    *,
    quantities: Sequence[str] = COST_QUANTITIES,
    log: bool | str = "auto",
    relative: bool = False,
    title: str = "",
    ax: Axes | None = None,
    **style: Any,
) -> CostComparisonArtists:
    """Compare the costs of designs as horizontal bars labelled with exact numbers.

    Parameters
    ----------
    costs : mapping of str to sequence of int
        Design name to its counts, one per quantity, e.g.
        ``{"direct 5×5": (153_632, 120_422_400), "1×1 then 5×5": (15_920, 12_443_648)}``.
    quantities : sequence of str, default ("parameters", "multiply-accumulates")
        What the counts are, one group of bars each.
    log : bool or "auto", default "auto"
        Logarithmic value axis; ``"auto"`` uses one when the largest count is more
        than 50 times the smallest (:func:`~conv1x1_viz.geometry.use_log_scale`).
        Ignored when ``relative``.
    relative : bool, default False
        Draw each count as a share of the first design's count on a linear axis that
        never changes: a design that costs a tenth is a bar a tenth as long, and its
        number says ``(÷10.00)``. Bars longer than 1.25 times the first are cut there,
        and their number says so.
    title : str, default ""
        Axes title, on the left (the design names are on the right).
    ax : matplotlib.axes.Axes, optional
        Where to draw; the current axes by default. Leave room left of it for the
        quantities and above it for the design names.
    **style
        ``colors`` (one per design), ``fontsize``, ``label_room`` (fraction of the
        axis kept free for the numbers).

    Returns
    -------
    CostComparisonArtists
        One bar and one exact number per design and quantity, and the names;
        ``update(costs)`` moves them to new counts and rescales the axis.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> costs = {"a": (10, 1_000), "b": (5, 200)}
    >>> artists = draw_cost_comparison(costs, ax=Figure().add_subplot())
    >>> artists.labels[1][0].get_text(), artists.log
    ('1,000', True)
    """
    ax = _axes(ax)
    s = _style("draw_cost_comparison", _COST_STYLE, style)
    quantities = tuple(str(q) for q in quantities)
    if not quantities:
        raise ValueError("quantities must name at least one quantity")
    if log not in (True, False, "auto"):
        raise ValueError(f'log must be True, False or "auto", got {log!r}')
    names, values = _costs(costs, quantities)
    colors = list(s["colors"])
    if len(colors) < len(names):
        raise ValueError(f"colors must give at least {len(names)} colours, got {len(colors)}")
    if not 0 <= s["label_room"] < 1:
        raise ValueError(f"label_room must be between 0 and 1, got {s['label_room']!r}")
    bars = [
        [
            ax.add_patch(Rectangle((0, 0), 1, 1, facecolor=colors[d], edgecolor="none"))
            for d in range(len(names))
        ]
        for _ in quantities
    ]
    nudge = ScaledTranslation(3 / 72, 0, ax.figure.dpi_scale_trans)  # 3 points right
    labels = [
        [
            _text(ax, 0, 0, transform=ax.transData + nudge, va="center", fontsize=s["fontsize"])
            for _ in names
        ]
        for _ in quantities
    ]
    line = 1.45 * s["fontsize"]
    design_names = [
        _text(
            ax,
            1,
            1,
            transform=ax.transAxes
            + ScaledTranslation(
                0, (4 + line * (len(names) - 1 - d)) / 72, ax.figure.dpi_scale_trans
            ),
            ha="right",
            va="bottom",
            color=colors[d],
            fontsize=s["fontsize"],
        )
        for d in range(len(names))
    ]
    group_labels = [
        _text(
            ax,
            -0.015,
            0,
            quantity,
            transform=ax.get_yaxis_transform(),
            ha="right",
            va="center",
            fontsize=s["fontsize"],
        )
        for quantity in quantities
    ]
    ax.tick_params(labelsize=s["fontsize"], labelfontfamily=FONT)
    ax.yaxis.set_visible(False)
    ax.spines[["top", "right"]].set_visible(False)
    if title:
        fixed_title(ax, title, fontsize=s["fontsize"] + 1, loc="left")
    _set_value_scale(ax, False)
    ax.set_xlabel("count", fontfamily=FONT, fontsize=s["fontsize"])
    if relative:
        ax.set_xlim(0, _LONGEST_SHARE / (1 - s["label_room"]))
        ax.set_xticks([0, 0.5, 1], ["0", "½", "1"])
        ax.set_xlabel(
            "share of the first design's count (to scale)",
            fontfamily=FONT,
            fontsize=s["fontsize"],
        )
        ax.set_ylim(*cost_bar_layout(*values.shape).bounds)
    artists = CostComparisonArtists(
        ax=ax,
        bars=bars,
        labels=labels,
        names=design_names,
        group_labels=group_labels,
        quantities=quantities,
        log_mode=log,
        style=s,
        relative=bool(relative),
    )
    artists.update(costs)
    return artists


def relative_bars_constants(designs: int) -> dict[str, Any]:
    """Return what another renderer needs to draw :func:`draw_cost_comparison`'s relative bars.

    The explorers drawn in the page (:mod:`conv1x1_viz.explorers.page`) draw the same bars
    in SVG from these: the style's colours and sizes, the bar layout of ``designs`` designs
    (:func:`~conv1x1_viz.geometry.cost_bar_layout`), where the texts go, and matplotlib's
    defaults for the axis, all at 100 dpi.

    Examples
    --------
    >>> relative_bars_constants(2)["quantities"]
    ['parameters', 'multiply-accumulates']
    """
    import matplotlib

    style, rc = _COST_STYLE, matplotlib.rcParams
    layout = cost_bar_layout(len(COST_QUANTITIES), whole_number("designs", designs))
    return {
        "colors": list(style["colors"]),
        "fontsize_px": style["fontsize"] * 100 / 72,
        "label_room": style["label_room"],
        "longest_share": _LONGEST_SHARE,
        "positions": layout.positions.tolist(),
        "group_centres": layout.group_centres.tolist(),
        "bar_height": layout.height,
        "ybounds": list(layout.bounds),
        "quantities": list(COST_QUANTITIES),
        # The axis of relative bars.
        "ticks": [[0, "0"], [0.5, "½"], [1, "1"]],
        "xlabel": "share of the first design's count (to scale)",
        # Where the texts go, in points: the numbers 3 after the bars, the names 4 above the
        # axes, a line 1.45 font sizes apart.
        "number_nudge_pt": 3,
        "names_lift_pt": 4,
        "name_line": 1.45,
        "group_label_x": -0.015,
        # matplotlib's defaults for the axis line, its ticks and the label.
        "spine_px": rc["axes.linewidth"] * 100 / 72,
        "tick_px": rc["xtick.major.size"] * 100 / 72,
        "tick_pad_px": rc["xtick.major.pad"] * 100 / 72,
        "xlabel_pad_px": rc["axes.labelpad"] * 100 / 72,
    }
