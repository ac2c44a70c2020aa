"""Import TensorFlow and Keras quietly and deterministically.

TensorFlow's C++ runtime writes start-up lines (absl, oneDNN, CUDA probing) straight
to file descriptor 2 when it is imported, even with ``TF_CPP_MIN_LOG_LEVEL=3``.
In a notebook ipykernel forwards them into the cell's output, where they would
change from machine to machine and break ``pytest --nbval``. :func:`load_keras`
captures what the import writes, drops the lines known to be start-up noise
(:data:`STARTUP_NOISE`) and passes every other line on to ``sys.stderr``, so a real
warning or error still shows.

TensorFlow is imported only when :func:`load_keras` is called.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from types import ModuleType

__all__ = ["STARTUP_NOISE", "filter_startup_noise", "load_keras"]

#: Patterns of the lines TensorFlow prints at import on a CPU-only machine.
STARTUP_NOISE: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        r"All log messages before absl::InitializeLog\(\) is called are written to STDERR",
        r"oneDNN custom operations are on",
        r"Unable to register cu(DNN|FFT|BLAS) factory",
        r"computation placer already registered",
        r"Could not find cuda drivers on your machine",
        r"This TensorFlow binary is optimized to use available CPU instructions",
        r"To enable the following instructions: .*rebuild TensorFlow",
        r"TF-TRT Warning: Could not find TensorRT",
        r"failed call to cuInit",
        r"cuda_(executor|diagnostics|dnn|fft|blas|driver)\.(cc|h)",
        r"^\s*$",
    )
)


def filter_startup_noise(text: str) -> str:
    r"""Return ``text`` without the lines that match :data:`STARTUP_NOISE`.

    Parameters
    ----------
    text : str
        What TensorFlow wrote while it was imported.

    Returns
    -------
    str
        The remaining lines, each ending in a newline.

    Examples
    --------
    >>> filter_startup_noise("oneDNN custom operations are on.\nreal problem\n")
    'real problem\n'
    """
    kept = [
        line
        for line in text.splitlines()
        if not any(pattern.search(line) for pattern in STARTUP_NOISE)
    ]
    return "".join(line + "\n" for line in kept)


@contextlib.contextmanager
def _capture_stderr() -> Iterator[io.StringIO]:
    """Capture both Python's ``sys.stderr`` and the process's file descriptor 2."""
    captured = io.StringIO()
    sys.stderr.flush()
    saved_fd = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as sink:
        os.dup2(sink.fileno(), 2)
        try:
            with contextlib.redirect_stderr(captured):
                yield captured
        finally:
            sys.stderr.flush()
            os.dup2(saved_fd, 2)
            os.close(saved_fd)
            sink.seek(0)
            captured.write(sink.read().decode("utf-8", errors="replace"))


def load_keras(seed: int | None = 0) -> ModuleType:
    """Import Keras 3 on TensorFlow, quietly, seeded and deterministic.

    Sets ``TF_CPP_MIN_LOG_LEVEL=3`` and ``TF_ENABLE_ONEDNN_OPTS=0`` (oneDNN's fused
    kernels may round differently from run to run), imports TensorFlow and Keras
    with standard error captured, forwards whatever is not start-up noise, then
    seeds Python, NumPy and TensorFlow and turns on TensorFlow's deterministic ops.
    Variables already set in the environment are left as they are.

    Parameters
    ----------
    seed : int or None, default 0
        Seed for ``keras.utils.set_random_seed``; ``None`` skips seeding and
        determinism.

    Returns
    -------
    module
        The ``keras`` module.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    with _capture_stderr() as captured:
        import keras
        import tensorflow as tf

        tf.get_logger().setLevel("ERROR")
        # The first op starts the runtime, which logs once more.
        tf.constant(0.0).numpy()
    rest = filter_startup_noise(captured.getvalue())
    if rest:
        sys.stderr.write(rest)
    if seed is not None:
        keras.utils.set_random_seed(seed)
        tf.config.experimental.enable_op_determinism()
    return keras
