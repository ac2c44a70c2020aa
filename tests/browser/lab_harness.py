"""Drive JupyterLab in Chromium: start the server, run a notebook, check the page, time sliders.

The fixtures in ``conftest.py`` and the tests in ``test_notebooks_in_jupyterlab.py`` use these
helpers. Everything that decides whether a page is broken lives in :func:`page_problems`, so the
negative test can feed it a notebook broken on purpose and check that it complains.

The DOM classes looked for here are the contract with ``conv1x1_viz.explorers``: an explorer's root
has ``c1x1-explorer`` and ``c1x1-<kind>``, each slider ``c1x1-slider-<key>``, the text readout
``c1x1-readout`` and the ``Output`` that shows callback errors ``c1x1-errors``.

Environment variables:

- ``C1X1_NOTEBOOKS``: folder of notebooks to test (default: the repository's ``notebooks``);
- ``C1X1_CHROMIUM``: Chromium executable (default ``/usr/bin/chromium``; never downloaded);
- ``CI``: when set (``true``, ``1``), a missing or broken browser fails instead of skipping;
- ``C1X1_LATENCY_MS``: latency target for the median key press → readout (default 150).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
DEFAULT_NOTEBOOKS = REPO / "notebooks"
DEFAULT_CHROMIUM = "/usr/bin/chromium"

# Flags for a quiet, offline, root-friendly headless Chromium (no sandbox in containers, no
# GPU, nothing fetched from Google's servers in the background).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--disable-features=Translate,OptimizationHints,MediaRouter",
    "--metrics-recording-only",
    "--mute-audio",
]

# Target from the issue: median time from key press to updated readout text.
LATENCY_TARGET_MS = float(os.environ.get("C1X1_LATENCY_MS", "150"))
PRESSES_PER_SLIDER = 10
# The two sliders every explorer is driven by, when it has them.
DRIVEN_SLIDERS = ("filters", "in_channels")

# Console errors a healthy page may log; anything else logged with console.error fails the
# notebook. With the settings below (no news, no update check, read-only extension manager)
# a clean run of JupyterLab 4.6 + ipywidgets 8 + ipympl logs no console error at all, so the
# list is one narrow entry: a request that left the machine (not to our 127.0.0.1 server) and
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

WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"
IMAGE_MIMES = ("image/png", "image/svg+xml", "image/jpeg")


def truthy_env(name: str) -> bool:
    """Return whether an environment variable is set to something other than false/0/empty."""
    return os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no", "off")


def notebook_dir() -> Path:
    """Folder whose notebooks are tested: ``C1X1_NOTEBOOKS`` or the repository's ``notebooks``."""
    return Path(os.environ.get("C1X1_NOTEBOOKS", DEFAULT_NOTEBOOKS)).resolve()


def find_notebooks(folder: Path) -> list[Path]:
    """Notebooks to test: ``*.ipynb`` directly in *folder*, except ``_*`` and checkpoints."""
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.glob("*.ipynb")
        if not p.name.startswith("_") and ".ipynb_checkpoints" not in p.parts
    )


# --------------------------------------------------------------------------------------------
# What the saved notebook promises: figures and widgets per code cell.


@dataclass
class CellExpectation:
    """What one code cell showed when the notebook was last saved after running."""

    index: int
    images: int = 0  # static images (inline matplotlib, PNG/SVG displays)
    widgets: int = 0  # widget views (explorers, ipympl canvases)


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


# --------------------------------------------------------------------------------------------
# The JupyterLab server.


def free_port() -> int:
    """Ask the OS for a free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# User settings written into the private settings folder: every cell stays attached to the DOM
# (windowing would detach cells out of view, hiding their outputs from the checks and the
# screenshot), no autosave. News and update checks are off through the course's own
# settings (binder/overrides.json, installed by tasks.py), which these tests thus check.
LAB_USER_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {
        "windowingMode": "none",
        "scrollPastEnd": False,  # no empty screen below the last cell in screenshots
    },
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/extensionmanager-extension/plugin.jupyterlab-settings": {"enabled": False},
}


@dataclass
class LabServer:
    """A running ``jupyter lab`` on 127.0.0.1, owned by the test session."""

    base: Path  # private temporary folder: root dir, settings, logs
    root: Path  # the server's root dir (a copy of the notebooks)
    port: int
    token: str
    process: subprocess.Popen | None = None
    log_path: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def api(self, method: str, path: str, timeout: float = 10) -> object:
        """Call the REST API with the token; return the decoded JSON (or None)."""
        req = urllib.request.Request(
            self.url + path, method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path or not self.log_path.exists():
            return ""
        text = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def start(self, notebooks: Path, timeout: float = 90) -> None:
        """Copy *notebooks* into a private root dir and start JupyterLab on it.

        If another process took the free port in the meantime, retry on a new one.
        """
        if notebooks.is_dir():
            ignore = shutil.ignore_patterns(".ipynb_checkpoints")
            shutil.copytree(notebooks, self.root, ignore=ignore)
        else:
            self.root.mkdir(parents=True)
        for attempt in range(3):
            try:
                self._launch(timeout)
                return
            except RuntimeError:
                if attempt == 2 or "already in use" not in self.log_tail():
                    raise
                self.port = free_port()

    def _launch(self, timeout: float) -> None:
        env = dict(os.environ)
        for name, sub in (
            ("JUPYTER_CONFIG_DIR", "config"),
            ("JUPYTER_DATA_DIR", "data"),
            ("JUPYTER_RUNTIME_DIR", "runtime"),
            ("JUPYTERLAB_SETTINGS_DIR", "settings"),
            ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"),
            ("IPYTHONDIR", "ipython"),
        ):
            (self.base / sub).mkdir(parents=True, exist_ok=True)
            env[name] = str(self.base / sub)
        env["JUPYTER_PLATFORM_DIRS"] = "1"
        # The kernels should behave as on a learner's machine, not as inside pytest.
        for name in ("MPLBACKEND", "TF_CPP_MIN_LOG_LEVEL", "PYTEST_CURRENT_TEST"):
            env.pop(name, None)
        for rel, content in LAB_USER_SETTINGS.items():
            target = self.base / "settings" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(content, indent=2), encoding="utf-8")
        cmd = [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            "--ServerApp.terminals_enabled=False",
            "--LabApp.expose_app_in_browser=True",
            "--LanguageServerManager.autodetect=False",
            "--LabApp.extension_manager=readonly",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")  # containers and CI runners often run as root
        self.log_path = self.base / "jupyterlab.log"
        log = open(self.log_path, "wb")  # noqa: SIM115 - closed when the process ends
        self.process = subprocess.Popen(
            cmd,
            cwd=self.root,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # own process group: stop() signals all of it
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"jupyter lab exited with code {self.process.returncode}:\n{self.log_tail()}"
                )
            try:
                status = self.api("GET", "/api/status", timeout=2)
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                time.sleep(0.25)
                continue
            if isinstance(status, dict) and "started" in status:
                return
        raise RuntimeError(f"jupyter lab did not answer within {timeout} s:\n{self.log_tail()}")

    def shutdown_kernels(self) -> None:
        """Shut down every kernel of this server (frees memory between notebooks)."""
        try:
            for kernel in self.api("GET", "/api/kernels") or []:
                self.api("DELETE", f"/api/kernels/{kernel['id']}", timeout=30)
        except (urllib.error.URLError, OSError):
            pass

    def stop(self) -> None:
        """Stop the server (terminate, then kill its process group) and any kernel left over."""
        proc = self.process
        if proc is not None and proc.poll() is None:
            self.shutdown_kernels()
            for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
                try:
                    os.killpg(proc.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    proc.wait(wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
        # Kernels run in sessions of their own; any still alive has our private runtime dir in
        # its command line (the connection file), which identifies exactly our processes.
        runtime = str(self.base / "runtime")
        for pid in _pids_with_argument(runtime):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def _pids_with_argument(text: str) -> list[int]:
    pids = []
    proc = Path("/proc")
    if not proc.is_dir():
        return pids
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if text in cmdline:
            pids.append(int(entry.name))
    return pids


def new_lab_server(base: Path) -> LabServer:
    """Describe (not start) a server with a free port and a random token under *base*."""
    return LabServer(
        base=base, root=base / "root", port=free_port(), token=secrets.token_urlsafe(24)
    )


# --------------------------------------------------------------------------------------------
# The page: console and page errors.


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
        if re.search(r"/lab/api/(news|update)\b", request.url):
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


# --------------------------------------------------------------------------------------------
# Opening and running a notebook through the UI.

CURRENT_NOTEBOOK_JS = """
() => {
  const app = window.jupyterapp;
  if (!app) return null;
  const w = app.shell.currentWidget;
  if (!w || !w.content || !w.sessionContext || !w.context) return null;
  return w;
}
"""

KERNEL_IDLE_JS = (
    "() => { const w = (" + CURRENT_NOTEBOOK_JS + ")(); if (!w || !w.context.isReady) return false;"
    " const s = w.sessionContext.session; const k = s && s.kernel;"
    " return !!k && k.status === 'idle' && !w.sessionContext.pendingInput; }"
)

RUN_STATE_JS = (
    "() => { const w = (" + CURRENT_NOTEBOOK_JS + ")(); if (!w) return null;"
    " const s = w.sessionContext.session; const k = s && s.kernel;"
    " const prompts = [];"
    " for (const cell of w.content.widgets) {"
    "   if (cell.model.type !== 'code') continue;"
    "   const empty = cell.model.sharedModel.getSource().trim() === '';"
    "   const p = cell.node.querySelector('.jp-InputPrompt');"
    "   prompts.push({empty, count: cell.model.executionCount,"
    "                 prompt: p ? p.textContent.trim() : ''});"
    " }"
    " return {status: k ? k.status : 'none', prompts}; }"
)


def open_notebook(page, server: LabServer, name: str, timeout_ms: float = 90_000) -> None:
    """Open *name* in a fresh workspace and wait until its kernel is idle."""
    workspace = "c1x1-" + re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()
    url = f"{server.url}/lab/workspaces/{workspace}/tree/{quote(name)}?reset&token={server.token}"
    page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
    deadline = time.monotonic() + timeout_ms / 1000
    while not page.evaluate(KERNEL_IDLE_JS):
        # A notebook whose kernel is unknown here opens with "Select Kernel": take the
        # default (this environment's Python).
        accept = page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept")
        if accept.count():
            accept.first.click()
        if time.monotonic() > deadline:
            raise TimeoutError(f"{name}: kernel not idle after {timeout_ms / 1000:.0f} s")
        time.sleep(0.2)
    # Give the page all the room: no side panels next to the notebook.
    page.evaluate(
        "() => { const s = window.jupyterapp.shell; s.collapseLeft(); s.collapseRight(); }"
    )


def _menu_command(page, menu: str, command: str) -> None:
    """Click ``menu`` in the menu bar, then the item that runs ``command``."""
    last_error: Exception | None = None
    for _attempt in range(3):
        try:
            page.keyboard.press("Escape")  # close whatever menu might be open
            bar = page.locator("#jp-MainMenu .lm-MenuBar-item", has_text=re.compile(f"^{menu}$"))
            bar.first.click(timeout=5_000)
            item = page.locator(f'.lm-Menu .lm-Menu-item[data-command="{command}"]')
            item.first.click(timeout=5_000)
            return
        except Exception as exc:  # noqa: BLE001 - retried, then re-raised
            last_error = exc
            time.sleep(0.5)
    raise RuntimeError(f"could not use menu {menu} → {command}: {last_error}")


def run_all_cells(page, timeout_s: float = 240) -> dict:
    """Clear every output, run all cells from the Run menu and wait until the run is over.

    The run is over when the kernel is idle, no cell shows ``[*]`` and either every non-empty
    code cell has an execution count or nothing changed for a few seconds (a cell raised and
    JupyterLab skipped the rest; :func:`page_problems` reports those cells).
    """
    page.wait_for_function(KERNEL_IDLE_JS, timeout=60_000, polling=200)
    _menu_command(page, "Edit", "editmenu:clear-all")
    deadline = time.monotonic() + 10
    while True:
        state = page.evaluate(RUN_STATE_JS)
        if state and all(p["count"] is None for p in state["prompts"]):
            break
        if time.monotonic() > deadline:
            raise TimeoutError(f"outputs were not cleared: {state}")
        time.sleep(0.1)
    _menu_command(page, "Run", "runmenu:run-all")
    started = time.monotonic()
    deadline = started + timeout_s
    last, last_change = None, time.monotonic()
    while True:
        state = page.evaluate(RUN_STATE_JS)
        key = json.dumps(state, sort_keys=True)
        if key != last:
            last, last_change = key, time.monotonic()
        prompts = state["prompts"] if state else []
        idle = bool(state) and state["status"] == "idle"
        busy_cells = any(p["prompt"].startswith("[*]") for p in prompts)
        todo = [p for p in prompts if not p["empty"] and p["count"] is None]
        if idle and not busy_cells:
            if not todo and time.monotonic() - last_change > 0.5:
                break
            if todo and time.monotonic() - last_change > 5:
                break
        if time.monotonic() > deadline:
            raise TimeoutError(f"notebook still running after {timeout_s} s: {state}")
        time.sleep(0.25)
    state["seconds"] = round(time.monotonic() - started, 1)
    return state


# Shared by the waiting and the checking code: the open notebook, and whether a canvas shows
# anything (ipympl draws the figure's PNG onto a canvas once the kernel sent it; a canvas of
# one single colour is blank).
NOTEBOOK_HELPERS_JS = """
  const nb = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook');
  const canvasDrawn = (c) => {
    if (!c.width || !c.height) return false;
    try {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let first = null;
      for (let i = 0; i < d.length; i += 4 * 97) {
        const px = d[i] + ',' + d[i+1] + ',' + d[i+2] + ',' + d[i+3];
        if (first === null) first = px; else if (px !== first) return true;
      }
      return false;
    } catch (e) { return true; }
  };
  const figureDrawn = (f) => [...f.querySelectorAll('canvas')].some(canvasDrawn);
"""

PENDING_JS = (
    "() => {"
    + NOTEBOOK_HELPERS_JS
    + """
  if (!nb) return ['no notebook'];
  const pending = [];
  for (const o of nb.querySelectorAll('.jp-OutputArea-output'))
    if (o.textContent.includes('Loading widget...')) pending.push('widget loading');
  for (const f of nb.querySelectorAll('.jupyter-matplotlib-figure'))
    if (!figureDrawn(f)) pending.push('figure not drawn');
  for (const i of nb.querySelectorAll('img'))
    if (!i.complete) pending.push('image loading');
  return pending;
}"""
)


def wait_widgets_settled(page, timeout_s: float = 20) -> list[str]:
    """Wait until no widget is loading, every ipympl figure drew and every image loaded.

    Returns what was still pending at the timeout (the checks report it), else ``[]``.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        pending = page.evaluate(PENDING_JS)
        if not pending or time.monotonic() > deadline:
            return pending
        time.sleep(0.25)


# --------------------------------------------------------------------------------------------
# The checker.

PAGE_REPORT_JS = (
    "() => {"
    + NOTEBOOK_HELPERS_JS
    + """
  if (!nb) return null;
  const cells = [...nb.querySelectorAll('.jp-Cell')];
  return cells.map((cell, index) => {
    const q = (sel) => [...cell.querySelectorAll(sel)];
    const text = (el) => (el.innerText || el.textContent || '').trim();
    const prompt = cell.querySelector('.jp-InputPrompt');
    return {
      index,
      code: cell.classList.contains('jp-CodeCell'),
      empty: cell.classList.contains('jp-CodeCell') &&
             !(cell.querySelector('.jp-InputArea-editor .cm-content') || cell).textContent.trim(),
      prompt: prompt ? prompt.textContent.trim() : '',
      errors: q('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]').map(text),
      stderr: q('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').map(text),
      widgetErrorText: q('.jp-OutputArea-output').map(text).filter(
        t => t.includes('Error displaying widget')),
      widgetLoading: q('.jp-OutputArea-output').map(text).filter(
        t => t.includes('Loading widget...')),
      errorWidgets: q('.jupyter-widgets-error-widget').length,
      explorerErrors: q('.c1x1-errors').map(text).filter(t => t.length > 0),
      images: q('.jp-OutputArea-output img').map(
        i => ({ok: i.complete && i.naturalWidth > 0, w: i.naturalWidth})),
      widgets: q('.jp-OutputArea-output .jupyter-widgets')
        .filter(w => !w.classList.contains('jupyter-widgets-error-widget')).length,
      markdownImages: q('.jp-MarkdownOutput img').map(
        i => ({ok: i.complete && i.naturalWidth > 0, src: i.getAttribute('src') || ''})),
      mathErrors: q('mjx-merror').map(text),
      figures: q('.jupyter-matplotlib-figure').map(f => ({drawn: figureDrawn(f)})),
      explorers: q('.c1x1-explorer').length,
    };
  });
}"""
)

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
    loaded, messages in an explorer's error area, code cells that did not run, ipympl figures
    that stayed blank, images that did not load, figures or widgets the saved notebook had but
    the page lacks, uncaught page errors and console errors not in ``ALLOWED_CONSOLE_ERRORS``.
    """
    cells = page.evaluate(PAGE_REPORT_JS)
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
        if c["code"] and not c["empty"] and not re.match(r"^\[\d+\]", c["prompt"]):
            problems.append(f"{where}: did not run (prompt {c['prompt'] or 'empty'})")
        for i, img in enumerate(c["images"]):
            if not img["ok"]:
                problems.append(f"{where}: image {i} did not load")
        for img in c["markdownImages"]:
            if not img["ok"]:
                problems.append(f"{where}: picture in the text did not load: {img['src']}")
        for t in c["mathErrors"]:
            problems.append(f"{where}: formula does not typeset: {_short(t)}")
        for i, fig in enumerate(c["figures"]):
            if not fig["drawn"]:
                problems.append(f"{where}: interactive figure {i} is blank")
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
    if page.locator(".jp-toast-message, .Toastify__toast").filter(has_text="news").count():
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


# --------------------------------------------------------------------------------------------
# Screenshots.

SCROLLER_JS = """
() => {
  const nb = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook');
  if (!nb) return null;
  // JupyterLab 4 scrolls in .jp-WindowedPanel-outer inside the notebook; older layouts
  // scrolled the notebook node or one of its parents.
  const candidates = [...nb.querySelectorAll('.jp-WindowedPanel-outer')];
  for (let el = nb; el; el = el.parentElement) candidates.push(el);
  for (const el of candidates) {
    const oy = getComputedStyle(el).overflowY;
    if ((oy === 'auto' || oy === 'scroll') && el.scrollHeight > el.clientHeight + 1) {
      el.scrollTop = 0;
      return {scroll: el.scrollHeight, client: el.clientHeight};
    }
  }
  return {scroll: 0, client: 0};
}
"""


def screenshot_notebook(page, path: Path, max_height: int = 30_000) -> int:
    """Save the whole notebook in one PNG by making the window as tall as the notebook.

    JupyterLab scrolls inside its notebook panel, so a "full page" screenshot would show only
    one screen. Growing the viewport by the hidden height lets every cell lay out at once;
    the old size is restored afterwards. Returns the height used.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    height = size["height"]
    for _ in range(4):
        dims = page.evaluate(SCROLLER_JS)
        extra = (dims or {}).get("scroll", 0) - (dims or {}).get("client", 0)
        if extra <= 1 or height >= max_height:
            break
        height = min(max_height, height + extra)
        page.set_viewport_size({"width": size["width"], "height": height})
        page.wait_for_timeout(400)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    page.screenshot(path=str(path), full_page=False)
    page.set_viewport_size(size)
    return height


# --------------------------------------------------------------------------------------------
# Explorers: keyboard on the sliders, exact readout, latency.

EXPLORERS = ".jp-NotebookPanel:not(.lm-mod-hidden) .c1x1-explorer"

OBSERVE_JS = """
(el) => {
  window.__c1x1 = window.__c1x1 || {};
  const st = window.__c1x1;
  if (st.observer) st.observer.disconnect();
  st.events = [];
  st.lastKey = null;
  st.observer = new MutationObserver(() => {
    st.events.push([performance.now(), el.innerText]);
  });
  st.observer.observe(el, {subtree: true, childList: true, characterData: true, attributes: true});
  if (!st.keyListener) {
    st.keyListener = () => { window.__c1x1.lastKey = performance.now(); };
    document.addEventListener('keydown', st.keyListener, true);
  }
}
"""

SLIDER_STATE_JS = """
(explorer) => {
  const out = {};
  for (const el of explorer.querySelectorAll('[class*="c1x1-slider-"]')) {
    const key = [...el.classList].find(c => c.startsWith('c1x1-slider-')).slice(12);
    if (el.closest('.c1x1-explorer') !== explorer) continue;
    const handle = el.querySelector('.noUi-handle');
    const readout = el.querySelector('.widget-readout');
    const check = el.querySelector('input[type=checkbox]');
    out[key] = {
      text: readout && readout.offsetParent !== null ? readout.textContent.trim() : null,
      now: handle ? Number(handle.getAttribute('aria-valuenow')) : null,
      min: handle ? Number(handle.getAttribute('aria-valuemin')) : null,
      max: handle ? Number(handle.getAttribute('aria-valuemax')) : null,
      orientation: handle ? (handle.closest('.noUi-vertical') ? 'v' : 'h') : null,
      checked: check ? check.checked : null,
    };
  }
  // Sizes fixed when the explorer was made: classes c1x1-fixed-<key>-<size>.
  for (const c of explorer.classList) {
    const m = /^c1x1-fixed-(.+)-(\\d+)$/.exec(c);
    if (m && !(m[1] in out)) {
      out[m[1]] = {text: null, now: Number(m[2]), min: null, max: null, orientation: null,
                   checked: null};
    }
  }
  return out;
}
"""


FIXED_SIZE_CLASS = re.compile(r"c1x1-fixed-(.+)-(\d+)")
"""What ``SLIDER_STATE_JS`` reads from an explorer's classes (same pattern in JavaScript)."""


def fixed_size_state(classes) -> dict[str, dict]:
    """Page state entries for the ``c1x1-fixed-<key>-<size>`` classes among *classes*."""
    state = {}
    for c in classes:
        m = FIXED_SIZE_CLASS.fullmatch(c)
        if m:
            state[m[1]] = {"text": None, "now": int(m[2]), "checked": None}
    return state


def slider_values(state: dict) -> dict[str, int | bool]:
    """Integer value of each slider (its readout text, else the handle), bool for checkboxes.

    Sizes fixed when the explorer was made (``c1x1-fixed-<key>-<size>`` classes) come too.
    """
    values: dict[str, int | bool] = {}
    for key, s in state.items():
        if s["checked"] is not None:
            values[key] = bool(s["checked"])
            continue
        m = re.search(r"-?\d[\d,\u00a0\u202f ]*", s["text"] or "")
        if m:
            values[key] = int(re.sub(r"\D", "", m.group(0))) * (-1 if m.group(0)[0] == "-" else 1)
        elif s["now"] is not None:
            values[key] = int(round(s["now"]))
    return values


def _count(n: int) -> str:
    return f"{n:,}"


def expected_param_readout(values: dict[str, int | bool]) -> list[list[str]]:
    """ParamExplorer: the layer's parameters (sliders, bias check box) and, when the page
    gives the input's height and width, its multiply-accumulates."""
    from conv1x1_viz import conv_macs, conv_params

    k = int(values.get("kernel_size", 1))
    c_in, n = int(values["in_channels"]), int(values["filters"])
    numbers = [_count(conv_params(k, c_in, n, use_bias=bool(values.get("use_bias", True))))]
    if "height" in values and "width" in values:
        shape = (int(values["height"]), int(values["width"]), c_in)
        numbers.append(_count(conv_macs(shape, n, k)))
    return [numbers]


def expected_bottleneck_readout(values: dict[str, int | bool]) -> list[list[str]]:
    """BottleneckExplorer: the direct layer's parameters and the reduced design's total, and
    the same for multiply-accumulates when the page gives the input's height and width.

    Whether the layers have biases is a constructor argument, not a control: the page states
    it as the fixed size ``use_bias`` (1 or 0), and only the counts for that setting pass.
    """
    from conv1x1_viz import conv_macs, conv_params

    k, c_in = int(values["kernel_size"]), int(values["in_channels"])
    r, n = int(values["reduction"]), int(values["filters"])
    bias = bool(values["use_bias"])
    macs = []
    if "height" in values and "width" in values:
        h, w = int(values["height"]), int(values["width"])
        macs = [
            _count(conv_macs((h, w, c_in), n, k)),
            _count(conv_macs((h, w, c_in), r, 1) + conv_macs((h, w, r), n, k)),
        ]
    return [
        [
            _count(conv_params(k, c_in, n, use_bias=bias)),
            _count(conv_params(1, c_in, r, use_bias=bias) + conv_params(k, r, n, use_bias=bias)),
            *macs,
        ]
    ]


def _fixed_maps(values: dict[str, int | bool]) -> tuple[int, int, int]:
    """(height, width, depth) of the maps an explorer was made with, as the page gives them."""
    try:
        return int(values["height"]), int(values["width"]), int(values["in_channels"])
    except KeyError as missing:
        raise AssertionError(
            f"the explorer does not give its fixed size {missing} as a c1x1-fixed-* class"
        ) from None


def expected_mixing_readout(values: dict[str, int | bool]) -> list[list[str]]:
    """MixingExplorer: the weights of W (a 1×1 layer without bias) and its MACs per image."""
    from conv1x1_viz import conv_macs, conv_params

    shape, n = _fixed_maps(values), int(values["filters"])
    return [[_count(conv_params(1, shape[2], n, use_bias=False)), _count(conv_macs(shape, n, 1))]]


def expected_reduction_readout(values: dict[str, int | bool]) -> list[list[str]]:
    """ReductionExplorer: the 1×1 layer's parameters (with bias) and its MACs per image."""
    from conv1x1_viz import conv_macs, conv_params

    shape, n = _fixed_maps(values), int(values["filters"])
    return [[_count(conv_params(1, shape[2], n)), _count(conv_macs(shape, n, 1))]]


def expected_reconstruction_readout(values: dict[str, int | bool]) -> list[list[str]]:
    """ReconstructionExplorer: the parameters of the 1×1 layer down to k maps."""
    from conv1x1_viz import conv_params

    shape, k = _fixed_maps(values), int(values["filters"])
    return [[_count(conv_params(1, shape[2], k))]]


def contains_number(text: str, number: str) -> bool:
    """Whether *number* (e.g. ``32,832``) appears in *text* as a whole number."""
    text = text.replace("\u00a0", " ").replace("\u202f", " ")
    return re.search(rf"(?<![\d,.]){re.escape(number)}(?![\d]|[,.]\d)", text) is not None


def shows_expected(text: str, alternatives: list[list[str]]) -> bool:
    """Whether *text* shows every number of at least one of the *alternatives*."""
    return any(all(contains_number(text, n) for n in alt) for alt in alternatives)


# Numbers each kind of explorer must show, computed from the slider values and fixed sizes
# in the page with conv1x1_viz.conv_params and conv_macs (Keras' counts). An explorer of a
# kind not listed here must show a readout that changes on every key press.
EXPECTED_READOUT = {
    "param-explorer": expected_param_readout,
    "bottleneck-explorer": expected_bottleneck_readout,
    "mixing-explorer": expected_mixing_readout,
    "reduction-explorer": expected_reduction_readout,
    "reconstruction-explorer": expected_reconstruction_readout,
}


@dataclass
class SliderTiming:
    """Latencies (ms) from key press to updated readout for one slider of one explorer."""

    notebook: str
    explorer: str
    slider: str
    latencies: list[float]
    checked_exact: bool
    values: list[int]

    @property
    def median(self) -> float:
        return statistics.median(self.latencies)

    @property
    def worst(self) -> float:
        return max(self.latencies)


def explorer_kind(page, explorer) -> str:
    """The ``<kind>`` of an explorer's ``c1x1-<kind>`` class (``param-explorer``, …)."""
    return explorer.evaluate(
        "(e) => ([...e.classList].find(c => c.startsWith('c1x1-') && c.endsWith('-explorer')"
        " && c !== 'c1x1-explorer') || 'c1x1-unknown-explorer').slice(5)"
    )


def wait_kernel_quiet(page, quiet_s: float = 0.15, timeout_s: float = 5) -> None:
    """Wait until the kernel has been idle for *quiet_s* (a figure redraw has finished)."""
    deadline = time.monotonic() + timeout_s
    since = None
    while time.monotonic() < deadline:
        if page.evaluate(KERNEL_IDLE_JS):
            since = since or time.monotonic()
            if time.monotonic() - since >= quiet_s:
                return
        else:
            since = None
        time.sleep(0.02)


def readout_ok(expected_fn, text: str, values: dict, before_text: str) -> bool:
    """Whether the readout *text* is right for *values*: shows the expected counts, or, for
    an explorer without expectations, differs from *before_text*."""
    if expected_fn is None:
        return text != before_text
    return shows_expected(text, expected_fn(values))


def await_readout(page, explorer_el, readout, key: str, before, ok, timeout_s: float):
    """Poll until control *key* has left *before* and ``ok(text, values)`` holds, or time out.

    Values are read again while waiting, since the kernel may adjust dependent sliders.
    Returns the last ``(values, text)`` seen; the caller checks them and says what failed.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        values = slider_values(page.evaluate(SLIDER_STATE_JS, explorer_el))
        text = readout.inner_text()
        if (values[key] != before and ok(text, values)) or time.monotonic() > deadline:
            return values, text
        time.sleep(0.005)


def drive_slider(
    page,
    explorer,
    notebook: str,
    label: str,
    key: str,
    presses: int = PRESSES_PER_SLIDER,
    readout_timeout_s: float = 10,
) -> SliderTiming:
    """Press arrow keys on slider *key* of *explorer*; check the readout and time each update.

    The handle gets keyboard focus and receives ArrowRight (ArrowLeft from the maximum on,
    ArrowRight again from the minimum). Before each press the kernel is left to finish
    (redraws included), so each timing is one press from a quiet page. After the press the
    slider values are read back from the page; for explorers in ``EXPECTED_READOUT`` the
    readout must come to show the exact numbers computed here in Python, for the others it
    must change. The latency is measured inside the page, from the ``keydown`` event to the
    first change of the readout's text that shows the expected content.
    """
    kind = explorer_kind(page, explorer)
    expected_fn = EXPECTED_READOUT.get(kind)
    slider = explorer.locator(f".c1x1-slider-{key}").first
    handle = slider.locator(".noUi-handle").first
    readout = explorer.locator(".c1x1-readout").first
    if not handle.count():
        raise AssertionError(f"{notebook} {label}: .c1x1-slider-{key} has no slider handle")
    if not readout.count():
        raise AssertionError(f"{notebook} {label}: explorer has no .c1x1-readout")
    slider.scroll_into_view_if_needed()
    explorer_el = explorer.element_handle()
    page.evaluate(OBSERVE_JS, readout.element_handle())
    latencies: list[float] = []
    seen_values: list[int] = []
    direction = "ArrowRight"
    for press in range(presses):
        wait_kernel_quiet(page)
        state = page.evaluate(SLIDER_STATE_JS, explorer_el)
        s = state[key]
        if s["now"] is not None and s["now"] >= s["max"]:
            direction = "ArrowLeft"
        elif s["now"] is not None and s["now"] <= s["min"]:
            direction = "ArrowRight"
        before_value = slider_values(state)[key]
        before_text = readout.inner_text()
        handle.focus()
        page.evaluate("() => { window.__c1x1.events = []; window.__c1x1.lastKey = null; }")
        page.keyboard.press(direction)

        def ok(text: str, values: dict, before_text: str = before_text) -> bool:
            return readout_ok(expected_fn, text, values, before_text)

        # The slider moves in the page at once; the readout follows once the kernel answered.
        values, text = await_readout(
            page, explorer_el, readout, key, before_value, ok, readout_timeout_s
        )
        if values[key] == before_value:
            raise AssertionError(
                f"{notebook} {label}: slider {key} did not move on {direction} "
                f"(press {press + 1}, value {before_value})"
            )
        if not ok(text, values):
            what = (
                f"to change from {before_text!r}"
                if expected_fn is None
                else f"to show {' and '.join(expected_fn(values)[0])} for {values}"
            )
            raise AssertionError(
                f"{notebook} {label}: readout did not come {what} after {key} "
                f"{direction}; it shows {text!r}"
            )
        seen_values.append(int(values[key]))
        st = page.evaluate("() => ({key: window.__c1x1.lastKey, events: window.__c1x1.events})")
        t_key = st["key"]
        hits = [
            t for t, txt in st["events"] if t_key is not None and t >= t_key and ok(txt, values)
        ]
        if t_key is None or not hits:
            raise AssertionError(f"{notebook} {label}: could not time press {press + 1} on {key}")
        latencies.append(hits[0] - t_key)
    return SliderTiming(notebook, label, key, latencies, expected_fn is not None, seen_values)


# Check boxes that change an explorer's counts; each is clicked off and on again.
TOGGLED_CHECKBOXES = ("use_bias",)


def toggle_checkbox(page, explorer, notebook: str, label: str, key: str, timeout_s: float = 10):
    """Click check box *key* of *explorer* twice; after each click the readout must show the
    counts expected for the new state (for explorers in ``EXPECTED_READOUT``).

    Returns the states seen after the two clicks, e.g. ``[False, True]``.
    """
    kind = explorer_kind(page, explorer)
    expected_fn = EXPECTED_READOUT.get(kind)
    box = explorer.locator(f".c1x1-slider-{key} input[type=checkbox]").first
    readout = explorer.locator(".c1x1-readout").first
    explorer_el = explorer.element_handle()
    seen = []
    for _ in range(2):
        wait_kernel_quiet(page)
        before = slider_values(page.evaluate(SLIDER_STATE_JS, explorer_el))[key]
        before_text = readout.inner_text()
        box.scroll_into_view_if_needed()
        box.click()

        def ok(text: str, values: dict, before_text: str = before_text) -> bool:
            return readout_ok(expected_fn, text, values, before_text)

        values, text = await_readout(page, explorer_el, readout, key, before, ok, timeout_s)
        if values[key] == before or not ok(text, values):
            raise AssertionError(
                f"{notebook} {label}: after clicking {key} (now {values[key]}), the readout "
                f"shows {text!r}"
            )
        seen.append(values[key])
    return seen


def latency_table(rows: list[SliderTiming]) -> str:
    """Markdown table of the slider timings."""
    lines = [
        f"Key press → updated readout, measured in Chromium (target: median ≤ "
        f"{LATENCY_TARGET_MS:.0f} ms).",
        "Each press is made on a quiet kernel; the time runs from the keydown event to the first",
        "change of the readout that shows the expected text, both taken with performance.now()",
        "in the page. 'exact count' = the readout showed the counts computed with",
        "conv1x1_viz.conv_params (and conv_macs) from the slider values and fixed sizes read in",
        "the page; 'changes' = the readout changed.",
        "",
        "| notebook | explorer | slider | presses | readout check | median (ms) | max (ms) |",
        "|---|---|---|---:|---|---:|---:|",
    ]
    for r in rows:
        check = "exact count" if r.checked_exact else "changes"
        lines.append(
            f"| {r.notebook} | {r.explorer} | {r.slider} | {len(r.latencies)} | {check} "
            f"| {r.median:.1f} | {r.worst:.1f} |"
        )
    return "\n".join(lines) + "\n"
