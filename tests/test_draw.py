"""What all the drawings share: the package's names, the font, rcParams left alone."""

import dataclasses
import re

import matplotlib
import matplotlib.pyplot as plt
import pytest
from matplotlib.text import Text

import conv1x1_viz
import conv1x1_viz.draw as draw
from conv1x1_viz.draw import (
    FONT,
    draw_channel_mixing,
    draw_cost_comparison,
    draw_feature_map_grid,
    draw_filter_block,
    fixed_title,
)

ARTISTS = [
    draw.FilterBlockArtists,
    draw.ChannelMixingArtists,
    draw.FeatureMapGridArtists,
    draw.CostComparisonArtists,
]


def test_one_module_a_drawing_all_names_from_the_package():
    modules = {
        "draw_filter_block": "conv1x1_viz.draw.filter_block",
        "draw_channel_mixing": "conv1x1_viz.draw.channel_mixing",
        "draw_feature_map_grid": "conv1x1_viz.draw.feature_maps",
        "draw_cost_comparison": "conv1x1_viz.draw.cost_comparison",
        "fixed_title": "conv1x1_viz.draw.common",
    }
    for name, module in modules.items():
        assert getattr(draw, name).__module__ == module
        if name.startswith("draw_"):  # the package's lazy names still lead here
            assert getattr(conv1x1_viz, name) is getattr(draw, name)
    assert all(hasattr(draw, name) for name in draw.__all__)
    assert {cls.__name__ for cls in ARTISTS} <= set(draw.__all__)


@pytest.mark.parametrize("cls", ARTISTS, ids=lambda cls: cls.__name__)
def test_every_artists_field_is_documented(cls):
    section = cls.__doc__.split("Attributes\n    ----------\n", 1)[1]
    # Entries are "name : type" or "a, b, c : type" at the section's indentation.
    documented = {
        name.strip()
        for line in re.findall(r"^    (\w[\w, ]*) : ", section, flags=re.MULTILINE)
        for name in line.split(",")
    }
    assert {f.name for f in dataclasses.fields(cls)} <= documented


def test_drawings_leave_rcparams_alone_and_use_dejavu(rng):
    before = dict(matplotlib.rcParams)
    fig, axes = plt.subplots(2, 2)
    draw_filter_block((8, 8, 4), 3, 2, ax=axes[0, 0])
    draw_channel_mixing(rng.normal(size=3), rng.normal(size=(3, 2)), ax=axes[0, 1])
    draw_feature_map_grid(rng.random((4, 4, 20)), title="maps", ax=axes[1, 0])
    draw_cost_comparison({"a": (153_632, 120_422_400), "b": (15_920, 12_443_648)}, ax=axes[1, 1])
    fixed_title(axes[0, 0], "blocks")
    fig.canvas.draw()
    assert dict(matplotlib.rcParams) == before
    texts = [t for t in fig.findobj(Text) if t.get_text() and t.get_visible()]
    assert len(texts) > 20
    assert all(t.get_fontfamily() == [FONT] for t in texts), {
        t.get_text(): t.get_fontfamily() for t in texts if t.get_fontfamily() != [FONT]
    }
