"""Drive an explorer in the page: arrow keys on its sliders, clicks on its check boxes.

After each key press or click the values the page shows are read back (``js/explorer.js``
gives the controls and the explorer's raw class list; ``conv1x1_viz.contract`` parses them)
and the readout must show the counts its kind's oracle (``readout_oracles``) computes from
them. The times from the key press to the readout's change and to the picture's, the
next frame painted after its SVG changed, are measured in the page with
``performance.now()`` and reported (:func:`latency_table`); they never pass or fail a test.
"""

from __future__ import annotations

import os
import re
import statistics
from dataclasses import dataclass

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from conv1x1_viz import contract

from .js_loader import call, wait_for
from .notebook_ui import wait_kernel_quiet
from .readout_oracles import Oracle, Values, oracle_for, shows_expected

PRESSES_PER_SLIDER = 6
# The two sliders every explorer is driven by, when it has them.
DRIVEN_SLIDERS = ("filters", "in_channels")
# Check boxes that change an explorer's counts; each is clicked off and on again.
TOGGLED_CHECKBOXES = ("use_bias",)

EXPLORER = contract.selector(contract.EXPLORER)
EXPLORERS = ".jp-NotebookPanel:not(.lm-mod-hidden) " + EXPLORER
READOUT = contract.selector(contract.READOUT)
FIGURE = contract.selector(contract.FIGURE)
STATE_SELECTORS = {"explorer": EXPLORER, "readout": READOUT, "sliderPrefix": contract.SLIDER_PREFIX}


#: What takes the keyboard in a slider: the range input the page draws.
SLIDER_HANDLE = "input[type=range]"


def control_selector(key: str) -> str:
    """CSS selector of control *key* of an explorer."""
    return contract.selector(contract.slider_class(key))


def checkbox_selector(key: str) -> str:
    """CSS selector of the check box of control *key* of an explorer."""
    return control_selector(key) + " input[type=checkbox]"


@dataclass
class ExplorerView:
    """One explorer as the page shows it."""

    kind: str | None  # from its c1x1-<kind> class
    values: Values  # its controls' values and the fixed sizes its classes state
    controls: dict[str, dict]  # each control's raw state in the page, by key
    readout: str | None  # the text of its readout


def slider_values(controls: dict[str, dict]) -> Values:
    """Integer value of each slider (its readout text, else the handle), bool for check boxes."""
    values: Values = {}
    for key, s in controls.items():
        if s["checked"] is not None:
            values[key] = bool(s["checked"])
            continue
        m = re.search(r"-?\d[\d,\u00a0\u202f ]*", s["text"] or "")
        if m:
            values[key] = int(re.sub(r"\D", "", m.group(0))) * (-1 if m.group(0)[0] == "-" else 1)
        elif s["now"] is not None:
            values[key] = int(round(s["now"]))
    return values


def explorer_view(raw: dict) -> ExplorerView:
    """Parse what ``c1x1Test.explorerState`` returned: classes with ``conv1x1_viz.contract``.

    Controls win over fixed sizes of the same key.
    """
    controls = {}
    for c in raw["controls"]:
        key = contract.parse_slider_key(c["classes"])
        if key is not None:
            controls.setdefault(key, c)
    values = contract.parse_fixed_sizes(raw["classes"]) | slider_values(controls)
    return ExplorerView(contract.parse_kind(raw["classes"]), values, controls, raw["readout"])


def read_explorer(page, explorer_el) -> ExplorerView:
    """What the page shows of the explorer whose root element is *explorer_el*."""
    return explorer_view(call(page, "explorerState", explorer_el, STATE_SELECTORS))


def explorer_kind(page, explorer) -> str | None:
    """The ``<kind>`` of an explorer's ``c1x1-<kind>`` class (``param-explorer``, …)."""
    return read_explorer(page, explorer.element_handle()).kind


def await_readout(
    page, explorer_el, key: str, before: ExplorerView, timeout_s: float, kernel: bool = True
):
    """Wait until control *key* and the readout differ from *before* and the kernel is idle.

    With *kernel* false the kernel is not waited for (an explorer drawn in the page, while
    the kernel is busy or gone).

    Returns what the page shows then (at the timeout too); the caller checks it and says
    what went wrong.
    """
    settled = {
        "control": control_selector(key),
        "readout": READOUT,
        "before": before.controls[key]["signature"],
        "beforeText": before.readout,
        "kernel": kernel,
    }
    try:
        wait_for(
            page, "explorerSettled", explorer_el, settled, timeout_ms=timeout_s * 1000, polling=10
        )
    except PlaywrightTimeoutError:
        pass
    return read_explorer(page, explorer_el)


def check_readout(where: str, oracle: Oracle, view: ExplorerView, action: str) -> None:
    """Fail unless the readout shows the counts *oracle* computes from what the page shows."""
    expected = oracle(view.values)
    if not shows_expected(view.readout or "", expected):
        raise AssertionError(
            f"{where}: readout did not come to show {' and '.join(expected[0])} for "
            f"{view.values} after {action}; it shows {view.readout!r}"
        )


@dataclass
class SliderTiming:
    """Latencies (ms) from key press to updated readout and to the new picture painted."""

    notebook: str
    explorer: str
    slider: str
    latencies: list[float]
    values: list[int]
    pictures: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.latencies)

    @property
    def worst(self) -> float:
        return max(self.latencies)


def _controls(explorer, where: str, key: str, inner: str):
    """The readout and the element *inner* of control *key*, which must both be there."""
    control = explorer.locator(control_selector(key)).first
    target = control.locator(inner).first
    readout = explorer.locator(READOUT).first
    expect(target, f"{where}: {control_selector(key)} has no {inner}").to_be_attached()
    expect(readout, f"{where}: the explorer has no {READOUT}").to_be_attached()
    target.scroll_into_view_if_needed()
    return target, readout


def drive_slider(
    page,
    explorer,
    notebook: str,
    label: str,
    key: str,
    presses: int = PRESSES_PER_SLIDER,
    readout_timeout_s: float = 10,
    wait_kernel: bool = True,
) -> SliderTiming:
    """Press arrow keys on slider *key* of *explorer*; check the readout and time each update.

    The range input gets keyboard focus and receives ArrowRight (ArrowLeft from the maximum
    on, ArrowRight again from the minimum). With *wait_kernel*, the kernel is left to
    finish before each press (it hears every value), so each timing is one press from a
    quiet page; with *wait_kernel* false nothing waits for the kernel, which may be busy or
    gone. After the press the slider values are read back from the page, and the readout
    must come to show the exact numbers the oracle of the explorer's kind computes from
    them; an explorer of a kind without an oracle fails. The latencies are measured inside
    the page, from the ``keydown`` event to the first change of the readout's text that
    shows the expected numbers, and to the end of the first frame painted after the
    picture changed.
    """
    where = f"{notebook} {label}"
    explorer_el = explorer.element_handle()
    oracle = oracle_for(read_explorer(page, explorer_el).kind)
    handle, readout = _controls(explorer, where, key, SLIDER_HANDLE)
    # No figure: the readout is still checked first, then the missing picture fails.
    figures = explorer.locator(FIGURE)
    figure = figures.first.element_handle() if figures.count() else None
    call(page, "observeReadout", readout.element_handle(), figure)
    latencies: list[float] = []
    pictures: list[float] = []
    seen_values: list[int] = []
    direction = "ArrowRight"
    for press in range(presses):
        if wait_kernel:
            wait_kernel_quiet(page)
        before = read_explorer(page, explorer_el)
        s = before.controls[key]
        if s["now"] is not None and s["now"] >= s["max"]:
            direction = "ArrowLeft"
        elif s["now"] is not None and s["now"] <= s["min"]:
            direction = "ArrowRight"
        handle.focus()
        call(page, "resetTiming")
        page.keyboard.press(direction)
        view = await_readout(page, explorer_el, key, before, readout_timeout_s, wait_kernel)
        if view.values[key] == before.values[key]:
            raise AssertionError(
                f"{where}: slider {key} did not move on {direction} "
                f"(press {press + 1}, value {before.values[key]})"
            )
        check_readout(where, oracle, view, f"{key} {direction}")
        seen_values.append(int(view.values[key]))
        timing = call(page, "timing")
        expected = oracle(view.values)
        hits = [
            t
            for t, txt in timing["events"]
            if timing["key"] is not None and t >= timing["key"] and shows_expected(txt, expected)
        ]
        if not hits:
            shown = [(round(t - timing["key"], 1), txt) for t, txt in timing["events"]]
            raise AssertionError(
                f"{where}: could not time press {press + 1} on {key}: no readout shown after "
                f"the key showed {expected}; shown (ms after the key, text): {shown}; "
                f"the readout now: {view.readout!r}"
            )
        latencies.append(hits[0] - timing["key"])
        painted = await_picture(page, where, f"press {press + 1} on {key}", kernel=wait_kernel)
        pictures.append(painted["images"][0] - painted["key"])
    return SliderTiming(notebook, label, key, latencies, seen_values, pictures)


def await_picture(
    page, where: str, action: str, timeout_s: float = 10, quiet_ms: int = 60, kernel: bool = True
):
    """Wait until a new picture of the watched figure was painted after the last key press.

    Returns the page's timing record then. Fails when no picture came: the figure did not
    follow the control.
    """
    try:
        wait_for(page, "pictureSettled", quiet_ms, kernel, timeout_ms=timeout_s * 1000, polling=10)
    except PlaywrightTimeoutError:
        raise AssertionError(f"{where}: no new picture after {action}") from None
    timing = call(page, "timing")
    timing["images"] = [t for t in timing["images"] if t >= timing["key"]]
    return timing


def toggle_checkbox(page, explorer, notebook: str, label: str, key: str, timeout_s: float = 10):
    """Click check box *key* of *explorer* twice; after each click the readout must show the
    counts the oracle of the explorer's kind computes for the new state.

    Returns the states seen after the two clicks, e.g. ``[False, True]``.
    """
    where = f"{notebook} {label}"
    explorer_el = explorer.element_handle()
    oracle = oracle_for(read_explorer(page, explorer_el).kind)
    box, _ = _controls(explorer, where, key, "input[type=checkbox]")
    seen = []
    for _ in range(2):
        wait_kernel_quiet(page)
        before = read_explorer(page, explorer_el)
        box.click()
        expect(box).to_be_checked(checked=not before.values[key])
        view = await_readout(page, explorer_el, key, before, timeout_s)
        check_readout(where, oracle, view, f"clicking {key}")
        seen.append(view.values[key])
    return seen


def load_note() -> str:
    """Say whether the timings were taken under deliberate load (``C1X1_BUSY_CORES``)."""
    busy = int(os.environ.get("C1X1_BUSY_CORES", "0"))
    if busy:
        return (
            f"Measured with {busy} other process(es), each keeping a core busy (C1X1_BUSY_CORES)."
        )
    return "Measured without deliberate load (C1X1_BUSY_CORES unset)."


def latency_table(rows: list[SliderTiming]) -> str:
    """Markdown table of the slider timings (reported, never asserted)."""
    lines = [
        "Key press → updated readout and → new picture, measured in Chromium. Reported only:",
        "timings depend on the machine and its load, and no test passes or fails on them.",
        "JupyterLab runs at its default notebook windowing, in a 1024-px window.",
        "All times are taken with performance.now() in the page, from the keydown event: to",
        "the first change of the readout that shows the expected counts (computed with",
        "conv1x1_viz.conv_params and conv_macs from the slider values and fixed sizes read in",
        "the page), and to the end of the first frame painted after the picture changed.",
        load_note(),
        "",
        "| notebook | explorer | slider | presses | readout median (ms) | readout max (ms) "
        "| picture median (ms) | picture max (ms) |",
        "|---|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.notebook} | {r.explorer} | {r.slider} | {len(r.latencies)} "
            f"| {r.median:.1f} | {r.worst:.1f} | {statistics.median(r.pictures):.1f} "
            f"| {max(r.pictures):.1f} |"
        )
    lines += ["", *picture_quantiles(rows)]
    return "\n".join(lines) + "\n"


def _p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


def picture_quantiles(rows: list[SliderTiming]) -> list[str]:
    """Key press → new picture over every press of the session: median, p90 and worst."""
    times = [t for r in rows for t in r.pictures]
    if not times:
        return []
    return [
        f"Key press → picture: {len(times)} presses, median {statistics.median(times):.1f} ms, "
        f"p90 {_p90(times):.1f} ms, max {max(times):.1f} ms."
    ]
