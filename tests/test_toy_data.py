"""The seeded toy data set: shapes, balance, determinism and what each class looks like."""

import numpy as np
import pytest

from conv1x1_viz.toy_data import SHAPE_CLASSES, toy_shapes


def test_shapes_types_and_range():
    data = toy_shapes(10, 20, seed=1)
    assert data.images.shape == (10, 20, 20, 3) and data.images.dtype == np.float32
    assert data.labels.shape == (10,) and data.labels.dtype == np.int64
    assert data.images.min() >= 0.0 and data.images.max() <= 1.0
    assert (
        data.class_names
        == SHAPE_CLASSES
        == (
            "horizontal bar",
            "vertical bar",
            "diagonal bar",
            "square",
        )
    )


def test_classes_are_balanced_and_shuffled():
    labels = toy_shapes(402, seed=0).labels
    assert sorted(np.bincount(labels).tolist()) == [100, 100, 101, 101]
    assert not np.array_equal(labels, np.arange(402) % 4)


def test_same_seed_same_images_other_seed_other_images():
    a, b = toy_shapes(20, seed=5), toy_shapes(20, seed=5)
    np.testing.assert_array_equal(a.images, b.images)
    np.testing.assert_array_equal(a.labels, b.labels)
    assert not np.array_equal(a.images, toy_shapes(20, seed=6).images)


def _shape_pixels(image):
    """Pixels whose colour is nearer the rarer of the two colours (the shape)."""
    brightness = image.mean(axis=-1)
    light = brightness > 0.5
    return light if light.sum() < (~light).sum() else ~light


@pytest.mark.parametrize("size", [12, 16, 24])
def test_each_class_draws_its_shape(size):
    data = toy_shapes(200, size, noise=0.0, seed=2)
    for image, label in zip(data.images, data.labels, strict=True):
        mask = _shape_pixels(image)
        rows, cols = np.nonzero(mask)
        height, width = np.ptp(rows) + 1, np.ptp(cols) + 1
        name = SHAPE_CLASSES[label]
        if name == "horizontal bar":
            assert height <= 2 and width >= size // 2
        elif name == "vertical bar":
            assert width <= 2 and height >= size // 2
        elif name == "diagonal bar":
            assert height >= size // 2 and width >= size // 2
            assert mask.sum() <= 2 * height  # a thin line, not a filled block
        else:
            assert height == width and mask.sum() == height * width  # filled square
            assert size // 4 <= height <= size // 2


def test_shape_and_background_always_contrast():
    data = toy_shapes(100, noise=0.0, seed=3)
    for image in data.images:
        colours = np.unique(image.reshape(-1, 3), axis=0)
        assert len(colours) == 2
        assert np.all(np.abs(colours[0] - colours[1]) >= 0.2 - 1e-6)


def test_noise_has_the_requested_spread():
    clean = toy_shapes(50, seed=4, noise=0.0).images
    noisy = toy_shapes(50, seed=4, noise=0.05).images
    # Same draws before the noise, so the difference is the noise (rarely clipped).
    assert np.std(noisy - clean) == pytest.approx(0.05, rel=0.1)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_samples": 0}, "n_samples must be a whole number ≥ 1"),
        ({"n_samples": 4, "image_size": 11}, "image_size must be a whole number 12 … 64"),
        ({"n_samples": 4, "image_size": 65}, "image_size must be a whole number 12 … 64"),
        ({"n_samples": 4, "noise": -0.1}, "noise must be a number 0 … 0.5"),
        ({"n_samples": 4, "noise": "lots"}, "noise must be a number 0 … 0.5"),
        ({"n_samples": 4, "seed": -1}, "seed must be a whole number ≥ 0"),
    ],
)
def test_bad_arguments_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        toy_shapes(**kwargs)
