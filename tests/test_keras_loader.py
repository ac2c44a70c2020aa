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
    code = (
        "import conv1x1_viz as c; k = c.load_keras(seed=3); import numpy as np;"
        "print(float(k.random.uniform(()))); print(np.random.rand())"
    )
    first, second = _run(code), _run(code)
    assert first.stderr == ""
    assert first.stdout == second.stdout
    assert first.stdout.strip() != _run(code.replace("seed=3", "seed=4")).stdout.strip()


def test_other_lines_are_kept():
    text = "oneDNN custom operations are on. blah\nValueError: something real\n\n"
    assert filter_startup_noise(text) == "ValueError: something real\n"
