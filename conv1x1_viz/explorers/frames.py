"""Pictures drawn ahead of the slider, so that the page shows the next one with no round trip.

Drawing in the kernel is fast (10–20 ms), but a picture that follows a key press also
travels to the kernel and back and is decoded in the page: 80–190 ms on a 2-core machine.
So, once the learner pauses, an explorer draws the pictures each slider would show at its
other stops (every option of a :class:`~conv1x1_viz.explorers.controls.Choice`, the stops
near the handle of a :class:`~conv1x1_viz.explorers.controls.Whole`), all else as it is,
and sends them as images. Each slider's images sit in a stack of cards (an
:class:`ipywidgets.Tab`, its tab bar hidden) whose ``selected_index`` follows the slider in
the page (:func:`ipywidgets.jsdlink`): a key press shows another card, a frame later.

The stacks are held in one more stack, the *deck*, laid over the figure; its first card is
empty and lets the figure show through (clicks and hovering always reach the figure). The
kernel decides which card the deck shows: the stack of the slider that moved, or the empty
card. A picture is never shown for settings other than the controls': a card is visible
only while its picture is of the present settings (the figure shows through the others),
and the figure itself is drawn on every change that no visible card answers.

The readout is drawn ahead with each picture, and shown the same way: each picture's card
has a twin holding the readout of the same settings, in a second deck laid over the
readout, which switches with the first. A key press answered ahead thus changes the counts
and the picture in the same frame, with no message to the kernel.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field

import ipywidgets
import traitlets

from conv1x1_viz import contract
from conv1x1_viz.explorers.controls import Choice, Whole
from conv1x1_viz.explorers.figure import whole_png

__all__ = ["FRAMES_CSS", "FrameDeck"]

#: The deck covers the figure but lets the mouse through to it, and a picture switched in
#: it lays out nothing else on the page (it has the figure's size): rules that ipywidgets'
#: layout cannot express, which an explorer carries in a hidden HTML widget.
FRAMES_CSS = f"""
.{contract.FRAMES} {{ pointer-events: none; contain: strict; }}
.{contract.FRAMES} .lm-TabBar, .{contract.READOUT_CARDS} .lm-TabBar {{
  display: none !important;
}}
.{contract.FRAMES} .widget-tab-contents, .{contract.READOUT_CARDS} .widget-tab-contents {{
  border: none !important; padding: 0 !important; background: transparent !important;
  overflow: hidden !important;
}}
.{contract.READOUT_CARDS}, .{contract.READOUT_CARDS} .jupyter-widget-tab {{
  pointer-events: none; margin: 0 !important;
}}
.{contract.READOUT_CARDS}, .{contract.READOUT_CARDS} .widget-tab-contents {{
  display: flex !important; flex-direction: column;
}}
.{contract.READOUT_CARDS} .widget-tab-contents > * {{ flex: 1 0 auto; }}
.{contract.READOUT_CARD} {{ background: var(--jp-layout-color0); margin: 0 !important; }}
.{contract.READOUT_CARD} > * {{ flex: 1 1 auto; align-self: stretch; }}
"""
#: Seconds without a change before the slider being moved gets its missing pictures: a
#: held key repeats about every 30 ms. Each picture delays the next message by 10–20 ms.
PAUSE = 0.1
#: A change this soon after the last one is one of a run (a held key, quick taps): the
#: slider then gets its pictures only after :data:`RUN_PAUSE` seconds without a change.
#: Pictures sent during a run reach the page before the kernel's answers and delay them,
#: and the page sends a slider's next value only once the kernel has answered the last.
RUN_GAP = 0.45
RUN_PAUSE = 0.3
#: Seconds without a change before the other sliders get theirs (each change of one
#: slider makes the others' pictures out of date), and the figure is brought up to date.
LONG_PAUSE = 0.6
#: Stops on each side of another slider's handle that get pictures after a long rest,
#: nearest first, so that a key held on any slider (about ten presses) finds its pictures
#: ready: every option of most depth sliders. The page keeps every picture, so each one
#: sent costs it work; a change stops the drawing (the slider in use gets all its stops).
NEAR = 10
#: Seconds between two pictures drawn ahead, in which the kernel takes messages.
BETWEEN_STEPS = 0.005
#: When any explorer in this kernel last changed (monotonic seconds): the long rest is
#: counted from there, so that one explorer's drawing ahead never slows the one in use.
_last_change = [0.0]


def _hidden_box(*classes: str) -> ipywidgets.Box:
    """Return an empty card, hidden until it holds a picture of the present settings."""
    box = ipywidgets.Box(layout={"visibility": "hidden"})
    for name in classes:
        box.add_class(name)
    return box


class _Cards(ipywidgets.Tab):
    """A slider's cards: a tab panel whose page-set index the kernel does not echo back.

    The page sets ``selected_index`` on every key press (:func:`ipywidgets.jsdlink`);
    ipywidgets would send each value back to the page, which has no other view to keep
    in step, at a cost the page pays while the learner waits for the readout.
    """

    selected_index = traitlets.CInt(allow_none=True, default_value=None).tag(
        sync=True, echo_update=False
    )


@dataclass
class _Slot:
    """One stop of one slider: its card, the image in it, and what that image shows.

    ``note_card`` is its twin over the readout, and ``note`` the readout in it.
    ``settings`` is None until a picture is drawn; ``shown`` is whether the cards were last
    made visible (only cards whose picture is of the present settings are).
    """

    card: ipywidgets.Box
    note_card: ipywidgets.Box
    image: ipywidgets.Image | None = None
    note: ipywidgets.HTML | None = None
    settings: Hashable | None = None
    shown: bool = False

    def holds(self, wanted: Hashable | None) -> bool:
        """Whether the card holds the picture of ``wanted`` settings (None: no picture)."""
        return wanted is not None and self.settings == wanted


@dataclass
class FrameDeck:
    """The stacks of pictures drawn ahead, one per slider, and the deck that shows one.

    Every stack is an :class:`ipywidgets.Tab` (its tab bar hidden by :data:`FRAMES_CSS`)
    with one card per stop, made once: a tab panel keeps every card in the page, so a
    switch only shows another card, whose picture was loaded and decoded long before, and
    its cards never change (a new card would disturb the index the slider sets). A card
    holds its picture once one is drawn, and is visible only while that picture is of the
    present settings.

    Parameters
    ----------
    sliders : dict of str to widget
        The explorer's controls; check boxes get no pictures (a click redraws the figure).
    controls : dict of str to Whole or Choice or Toggle
        Their declarations.
    settings : callable
        ``settings(key, value)``: everything the picture depends on with control ``key`` at
        ``value`` and the rest as they are (those ``key`` limits as they would follow), or
        ``None`` when no picture should be drawn for that value.
    draw : callable
        ``draw(key, value)``: the figure's picture with ``key`` at ``value``, as Agg's RGBA
        buffer (the figure need not be left as the controls have it).
    readout : callable
        ``readout(key, value)``: the readout's HTML with ``key`` at ``value``.
    restore : callable
        Puts the figure's artists back as the controls have them, after pictures were
        drawn ahead.
    css_size : callable
        The figure's size on the page, ``(width, height)`` in CSS pixels: each image is
        shown at that size, over the figure (a high-density screen gets more pixels).
    window : int
        How many stops on each side of a :class:`Whole` slider's handle get pictures.

    Attributes
    ----------
    widget : ipywidgets.Tab
        The deck: an empty card, then one stack per slider.
    stacks : dict of str to ipywidgets.Tab
        Each slider's cards, one per stop, linked to the slider in the page.
    notes : ipywidgets.Tab
        The twin deck of readouts, laid over the readout: it shows the same card.
    note_stacks : dict of str to ipywidgets.Tab
        Each slider's readout cards, linked to the slider like its pictures.
    links : list of ipywidgets.DirectionalLink
        Those links: a slider's option index (or whole-number value) sets its stacks'
        ``selected_index`` in the page.
    blank : ipywidgets.Box
        The deck's empty card, through which the figure shows.
    slots : dict of str to list of _Slot
        Each slider's stops, by index.
    drawn : int
        Pictures drawn ahead so far (for the benchmark and the tests).
    """

    sliders: dict
    controls: dict
    settings: Callable[[str, object], Hashable | None]
    draw: Callable[[str, object], memoryview]
    readout: Callable[[str, object], str]
    restore: Callable[[], None]
    css_size: Callable[[], tuple[float, float]]
    window: int = 8
    widget: ipywidgets.Tab = field(init=False)
    stacks: dict = field(init=False)
    notes: ipywidgets.Tab = field(init=False)
    note_stacks: dict = field(init=False)
    links: list = field(init=False)
    blank: ipywidgets.Box = field(init=False)
    slots: dict = field(init=False)
    drawn: int = field(init=False, default=0)

    def __post_init__(self) -> None:  # noqa: D105 - builds the widgets described above
        self.blank = ipywidgets.Box()
        self.stacks, self.note_stacks, self.slots, self.links = {}, {}, {}, []
        for key, control in self.controls.items():
            if not isinstance(control, Whole | Choice):
                continue
            stops = len(control.options) if isinstance(control, Choice) else control.high + 1
            self.slots[key] = [_Slot(_hidden_box(), _hidden_box(contract.READOUT_CARD))
                               for _ in range(stops)]  # fmt: skip
            self.stacks[key] = _Cards([slot.card for slot in self.slots[key]])
            self.note_stacks[key] = _Cards([slot.note_card for slot in self.slots[key]])
            for stack in (self.stacks[key], self.note_stacks[key]):
                link = (self.sliders[key], self._trait(key)), (stack, "selected_index")
                self.links.append(ipywidgets.jsdlink(*link))
        self.widget = ipywidgets.Tab([self.blank, *self.stacks.values()], selected_index=0)
        self.widget.add_class(contract.FRAMES)
        self.notes = ipywidgets.Tab(
            [ipywidgets.Box(), *self.note_stacks.values()], selected_index=0
        )
        self.notes.add_class(contract.READOUT_CARDS)
        self._previous: Hashable | None = None
        self._changed_at = self._followed_at = 0.0
        self._pause = PAUSE  # the rest the slider in use waits for (see RUN_GAP)
        self._pending = False
        self.figure_behind = False  # whether the figure lags behind the picture shown

    # -- which stop is which --------------------------------------------------------------

    def _trait(self, key: str) -> str:
        """Name the slider's trait that is its stack's index: an option's index, or the value."""
        return "index" if isinstance(self.controls[key], Choice) else "value"

    def _value_at(self, key: str, index: int) -> object | None:
        """Return the value at stop ``index`` of slider ``key`` now, or None if it has none."""
        slider = self.sliders[key]
        if isinstance(self.controls[key], Choice):
            return slider.options[index][1] if index < len(slider.options) else None
        return index if slider.min <= index <= slider.max else None

    def _values(self, key: str) -> dict[int, object]:
        """Map index to value for the stops that get a picture: every option, or the window."""
        slider = self.sliders[key]
        if isinstance(self.controls[key], Choice):
            return {i: value for i, (_, value) in enumerate(slider.options)}
        low = max(slider.min, slider.value - self.window)
        high = min(slider.max, slider.value + self.window)
        return {v: v for v in range(low, high + 1)}

    def _index(self, key: str) -> int:
        return getattr(self.sliders[key], self._trait(key))

    def _wanted(self, key: str, index: int) -> Hashable | None:
        """Return the settings of the picture at stop ``index`` of ``key``, None if none."""
        value = self._value_at(key, index)
        return None if value is None else self.settings(key, value)

    def _fresh(self, key: str, index: int) -> bool:
        """Whether stop ``index`` of ``key`` holds a picture of the present settings."""
        return self.slots[key][index].holds(self._wanted(key, index))

    # -- the page's side: what the deck shows ---------------------------------------------

    def _refresh_cards(self, key: str) -> bool:
        """Make visible exactly the cards of ``key`` the page may show.

        Those whose picture is up to date and that a key press at a time reaches from the
        handle without passing a stop at which no picture is allowed (one that would drop
        a map clicked): past such a stop, what the picture shows depends on whether the
        kernel heard of it, and the page switches cards before the kernel hears of the
        stops between. Limits are no such stop: a limited control's value depends only on
        the others' and the learner's choice (:meth:`~.controls.Choice.limited`).
        Returns whether the card at the slider's stop is visible.
        """
        here, stops = self._index(key), range(len(self.slots[key]))
        wanted = [self._wanted(key, i) for i in stops]
        reach = {here}
        for step in (1, -1):
            index = here + step
            while index in stops:
                reach.add(index)
                if wanted[index] is None:
                    break
                index += step
        for index, slot in enumerate(self.slots[key]):
            fresh = index in reach and slot.holds(wanted[index])
            if slot.shown != fresh:
                for card in (slot.note_card, slot.card):  # the readout first, as the kernel's
                    card.layout.visibility = "visible" if fresh else "hidden"
                slot.shown = fresh
        return self.slots[key][self._index(key)].shown

    def _show(self, key: str | None) -> bool:
        """Show the stack of ``key``, only its up-to-date pictures visible, or the empty card.

        Returns whether the picture of the present settings is among them.
        """
        ready = False if key is None else self._refresh_cards(key)
        position = 0 if key is None else 1 + list(self.stacks).index(key)
        for deck in (self.notes, self.widget):
            if deck.selected_index != position:
                deck.selected_index = position
        return ready

    def touch(self) -> None:
        """Note a change: drawing ahead waits until the controls rest again.

        Called as a change arrives, before it waits for a picture being drawn ahead to
        finish, so that no further one starts (during a held key, the page sends the next
        value once the kernel has answered the last: drawing then would delay it).
        """
        self._changed_at = _last_change[0] = time.monotonic()

    def follow(self, settings: Hashable) -> bool:
        """Show the picture of ``settings`` (all the explorer's state), if one is drawn.

        Called on every change. The stack of a slider that moved is shown (the page has
        already switched it to the new stop), with only pictures of the present settings;
        returns True when the one at the new stop is among them, so the figure need not be
        drawn. The slider may have moved others that it limits: its pictures were drawn
        with them moved too. A change of no slider (a check box, a click) shows the empty
        card: False.
        """
        now = time.monotonic()
        self._pause = RUN_PAUSE if now - self._followed_at < RUN_GAP else PAUSE
        self._followed_at = now
        self.touch()
        before = dict(self._previous[0]) if self._previous is not None else {}
        self._previous = settings
        moved = [k for k, v in settings[0] if k in self.stacks and before.get(k, v) != v]
        moved.sort(key=lambda k: k != self.shown())  # the stack shown first
        ready = [k for k in moved if self._fresh(k, self._index(k))]
        shown = self._show((ready or moved or [None])[0])
        self.figure_behind = self.figure_behind or shown
        return shown

    # -- the kernel's side: drawing ahead -------------------------------------------------

    def missing(
        self, keys: Iterable[str] | None = None, near: int | None = None, here: bool = True
    ) -> list:
        """List the stops without an up-to-date picture, ``(key, index, value)``, nearest first.

        Only those of the sliders ``keys`` (default: all), within ``near`` stops of each
        handle if given; the stops at the handles come first if ``here``, else last.
        """
        todo = []
        for key in self.stacks if keys is None else keys:
            at = self._index(key)
            for index, value in self._values(key).items():
                distance = abs(index - at) or (0 if here else float("inf"))
                if near is not None and distance > near and index != at:
                    continue
                wanted = self.settings(key, value)
                if wanted is not None and not self.slots[key][index].holds(wanted):
                    todo.append((distance, key, index, value))
        return [(key, index, value) for _, key, index, value in sorted(todo, key=lambda t: t[0])]

    def draw_ahead(self, todo: list | None = None) -> int:
        """Draw the pictures ``todo`` (default: every one missing), as :meth:`missing` lists.

        Returns how many were drawn. The cards of their sliders are made visible or hidden,
        and the figure's artists put back as the controls have them. A picture is read from
        the controls as it is drawn, and the page's messages set them on a thread of their
        own: one whose settings changed meanwhile is not kept (its stop is drawn again at
        the next rest), else its card would claim the new settings with the old picture.
        """
        todo = self.missing() if todo is None else todo
        done = drew = 0
        touched = set()
        for key, index, value in todo:
            wanted = self.settings(key, value)
            if wanted is None:  # no picture allowed there now
                continue
            note = self.readout(key, value)
            png = whole_png(self.draw(key, value))
            drew += 1
            if self.settings(key, value) != wanted:
                continue
            slot = self.slots[key][index]
            if slot.image is None:
                width, height = self.css_size()
                # No margin: the picture lies on the canvas, at its size, pixel for pixel.
                layout = {"width": f"{width:g}px", "height": f"{height:g}px", "margin": "0"}
                slot.image = ipywidgets.Image(format="png", layout=layout)
                slot.card.children = (slot.image,)
                slot.note = ipywidgets.HTML()
                slot.note_card.children = (slot.note,)
            slot.note.value, slot.image.value, slot.settings = note, png, wanted
            touched.add(key)
            self.drawn += 1
            done += 1
        if drew:
            self.restore()
        for key in touched:
            self._refresh_cards(key)
        return done

    def stale(self, keys: Iterable[str] | None = None) -> list[str]:
        """List the sliders (of ``keys``, default all) with a visible card out of date.

        A change of one slider makes the others' pictures out of date while their stacks are
        out of sight. Shown again with such a card, a stack would first have to hide it,
        card by card, each a message to the page before the one that shows the stack.
        """
        keys = self.stacks if keys is None else keys
        return [k for k in keys if any(slot.shown and not self._fresh(k, i)
                                       for i, slot in enumerate(self.slots[k]))]  # fmt: skip

    def shown(self) -> str | None:
        """Return the slider whose stack the deck shows, or None for the empty card."""
        index = self.widget.selected_index or 0
        return list(self.stacks)[index - 1] if index else None

    def schedule(self, catch_up: Callable[[], None], lock: threading.RLock) -> None:
        """Draw ahead while the controls rest, one picture a step, nearest first.

        :data:`PAUSE` seconds after the last change (:data:`RUN_PAUSE` in a run of
        changes; see also :meth:`touch`), the stops of the
        slider being moved that lack a picture are drawn, the one at the handle last if the
        figure shows it; then the other sliders' cards that went out of date are hidden
        (:meth:`stale`), a slider at a time, so that moving one of them next shows its stack
        at once. After :data:`LONG_PAUSE` seconds
        without a change to any explorer (the learner turns to another control),
        ``catch_up`` brings the figure up to date if pictures were shown in its place, and
        the other sliders get the :data:`NEAR` stops around their handles (the rest once
        the learner moves them). Each step holds ``lock``, the explorer's, and lets
        messages in between. Outside an event loop (tests, scripts) nothing is scheduled:
        call :meth:`draw_ahead`.
        """
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        if self._pending:
            return
        self._pending = True

        def step() -> None:
            with lock:
                now = time.monotonic()
                resting, all_resting = now - self._changed_at, now - _last_change[0]
                shown = self.shown()
                # The stop at the handle last: the figure shows it, unless pictures did.
                own = self.missing([shown], here=self.figure_behind) if shown is not None else []
                others = [k for k in self.stacks if k != shown]
                if resting < self._pause:
                    loop.call_later(self._pause - resting, step)
                elif own:
                    self.draw_ahead(own[:1])
                    loop.call_later(BETWEEN_STEPS, step)
                elif stale := self.stale(others):
                    self._refresh_cards(stale[0])
                    loop.call_later(BETWEEN_STEPS, step)
                elif all_resting < LONG_PAUSE:
                    loop.call_later(LONG_PAUSE - all_resting, step)
                elif self.figure_behind:
                    catch_up()
                    loop.call_later(BETWEEN_STEPS, step)
                elif rest := self.missing(others, NEAR):
                    self.draw_ahead(rest[:1])
                    loop.call_later(BETWEEN_STEPS, step)
                else:
                    self._pending = False

        loop.call_later(PAUSE, step)
