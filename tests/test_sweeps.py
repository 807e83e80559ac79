"""Sweeps on Dask (planner.sweeps, ``kp-plan sweep``), on the mini scenario: an in-process cluster and a
separately started scheduler with two workers; a row equals the single ``kp-plan replan`` of its case; the
same results with one and two workers; a failing case is reported with its case; bad arguments and Ctrl-C
write nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from planner.apps.cli import main
from planner.io.plan_files import load_plan, save_plan
from planner.sweeps.cases import (
    DropoutCase,
    ShockKind,
    SweepKind,
    SweepSpec,
    WeightRange,
    dropout_cases,
    grid_cases,
    latin_hypercube_cases,
    shock_cases,
)
from planner.sweeps.results import TIMING_COLUMNS, load_sweep
from planner.sweeps.runner import dask_client, run_sweep
from planner.sweeps.saving import save_sweep

ROOT = Path(__file__).resolve().parents[1]
MINI_DIR = ROOT / "tests" / "fixtures" / "mini"
TIME_LIMIT = 10.0  # deterministic seconds per case; every mini case is proven within a fraction of that


def _comparable(table: pd.DataFrame) -> pd.DataFrame:
    return table.drop(columns=[c for c in TIMING_COLUMNS if c in table]).reset_index(drop=True)


@pytest.fixture(scope="module")
def published(plan, tmp_path_factory) -> Path:
    return save_plan(plan, tmp_path_factory.mktemp("sweeps") / "published")


@pytest.fixture(scope="module")
def dropouts(mini, plan):
    """The mini plan's dropouts sweep on an in-process cluster of two worker threads."""
    spec = SweepSpec(SweepKind.DROPOUTS, tuple(dropout_cases(mini, plan)), time_limit_s=TIME_LIMIT)
    with dask_client(workers=2, processes=False) as client:
        return run_sweep(spec, mini, plan, client)


# --- the cases -----------------------------------------------------------------------------------------


def test_one_dropout_case_per_person_on_the_plan_or_per_team_place(mini, plan):
    people = sorted({a.reviewer_id for a in plan.assignments})
    assert [c.reviewer_id for c in dropout_cases(mini, plan)] == people
    pairs = dropout_cases(mini, plan, pairs=True)
    assert sorted((c.engagement_id, c.reviewer_id) for c in pairs) == sorted(
        {(a.engagement_id, a.reviewer_id) for a in plan.assignments})
    assert pairs[0].argument == f"{pairs[0].reviewer_id}:{pairs[0].engagement_id}"


def test_latin_hypercube_puts_one_point_in_each_stratum_of_each_weight():
    ranges = [WeightRange.parse("travel_km=0:1"), WeightRange.parse("max_load=0:1000")]
    cases = latin_hypercube_cases(ranges, 10, seed=4)
    for r in ranges:
        strata = sorted(min(9, int(10 * (dict(c.weights)[r.name] - r.low) / (r.high - r.low))) for c in cases)
        assert strata == list(range(10)), (r.name, strata)
    assert cases == latin_hypercube_cases(ranges, 10, seed=4)
    assert cases != latin_hypercube_cases(ranges, 10, seed=5)
    assert len(grid_cases(ranges, 3)) == 9


@pytest.mark.parametrize("text", ["travel_km", "nonsense=1:2", "travel_km=2:1", "travel_km=a:b", "travel_km=-1:2"])
def test_a_bad_weight_range_is_refused_in_one_sentence(text):
    from planner.sweeps.cases import CaseError

    with pytest.raises(CaseError):
        WeightRange.parse(text)


def test_shocks_are_reproducible_by_seed_and_do_not_depend_on_their_number(mini):
    ten = shock_cases(mini, 10, seed=7)
    assert ten == shock_cases(mini, 10, seed=7)
    assert shock_cases(mini, 4, seed=7) == ten[:4]
    assert ten != shock_cases(mini, 10, seed=8)
    days = shock_cases(mini, 3, seed=1, kind=ShockKind.DAYS, days_lost=3)
    assert all(len(c.absences) == 3 * len(mini.reviewers) for c in days)
    bans = shock_cases(mini, 3, seed=1, kind=ShockKind.BAN)
    for c in bans:
        assert {a.reviewer_id for a in c.absences} == {r.id for r in mini.reviewers if r.organisation == c.country}
        assert all((a.end - a.start).days == 6 for a in c.absences)


# --- running --------------------------------------------------------------------------------------------


def test_an_in_process_sweep_has_one_row_per_case(dropouts, plan):
    rows = dropouts.results
    assert list(rows["case_id"]) == sorted({a.reviewer_id for a in plan.assignments})
    assert {"reviewer_id", "changes", "engagements_lost", "objective_delta", "status"} <= set(rows.columns)
    assert set(rows["status"]) <= {"OPTIMAL", "INFEASIBLE"}
    assert dropouts.meta["failed"] == 0 and dropouts.meta["cases"] == len(rows)
    solved = dropouts.solved
    assert solved["proven"].all()
    # a changed engagement is listed in the changes table of the same case, and only there
    for _, row in solved.iterrows():
        mine = dropouts.changes[dropouts.changes["case_id"] == row["case_id"]]
        assert len(mine) == row["changes"]
        assert sorted(set(mine["engagement_id"])) == sorted(filter(None, row["changed_engagements"].split(";")))


def _replan_meta(published: Path, argument: str, out: Path, capsys) -> tuple[int, dict | None]:
    code = main(["replan", str(MINI_DIR), "--from", str(published), "--drop", argument, "--out", str(out),
                 "--time-limit", "20", "--quiet"])
    capsys.readouterr()
    return code, (load_plan(out) if code == 0 else None)


def test_a_sweep_row_equals_the_single_kp_plan_replan_of_its_case(dropouts, published, plan, tmp_path, capsys):
    """Both are proven optimal, so the lexicographic values agree: published work lost, the number of changes,
    the objective (kp-plan replan searches with two workers, the sweep with one, deterministically)."""
    for _, row in dropouts.results.iterrows():
        code, new = _replan_meta(published, row["case_id"], tmp_path / row["case_id"], capsys)
        if row["status"] == "INFEASIBLE":
            assert code == 1  # no plan: kp-plan replan says so too
            continue
        assert code == 0
        meta = new.meta
        assert meta["status"] == row["status"] == "OPTIMAL"
        assert meta["changes"]["count"] == row["changes"]
        assert [s["value"] for s in meta["changes"]["stages"]] == [row["lost_work"], row["changes"]]
        assert round(meta["objective"], 6) == row["objective"]
        lost = sorted(o.engagement_id for o in plan.scheduled() if not new.outcomes_by_id[o.engagement_id].scheduled)
        assert row["engagements_lost"] == len(lost) and row["lost_engagements"] == ";".join(lost)
        assert round(meta["objective"] - dropouts.meta["baseline_objective"], 6) == row["objective_delta"]


def test_a_pair_row_equals_kp_plan_replan_of_that_engagement(mini, plan, published, tmp_path, capsys):
    case = next(c for c in dropout_cases(mini, plan, pairs=True) if c.reviewer_id != "WDC-1")
    with dask_client(workers=1, processes=False) as client:
        result = run_sweep(SweepSpec(SweepKind.DROPOUTS, (case,), time_limit_s=TIME_LIMIT), mini, plan, client)
    row = result.results.iloc[0]
    code, new = _replan_meta(published, case.argument, tmp_path / "pair", capsys)
    assert code == 0 and new.meta["changes"]["count"] == row["changes"]
    assert round(new.meta["objective"], 6) == row["objective"]


def test_results_are_identical_with_one_and_two_workers(mini, plan, dropouts):
    spec = SweepSpec(SweepKind.DROPOUTS, tuple(dropout_cases(mini, plan)), time_limit_s=TIME_LIMIT)
    with dask_client(workers=1, processes=False) as client:
        one = run_sweep(spec, mini, plan, client)
    assert one.meta["cluster"]["workers"] == 1 and dropouts.meta["cluster"]["workers"] == 2
    pd.testing.assert_frame_equal(_comparable(one.results), _comparable(dropouts.results))
    pd.testing.assert_frame_equal(one.changes, dropouts.changes)


def test_a_failing_case_is_reported_with_its_case_not_dropped(mini, plan, tmp_path):
    cases = (DropoutCase("NOBODY-9", "NOBODY-9"), *dropout_cases(mini, plan)[:2])
    with dask_client(workers=2, processes=False) as client:
        result = run_sweep(SweepSpec(SweepKind.DROPOUTS, cases, time_limit_s=TIME_LIMIT), mini, plan, client)
    assert list(result.results["case_id"]) == [c.case_id for c in cases]
    failed = result.results.iloc[0]
    assert failed["status"] == "ERROR" and "unknown reviewer 'NOBODY-9'" in failed["error"]
    assert result.meta["failed"] == 1 and result.meta["failures"][0]["case_id"] == "NOBODY-9"
    assert set(result.results["status"].iloc[1:]) <= {"OPTIMAL", "INFEASIBLE"}
    save_sweep(result, tmp_path / "out")
    saved = load_sweep(tmp_path / "out")
    assert saved.results.iloc[0]["status"] == "ERROR"
    page = (tmp_path / "out" / "summary.html").read_text(encoding="utf-8")
    assert "Failed cases" in page and "NOBODY-9" in page


def test_the_result_folder_round_trips_and_holds_no_outside_reference(dropouts, tmp_path):
    out = save_sweep(dropouts, tmp_path / "out")
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([f"{n}.{ext}" for n in ("results", "changes", "fragility", "criticality")
                            for ext in ("parquet", "csv")] + ["summary.html", "sweep.json"])
    back = load_sweep(out)
    pd.testing.assert_frame_equal(back.results, dropouts.results)
    pd.testing.assert_frame_equal(back.changes, dropouts.changes)
    assert pd.read_csv(out / "results.csv")["case_id"].tolist() == dropouts.results["case_id"].tolist()
    page = (out / "summary.html").read_text(encoding="utf-8")
    assert "http" not in page and "<script" not in page and "Criticality" in page
    assert json.loads((out / "sweep.json").read_text())["kind"] == "dropouts"


def test_hostile_titles_are_escaped_in_the_summary_and_neutralised_in_the_csv(dropouts, tmp_path):
    import dataclasses

    hostile = "=HYPERLINK(\"x\")<script>alert(1)</script>{{ 7*7 }}"
    eid = dropouts.meta["scheduled_engagements"][0]
    meta = {**dropouts.meta, "engagement_titles": {**dropouts.meta["engagement_titles"], eid: hostile}}
    out = save_sweep(dataclasses.replace(dropouts, meta=meta), tmp_path / "out")
    page = (out / "summary.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "{{" not in page and "&lt;script&gt;" in page
    titles = pd.read_csv(out / "fragility.csv")["title"].tolist()
    assert "'" + hostile in titles
    assert hostile in pd.read_parquet(out / "fragility.parquet")["title"].tolist()


def test_weights_and_shocks_sweeps_on_the_in_process_cluster(mini, plan):
    ranges = [WeightRange.parse("travel_km=0.005:0.05")]
    with dask_client(workers=2, processes=False) as client:
        weights = run_sweep(SweepSpec(SweepKind.WEIGHTS, tuple(grid_cases(ranges, 2)), time_limit_s=TIME_LIMIT),
                            mini, plan, client)
        shocks = run_sweep(SweepSpec(SweepKind.SHOCKS, tuple(shock_cases(mini, 4, seed=2)), time_limit_s=TIME_LIMIT),
                           mini, plan, client)
    assert list(weights.results["w_travel_km"]) == [0.005, 0.05]
    assert {"kpi_travel_km", "dates_changed", "host_changed", "team_changed"} <= set(weights.results.columns)
    summary = weights.flip_summary()
    assert set(summary["engagement_id"]) >= set(weights.meta["scheduled_engagements"])
    assert len(shocks.results) == 4 and set(shocks.results["status"]) <= {"OPTIMAL", "FEASIBLE", "INFEASIBLE"}
    assert shocks.distribution()["shocks_with_that_many_changes"].sum() == len(shocks.solved)


# --- the command line -----------------------------------------------------------------------------------


@pytest.mark.parametrize("arguments, message", [
    (["--kind", "dropouts", "--weight", "travel_km=0:1"], "--weight cannot be used with --kind dropouts"),
    (["--kind", "weights"], "name at least one weight"),
    (["--kind", "weights", "--weight", "nonsense=0:1"], "'nonsense' is not a weight"),
    (["--kind", "weights", "--weight", "travel_km=0:1", "--grid", "2", "--samples", "3"], "use one"),
    (["--kind", "dropouts", "--workers", "0"], "--workers 0"),
    (["--kind", "dropouts", "--scheduler", "tcp://127.0.0.1:1", "--workers", "2"], "--workers sizes"),
    (["--kind", "shocks", "--today", "soon"], "--today soon"),
])
def test_bad_sweep_arguments_exit_2_and_write_nothing(published, tmp_path, capsys, arguments, message):
    out = tmp_path / "out"
    code = main(["sweep", str(MINI_DIR), "--from", str(published), "--out", str(out), *arguments])
    assert code == 2
    assert message in capsys.readouterr().err
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_kp_plan_sweep_refuses_an_existing_folder_without_force(published, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    assert main(["sweep", str(MINI_DIR), "--from", str(published), "--kind", "dropouts", "--out", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err and list(out.iterdir()) == []


# --- a separately started cluster, and Ctrl-C ---------------------------------------------------------------


def _dask(*arguments: str, log: Path) -> subprocess.Popen:
    dask = Path(sys.executable).with_name("dask")
    return subprocess.Popen([str(dask), *arguments], stdout=log.open("w"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@pytest.mark.slow
def test_a_sweep_on_a_separately_started_scheduler_with_two_workers(dropouts, published, tmp_path, capsys):
    """`dask scheduler` on a random free port of 127.0.0.1 (port 0, the address read from its scheduler file)
    and two `dask worker` processes; `kp-plan sweep --scheduler` gives the in-process cluster's results."""
    from distributed import Client

    scheduler_file = tmp_path / "scheduler.json"
    processes = [_dask("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                       "--scheduler-file", str(scheduler_file), log=tmp_path / "scheduler.log")]
    try:
        for _ in range(600):
            if scheduler_file.exists() and scheduler_file.stat().st_size:
                break
            time.sleep(0.1)
        address = json.loads(scheduler_file.read_text())["address"]
        assert address.startswith("tcp://127.0.0.1:")
        for n in range(2):
            processes.append(_dask("worker", address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard",
                                   "--host", "127.0.0.1", log=tmp_path / f"worker-{n}.log"))
        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=120)
        out = tmp_path / "out"
        code = main(["sweep", str(MINI_DIR), "--from", str(published), "--kind", "dropouts", "--out", str(out),
                     "--scheduler", address, "--time-limit", str(TIME_LIMIT), "--quiet"])
        printed = capsys.readouterr()
        assert code == 0, printed
        result = load_sweep(out)
        assert result.meta["cluster"] == {"address": address, "workers": 2, "threads": 2}
        pd.testing.assert_frame_equal(_comparable(result.results), _comparable(dropouts.results))
        pd.testing.assert_frame_equal(result.changes, dropouts.changes)
    finally:
        for process in reversed(processes):
            _stop(process)


@pytest.mark.slow
def test_ctrl_c_cancels_the_sweep_and_leaves_no_output(published, tmp_path):
    """SIGINT to the whole process group (as a terminal's Ctrl-C) while the cases run: exit 130, no result
    folder and no staging leftover beside it."""
    out = tmp_path / "out"
    command = [str(Path(sys.executable).with_name("kp-plan")), "sweep", str(MINI_DIR), "--from", str(published),
               "--kind", "shocks", "--shocks", "5000", "--workers", "1", "--out", str(out), "--time-limit", "10"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True, cwd=tmp_path)
    try:
        import psutil

        deadline = time.monotonic() + 120
        while not psutil.Process(process.pid).children(recursive=True) and time.monotonic() < deadline:
            time.sleep(0.2)  # the local cluster's worker has started
        time.sleep(8)  # it has solved some cases; thousands more to come
        assert process.poll() is None, "the sweep ended before Ctrl-C"
        children = psutil.Process(process.pid).children(recursive=True)
        os.killpg(process.pid, signal.SIGINT)
        _out, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            _stop(process)
    assert process.returncode == 130, err[-3000:]
    _gone, alive = psutil.wait_procs(children, timeout=30)
    assert not alive, f"worker processes left running: {alive}"
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_the_notebook_charts_are_built_from_the_result(dropouts, mini, plan):
    import dataclasses

    from planner.sweeps import charts

    matrix = dropouts.fragility_matrix()
    assert list(matrix.index) == dropouts.meta["scheduled_engagements"]
    assert list(matrix.columns) == sorted(dropouts.solved["reviewer_id"])
    assert int(matrix.values.sum()) == int(dropouts.solved["changes"].sum())
    hostile = "<b>bold</b> & co"
    eid = matrix.index[0]
    meta = {**dropouts.meta, "engagement_titles": {**dropouts.meta["engagement_titles"], eid: hostile}}
    figure = charts.fragility_heatmap(dataclasses.replace(dropouts, meta=meta))
    assert figure.data[0].z.shape == matrix.shape
    assert figure.data[0].y[0] == f"&lt;b&gt;bold&lt;/b&gt; &amp; co ({eid})"
    assert len(charts.criticality_chart(dropouts).data[0].y) == len(dropouts.criticality())


def test_progress_hears_every_finished_case_and_the_failures(mini, plan):
    calls = []
    cases = (*dropout_cases(mini, plan)[:2], DropoutCase("NOBODY-9", "NOBODY-9"))
    with dask_client(workers=1, processes=False) as client:
        run_sweep(SweepSpec(SweepKind.DROPOUTS, cases, time_limit_s=TIME_LIMIT), mini, plan, client,
                  progress=lambda done, total, failed: calls.append((done, total, failed)))
    assert calls[0] == (0, 3, 0) and calls[-1] == (3, 3, 1)
    assert [done for done, _total, _failed in calls] == [0, 1, 2, 3]
