"""Where the browser tests find things and what they do when something is missing.

Environment variables:

- ``C1X1_NOTEBOOKS``: folder of notebooks to test (default: the repository's ``notebooks``);
- ``C1X1_CHROMIUM``: Chromium executable (default ``/usr/bin/chromium``; never downloaded);
- ``CI``: when set (``true``, ``1``), a missing browser or a missing notebook is a failure
  instead of a skip.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
LATENCY_REPORT = ARTIFACTS / "latency.md"
DEFAULT_NOTEBOOKS = REPO / "notebooks"
DEFAULT_CHROMIUM = "/usr/bin/chromium"

HOW_TO_GET_A_BROWSER = (
    "The browser tests drive a system Chromium and never download one. Install it "
    "(Debian/Ubuntu: `sudo apt-get install chromium`) or point C1X1_CHROMIUM at a "
    "Chromium/Chrome executable, e.g. C1X1_CHROMIUM=/path/to/chrome."
)

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

# Every page: the same size and language, so screenshots compare across runs.
CONTEXT_ARGS = {
    "viewport": {"width": 1024, "height": 900},  # the narrowest laptop width checked
    "device_scale_factor": 1,
    "locale": "en-US",
}

# Fixtures that start a browser: a test that uses one (directly or through another fixture)
# gets the ``browser`` mark, every other test does not.
BROWSER_FIXTURES = frozenset({"browser", "context", "new_context", "page"})


def truthy_env(name: str) -> bool:
    """Return whether an environment variable is set to something other than false/0/empty."""
    return os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no", "off")


def skip_or_fail(reason: str) -> None:
    """Fail when ``CI`` is set (nothing may go untested there), skip elsewhere."""
    if truthy_env("CI"):
        pytest.fail(f"{reason} (CI is set, so this is a failure)", pytrace=False)
    pytest.skip(reason)


def chromium_executable() -> str:
    """The Chromium to drive: ``C1X1_CHROMIUM`` or ``/usr/bin/chromium``, if it can run.

    Skips (fails under ``CI``) with instructions when there is none.
    """
    exe = os.environ.get("C1X1_CHROMIUM", DEFAULT_CHROMIUM)
    resolved = shutil.which(exe) or exe
    if not (os.path.isfile(resolved) and os.access(resolved, os.X_OK)):
        skip_or_fail(f"no Chromium executable at {exe}. {HOW_TO_GET_A_BROWSER}")
    return resolved


def needs_browser(fixturenames) -> bool:
    """Whether a test with these fixtures (its whole closure) starts a browser."""
    return not BROWSER_FIXTURES.isdisjoint(fixturenames)


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


def notebook_params(folder: Path) -> list:
    """One parameter per notebook in *folder*; ``None`` (which the test refuses) when empty."""
    found = [pytest.param(p, id=p.name) for p in find_notebooks(folder)]
    return found or [pytest.param(None, id="no-notebooks")]
