"""The counts each kind of explorer must show: the oracles of the browser test.

Each oracle takes the values the page shows (slider values, check boxes, and the sizes the
explorer states as ``c1x1-fixed-<key>-<size>`` classes) and returns the numbers the readout
must show, computed with ``conv1x1_viz.conv_params`` and ``conv_macs`` (Keras' counts). A
list of alternatives is returned; the readout must show every number of one of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from conv1x1_viz import conv_macs, conv_params

Values = dict[str, int | bool]
Oracle = Callable[[Values], list[list[str]]]


def _count(n: int) -> str:
    return f"{n:,}"


def expected_param_readout(values: Values) -> list[list[str]]:
    """ParamExplorer: the layer's parameters (sliders, bias check box) and, when the page
    gives the input's height and width, its multiply-accumulates."""
    k = int(values.get("kernel_size", 1))
    c_in, n = int(values["in_channels"]), int(values["filters"])
    numbers = [_count(conv_params(k, c_in, n, use_bias=bool(values.get("use_bias", True))))]
    if "height" in values and "width" in values:
        shape = (int(values["height"]), int(values["width"]), c_in)
        numbers.append(_count(conv_macs(shape, n, k)))
    return [numbers]


def expected_bottleneck_readout(values: Values) -> list[list[str]]:
    """BottleneckExplorer: the direct layer's parameters and the reduced design's total, and
    the same for multiply-accumulates when the page gives the input's height and width.

    Whether the layers have biases is a constructor argument, not a control: the page states
    it as the fixed size ``use_bias`` (1 or 0), and only the counts for that setting pass.
    """
    k, c_in = int(values["kernel_size"]), int(values["in_channels"])
    r, n = int(values["reduction"]), int(values["filters"])
    bias = bool(values["use_bias"])
    macs = []
    if "height" in values and "width" in values:
        h, w = int(values["height"]), int(values["width"])
        macs = [
            _count(conv_macs((h, w, c_in), n, k)),
            _count(conv_macs((h, w, c_in), r, 1) + conv_macs((h, w, r), n, k)),
        ]
    return [
        [
            _count(conv_params(k, c_in, n, use_bias=bias)),
            _count(conv_params(1, c_in, r, use_bias=bias) + conv_params(k, r, n, use_bias=bias)),
            *macs,
        ]
    ]


def _fixed_maps(values: Values) -> tuple[int, int, int]:
    """(height, width, depth) of the maps an explorer was made with, as the page gives them."""
    try:
        return int(values["height"]), int(values["width"]), int(values["in_channels"])
    except KeyError as missing:
        raise AssertionError(
            f"the explorer does not give its fixed size {missing} as a c1x1-fixed-* class"
        ) from None


def expected_mixing_readout(values: Values) -> list[list[str]]:
    """MixingExplorer: the weights of W (a 1×1 layer without bias) and its MACs per image."""
    shape, n = _fixed_maps(values), int(values["filters"])
    return [[_count(conv_params(1, shape[2], n, use_bias=False)), _count(conv_macs(shape, n, 1))]]


def expected_reduction_readout(values: Values) -> list[list[str]]:
    """ReductionExplorer: the 1×1 layer's parameters (with biases unless the page states the
    fixed size ``use_bias`` 0) and its MACs per image."""
    shape, n = _fixed_maps(values), int(values["filters"])
    bias = bool(int(values.get("use_bias", 1)))
    return [[_count(conv_params(1, shape[2], n, use_bias=bias)), _count(conv_macs(shape, n, 1))]]


def expected_reconstruction_readout(values: Values) -> list[list[str]]:
    """ReconstructionExplorer: the parameters of the 1×1 layer down to k maps."""
    shape, k = _fixed_maps(values), int(values["filters"])
    return [[_count(conv_params(1, shape[2], k))]]


def contains_number(text: str, number: str) -> bool:
    """Whether *number* (e.g. ``32,832``) appears in *text* as a whole number."""
    text = text.replace("\u00a0", " ").replace("\u202f", " ")
    return re.search(rf"(?<![\d,.]){re.escape(number)}(?![\d]|[,.]\d)", text) is not None


def shows_expected(text: str, alternatives: list[list[str]]) -> bool:
    """Whether *text* shows every number of at least one of the *alternatives*."""
    return any(all(contains_number(text, n) for n in alt) for alt in alternatives)


def expected_separable_readout(values: Values) -> list[list[str]]:
    """SeparableExplorer: parameters and multiply-accumulates of the standard layer, of the
    grouped one, of the depthwise layer and of the pointwise 1×1 layer."""
    k, c_in = int(values["kernel_size"]), int(values["in_channels"])
    n, g, s = int(values["filters"]), int(values["groups"]), int(values["size"])
    bias = bool(values.get("use_bias", False))
    shape = (s, s, c_in)
    # With a depth one off (the negative check), g may no longer divide it: no grouped layer.
    grouped = (
        [_count(conv_params(k, c_in, n, bias, groups=g)), _count(conv_macs(shape, n, k, groups=g))]
        if c_in % g == 0 and n % g == 0
        else []
    )
    return [
        [
            _count(conv_params(k, c_in, n, bias)),
            _count(conv_macs(shape, n, k)),
            *grouped,
            _count(conv_params(k, c_in, c_in, bias, groups=c_in)),
            _count(conv_macs(shape, c_in, k, groups=c_in)),
            _count(conv_params(1, c_in, n, bias)),
            _count(conv_macs(shape, n, 1)),
        ]
    ]


# Numbers each kind of explorer must show, computed from the slider values and fixed sizes
# in the page with conv1x1_viz.conv_params and conv_macs (Keras' counts). An explorer of a
# kind not listed here fails the test (see oracle_for): add its counts here.
EXPECTED_READOUT = {
    "param-explorer": expected_param_readout,
    "bottleneck-explorer": expected_bottleneck_readout,
    "mixing-explorer": expected_mixing_readout,
    "reduction-explorer": expected_reduction_readout,
    "reconstruction-explorer": expected_reconstruction_readout,
    "separable-explorer": expected_separable_readout,
}


def oracle_for(kind: str | None) -> Oracle:
    """The oracle of explorer kind *kind*; an :class:`AssertionError` when there is none.

    An explorer the tests cannot check must not pass: its readout could show anything.
    """
    try:
        return EXPECTED_READOUT[kind]
    except KeyError:
        raise AssertionError(
            f"explorer kind {kind!r} has no oracle: add the counts it must show to "
            f"EXPECTED_READOUT in tests/browser/readout_oracles.py (known kinds: "
            f"{', '.join(sorted(EXPECTED_READOUT))})"
        ) from None
