"""Where a model's 1×1 layers sit and what they cost: one bar per layer, in network order.

Each layer of a :class:`~conv1x1_viz.ModelAudit` counted by a rule is one bar, as high
as its multiply-accumulates; the part in 1×1 layers (all of a 1×1 layer, the pointwise
half of a separable one, attention's projections) is coloured at the bottom of the bar,
the rest in the colour of what it is. The legend gives the 1×1
layers' share of the parameters and of the MACs; the layers whose MACs are not counted
are named under the axis.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.container import BarContainer
from matplotlib.legend import Legend
from matplotlib.patches import Patch
from matplotlib.text import Text
from matplotlib.ticker import EngFormatter, MaxNLocator

from conv1x1_viz.audit import ModelAudit
from conv1x1_viz.draw.common import FONT, _axes, _style, fixed_title
from conv1x1_viz.formulas import format_count

__all__ = ["ModelAuditArtists", "draw_model_audit"]

_AUDIT_STYLE: dict[str, Any] = {
    "colors": ("#f58518", "#9eb9d4"),  # 1×1, convolutions' other MACs
    "fontsize": 9,
    "headroom": 1.45,  # y axis up to this × the tallest bar, room for the legend
}


#: The other parts of a bar, by the row's kind: legend label and colour (None: ``colors[1]``).
_FAMILIES = {
    "conv": ("k×k, depthwise and transposed conv", None),
    "attention": ("attention's products QKᵀ and A·V", "#b279a2"),
    "recurrent": ("recurrent gates", "#54a24b"),
    "dense": ("dense on a whole vector", "#bab0ac"),
}
_FAMILY_OF = {"attention": "attention", "recurrent": "recurrent", "dense": "dense"}


def _family(row: Any) -> str:
    """Which family the part of a row outside 1×1 kernels belongs to."""
    return _FAMILY_OF.get(row.kind, "conv")


def _audit(audit: object) -> ModelAudit:
    if not isinstance(audit, ModelAudit):
        raise ValueError(
            f"audit must be a ModelAudit, made by conv1x1_viz.audit_model(model), "
            f"got {type(audit).__name__}"
        )
    return audit


def _texts(audit: ModelAudit) -> tuple[str, list[str], str]:
    """Title, legend labels and the line under the axis."""
    counted = len(audit.rows) - len(audit.not_counted)
    title = f"{audit.name}: {format_count(audit.total_macs)} MACs in {counted} layers"
    labels = [
        f"1×1 ({audit.count_1x1} layer{'' if audit.count_1x1 == 1 else 's'}): "
        f"{100 * audit.share_1x1_params:.1f} % of parameters, "
        f"{100 * audit.share_1x1_macs:.1f} % of MACs",
    ]
    other = audit.not_counted
    note = f"not counted: {len(other)} other weight layers" + (
        f", {format_count(sum(r.params for r in other))} parameters" if other else ""
    )
    return title, labels, f"layers counted by a rule, in network order\n{note}"


@dataclass
class ModelAuditArtists:
    """The artists of :func:`draw_model_audit`; :meth:`update` shows another audit.

    Attributes
    ----------
    ax : matplotlib.axes.Axes
        Where they are drawn.
    bars_1x1 : matplotlib.container.BarContainer
        One bar per layer counted by a rule, in network order (``x = 1, 2, ...``), as high
        as the MACs in its 1×1 kernels (0 for layers without).
    bars_rest : matplotlib.container.BarContainer
        On top of those, the rest of each layer's MACs.
    title : matplotlib.text.Text
        The model's name, its MACs and its number of layers counted by a rule.
    legend : matplotlib.legend.Legend
        The 1×1 colour, with the 1×1 layers' count and their shares of the parameters
        and of the MACs, then one colour per other part shown: convolutions,
        attention's products, recurrent gates, dense layers on a whole vector.
    note : matplotlib.text.Text
        The label under the axis, with the layers whose MACs are not counted.
    style : dict
        The style keywords in force.
    """

    ax: Axes
    bars_1x1: BarContainer
    bars_rest: BarContainer
    title: Text
    legend: Legend
    note: Text
    style: dict[str, Any]

    def update(self, audit: ModelAudit) -> None:
        """Show ``audit``, which must have as many layers counted by a rule as were drawn."""
        audit = _audit(audit)
        rows = [r for r in audit.rows if r.counted]
        if len(rows) != len(self.bars_1x1):
            raise ValueError(
                f"audit must have {len(self.bars_1x1)} layers counted by a rule, as drawn, "
                f"got {len(rows)}"
            )
        ones = np.array([r.macs_1x1 for r in rows], dtype=float)
        rest = np.array([r.macs - r.macs_1x1 for r in rows], dtype=float)
        for bar, height in zip(self.bars_1x1, ones, strict=True):
            bar.set_height(height)
        families = [_family(r) for r in rows]
        colours = {f: colour or self.style["colors"][1] for f, (_, colour) in _FAMILIES.items()}
        for bar, bottom, height, family in zip(self.bars_rest, ones, rest, families, strict=True):
            bar.set_y(bottom)
            bar.set_height(height)
            bar.set_facecolor(colours[family])
        title, labels, note = _texts(audit)
        self.title.set_text(title)
        present = {g for h, g in zip(rest, families, strict=True) if h > 0}
        shown = [f for f in _FAMILIES if f in present]
        handles = [Patch(color=self.style["colors"][0])] + [Patch(color=colours[f]) for f in shown]
        labels += [_FAMILIES[f][0] for f in shown]
        self.legend.remove()
        self.legend = self.ax.legend(
            handles, labels, loc="upper left", frameon=False,
            prop={"family": FONT, "size": self.style["fontsize"]},
        )  # fmt: skip
        self.note.set_text(note)
        peak = float((ones + rest).max()) if rows else 0.0
        self.ax.set_ylim(0, (peak or 1.0) * self.style["headroom"])


def draw_model_audit(
    audit: ModelAudit, *, ax: Axes | None = None, **style: Any
) -> ModelAuditArtists:
    """Draw the MACs of every layer of a model counted by a rule, its 1×1 part coloured.

    Parameters
    ----------
    audit : ModelAudit
        From :func:`conv1x1_viz.audit_model`.
    ax : matplotlib.axes.Axes, optional
        Where to draw; the current axes by default. A figure 5.9 to 8.5 inches wide
        (590 to 850 pixels at 100 dpi) and about 3 inches high leaves room for the
        title and the two lines under the axis.
    **style
        ``colors`` (the 1×1 part, then the rest), ``fontsize``, ``headroom`` (the
        y axis reaches this many times the tallest bar, leaving room for the legend).

    Returns
    -------
    ModelAuditArtists
        The stacked bars (1×1 part, then the rest), the title, the legend with the
        1×1 shares and the note; ``update(audit)`` shows another audit of as many layers.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from conv1x1_viz.audit import AuditRow
    >>> rows = (AuditRow("m/reduce", "1×1 conv", "Conv2D", (1, 1), 1, (28, 28, 16),
    ...                  3088, 2408448, 3088, 2408448),
    ...         AuditRow("m/conv", "k×k conv", "Conv2D", (5, 5), 1, (28, 28, 32),
    ...                  12832, 10035200))
    >>> ax = Figure(figsize=(6, 3)).add_subplot()
    >>> artists = draw_model_audit(ModelAudit("m", ((28, 28, 192),), rows), ax=ax)
    >>> artists.legend.get_texts()[0].get_text()
    '1×1 (1 layer): 19.4 % of parameters, 19.4 % of MACs'
    """
    audit = _audit(audit)
    ax = _axes(ax)
    s = _style("draw_model_audit", _AUDIT_STYLE, style)
    if len(s["colors"]) != 2:
        raise ValueError(f"colors must give 2 colours (1×1, the rest), got {s['colors']!r}")
    n = sum(r.counted for r in audit.rows)
    x = np.arange(1, n + 1)
    width = 0.8 if n < 60 else 1.0  # many bars: no gaps, or thin bars vanish
    bars_1x1 = ax.bar(x, np.zeros(n), width, color=s["colors"][0], linewidth=0)
    bars_rest = ax.bar(x, np.zeros(n), width, color=s["colors"][1], linewidth=0)
    size = s["fontsize"]
    title = fixed_title(ax, "", fontsize=size + 1, loc="left")
    legend = ax.legend([bars_1x1], [""])  # replaced by update(), with the parts shown
    note = ax.set_xlabel("", fontfamily=FONT, fontsize=size)
    ax.set_ylabel("MACs", fontfamily=FONT, fontsize=size)
    ax.yaxis.set_major_formatter(EngFormatter(sep=" ", usetex=False, useMathText=False))
    ax.yaxis.set_major_locator(MaxNLocator(4))
    ax.xaxis.set_major_locator(MaxNLocator(8, integer=True))
    ax.tick_params(labelsize=size, labelfontfamily=FONT)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_xlim(0.5, max(n, 1) + 0.5)
    artists = ModelAuditArtists(ax, bars_1x1, bars_rest, title, legend, note, s)
    artists.update(audit)
    return artists
