"""Which input channels each output map sees: a convolution's channels cut into groups.

A strip of input channels above a strip of output maps, each cut into ``groups`` equal
runs; one band joins each run of inputs to its run of outputs. In a standard convolution
(one group) one band joins everything: every filter sees every channel. With ``groups``
bands, a filter sees only its own group's channels; with as many groups as input
channels (depthwise), each map comes from a single channel. Long strips are drawn with a
cell per channel up to :data:`MOST_CELLS`, then as runs whose lengths keep their ratios.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.text import Text

from conv1x1_viz.draw.common import _axes, _text
from conv1x1_viz.validation import groups as check_groups
from conv1x1_viz.validation import whole_number

__all__ = ["MOST_CELLS", "ChannelGroupsArtists", "draw_channel_groups"]

#: Channels drawn one cell each; beyond this a strip is drawn as its groups only.
MOST_CELLS = 64
_COLOURS = ("#4c78a8", "#9ecae9")
_STRIP_HEIGHT = 0.12
_TOP, _BOTTOM = 0.70, 0.16
#: How the strips and bands are drawn (read by the page's copy of this drawing too).
_GROUPS_STYLE: dict[str, Any] = {
    "colors": _COLOURS,
    "edgecolor": "white",
    "linewidth": 0.4,
    "band_alpha": 0.35,
    "fontsize": 8,
}


@dataclass
class ChannelGroupsArtists:
    """The artists of :func:`draw_channel_groups`; :meth:`update` redraws them in place.

    Attributes
    ----------
    ax : matplotlib.axes.Axes
        Where they are drawn (axes units 0 … 1 both ways).
    inputs, outputs : matplotlib.collections.PolyCollection
        The two strips: one cell per channel (or per group when there are many).
    bands : matplotlib.collections.PolyCollection
        One band per group, from its input channels to its output maps.
    labels : dict of str to matplotlib.text.Text
        ``"inputs"`` and ``"outputs"``: the counts, and what one filter sees.
    """

    ax: Axes
    inputs: PolyCollection
    outputs: PolyCollection
    bands: PolyCollection
    labels: dict[str, Text]

    def update(self, in_channels: int, filters: int, groups: int) -> None:
        """Show ``in_channels`` inputs and ``filters`` outputs cut into ``groups`` groups."""
        c_in = whole_number("in_channels", in_channels)
        c_out = whole_number("filters", filters)
        g = check_groups(groups, c_in, c_out)
        for strip, count, y in ((self.inputs, c_in, _TOP), (self.outputs, c_out, _BOTTOM)):
            cells, colours = _strip(count, g, y)
            strip.set_verts(cells)
            strip.set_facecolor(colours)
        edges = np.linspace(0.0, 1.0, g + 1)
        bands = [
            [(a, _TOP), (b, _TOP), (b, _BOTTOM + _STRIP_HEIGHT), (a, _BOTTOM + _STRIP_HEIGHT)]
            for a, b in zip(edges[:-1], edges[1:], strict=True)
        ]
        self.bands.set_verts(bands)
        self.bands.set_facecolor([_COLOURS[i % 2] for i in range(g)])
        per = (
            "every channel"
            if g == 1
            else "one channel, its own"
            if c_in == g
            else f"only the {c_in // g:,} channels of its group"
        )
        channels = f"{c_in:,} channel" + ("" if c_in == 1 else "s")
        maps = f"{c_out:,} map" + ("" if c_out == 1 else "s")
        self.labels["inputs"].set_text(
            f"input: {channels}" + ("" if g == 1 else f", {g:,} groups of {c_in // g:,}")
        )
        self.labels["outputs"].set_text(f"output: {maps}; each filter sees {per}")


def _strip(count: int, groups: int, y: float) -> tuple[list, list]:
    """Cells of one strip, coloured by group, at height ``y``."""
    per_group = count // groups
    if count <= MOST_CELLS:
        edges = np.linspace(0.0, 1.0, count + 1)
        colours = [_COLOURS[(i // per_group) % 2] for i in range(count)]
    else:  # too many to draw one by one: one cell per group
        edges = np.linspace(0.0, 1.0, groups + 1)
        colours = [_COLOURS[i % 2] for i in range(groups)]
    top = y + _STRIP_HEIGHT
    cells = [
        [(a, y), (b, y), (b, top), (a, top)] for a, b in zip(edges[:-1], edges[1:], strict=True)
    ]
    return cells, colours


def draw_channel_groups(
    in_channels: int, filters: int, groups: int = 1, *, ax: Axes | None = None, **style: Any
) -> ChannelGroupsArtists:
    """Draw which input channels each output map of a (grouped) convolution sees.

    Parameters
    ----------
    in_channels, filters : int
        Input depth ``C_in`` and number of filters ``C_out``.
    groups : int, default 1
        Groups; it must divide both. 1 is a standard convolution, ``in_channels`` a
        depthwise one.
    ax : matplotlib.axes.Axes, optional
        Where to draw; the current axes by default. Its frame is hidden.
    **style
        ``fontsize`` (default 8).

    Returns
    -------
    ChannelGroupsArtists
        The two strips of cells, one band per group between them, and the labels;
        ``update(in_channels, filters, groups)`` redraws them for other counts.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> artists = draw_channel_groups(8, 8, groups=8, ax=Figure().add_subplot())
    >>> len(artists.bands.get_paths()), artists.labels["outputs"].get_text()
    (8, 'output: 8 maps; each filter sees one channel, its own')
    """
    ax = _axes(ax)
    fontsize = style.pop("fontsize", _GROUPS_STYLE["fontsize"])
    if style:
        raise ValueError(f"draw_channel_groups() got unknown style keyword(s) {sorted(style)}")
    edge = {"edgecolors": _GROUPS_STYLE["edgecolor"], "linewidths": _GROUPS_STYLE["linewidth"]}
    artists = ChannelGroupsArtists(
        ax=ax,
        inputs=ax.add_collection(PolyCollection([], **edge)),
        outputs=ax.add_collection(PolyCollection([], **edge)),
        bands=ax.add_collection(
            PolyCollection([], alpha=_GROUPS_STYLE["band_alpha"], edgecolors="none")
        ),
        labels={
            "inputs": _text(ax, 0.0, _TOP + _STRIP_HEIGHT + 0.03, ha="left", va="bottom",
                            fontsize=fontsize),
            "outputs": _text(ax, 0.0, _BOTTOM - 0.03, ha="left", va="top", fontsize=fontsize),
        },
    )  # fmt: skip
    ax.set_xlim(-0.01, 1.01)
    ax.set_ylim(0.0, 1.0)
    ax.set_axis_off()
    artists.update(in_channels, filters, groups)
    return artists
