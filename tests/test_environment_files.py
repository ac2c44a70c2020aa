"""pyproject.toml, environment.yml and binder/ must describe the same environment."""

import json
import re
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def _normalise(requirement):
    name, bound = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement).groups()
    return re.sub(r"[-_.]+", "-", name).lower(), bound.replace(" ", "")


def _pyproject_requirements():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    return {
        _normalise(r)
        for r in project["dependencies"] + [r for group in extras.values() for r in group]
    }


def _conda_requirements(path):
    env = yaml.safe_load(path.read_text())
    conda, pip = [], []
    for dep in env["dependencies"]:
        (pip.extend(dep["pip"]) if isinstance(dep, dict) else conda.append(dep))
    return conda, {_normalise(r) for r in pip}


@pytest.mark.parametrize("path", ["environment.yml", "binder/environment.yml"])
def test_conda_files_list_the_pyproject_dependencies(path):
    conda, pip = _conda_requirements(ROOT / path)
    assert pip == _pyproject_requirements()
    assert "python=3.11" in conda
    assert "pip" in conda


def test_dependencies_have_lower_bounds_only():
    for name, bound in _pyproject_requirements():
        assert bound.startswith(">="), f"{name} should have a lower bound, not {bound!r}"


def test_binder_matches_the_root_environment():
    root = yaml.safe_load((ROOT / "environment.yml").read_text())
    binder = yaml.safe_load((ROOT / "binder/environment.yml").read_text())
    assert binder == root


def test_postbuild_installs_the_package_and_saves_widget_state():
    script = (ROOT / "binder/postBuild").read_text()
    assert script.startswith("#!/bin/bash")
    assert re.search(r"^set -e", script, re.M)
    assert "pip install --no-deps -e ." in script
    assert "binder/overrides.json" in script
    overrides = json.loads((ROOT / "binder/overrides.json").read_text())
    assert overrides["@jupyter-widgets/jupyterlab-manager:plugin"]["saveState"] is True
