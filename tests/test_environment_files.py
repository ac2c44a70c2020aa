"""One environment everywhere: the lock, environment.yml and binder/ pin the same versions."""

import json
import re
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import tasks  # noqa: E402

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
EXTRAS = PROJECT["optional-dependencies"]
LOCK = {canonicalize_name(n): v for n, v in tasks.locked_versions(tasks.LOCK).items()}
# What a learner and an instructor need on Binder, by name.
BINDER_MUST_HAVE = [
    "jupyterlab", "ipywidgets", "anywidget", "ipykernel", "matplotlib", "numpy", "tensorflow",
    "keras", "nbval", "pytest",
]  # fmt: skip
# What only contributors and the browser tests use.
BINDER_MUST_NOT_HAVE = ["playwright", "pytest-playwright", "ruff", "hypothesis", "uv"]


def _requirements(*groups):
    lists = [PROJECT["dependencies"], *(EXTRAS[g] for g in groups)]
    return [Requirement(r) for group in lists for r in group]


def _conda(path):
    env = yaml.safe_load((ROOT / path).read_text())
    conda, pins = [], {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for line in dep["pip"]:
                name, version = re.fullmatch(r"([A-Za-z0-9_.\-]+)==(\S+)", line).groups()
                pins[canonicalize_name(name)] = version
        else:
            conda.append(dep)
    return conda, pins


def test_pyproject_keeps_lower_bounds_only():
    for req in _requirements(*EXTRAS):
        specs = list(req.specifier)
        assert specs and all(s.operator == ">=" for s in specs), f"{req} needs a lower bound"


def test_lock_holds_every_dependency_at_a_version_it_allows():
    for req in _requirements(*EXTRAS):
        name = canonicalize_name(req.name)
        assert name in LOCK, f"{name} is missing from the lock: run `python3 tasks.py lock`"
        assert req.specifier.contains(LOCK[name]), f"locked {name}=={LOCK[name]} breaks {req}"


def test_lock_is_for_python_3_11_only():
    text = tasks.LOCK.read_text()
    assert "python3 tasks.py lock" in text.splitlines()[1]
    assert tasks.LOCK_PYTHON == "3.11"
    assert all(";" not in line for line in text.splitlines() if "==" in line), "markers left"


def test_conda_route_pins_exactly_the_lock():
    conda, pins = _conda("environment.yml")
    assert conda == ["python=3.11", "pip"]
    assert pins == LOCK


def _drift(pins: dict[str, str]) -> dict[str, tuple[str, str | None]]:
    """The pins whose version is not the lock's: ``{name: (pinned, locked)}``."""
    return {n: (v, LOCK.get(n)) for n, v in pins.items() if LOCK.get(n) != v}


def test_binder_pins_what_learners_need_at_the_locks_versions():
    conda, pins = _conda("binder/environment.yml")
    assert conda == ["python=3.11", "pip"]
    drift = _drift(pins)
    assert not drift, f"binder/environment.yml left the lock (binder, lock): {drift}"
    for req in _requirements(*tasks.BINDER_EXTRAS):
        assert canonicalize_name(req.name) in pins, f"Binder does not install {req.name}"
    assert set(BINDER_MUST_HAVE) <= pins.keys()
    assert not set(BINDER_MUST_NOT_HAVE) & pins.keys()


def test_a_drifted_pin_is_caught():
    # The check above compares versions, not only names: one pin moved is named.
    _, pins = _conda("binder/environment.yml")
    pins["jupyterlab"] = "4.0.0"
    assert _drift(pins) == {"jupyterlab": ("4.0.0", LOCK["jupyterlab"])}


@pytest.mark.parametrize("line", tasks.REPO2DOCKER_BASE)
def test_binder_replaces_what_the_base_image_holds(line):
    # The rehearsal installs repo2docker's base packages first: Binder must pin each of
    # them, or the learner keeps the base image's version.
    name = canonicalize_name(line.split("==")[0])
    _, pins = _conda("binder/environment.yml")
    if name in {"jupyterhub", "jupyter-resource-usage", "jupyter-offlinenotebook"}:
        assert name not in pins  # Binder's own services: left as the image has them
    else:
        assert pins[name] == LOCK[name]


def test_postbuild_installs_the_package_and_the_lab_settings():
    script = (ROOT / "binder/postBuild").read_text()
    assert script.startswith("#!/bin/bash")
    assert re.search(r"^set -euo pipefail", script, re.M)
    assert "pip install --no-deps -e ." in script
    assert "binder/overrides.json" in script


def test_lab_settings_save_widgets_and_fetch_nothing():
    overrides = json.loads(tasks.LAB_OVERRIDES.read_text())
    assert overrides["@jupyter-widgets/jupyterlab-manager:plugin"]["saveState"] is True
    notification = overrides["@jupyterlab/apputils-extension:notification"]
    assert notification == {"fetchNews": "false", "checkForUpdates": False}
    # Opening notebooks/00_start_here.ipynb shows notebooks/ in the file browser.
    browser = overrides["@jupyterlab/filebrowser-extension:browser"]
    assert browser == {"navigateToCurrentDirectory": True}


def test_notebooks_folder_holds_only_the_lessons():
    names = sorted(p.name for p in (ROOT / "notebooks").iterdir() if not p.name.startswith("."))
    assert names and all(re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", n) for n in names), names


def test_every_subpackage_goes_into_the_wheel():
    from setuptools import find_packages

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    found = set(find_packages(str(ROOT), include=config["packages"]["find"]["include"]))
    on_disk = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "conv1x1_viz").rglob("__init__.py")
    }
    assert on_disk <= found
