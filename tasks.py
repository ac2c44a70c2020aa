"""Set up the course and run it: ``python3 tasks.py lab`` or ``python3 tasks.py test``.

``lab`` and ``test`` create a virtual environment in ``.venv`` when there is none (or in the
folder named by ``C1X1_VENV``), install into it exactly the versions in
``requirements-lock.txt`` (with uv, which they install from PyPI first), and then either open
JupyterLab on the first notebook or run the whole test suite with ``pytest --nbval``. They
install again only when the lock or the project's metadata changed.

``site`` builds the course as a static site in ``site/`` (one page a notebook, as
committed, every explorer live with no kernel): open ``site/index.html``.

Three commands are for contributors:

- ``execute`` runs notebooks (all, or those named) top to bottom in fresh kernels and saves
  them with their outputs, as they are committed.
- ``lock`` writes ``requirements-lock.txt`` from ``pyproject.toml`` (Python 3.11, Linux
  x86-64), then pins the same versions in ``environment.yml`` and ``binder/environment.yml``.
  Extra arguments go to ``uv pip compile``: ``python3 tasks.py lock --upgrade`` bumps all.
- ``binder`` rehearses what Binder builds: a fresh environment with Binder's Python, the
  packages repo2docker's base image starts from, then exactly the pins of
  ``binder/environment.yml``, then ``binder/postBuild``, then strict ``pytest --nbval`` on one
  notebook (``BINDER_NOTEBOOK``).

Only the Python standard library is used here, so a machine with Python 3.11 and pip is enough.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import platform
import re
import shutil
import stat
import subprocess
import sys
import sysconfig
import tempfile
import time
import urllib.parse
import urllib.request
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("C1X1_VENV", ROOT / ".venv"))
FIRST_NOTEBOOK = "notebooks/00_start_here.ipynb"
LOCK = ROOT / "requirements-lock.txt"
CONDA_ENV = ROOT / "environment.yml"
BINDER_ENV = ROOT / "binder" / "environment.yml"
# JupyterLab settings for this course (widget state saved, no news or update check);
# Binder's postBuild installs the same file.
LAB_OVERRIDES = ROOT / "binder" / "overrides.json"
# The platform the lock is for: Binder's, CI's and this project's machines.
LOCK_PYTHON = "3.11"
LOCK_PLATFORM = "x86_64-manylinux_2_28"
# The extras each environment gets (see pyproject.toml): everything locally, what a learner
# and an instructor use on Binder.
BINDER_EXTRAS = ("notebooks", "check")
# What repo2docker's base environment for Python 3.11 already holds before it reads
# binder/ (its conda lock, environment.py-3.11-linux-64.lock). The rehearsal installs these
# first, so that it shows binder/environment.yml replacing them.
REPO2DOCKER_BASE = (
    "jupyterlab==4.4.9",
    "notebook==7.4.7",
    "ipywidgets==8.1.7",
    "widgetsnbextension==4.0.14",
    "ipykernel==7.0.1",
    "jupyter_server==2.17.0",
    "jupyterhub==5.4.0",
    "jupyter-resource-usage==1.2.0",
    "jupyter-offlinenotebook==0.3.2",
)


def _bin(name: str, env: Path = VENV) -> Path:
    folder = "Scripts" if os.name == "nt" else "bin"
    return env / folder / name


def _run(*args: object, **kwargs) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], cwd=ROOT, check=True, **kwargs)


def locked_versions(path: Path = LOCK) -> dict[str, str]:
    """Return ``{name: version}`` for every ``name==version`` line of a lock file."""
    pins = {}
    for line in path.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;#]+)", line)
        if match:
            pins[match[1]] = match[2]
    return pins


# How uv installs the lock; part of the install stamp, so changing it re-syncs existing
# environments.
# uv leaves bytecode to be compiled at first import, and with PYTHONDONTWRITEBYTECODE set
# (as it is on this project's machines) Python compiles TensorFlow's thousands of modules
# again in every kernel: ``import tensorflow`` took 19 s here instead of 8 s.
# pip and conda, as on Binder, compile at install time; so do we.
SYNC_OPTIONS = ("--compile-bytecode",)


def _stamp() -> str:
    """Return what an installed environment must match: lock, project metadata, uv options."""
    import tomllib  # Python 3.11+

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    metadata = repr(sorted(project.items(), key=lambda kv: kv[0]))
    text = LOCK.read_text() + metadata + repr(SYNC_OPTIONS)
    return hashlib.sha256(text.encode()).hexdigest()


def ensure_environment() -> None:
    """Create the virtual environment and sync it with the lock, unless already done."""
    if sys.version_info < (3, 11):  # noqa: UP036 - say so clearly on an older Python
        sys.exit(f"Python 3.11 or newer is needed, this is {sys.version.split()[0]}")
    started = time.perf_counter()
    python = _bin("python")
    if not python.exists():
        print(f"Creating a virtual environment in {VENV}", flush=True)
        # No pip yet: the lock brings it, with everything else, in one uv sync.
        venv.EnvBuilder(with_pip=False).create(VENV)
    stamp_file = VENV / ".c1x1-installed"
    stamp = _stamp()
    if stamp_file.exists() and stamp_file.read_text() == stamp:
        install_lab_settings(VENV)
        return
    with tempfile.TemporaryDirectory(prefix="c1x1-uv-") as tmp:
        uv = _uv(locked_versions()["uv"], Path(tmp))
        _run(uv, "pip", "sync", "-q", *SYNC_OPTIONS, "--python", python, LOCK)
    # setuptools is in the lock, so the package builds without a build environment.
    _run(
        _bin("uv"),
        "pip",
        "install",
        "-q",
        "--python",
        python,
        "--no-deps",
        "--no-build-isolation",
        "-e",
        ".",
    )
    stamp_file.write_text(stamp)
    install_lab_settings(VENV)
    print(f"Environment ready in {time.perf_counter() - started:.0f} s", flush=True)


def _uv(version: str, scratch: Path) -> Path:
    """Return a uv of the locked version, for the first sync (which installs uv too)."""
    for candidate in (_bin("uv"), shutil.which("uv")):
        if candidate and _uv_version(candidate) == version:
            return Path(candidate)
    try:
        return _download_uv(version, scratch)
    except (OSError, ValueError, KeyError, StopIteration, zipfile.BadZipFile) as exc:
        print(f"Fetching uv's wheel directly did not work ({exc}); using pip instead.")
    _run(_bin("python"), "-m", "ensurepip")
    _run(
        _bin("python"),
        "-m",
        "pip",
        "install",
        "-q",
        "--disable-pip-version-check",
        f"uv=={version}",
    )
    return _bin("uv")


def _download_uv(version: str, scratch: Path) -> Path:
    """Take the ``uv`` binary out of its wheel on PyPI, checking the wheel's SHA-256.

    pip needs several seconds just to read PyPI's long list of uv's files; this takes one
    JSON request and one download, about a second here.
    """
    system, machine = sysconfig.get_platform().split("-")[0], platform.machine().lower()
    if system == "linux" and platform.libc_ver()[0] == "glibc":
        want = ("manylinux", {"amd64": "x86_64", "arm64": "aarch64"}.get(machine, machine))
    elif system == "macosx":
        want = ("macosx", machine)
    else:
        raise ValueError(f"no direct download for {sysconfig.get_platform()}")
    index = "https://pypi.org/pypi/uv/json"
    with urllib.request.urlopen(index, timeout=30) as response:
        files = json.load(response)["releases"][version]
    wheel = next(
        f for f in files if f["filename"].endswith(".whl") and all(w in f["filename"] for w in want)
    )
    print(f"+ downloading {wheel['filename']}", flush=True)
    with urllib.request.urlopen(urllib.parse.urljoin(index, wheel["url"]), timeout=120) as response:
        data = response.read()
    if hashlib.sha256(data).hexdigest() != wheel["digests"]["sha256"]:
        raise ValueError(f"{wheel['filename']} does not match its SHA-256 on PyPI")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        member = next(n for n in archive.namelist() if re.search(r"\.data/scripts/uv$", n))
        target = scratch / "uv"
        target.write_bytes(archive.read(member))
    target.chmod(target.stat().st_mode | stat.S_IXUSR)
    return target


def _uv_version(executable: os.PathLike | str) -> str:
    try:
        out = subprocess.run([executable, "--version"], capture_output=True, text=True).stdout
    except OSError:
        return ""
    return out.split()[1] if out else ""


def install_lab_settings(prefix: Path) -> None:
    """Put the course's JupyterLab settings where JupyterLab in ``prefix`` reads them."""
    settings = prefix / "share" / "jupyter" / "lab" / "settings"
    settings.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(LAB_OVERRIDES, settings / "overrides.json")


def lab(extra: list[str]) -> None:
    """Open JupyterLab on the first notebook."""
    ensure_environment()
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in extra:
        print("Running as root (as in a container): passing --allow-root to JupyterLab.")
        extra = ["--allow-root", *extra]
    _run(_bin("jupyter"), "lab", FIRST_NOTEBOOK, *extra)


def test(extra: list[str]) -> None:
    """Run the unit tests, the browser tests and every notebook with nbval."""
    ensure_environment()
    _run(_bin("python"), "-m", "pytest", "--nbval", *extra)


def execute(extra: list[str]) -> None:
    """Run notebooks top to bottom in fresh kernels and save them with their outputs.

    Without arguments, every notebook in ``notebooks/``. Widget state is not stored: each
    explorer carries its own picture and text, and the notebooks stay small.
    """
    ensure_environment()
    notebooks = extra or sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("notebooks/*.ipynb"))
    for notebook in notebooks:
        _run(
            _bin("jupyter"),
            "nbconvert",
            "--to",
            "notebook",
            "--execute",
            "--inplace",
            "--ExecutePreprocessor.store_widget_state=False",
            "--ExecutePreprocessor.timeout=300",
            notebook,
        )


def site(extra: list[str]) -> None:
    """Build the course as a static site in ``site/``, from the notebooks as committed.

    Nothing is run: each explorer is made again from what its output saved and is live in
    the page, with no kernel. Open ``site/index.html``, or serve the folder.
    """
    ensure_environment()
    _run(_bin("python"), "-m", "conv1x1_viz.static_site", *extra)


def lock(extra: list[str]) -> None:
    """Write the lock, then pin its versions in environment.yml and binder/environment.yml."""
    ensure_environment()
    _compile(LOCK, "--all-extras", "--custom-compile-command", "python3 tasks.py lock", *extra)
    pins = locked_versions()
    _write_conda_env(CONDA_ENV, pins, "The conda route: conda env create -f environment.yml")
    # Binder gets what a learner and an instructor use, at the lock's versions.
    with tempfile.TemporaryDirectory() as tmp:
        subset = Path(tmp) / "binder.txt"
        extras = [arg for name in BINDER_EXTRAS for arg in ("--extra", name)]
        _compile(subset, *extras, "--constraint", LOCK, "--no-header", "--no-annotate")
        binder_pins = locked_versions(subset)
    drift = {n: v for n, v in binder_pins.items() if pins.get(n) != v}
    if drift:
        sys.exit(f"Binder's resolution left the lock: {drift}")
    _write_conda_env(
        BINDER_ENV,
        binder_pins,
        "Binder reads only this folder. Extras: " + ", ".join(BINDER_EXTRAS) + ".",
    )


def _compile(output: Path, *args: object) -> None:
    """Resolve pyproject.toml for the lock's Python and platform with uv into *output*."""
    target = ["--python-version", LOCK_PYTHON, "--python-platform", LOCK_PLATFORM]
    _run(_bin("uv"), "pip", "compile", "-q", "pyproject.toml", *target, *args, "-o", output)


def _write_conda_env(path: Path, pins: dict[str, str], purpose: str) -> None:
    lines = [
        f"# {purpose}",
        "# Written by `python3 tasks.py lock` from requirements-lock.txt: do not edit by hand.",
        "# tests/test_environment_files.py checks every pin against the lock.",
        "name: conv1x1-viz",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        f"  - python={LOCK_PYTHON}",
        "  - pip",
        "  - pip:",
        *(f"      - {name}=={version}" for name, version in sorted(pins.items())),
    ]
    path.write_text("\n".join(lines) + "\n")
    print(f"wrote {path.relative_to(ROOT)} ({len(pins)} pins)", flush=True)


#: The notebook the Binder rehearsal runs under nbval: an explorer, Keras and figures.
BINDER_NOTEBOOK = "notebooks/03_channel_mixing.ipynb"


def binder(extra: list[str]) -> None:
    """Rehearse Binder's build in a fresh environment, then run one notebook under nbval."""
    ensure_environment()  # for uv and for reading the YAML
    read = (
        "import sys, yaml; env = yaml.safe_load(open(sys.argv[1]));"
        "deps = env['dependencies'];"
        "print(next(d for d in deps if isinstance(d, str) and d.startswith('python=')));"
        "print('\\n'.join(next(d['pip'] for d in deps if isinstance(d, dict))))"
    )
    out = subprocess.run(
        [_bin("python"), "-c", read, BINDER_ENV], check=True, capture_output=True, text=True
    ).stdout.splitlines()
    python_version, requirements = out[0].split("=", 1)[1], out[1:]
    interpreter = shutil.which(f"python{python_version}")
    if interpreter is None:
        sys.exit(f"Binder asks for Python {python_version}; no python{python_version} on PATH")
    with tempfile.TemporaryDirectory(prefix="c1x1-binder-") as tmp:
        env = Path(tmp) / "env"
        print(f"== a fresh environment with Python {python_version} in {env}", flush=True)
        _run(interpreter, "-m", "venv", env)
        python = _bin("python", env)
        print("== what repo2docker's base image holds", flush=True)
        # repo2docker installs with conda and pip, which compile bytecode as they install.
        install = (_bin("uv"), "pip", "install", "-q", "--compile-bytecode", "--python", python)
        _run(*install, *REPO2DOCKER_BASE)
        print(f"== the {len(requirements)} pins of binder/environment.yml", flush=True)
        reqs = Path(tmp) / "binder-requirements.txt"
        reqs.write_text("\n".join(requirements) + "\n")
        _run(*install, "-r", reqs)
        print("== binder/postBuild, from the repository's root", flush=True)
        path = f"{_bin('python', env).parent}{os.pathsep}{os.environ['PATH']}"
        _run("bash", "binder/postBuild", env={**os.environ, "PATH": path})
        _run(python, "-m", "pip", "check")
        _run(_bin("jupyter", env), "labextension", "list", env={**os.environ, "PATH": path})
        # Every notebook runs under nbval in the test suite, in the lock's environment; here
        # only what Binder's build could change: one notebook with an explorer and Keras.
        print(f"== strict pytest --nbval over {BINDER_NOTEBOOK}, in that environment", flush=True)
        _run(
            python, "-m", "pytest", "--nbval", BINDER_NOTEBOOK, *extra,
            env={**os.environ, "PATH": path},
        )  # fmt: skip


def main(argv: list[str]) -> None:
    """Dispatch a command; further arguments go to JupyterLab, pytest or uv."""
    commands = {
        "lab": lab,
        "test": test,
        "execute": execute,
        "site": site,
        "lock": lock,
        "binder": binder,
    }
    if not argv or argv[0] not in commands:
        sys.exit("usage: python3 tasks.py {lab|test|execute|site|lock|binder} [extra arguments]")
    try:
        commands[argv[0]](argv[1:])
    except subprocess.CalledProcessError as exc:
        sys.exit(exc.returncode)


if __name__ == "__main__":
    main(sys.argv[1:])
