import itertools
import math
import re

import numpy as np
import pytest

from conv1x1_viz import (
    alexnet_architecture,
    bottleneck_costs,
    conv_macs,
    conv_params,
    squeezenet_architecture,
)
from conv1x1_viz.audit import AuditRow, ModelAudit
from conv1x1_viz.prose import Folded
from conv1x1_viz.solutions import (
    SUMMARY,
    break_even_reduction,
    solution_00,
    solution_01,
    solution_02,
    solution_03,
    solution_04,
    solution_05,
    solution_06,
    solution_07,
    solution_08,
)


def _maps(rng, rank=None):
    pixels = rng.normal(size=(32 * 32, rank or 48))
    if rank:
        pixels = pixels @ rng.normal(size=(rank, 48))
    return pixels.reshape(32, 32, 48)


def _separable_audit():
    # A depthwise 3×3 layer on 14×14×8 maps, then a 1×1 layer to 16 maps.
    dw_macs, pw_macs = 14 * 14 * 9 * 8, 14 * 14 * 8 * 16
    return ModelAudit(
        "tiny",
        ((14, 14, 8),),
        (
            AuditRow(
                "tiny/dw", "depthwise", "DepthwiseConv2D", (3, 3), 8, (14, 14, 8), 72, dw_macs
            ),
            AuditRow(
                "tiny/pw", "1×1 conv", "Conv2D", (1, 1), 1, (14, 14, 16), 128, pw_macs, 128, pw_macs
            ),
        ),
    )


@pytest.fixture
def solutions(rng):
    kernel, bias = rng.normal(size=(1, 1, 48, 6)), rng.normal(size=6)
    return {
        "00": solution_00(),
        "01": solution_01(),
        "02": solution_02(),
        "03": solution_03(),
        "04": solution_04(_maps(rng), kernel, bias),
        "05": solution_05(),
        "06": solution_06(),
        "07": solution_07(),
        "08": solution_08(_separable_audit()),
    }


def test_every_solution_is_folded_and_hides_its_body(solutions):
    for name, solution in solutions.items():
        assert isinstance(solution, Folded), name
        assert solution.summary == SUMMARY
        plain = repr(solution)
        assert solution.text[:40] not in plain
        assert not any(ch.isdigit() for ch in plain), (name, plain)


@pytest.mark.parametrize(
    ("shape", "filters", "k"),
    [((256, 256, 512), 64, 7), ((28, 28, 192), 32, 5), ((8, 8, 64), 16, 3)],
)
def test_break_even_width_separates_saving_from_losing(shape, filters, k):
    r = break_even_reduction(shape, filters, k)
    direct = conv_params(k, shape[2], filters)

    def reduced(width):
        return conv_params(1, shape[2], width) + conv_params(k, width, filters)

    assert reduced(math.floor(r)) <= direct < reduced(math.ceil(r))
    assert r < shape[2]


def test_solution_02_states_the_break_even_width():
    r = break_even_reduction()
    assert f"**r ≈ {r:.2f}**" in solution_02().text
    assert round(r) == 440  # the figure, from the formula


def test_solution_02_names_the_slider_stops_on_each_side():
    # The question asks between which stops of BottleneckExplorer's slider the width lies.
    from conv1x1_viz.explorers import BottleneckExplorer

    r = break_even_reduction()
    explorer = BottleneckExplorer(in_channels=512, reduction=64, kernel_size=7, filters=64)
    stops = explorer.controls["reduction"].values()
    lo, hi = max(s for s in stops if s < r), min(s for s in stops if s > r)
    assert f"between the stops {lo} and {hi}:" in solution_02().text
    costs = [bottleneck_costs((256, 256, 512), 64, 7, s) for s in (lo, hi)]
    assert costs[0].params_ratio > 1 > costs[1].params_ratio


def test_solution_00_twins_have_equal_counts():
    text = solution_00(depth=10, filters=7).text
    assert f"= {conv_params(3, 10, 7):,}" in text
    assert conv_params(3, 10, 7) == conv_params(1, 90, 7)


def test_solution_00_sets_the_explorer_only_to_depths_its_slider_offers():
    # It once told the learner to set the input depth to 576, which the slider has no stop for.
    from conv1x1_viz.explorers import ParamExplorer

    stops = ParamExplorer().controls["in_channels"].values()
    for depth, filters in [(64, 64), (8, 7), (32, 16)]:  # depths the slider offers
        text = solution_00(depth=depth, filters=filters).text
        said = text[text.index("explorer") :]
        asked = [int(d) for d in re.findall(r"input depth (\d+)", said)]
        assert asked and all(d in stops for d in asked), (depth, asked)


def test_solution_01_gray_sees_nothing_colour_sees_the_edge():
    text = solution_01().text
    assert "gray filter: largest answer 0.000" in text
    assert "colour filter: largest answer 0.000" not in text


def test_solution_03_negative_checks_out():
    assert "equal to 1 − x at every pixel: True" in solution_03().text


def test_solution_04_rebuild_is_exact_only_for_low_rank_maps(rng):
    kernel, bias = rng.normal(size=(1, 1, 48, 6)), rng.normal(size=6)
    assert "leaves 0.0% of their variance" in solution_04(_maps(rng, rank=6), kernel, bias).text
    assert "leaves 0.0% of their variance" not in solution_04(_maps(rng), kernel, bias).text


def test_solution_05_spends_the_whole_budget():
    text = solution_05().text
    for arch in (squeezenet_architecture(), alexnet_architecture()):
        assert f"{arch.total_macs:,} MACs in all" in text
    assert "maps of 55×55" in text and "fully connected" in text


@pytest.mark.parametrize("width", [2, 4, 8])
def test_solution_06_share_of_pixels_a_relu_silences_by_enumeration(width):
    patterns = list(itertools.product((0, 1), repeat=width))  # 1: the value is kept
    silenced = sum(sum(kept) == 0 for kept in patterns) / len(patterns)
    mean_kept = sum(sum(kept) for kept in patterns) / len(patterns)
    assert (
        f"- {width} maps: on average {mean_kept:g} of the {width} values kept; "
        f"{100 * silenced:.3g} % of the pixels pass nothing on" in solution_06().text
    )


def test_solution_06_asks_for_the_narrow_bottleneck_the_question_sets():
    text = solution_06().text
    assert "width = 2" in text
    assert "lowest seed" in text


def test_solution_04_uses_the_rank_of_the_weights(rng):
    kernel = np.zeros((1, 1, 48, 6))
    kernel[0, 0, :3, :3] = np.eye(3)  # rank 3
    assert "W has rank 3" in solution_04(_maps(rng), kernel, np.zeros(6)).text


def test_solution_07_poke_stays_put_mirror_moves():
    text = solution_07(size=10, row=2, col=1).text
    assert "changes output pixel(s) [[2, 1]]" in text
    assert "changes pixel(s) [[2, 8]]" in text


def test_solution_07_says_no_convolution_mirrors():
    # It once said a k×k layer with a window twice as wide as the image could mirror one.
    text = solution_07(size=10, row=2, col=1).text
    assert "twice as wide" not in text
    assert "translation-equivariant" in text
    assert "poke input pixel (2, 2), one step right of the first" in text
    assert "the mirror image changes pixel(s) [[2, 7]], one step left" in text


def test_solution_08_counts_standard_layers_in_place_of_depthwise_ones():
    audit = _separable_audit()
    text = solution_08(audit).text
    standard = conv_macs((14, 14, 8), 8, 3)  # the same 8 maps, each reading all 8 channels
    total = standard + audit.macs_1x1
    assert f"that is {standard:,} MACs instead of {audit.rows[0].macs:,}" in text
    assert f"would then need {total:,} MACs" in text
    assert (
        f"would hold {audit.macs_1x1 / total:.1%} of them instead of {audit.share_1x1_macs:.1%}"
        in text
    )
