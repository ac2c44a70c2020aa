"""ParamExplorer: the parameters and multiply-accumulates of one convolution layer, live."""

from __future__ import annotations

from typing import Any

from conv1x1_viz.draw import draw_filter_block
from conv1x1_viz.draw import filter_block as filter_block_style
from conv1x1_viz.explorers.controls import BIAS, Control, Preset, layer_controls
from conv1x1_viz.explorers.page import PageExplorer, plural, shape_text
from conv1x1_viz.formulas import format_count, macs_formula, params_formula
from conv1x1_viz.geometry import blocks as block_geometry
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


class ParamExplorer(PageExplorer):
    """Parameters and multiply-accumulates of a convolution layer, live, drawn in the page.

    Sliders ``"in_channels"`` (input depth ``C_in``), ``"filters"`` and
    ``"kernel_size"`` and a ``"use_bias"`` check box set a Keras ``Conv2D`` layer; the
    readout writes out its parameter count, e.g. ``(1·1·512 + 1)·64 = 32,832``, and
    its multiply-accumulates on one ``H × W`` input, and the filter-block drawing
    follows. The page draws both at every press (``js/param.js``); Python's
    :meth:`readout_lines` and :meth:`draw_picture` are what is saved for readers
    without a kernel.

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

    Examples
    --------
    >>> explorer = ParamExplorer(in_channels=512, filters=64)
    >>> explorer.set(filters=32)
    >>> print(explorer.summary())
    ParamExplorer
    Layer: Conv2D(32, 1×1) on a 28×28×512 input: 32 filters of 1×1×512
    Parameters: (1·1·512 + 1)·32 = 16,416
    Multiply-accumulates (one 28×28 image): 28·28·1·1·512·32 = 12,845,056
    """

    kind = "param-explorer"
    script = "param"
    #: The saved picture's size in inches and its axes (figure fractions), at 100 dpi: the
    #: page draws at the same scale, in CSS pixels.
    figsize = (5.8, 2.9)
    axes_rect = (0.01, 0.02, 0.98, 0.96)

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
        controls: dict[str, Control] = {
            **layer_controls(max_channels, max_filters, max_kernel),
            "use_bias": BIAS,
        }
        values = {
            "in_channels": in_channels,
            "filters": filters,
            "kernel_size": kernel_size,
            "use_bias": use_bias,
        }
        self._setup(controls, values, presets=PARAM_PRESETS, data=self._picture_data())

    def _picture_data(self) -> dict[str, Any]:
        """Return the input's size and the drawing's constants, for the page's picture."""
        style = filter_block_style._FILTER_BLOCK_STYLE
        return {
            "input_size": list(self.input_size),
            "unit": block_geometry.UNIT,
            "oblique_angle": block_geometry.OBLIQUE_ANGLE,
            "depth_scale": block_geometry.DEPTH_SCALE,
            "gap": 0.9,
            "max_dividers": style["max_dividers"],
            "colors": {
                "input": style["input_color"],
                "filter": style["filter_color"],
                "output": style["output_color"],
                "edge": style["edgecolor"],
            },
            "label_room": filter_block_style._LABEL_ROOM,
            "note_room": filter_block_style._NOTE_ROOM,
            "label_height": filter_block_style._LABEL_HEIGHT,
            "note_gap_pt": filter_block_style._NOTE_GAP,
            "fontsize_pt": style["fontsize"],
            "fontsize_px": style["fontsize"] * 100 / 72,
            "linewidth_px": style["linewidth"] * 100 / 72,
            # Width and height of the axes in pixels at 100 dpi, as in the saved picture.
            "axes_px": [
                100 * self.figsize[0] * self.axes_rect[2],
                100 * self.figsize[1] * self.axes_rect[3],
            ],
            "note": filter_block_style.NOT_TO_SCALE,
        }

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

    def largest_scene_bounds(self) -> tuple[float, float, float, float]:
        """Bounds of the largest layer the controls reach: the picture's fixed limits."""
        c_max, f_max, k_max = (
            self.controls[key].values()[-1] for key in ("in_channels", "filters", "kernel_size")
        )
        return filter_block_scene((*self.input_size, c_max), k_max, f_max).bounds

    def draw_picture(self, fig: Any) -> Any:
        """Draw the filter blocks of the current layer on ``fig``; return their artists."""
        fig.set_size_inches(*self.figsize)
        fig.set_dpi(100)
        ax = fig.add_axes(self.axes_rect)
        ax.set_axis_off()
        return draw_filter_block(
            self._input_shape(),
            self.value("kernel_size"),
            self.value("filters"),
            limits=self.largest_scene_bounds(),
            ax=ax,
        )
