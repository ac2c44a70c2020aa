"""What the explorers and notebooks look at: a real photo, seeded weights, feature maps.

Nothing here is downloaded: the photo ships with matplotlib (``grace_hopper.jpg``), and the
weights come from seeded NumPy generators, so every run draws the same pictures.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from conv1x1_viz.arithmetic import conv2d_reference
from conv1x1_viz.validation import whole_number

__all__ = ["SAMPLE_IMAGE", "image_features", "relu", "sample_image", "seeded_kernel"]

#: Where :func:`sample_image` comes from: a photograph shipped with matplotlib.
SAMPLE_IMAGE = "grace_hopper.jpg"


@functools.lru_cache(maxsize=8)
def _cached_image(size: int) -> np.ndarray:
    import matplotlib.cbook as cbook
    import matplotlib.image as mpimg

    with cbook.get_sample_data(SAMPLE_IMAGE) as file:
        pixels = mpimg.imread(file, format="jpg")
    side = min(pixels.shape[:2])
    side -= side % size
    block = side // size
    # The top square of the portrait, which holds the face; averaged in blocks.
    square = pixels[:side, (pixels.shape[1] - side) // 2 :][:, :side, :3].astype(float)
    small = square.reshape(size, block, size, block, 3).mean(axis=(1, 3)) / 255.0
    small.setflags(write=False)
    return small


def sample_image(size: int = 64) -> np.ndarray:
    """Return a real photograph shipped with matplotlib, small and square, values 0 … 1.

    Parameters
    ----------
    size : int, default 64
        Height and width in pixels, 4 … 512; the picture is shrunk by averaging
        blocks of pixels.

    Returns
    -------
    numpy.ndarray, shape (size, size, 3)
        RGB, channels last, read-only.

    Examples
    --------
    >>> sample_image(32).shape
    (32, 32, 3)
    """
    return _cached_image(whole_number("size", size, 4, 512))


def seeded_kernel(
    kernel_size: int, in_channels: int, filters: int, seed: int, *, zero_mean: bool = False
) -> np.ndarray:
    """Return He-scaled normal weights ``(k, k, C_in, filters)`` from a seeded generator.

    Parameters
    ----------
    kernel_size, in_channels, filters : int
        The kernel's shape.
    seed : int
        Seed of :func:`numpy.random.default_rng`.
    zero_mean : bool, default False
        Subtract each filter's mean, so that it ignores flat colour and answers to edges
        and contrasts.

    Returns
    -------
    numpy.ndarray, shape (kernel_size, kernel_size, in_channels, filters)

    Examples
    --------
    >>> seeded_kernel(1, 6, 4, seed=0).shape
    (1, 1, 6, 4)
    """
    rng = np.random.default_rng(seed)
    fan_in = kernel_size * kernel_size * in_channels
    shape = (kernel_size, kernel_size, in_channels, filters)
    kernel = rng.normal(0.0, math.sqrt(2.0 / fan_in), shape)
    if zero_mean:
        kernel -= kernel.mean(axis=(0, 1, 2), keepdims=True)
    return kernel


def relu(x: np.ndarray) -> np.ndarray:
    """Return ``max(x, 0)``, elementwise."""
    return np.maximum(x, 0.0)


def image_features(image: np.ndarray, filters: int, seed: int) -> np.ndarray:
    """Apply a fixed, seeded 3×3 convolution layer with ReLU to ``image``.

    The layer's biases are zero, as in a Keras layer before training.

    Parameters
    ----------
    image : array, shape (H, W, C)
        Channels last, e.g. :func:`sample_image`.
    filters : int
        Number of 3×3 filters: the depth of the result.
    seed : int
        Seed of the weights (zero-mean filters, see :func:`seeded_kernel`).

    Returns
    -------
    numpy.ndarray, shape (H, W, filters)
        ``"same"`` padding, so the height and width are kept.
    """
    kernel = seeded_kernel(3, image.shape[2], filters, seed, zero_mean=True)
    return relu(conv2d_reference(image, kernel, np.zeros(filters)))
