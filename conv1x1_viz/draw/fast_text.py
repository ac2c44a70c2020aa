"""Text drawn as a cached bitmap: the labels that change on every slider tick.

Matplotlib lays out and renders each glyph of a text in Python on every draw, a few
milliseconds for a short label; an explorer whose numbers change redraws a dozen of them
on each tick. :class:`FastText` draws the same text with Pillow's FreeType renderer
(the same DejaVu font file, at the same size in pixels) into a small bitmap, keeps the
bitmaps of the strings it has drawn, and pastes the bitmap on the Agg canvas. A label
costs a fraction of a millisecond, and nothing when its string has been drawn before.

It covers what the drawings use: one or more lines, horizontal alignment left, center or
right, vertical alignment top, center, bottom or baseline, rotation 0 or 90 degrees, any
colour and alpha. Anything else (mathtext, other angles, a vector backend) is drawn by
matplotlib itself, so a figure saved as SVG or PDF is still made of text.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from typing import Any

import numpy as np
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.colors import to_rgba
from matplotlib.text import Text

__all__ = ["FastText", "add_fast_text"]

_CACHE_SIZE = 1024
_H_ANCHOR = {"left": "l", "center": "m", "right": "r"}
_V_ANCHOR = {"top": "a", "center": "m", "bottom": "d", "baseline": "s"}


@functools.lru_cache(maxsize=32)
def _font(path: str, size_px: float) -> Any:
    from PIL import ImageFont

    return ImageFont.truetype(path, size=max(1.0, size_px))


@functools.lru_cache(maxsize=64)
def _font_path(prop_hash: int, prop: font_manager.FontProperties) -> str:
    return font_manager.findfont(prop)


def _bitmap(text: str, font: Any, rgba: tuple, anchor: str, spacing: float) -> tuple:
    """Render ``text``; return the RGBA array and its top-left offset from the anchor."""
    from PIL import Image, ImageDraw

    lines = text.split("\n")
    ascent, descent = font.getmetrics()
    step = spacing * (ascent + descent)
    h_anchor, v_anchor = anchor
    # Where the first line's anchor sits relative to the whole block's anchor point.
    block = step * (len(lines) - 1)
    first = {"a": 0.0, "m": -block / 2, "d": -block, "s": -block}[v_anchor]
    boxes = [font.getbbox(line or " ", anchor=anchor) for line in lines]
    tops = [first + i * step + box[1] for i, box in enumerate(boxes)]
    bottoms = [first + i * step + box[3] for i, box in enumerate(boxes)]
    left = min(box[0] for box in boxes)
    right = max(box[2] for box in boxes)
    top, bottom = int(np.floor(min(tops))), int(np.ceil(max(bottoms)))
    width, height = max(1, int(np.ceil(right - left))), max(1, bottom - top)
    mask = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(mask)
    for i, line in enumerate(lines):
        draw.text((-left, first + i * step - top), line, font=font, fill=255, anchor=anchor)
    coverage = np.asarray(mask, dtype=np.float64) / 255.0
    image = np.empty((height, width, 4), dtype=np.uint8)
    image[..., :3] = np.round(np.array(rgba[:3]) * 255).astype(np.uint8)
    image[..., 3] = np.round(coverage * rgba[3] * 255).astype(np.uint8)
    return image, int(np.floor(left)), top


class FastText(Text):
    """A :class:`matplotlib.text.Text` that draws itself as a cached bitmap on Agg.

    Use it like ``Text``; :func:`add_fast_text` puts one on an axes, as ``ax.text``
    would. Its size for layout (``get_window_extent``) is matplotlib's own.
    """

    _bitmaps: OrderedDict = OrderedDict()

    def _fast_drawable(self, renderer: Any) -> bool:
        return (
            isinstance(renderer, RendererAgg)
            and not self.get_usetex()
            and "$" not in self.get_text()
            and self.get_rotation() in (0.0, 90.0)
            and self.get_horizontalalignment() in _H_ANCHOR
            and self.get_verticalalignment() in _V_ANCHOR
        )

    def draw(self, renderer: Any) -> None:
        """Paste the text's bitmap where matplotlib would have drawn it."""
        if renderer is not None:
            self._renderer = renderer
        if not self.get_visible() or self.get_text() == "":
            return
        if not self._fast_drawable(renderer):
            super().draw(renderer)
            return
        prop = self.get_fontproperties()
        size_px = prop.get_size_in_points() * renderer.dpi / 72
        rgba = to_rgba(self.get_color(), self.get_alpha())
        anchor = _H_ANCHOR[self.get_horizontalalignment()] + _V_ANCHOR[self.get_verticalalignment()]
        rotation = int(self.get_rotation())
        spacing = self.get_linespacing()
        spacing = spacing if isinstance(spacing, int | float) else 1.2  # "normal"
        key = (self.get_text(), _font_path(hash(prop), prop), size_px, rgba, anchor, rotation,
               spacing)  # fmt: skip
        entry = self._bitmaps.get(key)
        if entry is None:
            font = _font(key[1], size_px)
            entry = _bitmap(self.get_text(), font, rgba, anchor, spacing)
            if rotation == 90:  # turn the picture; its anchor turns with it
                image, left, top = entry
                entry = (np.ascontiguousarray(np.rot90(image)), top, -(left + image.shape[1]))
            self._bitmaps[key] = entry
            if len(self._bitmaps) > _CACHE_SIZE:
                self._bitmaps.popitem(last=False)
        else:
            self._bitmaps.move_to_end(key)
        image, left, top = entry
        x, y = self.get_transform().transform(self.get_unitless_position())
        gc = renderer.new_gc()
        gc.set_clip_rectangle(self.get_clip_box() if self.get_clip_on() else None)
        # draw_image places the image's bottom-left corner, in display units (y up).
        renderer.draw_image(gc, round(x) + left, round(y) - top - image.shape[0], image[::-1])
        gc.restore()
        self.stale = False


def add_fast_text(ax: Axes, x: float, y: float, s: str = "", **kwargs: Any) -> FastText:
    """Add a :class:`FastText` to ``ax`` at ``(x, y)`` in data units, as ``ax.text`` does."""
    text = FastText(x, y, s, **{"transform": ax.transData, "clip_on": False, **kwargs})
    ax._add_text(text)
    return text
