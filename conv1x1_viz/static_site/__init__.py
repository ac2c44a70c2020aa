"""The course as a static site that works offline, its explorers live with no kernel.

``python3 tasks.py site`` (or ``python -m conv1x1_viz.static_site``) writes one HTML page a
notebook, in order, and ``index.html``, a table of contents, from the notebooks as they are
committed: nothing is run again and TensorFlow is not needed. Each page shows the stored
outputs (answers and worked solutions stay folded in their ``<details>``), and every
explorer drawn in the page is live: the notebook keeps, beside its picture, how to make it
again (:data:`~conv1x1_viz.explorers.page.EXPLORER_MIMETYPE`); here it is made again in
Python (NumPy and matplotlib only), and its page state (``spec``, ``values``, ``wishes``)
is written into the page with the kind's ES module, which a few lines (``loader.js``) hand
a model of their own, as a front end would hand anywidget's modules. The saved picture and
readout stay in the page until the module replaces them.

Nothing is fetched from elsewhere: nbconvert's ``lab`` template with its CSS inlined, and
without require.js, MathJax, Mermaid or the widget manager (the course's markdown has no
math). The pages also open from the disk (``file://``): the modules are inline scripts.
"""

from __future__ import annotations

import copy
import html
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["SiteReport", "build_site", "saved_explorers"]

_HERE = Path(__file__).resolve().parent
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
#: The DOM class of an explorer's place in a page (its kind in ``data-kind``).
HOST_CLASS = "c1x1-site-explorer"
_LINK = re.compile(r'href="((?:\./)?\d\d_[^"#/]*)\.ipynb(#[^"]*)?"')
_CSS = """
.c1x1-site-nav { display: flex; gap: 1.5em; justify-content: space-between;
  max-width: 1100px; margin: 0.5em auto; padding: 0.4em 1em; font-size: 14px;
  border-bottom: 1px solid var(--jp-border-color2, #ddd); }
.c1x1-site-nav a { text-decoration: none; }
.c1x1-site-explorer { padding: 4px 0; }
"""
_INDEX = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{title}</title>
<link rel="icon" href="data:,">
<style>
body {{ font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; max-width: 760px;
  margin: 2em auto; padding: 0 1em; line-height: 1.5; color: #222; }}
ul {{ list-style: none; padding: 0; }}
li {{ margin: 0.4em 0; }}
.c1x1-site-file {{ color: #777; font-size: 0.85em; }}
</style>
</head>
<body>
<h1>{title}</h1>
<p>The course's notebooks as they were last run, with their outputs. The explorers drawn in
the page move here too, with no kernel: drag their sliders or use the arrow keys on them.
To run the code, open the notebooks in JupyterLab (<code>python3 tasks.py lab</code>).</p>
<ul class="c1x1-site-toc">
{items}
</ul>
</body>
</html>
"""


@dataclass
class SiteReport:
    """What :func:`build_site` wrote.

    Attributes
    ----------
    pages : list of Path
        The notebooks' pages, in order (``index.html`` not included).
    explorers : dict of str to list of str
        For each page's file name, the classes of the live explorers on it, in order.
    static : dict of str to int
        For each page's file name, explorers kept as their saved picture (not made again).
    seconds : float
        How long the build took.
    """

    pages: list[Path] = field(default_factory=list)
    explorers: dict[str, list[str]] = field(default_factory=dict)
    static: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def _title(nb: Any, fallback: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#\s+(.+)$", cell.source, re.M)
            if match:
                return match[1].strip()
    return fallback


def saved_explorers(nb: Any) -> list[dict[str, Any]]:
    """Return what each explorer output of notebook *nb* saved, in order (see ``saved()``)."""
    from conv1x1_viz.explorers.page import EXPLORER_MIMETYPE

    return [
        output["data"][EXPLORER_MIMETYPE]
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if EXPLORER_MIMETYPE in output.get("data", {})
    ]


def _script_json(data: Any) -> str:
    """JSON that can sit in a ``<script>`` element (no ``</`` in it)."""
    return json.dumps(data, separators=(",", ":")).replace("</", "<\\/")


def _live_outputs(nb: Any) -> tuple[dict[str, str], list[str], int]:
    """Put each explorer's page state in its output, in place; return modules and classes.

    Each output that saved how to make its explorer again becomes a host: the state as
    JSON, then the saved picture and readout, which the kind's module replaces. Widget
    views (no state was stored) are dropped, so that their picture is shown.
    """
    from conv1x1_viz.explorers.page import EXPLORER_MIMETYPE, explorer_from_saved

    modules: dict[str, str] = {}
    classes: list[str] = []
    static = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = output.get("data", {})
            saved = data.pop(EXPLORER_MIMETYPE, None)
            if saved is None:
                static += (
                    WIDGET_VIEW in data
                    and "text/plain" in data
                    and "Explorer" in str(data["text/plain"])
                )
                data.pop(WIDGET_VIEW, None)
                continue
            explorer = explorer_from_saved(saved)
            try:
                state = {
                    "spec": explorer.spec,
                    "values": explorer.values,
                    "wishes": explorer.wishes,
                    "error": "",
                }
                module = explorer._esm
                if "</script" in module.lower():
                    raise ValueError(f"{explorer.kind}'s module cannot be written in a page")
                modules.setdefault(explorer.kind, module)
                saved_html = data.get("text/html", "")
                if isinstance(saved_html, list):
                    saved_html = "".join(saved_html)
                output["data"] = {
                    "text/html": (
                        f'<div class="{HOST_CLASS}" data-kind="{html.escape(explorer.kind)}">'
                        f'<script type="application/json" class="c1x1-site-state">'
                        f"{_script_json(state)}</script>{saved_html}</div>"
                    ),
                    "text/plain": data.get("text/plain", ""),
                }
                classes.append(saved["class"])
            finally:
                explorer.close()
    return modules, classes, static


def _nav(pages: list[tuple[str, str]], i: int) -> str:
    links = ['<a href="index.html">Contents</a>']
    if i > 0:
        name, title = pages[i - 1]
        links.insert(0, f'<a href="{name}" rel="prev">← {html.escape(title)}</a>')
    if i + 1 < len(pages):
        name, title = pages[i + 1]
        links.append(f'<a href="{name}" rel="next">{html.escape(title)} →</a>')
    return f'<nav class="c1x1-site-nav">{"".join(links)}</nav>'


def build_site(notebooks: Path, out: Path, *, title: str = "1×1 convolutions") -> SiteReport:
    """Write the site of the notebooks ``NN_*.ipynb`` in *notebooks* into *out*.

    Parameters
    ----------
    notebooks : Path
        The folder of the notebooks, executed and saved (nothing is run here).
    out : Path
        The folder to write; its old pages are replaced.
    title : str
        The course's title, on the contents page.

    Returns
    -------
    SiteReport
    """
    import nbformat
    from nbconvert import HTMLExporter

    started = time.perf_counter()
    paths = sorted(Path(notebooks).glob("[0-9][0-9]_*.ipynb"))
    if not paths:
        raise ValueError(f"no notebooks NN_*.ipynb in {notebooks}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.html"):
        old.unlink()
    books = [nbformat.read(p, as_version=4) for p in paths]
    pages = [
        (p.with_suffix(".html").name, _title(nb, p.stem))
        for p, nb in zip(paths, books, strict=True)
    ]
    exporter = HTMLExporter(
        template_name="c1x1_site", extra_template_basedirs=[str(_HERE / "templates")]
    )
    loader = (_HERE / "loader.js").read_text(encoding="utf-8")
    report = SiteReport()
    for i, (nb, (name, page_title)) in enumerate(zip(books, pages, strict=True)):
        nb = copy.deepcopy(nb)
        modules, classes, static = _live_outputs(nb)
        nb.metadata["title"] = page_title
        resources = {
            "c1x1_site": {
                "css": _CSS,
                "nav": _nav(pages, i),
                "modules": [module + loader for module in modules.values()],
            }
        }
        body, _ = exporter.from_notebook_node(nb, resources=resources)
        body = _LINK.sub(lambda m: f'href="{m[1]}.html{m[2] or ""}"', body)
        target = out / name
        target.write_text(body, encoding="utf-8")
        report.pages.append(target)
        report.explorers[name] = classes
        report.static[name] = static
    items = "\n".join(
        f'<li><a href="{name}">{html.escape(page_title)}</a> '
        f'<span class="c1x1-site-file">{html.escape(name)}</span></li>'
        for name, page_title in pages
    )
    (out / "index.html").write_text(
        _INDEX.format(title=html.escape(title), items=items), encoding="utf-8"
    )
    report.seconds = time.perf_counter() - started
    return report
