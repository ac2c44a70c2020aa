"""An explorer's sweep as an animation, for slides: one control moved, one frame a value.

:meth:`PageExplorer.save_animation <conv1x1_viz.explorers.page.PageExplorer.save_animation>`
calls :func:`save_animation`. Each frame is what a reader without a kernel sees of the
explorer: the saved picture (:meth:`~conv1x1_viz.explorers.page.PageExplorer.snapshot`,
matplotlib's drawing of :meth:`draw_picture`), with the readout's lines written under it
(:func:`animation_frame`). No browser is needed.

The values swept are those the control offers while the others keep theirs, by the
explorer's own limits (:func:`sweep_values`): a sweep of ``in_channels`` of
BottleneckExplorer lowers ``reduction`` where the page would, and a ``reduction`` above
the input's depth is refused.
"""

from __future__ import annotations

import io
import math
import os
import shutil
import subprocess
from collections.abc import Iterable
from functools import cache
from numbers import Real
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PIL import Image

from conv1x1_viz.formulas import format_count

if TYPE_CHECKING:
    from conv1x1_viz.explorers.page import PageExplorer

__all__ = ["FORMATS", "MAX_FPS", "animation_frame", "save_animation", "sweep_values"]

#: The files :func:`save_animation` writes, by how their name ends.
FORMATS = (".gif", ".mp4")
#: The most frames a second: a GIF counts time in hundredths of a second, and browsers
#: show frames shorter than two of them for a tenth of a second instead.
MAX_FPS = 50
#: The readout under the picture: font size in points (at 100 dpi), line height in font
#: sizes (as the page's readout), margins and the indent of a wrapped line in pixels.
_FONT_SIZE = 9
_LINE_HEIGHT = 1.6
_MARGIN = 8
_INDENT = 16
_TEXT_COLOUR = "#222222"


def _shown(values: Iterable[Any]) -> str:
    return ", ".join(format_count(v) if not isinstance(v, bool) else str(v) for v in values)


def _holds(explorer: PageExplorer, slider: str, value: Any) -> bool:
    """Return whether ``explorer.set(slider=value)`` would leave ``slider`` at ``value``.

    The explorer's limits are applied to the learner's wishes as
    :meth:`~conv1x1_viz.explorers.page.PageExplorer.set` applies them, nothing changed.
    """
    values = {**explorer.values, slider: value}
    wishes = {**explorer.wishes, slider: value}
    for key, limit in explorer.limits(values).items():
        values[key] = explorer.controls[key].limited(wishes[key], limit)
    return values[slider] == value


def sweep_values(
    explorer: PageExplorer, slider: str, values: Iterable[Any] | None = None
) -> tuple[Any, ...]:
    """Return the values of ``slider`` an animation shows, checked.

    Parameters
    ----------
    explorer : PageExplorer
        The explorer, at the values the other controls keep.
    slider : str
        The control swept, one of ``explorer.controls``.
    values : iterable, optional
        The values, in order (repeats allowed, e.g. up then down). Default: every value
        the control offers while the others keep theirs.

    Returns
    -------
    tuple
        The values, each one the control offers and the explorer's limits allow.

    Raises
    ------
    ValueError
        Naming ``slider`` or ``values`` and what is allowed.

    Examples
    --------
    >>> from conv1x1_viz.explorers import BottleneckExplorer
    >>> sweep_values(BottleneckExplorer(in_channels=16), "reduction")
    (1, 2, 3, 4, 8, 16)
    """
    if slider not in explorer.controls:
        raise ValueError(
            f"slider must be one of the controls {sorted(explorer.controls)}, got {slider!r}"
        )
    control = explorer.controls[slider]
    allowed = [v for v in control.values() if _holds(explorer, slider, v)]
    if values is None:
        return tuple(allowed)
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise ValueError(
            f"values must be a list of values of {slider} ({_shown(allowed)}), got {values!r}"
        )
    values = list(values)
    if not values:
        raise ValueError(
            f"values must hold at least one value of {slider} ({_shown(allowed)}), got none"
        )
    checked = []
    for i, value in enumerate(values):
        try:
            value = control.check(slider, value)
        except ValueError as exc:
            raise ValueError(f"values[{i}]: {exc}") from None
        if value not in allowed:
            others = {k: v for k, v in explorer.values.items() if k != slider}
            raise ValueError(
                f"values[{i}]: {slider} cannot be {value!r} while the other controls are "
                f"{others}; it can be {_shown(allowed)}"
            )
        checked.append(value)
    return tuple(checked)


@cache
def _measure(text: str, bold: bool) -> float:
    """Width of ``text`` in pixels, at the readout's font size and 100 dpi."""
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties

    from conv1x1_viz.draw import FONT

    font = FontProperties(family=FONT, size=_FONT_SIZE, weight="bold" if bold else "normal")
    width, _, _ = RendererAgg(1, 1, 100).get_text_width_height_descent(text, font, False)
    return width


def _wrapped(label: str, text: str, width: float) -> list[str]:
    """Break ``text`` into lines, the first after ``label``, the others indented."""
    lines: list[str] = []
    room = width - _measure(label, True)
    for word in text.split(" "):
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and _measure(candidate, False) > room:
            lines.append(word)
            room = width - _INDENT
        elif lines:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def _readout_lines(explorer: PageExplorer) -> list[tuple[str, str]]:
    """Return the readout as ``(label, text)`` lines, labels ending in ``": "``.

    The lines of :meth:`~conv1x1_viz.explorers.page.PageExplorer.readout_rows`, which
    :meth:`~conv1x1_viz.explorers.page.PageExplorer.readout_texts` writes out too.
    """
    return [(f"{label}: ", text) for label, text in explorer.readout_rows()]


def _readout_picture(lines: list[tuple[str, str]], width: int) -> Image.Image:
    """Draw the readout's ``(label, text)`` lines, ``width`` pixels wide, on white.

    Each label is bold, as in the saved readout; a line too long for the picture's width
    wraps, indented.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from conv1x1_viz.draw import FONT

    rows: list[tuple[str | None, str]] = []  # (label, text); no label on a wrapped line
    for label, rest in lines:
        for i, part in enumerate(_wrapped(label, rest, width - 2 * _MARGIN)):
            rows.append((label if i == 0 else None, part))
    step = _LINE_HEIGHT * _FONT_SIZE * 100 / 72
    height = math.ceil(2 * _MARGIN + step * len(rows))
    fig = Figure(figsize=(width / 100, height / 100), dpi=100)
    canvas = FigureCanvasAgg(fig)
    style: dict[str, Any] = {
        "fontsize": _FONT_SIZE,
        "fontfamily": FONT,
        "color": _TEXT_COLOUR,
        "va": "center",
    }
    for i, (label, part) in enumerate(rows):
        y = 1 - (_MARGIN + step * (i + 0.5)) / height
        if label is None:
            x = _MARGIN + _INDENT
        else:
            if label:
                fig.text(_MARGIN / width, y, label, fontweight="bold", **style)
            x = _MARGIN + _measure(label, True)
        fig.text(x / width, y, part, **style)
    canvas.draw()
    rgba = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba())
    return rgba.convert("RGB")


def animation_frame(explorer: PageExplorer) -> Image.Image:
    """Return the explorer's saved picture with its readout under it, as one RGB image.

    The picture is :meth:`~conv1x1_viz.explorers.page.PageExplorer.snapshot`, pixel for
    pixel; the readout is the plain text of
    :meth:`~conv1x1_viz.explorers.page.PageExplorer.readout_texts`, labels in bold, on
    white, as wide as the picture.
    """
    picture = Image.open(io.BytesIO(explorer.snapshot())).convert("RGB")
    readout = _readout_picture(_readout_lines(explorer), picture.width)
    frame = Image.new("RGB", (picture.width, picture.height + readout.height), "white")
    frame.paste(picture, (0, 0))
    frame.paste(readout, (0, picture.height))
    return frame


def _padded(frame: Image.Image, size: tuple[int, int]) -> Image.Image:
    """Return ``frame`` at the top left of a white image of ``size``."""
    if frame.size == size:
        return frame
    padded = Image.new("RGB", size, "white")
    padded.paste(frame, (0, 0))
    return padded


def _check_fps(fps: object) -> float:
    if isinstance(fps, bool) or not isinstance(fps, Real) or not 0 < fps <= MAX_FPS:
        raise ValueError(
            f"fps must be a number of frames a second above 0 and at most {MAX_FPS} "
            f"(a GIF counts time in hundredths of a second), got {fps!r}"
        )
    return float(fps)


def _check_path(path: str | os.PathLike[str]) -> tuple[Path, str]:
    """Return ``path`` and its format, or raise a ValueError (for MP4 without ffmpeg too)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(
            f"path must end in {' or '.join(FORMATS)} (an animated GIF, or an MP4 video "
            f"made by ffmpeg), got {str(path)!r}"
        )
    if suffix == ".mp4" and shutil.which("ffmpeg") is None:
        raise ValueError(
            f"path {str(path)!r} asks for an MP4 video, which needs ffmpeg on the PATH, "
            "and there is none: end the path in .gif, or install ffmpeg"
        )
    return path, suffix


def _write_gif(frames: list[Image.Image], path: Path, fps: float) -> None:
    """Save ``frames`` as a GIF looping for ever, each quantized to its own 256 colours.

    Median cut, without dithering: the flat colours of a drawing and its text come out
    clean. Pillow writes each frame as what changed since the previous one.
    """
    quantized = [frame.quantize(256, method=Image.Quantize.MEDIANCUT) for frame in frames]
    quantized[0].save(
        path,
        format="GIF",
        save_all=True,
        append_images=quantized[1:],
        duration=round(1000 / fps),
        loop=0,
    )


def _write_mp4(frames: list[Image.Image], path: Path, fps: float) -> None:
    """Pipe ``frames`` to ffmpeg as raw RGB, for an H.264 video most players show."""
    width, height = frames[0].size
    # yuv420p, which players expect, needs an even width and height.
    size = (width + width % 2, height + height % 2)
    command = [
        shutil.which("ffmpeg") or "ffmpeg",
        "-y", "-loglevel", "error",
        "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{size[0]}x{size[1]}",
        "-framerate", f"{fps:g}", "-i", "-",
        "-c:v", "libx264", "-pix_fmt", "yuv420p", "-movflags", "+faststart",
        str(path),
    ]  # fmt: skip
    raw = b"".join(_padded(frame, size).tobytes() for frame in frames)
    result = subprocess.run(command, input=raw, capture_output=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(
            f"ffmpeg could not write {str(path)!r}: {result.stderr.decode(errors='replace')}"
        )


def save_animation(
    explorer: PageExplorer,
    path: str | os.PathLike[str],
    slider: str,
    values: Iterable[Any] | None = None,
    *,
    fps: float = 1,
) -> Path:
    """Write an animation of ``explorer`` as ``slider`` takes ``values``, one frame each.

    See :meth:`PageExplorer.save_animation
    <conv1x1_viz.explorers.page.PageExplorer.save_animation>`, which calls this.
    """
    path, suffix = _check_path(path)
    fps = _check_fps(fps)
    values = sweep_values(explorer, slider, values)
    saved_values, saved_wishes = dict(explorer.values), dict(explorer.wishes)
    frames = []
    # The page, if the explorer is shown, hears only the values put back at the end.
    with explorer.hold_sync():
        try:
            for value in values:
                explorer.set(**{slider: value})
                frames.append(animation_frame(explorer))
        finally:
            explorer.wishes = saved_wishes
            explorer.values = saved_values
    size = (max(f.width for f in frames), max(f.height for f in frames))
    frames = [_padded(frame, size) for frame in frames]
    if suffix == ".gif":
        _write_gif(frames, path, fps)
    else:
        _write_mp4(frames, path, fps)
    return path
