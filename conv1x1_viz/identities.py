"""Identities of the 1×1 convolution, in plain NumPy, for the notebooks to check.

- :func:`conv_as_shifted_1x1`: a k×k convolution is the sum of k·k 1×1 convolutions,
  one per tap of the kernel, each applied to the input shifted by that tap
  (:func:`shifted_copies`). The 1×1 layer is the atom every convolution is made of.
- :func:`unfold`: the same k·k shifted copies stacked along the channel axis ("im2col"),
  which turns a k×k convolution into one 1×1 convolution, that is one matrix product.
- :func:`average_pool` and :func:`upsample`: resizings that act on each map alone with
  weights that add up to one, so a linear 1×1 layer (bias included) gives the same
  result before or after them.
- :func:`channel_factorisation`: "a 1×1 reduction to r maps, then a k×k layer" as the
  best rank-r factorisation of a k×k kernel along its input channels, from the
  singular values of its channel matrix.

Everything here is stride 1 and channels last, ``(..., H, W, C)``, as in Keras.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from conv1x1_viz.arithmetic import PADDINGS, conv1x1
from conv1x1_viz.validation import one_of, whole_number

__all__ = [
    "ChannelFactorisation",
    "average_pool",
    "channel_factorisation",
    "channel_factorisations",
    "channel_matrix",
    "conv_as_shifted_1x1",
    "shifted_copies",
    "unfold",
    "upsample",
]


def _maps(name: str, x: object) -> np.ndarray:
    arr = np.asarray(x)
    if arr.ndim < 3 or not np.issubdtype(arr.dtype, np.number):
        raise ValueError(
            f"{name} must be an array of numbers shaped (..., H, W, C), got {arr.shape}"
        )
    return arr.astype(np.float64) if arr.dtype.kind in "biu" else arr


def _kernel(kernel: object) -> np.ndarray:
    k = np.asarray(kernel)
    if k.ndim != 4 or k.shape[0] != k.shape[1] or not np.issubdtype(k.dtype, np.number):
        raise ValueError(f"kernel must be square, shaped (k, k, C_in, C_out), got {k.shape}")
    return k


def shifted_copies(x: np.ndarray, kernel_size: int, padding: str = "same") -> np.ndarray:
    """Return the input as each tap of a k×k kernel sees it, one copy per tap.

    Copy ``(i, j)`` holds, at every output position, the input pixel that tap
    ``(i, j)`` of the kernel lies on: the input shifted by ``i`` rows and ``j``
    columns. ``"same"`` padding adds zeros as TensorFlow does (the odd one at the
    bottom and right); ``"valid"`` adds none.

    Parameters
    ----------
    x : array, shape (..., H, W, C)
        Feature maps, channels last.
    kernel_size : int
        k, from 1 to the smaller of H and W for ``"valid"``.
    padding : {"same", "valid"}, default "same"

    Returns
    -------
    numpy.ndarray, shape (k, k, ..., H_out, W_out, C)

    Examples
    --------
    >>> x = np.arange(9.0).reshape(3, 3, 1)
    >>> shifted_copies(x, 3)[1, 2, ..., 0]  # tap (1, 2): the right-hand neighbour
    array([[1., 2., 0.],
           [4., 5., 0.],
           [7., 8., 0.]])
    """
    x = _maps("x", x)
    h, w = x.shape[-3:-1]
    k = whole_number("kernel_size", kernel_size, 1)
    if one_of("padding", padding, PADDINGS) == "same":
        before, after = (k - 1) // 2, k - 1 - (k - 1) // 2
        pad = [(0, 0)] * (x.ndim - 3) + [(before, after), (before, after), (0, 0)]
        x = np.pad(x, pad)
    elif k > min(h, w):
        raise ValueError(f"kernel_size must be at most {min(h, w)} with 'valid' padding, got {k}")
    h_out, w_out = x.shape[-3] - k + 1, x.shape[-2] - k + 1
    return np.stack(
        [np.stack([x[..., i : i + h_out, j : j + w_out, :] for j in range(k)]) for i in range(k)]
    )


def conv_as_shifted_1x1(
    x: np.ndarray,
    kernel: np.ndarray,
    bias: np.ndarray | None = None,
    padding: str = "same",
) -> np.ndarray:
    """Compute a k×k convolution as a sum of k·k shifted 1×1 convolutions.

    Tap ``(i, j)`` of the kernel is a ``(C_in, C_out)`` matrix, that is a 1×1 layer;
    applied to the input shifted by that tap (:func:`shifted_copies`) it gives that
    tap's share of every output. Adding the k·k shares (and the bias once) is the
    convolution.

    Parameters
    ----------
    x : array, shape (..., H, W, C_in)
    kernel : array, shape (k, k, C_in, C_out)
        Keras' kernel layout.
    bias : array, shape (C_out,), optional
    padding : {"same", "valid"}, default "same"

    Returns
    -------
    numpy.ndarray, shape (..., H_out, W_out, C_out)

    Examples
    --------
    >>> x = np.ones((4, 4, 2))
    >>> conv_as_shifted_1x1(x, np.ones((3, 3, 2, 1)), padding="valid")[..., 0]
    array([[18., 18.],
           [18., 18.]])
    """
    kernel = _kernel(kernel)
    copies = shifted_copies(x, kernel.shape[0], padding)
    k = kernel.shape[0]
    out = sum(conv1x1(copies[i, j], kernel[i, j]) for i in range(k) for j in range(k))
    return out if bias is None else out + np.asarray(bias)


def unfold(x: np.ndarray, kernel_size: int, padding: str = "same") -> np.ndarray:
    """Stack the k·k shifted copies of the input along its channel axis ("im2col").

    The channels come tap by tap, in the order of ``kernel.reshape(k·k·C_in, C_out)``,
    so ``conv1x1(unfold(x, k), kernel.reshape(-1, C_out))`` is the k×k convolution:
    one matrix product, which is how many libraries compute convolutions.

    Parameters
    ----------
    x : array, shape (..., H, W, C)
    kernel_size : int
    padding : {"same", "valid"}, default "same"

    Returns
    -------
    numpy.ndarray, shape (..., H_out, W_out, k·k·C)

    Examples
    --------
    >>> unfold(np.ones((5, 5, 3)), 3).shape
    (5, 5, 27)
    """
    copies = shifted_copies(x, kernel_size, padding)
    k = copies.shape[0]
    return np.concatenate([copies[i, j] for i in range(k) for j in range(k)], axis=-1)


def average_pool(x: np.ndarray, size: int) -> np.ndarray:
    """Average each ``size × size`` block of pixels, map by map (stride ``size``).

    Parameters
    ----------
    x : array, shape (..., H, W, C)
        H and W must be multiples of ``size``.
    size : int

    Returns
    -------
    numpy.ndarray, shape (..., H / size, W / size, C)

    Examples
    --------
    >>> average_pool(np.arange(16.0).reshape(4, 4, 1), 2)[..., 0]
    array([[ 2.5,  4.5],
           [10.5, 12.5]])
    """
    x = _maps("x", x)
    p = whole_number("size", size, 1)
    h, w, c = x.shape[-3:]
    if h % p or w % p:
        raise ValueError(f"size must divide the height and width {h}×{w}, got {p}")
    blocks = x.reshape(*x.shape[:-3], h // p, p, w // p, p, c)
    return blocks.mean(axis=(-4, -2))


def upsample(x: np.ndarray, factor: int) -> np.ndarray:
    """Repeat every pixel ``factor`` times down and across (nearest-neighbour upsampling).

    Parameters
    ----------
    x : array, shape (..., H, W, C)
    factor : int

    Returns
    -------
    numpy.ndarray, shape (..., H·factor, W·factor, C)

    Examples
    --------
    >>> upsample(np.arange(4.0).reshape(2, 2, 1), 2)[..., 0]
    array([[0., 0., 1., 1.],
           [0., 0., 1., 1.],
           [2., 2., 3., 3.],
           [2., 2., 3., 3.]])
    """
    x = _maps("x", x)
    f = whole_number("factor", factor, 1)
    return np.repeat(np.repeat(x, f, axis=-3), f, axis=-2)


def channel_matrix(kernel: np.ndarray) -> np.ndarray:
    """Lay a k×k kernel out as one row per input channel: shape (C_in, k·k·C_out).

    Row ``c`` holds every weight that input channel ``c`` meets, at every tap and for
    every filter. A 1×1 reduction in front of the k×k layer can only make this matrix
    of rank at most the width of the reduction.

    Parameters
    ----------
    kernel : array, shape (k, k, C_in, C_out)

    Returns
    -------
    numpy.ndarray, shape (C_in, k·k·C_out)

    Examples
    --------
    >>> channel_matrix(np.zeros((5, 5, 192, 32))).shape
    (192, 800)
    """
    kernel = _kernel(kernel)
    k, _, c_in, c_out = kernel.shape
    return np.moveaxis(kernel, 2, 0).reshape(c_in, k * k * c_out)


class ChannelFactorisation(NamedTuple):
    """A k×k kernel written as a 1×1 reduction to ``rank`` maps and a k×k kernel after it.

    Attributes
    ----------
    reduce : numpy.ndarray, shape (C_in, rank)
        The 1×1 layer's weights (orthonormal columns: the top singular directions).
    kernel : numpy.ndarray, shape (k, k, rank, C_out)
        The k×k layer on the ``rank`` reduced maps.
    singular_values : numpy.ndarray, shape (min(C_in, k·k·C_out),)
        Of the original kernel's :func:`channel_matrix`, largest first.
    """

    reduce: np.ndarray
    kernel: np.ndarray
    singular_values: np.ndarray

    @property
    def rank(self) -> int:
        """Width of the 1×1 reduction."""
        return self.reduce.shape[1]

    @property
    def relative_error(self) -> float:
        """``‖K − K_r‖ / ‖K‖`` (Frobenius): the share of the kernel's norm dropped."""
        s2 = self.singular_values**2
        return float(np.sqrt(s2[self.rank :].sum() / s2.sum()))

    def combined(self) -> np.ndarray:
        """Return the single k×k kernel (k, k, C_in, C_out) equal to the pair of layers."""
        return np.einsum("cr,ijro->ijco", self.reduce, self.kernel)


def channel_factorisation(kernel: np.ndarray, rank: int) -> ChannelFactorisation:
    """Best "1×1 reduction to ``rank`` maps, then k×k" approximation of a k×k kernel.

    By the Eckart–Young theorem, keeping the ``rank`` largest singular values of
    :func:`channel_matrix` gives the closest kernel (in the Frobenius norm) whose
    channel matrix has that rank, and every such kernel is a 1×1 layer followed by a
    k×k layer: the left singular vectors are the 1×1 weights, the rest is the k×k
    kernel on the reduced maps. No biases: a bias of the 1×1 layer folds into the
    k×k layer's.

    Parameters
    ----------
    kernel : array, shape (k, k, C_in, C_out)
    rank : int
        Width of the reduction, 1 … C_in.

    Returns
    -------
    ChannelFactorisation

    Examples
    --------
    >>> kernel = np.random.default_rng(0).normal(size=(3, 3, 8, 4))
    >>> full = channel_factorisation(kernel, 8)
    >>> bool(np.allclose(full.combined(), kernel)), full.relative_error < 1e-12
    (True, True)
    """
    return channel_factorisations(kernel, [rank])[0]


def channel_factorisations(kernel: np.ndarray, ranks: Sequence[int]) -> list[ChannelFactorisation]:
    """Return :func:`channel_factorisation` for several widths, from one decomposition.

    Parameters
    ----------
    kernel : array, shape (k, k, C_in, C_out)
    ranks : sequence of int
        Widths of the reduction, each 1 … C_in.

    Returns
    -------
    list of ChannelFactorisation
        One per width, in the order given.

    Examples
    --------
    >>> kernel = np.random.default_rng(0).normal(size=(3, 3, 8, 4))
    >>> [f.rank for f in channel_factorisations(kernel, [2, 4])]
    [2, 4]
    """
    kernel = _kernel(kernel)
    k, _, c_in, c_out = kernel.shape
    widths = [whole_number("rank", r, 1, c_in) for r in ranks]
    u, s, vt = np.linalg.svd(channel_matrix(kernel), full_matrices=False)
    found = []
    for r in widths:
        after = (s[:r, None] * vt[:r]).reshape(r, k, k, c_out)
        found.append(ChannelFactorisation(u[:, :r], np.moveaxis(after, 0, 2), s))
    return found
