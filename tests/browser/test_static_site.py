"""The course as a static site (``python3 tasks.py site``), served from 127.0.0.1, in Chromium.

The site is built once in the session, from the notebooks as stored. Each page must render
with no console error and no request that leaves 127.0.0.1; its answers stay folded; and
every explorer the notebook saved is live with no kernel: each control, moved with the
keyboard, redraws the picture (unless the saved picture does not draw it either: use_bias),
and the readout is Python's (``readout_texts``) for the
values the page holds, the explorer made again from what its output saved.
"""

from __future__ import annotations

import functools
import json
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conv1x1_viz import contract
from conv1x1_viz.explorers.page import EXPLORER_MIMETYPE, explorer_from_saved
from conv1x1_viz.static_site import HOST_CLASS, build_site

from .browser_setup import find_notebooks, notebook_dir

NOTEBOOKS = [p for p in find_notebooks(notebook_dir()) if p.name[:2].isdigit()]
PAGES = ["index.html"] + [p.with_suffix(".html").name for p in NOTEBOOKS]

# A short fingerprint of the picture: its SVG and the pixels of its canvases.
PICTURE = """(host) => {
  const figure = host.querySelector('.c1x1-figure');
  let text = figure.innerHTML;
  for (const canvas of figure.querySelectorAll('canvas')) text += canvas.toDataURL();
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return `${text.length}:${h >>> 0}`;
}"""


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def site(tmp_path_factory, page_notes):
    """The site built from the stored notebooks, and its address on a local static server."""
    out = tmp_path_factory.mktemp("site")
    report = build_site(notebook_dir(), out)
    page_notes.append(f"static site: built in {report.seconds:.1f} s")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=out))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", report
    finally:
        server.shutdown()
        server.server_close()


def _saved(notebook):
    nb = json.loads(notebook.read_text())
    outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c["outputs"]]
    explorers = [
        o["data"][EXPLORER_MIMETYPE] for o in outputs if EXPLORER_MIMETYPE in o.get("data", {})
    ]
    texts = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]
    texts += ["".join(o["data"]["text/html"]) for o in outputs if "text/html" in o.get("data", {})]
    folded_code = sum(
        bool(c["metadata"].get("jupyter", {}).get("source_hidden"))
        for c in nb["cells"]
        if c["cell_type"] == "code"
    )
    return explorers, sum(t.count("<details") for t in texts) + folded_code


def _open(page, url):
    """Open *url*, recording every request and every error the page reports."""
    log = {"requests": [], "errors": []}
    page.on("request", lambda r: log["requests"].append(r.url))
    page.on("pageerror", lambda e: log["errors"].append(str(e)))
    page.on(
        "console",
        lambda m: log["errors"].append(m.text) if m.type in ("error", "warning") else None,
    )
    page.goto(url, wait_until="load")
    return log


def _check_explorer(page, host, saved):
    """Move every control of the explorer in *host*; the page must follow Python."""
    explorer = explorer_from_saved(saved)
    moved = []
    try:
        state = lambda: host.evaluate("(h) => h.c1x1State")  # noqa: E731

        def agrees():
            now = state()
            explorer.set(**now["wishes"])
            assert explorer.values == now["values"]
            shown = host.locator(contract.selector(contract.READOUT)).inner_text()
            assert shown.splitlines() == explorer.readout_texts()[1].splitlines(), now["values"]

        agrees()
        for key, control in explorer.controls.items():
            field = host.locator(f"{contract.selector(contract.slider_class(key))} input")
            keys = ["Space"] if field.get_attribute("type") == "checkbox" else ["End", "Home"]
            keys += ["ArrowRight"] if keys[0] != "Space" else ["Space"]
            for press in keys:
                before, picture = state(), host.evaluate(PICTURE)
                field.focus()
                page.keyboard.press(press)
                after = state()
                agrees()
                if after["values"] != before["values"]:
                    moved.append(key)
                    if host.evaluate(PICTURE) == picture:
                        # Only a control the saved picture does not draw (use_bias) may
                        # leave the page's picture as it was.
                        explorer.set(**before["wishes"])
                        drawn = explorer.snapshot()
                        explorer.set(**after["wishes"])
                        assert explorer.snapshot() == drawn, f"{key}: {after['values']}"
            if len(control.values()) > 1:
                assert key in moved, f"{saved['class']}'s {key} did not move"
        assert host.locator(contract.selector(contract.ERRORS)).inner_text() == ""
    finally:
        explorer.close()
    return moved


@pytest.mark.parametrize("name", PAGES)
def test_each_page_works_offline_and_its_explorers_are_live(page, site, name):
    base, report = site
    log = _open(page, base + name)
    assert page.title()
    if name == "index.html":
        links = page.locator(".c1x1-site-toc a").evaluate_all(
            "(a) => a.map((x) => x.getAttribute('href'))"
        )
        assert links == PAGES[1:]
    else:
        explorers, details = _saved(notebook_dir() / name.replace(".html", ".ipynb"))
        # Answers and worked solutions stay folded, and so does the code of every check,
        # which states its answer (folded in JupyterLab too).
        opened = page.locator("details").evaluate_all("(d) => d.map((x) => x.open)")
        assert opened == [False] * details
        shown_code = page.locator(
            ".jp-CodeCell > .jp-Cell-inputWrapper .jp-InputArea-editor"
        ).all_inner_texts()
        assert shown_code and not [c for c in shown_code if "check_prediction(" in c]
        hosts = page.locator(f".{HOST_CLASS}")
        assert hosts.count() == len(explorers) == len(report.explorers[name])
        for i, saved in enumerate(explorers):
            host = hosts.nth(i)
            assert host.get_attribute("data-mounted") == "true"
            assert host.locator("img").count() == 0  # the saved picture gave way
            _check_explorer(page, host, saved)
    assert log["errors"] == []
    outside = [u for u in log["requests"] if not u.startswith((base, "data:", "blob:"))]
    assert outside == [], outside
    assert log["requests"][0] == base + name


def test_pages_opened_from_the_disk_are_live_too(page, site, tmp_path):
    _, report = site
    with_explorers = [p for p in report.pages if report.explorers[p.name]]
    log = _open(page, with_explorers[0].as_uri())
    assert page.locator(f".{HOST_CLASS}[data-mounted=true]").count() == len(
        report.explorers[with_explorers[0].name]
    )
    assert log["errors"] == []
    assert all(u.startswith(("file:", "data:", "blob:")) for u in log["requests"])
