"""The explorer's side of pictures drawn ahead: what a picture shows, and drawing one.

:class:`DrawsAhead` is a part of :class:`~conv1x1_viz.explorers.base.Explorer`: it gives
the :class:`~conv1x1_viz.explorers.frames.FrameDeck` what it needs of an explorer (the
settings a picture shows, the picture itself, the figure put back afterwards, the size on
the page) and lays the deck over the figure. It relies on the explorer's controls,
:meth:`~conv1x1_viz.explorers.base.Explorer.limits`,
:meth:`~conv1x1_viz.explorers.base.Explorer.picture_state` and its drawing methods.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import Any

import ipywidgets

from conv1x1_viz import contract
from conv1x1_viz.explorers.frames import FRAMES_CSS

__all__ = ["DrawsAhead"]


class DrawsAhead:
    """Pictures of other settings than the controls hold, drawn without touching them."""

    _trial: dict[str, Any]
    _wishes: dict[str, Any]

    # -- what an explorer may say about its controls and picture -----------------------

    def limits(self, values: Mapping[str, Any]) -> dict[str, int | list[int]]:
        """Return the limits some controls put on others, for these control values.

        ``{key: high}`` caps control ``key`` at ``high``; ``{key: [values]}`` offers only
        those (a :class:`~conv1x1_viz.explorers.controls.Choice`). None here.
        """
        return {}

    def _allows(self) -> bool:
        """Whether the values (as :meth:`value` gives them) keep :meth:`picture_state`.

        Pictures are drawn ahead only for such values: e.g. not for the stops of a slider
        at which a map clicked would no longer be shown.
        """
        return True

    def picture_state(self) -> tuple:
        """Return what the picture shows besides the controls, e.g. a map clicked (none here)."""
        return ()

    # -- what the deck needs --------------------------------------------------------------

    def _figure_box(self) -> ipywidgets.GridBox:
        """Lay the deck of pictures drawn ahead over the figure, in one grid cell."""
        for widget in (self.view, self.frames.widget):
            widget.layout.grid_area = "1 / 1"
        # ipympl puts its canvas two widget margins in (its view, then the canvas's box),
        # as the deck puts its pictures (the deck, then a stack): the deck is the canvas's
        # size plus a margin on each side, so that each picture has the canvas's size.
        width, height = self._css_size()
        margins = "2 * var(--jp-widgets-margin)"
        self.frames.widget.layout.width = f"calc({width:g}px + {margins})"
        self.frames.widget.layout.height = f"calc({height:g}px + {margins})"
        style = ipywidgets.HTML(f"<style>{FRAMES_CSS}</style>", layout={"display": "none"})
        box = ipywidgets.GridBox(
            [self.view, self.frames.widget, style],
            layout={
                "grid_template_columns": "max-content",
                "grid_template_rows": "max-content",
                "justify_items": "flex-start",
                "align_items": "flex-start",
            },
        )
        box.add_class(contract.FIGURE)
        return box

    def _readout_box(self) -> ipywidgets.GridBox:
        """Lay the deck of readouts drawn ahead over the readout, in one grid cell.

        A readout card is opaque and fills the cell, so that it hides the readout under it.
        """
        for widget in (self.readout, self.frames.notes):
            widget.layout.grid_area = "1 / 1"
        return ipywidgets.GridBox([self.readout, self.frames.notes])

    def _readout_with(self, key: str, value: Any) -> str:
        """Return the readout's HTML with ``key`` at ``value`` (and the controls it limits)."""
        with self._trying(self._values_with(key, value)):
            return self.readout_texts()[0]

    def _values(self) -> dict[str, Any]:
        return {key: self.value(key) for key in self.controls}

    def _values_with(self, key: str, value: Any) -> dict[str, Any]:
        """Return the controls' values with ``key`` at ``value``, those it limits following.

        As :meth:`_sync_limits` leaves them once ``key`` is there, whichever way it went.
        """
        values, wishes = {**self._values(), key: value}, {**self._wishes, key: value}
        for limited, limit in self.limits(values).items():
            values[limited] = self.controls[limited].limited(wishes[limited], limit)
        return values

    @contextlib.contextmanager
    def _trying(self, values: Mapping[str, Any]) -> Iterator[None]:
        """Let :meth:`value` give ``values`` (the widgets are not touched)."""
        self._trial = dict(values)
        try:
            yield
        finally:
            self._trial = {}

    def _picture_settings(self, key: str | None = None, value: Any = None) -> tuple | None:
        """Return all the picture depends on, ``key`` at ``value`` if given; None if not allowed.

        The controls' values, :meth:`picture_state` and the figure's resolution (ipympl
        raises it on a high-density screen).
        """
        values = self._values()
        if key is not None:
            values = self._values_with(key, value)
            with self._trying(values):
                if not self._allows():
                    return None
        return tuple(values.items()), self.picture_state(), self.fig.dpi

    def _picture_with(self, key: str, value: Any) -> memoryview:
        """Draw the figure with ``key`` at ``value`` (nothing sent) and return its pixels.

        Controls that ``key`` limits are drawn as they would follow it.
        """
        with self._trying(self._values_with(key, value)):
            self.update_figure()
            return self.blitter.draw()

    def _restore_figure(self) -> None:
        """Put the figure's artists back as the controls have them (nothing drawn or sent).

        Its pixels may still hold a picture drawn ahead: every path to the page draws
        first (a blit, or a whole draw when the page asks for one).
        """
        self.update_figure()

    def _on_view_message(self, widget: Any, content: Any, buffers: Any) -> None:
        """Start drawing ahead once a page shows the figure (ipympl says it is initialized).

        Not before: a notebook run without a page (nbval, nbconvert) draws nothing ahead.
        """
        if isinstance(content, dict) and content.get("type") == "initialized":
            self.frames.schedule(self._catch_up, self._lock)

    def _css_size(self) -> tuple[float, float]:
        ratio = getattr(self.fig.canvas, "device_pixel_ratio", 1) or 1
        return self.fig.bbox.width / ratio, self.fig.bbox.height / ratio
