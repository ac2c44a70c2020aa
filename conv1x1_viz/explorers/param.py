"""ParamExplorer: the parameters and multiply-accumulates of one convolution layer, live."""

from __future__ import annotations

from conv1x1_viz.draw import artists_of, draw_filter_block
from conv1x1_viz.explorers.base import Explorer, frameless_axes, plural, shape_text
from conv1x1_viz.explorers.controls import BIAS, Preset, layer_controls
from conv1x1_viz.formulas import format_count, macs_formula, params_formula
from conv1x1_viz.geometry import filter_block_scene
from conv1x1_viz.validation import size_pair

__all__ = ["PARAM_PRESETS", "ParamExplorer"]


def _layer(c_in: int, n: int, k: int, bias: bool = True) -> dict:
    return {"in_channels": c_in, "filters": n, "kernel_size": k, "use_bias": bias}


#: Layers the course talks about, one click each.
PARAM_PRESETS = (
    Preset("RGB → 512, 3×3", _layer(3, 512, 3), "the tutorial's first layer, on a colour image"),
    Preset("512 → 512, 1×1", _layer(512, 512, 1), "the tutorial's projection"),
    Preset("512 → 64, 1×1", _layer(512, 64, 1), "the tutorial's reduction"),
    Preset("512 → 1,024, 1×1", _layer(512, 1024, 1), "the tutorial's expansion"),
    Preset("512 → 64, 7×7", _layer(512, 64, 7), "the tutorial's 7×7 layer, without a reduction"),
    Preset("SqueezeNet fire2", _layer(96, 16, 1), "SqueezeNet's fire2 module, its 1×1 squeeze"),
    Preset(
        "ResNet-50 1×1",
        _layer(256, 64, 1, False),
        "ResNet-50's first bottleneck, the 1×1 layer from 256 maps to 64 (no bias: batch "
        "normalisation follows)",
    ),
    Preset(
        "MobileNet 1×1",
        _layer(512, 512, 1, False),
        "a pointwise layer of MobileNet's 14×14 stage, 512 maps to 512 (no bias)",
    ),
)


class ParamExplorer(Explorer):
    """Parameters and multiply-accumulates of a convolution layer, live.

    Sliders ``"in_channels"`` (input depth ``C_in``), ``"filters"`` and
    ``"kernel_size"`` and a ``"use_bias"`` check box set a Keras ``Conv2D`` layer; the
    readout writes out its parameter count, e.g. ``(1·1·512 + 1)·64 = 32,832``, and
    its multiply-accumulates on one ``H × W`` input, and the filter-block drawing
    follows.

    Parameters
    ----------
    in_channels, filters, kernel_size : int, default 512, 64, 1
        Starting values: depths and filter counts from :data:`DEPTHS`, kernel sizes
        from :data:`KERNELS` (the slider offers those, one key press apart).
    use_bias : bool, default True
        Starting value of the bias check box.
    input_size : int or (int, int), default (28, 28)
        Height and width of the input, used for the multiply-accumulates and the
        drawing (stride 1, ``"same"`` padding, so the output has the same size).
    max_channels, max_filters : int, default 2048
        Largest ``C_in`` and filter count offered.
    max_kernel : int, default 11
        Largest kernel size offered.

    Attributes
    ----------
    block : FilterBlockArtists
        The drawing (:func:`~conv1x1_viz.draw.draw_filter_block`).

    Examples
    --------
    >>> explorer = ParamExplorer(in_channels=512, filters=64)
    >>> explorer.sliders["filters"].value = 32
    >>> print(explorer.summary())
    ParamExplorer
    Layer: Conv2D(32, 1×1) on a 28×28×512 input: 32 filters of 1×1×512
    Parameters: (1·1·512 + 1)·32 = 16,416
    Multiply-accumulates (one 28×28 image): 28·28·1·1·512·32 = 12,845,056
    """

    kind = "param-explorer"

    def __init__(
        self,
        in_channels: int = 512,
        filters: int = 64,
        kernel_size: int = 1,
        use_bias: bool = True,
        *,
        input_size: int | tuple[int, int] = (28, 28),
        max_channels: int = 2048,
        max_filters: int = 2048,
        max_kernel: int = 11,
    ) -> None:
        super().__init__()
        self.input_size = size_pair("input_size", input_size)
        controls = {**layer_controls(max_channels, max_filters, max_kernel), "use_bias": BIAS}
        values = {
            "in_channels": in_channels,
            "filters": filters,
            "kernel_size": kernel_size,
            "use_bias": use_bias,
        }
        self._setup(controls, values, figsize=(5.8, 2.9), presets=PARAM_PRESETS)

    def _input_shape(self) -> tuple[int, int, int]:
        return (*self.input_size, self.value("in_channels"))

    def fixed_sizes(self) -> dict[str, int]:
        """Height and width of the input (its depth is a slider)."""
        h, w = self.input_size
        return {"height": h, "width": w}

    def readout_lines(self) -> list[tuple[str, str]]:
        """Layer, parameters and multiply-accumulates, with their formulas."""
        c_in, n, k = self.value("in_channels"), self.value("filters"), self.value("kernel_size")
        h, w = self.input_size
        return [
            (
                "Layer",
                f"Conv2D({format_count(n)}, {k}×{k}) on a {shape_text(h, w, c_in)} input: "
                f"{plural(n, 'filter')} of {shape_text(k, k, c_in)}",
            ),
            ("Parameters", params_formula(k, c_in, n, self.value("use_bias"))),
            (
                f"Multiply-accumulates (one {h}×{w} image)",
                macs_formula(self._input_shape(), n, k),
            ),
        ]

    def draw(self) -> None:
        """Draw the filter blocks, with limits fixed by the largest layer the sliders reach."""
        ax = frameless_axes(self.fig, [0.01, 0.02, 0.98, 0.96])
        c_max, f_max, k_max = (
            self.controls[key].values()[-1] for key in ("in_channels", "filters", "kernel_size")
        )
        biggest = filter_block_scene((*self.input_size, c_max), k_max, f_max)
        self.block = draw_filter_block(
            self._input_shape(),
            self.value("kernel_size"),
            self.value("filters"),
            limits=biggest.bounds,
            ax=ax,
        )

    def animated_artists(self) -> list:
        """Return every part of the filter-block drawing: all of it follows the sliders."""
        return artists_of(self.block)

    def update_figure(self) -> None:
        """Move the blocks to the current layer."""
        self.block.update(self._input_shape(), self.value("kernel_size"), self.value("filters"))
