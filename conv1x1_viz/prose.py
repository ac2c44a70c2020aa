"""Prose that code writes for the notebooks: sentences with computed numbers, folded answers.

Two small display objects. Each has a plain-text form, which is what a terminal prints
and what nbval compares when it re-runs a notebook, and a rich form, which is what
JupyterLab, GitHub and nbviewer show:

- :class:`Sentence`: a paragraph of Markdown whose numbers were computed by the cell
  that made it. Its plain text is the same paragraph, so a re-run that computes another
  number fails nbval, as a printed count would.
- :class:`Folded`: text kept behind a collapsed "Show the answer" element (an HTML
  ``<details>``). Its plain text says only that something is folded there, never what,
  so that a notebook run from top to bottom, or read on GitHub, gives nothing away
  unasked.

Both are pure Python: ``import conv1x1_viz.prose`` loads nothing else.
"""

from __future__ import annotations

import html
import re

from conv1x1_viz.validation import text

__all__ = ["Folded", "Sentence", "markup"]

_CODE = re.compile(r"`([^`]+)`")
_STRONG = re.compile(r"\*\*([^*]+)\*\*")
_EMPHASIS = re.compile(r"(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])")


def _inline(escaped: str) -> str:
    """Turn `code`, **strong** and *emphasis* into HTML, in text already escaped."""
    escaped = _CODE.sub(r"<code>\1</code>", escaped)
    escaped = _STRONG.sub(r"<strong>\1</strong>", escaped)
    return _EMPHASIS.sub(r"<em>\1</em>", escaped)


def markup(source: str) -> str:
    r"""Render a little Markdown as HTML: paragraphs, lists, code blocks and inline marks.

    Blocks are separated by blank lines. A block whose lines all start with four spaces
    is code (``<pre>``); a block whose lines all start with ``- `` is a list; any other
    block is a paragraph. Inside paragraphs and list items, ```code```, ``**strong**``
    and ``*emphasis*`` are marked up. Everything else is escaped, so ``<`` and ``&``
    print as themselves.

    Parameters
    ----------
    source : str
        The text, in that small subset of Markdown.

    Returns
    -------
    str
        An HTML fragment.

    Examples
    --------
    >>> markup("Solve for `r`: **440**.\n\n    r = 1 + 2")
    '<p>Solve for <code>r</code>: <strong>440</strong>.</p>\n<pre>r = 1 + 2</pre>'
    >>> markup("- one\n- two < three")
    '<ul><li>one</li><li>two &lt; three</li></ul>'
    """
    blocks = [b for b in re.split(r"\n\s*\n", text("source", source).strip("\n")) if b.strip()]
    parts = []
    for block in blocks:
        lines = block.split("\n")
        if all(line.startswith("    ") for line in lines):
            code = "\n".join(line[4:] for line in lines)
            parts.append(f"<pre>{html.escape(code, quote=False)}</pre>")
        elif all(line.startswith("- ") for line in lines):
            items = "".join(
                f"<li>{_inline(html.escape(line[2:], quote=False))}</li>" for line in lines
            )
            parts.append(f"<ul>{items}</ul>")
        else:
            joined = " ".join(line.strip() for line in lines)
            parts.append(f"<p>{_inline(html.escape(joined, quote=False))}</p>")
    return "\n".join(parts)


class Sentence:
    """A paragraph of Markdown written by code, shown as Markdown, compared as text.

    Use it where prose needs a number that a cell computes: the notebook shows the
    sentence rendered, and its plain text (what nbval compares) is the same sentence,
    so the number stays checked.

    Parameters
    ----------
    source : str
        The paragraph, in Markdown, with its numbers already filled in.

    Examples
    --------
    >>> Sentence(f"The direct layer has **{1_605_696:,}** parameters.")
    The direct layer has **1,605,696** parameters.
    """

    def __init__(self, source: str) -> None:
        self.source = text("source", source)

    def __repr__(self) -> str:
        """Return the paragraph itself: the plain text that nbval compares."""
        return self.source

    def _repr_markdown_(self) -> str:
        """Return the paragraph for Markdown renderers."""
        return self.source


class Folded:
    """Text behind a collapsed element that the reader opens on purpose.

    The rich form is an HTML ``<details>`` element, closed, whose ``<summary>`` is
    ``summary``; ``body`` (a little Markdown, see :func:`markup`) is inside it.
    JupyterLab, GitHub and nbviewer show it folded. The plain-text form names the
    element and says how to open it, and holds nothing of ``body``. A terminal user
    reads the body with ``print(folded.text)``.

    Parameters
    ----------
    body : str
        What is folded away: an answer, a worked solution.
    summary : str, default "Show the answer"
        The words on the element that opens it.
    lead : str, default ""
        A sentence shown above the element, never folded (e.g. "No guess yet").

    Examples
    --------
    >>> folded = Folded("The answer is **42**.", lead="No guess yet.")
    >>> folded
    No guess yet.
    [“Show the answer” is folded here: open it in JupyterLab or on GitHub.]
    >>> "42" in repr(folded), "42" in folded.text
    (False, True)
    >>> print(folded._repr_html_())
    <div class="c1x1-folded"><p>No guess yet.</p>
    <details><summary>Show the answer</summary>
    <p>The answer is <strong>42</strong>.</p>
    </details></div>
    """

    def __init__(self, body: str, summary: str = "Show the answer", *, lead: str = "") -> None:
        self.text = text("body", body)
        self.summary = text("summary", summary)
        if not isinstance(lead, str):
            raise ValueError(f"lead must be a string, got {lead!r}")
        self.lead = lead

    def __repr__(self) -> str:
        """Return the lead and a notice that something is folded, never the body."""
        notice = f"[“{self.summary}” is folded here: open it in JupyterLab or on GitHub.]"
        return f"{self.lead}\n{notice}" if self.lead else notice

    def _repr_html_(self) -> str:
        """Return the lead and a closed ``<details>`` element holding the body."""
        lead = f"<p>{_inline(html.escape(self.lead, quote=False))}</p>\n" if self.lead else ""
        return (
            f'<div class="c1x1-folded">{lead}'
            f"<details><summary>{html.escape(self.summary, quote=False)}</summary>\n"
            f"{markup(self.text)}\n</details></div>"
        )
