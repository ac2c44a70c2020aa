"""The shared argument checks: what each accepts, and the one message for what it refuses."""

import numpy as np
import pytest

from conv1x1_viz.validation import flag, number, one_of, shape3, size_pair, text, whole_number


@pytest.mark.parametrize("value", [3, np.int8(3), np.uint64(3)])
def test_whole_number_accepts_integers_and_returns_python_int(value):
    got = whole_number("n", value)
    assert got == 3 and type(got) is int


@pytest.mark.parametrize(
    ("value", "low", "high", "message"),
    [
        (2.0, 1, None, "n must be a whole number ≥ 1, got 2.0"),
        (True, 1, None, "n must be a whole number ≥ 1, got True"),
        (np.True_, 0, None, "n must be a whole number ≥ 0, got np.True_"),
        ("3", 1, None, "n must be a whole number ≥ 1, got '3'"),
        (0, 1, 8, "n must be a whole number 1 … 8, got 0"),
        (9, 1, 8, "n must be a whole number 1 … 8, got 9"),
        (9, None, 8, "n must be a whole number ≤ 8, got 9"),
        (1.5, None, None, "n must be a whole number, got 1.5"),
    ],
)
def test_whole_number_refuses_with_one_message(value, low, high, message):
    with pytest.raises(ValueError) as info:
        whole_number("n", value, low, high)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("value", "expected"),
    [(3, (3, 3)), ((1, 7), (1, 7)), ([2, 2], (2, 2)), (np.array([3, 5]), (3, 5))],
)
def test_size_pair_accepts_numbers_pairs_and_integer_arrays(value, expected):
    got = size_pair("kernel_size", value)
    assert got == expected and all(type(v) is int for v in got)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ((3, 0), r"kernel_size\[1\] must be a whole number ≥ 1, got 0"),
        (np.array([3.0, 3.0]), r"kernel_size\[0\] must be a whole number ≥ 1, got np.float64"),
        (np.ones((2, 2), int), r"kernel_size must be a whole number ≥ 1 or a pair of them"),
        ("33", r"kernel_size must be a whole number ≥ 1 or a pair of them \(height, width\)"),
        ((1, 2, 3), r"kernel_size must be a whole number ≥ 1 or a pair of them"),
    ],
)
def test_size_pair_refuses_what_is_not_a_size(value, message):
    with pytest.raises(ValueError, match=message):
        size_pair("kernel_size", value)


def test_shape3_reads_arrays_and_names_the_bad_axis():
    assert shape3("input_shape", np.array([28, 28, 192])) == (28, 28, 192)
    with pytest.raises(ValueError, match=r"input_shape\[2\] \(C_in\) must be a whole number"):
        shape3("input_shape", (8, 8, 0))
    with pytest.raises(ValueError, match=r"input_shape must be \(H, W, C_in\), three whole"):
        shape3("input_shape", np.zeros((3, 1), int))


def test_flag_one_of_number_and_text():
    assert flag("use_bias", np.False_) is False
    for bad in (1, "yes", None):
        with pytest.raises(ValueError, match=r"use_bias must be True or False"):
            flag("use_bias", bad)
    assert one_of("padding", "Valid", ("same", "valid")) == "valid"
    with pytest.raises(ValueError, match=r"padding must be one of \('same', 'valid'\), got 1"):
        one_of("padding", 1, ("same", "valid"))
    assert number("x", np.float32(0.25), 0, 1) == 0.25
    for bad in (float("inf"), True, 2, "0.5"):
        with pytest.raises(ValueError, match=r"x must be a finite number 0 … 1"):
            number("x", bad, 0, 1)
    assert text("name", "a") == "a"
    with pytest.raises(ValueError, match="name must be a non-empty string, got ''"):
        text("name", "")
