"""The package's structure: layers, one name per rule, every rule in one place, the import graph in the docs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from planner.core.model import DEFAULT_WEIGHTS, Rules
from planner.rules.hard import HARD_RULES
from planner.rules.names import RuleName, TermName
from planner.rules.soft import SOFT_TERMS, TERM_LABELS

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "planner"


def test_every_rule_name_has_exactly_one_rule_module():
    assert sorted(r.name for r in HARD_RULES) == sorted(RuleName)
    assert [r.order for r in HARD_RULES] == sorted({r.order for r in HARD_RULES})


def test_rules_are_in_the_order_the_names_list_them():
    assert [r.name for r in HARD_RULES] == list(RuleName)


def test_every_term_name_has_one_soft_term_a_label_and_a_default_weight():
    names = [n for t in SOFT_TERMS for n in t.names]
    assert sorted(names) == sorted(TermName)
    assert set(TERM_LABELS) == set(TermName)
    assert set(DEFAULT_WEIGHTS) == {str(n) for n in TermName}


def test_simple_rule_settings_describe_themselves():
    for name, spec in Rules.simple_settings().items():
        assert spec.metadata["label"], name
        if spec.type not in (bool, "bool"):
            assert spec.metadata["low"] is not None and spec.metadata["high"] is not None, name


def _package_files_naming(*needles: str) -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in PACKAGE.rglob("*.py")
                  if any(n in p.read_text(encoding="utf-8") for n in needles))


def test_the_french_speaker_rule_lives_in_three_package_files():
    files = _package_files_naming("french_speakers", "FRENCH_SPEAKERS")
    assert files == ["planner/core/model.py", "planner/rules/hard/french_speakers.py", "planner/rules/names.py"]


@pytest.mark.slow
def test_imports_point_down_the_layers_and_have_no_cycle():
    linter = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(linter)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 kept, 0 broken" in done.stdout


def test_the_import_graph_in_the_docs_is_current():
    done = subprocess.run([sys.executable, "scripts/import_graph.py", "--check"], cwd=ROOT, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr


def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", f"import sys\n{code}\nprint('\\n'.join(sys.modules))"],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    return set(out.stdout.split())


def test_a_dashboard_kernel_loads_neither_or_tools_nor_the_engine():
    # the dashboards only read a saved plan; OR-Tools and the engine cost every viewer's kernel start
    loaded = _modules_after("import planner.apps.dashboard")
    assert "planner.apps.dashboard" in loaded
    assert not {m for m in loaded if m.startswith(("ortools", "planner.engine"))}


def test_the_public_api_still_loads_the_engine_on_first_use():
    loaded = _modules_after("import planner\nassert planner.solve.__module__ == 'planner.engine.solve'\n"
                            "assert 'solve' in dir(planner)")
    assert "ortools.sat.python.cp_model" in loaded
    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        import planner

        planner.nonexistent  # noqa: B018


def test_the_rules_never_import_or_tools():
    # they write constraints against ModelContext (its Domain included), which the engine implements
    importing = re.compile(r"^\s*(from|import)\s+ortools\b", re.MULTILINE)
    offenders = [p.relative_to(ROOT) for p in (PACKAGE / "rules").rglob("*.py") if importing.search(p.read_text())]
    assert offenders == []
