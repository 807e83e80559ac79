"""planner.apps.notebook: background solves (progress, Stop), errors in plain words, tables, widgets, comparison,
the regional view. Widgets are built without a browser; button clicks are simulated with ``Button.click()``."""

from __future__ import annotations

import dataclasses
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from planner import load_scenario
from planner.apps import edits
from planner.apps import notebook as nb
from planner.core.model import Assignment, EngagementOutcome, Plan, SolverSettings
from planner.core.problems import Problem, ScenarioError
from planner.engine.solve import Progress, SolveResult
from planner.rules.scoring import TERM_LABELS, evaluate, total_penalty
from tests.planner_helpers import load_mini

REPO = Path(__file__).resolve().parents[1]
KP_2018 = REPO / "data" / "scenarios" / "kp-2018-h2"


@pytest.fixture(scope="module")
def mini():
    return load_mini()


def _plan(cm_scheduled: bool = True) -> Plan:
    """A hand-made plan of the mini scenario: AO-RV then CM-RV (CSC-2 and WDC-1 on both), CHAIRS left out."""
    ao, cm = date(2018, 9, 17), date(2018, 9, 24)
    rows = [("AO-RV", "AO", ao, 5, {"ZA-1": "lead", "EU-1": "member", "WDC-1": "member", "CSC-2": "member"})]
    if cm_scheduled:
        rows.append(("CM-RV", "CM", cm, 4, {"CA-1": "lead", "RU-1": "member", "WDC-1": "member",
                                            "CSC-2": "member"}))
    assignments, outcomes = [], []
    for eid, host, start, days, team in rows:
        end = start + timedelta(days=days - 1)
        outcomes.append(EngagementOutcome(eid, "scheduled", start, end, host))
        assignments += [Assignment(eid, "review_visit", host, start, end, r, role) for r, role in team.items()]
    if not cm_scheduled:
        outcomes.append(EngagementOutcome("CM-RV", "unscheduled", reason="no French speaker is free"))
    outcomes.append(EngagementOutcome("CHAIRS", "unscheduled", reason="costs more than leaving it out"))
    return Plan(tuple(assignments), tuple(outcomes), {"objective": 1.0, "terms": []})


def _result(scenario, plan: Plan | None, stopped: bool = False) -> SolveResult:
    return SolveResult("FEASIBLE" if plan else "UNKNOWN", 10.0 if plan else None, 5.0 if plan else None,
                       0.5 if plan else None, 0.1, plan, evaluate(scenario, plan) if plan else [],
                       settings=SolverSettings(time_limit_s=1, workers=1), stopped=stopped, solutions=2)


def fake_solve(plan: Plan | None, *, run_until_stopped: bool = False, fail: BaseException | None = None):
    """A stand-in for planner.engine.solve.solve: reports two solutions, then returns (or waits for Stop)."""
    calls = []

    def solve_fn(scenario, *, progress=None, stop_event=None, **options):
        calls.append(options)
        if fail is not None:
            raise fail
        for i, objective in enumerate((20.0, 10.0), start=1):
            progress(Progress(0.01 * i, objective, 5.0, (objective - 5) / objective, i))
        if run_until_stopped:
            assert stop_event.wait(10), "the test never pressed Stop"
        return _result(scenario, plan, stopped=stop_event.is_set())

    solve_fn.calls = calls
    return solve_fn


# --- BackgroundSolve ------------------------------------------------------------------------------------------


def test_background_solve_reports_progress_and_returns_the_result(mini):
    states: list[nb.SolveState] = []
    done = threading.Event()
    job = nb.BackgroundSolve(mini, time_limit_s=3, explain=False, solve_fn=fake_solve(_plan()),
                             on_progress=states.append, on_done=lambda _job: done.set())
    assert job.state().phase == "idle" and job.state().text() == "Not started. Press Solve."
    result = job.start().wait(5)
    assert done.wait(1)
    assert result.plan is not None and job.error is None
    assert [s.objective for s in states if s.solutions][:2] == [20.0, 10.0]
    final = job.state()
    assert (final.phase, final.objective, final.bound, final.gap, final.solutions) == ("done", 10.0, 5.0, 0.5, 2)
    assert final.elapsed_s > 0 and "Finished" in final.text() and "gap 50.0%" in final.text()
    assert job.solve_fn.calls[0]["time_limit_s"] == 3


def test_stop_ends_the_solve_within_a_second_and_keeps_the_plan(mini):
    job = nb.BackgroundSolve(mini, explain=False, solve_fn=fake_solve(_plan(), run_until_stopped=True)).start()
    time.sleep(0.2)
    assert job.running and job.state().phase == "searching" and job.state().solutions == 2
    pressed = time.monotonic()
    job.stop()
    result = job.wait(5)
    assert time.monotonic() - pressed < 1.0
    assert result.stopped and result.plan is not None
    assert job.state().phase == "stopped" and "Stopped by hand" in job.state().text()


def test_left_out_engagements_get_reasons_and_stop_does_not_wait_for_them(mini, monkeypatch):
    started = threading.Event()

    def slow_reason(*_args, **_kwargs):
        started.set()
        time.sleep(5)
        return "never used"

    monkeypatch.setattr("planner.engine.explain.why_left_out", slow_reason)
    plan = _plan()
    job = nb.BackgroundSolve(mini, solve_fn=fake_solve(plan)).start()
    assert started.wait(5)
    assert job.state().phase == "explaining"
    pressed = time.monotonic()
    job.stop()
    result = job.wait(5)
    assert time.monotonic() - pressed < 1.0
    reason = result.plan.outcomes_by_id["CHAIRS"].reason
    assert reason.startswith("Not explained: the solve was stopped")
    assert any("Not explained" in s for t in result.terms for s in t.sentences)


def test_left_out_engagements_get_the_reason_diagnosis_gives(mini, monkeypatch):
    monkeypatch.setattr("planner.engine.explain.why_left_out", lambda *a, **k: "Fitting it in costs 12 more.")
    result = nb.BackgroundSolve(mini, solve_fn=fake_solve(_plan())).start().wait(5)
    assert result.plan.outcomes_by_id["CHAIRS"].reason == "Fitting it in costs 12 more."
    assert "Fitting it in costs 12 more." in nb.unscheduled_table(mini, result.plan).loc["CHAIRS", "reason"]


def test_an_error_in_the_solve_is_kept_reported_and_raised_by_wait(mini):
    finished = []
    job = nb.BackgroundSolve(mini, solve_fn=fake_solve(None, fail=ValueError("the time limit is too short")),
                             on_done=finished.append)
    with pytest.raises(ValueError, match="too short"):
        job.start().wait(5)
    assert finished == [job] and isinstance(job.error, ValueError)
    assert job.state().phase == "failed" and "too short" in job.state().text()


def test_background_solve_checks_its_time_limit_and_starts_once(mini):
    with pytest.raises(ValueError, match="time limit must be between 0 and 86,400 seconds"):
        nb.BackgroundSolve(mini, time_limit_s=0)
    job = nb.BackgroundSolve(mini, explain=False, solve_fn=fake_solve(_plan())).start()
    with pytest.raises(RuntimeError, match="already been started"):
        job.start()
    job.wait(5)


def test_the_starting_plan_shows_as_a_plan_found_and_says_where_it_comes_from(mini):
    """solve reports the plan it starts from first (solutions 0): the panel counts it, says it is the starting
    plan, and counts the plans the search showed on top of it, not CP-SAT's count (7 here: with the worse
    solutions it met, which are not shown)."""
    states = []

    def starting_then_searching(scenario, *, progress=None, stop_event=None, **options):
        progress(Progress(0.01, 30.0, None, None, 0, starting_from="greedy baseline"))
        progress(Progress(0.5, 12.0, 5.0, 7 / 12, 6))  # CP-SAT's 6th solution, the first better than 30
        return dataclasses.replace(_result(scenario, _plan(), stopped=False), solutions=7)

    job = nb.BackgroundSolve(mini, explain=False, on_progress=states.append, solve_fn=starting_then_searching)
    job.start().wait(5)
    first = next(s for s in states if s.objective == 30.0)
    assert first.solutions == 1 and "Starting from the greedy baseline" in first.text()
    assert "1 plan(s) found" in first.text() and "no useful bound yet" in first.text()
    second = next(s for s in states if s.objective == 12.0)
    assert second.solutions == 2 and "Starting from" not in second.text()
    assert job.state().solutions == 2 and "2 plan(s) found" in job.state().text()


def test_a_real_solve_of_the_mini_scenario_in_the_background(mini):
    states = []
    job = nb.BackgroundSolve(mini, time_limit_s=5, on_progress=states.append).start()
    result = job.wait(60)
    assert result.plan is not None and result.status in ("OPTIMAL", "FEASIBLE")
    assert any(s.solutions >= 1 and s.objective is not None for s in states)
    assert job.state().phase == "done"


@pytest.mark.slow
def test_stop_on_the_real_scenario_within_a_second_keeps_the_best_plan():
    scenario = load_scenario(KP_2018)
    job = nb.BackgroundSolve(scenario, time_limit_s=120).start()
    deadline = time.monotonic() + 60
    while job.state().solutions < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert job.state().solutions >= 1, "no first plan within 60 s"
    best = job.state().objective
    pressed = time.monotonic()
    job.stop()
    result = job.wait(10)
    assert time.monotonic() - pressed < 1.0
    assert result.stopped and result.plan is not None
    assert result.objective <= best + 1e-6
    assert job.state().phase == "stopped"


# --- errors in plain words -----------------------------------------------------------------------------------


@pytest.mark.parametrize("error, words", [
    (edits.EditRejected("CM-9 is not a reviewer"), "CM-9 is not a reviewer"),
    (edits.VariantExists("The folder x already exists"), "The folder x already exists"),
    (ValueError("bad value"), "bad value"),
    (ScenarioError([Problem("reviewers.csv", "expected a number", row=3, column="max_engagements", value="x")]),
     "The scenario has 1 problem:\n• reviewers.csv, row 3, column 'max_engagements': got 'x' — expected a number"),
    (FileNotFoundError(2, "No such file", "/nowhere"), "Not found: /nowhere."),
    (PermissionError(13, "Permission denied", "/root/x"), "Not allowed to write /root/x"),
])
def test_user_mistakes_become_plain_messages(error, words):
    message = nb.user_message(error)
    assert message is not None and words in message
    text, unexpected = nb.describe_error(error)
    assert not unexpected and "Traceback" not in text


def test_unexpected_errors_keep_their_traceback():
    try:
        {}["missing"]
    except KeyError as error:
        assert nb.user_message(error) is None
        text, unexpected = nb.describe_error(error)
    assert unexpected and text.startswith("Something unexpected went wrong") and "Traceback" in text


def test_guarded_callbacks_show_errors_instead_of_losing_them(capsys):
    messages = nb.MessageArea()

    def user_mistake(_button=None):
        raise edits.EditRejected("The last day is before the first day.")

    def bug(_button=None):
        raise ZeroDivisionError("division by zero")

    nb.guarded(messages, user_mistake)(None)
    assert (messages.kind, messages.last) == ("error", "The last day is before the first day.")
    assert "Traceback" not in messages.widget.value and "✗" in messages.widget.value
    nb.guarded(messages, bug)(None)
    assert messages.kind == "error" and "Traceback" in messages.last and "ZeroDivisionError" in messages.last
    assert "<pre" in messages.widget.value
    assert "ZeroDivisionError" in capsys.readouterr().err  # also logged for whoever runs the kernel


# --- tables ----------------------------------------------------------------------------------------------------


def test_people_table_shows_private_reasons_only_when_asked(mini):
    table = nb.people_table(mini)
    assert len(table) == len(mini.reviewers) and table.index.name == "id"
    assert table.loc["RU-1", "unavailable"] == "01 Oct–07 Oct 2018 (leave)"
    assert table.loc["ZA-1", "lead-eligible"] == "yes"
    assert table.loc["WDC-1", "role"] == "WDC observer"
    assert table.loc["EU-1", "from"] == "European Union"
    assert nb.people_table(mini, show_reasons=False).loc["RU-1", "unavailable"] == "01 Oct–07 Oct 2018"


def test_calendar_table_lists_fixed_events_and_the_report_lead_time(mini):
    table = nb.calendar_table(mini)
    assert list(table["what"]) == ["ASM18 conference", "Plenary"]
    lead = nb.calendar_table(edits.set_rule(mini, "report_lead_time_days", 14))
    row = lead[lead["kind"] == "rule"].iloc[0]
    assert (row["from"], row["to"], row["days"]) == ("Mon 15 Oct 2018", "Sun 28 Oct 2018", 14)


def test_engagements_table(mini):
    table = nb.engagements_table(mini)
    assert list(table.index) == ["AO-RV", "CM-RV", "CHAIRS"]
    assert table.loc["AO-RV", "team"] == "3–5" and table.loc["CHAIRS", "attendees"] == "wg-chair"
    assert table.loc["AO-RV", "window"] == "01 Sep–20 Oct 2018"


def test_teams_and_unscheduled_tables(mini):
    plan = _plan()
    teams = nb.teams_table(mini, plan)
    assert list(teams.index) == ["AO-RV", "CM-RV"]
    assert teams.loc["AO-RV", "lead"] == "ZA-1" and teams.loc["AO-RV", "members"] == "CSC-2, EU-1, WDC-1"
    assert teams.loc["AO-RV", "size"] == 4 and teams.loc["AO-RV", "host"] == "Angola"
    left_out = nb.unscheduled_table(mini, plan)
    assert list(left_out.index) == ["CHAIRS"] and left_out.loc["CHAIRS", "reason"] == "costs more than leaving it out"


def test_terms_table_uses_the_labels_and_adds_up(mini):
    terms = evaluate(mini, _plan())
    table = nb.terms_table(terms)
    assert TERM_LABELS["travel_km"] in table.index
    assert table.loc["Total (recomputed from the plan)", "penalty"] == pytest.approx(total_penalty(terms), abs=0.01)


def test_result_summary_in_words(mini):
    text = nb.result_summary(_result(mini, _plan(), stopped=True))
    assert "2 of 3 engagements scheduled" in text and "stopped by hand" in text and "gap 50.0%" in text
    nothing = SolveResult("INFEASIBLE", None, None, None, 0.1, None, diagnosis=["Nobody speaks Japanese."])
    assert nb.result_summary(nothing) == "No plan exists: the hard rules cannot all hold. Nobody speaks Japanese."


# --- where notebooks write ------------------------------------------------------------------------------------


def test_notebook_plans_go_to_kp_plans_dir_and_never_to_the_committed_plan(mini, tmp_path, monkeypatch):
    monkeypatch.delenv("KP_PLANS_DIR", raising=False)
    with pytest.raises(edits.EditRejected, match="committed reference plan"):
        nb.plan_folder("kp-2018-h2")
    with pytest.raises(edits.EditRejected, match="simple folder name"):
        nb.plan_folder("../elsewhere")
    monkeypatch.setenv("KP_PLANS_DIR", str(tmp_path))
    path = nb.save_notebook_plan(_plan(), "mine")
    assert path == tmp_path / "mine" and (path / "assignments.csv").exists()
    saved = nb.load_saved_plan(mini, "mine")
    assert saved.path == path and {o.engagement_id for o in saved.plan.scheduled()} == {"AO-RV", "CM-RV"}
    with pytest.raises(edits.EditRejected, match="No saved plan of this scenario was found"):
        nb.load_saved_plan(mini, "other")
    with pytest.raises(edits.EditRejected, match="no plan to save"):
        nb.save_notebook_plan(None)


# --- comparison, disruption, regional view --------------------------------------------------------------------


def test_compare_puts_plans_side_by_side(mini):
    comparison = nb.compare(mini, _plan(), _plan(cm_scheduled=False))
    side = comparison.side_by_side
    assert side.loc["CM-RV", "saved: dates"] == "24 Sep–27 Sep 2018"
    assert side.loc["CM-RV", "variant: dates"] == "left out"
    assert side.loc["CM-RV", "changes"] == "dropped" and side.loc["AO-RV", "changes"] == "—"
    assert side.loc["AO-RV", "saved: lead"] == "ZA-1" and side.loc["AO-RV", "saved: team"] == "CSC-2, EU-1, WDC-1"
    assert comparison.kpis.loc["Engagements scheduled", "variant"] == 1
    assert comparison.kpis.loc["Engagements scheduled", "change"] == -1
    assert comparison.sentences() == ["Review visit to Cameroon (hypothetical) is dropped (was 24 Sep–27 Sep)"]
    assert nb.compare(mini, _plan(), _plan()).sentences()[0].startswith("No engagement changes")


def test_drop_out_keeps_the_reviewer_off_the_team_and_publishes_the_plan(mini):
    d = nb.drop_out(mini, _plan(), "CM-RV", "RU-1", days_before=14)
    assert d.today == date(2018, 9, 10)
    assert d.replanning.exclusions == frozenset({("CM-RV", "RU-1")})  # off that team, whatever its dates
    assert d.scenario.unavailability == mini.unavailability  # and free for anything else
    assert "RU-1" not in {a.reviewer_id for a in d.replanning.reference.team("CM-RV")}
    assert d.scenario.engagements_by_id["CM-RV"].published_start == date(2018, 9, 24)
    assert d.scenario.engagements_by_id["CM-RV"].pinned_start is None
    assert nb.drop_out(mini, _plan(), "CM-RV", "RU-1", 0).scenario.engagements_by_id["CM-RV"].pinned_start \
        == date(2018, 9, 24)
    assert "RU-1 drops out of Review visit to Cameroon" in d.description
    with pytest.raises(edits.EditRejected, match="ZA-1 is not on the team of CM-RV"):
        nb.drop_out(mini, _plan(), "CM-RV", "ZA-1")
    with pytest.raises(edits.EditRejected, match="CHAIRS is not scheduled"):
        nb.drop_out(mini, _plan(), "CHAIRS", "ZA-1")


def test_regional_view_finds_the_approach_engagements_and_the_chains(mini):
    view = nb.regional_view(mini, _plan())
    assert list(view.engagements.index) == ["CM-RV"]  # Cameroon is in the Central Africa approach
    assert view.engagements.loc["CM-RV", "approach"] == "Central Africa"
    assert sorted(view.travellers["person"]) == ["CA-1", "CSC-2", "RU-1", "WDC-1"]
    chains = view.chains
    assert set(chains["person"]) == {"CSC-2", "WDC-1"}  # AO-RV then CM-RV, both in Africa
    assert (chains["km saved"] > 0).all() and set(chains["free days between"]) == {2}
    assert view.summary["km_saved"] == int(chains["km saved"].sum())
    assert view.summary["chains"] == 2 and "2 chain(s)" in view.summary_text()
    row = view.travellers[view.travellers["person"] == "CSC-2"].iloc[0]
    assert row["role"] == "member (after AO-RV)" and row["home"] == "South Africa"


def test_regional_view_of_the_real_scenario_includes_the_mru_training():
    scenario = load_scenario(KP_2018)
    plan = nb.load_saved_plan(scenario).plan
    view = nb.regional_view(scenario, plan)
    assert "MRU-CONAKRY" in view.engagements.index
    assert {"Mano River Union", "Central Africa"} <= set(view.engagements["approach"])
    assert view.summary["events"] == 1 and view.summary["people"] > 0
    assert set(view.members["code"]) == {p.code for p in scenario.participants if p.regional_approach}
    picker = nb.itinerary_picker(scenario, plan, view.people)
    picker.chooser.value = view.people[0]
    assert picker.output.outputs and "kp-home" in str(picker.output.outputs[0]["data"]["text/html"])


# --- widgets (no browser: clicks are simulated) ---------------------------------------------------------------


def _panel(mini, solve_fn) -> nb.SolvePanel:
    return nb.SolvePanel(lambda limit: nb.BackgroundSolve(mini, time_limit_s=limit, explain=False,
                                                          solve_fn=solve_fn),
                         time_limit_s=3, render=nb.render_summary, poll_s=0.02)


def test_solve_panel_buttons_run_stop_and_show_the_result(mini):
    panel = _panel(mini, fake_solve(_plan(), run_until_stopped=True))
    assert panel.stop_button.disabled and not panel.solve_button.disabled
    assert panel.time_limit.continuous_update is False
    panel.solve_button.click()
    assert panel.job is not None and panel.job.running
    assert panel.solve_button.disabled and not panel.stop_button.disabled
    panel.solve_button.click()  # a second click while running is refused in words
    assert "already running" in panel.messages.last
    time.sleep(0.1)
    assert "Solving…" in panel.progress.value
    panel.stop_button.click()
    result = panel.wait(5)
    assert result.stopped and result.plan is not None
    assert not panel.solve_button.disabled and panel.stop_button.disabled
    assert panel.result is result and panel.plan is result.plan
    assert "Stopped by hand" in panel.progress.value
    assert panel.messages.kind == "warn" and "best plan found is kept" in panel.messages.last
    assert any("2 of 3 engagements" in str(o.get("data", {})) for o in panel.results.outputs)


def test_solve_panel_shows_a_failed_solve_in_plain_words(mini):
    panel = _panel(mini, fake_solve(None, fail=edits.EditRejected("Choose a reviewer.")))
    panel.solve_button.click()
    with pytest.raises(edits.EditRejected):
        panel.wait(5)
    assert (panel.messages.kind, panel.messages.last) == ("error", "Choose a reviewer.")
    assert not panel.solve_button.disabled


def test_solve_panel_reports_a_job_that_cannot_be_made(mini):
    def factory(_limit):
        raise edits.EditRejected("CM-RV is not scheduled in the plan; choose a scheduled engagement.")

    panel = nb.SolvePanel(factory)
    panel.solve_button.click()
    assert panel.messages.last.startswith("CM-RV is not scheduled") and panel.job is None
    panel.stop_button.click()
    assert panel.messages.last == "Nothing is running."


def test_plan_sections_and_show_fill_an_output(mini):
    import ipywidgets as w

    out = w.Output()
    nb.show(out, nb.plan_sections(mini, _plan(), map=False, timeline=True))
    kinds = [set(o.get("data", {})) for o in out.outputs]
    assert any("application/vnd.plotly.v1+json" in k for k in kinds)
    assert sum("text/html" in k for k in kinds) >= 6


def test_save_plan_box(tmp_path, monkeypatch):
    monkeypatch.setenv("KP_PLANS_DIR", str(tmp_path))
    box = nb.save_plan_box(lambda: _plan(), name="from-box")
    box.save()
    assert (tmp_path / "from-box" / "plan.json").exists() and box.messages.kind == "ok"
    box.children[0].children[0].value = "a/b"
    box.save()
    assert box.messages.kind == "error" and "simple folder name" in box.messages.last


def test_scenario_editor_applies_checked_edits_and_explains_rejections(mini, tmp_path, monkeypatch):
    monkeypatch.setenv("KP_VARIANTS_DIR", str(tmp_path))
    editor = nb.ScenarioEditor(mini, _plan(), time_limit_s=3)
    assert editor.scenario is mini and "No edits yet" in editor.log.value

    # the reviewer is chosen from a list (id, organisation, home): a typo cannot reach the edit from the widget
    assert all(value in mini.reviewers_by_id and label.startswith(f"{value} — ")
               for label, value in editor.reviewer.options)
    editor.apply("typo", edits.mark_unavailable, "ZA-9", date(2018, 9, 20), date(2018, 9, 25))  # from code
    assert editor.messages.kind == "error"
    assert editor.messages.last == "Not applied: ZA-9 is not a reviewer of this scenario; did you mean ZA-1?"
    assert editor.history == []

    editor.reviewer.value, editor.off_start.value, editor.off_end.value = "ZA-1", date(2018, 9, 20), \
        date(2018, 9, 25)
    editor.widget.children[0].children[0].children[-1].click()  # "Mark unavailable"
    assert editor.messages.kind == "ok" and len(editor.history) == 1
    assert editor.scenario.unavailability[-1].reviewer == "ZA-1"

    editor.rule.value = "review_team_max"
    assert editor.rule_value.value == 5
    editor.rule_value.value = 2
    editor._change_rule()
    assert "smallest review team (3) would be larger" in editor.messages.last and len(editor.history) == 1

    slider = editor.weight_sliders["max_load"]
    assert slider.continuous_update is False
    slider.value = 80.0
    assert editor.scenario.weights["max_load"] == 80 and len(editor.history) == 2

    editor.apply("pin AO-RV", edits.pin, "AO-RV", date(2018, 10, 18))
    assert "outside its window" in editor.messages.last and len(editor.history) == 2

    editor.pin_engagement.value, editor.pin_person.value, editor.pin_role.value = "AO-RV", "EU-1", "lead"
    editor.widget.children[0].children[3].children[-1].children[0].click()  # "Pin person"
    assert [(p.reviewer_id, p.role) for p in editor.scenario.pins] == [("EU-1", "lead")]
    editor.widget.children[0].children[3].children[-1].children[1].click()  # "Remove pin"
    assert editor.scenario.pins == () and len(editor.history) == 4
    editor.undo()
    editor.undo()
    assert len(editor.history) == 2

    editor.invite_host.value, editor.invite_from.value, editor.invite_to.value = "SL", date(2018, 9, 3), \
        date(2018, 10, 12)
    editor.widget.children[0].children[4].children[-1].click()  # "Add invitation"
    assert "SL-RV" in editor.scenario.engagements_by_id and len(editor.history) == 3
    assert "invitation from SL" in editor.log.value

    editor.rule.value = "report_lead_time_days"
    editor.rule_value.value = 14
    editor._change_rule()
    assert editor.scenario.rules.report_lead_time_days == 14 and len(editor.history) == 4
    editor.undo()
    assert editor.rule_value.value == 0  # the field follows the variant after an undo
    editor.undo()
    assert "SL-RV" not in editor.scenario.engagements_by_id and len(editor.history) == 2
    label = TERM_LABELS["max_load"]
    assert editor.edit_log() == ["ZA-1 unavailable 20 Sep 2018–25 Sep 2018", f"weight of “{label}”: 80"]

    path = editor.save("variant-1")
    assert path == tmp_path / "variant-1" and "Saved the variant" in editor.messages.last
    saved = load_scenario(path)
    assert saved.weights["max_load"] == 80 and f"weight of “{label}”: 80" in saved.description
    editor.widget.children[-1].children[-1].click()  # "Save variant" to the default folder name: new folder
    editor.variant_folder.value = "variant-1"
    editor.widget.children[-1].children[-1].click()  # the same folder again: refused, not replaced
    assert editor.messages.kind == "error" and "already exists and is not empty" in editor.messages.last
    editor.confirm.value = True
    editor.widget.children[-1].children[-1].click()
    assert editor.messages.kind == "ok" and editor.confirm.value is False

    editor.comparison = "a comparison of the variant"
    editor.reset()
    assert editor.scenario is mini and slider.value == 40.0 and editor.history == []
    assert editor.comparison is None and editor.panel.results.outputs == ()  # no stale comparison after Reset


def test_scenario_editor_solves_the_variant_and_compares_it(mini, monkeypatch):
    editor = nb.ScenarioEditor(mini, _plan(), time_limit_s=3)
    variant_plan = _plan(cm_scheduled=False)
    monkeypatch.setattr(editor, "_job", lambda limit: nb.BackgroundSolve(
        editor.scenario, time_limit_s=limit, explain=False, solve_fn=fake_solve(variant_plan)))
    editor.panel.job_factory = editor._job
    editor.panel.solve_button.click()
    editor.panel.wait(5)
    assert editor.comparison is not None
    assert editor.comparison.side_by_side.loc["CM-RV", "changes"] == "dropped"
    assert editor.panel.results.outputs


def test_disruption_panel_builds_the_dropout_from_its_widgets(mini):
    panel = nb.DisruptionPanel(mini, _plan(), time_limit_s=3)
    panel.engagement.value = "CM-RV"
    assert [v for _, v in panel.reviewer.options][0] == "CA-1"  # the lead first
    panel.reviewer.value = "RU-1"
    job = panel._job(3)
    assert panel.disruption.reviewer_id == "RU-1" and job.reference is not None
    assert job.fewest_changes and job.exclusions == frozenset({("CM-RV", "RU-1")})
    assert "RU-1 drops out" in panel.panel.messages.last


def test_a_what_if_solve_of_the_mini_scenario_end_to_end(mini):
    variant = edits.mark_unavailable(mini, "CSC-2", "2018-09-01", "2018-10-31")
    result = nb.BackgroundSolve(variant, time_limit_s=5).start().wait(60)
    assert result.plan is not None
    assert "CSC-2" not in {a.reviewer_id for a in result.plan.assignments}
    assert isinstance(nb.compare(variant, _plan(), result.plan).side_by_side, pd.DataFrame)
