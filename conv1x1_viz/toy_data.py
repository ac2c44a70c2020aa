"""A small, seeded image data set for training experiments, made here (no downloads).

:func:`toy_shapes` draws small colour images, each holding one shape on a plain
background, with noise: a horizontal bar, a vertical bar, a diagonal bar or a filled
square.
The class is the shape; where it sits, how large it is and which colours it and the
background have are random, so a network must look at the arrangement of pixels
and not at any one colour. The same seed always gives the same images.
"""

from __future__ import annotations

import numbers
from typing import NamedTuple

import numpy as np

from conv1x1_viz.validation import whole_number

__all__ = ["SHAPE_CLASSES", "ToyImages", "toy_shapes"]

#: The classes of :func:`toy_shapes`, in label order.
SHAPE_CLASSES: tuple[str, ...] = ("horizontal bar", "vertical bar", "diagonal bar", "square")

_MIN_SIZE, _MAX_SIZE = 12, 64


class ToyImages(NamedTuple):
    """Images, their labels and the names of the classes.

    Attributes
    ----------
    images : numpy.ndarray, shape (N, S, S, 3), float32
        RGB values in 0 … 1, channels last.
    labels : numpy.ndarray, shape (N,), int64
        Class of each image, an index into ``class_names``.
    class_names : tuple of str
        :data:`SHAPE_CLASSES`.
    """

    images: np.ndarray
    labels: np.ndarray
    class_names: tuple[str, ...]


def _bar(size: int, rng: np.random.Generator) -> np.ndarray:
    """Mask a horizontal bar, 1 or 2 pixels thick, at least half the image long."""
    mask = np.zeros((size, size), dtype=bool)
    length = int(rng.integers(size // 2, size - 1))
    thickness = int(rng.integers(1, 3))
    row = int(rng.integers(1, size - thickness))
    start = int(rng.integers(0, size - length + 1))
    mask[row : row + thickness, start : start + length] = True
    return mask


def _diagonal(size: int, rng: np.random.Generator) -> np.ndarray:
    """Mask a diagonal bar, 1 or 2 pixels thick, going down to the right or to the left."""
    mask = np.zeros((size, size), dtype=bool)
    length = int(rng.integers(size // 2, size - 1))
    thickness = int(rng.integers(1, 3))
    top, left = (int(v) for v in rng.integers(0, size - length - thickness + 2, size=2))
    steps = np.arange(length)
    for offset in range(thickness):
        mask[top + steps, np.minimum(left + steps + offset, size - 1)] = True
    return mask if rng.random() < 0.5 else mask[:, ::-1]


def _square(size: int, rng: np.random.Generator) -> np.ndarray:
    """Mask a filled square, a quarter to a half of the image wide."""
    mask = np.zeros((size, size), dtype=bool)
    side = int(rng.integers(size // 4, size // 2 + 1))
    top, left = (int(v) for v in rng.integers(0, size - side + 1, size=2))
    mask[top : top + side, left : left + side] = True
    return mask


def _shape_mask(label: int, size: int, rng: np.random.Generator) -> np.ndarray:
    if label == 0:
        return _bar(size, rng)
    if label == 1:
        return _bar(size, rng).T
    if label == 2:
        return _diagonal(size, rng)
    return _square(size, rng)


def toy_shapes(
    n_samples: int, image_size: int = 16, *, noise: float = 0.1, seed: int = 0
) -> ToyImages:
    """Draw ``n_samples`` small colour images of four shapes, balanced and shuffled.

    Each image has a random colour for the background and another for the shape, one
    dark (each of R, G, B in 0 … 0.4) and the other light (0.6 … 1), either way
    round, so the shape is always visible; Gaussian noise of standard deviation
    ``noise`` is added and the values clipped to 0 … 1. Labels follow
    :data:`SHAPE_CLASSES` and each class appears ``n_samples // 4`` or one more
    times, in random order.

    Parameters
    ----------
    n_samples : int
        Number of images, ≥ 1.
    image_size : int, default 16
        Height and width, 12 … 64.
    noise : float, default 0.1
        Standard deviation of the added noise, 0 … 0.5.
    seed : int, default 0
        Seed of everything random (a whole number ≥ 0).

    Returns
    -------
    ToyImages

    Examples
    --------
    >>> data = toy_shapes(8, 12)
    >>> data.images.shape, data.images.dtype.name, sorted(data.labels.tolist())
    ((8, 12, 12, 3), 'float32', [0, 0, 1, 1, 2, 2, 3, 3])
    """
    n = whole_number("n_samples", n_samples)
    if (
        isinstance(image_size, bool)
        or not isinstance(image_size, numbers.Integral)
        or not _MIN_SIZE <= image_size <= _MAX_SIZE
    ):
        raise ValueError(
            f"image_size must be a whole number {_MIN_SIZE} … {_MAX_SIZE}, got {image_size!r}"
        )
    size = int(image_size)
    if isinstance(noise, bool) or not isinstance(noise, numbers.Real) or not 0 <= noise <= 0.5:
        raise ValueError(f"noise must be a number 0 … 0.5, got {noise!r}")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed must be a whole number ≥ 0, got {seed!r}")
    rng = np.random.default_rng(int(seed))
    classes = len(SHAPE_CLASSES)
    labels = rng.permutation(np.arange(n) % classes).astype(np.int64)
    images = np.empty((n, size, size, 3), dtype=np.float64)
    for i, label in enumerate(labels):
        dark, light = rng.uniform(0.0, 0.4, 3), rng.uniform(0.6, 1.0, 3)
        background, colour = (dark, light) if rng.random() < 0.5 else (light, dark)
        mask = _shape_mask(int(label), size, rng)
        images[i] = np.where(mask[:, :, np.newaxis], colour, background)
    images += rng.normal(0.0, float(noise), images.shape)
    return ToyImages(
        images=np.clip(images, 0.0, 1.0).astype(np.float32),
        labels=labels,
        class_names=SHAPE_CLASSES,
    )
