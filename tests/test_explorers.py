"""The explorers, driven headless: set slider values, read the readout and the artists."""

import base64
import html
import io
import json
import re
import subprocess
import sys

import ipywidgets
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

import conv1x1_viz.explorers as explorers_package
import conv1x1_viz.explorers.base as base_module
from conv1x1_viz import conv_params
from conv1x1_viz.explorers import Choice, Explorer, Toggle, Whole
from conv1x1_viz.explorers.page import PageExplorer
from conv1x1_viz.formulas import format_count

from .channel_mixing_explorer import ChannelMixingExplorer
from .filter_block_explorer import FilterBlockExplorer
from .reduction_explorer import KernelReductionExplorer

#: Every explorer the package draws in the kernel (on Explorer), by kind: none any more.
KERNEL_EXPLORERS = {
    cls.kind: cls
    for cls in (getattr(explorers_package, name) for name in explorers_package.__all__)
    if isinstance(cls, type) and issubclass(cls, Explorer) and cls is not Explorer
}
#: The explorers the kernel's base is tested with: the package's, and the copies of old
#: explorers kept in tests/ (filter blocks, channel mixing, reduction with a map clicked).
EXPLORERS = {
    **{
        cls.kind: cls
        for cls in (FilterBlockExplorer, ChannelMixingExplorer, KernelReductionExplorer)
    },
    **KERNEL_EXPLORERS,
}
#: The explorers drawn in the page (conv1x1_viz.explorers.page), by kind.
PAGE_EXPLORERS = {
    cls.kind: cls
    for cls in (getattr(explorers_package, name) for name in explorers_package.__all__)
    if isinstance(cls, type) and issubclass(cls, PageExplorer) and cls is not PageExplorer
}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def readout_text(explorer):
    return html.unescape(explorer.readout.value)


@pytest.fixture(scope="module")
def explorers():
    """One of each, for the read-only checks (tests that move sliders make their own)."""
    return {kind: cls() for kind, cls in EXPLORERS.items()}


# ------------------------------------------------------------------------- shared contract


@pytest.mark.parametrize("kind", EXPLORERS)
def test_dom_classes_and_parts(explorers, kind):
    explorer = explorers[kind]
    assert isinstance(explorer, ipywidgets.VBox)
    assert {"c1x1-explorer", f"c1x1-{kind}"} <= set(explorer._dom_classes)
    assert "c1x1-readout" in explorer.readout._dom_classes
    assert isinstance(explorer.readout, ipywidgets.HTML)
    assert "c1x1-errors" in explorer.errors._dom_classes
    assert isinstance(explorer.errors, ipywidgets.Output)
    assert explorer.errors in explorer.children
    # The readout shares a grid cell with the readouts drawn ahead, which lie over it.
    notes = explorer.frames.notes
    boxes = [c for c in explorer.children if isinstance(c, ipywidgets.Box)]
    (readout_box,) = [box for box in boxes if explorer.readout in box.children]
    assert readout_box.children == (explorer.readout, notes)
    assert explorer.readout.layout.grid_area == notes.layout.grid_area == "1 / 1"
    assert "c1x1-readout-cards" in notes._dom_classes
    assert notes.children[1:] == tuple(explorer.frames.note_stacks.values())
    for key, slider in explorer.sliders.items():
        assert f"c1x1-slider-{key}" in slider._dom_classes
    view, box, deck = explorer.view, explorer.figure_box, explorer.frames.widget
    assert isinstance(view, ipywidgets.Image) and "c1x1-figure" in box._dom_classes
    assert box in explorer.children and box.children[:2] == (view, deck)
    assert "c1x1-frames" in deck._dom_classes and deck.children[0] is explorer.frames.blank
    assert deck.children[1:] == tuple(explorer.frames.stacks.values())
    assert bytes(view.value).startswith(PNG_SIGNATURE)  # Agg here, so the PNG fallback
    assert isinstance(explorer.fig, matplotlib.figure.Figure)


@pytest.mark.parametrize("kind", EXPLORERS)
def test_static_rendering_bundle(explorers, kind):
    explorer = explorers[kind]
    bundle = explorer._repr_mimebundle_()
    view = bundle["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"] == explorer.model_id
    png = bundle["image/png"]
    assert base64.b64decode(png).startswith(PNG_SIGNATURE)
    # Where the widget cannot run: the picture, a caption in text saying it becomes live,
    # and the readout.
    saved = bundle["text/html"]
    assert f'src="data:image/png;base64,{png}"' in saved
    assert "run this cell" in saved and "<figcaption>" in saved
    assert saved.endswith(explorer.readout.value)
    plain = bundle["text/plain"]
    assert plain == explorer.summary() and plain.startswith(type(explorer).__name__)
    assert "model_id" not in plain and explorer.model_id not in plain
    # Deterministic: a second explorer with the same settings says the same.
    assert EXPLORERS[kind]()._repr_mimebundle_()["text/plain"] == plain


def _reachable(explorer, key):
    """The values control ``key`` can take now (a capped choice offers fewer)."""
    slider = explorer.sliders[key]
    if isinstance(slider, ipywidgets.SelectionSlider):
        return [value for _, value in slider.options]
    return list(explorer.controls[key].values())


def _moves(explorer, key):
    """Three values control ``key`` can hold now other than its current one (or none)."""
    values = [v for v in _reachable(explorer, key) if v != explorer.value(key)]
    if isinstance(explorer.controls[key], Toggle) or len(values) < 3:
        return []
    return [values[0], values[-1], values[len(values) // 2]]


@pytest.mark.parametrize("kind", EXPLORERS)
def test_every_slider_tick_changes_artists_in_place(kind):
    explorer = EXPLORERS[kind]()
    axes = list(explorer.fig.axes)
    artists = [list(ax.get_children()) for ax in axes]
    moved = []
    for key in explorer.controls:
        start, values = explorer.value(key), _moves(explorer, key)
        pictures = {bytes(explorer.view.value)}
        for value in values:
            explorer.sliders[key].value = value
            pictures.add(bytes(explorer.view.value))
        if values:
            moved.append(key)
            assert len(pictures) > 1, f"moving {key} did not change the picture"
            explorer.sliders[key].value = start
    assert moved, "an explorer with no slider to move"
    assert explorer.fig.axes == axes
    assert [list(ax.get_children()) for ax in axes] == artists  # same artists, no new ones
    assert not explorer.errors.outputs


def test_errors_in_callbacks_are_shown(monkeypatch):
    explorer = FilterBlockExplorer()

    def broken():
        raise RuntimeError("the drawing broke")

    monkeypatch.setattr(explorer, "update_figure", broken)
    explorer.sliders["filters"].value = 8  # must not raise
    (entry,) = explorer.errors.outputs
    assert entry["output_type"] == "error"
    assert entry["ename"] == "RuntimeError" and entry["evalue"] == "the drawing broke"
    assert any("the drawing broke" in line for line in entry["traceback"])
    # The counts still followed the slider.
    assert f"= {format_count(conv_params(1, 512, 8))}" in readout_text(explorer)
    for value in (1, 2, 3, 4, 16, 32):
        explorer.sliders["filters"].value = value
    assert len(explorer.errors.outputs) == 5  # only the last few are kept


def test_hold_updates_updates_once():
    explorer = FilterBlockExplorer()
    calls = []
    original = explorer.update

    def counting():
        calls.append(1)
        original()

    explorer.update = counting
    with explorer.hold_updates():
        explorer.sliders["in_channels"].value = 256
        explorer.sliders["filters"].value = 32
        explorer.sliders["kernel_size"].value = 3
    assert len(calls) == 1
    assert f"= {format_count(conv_params(3, 256, 32))}" in readout_text(explorer)


@pytest.fixture
def ipympl_backend():
    """ipympl's backend (pictures are spaced out only on its canvas), then Agg again."""
    plt.switch_backend("module://ipympl.backend_nbagg")
    yield
    plt.close("all")
    plt.switch_backend("Agg")


# ipympl's toolbar passes traitlets an argument it warns about; not ours to fix.
@pytest.mark.filterwarnings("ignore:Passing unrecognized arguments:DeprecationWarning")
def test_update_sends_the_new_picture_through_ipympl_at_once(monkeypatch, ipympl_backend):
    # No event loop runs here (in a kernel one does, and pictures may be spaced out: see
    # test_pictures_are_spaced_by_their_drawing_time); a browser test's loop must not leak in.
    monkeypatch.setattr(base_module, "_running_loop", lambda: None)
    explorer = FilterBlockExplorer()
    canvas = explorer.fig.canvas
    assert isinstance(canvas, ipywidgets.DOMWidget) and canvas in explorer.figure_box.children
    assert "c1x1-figure" in explorer.figure_box._dom_classes and not canvas.header_visible
    sent, asked = [], []
    monkeypatch.setattr(canvas, "send_binary", lambda data: sent.append(data))
    monkeypatch.setattr(canvas, "draw_idle", lambda: asked.append(1))
    explorer.sliders["filters"].value = 32  # the first time: a full draw
    explorer.sliders["filters"].value = 16  # then: only the artists that move
    # Each tick pushes a picture to the page itself, without asking the page first.
    assert len(sent) == 2 and asked == []
    assert all(bytes(data).startswith(PNG_SIGNATURE) for data in sent)
    bundle = explorer._repr_mimebundle_()
    assert "<figcaption>" in bundle["text/html"]
    assert base64.b64decode(bundle["image/png"]).startswith(PNG_SIGNATURE)


def test_set_changes_several_controls_checked_with_one_update():
    explorer = FilterBlockExplorer()
    explorer.set(in_channels=256, filters=32, kernel_size=3, use_bias=False)
    assert f"= {format_count(conv_params(3, 256, 32, use_bias=False))}" in readout_text(explorer)
    with pytest.raises(ValueError, match="filters must be one of 1, 2, 3, .*, got 0"):
        explorer.set(filters=0)
    with pytest.raises(ValueError, match=r"no control named \['depth'\]"):
        explorer.set(depth=3)


@pytest.mark.parametrize("value", [1, "yes", None, 0.0])
def test_use_bias_is_true_or_false_everywhere(value):
    with pytest.raises(ValueError, match="use_bias must be True or False"):
        FilterBlockExplorer(use_bias=value)
    with pytest.raises(ValueError, match="use_bias must be True or False"):
        explorers_package.BottleneckExplorer(use_bias=value)
    with pytest.raises(ValueError, match="use_bias must be True or False"):
        explorers_package.ReductionExplorer(use_bias=value)


def test_controls_check_build_and_cap_their_widgets():
    whole = Whole("k", 1, 7, why="odd reasons")
    assert whole.check("k", 3) == 3 and whole.values() == tuple(range(1, 8))
    with pytest.raises(ValueError, match=r"k must be a whole number 1 … 7 \(odd reasons\), got 9"):
        whole.check("k", 9)
    slider = whole.widget(5)
    whole.cap(slider, 4, wish=5)
    assert (slider.max, slider.value) == (4, 4)
    whole.cap(slider, 7, wish=5)  # the learner's choice is back once allowed
    assert (slider.max, slider.value) == (7, 5)
    choice = Choice("depth", (1, 3, 64, 2048))
    assert choice.check("depth", 64) == 64
    with pytest.raises(ValueError, match="depth must be one of 1, 3, 64, 2,048, got 5"):
        choice.check("depth", 5)
    with pytest.raises(ValueError, match="depth must be one of"):
        choice.check("depth", True)
    picker = choice.widget(2048)
    assert isinstance(picker, ipywidgets.SelectionSlider) and picker.label == "2,048"
    choice.cap(picker, 100, wish=2048)
    assert [v for _, v in picker.options] == [1, 3, 64] and picker.value == 64
    choice.cap(picker, [1, 3, 2048], wish=64)  # not allowed: the largest allowed below
    assert [v for _, v in picker.options] == [1, 3, 2048] and picker.value == 3
    choice.cap(picker, [64, 2048], wish=3)  # none below: the smallest
    assert picker.value == 64
    choice.cap(picker, 2048, wish=3)
    assert [v for _, v in picker.options] == [1, 3, 64, 2048] and picker.value == 3
    with pytest.raises(ValueError, match="options must be increasing whole numbers"):
        Choice("depth", (3, 1))
    assert Toggle("bias").check("use_bias", True) is True


def test_every_drawing_and_explorer_resolves_from_the_package():
    import conv1x1_viz
    import conv1x1_viz.draw

    drawings = [n for n in conv1x1_viz.draw.__all__ if n.startswith("draw_")]
    assert drawings and all(
        getattr(conv1x1_viz, n) is getattr(conv1x1_viz.draw, n) for n in drawings
    )
    for cls in [*KERNEL_EXPLORERS.values(), *PAGE_EXPLORERS.values()]:
        assert getattr(conv1x1_viz, cls.__name__) is cls
    with pytest.raises(AttributeError, match="has no attribute 'draw_nothing'"):
        conv1x1_viz.draw_nothing  # noqa: B018


def test_package_import_leaves_matplotlib_and_ipywidgets_for_later():
    code = (
        "import sys, conv1x1_viz; "
        "print(sorted(m for m in ('matplotlib', 'ipywidgets', 'tensorflow') if m in sys.modules)); "
        "conv1x1_viz.ParamExplorer; print('ipywidgets' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["[]", "True"]


# Numbers the sources print for these cases: the tutorial's model summaries, and the
# article's count for Inception's 5×5 branch (120.422 million MACs, 12.4 million reduced).
PUBLISHED = [
    ("param-explorer", "RGB → 512, 3×3", ["14,336"]),
    ("param-explorer", "512 → 512, 1×1", ["262,656"]),
    ("param-explorer", "512 → 64, 1×1", ["32,832"]),
    ("param-explorer", "512 → 1,024, 1×1", ["525,312"]),
    ("bottleneck-explorer", "Inception 5×5", ["120,422,400", "12,443,648"]),
]


@pytest.mark.parametrize(("kind", "label", "numbers"), PUBLISHED)
def test_presets_show_the_published_numbers(kind, label, numbers):
    explorer = {**EXPLORERS, **PAGE_EXPLORERS}[kind]()
    explorer.apply_preset(label)
    text = explorer.readout_texts()[1]
    assert text.startswith(f"Case: {label}:")
    for number in numbers:
        assert re.search(rf"(?<![\d,]){number}(?![\d,])", text), (number, text)


@pytest.mark.parametrize("kind", EXPLORERS)
def test_every_preset_sets_its_controls_and_names_its_case(kind):
    explorer = EXPLORERS[kind]()
    for preset in explorer.presets:
        explorer.apply_preset(preset.label)
        assert {k: explorer.value(k) for k in preset.values} == preset.values
        assert explorer.current_preset() is preset
        assert f"Case: {preset.label}: {preset.source}" in explorer.summary()
    assert not explorer.errors.outputs
    if explorer.presets:  # a move by hand leaves the case
        key = next(iter(explorer.presets[-1].values))
        values = [v for v in _reachable(explorer, key) if v != explorer.value(key)]
        explorer.sliders[key].value = values[0]
        if explorer.current_preset() is None:
            assert "Case:" not in explorer.summary()
        with pytest.raises(ValueError, match="label must be one of the presets"):
            explorer.apply_preset("no such case")


def _pixels(explorer):
    return np.asarray(explorer.fig.canvas.buffer_rgba()).astype(int)


@pytest.mark.parametrize("kind", EXPLORERS)
def test_redrawing_only_what_changed_gives_the_full_picture(kind):
    # Move every slider a few times through the fast path, then draw an explorer with the
    # same settings from scratch: the pictures must be the same, pixel for pixel, so
    # animated_artists() leaves out nothing a control changes.
    explorer = EXPLORERS[kind]()
    assert explorer.blitter.background is not None  # the first draw saved it
    for key in explorer.controls:
        for value in _moves(explorer, key)[:2]:
            explorer.sliders[key].value = value
    fresh = EXPLORERS[kind]()
    fresh.set(**{key: explorer.value(key) for key in explorer.controls})
    fresh.fig.canvas.draw()
    difference = np.abs(_pixels(explorer) - _pixels(fresh))
    assert difference.max() == 0, f"{(difference.max(axis=2) > 0).sum()} pixels differ"
    assert set(explorer.timings) == {"readout", "artists", "draw", "send", "full"}
    assert explorer.timings["full"] == 0.0  # the last tick redrew only what moved


@pytest.mark.parametrize("kind", EXPLORERS)
def test_the_saved_picture_is_the_picture_shown(kind):
    # savefig draws animated artists itself: the blitter must not draw them a second time.
    from PIL import Image

    explorer = EXPLORERS[kind]()
    explorer.fig.canvas.draw()
    shown = _pixels(explorer)[:, :, :3]
    saved = np.asarray(Image.open(io.BytesIO(explorer.snapshot())).convert("RGB")).astype(int)
    assert np.abs(shown - saved).max() == 0


class _FakeLoop:
    """Records what the explorer asks a kernel's event loop to run later."""

    def __init__(self):
        self.later = []

    def call_later(self, delay, callback):
        self.later.append((delay, callback))


@pytest.mark.filterwarnings("ignore:Passing unrecognized arguments:DeprecationWarning")
def test_pictures_are_spaced_by_their_drawing_time(monkeypatch, ipympl_backend):
    loop = _FakeLoop()
    monkeypatch.setattr(base_module, "_running_loop", lambda: loop)
    explorer = FilterBlockExplorer()
    monkeypatch.setattr(explorer.fig.canvas, "send_binary", lambda data: None)
    drawn = []
    render = explorer._render
    monkeypatch.setattr(
        explorer, "_render", lambda: (drawn.append(explorer.value("filters")), render())
    )
    explorer._render_at = base_module.time.monotonic() + 60  # the last picture took a minute
    for n in (16, 32, 128):  # a held key: the readout follows each value at once
        explorer.sliders["filters"].value = n
        assert f"·{n} = " in readout_text(explorer)
    assert drawn == [] and len(loop.later) == 1  # one picture waits, not three
    delay, callback = loop.later[0]
    assert 59 < delay <= 60
    callback()  # the wait is over: the picture shows the last value
    assert drawn == [128] and not explorer.errors.outputs
    explorer._render_at = 0.0
    explorer.sliders["filters"].value = 64  # the last picture is old enough: drawn at once
    assert drawn == [128, 64] and len(loop.later) == 1


def test_the_timing_log_gets_one_line_per_picture_only_when_asked(monkeypatch, tmp_path):
    log = tmp_path / "timings.jsonl"
    explorer = FilterBlockExplorer()
    monkeypatch.setenv(base_module.TIMING_LOG, str(log))
    explorer.sliders["filters"].value = 16
    explorer.sliders["filters"].value = 8
    monkeypatch.delenv(base_module.TIMING_LOG)
    explorer.sliders["filters"].value = 32  # not logged
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert [line["kind"] for line in lines] == [FilterBlockExplorer.kind] * 2
    for line in lines:
        assert line["received"] <= line["started"] <= line["sent"]
    assert lines[0]["sent"] <= lines[1]["received"]


@pytest.mark.parametrize("cls", PAGE_EXPLORERS.values(), ids=lambda c: c.__name__)
def test_page_explorer_is_saved_as_picture_and_readout_for_readers_without_a_kernel(cls):
    """What GitHub and nbviewer show: the picture and the readout of the current values."""
    explorer = cls()
    data, _ = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data
    assert base64.b64decode(data["image/png"]).startswith(PNG_SIGNATURE)
    assert "<figcaption>" in data["text/html"]
    saved = html.unescape(data["text/html"])
    assert all(f"{label}</b>: {text}" in saved for label, text in explorer.readout_lines())
    # The saved picture follows the controls: move the first slider to another stop.
    key, control = next((k, c) for k, c in explorer.controls.items() if not isinstance(c, Toggle))
    first = explorer.snapshot()
    explorer.set(**{key: next(v for v in control.values() if v != explorer.values[key])})
    assert explorer.snapshot() != first
    assert base64.b64decode(explorer._repr_mimebundle_()[0]["image/png"]) != first
    layout = explorer.layout
    explorer.close()
    assert explorer.comm is None and layout.comm is None
