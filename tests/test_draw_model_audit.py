"""draw_model_audit: a bar per conv or dense layer, its 1×1 part coloured, shares in the legend."""

import dataclasses
import re

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_rgba
from matplotlib.text import Text

import conv1x1_viz
from conv1x1_viz import AuditRow, ModelAudit
from conv1x1_viz.draw import FONT, ModelAuditArtists, draw_model_audit


def row(name, kind, macs, macs_1x1=0, params=10):
    one = kind in ("1×1 conv", "separable")
    return AuditRow(
        f"net/{name}", kind, "Conv2D", (1, 1), 1, (7, 7, 8), params, macs,
        params // 2 if one else 0, macs_1x1,
    )  # fmt: skip


def small_audit(scale=1):
    rows = (
        row("stem", "k×k conv", 900 * scale),
        row("bn", "other", 0),
        row("reduce", "1×1 conv", 400 * scale, 400 * scale),
        row("sep", "separable", 300 * scale, 200 * scale),
        row("fc", "dense", 50 * scale),
    )
    return ModelAudit("net", ((32, 32, 3),), rows)


def long_audit(n=121):
    """As many layers as DenseNet121, the first ones the most costly."""
    macs = (1_000_000 * (1 + 9 * np.exp(-np.arange(n) / 10))).astype(int)
    rows = [
        row(f"conv{i}", "1×1 conv" if i % 2 else "k×k conv", int(m), int(m) if i % 2 else 0)
        for i, m in enumerate(macs)
    ]
    rows += [row(f"bn{i}", "other", 0, params=64) for i in range(n)]
    return ModelAudit("densenet_like", ((224, 224, 3),), tuple(rows))


@pytest.fixture
def ax():
    return plt.figure(figsize=(6, 3)).add_subplot()


def test_bars_stack_the_1x1_part_under_the_rest(ax):
    audit = small_audit()
    artists = draw_model_audit(audit, ax=ax)
    counted = [r for r in audit.rows if r.counted]
    assert len(artists.bars_1x1) == len(artists.bars_rest) == len(counted) == 4
    for x, (r, low, high) in enumerate(
        zip(counted, artists.bars_1x1, artists.bars_rest, strict=True), 1
    ):
        assert low.get_x() + low.get_width() / 2 == pytest.approx(x)
        assert (low.get_y(), low.get_height()) == (0, r.macs_1x1)
        assert (high.get_y(), high.get_height()) == (r.macs_1x1, r.macs - r.macs_1x1)
        assert low.get_facecolor() == to_rgba("#f58518")
        # the rest coloured by what it is: convolutions, or a dense layer on a whole vector
        assert high.get_facecolor() == to_rgba("#bab0ac" if r.kind == "dense" else "#9eb9d4")
    assert ax.get_ylim() == (0, 900 * 1.45) and ax.get_xlim() == (0.5, 4.5)
    assert artists.title.get_text() == "net: 1,650 MACs in 4 layers"
    share_params = 100 * audit.params_1x1 / audit.total_params
    assert [t.get_text() for t in artists.legend.get_texts()] == [
        f"1×1 (2 layers): {share_params:.1f} % of parameters, 36.4 % of MACs",
        "k×k, depthwise and transposed conv",
        "dense on a whole vector",
    ]
    assert artists.note.get_text() == (
        "layers counted by a rule, in network order\n"
        "not counted: 1 other weight layers, 10 parameters"
    )
    assert artists.note is ax.xaxis.label


def test_update_redraws_in_place(ax):
    artists = draw_model_audit(small_audit(), ax=ax)
    bar = artists.bars_rest[0]
    artists.update(small_audit(scale=3))
    assert artists.bars_rest[0] is bar and bar.get_height() == 2_700
    assert artists.title.get_text() == "net: 4,950 MACs in 4 layers"
    assert ax.get_ylim()[1] == pytest.approx(2_700 * 1.45)
    assert len(ax.patches) == 8
    with pytest.raises(
        ValueError, match="audit must have 4 layers counted by a rule, as drawn, got 121"
    ):
        artists.update(long_audit())


def test_attention_and_recurrent_parts_have_their_own_colours(ax):
    rows = (
        AuditRow("net/attention", "attention", "MultiHeadAttention", None, None, (9, 8),
                 40, 700, 40, 500),
        AuditRow("net/lstm", "recurrent", "LSTM", None, None, (9, 4), 30, 300),
    )  # fmt: skip
    artists = draw_model_audit(ModelAudit("net", ((9, 8),), rows), ax=ax)
    ones, rest = artists.bars_1x1, artists.bars_rest
    assert [b.get_height() for b in ones] == [500, 0]
    assert [b.get_height() for b in rest] == [200, 300]
    assert [b.get_facecolor() for b in rest] == [to_rgba("#b279a2"), to_rgba("#54a24b")]
    labels = [t.get_text() for t in artists.legend.get_texts()]
    assert labels[1:] == ["attention's products QKᵀ and A·V", "recurrent gates"]
    assert [h.get_facecolor() for h in artists.legend.legend_handles[1:]] == [
        to_rgba("#b279a2"), to_rgba("#54a24b"),
    ]  # fmt: skip


def test_an_audit_without_counted_layers_still_draws(ax):
    audit = ModelAudit("embed", ((5,),), (row("table", "other", 0, params=80),))
    artists = draw_model_audit(audit, ax=ax)
    assert len(artists.bars_1x1) == 0 and ax.get_ylim() == (0, 1.45)
    assert "not counted: 1 other weight layers, 80 parameters" in artists.note.get_text()


@pytest.mark.parametrize("width", [5.92, 8.5])
def test_readable_from_592_to_850_pixels(width):
    fig, ax = plt.subplots(figsize=(width, 3), dpi=100, layout="constrained")
    artists = draw_model_audit(long_audit(), ax=ax)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    page = fig.bbox
    ticks = [
        label
        for axis, (low, high) in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim()))
        for label, at in zip(axis.get_ticklabels(), axis.get_ticklocs(), strict=True)
        if low <= at <= high
    ]
    texts = [artists.title, artists.note, ax.yaxis.label, *artists.legend.get_texts(), *ticks]
    assert all(t.get_text() for t in texts)
    for text in texts:
        box = text.get_window_extent(renderer)
        assert page.x0 <= box.x0 and box.x1 <= page.x1 and page.y0 <= box.y0, text.get_text()
        assert box.y1 <= page.y1, text.get_text()
    legend = artists.legend.get_window_extent(renderer)
    for bar in [*artists.bars_rest]:
        box = bar.get_window_extent(renderer)
        if box.x1 > legend.x0 and box.x0 < legend.x1:
            assert box.y1 < legend.y0, "a bar runs into the legend"
    assert max(b.get_window_extent(renderer).width for b in artists.bars_1x1) >= 2  # pixels


def test_style_bad_input_fonts_and_rcparams(ax):
    before = dict(matplotlib.rcParams)
    artists = draw_model_audit(small_audit(), ax=ax, colors=("red", "black"), fontsize=8)
    ax.figure.canvas.draw()
    assert dict(matplotlib.rcParams) == before
    assert artists.bars_1x1[0].get_facecolor() == to_rgba("red")
    texts = [t for t in ax.figure.findobj(Text) if t.get_text() and t.get_visible()]
    assert all(t.get_fontfamily() == [FONT] for t in texts)
    with pytest.raises(ValueError, match="audit must be a ModelAudit.*got dict"):
        draw_model_audit({}, ax=ax)
    with pytest.raises(ValueError, match=r"unknown style keyword\(s\) \['colour'\]"):
        draw_model_audit(small_audit(), ax=ax, colour="red")
    with pytest.raises(ValueError, match="colors must give 2 colours"):
        draw_model_audit(small_audit(), ax=ax, colors=("red",))
    with pytest.raises(ValueError, match="ax must be a matplotlib Axes or None"):
        draw_model_audit(small_audit(), ax="left")


def test_artists_documented_and_exported():
    section = ModelAuditArtists.__doc__.split("Attributes\n    ----------\n", 1)[1]
    documented = set(re.findall(r"^    (\w+) : ", section, flags=re.MULTILINE))
    assert {f.name for f in dataclasses.fields(ModelAuditArtists)} <= documented
    assert conv1x1_viz.draw_model_audit is draw_model_audit
    assert draw_model_audit.__module__ == "conv1x1_viz.draw.model_audit"
