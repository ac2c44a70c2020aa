"""The best linear 1×1 reduction: principal components of the per-pixel channel vectors.

A 1×1 layer with ``k`` filters and no activation maps each pixel's ``C`` channel values
to ``k`` numbers with one ``(C, k)`` matrix and a bias. Asking which such layer keeps
the most of its input is asking how well a second 1×1 layer (``k`` back to ``C``) can
rebuild the input from those ``k`` maps. Over all linear encoders and decoders the
answer is principal component analysis (PCA) of the pixels' channel vectors: keep the
``k`` directions in channel space along which the pixels vary most. The squared error
left over is then exactly the variance along the directions that were dropped (the
Eckart–Young theorem), which :func:`pca_errors` reads off the eigenvalues.

Everything here is plain NumPy, channels last like Keras, and works for one image
``(H, W, C)`` or a batch ``(N, H, W, C)``; the weights come out in Keras' order, so
``weights`` fits a ``Conv2D(k, 1)`` kernel after ``reshape(1, 1, C, k)``.

- :func:`principal_components`: mean, directions and variances of the channel vectors;
- :func:`pca_reduction`: the best 1×1 encoder and decoder for ``k`` maps;
- :func:`fit_decoder`: the best decoder for any given encoder (least squares), so that
  other encoders, e.g. :func:`random_reduction`, can be compared fairly;
- :func:`reconstruction_error` and :func:`pca_errors`: the fraction of the variance lost;
- :func:`reconstructions`: both reductions at every width at once, errors and rebuilt maps,
  which is what :class:`~conv1x1_viz.explorers.ReconstructionExplorer` shows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from conv1x1_viz.arithmetic import conv1x1
from conv1x1_viz.validation import whole_number

__all__ = [
    "LinearReduction",
    "PrincipalComponents",
    "fit_decoder",
    "pca_errors",
    "pca_reduction",
    "principal_components",
    "random_reduction",
    "Reconstructions",
    "reconstruction_error",
    "reconstructions",
]


def _features(features: object, name: str = "features") -> np.ndarray:
    """Check feature maps ``(H, W, C)`` or ``(N, H, W, C)`` and return them as floats."""
    arr = np.asarray(features)
    if not np.issubdtype(arr.dtype, np.number) or arr.dtype.kind == "c":
        raise ValueError(f"{name} must be an array of real numbers, got dtype {arr.dtype}")
    if arr.ndim not in (3, 4) or 0 in arr.shape:
        raise ValueError(
            f"{name} must have shape (H, W, C) or (N, H, W, C), none of them 0, "
            f"got shape {arr.shape}"
        )
    arr = arr.astype(np.float64)
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must not contain NaN or infinity")
    return arr


def _pixels(features: np.ndarray) -> np.ndarray:
    """One row per pixel: ``(pixels, C)``."""
    return features.reshape(-1, features.shape[-1])


def _width(k: object, channels: int) -> int:
    """Check a number of kept maps, 1 … ``channels``."""
    return whole_number("k", k, 1, channels, why="the channels C")


@dataclass(frozen=True)
class PrincipalComponents:
    """Mean, principal directions and variances of the per-pixel channel vectors.

    Attributes
    ----------
    mean : numpy.ndarray, shape (C,)
        Mean channel vector over all pixels.
    components : numpy.ndarray, shape (C, C)
        Orthonormal directions in channel space, one per **column**, by decreasing
        variance; each column's largest entry (in absolute value) is positive, so the
        result does not depend on the eigen-solver's choice of signs.
    variances : numpy.ndarray, shape (C,)
        Variance of the pixels along each direction (population variance, divided by
        the number of pixels), decreasing, never negative.
    """

    mean: np.ndarray
    components: np.ndarray
    variances: np.ndarray

    @property
    def total_variance(self) -> float:
        """Sum of the variances: the mean squared distance of a pixel from the mean."""
        return float(self.variances.sum())


def principal_components(features: np.ndarray) -> PrincipalComponents:
    """Principal components of the channel vectors of all pixels.

    Parameters
    ----------
    features : array, shape (H, W, C) or (N, H, W, C)
        Feature maps, channels last; every pixel is one sample of ``C`` values.

    Returns
    -------
    PrincipalComponents
        The mean pixel, the directions by decreasing variance and their variances.

    Examples
    --------
    >>> maps = np.zeros((2, 2, 2))
    >>> maps[..., 0] = [[0, 2], [0, 2]]  # only channel 0 varies
    >>> pcs = principal_components(maps)
    >>> pcs.variances.tolist(), pcs.components[:, 0].tolist()
    ([1.0, 0.0], [1.0, 0.0])
    """
    x = _pixels(_features(features))
    mean = x.mean(axis=0)
    centred = x - mean
    covariance = centred.T @ centred / len(x)
    variances, vectors = np.linalg.eigh(covariance)  # ascending, symmetric solver
    order = np.argsort(variances)[::-1]
    variances, vectors = np.clip(variances[order], 0.0, None), vectors[:, order]
    largest = np.argmax(np.abs(vectors), axis=0)
    vectors = vectors * np.sign(vectors[largest, np.arange(vectors.shape[1])])
    return PrincipalComponents(mean=mean, components=vectors, variances=variances)


@dataclass(frozen=True)
class LinearReduction:
    """A 1×1 encoder (``C`` maps to ``k``) and a 1×1 decoder (``k`` back to ``C``).

    Attributes
    ----------
    weights : numpy.ndarray, shape (C, k)
        Encoder weights, Keras order (``reshape(1, 1, C, k)`` gives a Conv2D kernel).
    bias : numpy.ndarray, shape (k,)
        Encoder bias.
    decoder_weights : numpy.ndarray, shape (k, C)
        Decoder weights.
    decoder_bias : numpy.ndarray, shape (C,)
        Decoder bias.
    """

    weights: np.ndarray
    bias: np.ndarray
    decoder_weights: np.ndarray
    decoder_bias: np.ndarray

    @property
    def k(self) -> int:
        """Number of maps kept (filters of the encoder)."""
        return int(self.weights.shape[1])

    def reduce(self, features: np.ndarray) -> np.ndarray:
        """Apply the encoder: ``(..., H, W, C)`` → ``(..., H, W, k)``."""
        return conv1x1(features, self.weights, self.bias)

    def reconstruct(self, features: np.ndarray) -> np.ndarray:
        """Encode, then decode: ``(..., H, W, C)`` → ``(..., H, W, C)``."""
        return conv1x1(self.reduce(features), self.decoder_weights, self.decoder_bias)

    def error(self, features: np.ndarray) -> float:
        """Fraction of the variance of ``features`` lost by :meth:`reconstruct`."""
        return reconstruction_error(features, self.reconstruct(features))


def pca_reduction(
    features: np.ndarray, k: int, components: PrincipalComponents | None = None
) -> LinearReduction:
    """Return the linear 1×1 reduction to ``k`` maps that loses the least, with its decoder.

    The encoder projects each centred channel vector on the first ``k`` principal
    directions; the decoder maps those ``k`` numbers back along the same directions
    and adds the mean.

    Parameters
    ----------
    features : array, shape (H, W, C) or (N, H, W, C)
        Feature maps the reduction is fitted to.
    k : int
        Maps kept, 1 … C.
    components : PrincipalComponents, optional
        Those of ``features``, if already computed.

    Returns
    -------
    LinearReduction
        Encoder weights ``(C, k)``: the first ``k`` principal directions, their bias
        centring the pixels; the decoder is the transpose, its bias the mean.

    Examples
    --------
    >>> maps = np.random.default_rng(0).normal(size=(8, 8, 6))
    >>> reduction = pca_reduction(maps, 6)
    >>> bool(np.allclose(reduction.reconstruct(maps), maps))
    True
    """
    x = _features(features)
    pcs = principal_components(x) if components is None else components
    if pcs.mean.shape != (x.shape[-1],):
        raise ValueError(
            f"components must be those of features with {x.shape[-1]} channels, "
            f"got them for {pcs.mean.shape[0]} channels"
        )
    k = _width(k, x.shape[-1])
    v = pcs.components[:, :k]
    return LinearReduction(
        weights=v.copy(), bias=-pcs.mean @ v, decoder_weights=v.T.copy(), decoder_bias=pcs.mean
    )


def fit_decoder(
    features: np.ndarray, weights: np.ndarray, bias: np.ndarray | None = None
) -> LinearReduction:
    """Fit the best linear 1×1 decoder for a given 1×1 encoder, by least squares.

    With the encoder fixed, the decoder weights and bias that rebuild ``features``
    with the smallest squared error solve an ordinary least-squares problem. Use it
    to compare encoders fairly: each one gets its best possible decoder.

    Parameters
    ----------
    features : array, shape (H, W, C) or (N, H, W, C)
        Feature maps to rebuild.
    weights : array, shape (C, k)
        Encoder weights (Keras order).
    bias : array, shape (k,), optional
        Encoder bias; zeros by default.

    Returns
    -------
    LinearReduction
        The encoder as given, with the fitted decoder.

    Examples
    --------
    >>> maps = np.random.default_rng(0).normal(size=(8, 8, 3))
    >>> round(fit_decoder(maps, np.eye(3)).error(maps), 12)
    0.0
    """
    x = _features(features)
    c = x.shape[-1]
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 2 or w.shape[0] != c or w.shape[1] < 1 or not np.isfinite(w).all():
        raise ValueError(
            f"weights must be a finite (C, k) matrix with C = {c} rows, got shape {w.shape}"
        )
    b = np.zeros(w.shape[1]) if bias is None else np.asarray(bias, dtype=np.float64)
    if b.shape != (w.shape[1],):
        raise ValueError(f"bias must have shape (k,) = ({w.shape[1]},), got shape {b.shape}")
    pixels = _pixels(x)
    codes = pixels @ w + b
    design = np.hstack([codes, np.ones((len(codes), 1))])
    solution = np.linalg.lstsq(design, pixels, rcond=None)[0]
    return LinearReduction(
        weights=w.copy(), bias=b.copy(), decoder_weights=solution[:-1], decoder_bias=solution[-1]
    )


def random_reduction(features: np.ndarray, k: int, *, seed: int = 0) -> LinearReduction:
    """Draw a random 1×1 encoder to ``k`` maps and fit its best decoder.

    The encoder weights are normal with variance ``2 / C`` (He scaling), no bias; the
    decoder comes from :func:`fit_decoder`.
    For one seed, the encoder for ``k`` maps is the first ``k`` columns of the one for
    ``C`` maps, so widths can be compared filter by filter.

    Parameters
    ----------
    features, k
        As in :func:`pca_reduction`.
    seed : int, default 0
        Seed of the weights (a whole number ≥ 0).

    Returns
    -------
    LinearReduction
        The random encoder, without bias, and the decoder fitted to it.
    """
    x = _features(features)
    c = x.shape[-1]
    k = _width(k, c)
    seed = whole_number("seed", seed, 0)
    weights = np.random.default_rng(seed).normal(0.0, np.sqrt(2.0 / c), (c, c))[:, :k]
    return fit_decoder(x, weights)


def reconstruction_error(features: np.ndarray, reconstruction: np.ndarray) -> float:
    """Fraction of the variance of ``features`` that ``reconstruction`` fails to rebuild.

    The squared error summed over all values, divided by the squared distance of the
    values from their channel means: 0 is a perfect copy, 1 is what the per-channel
    means alone achieve.

    Parameters
    ----------
    features : array, shape (H, W, C) or (N, H, W, C)
        The original maps; they must not all be constant.
    reconstruction : array, same shape
        The rebuilt maps.

    Returns
    -------
    float

    Examples
    --------
    >>> maps = np.arange(12.0).reshape(2, 2, 3)
    >>> reconstruction_error(maps, maps), reconstruction_error(maps, maps.mean((0, 1)) + 0 * maps)
    (0.0, 1.0)
    """
    x = _features(features)
    y = _features(reconstruction, "reconstruction")
    if y.shape != x.shape:
        raise ValueError(f"reconstruction must have the shape of features {x.shape}, got {y.shape}")
    pixels = _pixels(x)
    total = float(((pixels - pixels.mean(axis=0)) ** 2).sum())
    if total == 0.0:
        raise ValueError("features must not be constant in every channel (zero variance)")
    return float(((x - y) ** 2).sum()) / total


def pca_errors(features: np.ndarray | PrincipalComponents) -> np.ndarray:
    """Fraction of the variance lost by the best linear reduction, for every width.

    Parameters
    ----------
    features : array, shape (H, W, C) or (N, H, W, C), or PrincipalComponents
        Feature maps, or their principal components.

    Returns
    -------
    numpy.ndarray, shape (C + 1,)
        Entry ``k`` is the sum of the variances of the ``C - k`` dropped directions
        divided by the total: 1 for ``k = 0``, 0 for ``k = C``, never increasing.

    Examples
    --------
    >>> maps = np.zeros((2, 2, 3))
    >>> maps[..., 0], maps[..., 1] = [[0, 2], [0, 2]], [[0, 0], [1, 1]]
    >>> pca_errors(maps).tolist()
    [1.0, 0.2, 0.0, 0.0]
    """
    pcs = features if isinstance(features, PrincipalComponents) else principal_components(features)
    total = pcs.total_variance
    if total == 0.0:
        raise ValueError("features must not be constant in every channel (zero variance)")
    # Summed from the smallest variance up, so that small losses keep their precision.
    dropped = np.concatenate([np.cumsum(pcs.variances[::-1])[::-1], [0.0]])
    return np.clip(dropped / total, 0.0, 1.0)


@dataclass(frozen=True)
class Reconstructions:
    """Both reductions of one stack of maps at every width ``k = 1 … C``.

    Attributes
    ----------
    pca_errors : numpy.ndarray, shape (C + 1,)
        Entry ``k``: the share of the variance the best linear reduction loses
        (:func:`pca_errors`).
    random_errors : numpy.ndarray, shape (C + 1,)
        Entry ``k``: the same for random 1×1 weights with their best decoder
        (:func:`random_reduction`); entry 0 is 1.
    shown : numpy.ndarray of int, shape (S,)
        The channels whose maps are rebuilt: those with the most variance, in channel
        order.
    pca_maps : numpy.ndarray, shape (C, H, W, S)
        Entry ``k - 1``: the ``shown`` maps rebuilt from ``k`` principal components.
    random_maps : numpy.ndarray, shape (C, H, W, S)
        Entry ``k - 1``: the ``shown`` maps rebuilt from ``k`` random maps.
    """

    pca_errors: np.ndarray
    random_errors: np.ndarray
    shown: np.ndarray
    pca_maps: np.ndarray
    random_maps: np.ndarray


def reconstructions(features: np.ndarray, *, shown: int = 4, seed: int = 0) -> Reconstructions:
    """Compute what every width keeps, for the best and for random 1×1 reductions.

    One random decoder is fitted per width (a least-squares problem each), so this is
    meant for the tens of maps an explorer shows, not for hundreds.

    Parameters
    ----------
    features : array, shape (H, W, C)
        One stack of maps, not constant.
    shown : int, default 4
        How many maps to rebuild (at most ``C``): those with the most variance.
    seed : int, default 0
        Seed of the random weights (:func:`random_reduction`).

    Returns
    -------
    Reconstructions
        The errors of both reductions at every width, and the ``shown`` maps rebuilt.

    Examples
    --------
    >>> maps = np.random.default_rng(0).normal(size=(8, 8, 5))
    >>> result = reconstructions(maps, shown=2)
    >>> result.pca_maps.shape, bool(np.all(result.pca_errors <= result.random_errors + 1e-12))
    ((5, 8, 8, 2), True)
    """
    maps = _features(features)
    if maps.ndim != 3:
        raise ValueError(f"features must have shape (H, W, C), got shape {maps.shape}")
    h, w, c = maps.shape
    shown = min(whole_number("shown", shown), c)
    pcs = principal_components(maps)
    errors = pca_errors(pcs)
    keep = np.sort(np.argsort(-_pixels(maps).var(axis=0), kind="stable")[:shown])
    # PCA rebuilds map j from the first k components: a running sum over k.
    codes = _pixels(maps - pcs.mean) @ pcs.components  # (pixels, C)
    parts = codes[:, :, np.newaxis] * pcs.components.T[:, keep]  # (pixels, C, shown)
    pca_maps = np.cumsum(parts, axis=1).reshape(h, w, c, shown).transpose(2, 0, 1, 3)
    random_errors, random_maps = [1.0], []
    for k in range(1, c + 1):
        rebuilt = random_reduction(maps, k, seed=seed).reconstruct(maps)
        random_errors.append(reconstruction_error(maps, rebuilt))
        random_maps.append(rebuilt[:, :, keep])
    return Reconstructions(
        pca_errors=errors,
        random_errors=np.array(random_errors),
        shown=keep,
        pca_maps=pca_maps + pcs.mean[keep],
        random_maps=np.stack(random_maps),
    )
