"""An explorer's constructor arguments as JSON, so that it can be made again without a kernel.

A notebook saved without widget state keeps, for each explorer drawn in the page, a picture
and a readout; it also keeps the arguments the explorer was made with
(:data:`~conv1x1_viz.explorers.page.EXPLORER_MIMETYPE`), written here as JSON. The static
site (:mod:`conv1x1_viz.static_site`) reads them back and makes the explorer again, in
Python, to put its page state in the page.

Numbers, strings, booleans, ``None``, lists and dictionaries with string keys are written as
they are. The rest is tagged, and read back exactly: a tuple as ``{"__tuple__": [...]}``, a
mapping with other keys as ``{"__items__": [[key, value], ...]}``, a NumPy array as
``{"__ndarray__": {"dtype", "shape", "zlib"}}`` (its bytes, compressed, in base64).

Examples
--------
>>> import numpy as np
>>> text = to_json({"input_size": (256, 256), "trained": {1: 0.5}, "maps": np.eye(2)})
>>> back = from_json(text)
>>> back["input_size"], back["trained"], back["maps"].tolist()
((256, 256), {1: 0.5}, [[1.0, 0.0], [0.0, 1.0]])
"""

from __future__ import annotations

import base64
import zlib
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["from_json", "to_json"]

_TAGS = ("__tuple__", "__items__", "__ndarray__")


def to_json(value: Any) -> Any:
    """Return *value* as JSON-able data that :func:`from_json` turns back into it.

    Raises
    ------
    TypeError
        For a value of another kind (a function, a Keras layer…).
    """
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value)
    if isinstance(value, np.ndarray):
        data = np.ascontiguousarray(value)
        if data.dtype.kind not in "biuf":
            raise TypeError(f"an array of numbers can be saved, not of {data.dtype}")
        packed = base64.b64encode(zlib.compress(data.tobytes(), 9)).decode("ascii")
        return {"__ndarray__": {"dtype": data.dtype.str, "shape": list(data.shape), "zlib": packed}}
    if isinstance(value, tuple):
        return {"__tuple__": [to_json(v) for v in value]}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, Mapping):
        keys = list(value)
        if all(isinstance(k, str) for k in keys) and not set(keys) & set(_TAGS):
            return {k: to_json(v) for k, v in value.items()}
        return {"__items__": [[to_json(k), to_json(v)] for k, v in value.items()]}
    raise TypeError(f"cannot save an argument of type {type(value).__name__} as JSON")


def from_json(value: Any) -> Any:
    """Return the value :func:`to_json` wrote as *value*."""
    if isinstance(value, list):
        return [from_json(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "__tuple__" in value:
        return tuple(from_json(v) for v in value["__tuple__"])
    if "__items__" in value:
        return {_hashable(from_json(k)): from_json(v) for k, v in value["__items__"]}
    if "__ndarray__" in value:
        array = value["__ndarray__"]
        raw = zlib.decompress(base64.b64decode(array["zlib"]))
        return np.frombuffer(raw, dtype=np.dtype(array["dtype"])).reshape(array["shape"]).copy()
    return {k: from_json(v) for k, v in value.items()}


def _hashable(key: Any) -> Any:
    return tuple(key) if isinstance(key, list) else key
