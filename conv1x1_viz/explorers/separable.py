"""SeparableExplorer: a standard k×k layer, a grouped one, and depthwise + pointwise."""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from typing import Any, NamedTuple

from conv1x1_viz.arithmetic import conv_macs, conv_params
from conv1x1_viz.draw import (
    FONT,
    ChannelGroupsArtists,
    CostComparisonArtists,
    draw_channel_groups,
    draw_cost_comparison,
)
from conv1x1_viz.draw import channel_groups as groups_style
from conv1x1_viz.draw import cost_comparison as cost_style
from conv1x1_viz.explorers.controls import (
    BIAS,
    DEPTHS,
    FILTER_COUNT,
    INPUT_DEPTH,
    KERNEL,
    Choice,
    Control,
    Preset,
)
from conv1x1_viz.explorers.page import PageExplorer, plural
from conv1x1_viz.formulas import macs_formula, params_formula

__all__ = ["SEPARABLE_PRESETS", "SeparableExplorer", "SeparablePicture"]

#: Feature-map sizes a network's stages use (height = width).
MAP_SIZES = (7, 14, 28, 56, 112, 224)
#: Group counts the controls can reach: every divisor of a depth the sliders offer.
GROUPS = tuple(sorted({g for d in DEPTHS for g in range(1, d + 1) if d % g == 0}))


def _layer(size: int, c_in: int, c_out: int, k: int = 3, groups: int = 1) -> dict:
    return {"size": size, "in_channels": c_in, "filters": c_out, "kernel_size": k,
            "groups": groups}  # fmt: skip


#: Layers the lesson names, one click each.
SEPARABLE_PRESETS = (
    Preset(
        "MobileNet 14×14",
        _layer(14, 512, 512),
        "a block of MobileNet's 14×14 stage, 512 maps to 512, as a standard 3×3 layer "
        "would be; move groups to 512 for MobileNet's depthwise layer",
    ),
    Preset(
        "MobileNet first block",
        _layer(112, 32, 64),
        "MobileNet's first separable block: 112×112×32 to 64 maps",
    ),
    Preset(
        "AlexNet conv2",
        _layer(28, 96, 256, 5, 2),
        "AlexNet's second layer, split in two groups over two GPUs (at its own size 27×27; "
        "28×28 here)",
    ),  # fmt: skip
)


class SeparablePicture(NamedTuple):
    """The artists of :meth:`SeparableExplorer.draw_picture`.

    Attributes
    ----------
    groups : ChannelGroupsArtists
        Which channels each filter sees.
    cost : CostComparisonArtists
        The bars, to scale as shares of the standard layer's counts.
    """

    groups: ChannelGroupsArtists
    cost: CostComparisonArtists


class SeparableExplorer(PageExplorer):
    """Standard, grouped and depthwise separable convolutions, side by side, live.

    Sliders set the kernel size ``k``, the input depth ``C_in``, the number of filters
    ``C_out``, the feature-map size and the number of groups ``g``, which must divide
    both depths (the slider offers only those): 1 is a standard convolution, ``C_in``
    a depthwise one. The readout writes out, numbers plugged in, the cost of the
    standard ``k×k`` layer, of the grouped one, and of a depthwise separable pair (a
    depthwise ``k×k`` layer, then a pointwise 1×1 layer), with the separable pair's
    share of the standard layer's multiply-accumulates beside ``1/C_out + 1/k²``. The
    drawing shows which channels each filter sees, and where the cost goes. The page
    draws both at every press (``js/separable.js``); Python's :meth:`readout_lines` and
    :meth:`draw_picture` are what is saved for readers without a kernel.

    Parameters
    ----------
    kernel_size, in_channels, filters : int, default 3, 512, 512
        Starting values (from :data:`KERNELS` and :data:`DEPTHS`).
    size : int, default 14
        Height and width of the feature maps, one of :data:`MAP_SIZES`.
    groups : int, default 1
        Starting number of groups.
    use_bias : bool, default False
        Whether the layers have biases (MobileNet's have none: batch normalisation
        follows each).

    Examples
    --------
    >>> explorer = SeparableExplorer(3, 32, 64, size=112)
    >>> explorer.set(groups=32)
    >>> explorer.readout_lines()[-1][1].split("; ")[1]
    '1/C_out + 1/k² = 1/64 + 1/9 = 0.1267'
    """

    kind = "separable-explorer"
    script = "separable"
    #: The saved picture's size in inches at 100 dpi, and where its two drawings go
    #: (figure fractions): the page draws at the same scale, in CSS pixels.
    figsize = (5.8, 3.6)
    groups_rect = (0.02, 0.70, 0.96, 0.29)
    cost_rect = (0.36, 0.12, 0.6, 0.34)

    def __init__(
        self,
        kernel_size: int = 3,
        in_channels: int = 512,
        filters: int = 512,
        *,
        size: int = 14,
        groups: int = 1,
        use_bias: bool = False,
    ) -> None:
        super().__init__()
        controls: dict[str, Control] = {
            "kernel_size": KERNEL,
            "in_channels": INPUT_DEPTH,
            "filters": FILTER_COUNT,
            "size": Choice("map size H = W", MAP_SIZES),
            "groups": Choice("groups g", GROUPS),
            "use_bias": BIAS,
        }
        values = {"kernel_size": kernel_size, "in_channels": in_channels, "filters": filters,
                  "size": size, "groups": groups, "use_bias": use_bias}  # fmt: skip
        c_in = controls["in_channels"].check("in_channels", in_channels)
        c_out = controls["filters"].check("filters", filters)
        allowed = _divisors(c_in, c_out)
        if groups not in allowed:
            raise ValueError(
                f"groups must divide both in_channels ({c_in}) and filters ({c_out}): one of "
                f"{', '.join(map(str, allowed))}, got {groups!r}"
            )
        self._setup(controls, values, presets=SEPARABLE_PRESETS, data=self._picture_data())

    def _picture_data(self) -> dict[str, Any]:
        """Return the drawings' constants, read from the draw modules, for the page's picture."""
        groups = groups_style._GROUPS_STYLE
        return {
            "figure_px": [100 * self.figsize[0], 100 * self.figsize[1]],
            "line_metrics": _line_metrics(),
            "groups_rect": list(self.groups_rect),
            "cost_rect": list(self.cost_rect),
            "groups": {
                "most_cells": groups_style.MOST_CELLS,
                "strip_height": groups_style._STRIP_HEIGHT,
                "top": groups_style._TOP,
                "bottom": groups_style._BOTTOM,
                "colors": list(groups["colors"]),
                "edgecolor": groups["edgecolor"],
                "linewidth_px": groups["linewidth"] * 100 / 72,
                "band_alpha": groups["band_alpha"],
                "fontsize_px": groups["fontsize"] * 100 / 72,
                # draw_channel_groups' axes limits: x -0.01 … 1.01, y 0 … 1.
                "xlim": [-0.01, 1.01],
            },
            "cost": cost_style.relative_bars_constants(3),
        }

    def limits(self, values: Mapping[str, Any]) -> dict[str, list[int]]:
        """Offer only the group counts that divide both depths."""
        return {"groups": _divisors(values["in_channels"], values["filters"])}

    def _settings(self) -> tuple[int, int, int, int, bool, tuple[int, int, int]]:
        """Return ``k, C_in, C_out, g, use_bias`` and the input shape, from the controls."""
        k, c_in, c_out, g, bias, s = (
            self.value(key)
            for key in ("kernel_size", "in_channels", "filters", "groups", "use_bias", "size")
        )
        return k, c_in, c_out, g, bias, (s, s, c_in)

    def layers(self) -> dict[str, tuple[int, int]]:
        """Return ``{layer: (parameters, multiply-accumulates)}`` of the four layers compared.

        Keys: ``"standard"`` (k×k), ``"grouped"`` (k×k in g groups), ``"depthwise"`` (k×k,
        one group per channel) and ``"pointwise"`` (1×1).
        """
        k, c_in, c_out, g, bias, shape = self._settings()
        return {
            "standard": (conv_params(k, c_in, c_out, bias), conv_macs(shape, c_out, k)),
            "grouped": (conv_params(k, c_in, c_out, bias, groups=g),
                        conv_macs(shape, c_out, k, groups=g)),
            "depthwise": (conv_params(k, c_in, c_in, bias, groups=c_in),
                          conv_macs(shape, c_in, k, groups=c_in)),
            "pointwise": (conv_params(1, c_in, c_out, bias), conv_macs(shape, c_out, 1)),
        }  # fmt: skip

    def costs(self) -> dict[str, tuple[int, int]]:
        """Return ``{design: (parameters, multiply-accumulates)}``: the three designs drawn."""
        k, g = self.value("kernel_size"), self.value("groups")
        layers = self.layers()
        (dw_p, dw_m), (pw_p, pw_m) = layers["depthwise"], layers["pointwise"]
        return {
            f"standard {k}×{k}": layers["standard"],
            f"{k}×{k} in {plural(g, 'group')}": layers["grouped"],
            "depthwise + 1×1": (dw_p + pw_p, dw_m + pw_m),
        }

    def readout_lines(self) -> list[tuple[str, str]]:
        """Each design's counts as formulas, and the separable pair's share."""
        k, c_in, c_out, g, bias, shape = self._settings()
        layers = self.layers()
        pair = layers["depthwise"][1] + layers["pointwise"][1]
        share = pair / layers["standard"][1]
        rule = 1 / c_out + 1 / k**2
        groups = plural(g, "group")
        return [
            (f"Standard {k}×{k}: parameters", params_formula(k, c_in, c_out, bias)),
            (f"Standard {k}×{k}: multiply-accumulates", macs_formula(shape, c_out, k)),
            (f"In {groups}: parameters", params_formula(k, c_in, c_out, bias, groups=g)),
            (f"In {groups}: multiply-accumulates", macs_formula(shape, c_out, k, groups=g)),
            (f"Depthwise {k}×{k}: parameters", params_formula(k, c_in, c_in, bias, groups=c_in)),
            (
                f"Depthwise {k}×{k}: multiply-accumulates",
                macs_formula(shape, c_in, k, groups=c_in),
            ),
            ("Pointwise 1×1: parameters", params_formula(1, c_in, c_out, bias)),
            ("Pointwise 1×1: multiply-accumulates", macs_formula(shape, c_out, 1)),
            (
                "Depthwise + pointwise ÷ standard",
                f"{share:.4f} of the multiply-accumulates; 1/C_out + 1/k² = 1/{c_out} + "
                f"1/{k * k} = {rule:.4f}; the 1×1 layer does "
                f"{100 * layers['pointwise'][1] / pair:.1f} % of the pair's",
            ),
        ]

    def fixed_sizes(self) -> dict[str, int]:
        """None: the map size is a control here."""
        return {}

    def draw_picture(self, fig: Any) -> SeparablePicture:
        """Draw the channel groups above the cost bars on ``fig``; return their artists."""
        fig.set_size_inches(*self.figsize)
        fig.set_dpi(100)
        groups = draw_channel_groups(
            self.value("in_channels"), self.value("filters"), self.value("groups"),
            ax=fig.add_axes(self.groups_rect),
        )  # fmt: skip
        cost = draw_cost_comparison(self.costs(), relative=True, ax=fig.add_axes(self.cost_rect))
        return SeparablePicture(groups, cost)


@functools.cache
def _line_metrics() -> dict[str, float]:
    """Height above and below the baseline of a line of DejaVu Sans, in font sizes.

    Matplotlib aligns a text by the box of its line, at least as tall as ``"lp"``: the
    page puts each text's baseline where matplotlib does.
    """
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties

    font = FontProperties(family=FONT, size=1000)
    _, height, descent = RendererAgg(1, 1, 72).get_text_width_height_descent("lp", font, False)
    return {"ascent": (height - descent) / 1000, "descent": descent / 1000}


def _divisors(c_in: int, c_out: int) -> list[int]:
    """Return the group counts that divide both depths, as the groups slider offers them."""
    common = math.gcd(c_in, c_out)
    return [g for g in GROUPS if common % g == 0]
