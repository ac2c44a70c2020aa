"""Audit any built Keras model: every weight layer's parameters and MACs, and the 1×1 share.

:func:`audit_model` walks the model's layer graph, stepping into nested models (a base
network inside a ``Sequential``, as in transfer learning), and counts each weight layer
from its config and the shapes it sees, with :mod:`conv1x1_viz.arithmetic`. It returns
a :class:`ModelAudit`, which prints as fixed-width text and shows as an HTML table;
:func:`conv1x1_viz.draw.draw_model_audit` draws it.

- :mod:`~conv1x1_viz.audit.rows`: :class:`AuditRow` and the counting rule of each kind
  of layer (no Keras needed);
- :mod:`~conv1x1_viz.audit.trace`: the walk through the Keras graph;
- :mod:`~conv1x1_viz.audit.report`: :class:`ModelAudit`, its totals, text and HTML.

Keras is never imported here: a Keras model can only exist once Keras is, and the
module is taken from ``sys.modules``.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from conv1x1_viz.audit.report import MAC_CONVENTION, ModelAudit
from conv1x1_viz.audit.rows import AUDIT_KINDS, RULES, AuditRow, UnknownSizeError, layer_row
from conv1x1_viz.audit.trace import LayerCall, _graph, run_model
from conv1x1_viz.validation import whole_number

__all__ = ["AUDIT_KINDS", "MAC_CONVENTION", "AuditRow", "ModelAudit", "audit_model"]


def _model(model: object) -> Any:
    """Return the ``keras`` module if ``model`` is a built Keras 3 model, else raise."""
    keras = sys.modules.get("keras")
    if keras is None or not isinstance(model, keras.Model):
        raise ValueError(
            f"model must be a built Keras 3 model (keras.Sequential, a functional "
            f"keras.Model or an application such as keras.applications.MobileNet), "
            f"got {type(model).__name__}"
        )
    if not model.built:
        raise ValueError(
            f"model must be built, but {model.name!r} is not: start it with keras.Input, "
            f"e.g. keras.Sequential([keras.Input((32, 32, 3)), ...]), or call "
            f"model.build((None, 32, 32, 3)) first"
        )
    if _graph(model) is None:
        raise ValueError(
            f"model must be a functional or Sequential model, whose layer graph Keras "
            f"keeps; {model.name!r} ({type(model).__name__}) has none, as a subclassed "
            f"model's call() is not recorded: build the same layers with keras.Input and "
            f"the functional API, or put them in a keras.Sequential"
        )
    return keras


def _inputs(keras: Any, model: Any, input_shape: Sequence[int] | None) -> list:
    """Return the symbolic inputs to count at: the model's own, or one of ``input_shape``."""
    if input_shape is None:
        return list(model.inputs)
    if len(model.inputs) != 1:
        raise ValueError(
            f"input_shape can only be given for a model with one input; {model.name!r} "
            f"has {len(model.inputs)}"
        )
    expected = tuple(model.inputs[0].shape)[1:]
    if isinstance(input_shape, str) or not isinstance(input_shape, Sequence):
        raise ValueError(f"input_shape must be a tuple of whole numbers, got {input_shape!r}")
    shape = tuple(whole_number(f"input_shape[{i}]", n) for i, n in enumerate(input_shape))
    if len(shape) != len(expected) or any(
        e is not None and e != n for e, n in zip(expected, shape, strict=False)
    ):
        raise ValueError(
            f"input_shape must fit the model's input {expected} (None is any size), got {shape}"
        )
    return [keras.KerasTensor((None, *shape), dtype=model.inputs[0].dtype)]


def _size(variable: Any) -> int:
    return math.prod(int(n) for n in variable.shape)


def _row(keras: Any, call: LayerCall) -> AuditRow:
    """Count one layer call by the rule of its Keras class; anything else is other.

    A layer of a class with a rule whose weights are not the ones its config gives (a
    quantized ``Dense`` holds scales too) is not the layer the rule counts: other.
    """
    layer, name = call.layer, type(call.layer).__name__
    if name in RULES and getattr(keras.layers, name, None) is type(layer):
        row = layer_row(call.path, name, layer.get_config(), call.input_shapes[0],
                        call.output_shape, call.inputs)  # fmt: skip
        if row.params == layer.count_params():
            return row
    return AuditRow(call.path, "other", name, None, None, call.output_shape, 0, 0)


def audit_model(model: Any, *, input_shape: Sequence[int] | None = None) -> ModelAudit:
    """Count the parameters and multiply-accumulates of every weight layer of a Keras model.

    Each weight layer becomes one :class:`AuditRow`, in the order of ``model.layers``
    (as ``model.summary()`` lists them), with the layers inside nested models in their
    model's place (paths such as
    ``"sequential/mobilenetv2_1.00_224/block_1_expand"``). Each Keras class with a rule in
    :data:`~conv1x1_viz.audit.rows.RULES` is counted from its config and the shapes it
    sees: convolutions (1-D, 2-D, 3-D, grouped, dilated, depthwise, separable and
    transposed), ``Dense`` and ``EinsumDense`` on inputs of any rank,
    ``MultiHeadAttention``, ``LSTM``, ``GRU``, ``SimpleRNN``, ``Bidirectional`` and
    ``Embedding``, as :data:`MAC_CONVENTION` states. Operations without weights (merges,
    Keras ops in the graph, ``Lambda``, reshapes) are walked through. Any other layer
    with weights (``BatchNormalization``, ``LayerNormalization``, a subclassed layer or
    model, a subclass of a counted class, a quantized layer, ...) keeps its
    parameters, gets 0 MACs and kind ``"other"``, and is named in the audit's "not
    counted" line.

    The model is only read: nothing runs on numbers, nothing is downloaded and the
    model is not changed.

    Parameters
    ----------
    model : keras.Model
        A built functional or ``Sequential`` Keras 3 model, such as a
        ``keras.applications`` model built with ``weights=None``.
    input_shape : tuple of int, optional
        Count for inputs of this shape (without the batch axis) instead of the
        model's own, e.g. ``(224, 224, 3)`` for a network built on
        ``(None, None, 3)``. Only for a model with one input.

    Returns
    -------
    ModelAudit
        Its ``total_params`` equals ``model.count_params()``. MACs are for one
        input: a ``Dense`` layer on ``(steps, features)`` counts
        ``steps · features · units``; biases, normalisation, activations, softmax and
        pooling are not counted.

    Raises
    ------
    ValueError
        If ``model`` is not a built functional or ``Sequential`` Keras model, if it
        leaves open a size that the MACs need (an input of ``(None, None, 3)`` before a
        convolution; ``input_shape`` then gives one), or if a layer has a setting its
        rule cannot count (the message names the layer).

    Examples
    --------
    >>> from conv1x1_viz import load_keras
    >>> keras = load_keras()
    >>> model = keras.Sequential([keras.Input((28, 28, 192)),
    ...                           keras.layers.Conv2D(16, 1, name="reduce"),
    ...                           keras.layers.Conv2D(32, 5, padding="same", name="conv")])
    >>> audit = audit_model(model)
    >>> [(r.kind, r.params, r.macs) for r in audit.rows]
    [('1×1 conv', 3088, 2408448), ('k×k conv', 12832, 10035200)]
    >>> audit.total_params == model.count_params(), f"{audit.share_1x1_macs:.1%}"
    (True, '19.4%')
    """
    keras = _model(model)
    inputs = _inputs(keras, model, input_shape)
    calls: list[LayerCall] = []
    run_model(model, inputs, calls.append)
    rows: dict[int, AuditRow] = {}
    seen: set[int] = set()  # variables counted already, in case layers share one
    for call in sorted(calls, key=lambda call: call.place):  # stable: calls stay in order
        if not getattr(call.layer, "weights", None):  # ops in the graph hold none
            continue
        try:
            row = _row(keras, call)
        except UnknownSizeError as err:
            shapes = ", ".join(str(tuple(t.shape)[1:]) for t in inputs)
            raise ValueError(
                f"model has an input of unknown size, {shapes}: {err}. Give the size to "
                f"count at: build the model on keras.Input of a fixed shape, or call "
                f"audit_model(model, input_shape=...), e.g. (224, 224, 3) for images"
            ) from None
        first = rows.get(id(call.layer))
        if first is not None:  # called again: its weights once, its work once per call
            rows[id(call.layer)] = replace(
                first, macs=first.macs + row.macs, macs_1x1=first.macs_1x1 + row.macs_1x1
            )
            continue
        if not row.counted:
            row = replace(
                row, params=sum(_size(v) for v in call.layer.weights if id(v) not in seen)
            )
        seen.update(id(v) for v in call.layer.weights)
        rows[id(call.layer)] = row
    audit = ModelAudit(model.name, tuple(tuple(t.shape)[1:] for t in inputs), tuple(rows.values()))
    if audit.total_params != model.count_params():
        raise ValueError(
            f"model {model.name!r} has {model.count_params():,} parameters but the layers of "
            f"its graph hold {audit.total_params:,}: some weights belong to no layer the "
            f"graph calls (a weight added to the model itself, or a layer kept but unused); "
            f"audit a model whose weights all sit in the layers it calls"
        )
    return audit
