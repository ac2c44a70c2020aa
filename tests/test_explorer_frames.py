"""Pictures drawn ahead of the sliders: right pixels, never shown out of date, drawn when idle."""

import asyncio
import io
import random
import threading
import time

import ipywidgets
import numpy as np
import pytest
from PIL import Image

import conv1x1_viz.explorers.frames as frames_module
from conv1x1_viz.explorers import Choice
from conv1x1_viz.explorers.figure import whole_png

from .channel_mixing_explorer import ChannelMixingExplorer
from .filter_block_explorer import FilterBlockExplorer
from .reduction_explorer import KernelReductionExplorer
from .test_explorers import EXPLORERS, _moves


def _scratch(cls, settings):
    """The explorer of ``cls`` drawn from scratch with the controls of ``settings``."""
    fresh = cls()
    fresh.set(**dict(settings[0]))
    fresh.fig.canvas.draw()
    return np.asarray(fresh.fig.canvas.buffer_rgba())[:, :, :3].astype(int)


def _picture(image: ipywidgets.Image):
    return np.asarray(Image.open(io.BytesIO(bytes(image.value))).convert("RGB")).astype(int)


def _shown_cards_are_current(explorer) -> None:
    """Every visible card of the stack the deck shows holds a picture of the present settings.

    The stacks' cards never change: one per stop, in order, each a box holding its picture.
    """
    deck = explorer.frames
    key = deck.shown()
    if key is None:
        return
    assert list(deck.stacks[key].children) == [slot.card for slot in deck.slots[key]]
    assert list(deck.note_stacks[key].children) == [slot.note_card for slot in deck.slots[key]]
    assert deck.notes.selected_index == deck.widget.selected_index
    for index, slot in enumerate(deck.slots[key]):
        # A readout card is visible exactly when its picture's card is.
        assert slot.note_card.layout.visibility == slot.card.layout.visibility
        if slot.card.layout.visibility == "hidden":
            continue
        assert slot.card.children == (slot.image,) and slot.note_card.children == (slot.note,)
        value = deck._value_at(key, index)
        assert slot.settings == explorer._picture_settings(key, value), (key, index)
        # No stop on the way from the handle would drop a map clicked: the kernel may hear
        # of it or not, and the picture would depend on which.
        here = deck._index(key)
        for stop in range(min(here, index) + 1, max(here, index)):
            assert deck._wanted(key, stop) is not None, (key, index, stop)


@pytest.mark.parametrize("kind", EXPLORERS)
def test_pictures_drawn_ahead_are_the_explorer_drawn_from_scratch(kind):
    explorer = EXPLORERS[kind]()
    deck = explorer.frames
    assert deck.draw_ahead() > 0 and deck.missing() == []
    for key, slots in deck.slots.items():
        drawn = [i for i, slot in enumerate(slots) if slot.settings is not None]
        for index in drawn[:: max(1, len(drawn) - 1)]:  # the first and last stop drawn
            slot = slots[index]
            difference = np.abs(_picture(slot.image) - _scratch(type(explorer), slot.settings))
            assert difference.max() == 0, f"{key} at stop {index}: {(difference > 0).sum()} differ"
    # Drawing ahead sent nothing and left the figure as the controls have it.
    before = bytes(explorer.view.value)
    explorer.update()
    assert bytes(explorer.view.value) == before


@pytest.mark.parametrize("kind", EXPLORERS)
def test_a_slider_with_pictures_drawn_ahead_moves_without_a_redraw(kind):
    # To stops that have a picture: every stop near the handle at which no other control
    # must move (see test_stops_that_would_move_another_control_get_no_picture).
    explorer = EXPLORERS[kind]()
    deck = explorer.frames
    moved = []
    for key in reversed(list(deck.stacks)):  # groups before the depths that limit them
        for _ in range(2):
            deck.draw_ahead(deck.missing([key]))
            here = explorer.value(key)
            drawn = [v for i, v in deck._values(key).items() if deck._fresh(key, i) and v != here]
            if not drawn:  # e.g. 512 groups: no other depth keeps them
                continue
            moved.append(key)
            value = max(drawn, key=lambda v: abs(v - here))
            picture = bytes(explorer.view.value)
            explorer.sliders[key].value = value
            assert explorer.timings.get("frame") == 1.0, key
            assert bytes(explorer.view.value) == picture  # the figure was not drawn
            assert deck.shown() == key and deck.figure_behind
            slider = explorer.sliders[key]
            index = slider.index if isinstance(explorer.controls[key], Choice) else slider.value
            slot = deck.slots[key][index]
            assert slot.card.layout.visibility == "visible" and slot.card.children == (slot.image,)
            # The readout drawn ahead is the one the kernel wrote on the move.
            assert slot.note.value == explorer.readout.value, key
            _shown_cards_are_current(explorer)
    assert set(moved) == set(deck.stacks)


@pytest.mark.parametrize("kind", EXPLORERS)
def test_out_of_date_pictures_are_never_shown(kind):
    # Move every control in turn, drawing ahead in between: whatever the deck shows is of
    # the present settings, and where no picture is, the figure itself was drawn.
    explorer = EXPLORERS[kind]()
    deck = explorer.frames
    for round_ in range(2):
        for key in explorer.controls:
            for value in _moves(explorer, key)[:2] or [not explorer.value(key)]:
                if round_ and key in deck.stacks:  # this slider's pictures; others are stale
                    deck.draw_ahead(deck.missing([key]))
                picture = bytes(explorer.view.value)
                explorer.sliders[key].value = value
                _shown_cards_are_current(explorer)
                if explorer.timings.get("frame") != 1.0:
                    assert bytes(explorer.view.value) != picture or deck.shown() is None
    assert not explorer.errors.outputs


def test_a_check_box_shows_the_figure_and_redraws_it():
    explorer = FilterBlockExplorer()
    explorer.frames.draw_ahead()
    explorer.sliders["filters"].value = 128
    assert explorer.frames.shown() == "filters"
    picture = bytes(explorer.view.value)
    explorer.sliders["use_bias"].value = False
    assert explorer.frames.shown() is None and explorer.frames.widget.selected_index == 0
    assert bytes(explorer.view.value) != picture and "frame" not in explorer.timings


def test_pictures_show_the_controls_a_slider_limits_as_they_follow_it():
    # Output 5 highlighted of 8, then the filters go down to 3: the output follows to 2.
    # The picture drawn ahead for 3 filters shows that, and the page may show it.
    explorer = ChannelMixingExplorer(filters=8)
    explorer.set(output=5)
    explorer.frames.draw_ahead()
    index = next(i for i, n in explorer.frames._values("filters").items() if n == 3)
    settings = dict(explorer.frames.slots["filters"][index].settings[0])
    assert (settings["filters"], settings["output"]) == (3, 2)
    explorer.sliders["filters"].value = 3
    assert explorer.value("output") == 2 and explorer.timings.get("frame") == 1.0
    _shown_cards_are_current(explorer)


def test_no_picture_is_drawn_ahead_for_stops_that_would_lose_a_click():
    # A map clicked stays selected only while it is shown: fewer filters would drop it.
    explorer = KernelReductionExplorer()
    explorer.selected = 5
    explorer.update()
    explorer.frames.draw_ahead()
    values = explorer.frames._values("filters")
    drawn = {values[i] for i, slot in enumerate(explorer.frames.slots["filters"]) if slot.settings}
    assert drawn and all(n > 5 for n in drawn)
    assert {n for n in values.values() if n > 5} == drawn


def test_the_page_switches_each_stack_with_its_slider():
    # Each stack's index follows its slider in the page: a choice's option index, a whole
    # number's value; the stack has a card for every index the slider can reach.
    for explorer in (FilterBlockExplorer(), ChannelMixingExplorer()):
        links = explorer.frames.links
        for key, stack in explorer.frames.stacks.items():
            slider = explorer.sliders[key]
            trait = "index" if isinstance(slider, ipywidgets.SelectionSlider) else "value"
            assert any(ln.source == (slider, trait) and ln.target == (stack, "selected_index")
                       for ln in links), key  # fmt: skip
            reach = len(slider.options) if trait == "index" else slider.max + 1
            assert len(stack.children) >= reach
        assert "use_bias" not in explorer.frames.stacks  # a check box gets no pictures


def test_whole_number_sliders_get_pictures_near_their_handle():
    explorer = ChannelMixingExplorer(filters=10)
    explorer.frames.draw_ahead()
    k = explorer.value("filters")
    window = explorer.frame_window
    low, high = explorer.controls["filters"].low, explorer.controls["filters"].high
    drawn = {i for i, slot in enumerate(explorer.frames.slots["filters"]) if slot.settings}
    assert drawn == set(range(max(low, k - window), min(high, k + window) + 1))


def test_pictures_are_drawn_ahead_once_the_controls_rest(monkeypatch):
    # In a kernel an event loop runs: after a change, the slider moved gets all its
    # pictures, then (after a longer rest) the figure catches up and the other sliders get
    # theirs. Waits are polled, never timed.
    monkeypatch.setattr(frames_module, "LONG_PAUSE", 0.3)

    async def scenario():
        explorer = FilterBlockExplorer()
        deck = explorer.frames
        assert deck.drawn == 0  # nothing is drawn before the learner moves something
        explorer.sliders["filters"].value = 128
        await _until(lambda: not deck.missing(["filters"]))
        await _until(lambda: not deck._pending)
        assert deck.missing(near=frames_module.NEAR) == []  # near the other handles too
        explorer.sliders["filters"].value = 256  # a picture drawn ahead: shown, not drawn
        assert explorer.timings.get("frame") == 1.0 and deck.figure_behind
        await _until(lambda: not deck.figure_behind)
        return explorer

    explorer = _in_a_loop(scenario)
    fresh = FilterBlockExplorer(filters=256)
    assert bytes(explorer.snapshot()) == bytes(fresh.snapshot())
    assert not explorer.errors.outputs


def test_cards_out_of_date_are_hidden_while_the_controls_rest(monkeypatch):
    # Moving one slider puts the pictures of the others out of date, out of sight. They are
    # hidden at the next short rest, not when the learner turns to another slider: its stack
    # is then shown at once, not after a message per card to hide.
    monkeypatch.setattr(frames_module, "LONG_PAUSE", 1000.0)  # no drawing for the others

    def out_of_date(deck, key):
        slots = enumerate(deck.slots[key])
        return [i for i, slot in slots if slot.shown and not deck._fresh(key, i)]

    async def scenario():
        explorer = FilterBlockExplorer()
        deck = explorer.frames
        deck.draw_ahead()
        assert deck.slots["in_channels"][deck._index("in_channels")].shown
        explorer.sliders["filters"].value = 128
        drawn = deck.drawn
        assert out_of_date(deck, "in_channels")  # still visible, out of sight
        await _until(lambda: not out_of_date(deck, "in_channels"))
        await _until(lambda: not deck.stale())  # the other sliders', a slider a step
        assert deck.drawn == drawn  # hidden, not drawn again
        return explorer

    explorer = _in_a_loop(scenario)
    slots = explorer.frames.slots["in_channels"]
    assert all(slot.card.layout.visibility == "hidden" for slot in slots)
    assert all(slot.note_card.layout.visibility == "hidden" for slot in slots)


def test_a_picture_whose_controls_moved_while_it_was_drawn_is_not_kept():
    # The page's message sets a slider on a thread of its own while a picture is drawn
    # ahead (under the explorer's lock, which the slider's observer then waits for). The
    # card must not claim the new settings with a picture and readout of the old.
    explorer = FilterBlockExplorer()
    deck, filters = explorer.frames, explorer.sliders["filters"]
    draw = deck.draw
    target = filters.options[-1][1] if filters.value != filters.options[-1][1] else 1
    page = threading.Thread(target=lambda: setattr(filters, "value", target))

    def draw_while_the_page_moves_filters(key, value):
        picture = draw(key, value)
        if not page.is_alive() and filters.value != target:
            page.start()
            while filters.value != target:  # set; its observer waits for the lock
                time.sleep(0.001)
        return picture

    deck.draw = draw_while_the_page_moves_filters
    todo = deck.missing(["in_channels"])
    with explorer._lock:
        deck.draw_ahead(todo[:2])
    page.join()
    deck.draw = draw
    assert explorer.value("filters") == target
    for index, slot in enumerate(deck.slots["in_channels"]):
        if deck._fresh("in_channels", index):
            value = deck._value_at("in_channels", index)
            assert slot.note.value == deck.readout("in_channels", value), index
            assert bytes(slot.image.value) == bytes(whole_png(draw("in_channels", value)))
    explorer.frames.restore()


def _in_a_loop(scenario):
    """Return what ``scenario()`` returns, run in an event loop, as in a kernel.

    In a thread of its own, as a kernel's subshell: an earlier test (Playwright's sync API)
    may have left an event loop running in this one.
    """
    done = {}

    def run() -> None:
        try:
            done["result"] = asyncio.run(scenario())
        except BaseException as exc:  # raised again below, in the test's own thread
            done["error"] = exc

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    if "error" in done:
        raise done["error"]
    return done["result"]


async def _until(condition, timeout=20.0):
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "not done in time"
        await asyncio.sleep(0.02)


def test_a_run_of_changes_waits_longer_before_drawing_ahead(monkeypatch):
    # A change soon after the last one is one of a run (a held key): the slider in use then
    # waits RUN_PAUSE before drawing ahead, and the stop the figure shows comes last.
    explorer = FilterBlockExplorer()
    deck, slider = explorer.frames, explorer.sliders["filters"]
    clock = [time.monotonic() + 100.0]
    monkeypatch.setattr(frames_module.time, "monotonic", lambda: clock[0])
    run = frames_module.RUN_GAP
    for gap, pause in ((5.0, frames_module.PAUSE), (run / 2, frames_module.RUN_PAUSE),
                       (run * 1.1, frames_module.PAUSE)):  # fmt: skip
        clock[0] += gap
        slider.index = 1 if slider.index != 1 else 2
        assert deck._pause == pause, gap
    todo = deck.missing(["filters"], here=False)
    assert todo[-1][1] == slider.index and todo[0][1] != slider.index
    assert deck.missing(["filters"])[0][1] == slider.index


def test_a_card_past_a_stop_that_moves_another_control_is_right():
    # With 5 filters, the learner chose output 2; 1 filter allows only output 0, and at 3
    # filters the output is back at 2, whether the kernel heard of 1 or not (the page
    # switches cards before it does). So the card for 3 filters, drawn with output 2, may
    # be shown on the way back from 1.
    explorer = ChannelMixingExplorer()
    explorer.set(filters=5, output=2)
    deck, slider = explorer.frames, explorer.sliders["filters"]
    deck.draw_ahead(deck.missing(["filters"]))
    deck._show("filters")
    three = deck.slots["filters"][3]
    assert dict(three.settings[0])["output"] == 2
    assert all(slot.card.layout.visibility == "visible"
               for slot in deck.slots["filters"] if slot.settings)  # fmt: skip
    for filters, output in ((1, 0), (3, 2)):
        slider.value = filters
        assert explorer.value("output") == output and explorer.timings.get("frame") == 1.0
        _shown_cards_are_current(explorer)
    straight = ChannelMixingExplorer()
    straight.set(filters=5, output=2)
    straight.sliders["filters"].value = 3  # the kernel never hears of 1
    assert straight._values() == explorer._values()


@pytest.mark.parametrize("kind", EXPLORERS)
def test_a_limited_control_depends_on_the_stops_not_on_the_way_there(kind):
    # What a picture drawn ahead assumes of the controls a slider limits must be what the
    # widgets do once the slider is there, whichever way it went. Each slider that limits
    # no other visits every stop twice in a random order, the controls it limits set as
    # high as they go (the learner's choice): at every stop, all the controls must be as
    # worked out before the walk, for that stop alone.
    explorer = EXPLORERS[kind]()
    limited_keys = set(explorer.limits(explorer._values()))
    for limited in limited_keys:
        slider = explorer.sliders[limited]
        options = getattr(slider, "options", None)
        slider.value = options[-1][1] if options else slider.max
    rng = random.Random(kind)
    followed = 0
    for key in (k for k in explorer.controls if k not in limited_keys):
        start, stops = explorer._values(), explorer.controls[key].values()
        expected = {value: explorer._values_with(key, value) for value in stops}
        walk = list(stops) * 2
        rng.shuffle(walk)
        for value in walk:
            explorer.sliders[key].value = value
            assert explorer._values() == expected[value], (key, value)
            followed += any(explorer.value(k) != start[k] for k in limited_keys)
        explorer.sliders[key].value = start[key]
        assert explorer._values() == start, key
    assert followed or not limited_keys  # the limits were put to the test
    assert not explorer.errors.outputs
