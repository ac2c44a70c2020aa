"""BottleneckExplorer: a direct k×k layer against a 1×1 reduction followed by the same layer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from conv1x1_viz.draw import CostComparisonArtists, draw_cost_comparison
from conv1x1_viz.draw import cost_comparison as cost_style
from conv1x1_viz.explorers.controls import Choice, Preset, layer_controls
from conv1x1_viz.explorers.page import PageExplorer
from conv1x1_viz.formulas import BottleneckCosts, bottleneck_costs, format_count
from conv1x1_viz.validation import flag, size_pair

__all__ = ["BOTTLENECK_PRESETS", "BottleneckExplorer"]


def _design(c_in: int, r: int, k: int, n: int) -> dict:
    return {"in_channels": c_in, "reduction": r, "kernel_size": k, "filters": n}


#: Reductions the course talks about, one click each.
BOTTLENECK_PRESETS = (
    Preset(
        "Inception 5×5",
        _design(192, 16, 5, 32),
        "GoogLeNet's Inception (3a) module, its 5×5 branch (Going Deeper with Convolutions, "
        "2014): on a 28×28 input, the multiply-accumulates the paper's argument counts",
    ),
    Preset(
        "Inception 3×3",
        _design(192, 96, 3, 128),
        "Inception (3a), its 3×3 branch: 192 maps cut to 96 before 128 filters of 3×3",
    ),
    Preset(
        "tutorial 7×7",
        _design(512, 64, 7, 64),
        "the tutorial's case: 512 maps cut to 64 before 64 filters of 7×7",
    ),
    Preset(
        "ResNet-50 3×3",
        _design(256, 64, 3, 64),
        "ResNet-50's first bottleneck: 256 maps cut to 64 before its 3×3 layer",
    ),
)


class BottleneckExplorer(PageExplorer):
    """A direct ``k×k`` layer against a 1×1 reduction followed by the same layer.

    Sliders ``"in_channels"`` (input depth), ``"reduction"`` (filters of the 1×1
    layer, never more than the input depth), ``"kernel_size"`` and ``"filters"``
    (of the ``k×k`` layer) set both designs; the readout gives each layer's counts
    as formulas, the totals and their ratio, and the bars compare them. The page draws
    both at every press (``js/bottleneck.js``); Python's :meth:`readout_lines` and
    :meth:`draw_picture` are what is saved for readers without a kernel.

    Parameters
    ----------
    in_channels, reduction, kernel_size, filters : int, default 192, 16, 5, 32
        Starting values (the Inception example: a 28×28×192 input, 32 filters of
        5×5, reduced to 16 channels first).
    input_size : int or (int, int), default (28, 28)
        Height and width of the input (stride 1, ``"same"`` padding).
    use_bias : bool, default True
        Whether the layers have biases (parameters only); the readout says which.
    max_channels, max_filters : int, default 2048
        Largest depth and filter count offered (from :data:`DEPTHS`).
    max_kernel : int, default 11
        Largest kernel size offered (from :data:`KERNELS`).

    Examples
    --------
    >>> explorer = BottleneckExplorer()
    >>> explorer.set(reduction=32)
    >>> print(explorer.summary().splitlines()[-1])
    direct 5×5 ÷ 1×1 to 32, then 5×5: parameters 4.83×, multiply-accumulates 4.84×
    """

    kind = "bottleneck-explorer"
    script = "bottleneck"
    #: The saved picture's size in inches and its axes (figure fractions), at 100 dpi: the
    #: page draws at the same scale, in CSS pixels.
    figsize = (5.8, 2.8)
    axes_rect = (0.31, 0.17, 0.66, 0.64)

    def __init__(
        self,
        in_channels: int = 192,
        reduction: int = 16,
        kernel_size: int = 5,
        filters: int = 32,
        *,
        input_size: int | tuple[int, int] = (28, 28),
        use_bias: bool = True,
        max_channels: int = 2048,
        max_filters: int = 2048,
        max_kernel: int = 11,
    ) -> None:
        super().__init__()
        self.input_size = size_pair("input_size", input_size)
        self.use_bias = flag("use_bias", use_bias)
        layer = layer_controls(max_channels, max_filters, max_kernel)
        depths = layer["in_channels"]
        controls = {
            "in_channels": depths,
            "reduction": Choice("1×1 reduction to", depths.options),
            "kernel_size": layer["kernel_size"],
            "filters": layer["filters"],
        }
        in_channels = depths.check("in_channels", in_channels)
        controls["reduction"].capped(in_channels).check("reduction", reduction)
        values = {
            "in_channels": in_channels,
            "reduction": reduction,
            "kernel_size": kernel_size,
            "filters": filters,
        }
        self._setup(controls, values, presets=BOTTLENECK_PRESETS, data=self._picture_data())

    def _picture_data(self) -> dict[str, Any]:
        """Return the input, the biases and the drawing's constants, for the page's picture.

        The colours, font size, room for the numbers, longest bar and bar layout are read
        from :mod:`~conv1x1_viz.draw.cost_comparison` and
        :func:`~conv1x1_viz.geometry.cost_bar_layout`; a browser test compares the page's
        texts and bars with the saved picture's.
        """
        return {
            "input_size": list(self.input_size),
            "use_bias": self.use_bias,
            "figure_px": [100 * self.figsize[0], 100 * self.figsize[1]],
            "axes_rect": list(self.axes_rect),
            "cost": cost_style.relative_bars_constants(2),
        }

    def limits(self, values: Mapping[str, Any]) -> dict[str, int]:
        """Reduce to no more maps than the input has: ``reduction`` ≤ ``in_channels``."""
        return {"reduction": values["in_channels"]}

    def costs(self) -> BottleneckCosts:
        """Return the costs of both designs for the current controls.

        Returns
        -------
        BottleneckCosts
            From :func:`~conv1x1_viz.formulas.bottleneck_costs`.
        """
        return bottleneck_costs(
            (*self.input_size, self.value("in_channels")),
            self.value("filters"),
            self.value("kernel_size"),
            self.value("reduction"),
            use_bias=self.use_bias,
        )

    def _names(self) -> tuple[str, str]:
        k, r = self.value("kernel_size"), self.value("reduction")
        return f"direct {k}×{k}", f"1×1 to {format_count(r)}, then {k}×{k}"

    def fixed_sizes(self) -> dict[str, int]:
        """Height and width of the input (its depth is a slider), and 1 if biased."""
        h, w = self.input_size
        return {"height": h, "width": w, "use_bias": int(self.use_bias)}

    def readout_lines(self) -> list[tuple[str, str]]:
        """Each layer's counts, the totals and the ratios."""
        costs = self.costs()
        k, r = self.value("kernel_size"), self.value("reduction")
        direct, bottleneck = self._names()
        biases = "one per filter, counted in the parameters" if self.use_bias else "none"
        return [
            ("Biases", biases),
            (f"Direct {k}×{k}: parameters", costs.direct.params_formula),
            (f"Direct {k}×{k}: multiply-accumulates", costs.direct.macs_formula),
            (f"1×1 to {r}: parameters", costs.reduce.params_formula),
            (f"1×1 to {r}: multiply-accumulates", costs.reduce.macs_formula),
            (f"{k}×{k} after it: parameters", costs.conv.params_formula),
            (f"{k}×{k} after it: multiply-accumulates", costs.conv.macs_formula),
            (
                f"{bottleneck}: totals",
                f"{format_count(costs.reduced_params)} parameters, "
                f"{format_count(costs.reduced_macs)} multiply-accumulates",
            ),
            (
                f"{direct} ÷ {bottleneck}",
                f"parameters {costs.params_ratio:.2f}×, "
                f"multiply-accumulates {costs.macs_ratio:.2f}×",
            ),
        ]

    def _bars(self) -> dict[str, tuple[int, int]]:
        costs = self.costs()
        direct, bottleneck = self._names()
        return {
            direct: (costs.direct.params, costs.direct.macs),
            bottleneck: (costs.reduced_params, costs.reduced_macs),
        }

    def draw_picture(self, fig: Any) -> CostComparisonArtists:
        """Draw the bars on ``fig``, as shares of the direct layer's counts, to scale.

        Returns
        -------
        CostComparisonArtists
            The bars, their numbers and the designs' names
            (:func:`~conv1x1_viz.draw.draw_cost_comparison`).
        """
        fig.set_size_inches(*self.figsize)
        fig.set_dpi(100)
        ax = fig.add_axes(self.axes_rect)
        return draw_cost_comparison(self._bars(), relative=True, ax=ax)
