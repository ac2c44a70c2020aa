"""SeparableExplorer and draw_channel_groups: standard, grouped and depthwise separable layers."""

import math

import pytest
from matplotlib.figure import Figure

from conv1x1_viz import conv_macs, conv_params
from conv1x1_viz.draw import draw_channel_groups
from conv1x1_viz.explorers import SeparableExplorer
from conv1x1_viz.explorers.separable import GROUPS, SEPARABLE_PRESETS
from conv1x1_viz.formulas import format_count


def readout_text(explorer):
    """The readout as plain text, one line per count, without the explorer's name."""
    return explorer.readout_texts()[1]


def groups_offered(explorer):
    """The group counts the page's groups slider offers at the current depths."""
    limit = explorer.limits(explorer.values)["groups"]
    return sorted({explorer.controls["groups"].limited(g, limit) for g in GROUPS})


@pytest.mark.parametrize(
    ("k", "c_in", "c_out", "g", "bias"),
    [(3, 32, 64, 1, False), (3, 512, 512, 512, False), (5, 96, 256, 2, True), (1, 16, 8, 4, True)],
)
def test_counts_are_the_keras_layers_counts(keras, k, c_in, c_out, g, bias):
    explorer = SeparableExplorer(k, c_in, c_out, size=7, groups=g, use_bias=bias)
    layers = keras.layers
    standard = layers.Conv2D(c_out, k, use_bias=bias)
    grouped = layers.Conv2D(c_out, k, groups=g, use_bias=bias)
    depthwise = layers.DepthwiseConv2D(k, use_bias=bias)
    pointwise = layers.Conv2D(c_out, 1, use_bias=bias)
    for layer in (standard, grouped, depthwise, pointwise):
        layer.build((None, 7, 7, c_in))
    params = [p for p, _ in explorer.costs().values()]
    assert params == [
        standard.count_params(),
        grouped.count_params(),
        depthwise.count_params() + pointwise.count_params(),
    ]
    separable = keras.layers.SeparableConv2D(c_out, k, use_bias=bias)
    separable.build((None, 7, 7, c_in))
    # Keras' SeparableConv2D has one bias vector, after the pointwise step: ours counts a
    # bias on each of the two layers, as MobileNet's two separate layers would have.
    assert params[2] == separable.count_params() + (c_in if bias else 0)


def test_the_separable_share_is_one_over_filters_plus_one_over_k_squared():
    for k, c_in, c_out in ((3, 512, 512), (5, 32, 64), (7, 96, 2048)):
        explorer = SeparableExplorer(k, c_in, c_out)
        (_, standard), _, (_, separable) = explorer.costs().values()
        assert math.isclose(separable / standard, 1 / c_out + 1 / k**2)
        share = readout_text(explorer).split("Depthwise + pointwise ÷ standard: ")[1]
        assert share.startswith(f"{1 / c_out + 1 / k**2:.4f} of the multiply-accumulates")


def test_readout_writes_each_design_with_its_numbers():
    explorer = SeparableExplorer(3, 512, 512, size=14, groups=2)
    text = readout_text(explorer)
    shape = (14, 14, 512)
    for count in (
        conv_params(3, 512, 512, False),
        conv_macs(shape, 512, 3),
        conv_params(3, 512, 512, False, groups=2),
        conv_macs(shape, 512, 3, groups=2),
        conv_params(3, 512, 512, False, groups=512),
        conv_macs(shape, 512, 3, groups=512),
        conv_params(1, 512, 512, False),
    ):
        assert f"= {format_count(count)}" in text, (count, text)
    assert "In 2 groups: parameters" in text


def test_groups_slider_offers_only_common_divisors():
    explorer = SeparableExplorer(3, 96, 256)
    assert groups_offered(explorer) == [g for g in GROUPS if 32 % g == 0]
    explorer.set(groups=32)
    explorer.set(in_channels=3)  # gcd(3, 256) = 1: only one group left
    assert groups_offered(explorer) == [1]
    assert explorer.value("groups") == 1
    explorer.set(in_channels=512)  # the learner's 32 groups are allowed again
    assert groups_offered(explorer)[-1] == 256
    assert explorer.value("groups") == 32
    assert explorer.error == ""


def test_values_from_the_page_that_break_the_limit_are_named():
    explorer = SeparableExplorer()
    explorer.values = {**explorer.values, "groups": 256}  # as the page sends them
    assert explorer.error == ""
    explorer.values = {**explorer.values, "filters": 3, "groups": 256}  # 256 does not divide 3
    assert explorer.error.startswith("ValueError: groups cannot be 256 when the others are")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"groups": 3}, r"groups must divide both in_channels \(512\) and filters \(512\)"),
        ({"in_channels": 500}, r"in_channels must be one of 1, 2, 3"),
        ({"size": 13}, r"size must be one of 7, 14"),
    ],
)
def test_bad_starting_values_are_refused_by_name(kwargs, message):
    with pytest.raises(ValueError, match=message):
        SeparableExplorer(**kwargs)


def test_presets_reach_the_published_layers():
    assert {p.label for p in SeparableExplorer().presets} == {p.label for p in SEPARABLE_PRESETS}
    explorer = SeparableExplorer()
    explorer.apply_preset("MobileNet first block")
    shape = (112, 112, 32)
    text = readout_text(explorer)
    # Depthwise 3×3 on 32 maps, then 1×1 to 64: what MobileNet's first block costs.
    assert f"= {format_count(conv_macs(shape, 32, 3, groups=32))}" in text
    assert f"= {format_count(conv_macs(shape, 64, 1))}" in text
    assert text.startswith("Case: MobileNet first block:")


def test_saved_picture_follows_the_groups():
    explorer = SeparableExplorer(3, 16, 32)
    first = explorer.snapshot()
    drawing = explorer.draw_picture(Figure()).groups
    assert len(drawing.bands.get_paths()) == 1
    assert len(drawing.inputs.get_paths()) == 16 and len(drawing.outputs.get_paths()) == 32
    assert drawing.labels["outputs"].get_text().endswith("each filter sees every channel")
    explorer.set(groups=16)
    drawing = explorer.draw_picture(Figure()).groups
    assert len(drawing.bands.get_paths()) == 16
    assert drawing.labels["outputs"].get_text().endswith("one channel, its own")
    explorer.set(groups=4)
    picture = explorer.draw_picture(Figure())
    assert picture.groups.labels["outputs"].get_text().endswith("only the 4 channels of its group")
    assert [n.get_text() for n in picture.cost.names] == [
        "■ standard 3×3", "■ 3×3 in 4 groups", "■ depthwise + 1×1"
    ]  # fmt: skip
    # The bars are to scale: the grouped layer costs a quarter of the standard one.
    bars = picture.cost.bars[1]
    assert math.isclose(bars[1].get_width(), bars[0].get_width() / 4)
    assert picture.cost.labels[1][1].get_text().endswith(" (÷4.00)")
    assert explorer.snapshot() != first


def test_draw_channel_groups_draws_groups_not_cells_when_long():
    artists = draw_channel_groups(2048, 1024, 8, ax=Figure().add_subplot())
    assert len(artists.inputs.get_paths()) == 8 and len(artists.bands.get_paths()) == 8
    assert artists.labels["inputs"].get_text() == "input: 2,048 channels, 8 groups of 256"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((6, 4, 4), r"groups must divide both in_channels \(6\) and filters \(4\), got 4"),
        ((0, 4, 1), r"in_channels must be"),
        ((4, 4, 0), r"groups must be"),
    ],
)
def test_draw_channel_groups_rejects_bad_arguments(args, message):
    with pytest.raises(ValueError, match=message):
        draw_channel_groups(*args, ax=Figure().add_subplot())
