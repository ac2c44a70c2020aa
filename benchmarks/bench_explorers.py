"""How fast the explorers answer a slider, and how fast the package imports.

Run from the repository root::

    python benchmarks/bench_explorers.py            # 30 repeats, 10 fresh imports
    python benchmarks/bench_explorers.py --repeats 60 --imports 20

It prints two Markdown tables. The first gives the median and the spread (interquartile
range and min–max) of

- one full update per explorer still drawn in the kernel (none now: every explorer is
  drawn in the page, and ``benchmarks/bench_page.py`` times them): a slider value set the
  way the browser sets it, which runs the explorer's one update path: readout, artists
  changed in place, only those artists redrawn on the saved background, and the picture
  encoded as ipympl encodes it for the page (a PNG of the pixels that changed), target
  ≤ 25 ms;
- for comparison, the same explorer redrawn whole (every text laid out again), as
  ``draw_idle`` made the page ask for before;
- ``import conv1x1_viz`` in a fresh Python process (target ≤ 0.5 s), timed inside
  that process, with the whole process's wall time for reference.

The second table breaks each explorer's full update into its steps (medians of the
explorer's own :attr:`~conv1x1_viz.explorers.Explorer.timings`): readout, artists,
drawing, encoding and sending.

The third is about pictures drawn ahead (:mod:`conv1x1_viz.explorers.frames`): what
one costs the kernel (drawn without sending, encoded as a full-colour PNG), its size,
how many a slider's stops take, and what the kernel does on a key press the page answers
with one (readout, and showing the slider's cards: no drawing).

The explorers run on the ipympl backend, as in JupyterLab, with no page attached: the
picture is encoded but sent nowhere. What the page adds (the messages, decoding,
drawing on the canvas) is measured by the browser tests (``artifacts/latency.md``).

Besides wall-clock time, each in-process row gives the median CPU time of this
process, which hardly changes when other programs compete for the CPUs.

Not part of the test suite: timings depend on the machine and on what else runs.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import matplotlib

matplotlib.use("module://ipympl.backend_nbagg")  # the explorers' own path, as in JupyterLab

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

UPDATE_TARGET_MS = 25.0
STEPS = ("readout", "artists", "draw", "send")
IMPORT_TARGET_S = 0.5
IMPORT_SNIPPET = (
    "import time; t = time.perf_counter(); import conv1x1_viz; print(time.perf_counter() - t)"
)


def spread(samples: list[float]) -> tuple[float, float, float, float]:
    """Median, interquartile range, min and max."""
    q1, median, q3 = statistics.quantiles(samples, n=4, method="inclusive")
    return median, q3 - q1, min(samples), max(samples)


Samples = tuple[list[float], list[float]]
"""Wall-clock seconds and CPU seconds of this process, one pair per run."""


def timed(repeats: int, prepare: Callable[[int], None], action: Callable[[int], None]) -> Samples:
    """Time ``action(i)``, each after an untimed ``prepare(i)``; one warm-up run first."""
    prepare(-1)
    action(-1)
    wall, cpu = [], []
    for i in range(repeats):
        prepare(i)
        start, start_cpu = time.perf_counter(), time.process_time()
        action(i)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return wall, cpu


def cycle(values: list[int]) -> Iterator[int]:
    return itertools.cycle(values)


def _explorer(name: str):
    from conv1x1_viz import explorers

    explorer = getattr(explorers, name)()
    sizes = []
    # No page: keep the encoded picture's size, send it nowhere.
    explorer.fig.canvas.send_binary = lambda data: sizes.append(len(data))
    explorer.fig.canvas.draw()  # what the page asks for once, when it shows the figure
    return explorer, sizes


def bench_update(name: str, key: str, repeats: int) -> tuple[Samples, dict, float]:
    """Time slider ticks through the whole update path; also each step, and the PNG size."""
    explorer, sizes = _explorer(name)
    slider = explorer.sliders[key]
    values = [v for _, v in slider.options] if hasattr(slider, "options") else None
    values = values or list(range(slider.min, slider.max + 1))
    sequence = cycle(values[:: max(1, len(values) // 8)])
    steps: dict[str, list[float]] = {step: [] for step in STEPS}

    def act(i: int) -> None:
        slider.value = next(sequence)
        if i >= 0:
            for step in STEPS:
                steps[step].append(explorer.timings.get(step, 0.0))

    samples = timed(repeats, lambda _: None, act)
    if explorer.errors.outputs:
        raise RuntimeError(f"{name} reported errors: {explorer.errors.outputs}")
    medians = {step: statistics.median(v) for step, v in steps.items()}
    return samples, medians, statistics.median(sizes) / 1024


def bench_full_redraw(name: str, repeats: int) -> Samples:
    """Time a whole-figure draw and its encoding, as every tick cost before blitting."""
    explorer, _ = _explorer(name)
    return timed(repeats, lambda _: None, lambda _: explorer.fig.canvas.draw())


def bench_ahead(name: str, key: str, repeats: int) -> tuple[Samples, Samples, int, float]:
    """Time pictures drawn ahead, and key presses answered by one; count and size them."""
    explorer, _ = _explorer(name)
    deck = explorer.frames
    todo = cycle(deck.missing([key]))
    count = len(deck.missing([key]))

    def draw_one(_: int) -> None:
        deck.slots[key][0].settings = None  # forget one, so that there is one to draw
        deck.draw_ahead([next(todo)])

    drawing = timed(repeats, lambda _: None, draw_one)
    deck.draw_ahead(deck.missing([key]))
    kib = statistics.median(
        len(slot.image.value) / 1024 for slot in deck.slots[key] if slot.image is not None
    )
    slider = explorer.sliders[key]
    stops = [deck._value_at(key, i) for i in deck._values(key)]
    sequence = cycle([v for v in stops if v is not None])
    answered = []

    def press(_: int) -> None:
        slider.value = next(sequence)
        answered.append(explorer.timings.get("frame", 0.0))

    pressing = timed(repeats, lambda _: None, press)
    if sum(answered) < len(answered) or explorer.errors.outputs:
        raise RuntimeError(f"{name}: a press was not answered by a picture drawn ahead")
    return drawing, pressing, count, kib


def bench_import(runs: int) -> tuple[list[float], list[float]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    inside, wall = [], []
    for _ in range(runs):
        start = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", IMPORT_SNIPPET],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        wall.append(time.perf_counter() - start)
        inside.append(float(out.stdout.strip()))
    return inside, wall


def row(
    label: str,
    samples: list[float],
    scale: float,
    unit: str,
    target: float | None,
    cpu: list[float] | None = None,
) -> str:
    median, iqr, low, high = (v * scale for v in spread(samples))
    cpu_text = "" if cpu is None else f"{statistics.median(cpu) * scale:.3g} {unit}"
    if target is None:
        verdict = ""
    else:
        verdict = "yes" if median <= target else f"no (+{median - target:.3g})"
    target_text = "" if target is None else f"≤ {target:g} {unit}"
    return (
        f"| {label} | {median:.3g} {unit} | {iqr:.3g} {unit} | {low:.3g}–{high:.3g} {unit} "
        f"| {cpu_text} | {len(samples)} | {target_text} | {verdict} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30, help="timed runs per row (≥ 30)")
    parser.add_argument("--imports", type=int, default=10, help="fresh-process imports (≥ 10)")
    args = parser.parse_args()
    if args.repeats < 30 or args.imports < 10:
        parser.error("use at least 30 repeats and 10 imports")

    rows = [
        "| what | median | IQR | min–max | CPU median | runs | target | met (median) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    # Explorers drawn in the kernel, with the slider to time: none any more (bench_page.py
    # times those drawn in the page); the rows come back for any added to the kernel.
    updates: list[tuple[str, str]] = []
    breakdown = [
        "| explorer | readout | artists | draw | encode + send | picture sent |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, key in updates:
        (wall, cpu), steps, kib = bench_update(name, key, args.repeats)
        label = f"full update: {name} (`{key}`)"
        rows.append(row(label, wall, 1e3, "ms", UPDATE_TARGET_MS, cpu))
        wall, cpu = bench_full_redraw(name, args.repeats)
        rows.append(row(f"whole-figure redraw: {name}", wall, 1e3, "ms", None, cpu))
        cells = " | ".join(f"{steps[step]:.2f} ms" for step in STEPS)
        breakdown.append(f"| {name} | {cells} | {kib:.1f} KiB |")
    ahead = [
        "| explorer (slider) | one picture drawn ahead | its size | stops | "
        "key press answered by one (kernel) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, key in updates:
        (wall, _), (press, _), count, kib = bench_ahead(name, key, args.repeats)
        ahead.append(
            f"| {name} (`{key}`) | {statistics.median(wall) * 1e3:.1f} ms | {kib:.1f} KiB "
            f"| {count} | {statistics.median(press) * 1e3:.2f} ms |"
        )
    inside, wall = bench_import(args.imports)
    rows.append(row("`import conv1x1_viz`, fresh process", inside, 1.0, "s", IMPORT_TARGET_S))
    rows.append(row("whole `python -c 'import conv1x1_viz'`", wall, 1.0, "s", None))

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"Python {platform.python_version()}, matplotlib {matplotlib.__version__}, "
        f"{os.cpu_count()} CPUs, load average {load:.2f} at the end\n"
    )
    print("\n".join(rows))
    print("\nWhere a full update's time goes (medians):\n")
    print("\n".join(breakdown))
    print("\nPictures drawn ahead (medians):\n")
    print("\n".join(ahead))
    if load > (os.cpu_count() or 1):
        print(
            "\nThe machine was busier than it has CPUs: wall-clock times include waiting "
            "for a CPU. The CPU column (this process's own CPU time) is closer to what an "
            "idle machine would show."
        )


if __name__ == "__main__":
    main()
