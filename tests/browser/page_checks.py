"""Is the open notebook broken? Everything that decides it, in one place.

:func:`page_problems` reads each cell as the page shows it (``c1x1Test.pageReport`` in
``js/checks.js``) and the errors the page logged (:class:`PageLog`), and compares with what
the saved notebook promised (:func:`saved_expectations`). The checker's own test feeds it a
notebook broken on purpose and checks that it complains.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from conv1x1_viz import contract

from .js_loader import call

WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"
IMAGE_MIMES = ("image/png", "image/svg+xml", "image/jpeg")
# What the page report looks for, from the contract the explorers follow.
PAGE_SELECTORS = {
    "explorer": contract.selector(contract.EXPLORER),
    "errors": contract.selector(contract.ERRORS),
}
NEWS_REQUEST = re.compile(r"/lab/api/(news|update)\b")
NEWS_TOAST = ".jp-toast-message, .Toastify__toast"

# Console errors a healthy page may log; anything else logged with console.error fails the
# notebook. With the settings of lab_server.py (no news, no update check, read-only extension
# manager) a clean run of JupyterLab 4.6 + ipywidgets 8 + anywidget logs no console error at all,
# so the list is one narrow entry: a request that left the machine (not to our 127.0.0.1 server) and
# failed at the network level (offline CI, DNS blocked). The course must not depend on the
# internet, and whatever such a request was for is checked by the rest of the page checks
# (figures drawn, widgets rendered). Errors from the local server are never allowed.
# Each entry: (pattern on the message, pattern on the resource URL, why it is harmless).
ALLOWED_CONSOLE_ERRORS: list[tuple[re.Pattern[str], re.Pattern[str], str]] = [
    (
        re.compile(r"^Failed to load resource: net::ERR_[A-Z_]+"),
        re.compile(r"^(?!https?://(127\.0\.0\.1|localhost)[:/])"),
        "a request to the internet failed offline; nothing in the course needs the network",
    ),
]


@dataclass
class CellExpectation:
    """What one code cell showed when the notebook was last saved after running."""

    index: int
    images: int = 0  # static images (inline matplotlib, PNG/SVG displays)
    widgets: int = 0  # widget views (the explorers)


def saved_expectations(path: Path) -> list[CellExpectation]:
    """Read the stored outputs of *path* and list the code cells that showed figures or widgets.

    A bundle with a widget view is rendered as the widget in JupyterLab (its PNG fallback is for
    static viewers), so it counts as a widget, not as an image.
    """
    nb = json.loads(path.read_text(encoding="utf-8"))
    found = []
    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        exp = CellExpectation(index)
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if WIDGET_VIEW_MIME in data:
                exp.widgets += 1
            elif any(m in data for m in IMAGE_MIMES):
                exp.images += 1
        if exp.images or exp.widgets:
            found.append(exp)
    return found


@dataclass
class PageLog:
    """Errors a page reported while a notebook was open."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    allowed: list[str] = field(default_factory=list)
    # Requests for Jupyter's news or an update check: the course's settings turn both off.
    news_requests: list[str] = field(default_factory=list)

    def attach(self, page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda err: self.page_errors.append(_error_text(err)))
        page.on("request", self._on_request)

    def _on_request(self, request) -> None:
        if NEWS_REQUEST.search(request.url):
            self.news_requests.append(request.url)

    def _on_console(self, msg) -> None:
        if msg.type != "error":
            return
        url = (msg.location or {}).get("url") or ""
        text = f"{msg.text} [{url}]" if url else msg.text
        for text_pattern, url_pattern, _why in ALLOWED_CONSOLE_ERRORS:
            if text_pattern.search(msg.text) and url and url_pattern.search(url):
                self.allowed.append(text)
                return
        self.console_errors.append(text)


def _error_text(err: object) -> str:
    stack = getattr(err, "stack", None)
    return str(stack or err)


ERROR_LINE = re.compile(r"^(Traceback|\w*(Error|Exception)\b)", re.MULTILINE)


@dataclass
class PageReport:
    """What :func:`page_problems` found: problems fail the test, notes are only printed."""

    problems: list[str]
    notes: list[str]
    cells: list[dict]


def page_problems(page, log: PageLog, expected: list[CellExpectation] | None = None) -> PageReport:
    """List everything wrong with the open notebook as a learner would see it.

    Problems: error outputs, tracebacks on stderr, widgets that failed to display or never
    loaded, messages in an explorer's error area, code cells that did not run, images that did
    not load, figures or widgets the saved notebook had but
    the page lacks, uncaught page errors and console errors not in ``ALLOWED_CONSOLE_ERRORS``.
    """
    cells = call(page, "pageReport", PAGE_SELECTORS)
    problems: list[str] = []
    notes: list[str] = []
    if cells is None:
        return PageReport(["no notebook is open in the page"], notes, [])
    for c in cells:
        where = f"cell {c['index']}"
        for t in c["errors"]:
            problems.append(f"{where}: error output: {_short(t)}")
        for t in c["stderr"]:
            if ERROR_LINE.search(t):
                problems.append(f"{where}: traceback on stderr: {_short(t)}")
            else:
                notes.append(f"{where}: stderr: {_short(t)}")
        for t in c["widgetErrorText"]:
            problems.append(f"{where}: widget failed to display: {_short(t)}")
        for t in c["widgetLoading"]:
            problems.append(f"{where}: widget never finished loading: {_short(t)}")
        if c["errorWidgets"]:
            problems.append(f"{where}: {c['errorWidgets']} widget(s) replaced by the error widget")
        for t in c["explorerErrors"]:
            problems.append(f"{where}: explorer error area is not empty: {_short(t)}")
        ran = c.get("count") is not None or re.match(r"^\[\d+\]", c["prompt"])
        if c["code"] and not c["empty"] and not ran:
            problems.append(f"{where}: did not run (prompt {c['prompt'] or 'empty'})")
        for i, img in enumerate(c["images"]):
            if not img["ok"]:
                problems.append(f"{where}: image {i} did not load")
        for img in c["markdownImages"]:
            if not img["ok"]:
                problems.append(f"{where}: picture in the text did not load: {img['src']}")
        for t in c["mathErrors"]:
            problems.append(f"{where}: formula does not typeset: {_short(t)}")
    by_index = {c["index"]: c for c in cells}
    for exp in expected or []:
        c = by_index.get(exp.index)
        if c is None:
            problems.append(f"cell {exp.index}: missing from the page")
            continue
        shown_images = sum(1 for i in c["images"] if i["ok"])
        if exp.images and shown_images < exp.images:
            problems.append(
                f"cell {exp.index}: saved notebook shows {exp.images} figure image(s), "
                f"the page {shown_images}"
            )
        if exp.widgets and c["widgets"] == 0:
            problems.append(
                f"cell {exp.index}: saved notebook shows {exp.widgets} widget(s), the page none"
            )
    for t in log.page_errors:
        problems.append(f"uncaught error in the page: {_short(t)}")
    for t in log.console_errors:
        problems.append(f"console error: {_short(t)}")
    for url in log.news_requests:
        problems.append(f"JupyterLab asked for news or updates: {url}")
    if page.locator(NEWS_TOAST).filter(has_text="news").count():
        problems.append("JupyterLab shows a pop-up about Jupyter news")
    problems = sorted(_dedupe(problems), key=_cell_order)  # by cell, then page-wide
    return PageReport(problems, notes, cells)


def _dedupe(problems: list[str]) -> list[str]:
    """Keep the first of identical problems, counting the repeats."""
    counts: dict[str, int] = {}
    for p in problems:
        counts[p] = counts.get(p, 0) + 1
    return [p if n == 1 else f"{p} (×{n})" for p, n in counts.items()]


def _cell_order(problem: str) -> int:
    m = re.match(r"cell (\d+):", problem)
    return int(m.group(1)) if m else sys.maxsize


def _short(text: str, limit: int = 400) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


#: Window widths a learner's laptop gives JupyterLab, file browser open (the default layout).
LAPTOP_WIDTHS = (1024, 1280, 1366)


def overflow_problems(page, widths=LAPTOP_WIDTHS) -> list[str]:
    """Resize the window to each width and list every output wider than its cell there.

    An output that needs horizontal scrolling, or a picture that sticks out of its cell,
    is clipped for the learner. The window is left at the last width.
    """
    problems = []
    height = page.viewport_size["height"]
    for width in widths:
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(300)  # JupyterLab lays the panels out again on resize
        for out in call(page, "overflowingOutputs") or []:
            problems.append(
                f"cell {out['index']}: at a {width}-px window an output reaches "
                f"{out['reach']} px in a {out['width']}-px output area"
            )
    return problems
