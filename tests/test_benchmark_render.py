"""bench/run_benchmarks.py --render writes the planner section again from its stored raw figures: the figures keep
the date and machine they were measured on, whatever machine renders them."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load_bench():
    spec = importlib.util.spec_from_file_location("run_benchmarks", ROOT / "bench" / "run_benchmarks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def produced_line(text: str) -> str:
    start = text.index("Produced by `", text.index("## Planner"))
    return text[start:text.index("\n", start)]


def test_rendering_again_keeps_the_measured_machine_and_date(tmp_path, monkeypatch):
    bench = load_bench()
    copy = tmp_path / "benchmarks.md"
    shutil.copy(ROOT / "docs" / "benchmarks.md", copy)
    original = copy.read_text()
    measured = "Produced by `make bench` on 1999-01-01: 2 cores (Some Other CPU), 1 GiB, a line no machine() writes."
    copy.write_text(original.replace(produced_line(original), measured, 1))
    monkeypatch.setattr(bench, "BENCHMARKS_MD", copy)
    bench.rerender()
    rendered = copy.read_text()
    assert produced_line(rendered) == measured
    assert bench.machine() not in measured and measured in rendered


def test_rendering_the_committed_figures_again_changes_nothing(tmp_path, monkeypatch):
    """docs/benchmarks.md is what --render makes of its raw figures and the NOTES in bench/run_benchmarks.py."""
    bench = load_bench()
    copy = tmp_path / "benchmarks.md"
    shutil.copy(ROOT / "docs" / "benchmarks.md", copy)
    monkeypatch.setattr(bench, "BENCHMARKS_MD", copy)
    bench.rerender()
    assert copy.read_text() == (ROOT / "docs" / "benchmarks.md").read_text()
