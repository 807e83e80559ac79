"""nbval runs the stakeholder dashboards (dashboards/*.ipynb) in a fresh Python process: every cell must execute
without error (``--nbval-lax``: outputs are not compared; a dashboard's output is a widget).

nbval runs as a subprocess so that its collection options stay out of the main test session (no conftest or
``-p nbval`` needed there); the coordinators' notebooks in notebooks/ are tested elsewhere.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


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
