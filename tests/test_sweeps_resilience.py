"""The plan dashboard's resilience panel (planner.sweeps.resilience), from a dropouts sweep of the mini plan
saved with the plan: its sentences and table, nothing for a missing or stale sweep, escaped HTML."""

from __future__ import annotations

import dataclasses

import pytest

from planner.io.plan_files import save_plan
from planner.sweeps.cases import SweepKind, SweepSpec, dropout_cases, shock_cases
from planner.sweeps.resilience import SWEEP_FOLDER, panel_html, resilience, resilience_panel
from planner.sweeps.runner import dask_client, run_sweep
from planner.sweeps.saving import save_sweep


@pytest.fixture(scope="module")
def sweep(mini, plan):
    spec = SweepSpec(SweepKind.DROPOUTS, tuple(dropout_cases(mini, plan)), time_limit_s=10)
    with dask_client(workers=2, processes=False) as client:
        return run_sweep(spec, mini, plan, client)


def test_the_panel_names_who_an_engagement_depends_on_and_why(sweep):
    """In the mini plan the Cameroon visit is lost without CSC-2 and no plan exists without WDC-1 (the only
    WDC observer); the sentences say so, most serious first, and the table ranks them first."""
    panel = resilience(sweep)
    lost = sweep.results[sweep.results["engagements_lost"].fillna(0) > 0]
    assert len(lost) == 1
    person, eid = lost.iloc[0]["reviewer_id"], lost.iloc[0]["lost_engagements"]
    title = sweep.meta["engagement_titles"][eid]
    infeasible = list(sweep.results.loc[sweep.results["status"] == "INFEASIBLE", "reviewer_id"])
    assert panel.sentences[:len(infeasible)] == [f"Without {r} no plan keeps every hard rule." for r in infeasible]
    depends = [s for s in panel.sentences if s.startswith(f"{title} depends on one person: {person}")]
    assert len(depends) == 1 and "left out" in depends[0]
    reason = sweep.changes[(sweep.changes["case_id"] == person) & (sweep.changes["kind"] == "dropped")]["reason"]
    assert reason.iloc[0] and reason.iloc[0] in depends[0]
    cases = len(sweep.results)
    kept = int((sweep.solved["engagements_lost"] == 0).sum())
    assert f"Of {cases} single drop-outs, {kept} keep every engagement" in " ".join(panel.sentences)
    assert list(panel.table["reviewer_id"][:len(infeasible) + 1]) == [*infeasible, person]
    assert panel.cases == cases and panel.failed == 0


def test_the_panel_is_found_beside_the_plan_and_ignored_when_missing_or_stale(sweep, plan, tmp_path):
    folder = save_plan(plan, tmp_path / "plan")
    assert resilience_panel(folder, plan) is None
    save_sweep(sweep, folder / SWEEP_FOLDER)
    panel = resilience_panel(folder, plan)
    assert panel is not None and panel.sentences == resilience(sweep).sentences
    # the plan is saved again, as `make plan` does: the sweep stays beside it (save_plan keeps other entries)
    save_plan(plan, folder)
    assert resilience_panel(folder, plan) is not None
    # another plan: the sweep no longer describes it
    other = dataclasses.replace(plan, assignments=plan.assignments[1:])
    assert resilience_panel(folder, other) is None
    (folder / SWEEP_FOLDER / "results.parquet").write_bytes(b"not parquet")
    assert resilience_panel(folder, plan) is None  # unreadable: no panel rather than an error


def test_the_panel_html_escapes_scenario_text(sweep):
    hostile = "<img src=x onerror=alert(1)>{{ 7*7 }}"
    meta = {**sweep.meta, "engagement_titles": {k: hostile for k in sweep.meta["engagement_titles"]}}
    html = panel_html(resilience(dataclasses.replace(sweep, meta=meta)))
    assert "<img" not in html and "{{" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert html.startswith("<section class='kp-resilience'>") and "<table" in html


def test_a_panel_needs_a_dropouts_sweep(mini, plan):
    with dask_client(workers=1, processes=False) as client:
        shocks = run_sweep(SweepSpec(SweepKind.SHOCKS, tuple(shock_cases(mini, 1, seed=0)), time_limit_s=10),
                           mini, plan, client)
    with pytest.raises(ValueError, match="dropouts sweep"):
        resilience(shocks)
