"""Every explorer, as a learner handles it in JupyterLab: presets, a held key, the mouse.

A notebook made here shows one explorer of each kind, built with its defaults, so that
the same explorer can be built again in this process and drawn from scratch. In Chromium:

- each preset button of every explorer (drawn in the kernel or in the page) is clicked,
  and the readout must name its case and show the counts its oracle computes from the
  controls the page shows;
- for each explorer drawn in the kernel, the ``filters`` slider (else the first slider)
  gets ten key presses in a burst, as a
  held key sends them; the last picture painted must be the picture of an explorer drawn
  from scratch at the values the page shows, pixel for pixel within a stated tolerance,
  and the time from the last key press to that picture is reported (never asserted);
- after a key press, the readout and the picture drawn ahead for the new stop must lie
  over the readout (opaque, covering it, the same text) and exactly on the canvas.

The explorers drawn in the page are clicked and hovered in ``test_page_explorers.py``
(MixingExplorer's pixels and outputs, ReductionExplorer's maps).
"""

from __future__ import annotations

import base64
import json

import pytest
from matplotlib.testing.compare import compare_images
from playwright.sync_api import expect

import conv1x1_viz.explorers as explorers_package
from conv1x1_viz import contract
from conv1x1_viz.explorers import Explorer, PageExplorer

from .browser_setup import ARTIFACTS, SCREENSHOTS
from .explorer_driver import (
    EXPLORERS,
    FIGURE,
    READOUT,
    READOUT_CARDS,
    await_picture,
    check_readout,
    control_selector,
    load_note,
    read_explorer,
)
from .js_loader import call, install, wait_for
from .notebook_ui import (
    explorer_notebook,
    open_notebook,
    run_all_cells,
    wait_kernel_quiet,
    wait_widgets_settled,
)
from .page_checks import PageLog, page_problems
from .readout_oracles import oracle_for

#: Every explorer, in the notebook; those drawn in the kernel get the key presses.
KINDS = [
    cls
    for cls in (getattr(explorers_package, n) for n in explorers_package.__all__)
    if isinstance(cls, type)
    and issubclass(cls, Explorer | PageExplorer)
    and cls not in (Explorer, PageExplorer)
]
CLASSES = [cls for cls in KINDS if issubclass(cls, Explorer)]
NOTEBOOK = "_explorers_by_hand.ipynb"
BURST = 10
BURST_GAP_MS = 30  # about a held key's repeat rate
# Largest root-mean-square difference (0–255 scale) allowed between the page's last
# picture and the same explorer drawn from scratch: the two should be the same pixels.
PICTURE_TOLERANCE = 1.0


@pytest.fixture(scope="module")
def burst_rows():
    rows: list[tuple[str, str, float, int, str]] = []
    yield rows
    if rows:
        lines = [
            "A held key: ten presses 30 ms apart (Playwright's, which wait for the page:",
            "50–300 ms apart were seen), from rest (no picture reached the page for 1 s",
            "before); time from the last keydown to the page showing, for good, the last",
            "picture, whose pixels equal the explorer drawn from scratch (a picture drawn",
            "ahead may later cover the figure with the same pixels); whether that picture",
            "was one drawn ahead (switched to by the page) or drawn by the kernel.",
            load_note(),
            "",
            "| explorer | slider | pictures painted | last press → final picture (ms) "
            "| final picture |",
            "|---|---|---:|---:|---|",
            *(f"| {e} | {k} | {n} | {t:.1f} | {how} |" for e, k, t, n, how in rows),
        ]
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "burst.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
        print("\n".join(lines))


@pytest.fixture(scope="module")
def handled(lab, browser, browser_context_args):
    """The notebook, run, in a page of its own for this module's tests."""
    (lab.root / NOTEBOOK).write_text(json.dumps(explorer_notebook(KINDS)), encoding="utf-8")
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    page.set_default_timeout(30_000)
    install(page)
    log = PageLog()
    log.attach(page)
    try:
        open_notebook(page, lab, NOTEBOOK)
        run_all_cells(page)
        wait_widgets_settled(page)
        yield page
        problems = page_problems(page, log).problems
        assert not problems, f"{NOTEBOOK}: {problems}"
    finally:
        context.close()
        lab.shutdown_kernels()


def _explorer(page, cls):
    explorer = page.locator(EXPLORERS + "." + contract.kind_class(cls.kind)).first
    expect(explorer).to_be_attached()
    return explorer


def _scratch(cls, values: dict) -> Explorer:
    """The explorer drawn from scratch at ``values`` (its own controls only)."""
    fresh = cls()
    fresh.set(**{k: v for k, v in values.items() if k in fresh.controls})
    fresh.fig.canvas.draw()
    return fresh


@pytest.mark.parametrize("cls", [c for c in KINDS if c().presets], ids=lambda c: c.__name__)
def test_presets_set_the_controls_and_name_their_case(handled, cls):
    page = handled
    explorer = _explorer(page, cls)
    oracle = oracle_for(cls.kind)
    readout = explorer.locator(READOUT).first
    for preset in cls().presets:
        wait_kernel_quiet(page)
        explorer.get_by_role("button", name=preset.label, exact=True).click()
        expect(readout).to_contain_text(f"Case: {preset.label}", timeout=10_000)
        wait_kernel_quiet(page)
        view = read_explorer(page, explorer.element_handle())
        for key, value in preset.values.items():
            assert view.values[key] == value, (preset.label, key, view.values)
        check_readout(f"{cls.__name__} preset {preset.label}", oracle, view, "a preset click")


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_a_held_key_ends_on_the_right_picture(handled, cls, burst_rows, tmp_path):
    page = handled
    explorer = _explorer(page, cls)
    key = "filters" if "filters" in cls().controls else next(iter(cls().controls))
    handle = explorer.locator(control_selector(key) + " .noUi-handle").first
    figure = explorer.locator(FIGURE).first
    handle.scroll_into_view_if_needed()
    wait_kernel_quiet(page)
    call(page, "observeReadout", explorer.locator(READOUT).first.element_handle(),
         figure.element_handle(), READOUT_CARDS)  # fmt: skip
    call(page, "keepPictures", True)
    # From rest: the explorers have drawn ahead what they draw while the learner pauses.
    wait_for(page, "picturesQuiet", 1000, timeout_ms=30_000, polling=50)
    state = read_explorer(page, explorer.element_handle()).controls[key]
    # Every press must move the slider (a press at its end would paint nothing): go the
    # way with more room, as many presses as there is room for, up to the burst.
    right, left = state["max"] - state["now"], state["now"] - state["min"]
    direction, presses = ("ArrowRight", right) if right >= left else ("ArrowLeft", left)
    presses = int(min(BURST, presses))
    handle.focus()
    call(page, "resetTiming")
    for _ in range(presses):
        page.keyboard.press(direction)
        page.wait_for_timeout(BURST_GAP_MS)
    painted = await_picture(page, cls.__name__, "a burst of key presses", quiet_ms=300)
    view = read_explorer(page, explorer.element_handle())
    check_readout(cls.__name__, oracle_for(cls.kind), view, "a burst of key presses")
    # The picture the learner is left with, and when it first showed for good (a picture
    # drawn ahead may later cover the figure with the same pixels).
    url = call(page, "figurePicture", figure.element_handle())
    final = _shown_for_good(page, painted, url) or painted["images"][-1]
    how = "drawn ahead" if final in painted["frames"] else "by the kernel"
    burst_rows.append((cls.__name__, key, final - painted["key"],
                       len(painted["images"]), how))  # fmt: skip
    actual, expected = tmp_path / "page.png", tmp_path / "scratch.png"
    actual.write_bytes(base64.b64decode(url.split(",", 1)[1]))
    _scratch(cls, view.values).fig.savefig(expected, dpi="figure")
    figure.screenshot(path=str(SCREENSHOTS / f"_by_hand--{cls.kind}.png"))
    result = compare_images(str(expected), str(actual), tol=PICTURE_TOLERANCE)
    assert result is None, f"{cls.__name__}: the last picture is not the right one: {result}"


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_readout_and_picture_drawn_ahead_lie_over_their_originals(handled, cls):
    # After a press, the stop's readout and picture are drawn ahead within a second; the
    # page then shows them over the readout and the canvas. They must cover the readout
    # (opaque, the same text the kernel wrote under them) and lie exactly on the canvas.
    page = handled
    explorer = _explorer(page, cls)
    key = next(iter(cls().frames.stacks))  # the first slider that gets pictures
    handle = explorer.locator(control_selector(key) + " .noUi-handle").first
    handle.scroll_into_view_if_needed()
    wait_kernel_quiet(page)
    state = read_explorer(page, explorer.element_handle()).controls[key]
    handle.focus()
    page.keyboard.press("ArrowLeft" if state["now"] >= state["max"] else "ArrowRight")
    readout = explorer.locator(READOUT).first
    figure = explorer.locator(FIGURE).first.element_handle()
    args = (readout.element_handle(), READOUT_CARDS, figure)
    wait_for(page, "cardShownQuiet", *args, timeout_ms=20_000, polling=100)
    shown = call(page, "cardsInPlace", *args)
    where = f"{cls.__name__} after a press on {key}"
    assert shown["cardText"] == shown["readoutText"], where
    card, base = shown["card"], shown["readout"]  # the readout's own box
    assert card["left"] <= base["left"] and card["right"] >= base["right"], (where, shown)
    assert card["top"] <= base["top"] and card["bottom"] >= base["bottom"], (where, shown)
    assert shown["cardBackground"] not in ("transparent", "rgba(0, 0, 0, 0)"), where
    frame, canvas = shown["frame"], shown["canvas"]
    assert frame and canvas, (where, shown)
    assert all(abs(frame[side] - canvas[side]) <= 0.5 for side in frame), (where, frame, canvas)
    text, base = shown["cardReadout"], shown["readout"]  # the text where the readout's is
    assert all(abs(text[side] - base[side]) <= 0.5 for side in ("left", "top", "right")), (
        where, text, base)  # fmt: skip
    explorer.screenshot(path=str(SCREENSHOTS / f"_by_hand--{cls.kind}--drawn-ahead.png"))


def _shown_for_good(page, painted, url: str) -> float | None:
    """When the page began to show ``url`` (a PNG data URL) for good since the last key
    press: the first of the last run of pictures equal to it; None if none was kept."""
    start = None
    for when, picture in call(page, "timing")["pictures"]:
        if when < painted["key"]:
            continue
        if picture != url:
            start = None
        elif start is None:
            start = when
    return start
