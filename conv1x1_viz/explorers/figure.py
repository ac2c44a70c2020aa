"""Where an explorer's figure lives: an ipympl canvas in JupyterLab, a PNG elsewhere.

With the ipympl backend (``%matplotlib widget``) the figure is made with ``plt.ioff()``
and its canvas, itself a widget, sits inside the explorer. With any other backend
(inline, Agg in tests) the figure is a plain Agg figure, never registered with pyplot,
shown through an :class:`ipywidgets.Image` that each update refreshes with a PNG.
"""

from __future__ import annotations

import io
import time
import types

import ipywidgets
import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

__all__ = ["Blitter", "new_figure", "render_png", "uses_widget_backend", "whole_png"]


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
        canvas.get_diff_image = types.MethodType(_whole_picture, canvas)
        return fig, canvas
    fig = Figure(figsize=figsize, dpi=dpi)
    FigureCanvasAgg(fig)
    return fig, ipywidgets.Image(format="png")


def _whole_picture(canvas) -> bytes | None:
    """Encode the whole picture for the page, fast: what ipympl's canvas sends it.

    Replaces ipympl's ``get_diff_image`` on an explorer's canvas. ipympl sends only the
    pixels that changed since the last picture, which the page lays over the picture it
    shows; that holds only if the page draws every picture. An explorer sends a picture
    on every tick without waiting for the page, and the page draws only the newest of
    those that arrive together, so each picture here is whole (and opaque, RGB, encoded
    at the lowest PNG compression, which costs a few milliseconds).
    """
    if not canvas._png_is_old:
        return None
    canvas.set_image_mode("full")
    canvas._png_is_old = False
    canvas._force_full = False
    return whole_png(canvas.get_renderer().buffer_rgba())


def whole_png(rgba: memoryview) -> bytes:
    """Encode Agg's RGBA buffer as a full-colour RGB PNG at the lowest compression, quickly.

    What ipympl's canvas sends for an explorer, and what the pictures drawn ahead are.
    """
    with io.BytesIO() as png:
        _rgb_picture(rgba).save(png, format="png", compress_level=1)
        return png.getvalue()


def _rgb_picture(rgba: memoryview) -> Image.Image:
    """Return Agg's RGBA buffer as an RGB picture, converted by Pillow.

    Pillow converts in C, several times faster than handing it a NumPy view without the
    alpha channel, which it must first copy into one block.
    """
    rgba = np.asarray(rgba)
    size = (rgba.shape[1], rgba.shape[0])
    return Image.frombuffer("RGBA", size, rgba, "raw", "RGBA", 0, 1).convert("RGB")


def render_png(fig: Figure) -> bytes:
    """Encode what ``fig``'s Agg canvas holds now as a small PNG, quickly.

    For live updates only: the colours are reduced to a 256-colour palette (fast
    octree), which makes encoding about three times faster and the image about three
    times smaller than full colour at the lowest compression, at the price of slight
    banding in photographs. Snapshots are saved in full colour.
    """
    picture = _rgb_picture(fig.canvas.buffer_rgba())
    buffer = io.BytesIO()
    picture.quantize(256, method=Image.Quantize.FASTOCTREE).save(
        buffer, format="png", compress_level=1
    )
    return buffer.getvalue()


class Blitter:
    """Redraw only the artists a control changes, on top of a saved background.

    The artists given are marked *animated*, so that a full draw of the figure leaves
    them out; right after each full draw (matplotlib's ``draw_event``) the picture is
    saved as the background and the artists are drawn on top, so a full draw still
    shows everything. :meth:`blit` then puts the background back and draws just those
    artists: no other text is laid out again, and nothing static is redrawn. With
    ipympl, ``canvas.blit`` sends the new picture to the page at once, without the round
    trip that ``draw_idle`` makes (the page asking for a draw, then the kernel drawing).

    Parameters
    ----------
    fig : Figure
        The figure, already drawn with its artists.
    artists : list of Artist
        Everything a control can change.
    """

    def __init__(self, fig: Figure, artists: list) -> None:
        self.fig = fig
        self.artists = list(artists)
        for artist in self.artists:
            artist.set_animated(True)
        self.background = None
        fig.canvas.mpl_connect("draw_event", self._on_draw)

    def _on_draw(self, event: object) -> None:
        if self.fig.canvas.is_saving():  # savefig draws animated artists itself
            return
        self.background = self.fig.canvas.copy_from_bbox(self.fig.bbox)
        self._draw_artists()

    def _draw_artists(self) -> None:
        # In matplotlib's own order (by zorder, stable), so that overlapping see-through
        # artists come out as a whole draw or savefig gives them.
        for artist in sorted(self.artists, key=lambda a: a.get_zorder()):
            if artist.get_visible():
                self.fig.draw_artist(artist)

    def blit(self) -> dict[str, float]:
        """Show the artists' new state; a full draw the first time, then only them.

        Returns
        -------
        dict
            Milliseconds spent drawing (``"draw"``) and, with ipympl, encoding the
            picture and sending it to the page (``"send"``); ``"full"`` is 1 when the
            whole figure had to be drawn.
        """
        canvas = self.fig.canvas
        start = time.perf_counter()
        if self.background is None:
            canvas.draw()  # with ipympl, sends the picture too
            return {"draw": 1000 * (time.perf_counter() - start), "send": 0.0, "full": 1.0}
        self.draw()
        drawn = time.perf_counter()
        canvas.blit(self.fig.bbox)
        end = time.perf_counter()
        return {"draw": 1000 * (drawn - start), "send": 1000 * (end - drawn), "full": 0.0}

    def draw(self) -> memoryview:
        """Draw the artists' new state into the canvas' pixels, sending nothing.

        A full draw the first time (Agg's own, which ipympl does not send), then only the
        artists. Returns the canvas' RGBA buffer.
        """
        canvas = self.fig.canvas
        if self.background is None:
            FigureCanvasAgg.draw(canvas)  # fires draw_event: the background is saved
        else:
            canvas.restore_region(self.background)
            self._draw_artists()
        return canvas.buffer_rgba()

    def forget_background(self) -> None:
        """Make the next :meth:`blit` a full draw (after anything static changed)."""
        self.background = None
