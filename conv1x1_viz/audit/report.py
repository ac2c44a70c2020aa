"""The audit of a model: its rows, the totals and 1×1 shares, as text and as HTML.

:class:`ModelAudit` holds the rows :func:`~conv1x1_viz.audit_model` made and adds them
up. It shows the same content two ways: plain text with fixed-width columns and
thousands separators, which does not depend on the terminal and so prints the same on
every machine (notebooks compare it), and an HTML table for JupyterLab. Both start with
the totals and the counting convention and list at most :data:`MAX_ROWS` rows, the
first and the last ones; :meth:`ModelAudit.to_text` gives every row.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from conv1x1_viz.architectures.table import _shape_text, row_sum
from conv1x1_viz.audit.rows import AuditRow, Shape

__all__ = ["MAC_CONVENTION", "MAX_ROWS", "ModelAudit"]

#: How the MACs are counted, stated once wherever an audit shows.
MAC_CONVENTION = (
    "MACs are multiply-accumulates for one input (FLOPs ≈ 2 × MACs);\n"
    "biases, normalisation, activations, softmax and pooling are not counted.\n"
    "1×1 layers mix channels position by position: 1×1 convolutions, the pointwise half\n"
    "of a separable one, and Dense or EinsumDense layers applied at every position\n"
    "(a transformer's feed-forward layers and its attention's four projections).\n"
    "Attention adds its two products, QKᵀ and A·V: heads × T_q × T_k × (d_k + d_v).\n"
    "Recurrent layers: steps × gates × (inputs + units) × units, with 1 gate for\n"
    "SimpleRNN, 3 for GRU and 4 for LSTM. Transposed convolutions: input positions ×\n"
    "C_in × kernel × C_out (with a kernel of 1s, a 1×1 layer). Embedding lookups\n"
    "cost no MACs. A Dense layer on a whole vector (a classifier) is kind dense."
)

#: How many rows an audit shows by itself (half from the start, half from the end).
MAX_ROWS = 40

_HEADER = ("#", "layer", "kind", "kernel", "groups", "output shape", "params", "MACs")
_RIGHT = (True, False, False, True, True, False, True, True)
_SUMMARY_RIGHT = (False, True, True, True)
_HIGHLIGHT = "#fde3c8"  # rows with a 1×1 kernel, a light tint of the drawings' 1×1 colour


def _percent(share: float) -> str:
    return f"{100 * share:.2f} %"


def _cells(index: int, row: AuditRow) -> tuple[str, ...]:
    kernel = "" if row.kernel is None else "×".join(str(k) for k in row.kernel)
    return (
        str(index),
        row.path,
        row.kind,
        kernel,
        "" if row.groups is None else f"{row.groups:,}",
        _shape_text(row.output_shape),
        f"{row.params:,}",
        f"{row.macs:,}" if row.counted else "not counted",
    )


#: Cell padding of the HTML tables, tighter than JupyterLab's, so that they fit 580 px.
_PAD = "padding:0.15em 0.4em"


def _breakable(text: str) -> str:
    """Escape a layer path for HTML, with line-break chances after each ``/`` and ``_``."""
    return html.escape(text).replace("/", "/<wbr>").replace("_", "_<wbr>")


def _html_row(
    cells: Sequence[str],
    right: Sequence[bool],
    tag: str = "td",
    *,
    tint: bool = False,
    breakable: int | None = None,
) -> str:
    """One HTML table row, each cell aligned as in the text.

    Cell number ``breakable`` (a layer path) may wrap after ``/`` and ``_``.
    """
    style = f' style="background:{_HIGHLIGHT}"' if tint else ""
    aligned = "".join(
        f'<{tag} style="text-align:{"right" if r else "left"};{_PAD}">'
        f"{_breakable(c) if i == breakable else html.escape(c)}</{tag}>"
        for i, (c, r) in enumerate(zip(cells, right, strict=True))
    )
    return f"<tr{style}>{aligned}</tr>"


def _fixed_width(lines: Sequence[Sequence[str]], right: Sequence[bool]) -> list[str]:
    """Lay out rows of cells in columns two spaces apart, without trailing spaces."""
    widths = [max(len(line[i]) for line in lines) for i in range(len(right))]
    return [
        "  ".join(
            c.rjust(w) if r else c.ljust(w) for c, w, r in zip(line, widths, right, strict=True)
        ).rstrip()
        for line in lines
    ]


@dataclass(frozen=True, repr=False)
class ModelAudit:
    """Every weight layer of a Keras model with its parameters and MACs, and the 1×1 share.

    Made by :func:`~conv1x1_viz.audit_model`. Its plain-text form (``print(audit)``,
    or the text a notebook stores) is the summary of :meth:`summary` and the table of
    :meth:`to_text`, cut to :data:`MAX_ROWS` rows; in JupyterLab it shows as HTML,
    the rows with a 1×1 kernel tinted.

    Attributes
    ----------
    name : str
        The model's name.
    input_shapes : tuple of tuple of int
        The shape of each input the counts are for, without the batch axis.
    rows : tuple of AuditRow
        One per weight layer, in the order of ``model.layers``, layers inside nested
        models included where their model is; a layer the model calls more than once
        is one row.
        Layers without weights (pooling, activations, adding) are left out.
    """

    name: str
    input_shapes: tuple[Shape, ...]
    rows: tuple[AuditRow, ...]

    total_params = row_sum("params", "All parameters, which equals Keras ``model.count_params()``.")
    total_macs = row_sum("macs", "Multiply-accumulates of the counted layers for one input.")
    params_1x1 = row_sum("params_1x1", "Parameters in 1×1 kernels (with their biases).")
    macs_1x1 = row_sum("macs_1x1", "Multiply-accumulates of the 1×1 kernels for one input.")

    @cached_property
    def count_1x1(self) -> int:
        """Number of rows with a 1×1 part.

        1×1 convolutions and per-position dense layers, separable layers (their pointwise
        half) and attention layers (their four projections).
        """
        return sum(bool(r.params_1x1 or r.macs_1x1) for r in self.rows)

    @property
    def share_1x1_params(self) -> float:
        """``params_1x1 / total_params`` (0 for a model without parameters)."""
        return self.params_1x1 / self.total_params if self.total_params else 0.0

    @property
    def share_1x1_macs(self) -> float:
        """``macs_1x1 / total_macs`` (0 when no MACs are counted)."""
        return self.macs_1x1 / self.total_macs if self.total_macs else 0.0

    @cached_property
    def not_counted(self) -> tuple[AuditRow, ...]:
        """The rows of kind ``"other"``, whose parameters are kept but MACs not counted."""
        return tuple(r for r in self.rows if not r.counted)

    def _not_counted_classes(self) -> str:
        classes = Counter(r.layer_class for r in self.not_counted)
        return ", ".join(f"{name} ×{n}" for name, n in sorted(classes.items())) or "nothing"

    def _summary_lines(self) -> list[tuple[str, ...]]:
        other = self.not_counted
        other_params = sum(r.params for r in other)
        params, macs = f"{self.total_params:,}", f"{self.total_macs:,}"
        return [
            ("", "layers", "parameters", "MACs"),
            ("counted by a rule", str(len(self.rows) - len(other)),
             f"{self.total_params - other_params:,}", macs),
            ("other (MACs not counted)", str(len(other)), f"{other_params:,}", "-"),
            ("all weight layers", str(len(self.rows)), params, macs),
            ("with 1×1 parts", str(self.count_1x1), f"{self.params_1x1:,}",
             f"{self.macs_1x1:,}"),
            ("1×1 share", "", _percent(self.share_1x1_params), _percent(self.share_1x1_macs)),
        ]  # fmt: skip

    def _title(self) -> str:
        shapes = ", ".join(_shape_text(s) for s in self.input_shapes)
        return f"{self.name}, for one input of shape {shapes}"

    def summary(self) -> str:
        """Return the totals, the 1×1 share and the counting convention as text.

        Returns
        -------
        str
            A few lines with fixed-width columns: layers, parameters and MACs counted,
            not counted (layers of kind ``"other"``, named by class), in total and in
            1×1 layers, and the 1×1 shares, then :data:`MAC_CONVENTION`.
        """
        table = _fixed_width(self._summary_lines(), _SUMMARY_RIGHT)
        return "\n".join(
            [
                self._title(),
                *("  " + line for line in table),
                f"not counted: {self._not_counted_classes()}",
                MAC_CONVENTION,
            ]
        )

    def _shown(self, max_rows: int | None) -> tuple[list[tuple[int, AuditRow]], int]:
        """Return the numbered rows to show and how many are left out (from the middle)."""
        numbered = list(enumerate(self.rows, start=1))
        if max_rows is None or len(numbered) <= max_rows:
            return numbered, 0
        head = (max_rows + 1) // 2
        tail = max_rows - head
        return numbered[:head] + numbered[len(numbered) - tail :], len(numbered) - max_rows

    def to_text(self, max_rows: int | None = None) -> str:
        """Return the summary and a table of the rows, as fixed-width text.

        Parameters
        ----------
        max_rows : int or None, default None
            Show only this many rows, the first and the last ones, with a line saying
            how many are left out; None shows every row.

        Returns
        -------
        str
            :meth:`summary`, then one line per row: number, path, kind, kernel, groups,
            output shape, parameters and MACs (``not counted`` for ``"other"``).
        """
        if max_rows is not None and (not isinstance(max_rows, int) or max_rows < 2):
            raise ValueError(f"max_rows must be a whole number ≥ 2 or None, got {max_rows!r}")
        shown, left_out = self._shown(max_rows)
        lines = _fixed_width([_HEADER, *(_cells(i, r) for i, r in shown)], _RIGHT)
        rule = "-" * max(len(line) for line in lines)
        if left_out:
            cut = 1 + (max_rows + 1) // 2
            gap = f"... {left_out} rows not shown: print(audit.to_text()) shows every row"
            lines[cut:cut] = [gap]
        return "\n".join([self.summary(), "", rule, lines[0], rule, *lines[1:], rule])

    def __repr__(self) -> str:
        """Return the summary and at most :data:`MAX_ROWS` rows, as :meth:`to_text` does."""
        return self.to_text(MAX_ROWS)

    __str__ = __repr__

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """Show the same text in IPython as ``repr``, whatever the terminal width."""
        printer.text(repr(self))

    def _repr_html_(self) -> str:
        """Show the summary and at most :data:`MAX_ROWS` rows as HTML tables."""
        summary = self._summary_lines()
        shown, left_out = self._shown(MAX_ROWS)
        prefix = f"{self.name}/"  # the title names the model: each path starts inside it
        body = [
            _html_row(
                _cells(i, replace(row, path=row.path.removeprefix(prefix))),
                _RIGHT,
                tint=bool(row.params_1x1),
                breakable=1,
            )
            for i, row in shown
        ]
        if left_out:
            body.insert(
                (MAX_ROWS + 1) // 2,
                f'<tr><td colspan="{len(_HEADER)}">… {left_out} rows not shown: '
                f"print(audit.to_text()) shows every row</td></tr>",
            )
        return "".join(
            [
                f'<div style="font-size:0.9em"><p><b>{html.escape(self._title())}</b></p><table>',
                _html_row(summary[0], _SUMMARY_RIGHT, "th"),
                *(_html_row(line, _SUMMARY_RIGHT) for line in summary[1:]),
                f"</table><p>not counted: {html.escape(self._not_counted_classes())}<br>",
                f"{html.escape(MAC_CONVENTION)}</p><table>",
                _html_row(_HEADER, _RIGHT, "th"),
                *body,
                "</table></div>",
            ]
        )
