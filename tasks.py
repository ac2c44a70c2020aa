"""Set up the course and run it: ``python3 tasks.py lab`` or ``python3 tasks.py test``.

A thin wrapper over [uv](https://docs.astral.sh/uv/): ``lab`` and ``test`` run
``uv sync --locked`` (the environment in ``.venv``, or in the folder named by ``C1X1_VENV``,
made to hold exactly what ``uv.lock`` pins, every extra and group included), then
``uv run`` JupyterLab on the first notebook or ``pytest --nbval`` over everything. When
nothing changed, the sync takes a fraction of a second. The first time, ``.venv`` is made with
the Python running this file (3.11, 3.12 or 3.13), and pip installs the locked uv into it.

``site`` builds the course as a static site in ``site/`` (one page a notebook, as
committed, every explorer live with no kernel): open ``site/index.html``.

Three commands are for contributors:

- ``execute`` runs notebooks (all, or those named) top to bottom in fresh kernels and saves
  them with their outputs, as they are committed.
- ``lock`` runs ``uv lock`` (extra arguments go to it: ``python3 tasks.py lock --upgrade``
  bumps all), then writes ``environment.yml`` and ``binder/environment.yml`` from the lock
  with ``uv export``, and syncs ``.venv``.
- ``binder`` rehearses what Binder builds: a fresh environment with Binder's Python, the
  packages repo2docker's base image starts from, then exactly the pins of
  ``binder/environment.yml``, then ``binder/postBuild``, then strict ``pytest --nbval`` on one
  notebook (``BINDER_NOTEBOOK``).

Only the Python standard library is used here, so a machine with Python and pip is enough.
"""

from __future__ import annotations

import collections
import os
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("C1X1_VENV", ROOT / ".venv"))
FIRST_NOTEBOOK = "notebooks/00_start_here.ipynb"
LOCK = ROOT / "uv.lock"
CONDA_ENV = ROOT / "environment.yml"
BINDER_ENV = ROOT / "binder" / "environment.yml"
# JupyterLab settings for this course (widget state saved, no news or update check);
# Binder's postBuild installs the same file.
LAB_OVERRIDES = ROOT / "binder" / "overrides.json"
# The Pythons the lock is resolved for (pyproject.toml's tool.uv.environments). The first is
# the one CI tests with, and the one the conda and Binder environments ask for.
SUPPORTED_PYTHONS = ("3.11", "3.12", "3.13")
# The extras Binder gets (see pyproject.toml): what a learner and an instructor use.
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
# uv's environment: our venv; no Python fetched from the web (the venv's is the one).
UV_ENV = {
    **os.environ,
    "UV_PROJECT_ENVIRONMENT": str(VENV),
    "UV_PYTHON_DOWNLOADS": os.environ.get("UV_PYTHON_DOWNLOADS", "never"),
}
# The course's environment: every extra, and every dependency group (tool.uv's default).
SYNC = ("sync", "--locked", "--all-extras")


def _bin(name: str, env: Path = VENV) -> Path:
    folder = "Scripts" if os.name == "nt" else "bin"
    return env / folder / name


def _run(*args: object, **kwargs) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], cwd=ROOT, check=True, **kwargs)


def _uv(*args: object) -> None:
    """Run the environment's uv on this project."""
    _run(_bin("uv"), *args, env=UV_ENV)


def locked_versions(path: Path = LOCK) -> dict[str, str]:
    """Return ``{name: version}`` for every package from the index that ``uv.lock`` pins."""
    import tomllib  # Python 3.11+

    packages = tomllib.loads(path.read_text())["package"]
    return {p["name"]: p["version"] for p in packages if "registry" in p["source"]}


def ensure_uv() -> None:
    """Give the environment the locked uv; the first time, make the environment for it."""
    version = locked_versions()["uv"]
    uv = _bin("uv")
    if uv.exists():
        out = subprocess.run([uv, "--version"], capture_output=True, text=True).stdout
        if out.split()[1:2] != [version]:  # the lock moved to another uv: let uv update itself
            _run(uv, "pip", "install", "-q", "--python", _bin("python"), f"uv=={version}")
        return
    if not _bin("python").exists():
        running = f"{sys.version_info.major}.{sys.version_info.minor}"
        if running not in SUPPORTED_PYTHONS:
            sys.exit(
                f"This is Python {running}; the course's lock is for Python "
                f"{', '.join(SUPPORTED_PYTHONS)}. Run this file with one of them, "
                f"for example: python{SUPPORTED_PYTHONS[-1]} tasks.py"
            )
        print(f"Creating a virtual environment in {VENV} with Python {running}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    python = _bin("python")
    _run(python, "-m", "pip", "install", "-q", "--disable-pip-version-check", f"uv=={version}")


def ensure_environment() -> None:
    """Make the environment hold exactly what the lock pins (quick when it already does)."""
    ensure_uv()
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    check = subprocess.run([_bin("uv"), *SYNC, "--check"], cwd=ROOT, env=UV_ENV, **quiet)
    if check.returncode:
        # uv leaves bytecode to be compiled at first import, and with PYTHONDONTWRITEBYTECODE
        # set (as on this project's machines) every kernel would compile TensorFlow's modules
        # again: ``import tensorflow`` took 19 s here instead of 8 s. pip and conda, as on
        # Binder, compile as they install; so do we, only when something changed (compiling
        # nothing new still takes a second, ``--check`` a tenth).
        _uv(*SYNC, "--compile-bytecode")
    install_lab_settings(VENV)


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
    _uv("run", "--no-sync", "jupyter", "lab", FIRST_NOTEBOOK, *extra)


# pytest-xdist's processes for ``test``: two keep both cores of a small machine busy (the
# notebooks' kernels and the browser run beside the test processes) while the peak memory,
# a notebook's kernel and a Chromium per process, stays about 3 GB. Tests go to whichever
# process is free; a notebook's cells run in order in one (tests/parallel.py). ``-n 0`` after
# the command runs in one process.
TEST_PROCESSES = ("--numprocesses=2", "--dist=load")


def test(extra: list[str]) -> None:
    """Run the unit tests, the browser tests and every notebook with nbval, in two processes."""
    ensure_environment()
    _uv("run", "--no-sync", "python", "-m", "pytest", "--nbval", *TEST_PROCESSES, *extra)


def execute(extra: list[str]) -> None:
    """Run notebooks top to bottom in fresh kernels and save them with their outputs.

    Without arguments, every notebook in ``notebooks/``. Widget state is not stored: each
    explorer carries its own picture and text, and the notebooks stay small.
    """
    ensure_environment()
    notebooks = extra or sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("notebooks/*.ipynb"))
    for notebook in notebooks:
        _uv(
            "run",
            "--no-sync",
            "jupyter",
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
    _uv("run", "--no-sync", "python", "-m", "conv1x1_viz.static_site", *extra)


def lock(extra: list[str]) -> None:
    """Lock, write environment.yml and binder/environment.yml from the lock, then sync."""
    ensure_uv()  # not a sync: pyproject.toml may have changed, and the old lock with it
    _uv("lock", *extra)
    _write_conda_env(
        CONDA_ENV,
        _export("--all-extras", "--all-groups"),
        "The conda route, every extra and group: conda env create -f environment.yml",
    )
    extras = [arg for name in BINDER_EXTRAS for arg in ("--extra", name)]
    _write_conda_env(
        BINDER_ENV,
        _export(*extras, "--no-default-groups"),
        "Binder reads only this folder. Extras: " + ", ".join(BINDER_EXTRAS) + ".",
    )
    ensure_environment()


def _export(*selection: str) -> list[str]:
    """Return the lock's pins for *selection* (``uv export`` arguments), as requirement lines.

    A pin that holds wherever the lock does carries the lock's own environment marker,
    the one most pins carry: it is dropped. Markers that say more stay (``appnope`` only on
    macOS, for instance), for pip to read.
    """
    args = ("export", "--frozen", "--no-emit-project", "--no-hashes", "--no-header")
    out = subprocess.run(
        [_bin("uv"), *args, "--no-annotate", *selection],
        cwd=ROOT,
        env=UV_ENV,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    lines = [line.strip() for line in out.splitlines() if line.strip()]
    markers = collections.Counter(line.partition(" ; ")[2] for line in lines)
    everywhere = markers.most_common(1)[0][0]
    return [line.removesuffix(f" ; {everywhere}") for line in lines]


def _write_conda_env(path: Path, requirements: list[str], purpose: str) -> None:
    lines = [
        f"# {purpose}",
        "# Written by `python3 tasks.py lock` from uv.lock: do not edit by hand.",
        "# tests/test_environment_files.py checks every pin against the lock.",
        "name: conv1x1-viz",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        f"  - python={SUPPORTED_PYTHONS[0]}",
        "  - pip",
        "  - pip:",
        *(f"      - {line}" for line in sorted(requirements, key=lambda r: r.split("==")[0])),
    ]
    path.write_text("\n".join(lines) + "\n")
    print(f"wrote {path.relative_to(ROOT)} ({len(requirements)} pins)", flush=True)


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
        report = {"C1X1_MEMORY_REPORT": "artifacts/memory-binder.md"}  # not the suite's table
        _run(
            python, "-m", "pytest", "--nbval", BINDER_NOTEBOOK, *extra,
            env={**os.environ, "PATH": path, **report},
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
    if sys.version_info < (3, 11):  # noqa: UP036 - say so clearly on an older Python
        sys.exit(f"Python {' to '.join(SUPPORTED_PYTHONS[::2])} is needed to set up the course")
    if not argv or argv[0] not in commands:
        sys.exit("usage: python3 tasks.py {lab|test|execute|site|lock|binder} [extra arguments]")
    try:
        commands[argv[0]](argv[1:])
    except subprocess.CalledProcessError as exc:
        sys.exit(exc.returncode)


if __name__ == "__main__":
    main(sys.argv[1:])
