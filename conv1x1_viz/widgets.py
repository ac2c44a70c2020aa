"""Live explorers: sliders that move the drawings and rewrite the counts as they move.

Import this module explicitly (``from conv1x1_viz.widgets import ParamExplorer``): it
brings in matplotlib and ipywidgets, which ``import conv1x1_viz`` does not load up
front (the package also resolves ``conv1x1_viz.ParamExplorer`` lazily).

Every explorer is an :class:`ipywidgets.VBox` with

- ``.sliders``: a dict of the controls, e.g. ``explorer.sliders["filters"]``;
- ``.readout``: an :class:`ipywidgets.HTML` with the counts as formulas, numbers
  plugged in;
- ``.fig``: the matplotlib figure;
- ``.errors``: an :class:`ipywidgets.Output` where an exception raised while
  updating is shown, instead of disappearing into the kernel log;
- ``.update()``: the one update path, run at construction and on every change of a
  control; it calls :meth:`~Explorer.update_readout` (counts and text, cheap) and
  :meth:`~Explorer.update_figure` (artists changed in place), then redraws once.

The figure
----------
With the ipympl backend (``%matplotlib widget``) the figure is made with
``plt.ioff()`` and its canvas, itself a widget, sits inside the explorer. With any
other backend (inline, Agg in tests) the figure is a plain Agg figure, never
registered with pyplot, shown through an :class:`ipywidgets.Image` that each update
refreshes with a PNG.

Static rendering
----------------
An explorer's ``_repr_mimebundle_`` carries the widget view, an ``image/png``
snapshot of the figure and a ``text/plain`` copy of the readout, and no
``text/html``: a live notebook shows the widget, while GitHub and nbviewer, which
cannot run widgets, show the picture.

DOM classes (for browser tests and styling): the explorer has ``c1x1-explorer`` and
``c1x1-<kind>`` (``param-explorer``, ``mixing-explorer``, ``reduction-explorer``,
``bottleneck-explorer``, ``reconstruction-explorer``); each control
``c1x1-slider-<key>``; the readout ``c1x1-readout``; the error area ``c1x1-errors``;
the figure ``c1x1-figure``.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import html
import io
import math
import traceback
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, ClassVar

import ipywidgets
import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from conv1x1_viz.arithmetic import conv1x1, conv2d_reference
from conv1x1_viz.draw import (
    FONT,
    draw_channel_mixing,
    draw_cost_comparison,
    draw_feature_map_grid,
    draw_filter_block,
    fixed_title,
)
from conv1x1_viz.formulas import (
    BottleneckCosts,
    bottleneck_costs,
    dot_formula,
    format_count,
    layer_cost,
    macs_formula,
    params_formula,
)
from conv1x1_viz.geometry import filter_block_scene, grid_layout
from conv1x1_viz.pca import (
    pca_errors,
    principal_components,
    random_reduction,
    reconstruction_error,
)
from conv1x1_viz.validation import flag, size_pair, whole_number

__all__ = [
    "BottleneckExplorer",
    "Explorer",
    "MixingExplorer",
    "ParamExplorer",
    "ReconstructionExplorer",
    "ReductionExplorer",
    "sample_image",
]

#: Where :func:`sample_image` comes from: a photograph shipped with matplotlib.
SAMPLE_IMAGE = "grace_hopper.jpg"
_MAX_ERRORS = 5
_SLIDER_LAYOUT = {"width": "460px"}
_SLIDER_STYLE = {"description_width": "170px"}


# ------------------------------------------------------------------------------ helpers


def _uses_widget_backend() -> bool:
    """Whether matplotlib draws through ipympl (``%matplotlib widget``)."""
    backend = str(matplotlib.get_backend()).lower()
    return "ipympl" in backend or backend == "widget"


def _new_figure(figsize: tuple[float, float], dpi: float) -> tuple[Figure, ipywidgets.DOMWidget]:
    """Make an explorer's figure and the widget that shows it (see the module notes)."""
    if _uses_widget_backend():
        import matplotlib.pyplot as plt

        with plt.ioff():
            fig = plt.figure(figsize=figsize, dpi=dpi)
        canvas = fig.canvas
        canvas.header_visible = False
        canvas.footer_visible = False
        canvas.toolbar_visible = False
        canvas.resizable = False
        # ipympl 0.10 keeps a picture of the figure in ``_data_url`` until the front
        # end says it is ready, but writes it without its ``data:image/png;base64,``
        # prefix: an explorer drawn before then would show a broken image for good.
        # The front end asks for a full draw once ready, and static renderers get our
        # own snapshot (see ``_repr_mimebundle_``), so that picture is not needed.
        canvas.syncing_data_url = False
        view: ipywidgets.DOMWidget = canvas
    else:
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        fig = Figure(figsize=figsize, dpi=dpi)
        FigureCanvasAgg(fig)
        view = ipywidgets.Image(format="png")
    view.add_class("c1x1-figure")
    return fig, view


def _render_png(fig: Figure) -> bytes:
    """Draw ``fig`` on its Agg canvas and encode it as a small PNG, quickly.

    For live updates only: the colours are reduced to a 256-colour palette (fast
    octree), which makes encoding about three times faster and the image about three
    times smaller than full colour at the lowest compression, at the price of slight
    banding in photographs. :meth:`Explorer.snapshot` saves full colour.
    """
    from PIL import Image

    fig.canvas.draw()
    rgba = fig.canvas.buffer_rgba()
    size = (rgba.shape[1], rgba.shape[0])
    picture = Image.frombuffer("RGBA", size, rgba, "raw", "RGBA", 0, 1).convert("RGB")
    buffer = io.BytesIO()
    picture.quantize(256, method=Image.Quantize.FASTOCTREE).save(
        buffer, format="png", compress_level=1
    )
    return buffer.getvalue()


def _slider(
    value: int, low: int, high: int, description: str, *, continuous: bool = True
) -> ipywidgets.IntSlider:
    return ipywidgets.IntSlider(
        value=value,
        min=low,
        max=high,
        step=1,
        description=description,
        continuous_update=continuous,
        layout=_SLIDER_LAYOUT,
        style=_SLIDER_STYLE,
    )


def _plural(n: int, word: str) -> str:
    return f"{format_count(n)} {word}" + ("" if n == 1 else "s")


def _shape(*sizes: int) -> str:
    return "×".join(format_count(s) for s in sizes)


@functools.lru_cache(maxsize=8)
def _cached_image(size: int) -> np.ndarray:
    import matplotlib.cbook as cbook
    import matplotlib.image as mpimg

    with cbook.get_sample_data(SAMPLE_IMAGE) as file:
        pixels = mpimg.imread(file, format="jpg")
    side = min(pixels.shape[:2])
    side -= side % size
    block = side // size
    # The top square of the portrait, which holds the face; averaged in blocks.
    square = pixels[:side, (pixels.shape[1] - side) // 2 :][:, :side, :3].astype(float)
    small = square.reshape(size, block, size, block, 3).mean(axis=(1, 3)) / 255.0
    small.setflags(write=False)
    return small


def sample_image(size: int = 64) -> np.ndarray:
    """Return a real photograph shipped with matplotlib, small and square, values 0 … 1.

    Parameters
    ----------
    size : int, default 64
        Height and width in pixels, 4 … 512; the picture is shrunk by averaging
        blocks of pixels.

    Returns
    -------
    numpy.ndarray, shape (size, size, 3)
        RGB, channels last, read-only.
    """
    return _cached_image(whole_number("size", size, 4, 512))


def _seeded_kernel(
    kernel_size: int, in_channels: int, filters: int, seed: int, *, zero_mean: bool = False
) -> np.ndarray:
    """He-scaled normal weights ``(k, k, C_in, filters)`` from a seeded generator."""
    rng = np.random.default_rng(seed)
    fan_in = kernel_size * kernel_size * in_channels
    shape = (kernel_size, kernel_size, in_channels, filters)
    kernel = rng.normal(0.0, math.sqrt(2.0 / fan_in), shape)
    if zero_mean:  # each filter ignores flat colour and answers to edges and contrasts
        kernel -= kernel.mean(axis=(0, 1, 2), keepdims=True)
    return kernel


def _relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0.0)


def _image_features(image: np.ndarray, filters: int, seed: int) -> np.ndarray:
    """Apply a fixed, seeded 3×3 convolution layer with ReLU to ``image``."""
    kernel = _seeded_kernel(3, image.shape[2], filters, seed, zero_mean=True)
    return _relu(conv2d_reference(image, kernel))


def _readout(lines: Sequence[tuple[str, str]]) -> tuple[str, str]:
    """Render ``(label, text)`` lines as the readout's HTML and as plain text."""
    rows = "".join(
        f"<div><b>{html.escape(label)}</b>: {html.escape(text)}</div>" for label, text in lines
    )
    body = (
        f'<div style="font-family: {FONT}, sans-serif; line-height: 1.6; '
        f'font-variant-numeric: tabular-nums">{rows}</div>'
    )
    return body, "\n".join(f"{label}: {text}" for label, text in lines)


# ----------------------------------------------------------------------------- explorer


class Explorer(ipywidgets.VBox):
    """What every explorer shares: controls, readout, figure, errors and one update path.

    Subclasses set :attr:`kind`, build their controls and call :meth:`_setup`, and
    implement :meth:`readout_lines`, :meth:`_draw` and :meth:`update_figure`
    (optionally :meth:`_sync_limits`, which keeps dependent sliders valid).
    """

    #: The ``c1x1-<kind>`` DOM class.
    kind: ClassVar[str] = "explorer"

    sliders: dict[str, ipywidgets.ValueWidget]
    readout: ipywidgets.HTML
    errors: ipywidgets.Output
    fig: Figure

    def _setup(
        self,
        sliders: dict[str, ipywidgets.ValueWidget],
        figsize: tuple[float, float],
        dpi: float = 100,
    ) -> None:
        self.sliders = sliders
        self.readout = ipywidgets.HTML()
        self.readout.add_class("c1x1-readout")
        self.errors = ipywidgets.Output()
        self.errors.add_class("c1x1-errors")
        self.fig, self._view = _new_figure(figsize, dpi)
        self._busy = False
        self._plain = ""
        self._sync_limits()
        self._draw()
        for key, widget in sliders.items():
            widget.add_class(f"c1x1-slider-{key}")
            widget.observe(self._on_change, names="value")
        controls = ipywidgets.VBox(list(sliders.values()))
        controls.add_class("c1x1-controls")
        self.children = [controls, self.readout, self._view, self.errors]
        self.add_class("c1x1-explorer")
        self.add_class(f"c1x1-{self.kind}")
        for key, size in self.fixed_sizes().items():
            self.add_class(f"c1x1-fixed-{key}-{size}")
        self.update()

    # -- the update path ---------------------------------------------------------------

    def value(self, key: str) -> Any:
        """Return the current value of control ``key``."""
        return self.sliders[key].value

    def readout_lines(self) -> list[tuple[str, str]]:
        """Return the readout as ``(label, text)`` lines for the current control values."""
        raise NotImplementedError

    def update_readout(self) -> None:
        """Recompute the counts and rewrite :attr:`readout` (no drawing)."""
        self.readout.value, self._plain = _readout(self.readout_lines())

    def _draw(self) -> None:
        """Create the axes and artists, once."""
        raise NotImplementedError

    def update_figure(self) -> None:
        """Change the artists in place for the current control values (no redraw)."""
        raise NotImplementedError

    def _sync_limits(self) -> None:
        """Adjust dependent slider limits so that invalid settings cannot be reached."""

    def fixed_sizes(self) -> dict[str, int]:
        """Sizes set when the explorer was made, not by a control, e.g. ``{"height": 64}``.

        The readout's counts depend on them; each is also a DOM class
        ``c1x1-fixed-<key>-<size>`` on the explorer, so that a browser test can compute
        the counts the page must show.
        """
        return {}

    def _redraw(self) -> None:
        if isinstance(self._view, ipywidgets.Image):
            self._view.value = _render_png(self.fig)
        else:
            self.fig.canvas.draw_idle()

    def update(self) -> None:
        """Bring the readout and the figure up to date with the controls."""
        self.update_readout()
        self.update_figure()
        self._redraw()

    def _on_change(self, change: dict[str, Any]) -> None:
        """React to a control; errors go to :attr:`errors` instead of the kernel log."""
        if self._busy:  # a limit being adjusted below, or hold_updates()
            return
        self._busy = True
        try:
            self._sync_limits()
            self.update()
        except Exception as exc:  # shown to the learner rather than lost in the kernel log
            self.show_error(exc)
        finally:
            self._busy = False

    @contextlib.contextmanager
    def hold_updates(self) -> Iterator[Explorer]:
        """Change several controls at once and update once, at the end.

        Examples
        --------
        >>> explorer = ParamExplorer()  # doctest: +SKIP
        >>> with explorer.hold_updates():  # doctest: +SKIP
        ...     explorer.sliders["in_channels"].value = 256
        ...     explorer.sliders["filters"].value = 32
        """
        outer = self._busy
        self._busy = True
        try:
            yield self
        finally:
            self._busy = outer
        if not outer:
            self._sync_limits()
            self.update()

    def show_error(self, exc: BaseException) -> None:
        """Show an exception, with its traceback, in :attr:`errors` (the last few kept)."""
        entry = {
            "output_type": "error",
            "ename": type(exc).__name__,
            "evalue": str(exc),
            "traceback": [line.rstrip("\n") for line in traceback.format_exception(exc)],
        }
        self.errors.outputs = (*self.errors.outputs[-(_MAX_ERRORS - 1) :], entry)

    # -- display -----------------------------------------------------------------------

    def summary(self) -> str:
        """Plain-text readout, headed by the explorer's name (deterministic)."""
        return f"{type(self).__name__}\n{self._plain}"

    def snapshot(self) -> bytes:
        """Return a full-colour PNG picture of the figure as it is now."""
        buffer = io.BytesIO()
        self.fig.savefig(buffer, format="png")
        return buffer.getvalue()

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        """Widget view, plus a PNG snapshot and plain text for static renderers."""
        data = super()._repr_mimebundle_(**kwargs) or {}
        data.pop("text/html", None)
        data["text/plain"] = self.summary()
        data["image/png"] = base64.b64encode(self.snapshot()).decode("ascii")
        return data

    def __repr__(self) -> str:
        """Name and control values, e.g. ``<ParamExplorer: in_channels=512, ...>``."""
        values = ", ".join(f"{key}={self.value(key)!r}" for key in self.sliders)
        return f"<{type(self).__name__}: {values}>"


def _frameless_axes(fig: Figure, rect: Sequence[float]) -> Axes:
    ax = fig.add_axes(rect)
    ax.set_axis_off()
    return ax


# ------------------------------------------------------------------------ ParamExplorer


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
        Starting values.
    use_bias : bool, default True
        Starting value of the bias check box.
    input_size : int or (int, int), default (28, 28)
        Height and width of the input, used for the multiply-accumulates and the
        drawing (stride 1, ``"same"`` padding, so the output has the same size).
    max_channels, max_filters : int, default 2048
        Slider ranges for ``C_in`` and the filter count.
    max_kernel : int, default 7
        Largest kernel size.

    Examples
    --------
    >>> explorer = ParamExplorer(in_channels=512, filters=64)  # doctest: +SKIP
    >>> explorer.sliders["filters"].value = 32  # doctest: +SKIP
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
        max_kernel: int = 7,
    ) -> None:
        super().__init__()
        self.input_size = size_pair("input_size", input_size)
        max_channels = whole_number("max_channels", max_channels)
        max_filters = whole_number("max_filters", max_filters)
        max_kernel = whole_number("max_kernel", max_kernel)
        sliders: dict[str, ipywidgets.ValueWidget] = {
            "in_channels": _slider(
                whole_number("in_channels", in_channels, 1, max_channels),
                1,
                max_channels,
                "input depth C_in",
            ),
            "filters": _slider(
                whole_number("filters", filters, 1, max_filters), 1, max_filters, "filters C_out"
            ),
            "kernel_size": _slider(
                whole_number("kernel_size", kernel_size, 1, max_kernel), 1, max_kernel, "kernel k×k"
            ),
            "use_bias": ipywidgets.Checkbox(
                value=flag("use_bias", use_bias), description="bias per filter"
            ),
        }
        self._largest = (max_channels, max_filters, max_kernel)
        self._setup(sliders, figsize=(7.6, 3.3))

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
                f"Conv2D({format_count(n)}, {k}×{k}) on a {_shape(h, w, c_in)} input: "
                f"{_plural(n, 'filter')} of {_shape(k, k, c_in)}",
            ),
            ("Parameters", params_formula(k, c_in, n, bool(self.value("use_bias")))),
            (
                f"Multiply-accumulates (one {h}×{w} image)",
                macs_formula(self._input_shape(), n, k),
            ),
        ]

    def _draw(self) -> None:
        ax = _frameless_axes(self.fig, [0.01, 0.02, 0.98, 0.96])
        c_max, f_max, k_max = self._largest
        biggest = filter_block_scene((*self.input_size, c_max), k_max, f_max)
        self._block = draw_filter_block(
            self._input_shape(),
            self.value("kernel_size"),
            self.value("filters"),
            limits=biggest.bounds,
            ax=ax,
        )

    def update_figure(self) -> None:
        """Move the blocks to the current layer."""
        self._block.update(self._input_shape(), self.value("kernel_size"), self.value("filters"))


# ----------------------------------------------------------------------- MixingExplorer


class MixingExplorer(Explorer):
    """One pixel's channels going through a 1×1 layer, as a matrix product.

    The input is a real photograph (:func:`sample_image`) through a fixed, seeded
    3×3 convolution layer with ReLU, so every pixel has ``in_channels`` feature
    values. Sliders ``"row"`` and ``"col"`` pick the pixel, ``"filters"`` sets
    ``C_out`` (the first ``C_out`` columns of a fixed, seeded weight matrix) and
    ``"output"`` chooses the output whose weights are highlighted and whose sum is
    written out.

    Parameters
    ----------
    in_channels : int, default 6
        ``C_in``, the features per pixel.
    filters : int, default 4
        Starting ``C_out``.
    row, col : int, optional
        Starting pixel; by default the middle column, three eighths of the way down
        (the face in the sample picture).
    image_size : int, default 32
        Height and width of the picture.
    max_filters : int, default 16
        Largest ``C_out``.
    seed : int, default 0
        Seed of the weights.
    """

    kind = "mixing-explorer"

    def __init__(
        self,
        in_channels: int = 6,
        filters: int = 4,
        *,
        row: int | None = None,
        col: int | None = None,
        image_size: int = 32,
        max_filters: int = 16,
        seed: int = 0,
    ) -> None:
        super().__init__()
        in_channels = whole_number("in_channels", in_channels, 1, 64)
        max_filters = whole_number("max_filters", max_filters)
        self.image = sample_image(image_size)
        self.features = _image_features(self.image, in_channels, seed)
        # One row per pixel, ready for the matrix product; Keras order (C_in, C_out).
        self.weights = _seeded_kernel(1, in_channels, max_filters, seed + 1)[0, 0]
        every_output = conv1x1(self.features, self.weights)
        self._limits = {
            "x_limit": float(np.abs(self.features).max()) or 1.0,
            "weight_limit": float(np.abs(self.weights).max()) or 1.0,
            "y_limit": float(np.abs(every_output).max()) or 1.0,
        }
        size = self.image.shape[0]
        row = size * 3 // 8 if row is None else row
        col = size // 2 if col is None else col
        filters = whole_number("filters", filters, 1, max_filters)
        sliders: dict[str, ipywidgets.ValueWidget] = {
            "row": _slider(whole_number("row", row, 0, size - 1), 0, size - 1, "pixel row"),
            "col": _slider(whole_number("col", col, 0, size - 1), 0, size - 1, "pixel column"),
            "filters": _slider(filters, 1, max_filters, "filters C_out"),
            "output": _slider(0, 0, filters - 1, "highlighted output"),
        }
        self._setup(sliders, figsize=(8.6, 3.6))

    def _sync_limits(self) -> None:
        self.sliders["output"].max = self.value("filters") - 1

    def _pixel(self) -> tuple[int, int]:
        return self.value("row"), self.value("col")

    def fixed_sizes(self) -> dict[str, int]:
        """Height, width and depth of the feature maps the pixels come from."""
        h, w, c = self.features.shape
        return {"height": h, "width": w, "in_channels": c}

    def readout_lines(self) -> list[tuple[str, str]]:
        """Return the highlighted output's sum, and the layer's weights and MACs."""
        (r, c), n, out = self._pixel(), self.value("filters"), self.value("output")
        c_in = self.features.shape[2]
        h, w = self.features.shape[:2]
        x = self.features[r, c]
        return [
            (
                f"Pixel ({r}, {c})",
                f"{_plural(c_in, 'channel value')} in, {_plural(n, 'output')} out",
            ),
            (f"Output {out}", dot_formula(self.weights[:, out], x, max_terms=4)),
            ("Weights in W (no bias)", params_formula(1, c_in, n, use_bias=False)),
            ("Multiply-accumulates for this pixel", f"{c_in}·{n} = {format_count(c_in * n)}"),
            (
                f"Multiply-accumulates for the {h}×{w} image",
                macs_formula(self.features.shape, n, 1),
            ),
        ]

    def _draw(self) -> None:
        fig = self.fig
        self._picture_ax = fig.add_axes([0.01, 0.12, 0.25, 0.76])
        self._picture_ax.imshow(self.image, interpolation="nearest")
        self._picture_ax.set_axis_off()
        fixed_title(self._picture_ax, "pick a pixel", fontsize=9)
        style = {"color": "#ffdd33", "linewidth": 1.0}
        self._cross = (
            self._picture_ax.axhline(0, **style),
            self._picture_ax.axvline(0, **style),
        )
        ax = _frameless_axes(fig, [0.30, 0.02, 0.69, 0.96])
        self._mixing = draw_channel_mixing(
            self.features[self._pixel()],
            self.weights[:, : self.value("filters")],
            self.value("output"),
            pixel=self._pixel(),
            ax=ax,
            show_sum=False,  # the readout writes the sum out
            **self._limits,
        )

    def update_figure(self) -> None:
        """Move the cross-hair and redraw the matrix product in place."""
        r, c = self._pixel()
        self._cross[0].set_ydata([r, r])
        self._cross[1].set_xdata([c, c])
        self._mixing.update(
            self.features[r, c],
            self.weights[:, : self.value("filters")],
            self.value("output"),
            pixel=(r, c),
        )


# -------------------------------------------------------------------- ReductionExplorer


class ReductionExplorer(Explorer):
    """A photograph through a convolution layer, then a 1×1 layer that cuts the depth.

    The picture (:func:`sample_image`) goes through a fixed, seeded 3×3 convolution
    layer with ``features`` filters and ReLU (computed here with NumPy), then
    through a 1×1 layer (seeded weights, ReLU) whose number of filters is the
    ``"filters"`` slider. The maps before and after are shown side by side, and the
    readout gives the 1×1 layer's parameters, multiply-accumulates and how many
    values each image is left with.

    The 1×1 layer is computed once, with :func:`~conv1x1_viz.arithmetic.conv1x1`,
    for the largest number of filters; ``n`` filters give its first ``n`` maps,
    since each output map depends on its own filter only. A slider tick therefore
    only redraws.

    Parameters
    ----------
    filters : int, default 8
        Starting number of 1×1 filters.
    features : int, default 32
        Filters of the 3×3 layer, the depth the 1×1 layer reduces.
    image_size : int, default 64
        Height and width of the picture.
    max_filters : int, default 64
        Largest number of 1×1 filters.
    max_maps : int, default 16
        Maps drawn per grid; the rest are counted as "+N more".
    seed : int, default 0
        Seed of both layers' weights.
    """

    kind = "reduction-explorer"

    def __init__(
        self,
        filters: int = 8,
        *,
        features: int = 32,
        image_size: int = 64,
        max_filters: int = 64,
        max_maps: int = 16,
        seed: int = 0,
    ) -> None:
        super().__init__()
        features = whole_number("features", features, 1, 512)
        max_filters = whole_number("max_filters", max_filters)
        self.max_maps = whole_number("max_maps", max_maps)
        self.image = sample_image(image_size)
        self.before = _image_features(self.image, features, seed)
        self.weights = _seeded_kernel(1, features, max_filters, seed + 1)[0, 0]
        self._every_after = _relu(conv1x1(self.before, self.weights))
        # One colour scale per grid, fixed over every setting the slider reaches; the
        # top half-percent saturates, so that sparse edge maps are not all dark.
        self._before_max = float(np.percentile(self.before, 99.5)) or 1.0
        self._after_max = float(np.percentile(self._every_after, 99.5)) or 1.0
        sliders: dict[str, ipywidgets.ValueWidget] = {
            "filters": _slider(
                whole_number("filters", filters, 1, max_filters), 1, max_filters, "1×1 filters"
            ),
        }
        self._setup(sliders, figsize=(9.0, 3.9))

    @property
    def after(self) -> np.ndarray:
        """The 1×1 layer's output maps for the current number of filters, ``(H, W, n)``."""
        return self._every_after[:, :, : self.value("filters")]

    def fixed_sizes(self) -> dict[str, int]:
        """Height, width and depth of the maps before the 1×1 layer."""
        h, w, c = self.before.shape
        return {"height": h, "width": w, "in_channels": c}

    def readout_lines(self) -> list[tuple[str, str]]:
        """Shapes, the 1×1 layer's counts and the values kept per image."""
        h, w, c = self.before.shape
        n = self.value("filters")
        first = layer_cost(self.image.shape, c, 3)
        values_before, values_after = h * w * c, h * w * n
        return [
            (
                "Image",
                f"{_shape(*self.image.shape)} ({SAMPLE_IMAGE} from matplotlib) → fixed 3×3 "
                f"layer with {_plural(c, 'filter')}, {first.params_formula} parameters → "
                f"{_shape(h, w, c)}",
            ),
            ("1×1 layer", f"{_shape(h, w, c)} → {_shape(h, w, n)}"),
            ("Parameters of the 1×1 layer", params_formula(1, c, n)),
            ("Multiply-accumulates of the 1×1 layer", macs_formula(self.before.shape, n, 1)),
            (
                "Values per image",
                f"{_shape(h, w, c)} = {format_count(values_before)} → {_shape(h, w, n)} = "
                f"{format_count(values_after)} ({100 * values_after / values_before:.1f} %)",
            ),
        ]

    def _titles(self) -> tuple[str, str]:
        c, n = self.before.shape[2], self.value("filters")
        return (f"before: {_plural(c, 'map')}", f"after the 1×1 layer: {_plural(n, 'map')}")

    def _draw(self) -> None:
        fig = self.fig
        picture = fig.add_axes([0.01, 0.30, 0.16, 0.40])
        picture.imshow(self.image, interpolation="nearest")
        fixed_title(picture, "input", fontsize=9)
        picture.set_axis_off()
        h, w, c = self.before.shape
        ncols = math.ceil(math.sqrt(self.max_maps))
        # Fixed limits: a full grid with its "+N more" note, however many maps are shown.
        full = grid_layout(self.max_maps + 1, (h, w), max_maps=self.max_maps, ncols=ncols)
        before_title, after_title = self._titles()
        self._before = draw_feature_map_grid(
            self.before,
            max_maps=self.max_maps,
            ncols=ncols,
            vmin=0.0,
            vmax=self._before_max,
            title=before_title,
            limits=full.bounds,
            ax=_frameless_axes(fig, [0.19, 0.02, 0.39, 0.88]),
        )
        self._after_grid = draw_feature_map_grid(
            self.after,
            max_maps=self.max_maps,
            ncols=ncols,
            vmin=0.0,
            vmax=self._after_max,
            title=after_title,
            limits=full.bounds,
            ax=_frameless_axes(fig, [0.60, 0.02, 0.39, 0.88]),
        )

    def update_figure(self) -> None:
        """Show the current number of 1×1 maps in the right-hand grid."""
        self._after_grid.update(self.after, title=self._titles()[1])


# ------------------------------------------------------------------- BottleneckExplorer


class BottleneckExplorer(Explorer):
    """A direct ``k×k`` layer against a 1×1 reduction followed by the same layer.

    Sliders ``"in_channels"`` (input depth), ``"reduction"`` (filters of the 1×1
    layer, never more than the input depth), ``"kernel_size"`` and ``"filters"``
    (of the ``k×k`` layer) set both designs; the readout gives each layer's counts
    as formulas, the totals and their ratio, and the bars compare them.

    Parameters
    ----------
    in_channels, reduction, kernel_size, filters : int, default 192, 16, 5, 32
        Starting values (the Inception example: a 28×28×192 input, 32 filters of
        5×5, reduced to 16 channels first).
    input_size : int or (int, int), default (28, 28)
        Height and width of the input (stride 1, ``"same"`` padding).
    use_bias : bool, default True
        Whether the layers have biases (parameters only).
    max_channels, max_filters : int, default 2048
        Slider ranges.
    max_kernel : int, default 7
        Largest kernel size.
    """

    kind = "bottleneck-explorer"

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
        max_kernel: int = 7,
    ) -> None:
        super().__init__()
        self.input_size = size_pair("input_size", input_size)
        self.use_bias = flag("use_bias", use_bias)
        max_channels = whole_number("max_channels", max_channels)
        max_filters = whole_number("max_filters", max_filters)
        max_kernel = whole_number("max_kernel", max_kernel)
        in_channels = whole_number("in_channels", in_channels, 1, max_channels)
        sliders: dict[str, ipywidgets.ValueWidget] = {
            "in_channels": _slider(in_channels, 1, max_channels, "input depth C_in"),
            "reduction": _slider(
                whole_number("reduction", reduction, 1, in_channels),
                1,
                in_channels,
                "1×1 reduction to",
            ),
            "kernel_size": _slider(
                whole_number("kernel_size", kernel_size, 1, max_kernel), 1, max_kernel, "kernel k×k"
            ),
            "filters": _slider(
                whole_number("filters", filters, 1, max_filters), 1, max_filters, "filters C_out"
            ),
        }
        self._setup(sliders, figsize=(8.0, 3.0))

    def _sync_limits(self) -> None:
        self.sliders["reduction"].max = self.value("in_channels")

    def costs(self) -> BottleneckCosts:
        """Costs of both designs for the current sliders.

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
        """Height and width of the input (its depth is a slider), and 1 if layers have biases."""
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

    def _draw(self) -> None:
        ax = self.fig.add_axes([0.24, 0.14, 0.72, 0.70])
        self._cost = draw_cost_comparison(self._bars(), log=True, ax=ax)
        ax.set_xlabel("count (log scale)")

    def update_figure(self) -> None:
        """Resize the bars and relabel them."""
        self._cost.update(self._bars())



# ---------------------------------------------------------------- ReconstructionExplorer


def _trained_errors(trained: Mapping[int, float] | None, channels: int) -> dict[int, float]:
    """Check ``{kept maps: error}`` of trained layers and return it sorted by width."""
    if trained is None:
        return {}
    if not isinstance(trained, Mapping):
        raise ValueError(
            f"trained must be a mapping {{kept maps: error}}, got {type(trained).__name__}"
        )
    checked = {}
    for k, error in trained.items():
        if isinstance(k, bool) or not isinstance(k, int | np.integer) or not 1 <= k <= channels:
            raise ValueError(f"trained keys must be whole numbers 1 … {channels}, got {k!r}")
        if isinstance(error, bool) or not isinstance(error, float | int | np.number):
            raise ValueError(f"trained errors must be numbers ≥ 0, got {error!r} for {k}")
        if not (math.isfinite(float(error)) and float(error) >= 0):
            raise ValueError(f"trained errors must be numbers ≥ 0, got {error!r} for {k}")
        checked[int(k)] = float(error)
    return dict(sorted(checked.items()))


_PCA_COLOUR, _RANDOM_COLOUR, _TRAINED_COLOUR = "#4c78a8", "#f58518", "#54a24b"


class ReconstructionExplorer(Explorer):
    """How much of a stack of feature maps a 1×1 layer to ``k`` maps can keep.

    Each pixel's ``C`` channel values are squeezed into ``k`` by a linear 1×1 layer
    and rebuilt by a second one (``k`` back to ``C``); the error is the fraction of
    the maps' variance that is lost (:func:`~conv1x1_viz.pca.reconstruction_error`).
    The ``"filters"`` slider sets ``k``. Two reductions are compared at every
    width, each with the best decoder for it:

    - the best linear one, from the principal components of the channel vectors
      (:func:`~conv1x1_viz.pca.pca_reduction`);
    - random 1×1 weights (:func:`~conv1x1_viz.pca.random_reduction`);

    plus, if given, the errors of trained 1×1 layers (e.g. a Keras autoencoder) at
    some widths. The left panel plots the errors against ``k`` with markers at the
    current width; the right panel shows a few of the maps, then the same maps
    rebuilt from ``k`` maps by each reduction.

    Every width is computed at construction, so a slider tick only redraws.

    Parameters
    ----------
    filters : int, default 4
        Starting ``k``, 1 … C.
    features : int or array of shape (H, W, C), default 32
        The maps to reduce: a number of maps makes them as :class:`ReductionExplorer`
        does (the photo through a fixed, seeded 3×3 layer with ReLU); an array is
        used as it is (at least 2 channels, not constant).
    trained : mapping of int to float, optional
        ``{k: error}`` of trained 1×1 layers, drawn as points and given in the
        readout when the slider is at one of those widths.
    image_size : int, default 64
        Height and width of the photo (when ``features`` is a number).
    shown_maps : int, default 4
        Maps shown per row (those with the most variance).
    seed : int, default 0
        Seed of the 3×3 layer and of the random 1×1 weights.
    """

    kind = "reconstruction-explorer"

    def __init__(
        self,
        filters: int = 4,
        *,
        features: int | np.ndarray = 32,
        trained: Mapping[int, float] | None = None,
        image_size: int = 64,
        shown_maps: int = 4,
        seed: int = 0,
    ) -> None:
        super().__init__()
        if isinstance(features, int | np.integer) and not isinstance(features, bool):
            count = whole_number("features", features, 2, 512)
            self.image: np.ndarray | None = sample_image(image_size)
            maps = _image_features(self.image, count, seed)
        else:
            maps = np.asarray(features)
            if maps.dtype.kind not in "biuf" or maps.ndim != 3 or maps.shape[2] < 2:
                raise ValueError(
                    "features must be a number of maps 2 … 512 or an array of numbers shaped "
                    f"(H, W, C) with C ≥ 2, got {features!r:.60}"
                )
            maps = maps.astype(float)
            self.image = None
        self.features = maps
        h, w, c = maps.shape
        self.components = principal_components(maps)
        self.pca_errors = pca_errors(self.components)  # entry k: k maps kept, 0 … C
        self.trained = _trained_errors(trained, c)
        shown = min(whole_number("shown_maps", shown_maps), c)
        # The maps with the most variance, in channel order.
        self.shown = np.sort(np.argsort(-maps.reshape(-1, c).var(axis=0), kind="stable")[:shown])
        # PCA rebuilds map j from the first k components: a running sum over k.
        centred = maps - self.components.mean
        codes = centred.reshape(-1, c) @ self.components.components  # (pixels, C)
        parts = codes[:, :, np.newaxis] * self.components.components.T[:, self.shown]
        self._pca_maps = (
            np.cumsum(parts, axis=1).reshape(h, w, c, shown).transpose(2, 0, 1, 3)
            + self.components.mean[self.shown]
        )  # (C, H, W, shown): entry k - 1 is rebuilt from k components
        random_errors, random_maps = [], []
        for k in range(1, c + 1):
            reduction = random_reduction(maps, k, seed=seed)
            rebuilt = reduction.reconstruct(maps)
            random_errors.append(reconstruction_error(maps, rebuilt))
            random_maps.append(rebuilt[:, :, self.shown])
        self.random_errors = np.array([1.0, *random_errors])  # entry k, as pca_errors
        self._random_maps = np.stack(random_maps)
        self._vmax = float(np.percentile(maps[:, :, self.shown], 99.5)) or 1.0
        sliders: dict[str, ipywidgets.ValueWidget] = {
            "filters": _slider(whole_number("filters", filters, 1, c), 1, c, "maps kept k"),
        }
        self._setup(sliders, figsize=(9.0, 3.9))

    def errors_at(self, k: int) -> dict[str, float]:
        """Fraction of the variance lost with ``k`` maps kept, per reduction.

        Parameters
        ----------
        k : int
            Maps kept, 1 … C.

        Returns
        -------
        dict
            ``"pca"``, ``"random"`` and, if a trained layer of that width was given,
            ``"trained"``.
        """
        k = whole_number("k", k, 1, self.features.shape[2])
        errors = {"pca": float(self.pca_errors[k]), "random": float(self.random_errors[k])}
        if k in self.trained:
            errors["trained"] = self.trained[k]
        return errors

    def fixed_sizes(self) -> dict[str, int]:
        """Height, width and depth of the maps being reduced."""
        h, w, c = self.features.shape
        return {"height": h, "width": w, "in_channels": c}

    def readout_lines(self) -> list[tuple[str, str]]:
        """Describe the 1×1 layer and the share of the variance each reduction loses."""
        h, w, c = self.features.shape
        k = self.value("filters")
        errors = self.errors_at(k)
        lines = [
            (
                "1×1 layer",
                f"{_shape(h, w, c)} → {_shape(h, w, k)} and back, "
                f"{params_formula(1, c, k)} parameters down",
            ),
            (
                "Best linear (principal components)",
                f"{errors['pca']:.3f} of the variance lost "
                f"({100 * (1 - errors['pca']):.1f} % kept)",
            ),
            ("Random 1×1 weights, best decoder", f"{errors['random']:.3f} of the variance lost"),
        ]
        if self.trained:
            widths = ", ".join(str(n) for n in self.trained)
            text = (
                f"{errors['trained']:.3f} of the variance lost"
                if "trained" in errors
                else f"not trained at this width (trained at {widths})"
            )
            lines.append(("Trained 1×1 layers", text))
        return lines

    def _titles(self) -> tuple[str, str]:
        kept = _plural(self.value("filters"), "map")
        return f"best linear (PCA), from {kept}", f"random 1×1 weights, from {kept}"

    def _draw(self) -> None:
        fig = self.fig
        c = self.features.shape[2]
        widths = np.arange(1, c + 1)
        ax = fig.add_axes([0.075, 0.15, 0.36, 0.78])
        ax.plot(widths, self.random_errors[1:], color=_RANDOM_COLOUR)
        ax.plot(widths, self.pca_errors[1:], color=_PCA_COLOUR)
        if self.trained:
            ax.plot(
                list(self.trained), list(self.trained.values()), "s", color=_TRAINED_COLOUR, ms=5
            )
            ax.text(
                0.97, 0.93, "■ trained 1×1", color=_TRAINED_COLOUR, transform=ax.transAxes,
                fontsize=8, fontfamily=FONT, ha="right",
            )
        ax.set_xlim(0.5, c + 0.5)
        ax.set_ylim(0.0, 1.02)
        # Few, fixed ticks, plain text for the axis labels and the maps' titles (in the
        # curves' colours) as the legend: the whole figure is redrawn on every tick of
        # the slider, and laying out and rendering text is what costs.
        ticks = sorted({1, c, *range(0, c + 1, max(1, (c + 3) // 4))} - {0})
        ax.set_xticks(ticks, [str(t) for t in ticks], fontsize=8)
        ax.set_yticks([0.0, 0.5, 1.0], ["0", "0.5", "1"], fontsize=8)
        for y in (0.25, 0.5, 0.75):
            ax.axhline(y, color="0.9", linewidth=0.8, zorder=0)
        label = {"fontsize": 9, "fontfamily": FONT}
        fig.text(0.255, 0.035, "maps kept k", ha="center", **label)
        fig.text(0.012, 0.54, "share of variance lost", va="center", rotation=90, **label)
        self._cursor = ax.axvline(1, color="0.3", linewidth=1, linestyle=":")
        self._markers = ax.plot([1, 1], [0, 0], "o", color="black", markersize=4, zorder=3)[0]
        self._curve_ax = ax
        style = {"max_maps": len(self.shown), "ncols": len(self.shown), "vmin": 0.0}
        rows = [
            (self.features[:, :, self.shown], "the maps with the most variance", "black"),
            (self._pca_maps[0], "", _PCA_COLOUR),
            (self._random_maps[0], "", _RANDOM_COLOUR),
        ]
        self._grids = []
        for i, (maps, title, colour) in enumerate(rows):
            grid_ax = _frameless_axes(fig, [0.50, 0.64 - 0.31 * i, 0.48, 0.27])
            grid = draw_feature_map_grid(maps, vmax=self._vmax, title=title, ax=grid_ax, **style)
            grid.title.set_color(colour)
            self._grids.append(grid)

    def update_figure(self) -> None:
        """Move the markers and show the maps rebuilt from the current width."""
        k = self.value("filters")
        errors = self.errors_at(k)
        self._cursor.set_xdata([k, k])
        self._markers.set_data([k, k], [errors["pca"], errors["random"]])
        pca_title, random_title = self._titles()
        self._grids[1].update(self._pca_maps[k - 1], title=pca_title)
        self._grids[2].update(self._random_maps[k - 1], title=random_title)
