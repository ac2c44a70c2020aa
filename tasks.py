"""Set up the course and run it: ``python3 tasks.py lab`` or ``python3 tasks.py test``.

Both commands create a virtual environment in ``.venv`` when there is none (or in the
folder named by ``C1X1_VENV``), install the package with everything the notebooks and the
tests need, and then either open JupyterLab on the first notebook or run the whole test
suite with ``pytest --nbval``. Only the Python standard library is used here, so a machine
with Python 3.11 and pip is enough.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("C1X1_VENV", ROOT / ".venv"))
FIRST_NOTEBOOK = "notebooks/00_start_here.ipynb"
# JupyterLab's default settings for this course (saving widget state in notebooks);
# Binder's postBuild installs the same file.
LAB_OVERRIDES = ROOT / "binder" / "overrides.json"


def _bin(name: str) -> Path:
    folder = "Scripts" if os.name == "nt" else "bin"
    return VENV / folder / name


def _run(*args: object) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], cwd=ROOT, check=True)


def ensure_environment() -> None:
    """Create the virtual environment and install the project, unless already done."""
    if sys.version_info < (3, 11):  # noqa: UP036 - say so clearly on an older Python
        sys.exit(f"Python 3.11 or newer is needed, this is {sys.version.split()[0]}")
    python = _bin("python")
    if not python.exists():
        print(f"Creating a virtual environment in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    # Reinstall only when the dependencies changed since the last install.
    stamp = VENV / ".c1x1-installed"
    import tomllib  # Python 3.11+

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [project["dependencies"], project.get("optional-dependencies", {})]
    digest = hashlib.sha256(repr(wanted).encode()).hexdigest()
    if not stamp.exists() or stamp.read_text() != digest:
        _run(python, "-m", "pip", "install", "--upgrade", "pip")
        _run(python, "-m", "pip", "install", "-e", ".[notebooks,test]")
        stamp.write_text(digest)
    settings = VENV / "share" / "jupyter" / "lab" / "settings"
    settings.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(LAB_OVERRIDES, settings / "overrides.json")


def lab(extra: list[str]) -> None:
    """Open JupyterLab on the first notebook."""
    ensure_environment()
    _run(_bin("jupyter"), "lab", FIRST_NOTEBOOK, *extra)


def test(extra: list[str]) -> None:
    """Run the unit tests, the browser tests and every notebook with nbval."""
    ensure_environment()
    _run(_bin("python"), "-m", "pytest", "--nbval", *extra)


def main(argv: list[str]) -> None:
    """Dispatch ``lab`` or ``test``; further arguments go to JupyterLab or pytest."""
    commands = {"lab": lab, "test": test}
    if not argv or argv[0] not in commands:
        sys.exit("usage: python3 tasks.py {lab|test} [extra arguments]")
    try:
        commands[argv[0]](argv[1:])
    except subprocess.CalledProcessError as exc:
        sys.exit(exc.returncode)


if __name__ == "__main__":
    main(sys.argv[1:])
