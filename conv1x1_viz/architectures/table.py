"""The layer table: per-layer output shapes, parameters and MACs, as fixed-width text.

:func:`~conv1x1_viz.architectures.walk_layers` fills a :class:`LayerTable` from an
architecture's description (with MACs); :func:`conv1x1_viz.models.layer_table` fills
one from a built Keras model (without). Either way ``print(table)`` gives the same
text on every machine, which notebooks show instead of Keras ``model.summary()``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

__all__ = ["LayerRow", "LayerTable"]

#: A shape without the batch axis: ``(H, W, C)`` or ``(C,)``.
Shape = tuple[int, ...]


@dataclass(frozen=True)
class LayerRow:
    """One line of a :class:`LayerTable`: ``LayerRow(name, kind, output_shape, params, ...)``.

    Attributes
    ----------
    name : str
        Layer name.
    kind : str
        Keras class name, e.g. ``"Conv2D"``.
    output_shape : tuple of (int or None)
        Shape of one image's output, without the batch axis: ``(H, W, C)`` or ``(C,)``;
        ``None`` for a size a Keras model leaves open.
    params : int
        All parameters, as Keras ``count_params()`` counts them.
    macs : int or None, default None
        Multiply-accumulates for one image; ``None`` when not known (a table read off
        a Keras model).
    non_trainable_params : int, default 0
        The part of ``params`` that training does not change (batch-norm statistics).
    """

    name: str
    kind: str
    output_shape: Shape
    params: int
    macs: int | None = None
    non_trainable_params: int = 0


def row_sum(field: str, doc: str) -> cached_property[int]:
    """Make a cached property that adds up one field of ``self.rows``.

    The totals of :class:`LayerTable` and of :class:`~conv1x1_viz.audit.ModelAudit` are
    such sums; each is computed once, on first use.

    Parameters
    ----------
    field : str
        The attribute of each row to add up, e.g. ``"params"``.
    doc : str
        The property's docstring, which :func:`help` shows.

    Returns
    -------
    functools.cached_property
        To assign in a class body whose instances have ``rows``.

    Examples
    --------
    >>> table = LayerTable("t", (LayerRow("a", "Conv2D", (4,), 3), LayerRow("b", "Dense", (2,), 5)))
    >>> table.total_params, LayerTable.total_params.__doc__
    (8, "Sum of all layers' parameters (Keras ``model.count_params()``).")
    """

    def total(self: Any) -> int:
        return sum(getattr(row, field) for row in self.rows)

    total.__doc__ = doc
    return cached_property(total)


def _shape_text(shape: Shape) -> str:
    return "(" + ", ".join(str(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"


@dataclass(frozen=True, repr=False)
class LayerTable:
    """Per-layer output shapes, parameters and MACs of a model, with totals.

    Its plain-text ``repr`` has fixed-width columns and thousands separators and does
    not depend on the terminal, unlike Keras ``model.summary()``; there is no HTML
    form, so notebooks show the same text everywhere. Make one with
    ``LayerTable(title, rows)``; the totals are summed once, on first use.

    Attributes
    ----------
    title : str
        Printed above the table (the architecture or model name).
    rows : tuple of LayerRow
        One per layer, in order; the first is usually the input.
    """

    title: str
    rows: tuple[LayerRow, ...]

    total_params = row_sum(
        "params", "Sum of all layers' parameters (Keras ``model.count_params()``)."
    )
    non_trainable_params = row_sum(
        "non_trainable_params", "Sum of the parameters that training does not change."
    )

    @cached_property
    def trainable_params(self) -> int:
        """``total_params - non_trainable_params``."""
        return self.total_params - self.non_trainable_params

    @cached_property
    def total_macs(self) -> int | None:
        """Sum of all layers' MACs for one image, or ``None`` if some are unknown."""
        if any(r.macs is None for r in self.rows):
            return None
        return sum(r.macs for r in self.rows)

    @property
    def output_shape(self) -> Shape:
        """Output shape of the last layer."""
        return self.rows[-1].output_shape

    def row(self, name: str) -> LayerRow:
        """Return the row of the layer called ``name``.

        Parameters
        ----------
        name : str
            A layer name.

        Returns
        -------
        LayerRow
        """
        for r in self.rows:
            if r.name == name:
                return r
        raise ValueError(f"no layer named {name!r}; layers are {[r.name for r in self.rows]}")

    def __len__(self) -> int:
        """Return the number of rows."""
        return len(self.rows)

    def __repr__(self) -> str:
        """Fixed-width text table, identical on every machine."""
        with_macs = self.total_macs is not None
        header = ["Layer", "Kind", "Output shape", "Params"] + (["MACs"] if with_macs else [])
        body = [
            [r.name, r.kind, _shape_text(r.output_shape), f"{r.params:,}"]
            + ([f"{r.macs:,}"] if with_macs else [])
            for r in self.rows
        ]
        total = ["Total", "", "", f"{self.total_params:,}"] + (
            [f"{self.total_macs:,}"] if with_macs else []
        )
        widths = [max(len(line[i]) for line in [header, *body, total]) for i in range(len(header))]
        right = [False, False, False, True, True]

        def fmt(cells: list[str]) -> str:
            parts = [
                c.rjust(w) if right[i] else c.ljust(w)
                for i, (c, w) in enumerate(zip(cells, widths, strict=True))
            ]
            return "  ".join(parts).rstrip()

        rule = "-" * (sum(widths) + 2 * (len(widths) - 1))
        lines = [self.title, rule, fmt(header), rule, *(fmt(b) for b in body), rule, fmt(total)]
        if self.non_trainable_params:
            lines.append(
                f"of which non-trainable (batch-norm moving mean and variance): "
                f"{self.non_trainable_params:,}"
            )
        return "\n".join(lines)

    __str__ = __repr__
