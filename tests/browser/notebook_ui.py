"""A notebook in JupyterLab's UI: open it, run it from the menus, wait for it, photograph it.

Everything is done as a learner would do it (menus, not the REST API) and every wait is
Playwright's: ``expect`` on locators, ``wait_for_function`` on the page's state read by
``js/lab.js`` and ``js/checks.js``.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import quote

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from .js_loader import call, wait_for
from .lab_server import LabServer

ACCEPT_DIALOG = ".jp-Dialog .jp-Dialog-button.jp-mod-accept"


def explorer_notebook(classes) -> dict:
    """A notebook, not run, that shows one explorer of each of *classes* with its defaults.

    nbformat 4 JSON, for the Python 3 kernel.
    """
    cells = ["from conv1x1_viz import explorers"]
    cells += [f"explorers.{cls.__name__}()" for cls in classes]
    return {
        "cells": [
            {"cell_type": "code", "metadata": {}, "source": source, "outputs": [],
             "execution_count": None}
            for source in cells
        ],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                    "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }  # fmt: skip


#: The front ends the tests open a notebook in: JupyterLab, and Notebook 7 (same server).
FRONTENDS = ("lab", "notebook")


def open_notebook(
    page, server: LabServer, name: str, timeout_ms: float = 90_000, frontend: str = "lab"
) -> None:
    """Open *name* (in a fresh workspace in JupyterLab) and wait until its kernel is idle.

    *frontend* is ``"lab"`` (JupyterLab) or ``"notebook"`` (Notebook 7, one notebook a
    page, the same menus).
    """
    if frontend not in FRONTENDS:
        raise ValueError(f"frontend must be one of {FRONTENDS}, got {frontend!r}")
    workspace = "c1x1-" + re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()
    url = f"{server.url}/lab/workspaces/{workspace}/tree/{quote(name)}?reset&token={server.token}"
    if frontend == "notebook":
        url = f"{server.url}/notebooks/{quote(name)}?token={server.token}"
    page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
    # A notebook whose kernel is unknown here opens with "Select Kernel": take the default
    # (this environment's Python). It may ask once more while the session starts.
    for _ in range(3):
        if wait_for(page, "openState", timeout_ms=timeout_ms, polling=200) == "idle":
            break
        page.locator(ACCEPT_DIALOG).first.click()
    else:
        raise AssertionError(f"{name}: JupyterLab kept asking which kernel to start")
    # JupyterLab's default layout stays as a learner gets it: the file browser open.


def menu_command(page, menu: str, command: str, attempts: int = 3) -> None:
    """Click ``menu`` in the menu bar, then the item that runs ``command``.

    A menu that closed under the pointer (JupyterLab re-renders the bar while it loads) is
    opened again, up to *attempts* times.
    """
    bar = page.locator("#jp-MainMenu .lm-MenuBar-item", has_text=re.compile(f"^{menu}$"))
    item = page.locator(f'.lm-Menu .lm-Menu-item[data-command="{command}"]').first
    for attempt in range(attempts):
        page.keyboard.press("Escape")  # close whatever menu might be open
        try:
            bar.first.click(timeout=5_000)
            expect(item).to_be_visible(timeout=5_000)
            item.click(timeout=5_000)
            return
        except (AssertionError, PlaywrightError) as exc:
            if attempt == attempts - 1:
                raise AssertionError(f"could not use menu {menu} → {command}: {exc}") from exc


def run_all_cells(page, timeout_s: float = 240) -> dict:
    """Clear every output, run all cells from the Run menu and wait until the run is over.

    The run is over when the kernel is idle, no cell shows ``[*]`` and either every non-empty
    code cell has an execution count or nothing changed for a few seconds (a cell raised and
    JupyterLab skipped the rest; :func:`page_checks.page_problems` reports those cells).
    Returns the kernel status and prompts at the end, and ``seconds``, the run's duration.
    """
    wait_for(page, "kernelIdle", timeout_ms=60_000, polling=200)
    menu_command(page, "Edit", "editmenu:clear-all")
    wait_for(page, "outputsCleared", timeout_ms=10_000, polling=100)
    call(page, "startRun")
    started = time.monotonic()
    menu_command(page, "Run", "runmenu:run-all")
    try:
        state = wait_for(page, "runFinished", timeout_ms=timeout_s * 1000, polling=250)
    except PlaywrightTimeoutError:
        raise AssertionError(
            f"notebook still running after {timeout_s} s: {call(page, 'runState')}"
        ) from None
    state["seconds"] = round(time.monotonic() - started, 1)
    return state


def wait_widgets_settled(page, timeout_s: float = 20) -> list[str]:
    """Wait until no widget is loading and every image loaded.

    Returns what was still pending at the timeout (the page checks report it), else ``[]``.
    """
    try:
        page.wait_for_function(
            "() => window.c1x1Test.pending().length === 0", timeout=timeout_s * 1000, polling=250
        )
    except PlaywrightTimeoutError:
        return call(page, "pending")
    return []


def wait_kernel_quiet(page, quiet_ms: float = 150, timeout_s: float = 5) -> bool:
    """Wait until the kernel has been idle for *quiet_ms* (a figure redraw has finished).

    Returns whether it was; a kernel still busy after *timeout_s* is left to the checks that
    follow (they wait for the readout themselves).
    """
    call(page, "resetQuiet")
    try:
        wait_for(page, "kernelQuiet", quiet_ms, timeout_ms=timeout_s * 1000, polling=20)
    except PlaywrightTimeoutError:
        return False
    return True


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
        dims = call(page, "notebookScroller") or {}
        extra = dims.get("scroll", 0) - dims.get("client", 0)
        if extra <= 1 or height >= max_height:
            break
        height = min(max_height, height + extra)
        page.set_viewport_size({"width": size["width"], "height": height})
        page.wait_for_function(
            "(h) => window.innerHeight === h", arg=height, timeout=5_000, polling="raf"
        )
        call(page, "twoFrames")  # let the cells lay out in the new height
    call(page, "twoFrames")
    page.screenshot(path=str(path), full_page=False)
    page.set_viewport_size(size)
    return height
