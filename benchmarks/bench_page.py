"""How fast the explorers drawn in the page answer a learner, measured in Chromium.

Run from the repository root (Debian's Chromium, or ``C1X1_CHROMIUM``)::

    python benchmarks/bench_page.py                 # 3 rounds of a learner's presses
    python benchmarks/bench_page.py --rounds 5 --busy 1

Each explorer drawn in the page (:class:`~conv1x1_viz.explorers.page.PageExplorer`) is
mounted on a blank page with no kernel at all, as a static site or a notebook whose kernel
has died shows it (in JupyterLab the kernel only hears the values afterwards, so a busy
kernel changes nothing here; ``tests/browser`` measures the same in JupyterLab). A round is
what a learner does: a run of presses on each slider, quick switches from one slider to
another at every press, a click on each preset, where the picture shows outputs
(MixingExplorer), the mouse moved from one output to the next, which lists the products
behind it, and where a click selects a map (ReductionExplorer), a click on one map after
another, which writes its filter's weights on the maps before. Each is timed in the page
with ``performance.now()``, from the ``keydown`` (``mousedown``, ``mousemove``) event to
the end of the first frame painted after the picture
changed (``requestAnimationFrame`` then a task), as the browser suite times JupyterLab's.
The table gives the median, the 90th percentile and the worst press, per kind of press
and over all, with the machine's load.

``--busy N`` keeps N other processes spinning on a core each while it measures.
Not part of the test suite: timings depend on the machine and on what else runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from conv1x1_viz import explorers  # noqa: E402
from conv1x1_viz.explorers.page import PageExplorer  # noqa: E402
from tests.browser.browser_setup import CHROMIUM_ARGS, chromium_executable  # noqa: E402
from tests.browser.page_widget import mount  # noqa: E402

# In the page: the time of the last keydown or mousedown, and of the end of the first
# frame painted after the figure changed.
WATCH = """() => {
  const w = (window.c1x1Bench = {start: null, painted: []});
  const mark = () => { w.start = performance.now(); };
  document.addEventListener('keydown', mark, true);
  document.addEventListener('mousedown', mark, true);
  document.addEventListener('mousemove', mark, true);
  const figure = document.querySelector('.c1x1-figure');
  new MutationObserver(() => {
    const start = w.start;
    requestAnimationFrame(() => setTimeout(() => {
      if (start !== null) w.painted.push(performance.now() - start);
    }, 0));
  }).observe(figure, {subtree: true, childList: true, attributes: true, characterData: true});
}"""
RUN = 8  # presses in a run on one slider
# The centres of the outputs a picture shows (MixingExplorer's column y), on the page.
OUTPUTS = """() => [...document.querySelectorAll('.c1x1-figure .c1x1-cell-y:not([display])')]
  .map((el) => el.getBoundingClientRect())
  .map((r) => [r.x + r.width / 2, r.y + r.height / 2])"""
# The centres of the maps a click selects (ReductionExplorer's maps after the 1×1 layer).
MAPS = """() => [...document.querySelectorAll('.c1x1-figure .c1x1-map-after:not([display])')]
  .map((el) => el.getBoundingClientRect())
  .map((r) => [r.x + r.width / 2, r.y + r.height / 2])"""


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _press(page, action) -> float:
    """Do *action*; return the ms from its event to the picture painted."""
    page.evaluate("() => { window.c1x1Bench.painted = []; }")
    action()
    page.wait_for_function("() => window.c1x1Bench.painted.length > 0", timeout=5_000)
    return page.evaluate("() => window.c1x1Bench.painted[0]")


def measure(page, explorer: PageExplorer, rounds: int) -> dict[str, list[float]]:
    """Time a learner's presses on *explorer*: runs, switches, presets."""
    mount(page, explorer)
    page.evaluate(WATCH)
    sliders = [c["key"] for c in explorer.spec["controls"] if c["type"] != "toggle"]
    handle = {k: page.locator(f".c1x1-slider-{k} input").first for k in sliders}
    times: dict[str, list[float]] = {
        "run on one slider": [],
        "switch slider": [],
        "preset": [],
        "hover an output": [],
        "click a map": [],
    }

    def key_on(key: str):
        value = page.locator(f".c1x1-slider-{key} input").first
        direction = (
            "ArrowLeft" if value.input_value() == value.get_attribute("max") else "ArrowRight"
        )
        handle[key].focus()
        return lambda: page.keyboard.press(direction)

    for _ in range(rounds):
        for key in sliders:
            for _ in range(RUN):
                times["run on one slider"].append(_press(page, key_on(key)))
        for i in range(RUN * len(sliders)):
            times["switch slider"].append(_press(page, key_on(sliders[i % len(sliders)])))
        for preset in explorer.presets:
            button = page.get_by_role("button", name=preset.label, exact=True)
            if explorer.current_preset() == preset:
                continue
            times["preset"].append(_press(page, button.click))
            explorer.set(**page.evaluate("() => window.c1x1Page.state.values"))
        # The mouse from one output to the next: the page lists the products behind each.
        outputs = page.evaluate(OUTPUTS)
        if len(outputs) > 1:
            for i in range(2 * RUN):
                x, y = outputs[i % len(outputs)]
                times["hover an output"].append(
                    _press(page, lambda x=x, y=y: page.mouse.move(x, y))
                )
            _press(page, lambda: page.mouse.move(0, 0))  # off the picture again, not counted
        # A click on one map after another: each selects its map (the same one clears it).
        maps = page.evaluate(MAPS)
        for i in range(2 * RUN if maps else 0):
            x, y = maps[i % len(maps)]
            times["click a map"].append(_press(page, lambda x=x, y=y: page.mouse.click(x, y)))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="rounds of a learner's presses")
    parser.add_argument("--busy", type=int, default=0, help="processes spinning on a core each")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    spin = [sys.executable, "-c", "while True: pass"]
    workers = [subprocess.Popen(spin) for _ in range(args.busy)]
    lines = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_executable(), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1024, "height": 900})
            load = os.getloadavg()[0]
            when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
            kinds = [
                getattr(explorers, name)
                for name in explorers.__all__
                if isinstance(getattr(explorers, name), type)
                and issubclass(getattr(explorers, name), PageExplorer)
                and getattr(explorers, name) is not PageExplorer  # the base: nothing to draw
            ]
            lines += [
                f"Explorers drawn in the page, Chromium {browser.version}, no kernel; "
                f"{os.cpu_count()} cores, load average {load:.2f} at the start, "
                f"{args.busy} busy process(es) added; {when}.",
                "Milliseconds from the keydown (mousedown for a preset or a map clicked,",
                "mousemove for a hover) to the end of the first frame painted after the",
                "picture changed.",
                "",
                "| explorer | presses | n | median | p90 | max |",
                "| --- | --- | ---: | ---: | ---: | ---: |",
            ]
            for cls in kinds:
                times = measure(page, cls(), args.rounds)
                every = [t for ts in times.values() for t in ts]
                for label, ts in [*times.items(), ("all", every)]:
                    if ts:
                        lines.append(
                            f"| {cls.__name__} | {label} | {len(ts)} | {statistics.median(ts):.1f} "
                            f"| {_quantile(ts, 0.9):.1f} | {max(ts):.1f} |"
                        )
            browser.close()
    finally:
        for worker in workers:
            worker.kill()
    text = "\n".join(lines) + "\n"
    print(text)
    out = ROOT / "artifacts" / "bench_page.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
