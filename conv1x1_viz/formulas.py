"""Counts written out as formulas, with the numbers plugged in, and design costs.

The counts themselves come from :mod:`conv1x1_viz.arithmetic`
(:func:`~conv1x1_viz.arithmetic.conv_params` and
:func:`~conv1x1_viz.arithmetic.conv_macs`); this module only writes out how they
arise, e.g. ``(1·1·512 + 1)·64 = 32,832``, and adds up the costs of small designs
such as a 1×1 reduction followed by a larger convolution.

Numbers are written with thousands separators (``2,048``) and products with a
middle dot (``·``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from conv1x1_viz.arithmetic import conv_macs, conv_output_shape, conv_params
from conv1x1_viz.validation import shape3, size_pair, whole_number

__all__ = [
    "BottleneckCosts",
    "LayerCost",
    "bottleneck_costs",
    "dot_formula",
    "format_count",
    "layer_cost",
    "macs_formula",
    "params_formula",
]


def format_count(n: int) -> str:
    """Write a whole number with thousands separators.

    Counts are whole numbers; anything else (``2.7``, ``True``) is refused rather
    than rounded or cut silently.

    Examples
    --------
    >>> format_count(120422400)
    '120,422,400'
    """
    return f"{whole_number('n', n, None):,}"


def _product(factors: Sequence[int | str]) -> str:
    return "·".join(f if isinstance(f, str) else format_count(f) for f in factors)


def _depth(in_channels: int, groups: int) -> int | str:
    """Channels one filter spans: ``C_in``, or ``(C_in/groups)`` written out."""
    return in_channels if groups == 1 else f"({in_channels}/{groups})"


def params_formula(
    kernel_size: int | Sequence[int],
    in_channels: int,
    filters: int,
    use_bias: bool = True,
    *,
    groups: int = 1,
) -> str:
    """Write out the parameter count of a convolution layer, numbers plugged in.

    Parameters
    ----------
    kernel_size, in_channels, filters, use_bias, groups
        As in :func:`~conv1x1_viz.arithmetic.conv_params`.

    Returns
    -------
    str
        ``(k_h·k_w·C_in + 1)·filters = total`` with a bias,
        ``k_h·k_w·C_in·filters = total`` without, ``C_in`` written ``(C_in/groups)``
        in a grouped convolution; the total is :func:`~conv1x1_viz.arithmetic.conv_params`.

    Examples
    --------
    >>> params_formula(1, 512, 64)
    '(1·1·512 + 1)·64 = 32,832'
    >>> params_formula(1, 512, 64, use_bias=False)
    '1·1·512·64 = 32,768'
    >>> params_formula(3, 32, 32, use_bias=False, groups=32)
    '3·3·(32/32)·32 = 288'
    """
    total = conv_params(kernel_size, in_channels, filters, use_bias, groups=groups)
    kh, kw = size_pair("kernel_size", kernel_size)
    weights = _product([kh, kw, _depth(in_channels, groups)])
    if use_bias:
        return f"({weights} + 1)·{format_count(filters)} = {format_count(total)}"
    return f"{weights}·{format_count(filters)} = {format_count(total)}"


def macs_formula(
    input_shape: Sequence[int],
    filters: int,
    kernel_size: int | Sequence[int],
    strides: int | Sequence[int] = 1,
    padding: str = "same",
    *,
    groups: int = 1,
) -> str:
    """Write out the multiply-accumulates of a convolution layer, numbers plugged in.

    Parameters
    ----------
    input_shape, filters, kernel_size, strides, padding, groups
        As in :func:`~conv1x1_viz.arithmetic.conv_macs`.

    Returns
    -------
    str
        ``H_out·W_out·k_h·k_w·C_in·filters = total`` (bias additions not counted), with
        ``C_in`` written as in :func:`params_formula`; the total is
        :func:`~conv1x1_viz.arithmetic.conv_macs`.

    Examples
    --------
    >>> macs_formula((28, 28, 192), 32, 5)
    '28·28·5·5·192·32 = 120,422,400'
    >>> macs_formula((112, 112, 32), 32, 3, groups=32)
    '112·112·3·3·(32/32)·32 = 3,612,672'
    """
    total = conv_macs(input_shape, filters, kernel_size, strides, padding, groups=groups)
    h_out, w_out, _ = conv_output_shape(input_shape, filters, kernel_size, strides, padding)
    kh, kw = size_pair("kernel_size", kernel_size)
    c_in = shape3("input_shape", input_shape)[2]
    factors = [h_out, w_out, kh, kw, _depth(c_in, groups), filters]
    return f"{_product(factors)} = {format_count(total)}"


def _signed(value: float, digits: int) -> str:
    text = f"{abs(value):.{digits}f}"
    return f"(−{text})" if value < 0 and float(text) != 0 else text


def dot_formula(
    weights: Sequence[float] | np.ndarray,
    values: Sequence[float] | np.ndarray,
    *,
    max_terms: int = 4,
    digits: int = 2,
) -> str:
    """One output of a 1×1 layer written as the weighted sum it is.

    Parameters
    ----------
    weights : array, shape (C_in,)
        One row of the weight matrix (the weights of one filter).
    values : array, shape (C_in,)
        One pixel's channel values.
    max_terms : int, default 4
        Longer sums show their first ``max_terms - 1`` terms, ``…`` and the last one:
        ``max_terms`` terms in all.
    digits : int, default 2
        Decimals shown.

    Returns
    -------
    str
        ``w₀·x₀ + w₁·x₁ + … = total`` with the numbers, e.g. ``0.50·2.00 + (−1.00)·1.00 = 0.00``.

    Examples
    --------
    >>> dot_formula([0.5, -1.0], [2.0, 1.0])
    '0.50·2.00 + (−1.00)·1.00 = 0.00'
    """
    w = np.asarray(weights, dtype=float).reshape(-1)
    x = np.asarray(values, dtype=float).reshape(-1)
    if w.shape != x.shape or w.size == 0:
        raise ValueError(
            f"weights and values must be two vectors of the same length ≥ 1, "
            f"got shapes {w.shape} and {x.shape}"
        )
    max_terms = whole_number("max_terms", max_terms)
    terms = [f"{_signed(a, digits)}·{_signed(b, digits)}" for a, b in zip(w, x, strict=True)]
    if len(terms) > max_terms:
        terms = [*terms[: max_terms - 1], "…", terms[-1]]
    total = float(w @ x)
    total_text = f"{total:.{digits}f}".replace("-", "−")
    if float(f"{total:.{digits}f}") == 0:
        total_text = f"{0:.{digits}f}"
    return f"{' + '.join(terms)} = {total_text}"


class LayerCost(NamedTuple):
    """Parameters and multiply-accumulates of one convolution layer.

    Attributes
    ----------
    params, macs : int
        From :func:`~conv1x1_viz.arithmetic.conv_params` and
        :func:`~conv1x1_viz.arithmetic.conv_macs`.
    params_formula, macs_formula : str
        The same counts written out (:func:`params_formula`, :func:`macs_formula`).
    output_shape : tuple of int
        ``(H_out, W_out, filters)``.
    """

    params: int
    macs: int
    params_formula: str
    macs_formula: str
    output_shape: tuple[int, int, int]


def layer_cost(
    input_shape: Sequence[int],
    filters: int,
    kernel_size: int | Sequence[int],
    *,
    use_bias: bool = True,
    strides: int | Sequence[int] = 1,
    padding: str = "same",
) -> LayerCost:
    """Cost of one convolution layer on one image, with its formulas.

    Parameters
    ----------
    input_shape, filters, kernel_size
        As in :func:`~conv1x1_viz.arithmetic.conv_macs`.
    use_bias : bool, default True
        Whether each filter has a bias (counts as a parameter, not as a MAC).
    strides, padding
        As in :func:`~conv1x1_viz.arithmetic.conv_macs`.

    Returns
    -------
    LayerCost

    Examples
    --------
    >>> layer_cost((28, 28, 192), 16, 1).params
    3088
    """
    shape = shape3("input_shape", input_shape)
    return LayerCost(
        params=conv_params(kernel_size, shape[2], filters, use_bias),
        macs=conv_macs(shape, filters, kernel_size, strides, padding),
        params_formula=params_formula(kernel_size, shape[2], filters, use_bias),
        macs_formula=macs_formula(shape, filters, kernel_size, strides, padding),
        output_shape=conv_output_shape(shape, filters, kernel_size, strides, padding),
    )


class BottleneckCosts(NamedTuple):
    """A direct ``k×k`` layer against a 1×1 reduction followed by the same ``k×k`` layer.

    Attributes
    ----------
    direct : LayerCost
        The ``k×k`` layer applied to the full input.
    reduce : LayerCost
        The 1×1 layer that reduces the depth to the reduction width.
    conv : LayerCost
        The ``k×k`` layer applied to the reduced input.
    """

    direct: LayerCost
    reduce: LayerCost
    conv: LayerCost

    @property
    def reduced_params(self) -> int:
        """Parameters of the two-layer design."""
        return self.reduce.params + self.conv.params

    @property
    def reduced_macs(self) -> int:
        """Multiply-accumulates of the two-layer design."""
        return self.reduce.macs + self.conv.macs

    @property
    def params_ratio(self) -> float:
        """Direct parameters divided by the two-layer design's (> 1 means it saves)."""
        return self.direct.params / self.reduced_params

    @property
    def macs_ratio(self) -> float:
        """Direct MACs divided by the two-layer design's (> 1 means it saves)."""
        return self.direct.macs / self.reduced_macs


def bottleneck_costs(
    input_shape: Sequence[int],
    filters: int,
    kernel_size: int | Sequence[int],
    reduction: int,
    *,
    use_bias: bool = True,
) -> BottleneckCosts:
    """Compare a direct ``k×k`` layer with a 1×1 reduction followed by it.

    Both designs use stride 1 and ``"same"`` padding, so both produce
    ``(H, W, filters)``.

    Parameters
    ----------
    input_shape : tuple of int
        ``(H, W, C_in)``.
    filters : int
        Filters of the ``k×k`` layer (the output depth of both designs).
    kernel_size : int or (int, int)
        Filter size of the ``k×k`` layer.
    reduction : int
        Filters of the 1×1 layer: the depth the ``k×k`` layer then works on.
    use_bias : bool, default True
        Whether the layers have biases.

    Returns
    -------
    BottleneckCosts

    Examples
    --------
    >>> costs = bottleneck_costs((28, 28, 192), 32, 5, 16)
    >>> costs.direct.macs, costs.reduced_macs
    (120422400, 12443648)
    """
    h, w, c_in = shape3("input_shape", input_shape)
    reduction = whole_number("reduction", reduction)
    reduce = layer_cost((h, w, c_in), reduction, 1, use_bias=use_bias)
    return BottleneckCosts(
        direct=layer_cost((h, w, c_in), filters, kernel_size, use_bias=use_bias),
        reduce=reduce,
        conv=layer_cost(reduce.output_shape, filters, kernel_size, use_bias=use_bias),
    )
