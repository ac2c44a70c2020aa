"""The explorers, driven headless: set control values, read the readout and the saved picture.

Every explorer is drawn in the page (``conv1x1_viz.explorers.page``); what the page does is
checked in Chromium by ``tests/browser/test_page_explorers.py``. Here: what the kernel side
does with the same declarations, for every explorer the package exports.
"""

import base64
import html
import re
import subprocess
import sys

import pytest

import conv1x1_viz.explorers as explorers_package
from conv1x1_viz import conv_params
from conv1x1_viz.explorers import Choice, ParamExplorer, Toggle, Whole
from conv1x1_viz.explorers.page import PageExplorer
from conv1x1_viz.formulas import format_count

#: Every explorer the package exports, by kind: a new one is covered without edits here.
PAGE_EXPLORERS = {
    cls.kind: cls
    for cls in (getattr(explorers_package, name) for name in explorers_package.__all__)
    if isinstance(cls, type) and issubclass(cls, PageExplorer) and cls is not PageExplorer
}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_every_explorer_is_drawn_in_the_page():
    exported = [getattr(explorers_package, name) for name in explorers_package.__all__]
    explorers = [c for c in exported if isinstance(c, type) and c.__name__.endswith("Explorer")]
    assert set(explorers) == {PageExplorer, *PAGE_EXPLORERS.values()}
    assert len(PAGE_EXPLORERS) == 6


def test_set_changes_several_controls_checked_at_once():
    explorer = ParamExplorer()
    explorer.set(in_channels=256, filters=32, kernel_size=3, use_bias=False)
    text = explorer.readout_texts()[1]
    assert f"= {format_count(conv_params(3, 256, 32, use_bias=False))}" in text
    with pytest.raises(ValueError, match="filters must be one of 1, 2, 3, .*, got 0"):
        explorer.set(filters=0)
    with pytest.raises(ValueError, match=r"no control named \['depth'\]"):
        explorer.set(depth=3)


@pytest.mark.parametrize("value", [1, "yes", None, 0.0])
def test_use_bias_is_true_or_false_everywhere(value):
    for cls in (ParamExplorer, explorers_package.BottleneckExplorer,
                explorers_package.ReductionExplorer):  # fmt: skip
        with pytest.raises(ValueError, match="use_bias must be True or False"):
            cls(use_bias=value)


def test_controls_check_and_limit_their_values():
    whole = Whole("k", 1, 7, why="odd reasons")
    assert whole.check("k", 3) == 3 and whole.values() == tuple(range(1, 8))
    with pytest.raises(ValueError, match=r"k must be a whole number 1 … 7 \(odd reasons\), got 9"):
        whole.check("k", 9)
    assert whole.limited(5, 4) == 4 and whole.limited(5, 7) == 5  # the wish back once allowed
    assert whole.limited(5, 0) == 1  # never below the bottom
    choice = Choice("depth", (1, 3, 64, 2048))
    assert choice.check("depth", 64) == 64
    with pytest.raises(ValueError, match="depth must be one of 1, 3, 64, 2,048, got 5"):
        choice.check("depth", 5)
    with pytest.raises(ValueError, match="depth must be one of"):
        choice.check("depth", True)
    assert choice.limited(2048, 100) == 64  # the largest allowed below the wish
    assert choice.limited(64, [1, 3, 2048]) == 3
    assert choice.limited(3, [64, 2048]) == 64  # none below: the smallest
    assert choice.limited(3, 2048) == 3
    assert choice.capped(100).values() == (1, 3, 64)
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
    for cls in PAGE_EXPLORERS.values():
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
    explorer = PAGE_EXPLORERS[kind]()
    explorer.apply_preset(label)
    text = explorer.readout_texts()[1]
    assert text.startswith(f"Case: {label}:")
    for number in numbers:
        assert re.search(rf"(?<![\d,]){number}(?![\d,])", text), (number, text)


@pytest.mark.parametrize("kind", PAGE_EXPLORERS)
def test_every_preset_sets_its_controls_and_names_its_case(kind):
    explorer = PAGE_EXPLORERS[kind]()
    for preset in explorer.presets:
        explorer.apply_preset(preset.label)
        assert {k: explorer.value(k) for k in preset.values} == preset.values
        assert explorer.current_preset() is preset
        assert f"Case: {preset.label}: {preset.source}" in explorer.summary()
    if explorer.presets:  # a move by hand leaves the case
        key = next(iter(explorer.presets[-1].values))
        control = explorer.controls[key]
        explorer.set(**{key: next(v for v in control.values() if v != explorer.value(key))})
        if explorer.current_preset() is None:
            assert "Case:" not in explorer.summary()
        with pytest.raises(ValueError, match="label must be one of the presets"):
            explorer.apply_preset("no such case")


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
