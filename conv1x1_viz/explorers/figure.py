"""Where an explorer's figure lives: an ipympl canvas in JupyterLab, a PNG elsewhere.

With the ipympl backend (``%matplotlib widget``) the figure is made with ``plt.ioff()``
and its canvas, itself a widget, sits inside the explorer. With any other backend
(inline, Agg in tests) the figure is a plain Agg figure, never registered with pyplot,
shown through an :class:`ipywidgets.Image` that each update refreshes with a PNG.
"""

from __future__ import annotations

import io

import ipywidgets
import matplotlib
from matplotlib.figure import Figure

__all__ = ["new_figure", "render_png", "uses_widget_backend"]


def uses_widget_backend() -> bool:
    """Return whether matplotlib draws through ipympl (``%matplotlib widget``)."""
    backend = str(matplotlib.get_backend()).lower()
    return "ipympl" in backend or backend == "widget"


def new_figure(figsize: tuple[float, float], dpi: float) -> tuple[Figure, ipywidgets.DOMWidget]:
    """Make an explorer's figure and the widget that shows it."""
    if uses_widget_backend():
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
        # The front end asks for a full draw once ready, and static renderers get the
        # explorer's own snapshot, so that picture is not needed.
        canvas.syncing_data_url = False
        return fig, canvas
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = Figure(figsize=figsize, dpi=dpi)
    FigureCanvasAgg(fig)
    return fig, ipywidgets.Image(format="png")


def render_png(fig: Figure) -> bytes:
    """Draw ``fig`` on its Agg canvas and encode it as a small PNG, quickly.

    For live updates only: the colours are reduced to a 256-colour palette (fast
    octree), which makes encoding about three times faster and the image about three
    times smaller than full colour at the lowest compression, at the price of slight
    banding in photographs. Snapshots are saved in full colour.
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
