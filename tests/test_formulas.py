"""Counts written out as formulas: the arithmetic in each string must hold."""

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conv1x1_viz import conv_macs, conv_output_shape, conv_params
from conv1x1_viz.formulas import (
    bottleneck_costs,
    dot_formula,
    format_count,
    layer_cost,
    macs_formula,
    params_formula,
)


def evaluate(formula: str) -> tuple[int, int]:
    """Work out the left side of ``a·b + c = total`` independently; return (left, total)."""
    left, total = formula.split(" = ")
    expression = left.replace("·", "*").replace(",", "")
    assert re.fullmatch(r"[0-9*+() ]+", expression), formula
    return eval(expression), int(total.replace(",", ""))  # only digits and * + ( ) reach eval


def test_the_tutorial_formulas():
    assert params_formula(1, 512, 64) == "(1·1·512 + 1)·64 = 32,832"
    assert params_formula(1, 512, 64, use_bias=False) == "1·1·512·64 = 32,768"
    assert params_formula(3, 3, 512) == "(3·3·3 + 1)·512 = 14,336"


def test_the_inception_example_macs():
    # 28×28×192 input, 32 filters of 5×5: about 120.4 million multiply-accumulates.
    assert macs_formula((28, 28, 192), 32, 5) == "28·28·5·5·192·32 = 120,422,400"


@settings(max_examples=80, deadline=None)
@given(
    k=st.integers(1, 7) | st.tuples(st.integers(1, 7), st.integers(1, 7)),
    c_in=st.integers(1, 4096),
    filters=st.integers(1, 4096),
    use_bias=st.booleans(),
)
def test_params_formula_adds_up_to_conv_params(k, c_in, filters, use_bias):
    left, total = evaluate(params_formula(k, c_in, filters, use_bias))
    assert left == total == conv_params(k, c_in, filters, use_bias)


@settings(max_examples=80, deadline=None)
@given(
    h=st.integers(7, 300),
    w=st.integers(7, 300),
    c_in=st.integers(1, 2048),
    filters=st.integers(1, 2048),
    k=st.integers(1, 7),
    stride=st.integers(1, 3),
    padding=st.sampled_from(["same", "valid"]),
)
def test_macs_formula_adds_up_to_conv_macs(h, w, c_in, filters, k, stride, padding):
    formula = macs_formula((h, w, c_in), filters, k, stride, padding)
    left, total = evaluate(formula)
    assert left == total == conv_macs((h, w, c_in), filters, k, stride, padding)
    h_out, w_out, _ = conv_output_shape((h, w, c_in), filters, k, stride, padding)
    assert formula.startswith(f"{format_count(h_out)}·{format_count(w_out)}·{k}·{k}·")


def test_thousands_separators_everywhere():
    assert params_formula(1, 2048, 2048) == "(1·1·2,048 + 1)·2,048 = 4,196,352"
    assert format_count(0) == "0" and format_count(1234567) == "1,234,567"


def test_formulas_reject_what_the_counts_reject():
    with pytest.raises(ValueError, match="in_channels"):
        params_formula(1, 0, 4)
    with pytest.raises(ValueError, match="filters"):
        macs_formula((8, 8, 3), -1, 1)


def test_format_count_refuses_what_is_not_a_whole_number():
    assert format_count(np.int64(-1200)) == "-1,200"
    for bad in (2.7, 2.0, True, "3"):
        with pytest.raises(ValueError, match="n must be a whole number, got"):
            format_count(bad)


@pytest.mark.parametrize("length", [1, 2, 3, 5, 8])
@pytest.mark.parametrize("max_terms", [1, 2, 3, 4])
def test_dot_formula_shows_at_most_max_terms_and_hides_something_behind_the_ellipsis(
    length, max_terms
):
    text = dot_formula(np.arange(1.0, length + 1), np.ones(length), max_terms=max_terms)
    shown = text.split(" = ")[0].split(" + ")
    terms = [t for t in shown if t != "…"]
    assert len(terms) == min(length, max_terms)
    assert ("…" in shown) == (length > max_terms)


def test_grouped_formulas_show_the_channels_per_group():
    assert params_formula(3, 192, 192, groups=192) == "(3·3·(192/192) + 1)·192 = 1,920"
    assert params_formula(3, 8, 4, groups=2, use_bias=False) == "3·3·(8/2)·4 = 144"
    assert macs_formula((14, 14, 8), 4, 3, groups=2) == "14·14·3·3·(8/2)·4 = 28,224"


def test_dot_formula_writes_out_the_weighted_sum():
    assert dot_formula([0.5, -1.0], [2.0, 1.0]) == "0.50·2.00 + (−1.00)·1.00 = 0.00"
    w = np.array([0.25, -0.5, 1.0, 2.0, -1.5, 0.75])
    x = np.array([1.0, 2.0, 0.5, 0.25, 1.0, 4.0])
    text = dot_formula(w, x, max_terms=3)
    assert text.count("·") == 3  # two terms, "…", then the last term
    assert "…" in text and text.startswith("0.25·1.00 + (−0.50)·2.00 + … + 0.75·4.00")
    assert text.endswith(f"= {float(w @ x):.2f}")
    assert dot_formula([-1.0], [0.001]).endswith("= 0.00")  # no "−0.00"
    with pytest.raises(ValueError, match="same length"):
        dot_formula([1.0, 2.0], [1.0])


def test_layer_cost_bundles_counts_and_formulas():
    cost = layer_cost((28, 28, 192), 16, 1)
    assert cost.params == conv_params(1, 192, 16)
    assert cost.macs == conv_macs((28, 28, 192), 16, 1)
    assert cost.output_shape == (28, 28, 16)
    assert cost.params_formula.endswith(format_count(cost.params))
    assert cost.macs_formula.endswith(format_count(cost.macs))


def test_bottleneck_costs_of_the_inception_example():
    costs = bottleneck_costs((28, 28, 192), 32, 5, reduction=16)
    assert costs.direct.macs == conv_macs((28, 28, 192), 32, 5) == 120_422_400
    assert costs.reduce.macs == conv_macs((28, 28, 192), 16, 1)
    assert costs.conv.macs == conv_macs((28, 28, 16), 32, 5)
    assert costs.reduced_macs == 12_443_648  # "about a tenth" in the article
    assert costs.reduced_params == conv_params(1, 192, 16) + conv_params(5, 16, 32)
    assert costs.macs_ratio == pytest.approx(120_422_400 / 12_443_648)
    assert costs.params_ratio > 9


def test_bottleneck_costs_without_bias_and_bad_reduction():
    costs = bottleneck_costs((7, 7, 64), 64, 3, reduction=8, use_bias=False)
    assert costs.direct.params == 3 * 3 * 64 * 64
    with pytest.raises(ValueError, match="reduction"):
        bottleneck_costs((7, 7, 64), 64, 3, reduction=0)
