"""One environment everywhere: uv.lock, environment.yml and binder/ pin the same versions."""

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import tasks  # noqa: E402

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PROJECT = PYPROJECT["project"]
EXTRAS = PROJECT["optional-dependencies"]
GROUPS = PYPROJECT["dependency-groups"]
LOCKFILE = tomllib.loads(tasks.LOCK.read_text())
LOCK = {canonicalize_name(n): v for n, v in tasks.locked_versions().items()}
# What a learner and an instructor need on Binder, by name.
BINDER_MUST_HAVE = [
    "jupyterlab", "ipywidgets", "anywidget", "ipykernel", "matplotlib", "numpy", "tensorflow",
    "keras", "nbval", "pytest",
]  # fmt: skip
# What only contributors and the browser tests use.
BINDER_MUST_NOT_HAVE = ["playwright", "pytest-playwright", "ruff", "mypy", "hypothesis", "uv"]
# The platforms the lock promises (the README says so), as uv names them and as markers.
PLATFORMS = {
    "x86_64-unknown-linux-gnu": {"sys_platform": "linux", "platform_machine": "x86_64"},
    "aarch64-unknown-linux-gnu": {"sys_platform": "linux", "platform_machine": "aarch64"},
    "aarch64-apple-darwin": {"sys_platform": "darwin", "platform_machine": "arm64"},
}
# ... and some it does not: Intel Macs (no TensorFlow wheel since 2.17), Windows.
NOT_PROMISED = [
    {"sys_platform": "darwin", "platform_machine": "x86_64"},
    {"sys_platform": "win32", "platform_machine": "AMD64"},
]


def _requirements(*, extras=(), groups=()):
    lists = [PROJECT["dependencies"], *(EXTRAS[e] for e in extras), *(GROUPS[g] for g in groups)]
    return [Requirement(r) for group in lists for r in group]


def _everything():
    return _requirements(extras=EXTRAS, groups=GROUPS)


def _conda(path):
    env = yaml.safe_load((ROOT / path).read_text())
    conda, pins, markers = [], {}, {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for line in dep["pip"]:
                match = re.fullmatch(r"([A-Za-z0-9_.\-]+)==(\S+)(?: ; (.+))?", line)
                name, version, marker = match.groups()
                pins[canonicalize_name(name)] = version
                if marker:
                    markers[canonicalize_name(name)] = Marker(marker)
        else:
            conda.append(dep)
    return conda, pins, markers


def _environment(python, platform):
    return {"python_version": python, "python_full_version": f"{python}.0", **platform}


def test_pyproject_keeps_lower_bounds_only():
    for req in _everything():
        specs = list(req.specifier)
        assert specs and all(s.operator == ">=" for s in specs), f"{req} needs a lower bound"


def test_contributors_tools_are_a_dependency_group_not_published():
    # PEP 735 groups stay out of the package's metadata; extras are published.
    assert {"dev", "test"} <= GROUPS.keys() and not {"dev", "test"} & EXTRAS.keys()
    dev = {canonicalize_name(Requirement(r).name) for r in GROUPS["dev"]}
    assert {"ruff", "mypy", "uv"} <= dev
    assert PYPROJECT["tool"]["uv"]["default-groups"] == "all"


def test_lock_holds_every_dependency_at_a_version_it_allows():
    for req in _everything():
        name = canonicalize_name(req.name)
        assert name in LOCK, f"{name} is missing from the lock: run `python3 tasks.py lock`"
        assert req.specifier.contains(LOCK[name]), f"locked {name}=={LOCK[name]} breaks {req}"


def test_lock_pins_one_version_of_each_package():
    # environment.yml and Binder pin one version a name: a fork of the lock (one version on
    # one platform, another elsewhere) would need them to say more.
    names = [p["name"] for p in LOCKFILE["package"]]
    assert len(names) == len(set(names)), [n for n in names if names.count(n) > 1]


def test_lock_is_up_to_date_with_pyproject():
    uv = Path(sys.executable).with_name("uv")
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    command = [uv, "lock", "--check", "--offline"]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"run `python3 tasks.py lock`: {result.stderr}"


@pytest.mark.parametrize("python", tasks.SUPPORTED_PYTHONS)
@pytest.mark.parametrize("platform", PLATFORMS)
def test_lock_covers_each_promised_platform_and_python(platform, python):
    env = _environment(python, PLATFORMS[platform])
    for key in ("environments", "required-environments"):
        matches = [m for m in PYPROJECT["tool"]["uv"][key] if Marker(m).evaluate(env)]
        assert len(matches) == 1, (key, platform, python)
    for key in ("supported-markers", "required-markers"):
        assert any(Marker(m).evaluate(env) for m in LOCKFILE[key]), (key, platform, python)


def test_lock_promises_nothing_more():
    lower = Requirement(f"x{PROJECT['requires-python']}").specifier
    assert lower.contains(tasks.SUPPORTED_PYTHONS[0]) and not lower.contains("3.10")
    unsupported = [_environment("3.14", p) for p in PLATFORMS.values()]
    unsupported += [_environment(tasks.SUPPORTED_PYTHONS[0], p) for p in NOT_PROMISED]
    for env in unsupported:
        assert not any(Marker(m).evaluate(env) for m in LOCKFILE["supported-markers"]), env


@pytest.mark.parametrize("path", ["environment.yml", "binder/environment.yml"])
def test_conda_files_ask_for_the_tested_python_and_pip(path):
    conda, _, _ = _conda(path)
    assert conda == [f"python={tasks.SUPPORTED_PYTHONS[0]}", "pip"]


def test_readme_promises_what_the_lock_covers():
    # "Python 3.11, 3.12 or 3.13 with pip, on Linux (x86-64 or 64-bit Arm) or on a Mac with
    # Apple silicon", and Intel Macs left out.
    readme = " ".join((ROOT / "README.md").read_text().split())
    *first, last = tasks.SUPPORTED_PYTHONS
    assert f"Python {', '.join(first)} or {last} with pip" in readme
    assert "Linux (x86-64 or 64-bit Arm) or on a Mac with Apple silicon" in readme
    assert "Intel Macs are not covered" in readme


def test_conda_route_pins_exactly_the_lock():
    _, pins, _ = _conda("environment.yml")
    assert pins == LOCK


@pytest.mark.parametrize("path", ["environment.yml", "binder/environment.yml"])
def test_conda_files_keep_the_markers_that_matter(path):
    # A pin with a marker (macOS only, an older Python, not PyPy) still applies on some
    # promised platform at the conda files' Python: none is pinned for nothing.
    _, pins, markers = _conda(path)
    python = tasks.SUPPORTED_PYTHONS[0]
    assert len(markers) < len(pins) // 10, "the lock's own marker should have been dropped"
    for name, marker in markers.items():
        assert any(marker.evaluate(_environment(python, p)) for p in PLATFORMS.values()), name
    # What the old Linux-only lock left out: appnope, which ipykernel needs on macOS only.
    mac, linux = PLATFORMS["aarch64-apple-darwin"], PLATFORMS["x86_64-unknown-linux-gnu"]
    assert markers["appnope"].evaluate(_environment(python, mac))
    assert not markers["appnope"].evaluate(_environment(python, linux))


def _drift(pins: dict[str, str]) -> dict[str, tuple[str, str | None]]:
    """The pins whose version is not the lock's: ``{name: (pinned, locked)}``."""
    return {n: (v, LOCK.get(n)) for n, v in pins.items() if LOCK.get(n) != v}


def test_binder_pins_what_learners_need_at_the_locks_versions():
    _, pins, _ = _conda("binder/environment.yml")
    drift = _drift(pins)
    assert not drift, f"binder/environment.yml left the lock (binder, lock): {drift}"
    for req in _requirements(extras=tasks.BINDER_EXTRAS):
        assert canonicalize_name(req.name) in pins, f"Binder does not install {req.name}"
    assert set(BINDER_MUST_HAVE) <= pins.keys()
    assert not set(BINDER_MUST_NOT_HAVE) & pins.keys()


def test_instructors_guide_counts_binders_pins():
    _, pins, _ = _conda("binder/environment.yml")
    guide = (ROOT / "docs/instructors.md").read_text()
    assert re.search(r"(\d+) pins at the versions of `uv.lock`", guide)[1] == str(len(pins))


def test_a_drifted_pin_is_caught():
    # The check above compares versions, not only names: one pin moved is named.
    _, pins, _ = _conda("binder/environment.yml")
    pins["jupyterlab"] = "4.0.0"
    assert _drift(pins) == {"jupyterlab": ("4.0.0", LOCK["jupyterlab"])}


@pytest.mark.parametrize("line", tasks.REPO2DOCKER_BASE)
def test_binder_replaces_what_the_base_image_holds(line):
    # The rehearsal installs repo2docker's base packages first: Binder must pin each of
    # them, or the learner keeps the base image's version.
    name = canonicalize_name(line.split("==")[0])
    _, pins, _ = _conda("binder/environment.yml")
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
