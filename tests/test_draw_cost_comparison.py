"""draw_cost_comparison: bars as long as the counts, exact labels and short tick labels."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from conv1x1_viz import conv_macs, conv_params
from conv1x1_viz.draw import draw_cost_comparison


@pytest.fixture
def ax():
    return plt.figure().add_subplot()


def inception_costs():
    direct = (conv_params(5, 192, 32), conv_macs((28, 28, 192), 32, 5))
    reduced = (
        conv_params(1, 192, 16) + conv_params(5, 16, 32),
        conv_macs((28, 28, 192), 16, 1) + conv_macs((28, 28, 16), 32, 5),
    )
    return {"direct 5×5": direct, "1×1 then 5×5": reduced}


def test_cost_comparison_bars_and_exact_labels(ax):
    costs = inception_costs()
    artists = draw_cost_comparison(costs, ax=ax)
    assert artists.log and ax.get_xscale() == "log"
    for d, (params, macs) in enumerate(costs.values()):
        for q, value in enumerate((params, macs)):
            bar = artists.bars[q][d]
            assert bar.get_x() + bar.get_width() == pytest.approx(value)
            assert artists.labels[q][d].get_text() == f"{value:,}"
    assert artists.labels[1][0].get_text() == "120,422,400"
    assert [t.get_text() for t in artists.names] == [f"■ {name}" for name in costs]
    for name, bar in zip(artists.names, artists.bars[0], strict=True):
        assert matplotlib.colors.to_rgba(name.get_color()) == bar.get_facecolor()
    groups = artists.group_labels
    assert [t.get_text() for t in groups] == ["parameters", "multiply-accumulates"]
    # Each quantity's label sits beside its group of bars.
    for q, text in enumerate(groups):
        centres = [bar.get_y() + bar.get_height() / 2 for bar in artists.bars[q]]
        assert text.get_position()[1] == pytest.approx(np.mean(centres))


def test_cost_comparison_linear_when_ranges_are_close(ax):
    artists = draw_cost_comparison({"a": (100, 120), "b": (90, 300)}, ax=ax)
    assert not artists.log and ax.get_xscale() == "linear"
    assert artists.bars[1][1].get_width() == 300


def test_cost_comparison_updates_in_place(ax):
    artists = draw_cost_comparison({"a": (100, 120), "b": (90, 300)}, ax=ax)
    bar = artists.bars[0][0]
    artists.update({"c": (10, 5_000_000), "d": (20, 7)})
    assert artists.bars[0][0] is bar and artists.log
    assert bar.get_x() + bar.get_width() == pytest.approx(10)
    assert artists.labels[1][0].get_text() == "5,000,000"
    assert [t.get_text() for t in artists.names] == ["■ c", "■ d"]
    assert len(ax.patches) == 4


def test_cost_comparison_log_tick_labels_are_plain_text(ax):
    draw_cost_comparison(inception_costs(), ax=ax)
    ax.figure.canvas.draw()
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert len(labels) >= 3
    assert all(label.startswith("10") and "$" not in label for label in labels)
    assert "10⁷" in labels


@pytest.mark.parametrize(
    ("costs", "kwargs", "message"),
    [
        ({}, {}, "non-empty mapping"),
        ([("a", 1, 2)], {}, "non-empty mapping"),
        ({"a": (1,)}, {}, r"costs\['a'\] must be 2 whole numbers"),
        (
            {"a": (1, -2)},
            {},
            r"costs\['a'\]\[1\] \(multiply-accumulates\) must be a whole number ≥ 0",
        ),
        ({"a": (True, 2)}, {}, r"costs\['a'\]\[0\] \(parameters\) must be a whole number ≥ 0"),
        ({"a": (1, 2.5)}, {"quantities": ["p", "m"]}, r"costs\['a'\]\[1\] \(m\) must be a whole"),
        ({"a": (0, 2)}, {"log": True}, "log scale needs every count"),
        ({"a": (1, 2)}, {"log": "yes"}, "log must be True, False"),
        ({"a": (1, 2), "b": (1, 2)}, {"colors": ["red"]}, "colors must give at least 2"),
    ],
)
def test_cost_comparison_rejects_bad_arguments(ax, costs, kwargs, message):
    with pytest.raises(ValueError, match=message):
        draw_cost_comparison(costs, ax=ax, **kwargs)


def test_cost_comparison_update_needs_the_same_designs(ax):
    artists = draw_cost_comparison({"a": (1, 2), "b": (3, 4)}, ax=ax)
    with pytest.raises(ValueError, match="same number of designs"):
        artists.update({"a": (1, 2)})


def drawn_tick_labels(ax):
    """The value axis's tick labels inside its limits, as drawn."""
    ax.figure.canvas.draw()
    low, high = ax.get_xlim()
    return [t.get_text() for t in ax.get_xticklabels() if low <= t.get_position()[0] <= high]


def test_linear_cost_ticks_stay_short():
    fig, ax = plt.subplots(figsize=(4, 2))
    draw_cost_comparison(
        {"direct": (105_226_698_752,), "reduced": (15_300_820_992,)},
        quantities=["multiply-accumulates"],
        log=False,
        ax=ax,
    )
    labels = drawn_tick_labels(ax)
    assert labels == ["0", "50 G", "100 G", "150 G"]


@pytest.mark.parametrize(
    ("costs", "labels"),
    [
        ({"a": (1_605_696,), "b": (233_600,)}, ["0", "800 k", "1.6 M", "2.4 M"]),
        ({"a": (41_000,), "b": (3_088,)}, ["0", "20 k", "40 k", "60 k"]),
        ({"a": (1,), "b": (1,)}, ["0", "1"]),  # counts: no tick between whole numbers
    ],
)
def test_linear_cost_ticks_are_whole_counts_with_prefixes(costs, labels):
    fig, ax = plt.subplots(figsize=(6, 2))
    draw_cost_comparison(costs, quantities=["parameters"], log=False, ax=ax)
    assert drawn_tick_labels(ax) == labels
