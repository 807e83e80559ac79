"""nbval runs of the notebooks, each in a fresh pytest process with a time limit (so that nbval's collection
options stay out of the main test session).

- Coordinator notebooks (notebooks/): ``--nbval-lax`` — a cell fails only when it raises. Solver outputs vary from
  run to run (time-limited search on a loaded machine), so stored outputs are not compared; instead the notebooks
  assert what must hold (a plan exists, the independent checker finds no broken rule, edits hold in the new plan,
  a variant is never overwritten without confirmation …). See docs/notebooks.md.
- Stakeholder dashboards (dashboards/): ``--nbval-lax`` too: every cell must execute without error; a
  dashboard's output is a widget, whose view data nbval never compares. The browser tests check what they show.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_coordinator_notebooks_run_top_to_bottom(tmp_path):
    """Every notebook in notebooks/ runs without an error within fifteen minutes, writing plans and variants only
    into temporary folders (KP_PLANS_DIR, KP_VARIANTS_DIR); the published plan and the scenarios are untouched."""
    notebooks = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert notebooks == ["01-plan-the-season.ipynb", "02-what-if.ipynb", "03-disruption.ipynb",
                         "04-regional-cooperation.ipynb", "05-robustness.ipynb"]
    published = _hashes(ROOT / "plans" / "kp-2018-h2")
    scenarios = sorted(p.name for p in (ROOT / "data" / "scenarios").iterdir())
    env = dict(os.environ, KP_PLANS_DIR=str(tmp_path / "plans"), KP_VARIANTS_DIR=str(tmp_path / "variants"),
               PYTHONHASHSEED="0")
    env.pop("KP_SCENARIO", None)
    report = tmp_path / "nbval.xml"
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env", "-p", "no:cacheprovider", "-q",
         f"--junitxml={report}", "notebooks/"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output[-6000:]
    cells: dict[str, list[str]] = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        outcome = next((child.tag for child in case if child.tag in ("failure", "error", "skipped")), "passed")
        cells.setdefault(case.get("classname", ""), []).append(outcome)
    for name in notebooks:
        ran = [outcomes for classname, outcomes in cells.items() if name.removesuffix(".ipynb") in classname]
        assert len(ran) == 1 and ran[0] and set(ran[0]) == {"passed"}, f"{name} did not run cleanly: {cells}"
    assert (tmp_path / "plans" / "notebook-kp-2018-h2" / "plan.json").exists()
    assert (tmp_path / "variants" / "kp-2018-h2-what-if" / "scenario.yaml").exists()
    assert _hashes(ROOT / "plans" / "kp-2018-h2") == published
    assert sorted(p.name for p in (ROOT / "data" / "scenarios").iterdir()) == scenarios


@pytest.mark.slow
def test_dashboard_notebooks_run_without_error():
    notebooks = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "dashboards").glob("*.ipynb"))
    assert notebooks == ["dashboards/itinerary.ipynb", "dashboards/plan.ipynb"]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env", "-p", "no:cacheprovider",
         "-p", "no:xdist", "-p", "no:randomly", "-o", "addopts=", "-q", *notebooks],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "2 passed" in result.stdout
