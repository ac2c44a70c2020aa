"""Walk a Keras model's layer graph, nested models included, recording every layer call.

Keras 3 keeps the graph of a functional model (and of a built ``Sequential``, which
holds one) and computes its output shapes by running that graph on symbolic tensors.
:func:`trace_calls` runs the same graph the same way, with one change: it steps into
every nested functional or ``Sequential`` model, so that the layers inside see the
shapes they get in this model. That matters for transfer learning, where a base
network built for any image size, ``(None, None, 3)``, sits in a model with a fixed
input. Nothing is computed on numbers and the model is not changed.

The graph is run with ``Function._run_through_graph``, the method Keras' own
``compute_output_spec`` uses; it is not public API, so this module is the one place
that would change with it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

__all__: list[str] = []


@dataclass(frozen=True)
class LayerCall:
    """One call of a layer in the graph.

    Attributes
    ----------
    layer : keras.layers.Layer
        The layer (a model that Keras keeps no graph of counts as a layer).
    path : str
        The names of the models it sits in and its own, joined by ``/``.
    place : tuple of int
        Its index in ``model.layers``, after the indices of the models it sits in:
        sorting by it gives the order of ``model.summary()``, nested layers where
        their model is.
    input_shapes : tuple of tuple
        Shapes of its tensor inputs, without the batch axis.
    output_shape : tuple
        Shape of its (first) output, without the batch axis.
    inputs : dict of str to tuple
        Shapes of its tensor arguments by the names of its ``call()`` (``query``,
        ``value``, ...), without the batch axis; those it was given by position too.
    """

    layer: Any
    path: str
    place: tuple[int, ...]
    input_shapes: tuple[tuple[int | None, ...], ...]
    output_shape: tuple[int | None, ...]
    inputs: dict[str, tuple[int | None, ...]] = field(default_factory=dict)


def _graph(model: Any) -> Any | None:
    """Return the functional graph of a model: its own, a ``Sequential``'s, or None."""
    if hasattr(model, "_run_through_graph") and hasattr(model, "_nodes_by_depth"):
        return model
    functional = getattr(model, "_functional", None)
    return functional if functional is not None and _graph(functional) else None


def _shapes(tensors: Any) -> tuple[tuple[int | None, ...], ...]:
    """Return the shapes, without the batch axis, of the tensors among some arguments."""
    found: list = []
    stack = [tensors]
    while stack:
        item = stack.pop(0)
        if isinstance(item, list | tuple):
            stack[:0] = list(item)
        elif isinstance(item, dict):
            stack[:0] = list(item.values())
        elif hasattr(item, "shape") and hasattr(item, "dtype"):
            found.append(tuple(item.shape)[1:])
    return tuple(found)


def _named_shapes(op: Any, args: tuple, kwargs: dict) -> dict[str, tuple[int | None, ...]]:
    """Return the shapes of the tensors ``op.call`` was given, by its parameters' names."""
    try:
        bound = inspect.signature(op.call).bind_partial(*args, **kwargs)
    except (TypeError, ValueError):  # an op whose call() cannot be read
        return {}
    named = {}
    for name, value in bound.arguments.items():
        shapes = _shapes(value)
        if len(shapes) == 1 and not isinstance(value, list | tuple | dict):
            named[name] = shapes[0]
    return named


def _call(
    op: Any,
    indices: dict[int, int],
    place: tuple[int, ...],
    path: str,
    record: Callable[[LayerCall], None],
    *args: Any,
    **kwargs: Any,
) -> Any:
    """Compute the output spec of one node of a model, stepping into nested models.

    *indices* maps ``id(layer)`` to the layer's index in the model's ``layers`` (an op that
    is not a layer, such as ``keras.ops.add``, comes after them all).
    """
    index = indices.get(id(op), len(indices))
    place, path = (*place, index), f"{path}/{op.name}"
    if _graph(op) is not None:
        return run_model(op, args[0], record, path, place)
    outputs = op.compute_output_spec(*args, **kwargs)
    shapes, named = _shapes((args, kwargs)), _named_shapes(op, args, kwargs)
    record(LayerCall(op, path, place, shapes, _shapes(outputs)[0], named))
    return outputs


def run_model(
    model: Any,
    inputs: Any,
    record: Callable[[LayerCall], None],
    path: str | None = None,
    place: tuple[int, ...] = (),
) -> Any:
    """Run ``model``'s graph on symbolic ``inputs``, calling ``record`` for every layer call.

    Parameters
    ----------
    model : keras.Model
        A functional model or a ``Sequential`` with a graph.
    inputs : KerasTensor or structure of them
        What the model is called on, with the shapes to count at.
    record : callable
        Called with a :class:`LayerCall` for every layer call, nested models' layers
        included, in the order the graph runs them (from the inputs on).
    path : str, optional
        The path of ``model`` itself (its name by default); its layers' paths start
        with it.
    place : tuple of int, default ()
        The place of ``model`` in the models it sits in.

    Returns
    -------
    The symbolic outputs.
    """
    path = model.name if path is None else path
    # Keras rebuilds ``model.layers`` at every read: read it once, not once a node.
    indices = {id(layer): i for i, layer in enumerate(model.layers)}
    return _graph(model)._run_through_graph(
        inputs, operation_fn=lambda op: partial(_call, op, indices, place, path, record)
    )
