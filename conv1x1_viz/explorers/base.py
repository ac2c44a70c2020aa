"""What every explorer shares: declared controls, a readout, a figure and one update path.

An explorer is an :class:`ipywidgets.VBox` holding, top to bottom, its controls, the
readout (counts written as formulas, numbers plugged in), the figure and an error area.

The contract for a new explorer (see :mod:`conv1x1_viz.explorers.param` for a short one):

1. set the class attribute :attr:`Explorer.kind`, which names its DOM class;
2. in ``__init__``, work out the data, then call :meth:`Explorer._setup` with its controls
   (``{key: Whole(...) | Choice(...) | Toggle(...)}``, see
   :mod:`~conv1x1_viz.explorers.controls`), their starting values and the figure size;
3. implement :meth:`~Explorer.readout_lines` (counts, cheap), :meth:`~Explorer.draw`
   (make the axes and artists once, keeping them as public attributes),
   :meth:`~Explorer.update_figure` (change those artists in place) and
   :meth:`~Explorer.animated_artists` (list every artist a control changes: only those
   are redrawn on a tick, and a test checks that the result equals a full draw);
4. optionally :meth:`~Explorer.fixed_sizes` (sizes the readout depends on that no control
   sets), :meth:`~Explorer.limits` (what some controls allow others, kept valid on the
   page and followed in the pictures drawn ahead) and :meth:`~Explorer.picture_state`
   with :meth:`~Explorer._allows` (what the picture shows besides the controls, e.g. a
   map clicked, and the values that keep it).

Static rendering: :meth:`Explorer._repr_mimebundle_` carries the widget view, an
``image/png`` snapshot of the figure and a ``text/plain`` copy of the readout, and no
``text/html``, so that GitHub and nbviewer, which cannot run widgets, show the picture.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import functools
import html
import io
import json
import os
import threading
import time
import traceback
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, ClassVar

import ipywidgets
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from conv1x1_viz import contract
from conv1x1_viz.draw import FONT
from conv1x1_viz.explorers.ahead import DrawsAhead
from conv1x1_viz.explorers.controls import Control, Preset, preset_row
from conv1x1_viz.explorers.figure import Blitter, new_figure, render_png
from conv1x1_viz.explorers.frames import FrameDeck

__all__ = ["Explorer"]

_MAX_ERRORS = 5
#: Names a file to which each picture's wall-clock times are appended, one JSON line
#: each, when set: the browser tests set it to split a key press's latency into the trip
#: to the kernel, the kernel's work and the trip back to the page. Nothing is written
#: otherwise.
TIMING_LOG = "C1X1_TIMING_LOG"


def frameless_axes(fig: Figure, rect: Sequence[float]) -> Axes:
    """Add axes at ``rect`` (figure fractions) without frame or ticks."""
    ax = fig.add_axes(rect)
    ax.set_axis_off()
    return ax


#: What a saved explorer says under its picture, where the widget cannot run.
CAPTION = (
    "A live explorer, saved as a picture: run this cell (or Run All) in JupyterLab to move "
    "its controls."
)


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


def _running_loop() -> asyncio.AbstractEventLoop | None:
    """Return the event loop running this code (the kernel's), or None outside one."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class Explorer(DrawsAhead, ipywidgets.VBox):
    """Controls, readout, figure, errors and the one update path of every explorer.

    Attributes
    ----------
    controls : dict of str to Whole, Choice or Toggle
        What each control may hold, as declared.
    presets : tuple of Preset
        Named settings, one button each above the controls.
    sliders : dict of str to ipywidgets widget
        The controls themselves, e.g. ``explorer.sliders["filters"]``.
    readout : ipywidgets.HTML
        The counts as formulas, numbers plugged in.
    errors : ipywidgets.Output
        Where an exception raised while updating is shown, instead of disappearing into
        the kernel's log (the last few are kept).
    fig : matplotlib.figure.Figure
        The figure.
    view : ipywidgets.DOMWidget
        What shows the figure: ipympl's canvas, or an :class:`ipywidgets.Image`.
    frames : FrameDeck
        The pictures drawn ahead of the sliders, laid over :attr:`view`, and their
        readouts, laid over :attr:`readout`, which the page switches as a slider moves
        (:mod:`~conv1x1_viz.explorers.frames`).
    figure_box : ipywidgets.GridBox
        :attr:`view` and the deck of :attr:`frames` in one grid cell, the deck on top.
    blitter : Blitter
        Redraws :meth:`animated_artists` only, on a saved background.
    timings : dict of str to float
        Milliseconds the last update spent on the readout, on changing the artists, on
        drawing them, and on encoding the picture and sending it (with ipympl, a PNG of
        the pixels that changed; without, a PNG for the image widget); ``"full"`` is 1
        when the whole figure was drawn.
    """

    #: Names the explorer's DOM class ``c1x1-<kind>`` (see :mod:`conv1x1_viz.contract`).
    kind: ClassVar[str] = "explorer"
    #: How many stops on each side of a whole-number slider's handle get a picture drawn
    #: ahead (every option of a :class:`~conv1x1_viz.explorers.controls.Choice` does).
    frame_window: ClassVar[int] = 12

    controls: dict[str, Control]
    presets: tuple[Preset, ...]
    sliders: dict[str, ipywidgets.ValueWidget]
    readout: ipywidgets.HTML
    errors: ipywidgets.Output
    fig: Figure
    view: ipywidgets.DOMWidget

    def _setup(
        self,
        controls: Mapping[str, Control],
        values: Mapping[str, Any],
        figsize: tuple[float, float],
        dpi: float = 100,
        presets: Sequence[Preset] = (),
    ) -> None:
        """Check the starting values, build the widgets, draw once and wire the updates."""
        self.controls = dict(controls)
        # Only the presets these controls can reach (a smaller range leaves some out).
        self.presets = tuple(
            p for p in presets if all(v in self.controls[k].values() for k, v in p.values.items())
        )
        #: The value the learner last chose for each control; a limited one holds it when
        #: allowed (see :meth:`_sync_limits`).
        self._wishes = {key: control.check(key, values[key]) for key, control in controls.items()}
        self._limiting = False
        self.sliders = {key: control.widget(self._wishes[key]) for key, control in controls.items()}
        self.readout = ipywidgets.HTML()
        self.readout.add_class(contract.READOUT)
        self.errors = ipywidgets.Output()
        self.errors.add_class(contract.ERRORS)
        self.fig, self.view = new_figure(figsize, dpi)
        self._trial: dict[str, Any] = {}  # values a picture drawn ahead is drawn for
        # JupyterLab may send widget messages to a kernel thread of their own (a
        # subshell), while pictures are drawn ahead on the main one: one at a time.
        self._lock = threading.RLock()
        self._setup_done = False
        draw = self.fig.canvas.draw

        def draw_alone(*args: Any, **kwargs: Any) -> None:  # also when the page asks for it
            with self._lock:
                draw(*args, **kwargs)

        self.fig.canvas.draw = draw_alone
        self._busy = False
        self._plain = ""
        self._render_at = 0.0  # monotonic time before which no new picture is drawn
        self._received = 0.0  # wall-clock time of the last update, for TIMING_LOG
        self._render_waiting = False
        #: How long the last update took, by step, in milliseconds (see :meth:`update`).
        self.timings: dict[str, float] = {}
        self._sync_limits()
        self.draw()
        self.blitter = Blitter(self.fig, self.animated_artists())
        self.frames = FrameDeck(
            self.sliders,
            self.controls,
            self._picture_settings,
            self._picture_with,
            self._readout_with,
            self._restore_figure,
            self._css_size,
            window=self.frame_window,
        )
        self.figure_box = self._figure_box()
        self.view.on_msg(self._on_view_message)
        for key, widget in self.sliders.items():
            widget.add_class(contract.slider_class(key))
            widget.observe(functools.partial(self._on_change, key), names="value")
        controls_box = ipywidgets.VBox(list(self.sliders.values()))
        controls_box.add_class(contract.CONTROLS)
        self.children = [
            *([preset_row(self.presets, self.apply_preset)] if self.presets else []),
            controls_box,
            self._readout_box(),
            self.figure_box,
            self.errors,
        ]
        for name in (
            contract.EXPLORER,
            contract.kind_class(self.kind),
            *contract.fixed_size_classes(self.fixed_sizes()),
        ):
            self.add_class(name)
        self.update()
        self._setup_done = True

    def apply_preset(self, label: str) -> None:
        """Set every control of the preset called ``label``, with one update.

        Errors are shown in :attr:`errors`, as for a control moved by hand.
        """
        matches = [p for p in self.presets if p.label == label]
        if not matches:
            labels = [p.label for p in self.presets]
            raise ValueError(f"label must be one of the presets {labels}, got {label!r}")
        try:
            self.set(**matches[0].values)
        except Exception as exc:  # shown to the learner rather than lost in the kernel log
            self.show_error(exc)

    def current_preset(self) -> Preset | None:
        """Return the preset whose values the controls hold now, if any."""
        for preset in self.presets:
            if all(self.value(key) == value for key, value in preset.values.items()):
                return preset
        return None

    # -- what a subclass provides ------------------------------------------------------

    def readout_lines(self) -> list[tuple[str, str]]:
        """Return the readout as ``(label, text)`` lines for the current control values."""
        raise NotImplementedError(f"{type(self).__name__} must write its readout")

    def draw(self) -> None:
        """Create the axes and artists, once."""
        raise NotImplementedError(f"{type(self).__name__} must draw its figure")

    def update_figure(self) -> None:
        """Change the artists in place for the current control values (no redraw)."""
        raise NotImplementedError(f"{type(self).__name__} must update its figure")

    def animated_artists(self) -> list[Artist]:
        """Return every artist a control can change: only these are redrawn on a tick.

        The rest of the figure (frames, fixed labels, pictures that never change) is
        drawn once and kept as a background, so that a tick lays out no other text.
        """
        raise NotImplementedError(f"{type(self).__name__} must list its changing artists")

    def fixed_sizes(self) -> dict[str, int]:
        """Sizes set when the explorer was made, not by a control, e.g. ``{"height": 64}``.

        The readout's counts depend on them; each is also a DOM class
        ``c1x1-fixed-<key>-<size>`` on the explorer, so that a browser test can compute
        the counts the page must show.
        """
        return {}

    def _sync_limits(self) -> None:
        """Apply :meth:`limits` to the controls, so that invalid settings cannot be reached.

        A limited control holds the value the learner last chose for it if allowed, else
        the nearest allowed below (:meth:`Choice.limited`), whatever the limits were before.
        """
        self._limiting = True
        try:
            for key, limit in self.limits(self._values()).items():
                self.controls[key].cap(self.sliders[key], limit, self._wishes[key])
        finally:
            self._limiting = False

    # -- the update path ---------------------------------------------------------------

    def value(self, key: str) -> Any:
        """Return the current value of control ``key``."""
        if key in self._trial:
            return self._trial[key]
        return self.sliders[key].value

    def update_readout(self) -> None:
        """Recompute the counts and rewrite :attr:`readout` (no drawing)."""
        self.readout.value, self._plain = self.readout_texts()

    def readout_texts(self) -> tuple[str, str]:
        """Return the readout as HTML and as plain text; a preset's values name the case."""
        preset = self.current_preset()
        case = [("Case", f"{preset.label}: {preset.source}")] if preset else []
        return _readout([*case, *self.readout_lines()])

    def update(self) -> None:
        """Bring the readout and the figure up to date with the controls.

        The readout first, always at once: it is what the learner reads. Then the
        picture: its artists are changed in place and only they are redrawn
        (:class:`~conv1x1_viz.explorers.figure.Blitter`). In JupyterLab the new picture
        goes to the page at once, unless the last one was drawn less than its own
        drawing time ago: then it is drawn once that time is over, with whatever values
        the controls have by then. A held key thus never builds a queue of pictures, and
        the last value is always drawn. :attr:`timings` keeps what each step took.
        """
        with self._lock:  # comm messages may arrive on a thread of their own
            self._received = time.time()
            start = time.perf_counter()
            self.update_readout()
            self.timings = {"readout": 1000 * (time.perf_counter() - start)}
            if self._setup_done:  # pictures are drawn ahead once the learner moves something
                self.frames.schedule(self._catch_up, self._lock)
            if self.frames.follow(self._picture_settings()):
                self.timings["frame"] = 1.0  # the page shows a picture drawn ahead
                return
            if self._render_waiting:
                return
            wait = self._render_at - time.monotonic()
            loop = _running_loop()
            if wait <= 0 or loop is None or isinstance(self.view, ipywidgets.Image):
                self._render()
            else:
                self._render_waiting = True
                loop.call_later(wait, self._render_later)

    def _render_later(self) -> None:
        with self._lock:
            self._render_waiting = False
            try:
                self._render()
            except Exception as exc:  # shown to the learner rather than lost in the kernel log
                self.show_error(exc)

    def _catch_up(self) -> None:
        """Bring the figure, hidden under pictures drawn ahead, up to date."""
        self._render(answers_key=False)

    def _render(self, answers_key: bool = True) -> None:
        """Update the artists and redraw them, timing each step.

        ``answers_key`` says whether the picture answers the last change (logged to
        :data:`TIMING_LOG`), rather than catching the figure up behind a picture drawn ahead.
        """
        self.frames.figure_behind = False
        start = time.perf_counter()
        self.update_figure()
        moved = time.perf_counter()
        steps = self.blitter.blit()  # with ipympl: drawn, encoded and sent to the page
        drawn = time.perf_counter()
        if isinstance(self.view, ipywidgets.Image):
            self.view.value = render_png(self.fig)
            steps["send"] = 1000 * (time.perf_counter() - drawn)
        end = time.perf_counter()
        self.timings.update(artists=1000 * (moved - start), **steps)
        self._render_at = time.monotonic() + (end - start)
        log = os.environ.get(TIMING_LOG)
        if log and answers_key:
            sent = time.time()
            times = {"received": self._received, "started": sent - (end - start), "sent": sent}
            with open(log, "a", encoding="utf-8") as out:
                out.write(json.dumps({"kind": self.kind, **times, "steps": self.timings}) + "\n")

    def _on_change(self, key: str, change: dict[str, Any]) -> None:
        """React to control ``key``; errors go to :attr:`errors` instead of the kernel log."""
        self.frames.touch()  # before waiting for a picture being drawn ahead
        with self._lock:
            if not self._limiting:  # the learner's choice, not a limit applied
                self._wishes[key] = change["new"]
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
                self.frames.touch()  # rest is counted from the end of the answer

    @contextlib.contextmanager
    def hold_updates(self) -> Iterator[Explorer]:
        """Change several controls at once and update once, at the end.

        Examples
        --------
        With ``explorer`` an Explorer whose controls include ``in_channels`` and
        ``filters`` (no explorer of the package draws in the kernel any more;
        ``tests/test_explorers.py`` drives this with the old ones)::

            with explorer.hold_updates():
                explorer.sliders["in_channels"].value = 256
                explorer.sliders["filters"].value = 32
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

    def set(self, **values: Any) -> None:
        """Set several controls at once, checked, with one update.

        Parameters
        ----------
        **values
            Control key to value, e.g. ``explorer.set(in_channels=256, filters=32)``.
        """
        unknown = sorted(set(values) - set(self.sliders))
        if unknown:
            raise ValueError(f"no control named {unknown}; controls are {sorted(self.sliders)}")
        with self.hold_updates():
            for key in (k for k in self.controls if k in values):  # in declared order
                self.sliders[key].value = self.controls[key].check(key, values[key])
                self._sync_limits()

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
        self.blitter.forget_background()  # savefig drew on a canvas of its own
        return buffer.getvalue()

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        """Widget view, plus a captioned picture and plain text where widgets cannot run.

        A live notebook shows the widget. GitHub, nbviewer, and JupyterLab before the
        cell has run show the ``text/html``: the picture, a caption saying how to bring
        the explorer to life, and the readout.
        """
        data = super()._repr_mimebundle_(**kwargs) or {}
        png = base64.b64encode(self.snapshot()).decode("ascii")
        data["text/plain"] = self.summary()
        data["image/png"] = png
        readout = self.readout.value
        data["text/html"] = (
            f'<figure class="{contract.EXPLORER}-saved" style="margin: 0">'
            f'<img src="data:image/png;base64,{png}" style="max-width: 100%" '
            f'alt="{html.escape(type(self).__name__)}, as saved"/>'
            f"<figcaption><i>{html.escape(CAPTION)}</i></figcaption></figure>{readout}"
        )
        return data

    def __repr__(self) -> str:
        """Name and control values, e.g. ``<ParamExplorer: in_channels=512, ...>``."""
        values = ", ".join(f"{key}={self.value(key)!r}" for key in self.sliders)
        return f"<{type(self).__name__}: {values}>"
