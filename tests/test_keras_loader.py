"""load_keras keeps TensorFlow's start-up lines out of notebooks, and only those."""

import os
import subprocess
import sys

from conv1x1_viz.keras_loader import filter_startup_noise


def _run(code, **env):
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "KERAS_"))}
    environ.update(env)
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environ, check=True
    )


def test_patterns_cover_what_tensorflow_prints_on_this_machine():
    raw = _run("import tensorflow as tf; tf.constant(1.0).numpy()").stderr
    assert raw.strip(), "expected TensorFlow to print start-up lines when imported plainly"
    assert filter_startup_noise(raw) == ""


def test_load_keras_is_silent_and_seeded():
    # One TensorFlow start-up (each costs seconds): silent, and each seed gives its own
    # numbers again when loaded again.
    draw = "print(float(k.random.uniform(())), np.random.rand())"
    code = "; ".join(
        ["import numpy as np", "import conv1x1_viz as c"]
        + [f"k = c.load_keras(seed={seed}); {draw}" for seed in (3, 3, 4)]
    )
    result = _run(code)
    assert result.stderr == ""
    first, again, other = result.stdout.splitlines()
    assert first == again
    assert first.split()[0] != other.split()[0] and first.split()[1] != other.split()[1]


def test_other_lines_are_kept():
    text = "oneDNN custom operations are on. blah\nValueError: something real\n\n"
    assert filter_startup_noise(text) == "ValueError: something real\n"
