"""pyproject.toml and environment.yml must name the same runtime packages with the same lower bounds."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
# conda-forge spells a few PyPI names differently
CONDA_NAMES = {"ortools-python": "ortools", "python-kaleido": "kaleido"}


def _split(requirement: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement)
    return match.group(1).lower().replace("_", "-"), match.group(2).split("#")[0].replace(" ", "")


def pyproject_requirements() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return dict(_split(r) for r in data["project"]["dependencies"])


def conda_requirements() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    result = {}
    items = [item for item in env["dependencies"] if isinstance(item, str)]
    items += [item for entry in env["dependencies"] if isinstance(entry, dict) for item in entry.get("pip", [])
              if not item.startswith("-e")]  # PyPI-only packages installed by pip
    for item in items:
        name, spec = _split(item)
        if name in ("python", "pip"):
            continue
        result[CONDA_NAMES.get(name, name)] = spec
    return result


def test_environment_yml_names_the_same_packages_as_pyproject():
    assert pyproject_requirements() == conda_requirements()


def test_environment_yml_installs_this_package_with_pip():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_lists = [item["pip"] for item in env["dependencies"] if isinstance(item, dict) and "pip" in item]
    assert pip_lists and "-e ." in pip_lists[0]


def test_drift_is_detected(tmp_path, monkeypatch):
    """The comparison itself can fail: a package missing on one side makes the dictionaries differ."""
    deps = pyproject_requirements()
    deps.pop("pandas")
    assert deps != conda_requirements()


def test_entry_point_is_declared():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert data["project"]["scripts"]["kp-plan"] == "planner.apps.cli:main"
