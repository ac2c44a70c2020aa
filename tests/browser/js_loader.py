"""The JavaScript of the browser tests: ``js/*.js``, loaded into the page, called by name.

Each file adds functions to ``window.c1x1Test`` (``lab.js``: JupyterLab's notebook and
kernel; ``checks.js``: what the page checks read; ``explorer.js``: an explorer's controls
and the key press → readout timing). :func:`install` loads them into every document a page
opens from then on; :func:`inject` into the document it shows now. :func:`call` and
:func:`wait_for` run one of those functions, with JSON-able arguments or element handles.
"""

from __future__ import annotations

from pathlib import Path

JS_DIR = Path(__file__).with_name("js")
SCRIPTS = ("lab.js", "checks.js", "explorer.js")

_CALL = "([name, args]) => window.c1x1Test[name](...args)"


def install(page) -> None:
    """Load the scripts into every document *page* opens from now on (before its own)."""
    for name in SCRIPTS:
        page.add_init_script(path=JS_DIR / name)


def inject(page) -> None:
    """Load the scripts into the document *page* shows now (e.g. after ``set_content``)."""
    for name in SCRIPTS:
        page.add_script_tag(path=JS_DIR / name)


def call(page, name: str, *args):
    """Return ``c1x1Test.<name>(*args)`` evaluated in *page*."""
    return page.evaluate(_CALL, [name, list(args)])


def wait_for(page, name: str, *args, timeout_ms: float = 30_000, polling: float | str = "raf"):
    """Wait until ``c1x1Test.<name>(*args)`` is truthy in *page*; return that value.

    Raises Playwright's ``TimeoutError`` after *timeout_ms*.
    """
    handle = page.wait_for_function(
        _CALL, arg=[name, list(args)], timeout=timeout_ms, polling=polling
    )
    return handle.json_value()
