"""``kp-plan replan``, ``kp-plan diff``, ``solve --force`` and ``explain`` of the saved plan, end to end on the
mini scenario: good runs write a plan in the usual format; bad arguments say why, exit 2 and write nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.apps.cli import main
from planner.io.plan_files import load_plan, save_plan

MINI_DIR = Path(__file__).parent / "fixtures" / "mini"


@pytest.fixture
def published(plan, tmp_path) -> Path:
    return save_plan(plan, tmp_path / "published")


def _member(plan):
    """(review visit, a member who is not its lead) of the mini plan."""
    for o in plan.scheduled():
        members = [a.reviewer_id for a in plan.team(o.engagement_id) if a.role == "member"]
        if members:
            return o.engagement_id, members[0]
    raise AssertionError("no review visit with members")


def test_replan_after_a_drop_out_writes_the_new_plan_and_prints_the_changes(mini, plan, published, tmp_path,
                                                                            capsys):
    eid, rid = _member(plan)
    out = tmp_path / "new"
    code = main(["replan", str(MINI_DIR), "--from", str(published), "--drop", f"{rid}:{eid}", "--out", str(out),
                 "--time-limit", "20", "--quiet"])
    printed = capsys.readouterr().out
    assert code == 0, printed
    new = load_plan(out)
    assert rid not in {a.reviewer_id for a in new.team(eid)}
    assert f"{rid} leaves" in printed.split("Given (the drop-outs, not counted as changes):")[1]
    count = new.meta["changes"]["count"]
    assert f"Changes to the published plan: {count}" in printed
    assert [s["proven"] for s in new.meta["changes"]["stages"]] == [True, True]
    assert new.meta["changes"]["policy"] == "fewest"


def test_replan_with_an_absence_and_the_free_policy(mini, plan, published, tmp_path, capsys):
    o = plan.scheduled()[0]
    who = plan.team(o.engagement_id)[0].reviewer_id
    out = tmp_path / "free"
    code = main(["replan", str(MINI_DIR), "--from", str(published), "--unavailable",
                 f"{who}:{o.start.isoformat()}:{o.end.isoformat()}", "--free", "--out", str(out), "--quiet"])
    assert code == 0, capsys.readouterr()
    new = load_plan(out)
    assert not any(a.reviewer_id == who and a.start <= o.end and o.start <= a.end for a in new.assignments)


@pytest.mark.parametrize("arguments, message", [
    (["--drop", "NOBODY-1"], "unknown reviewer 'NOBODY-1'"),
    (["--drop", "ZA-1:NO-SUCH"], "unknown engagement 'NO-SUCH'"),
    (["--unavailable", "ZA-1:2018-09-01"], "expected REVIEWER:YYYY-MM-DD:YYYY-MM-DD"),
    (["--unavailable", "ZA-1:2018-09-31:2018-10-02"], "is not a date"),
    (["--unavailable", "ZA-1:2018-10-02:2018-10-01"], "before the first day"),
    (["--pin", "AO-RV:2030-01-01"], "start day"),
    (["--today", "yesterday"], "--today yesterday: expected a date"),
    (["--free", "--weighted"], "not allowed with argument"),
])
def test_bad_replan_arguments_say_why_exit_2_and_write_nothing(published, tmp_path, capsys, arguments, message):
    out = tmp_path / "new"
    code = main(["replan", str(MINI_DIR), "--from", str(published), "--out", str(out), *arguments])
    said = capsys.readouterr()
    assert code == 2
    assert message in said.err, said.err
    assert "Traceback" not in said.err + said.out
    assert not out.exists()


def test_replan_and_solve_refuse_to_replace_a_folder_without_force(published, tmp_path, capsys):
    before = {p.name: p.read_bytes() for p in published.iterdir()}
    assert main(["replan", str(MINI_DIR), "--from", str(published), "--out", str(published)]) == 2
    assert main(["solve", str(MINI_DIR), "--out", str(published), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("already exists; pass --force to replace it") == 2
    assert {p.name: p.read_bytes() for p in published.iterdir()} == before
    assert main(["solve", str(MINI_DIR), "--out", str(published), "--quiet", "--force", "--time-limit", "5"]) == 0
    assert load_plan(published).meta["scenario_name"]


def test_solve_without_out_refuses_to_replace_the_published_plan(tmp_path, monkeypatch, plan, capsys):
    monkeypatch.chdir(tmp_path)
    save_plan(plan, tmp_path / "plans" / "mini")
    assert main(["solve", str(MINI_DIR), "--quiet"]) == 2
    assert "plans/mini already exists" in capsys.readouterr().err


def test_diff_lists_every_change_and_the_kpi_deltas(mini, plan, published, tmp_path, capsys):
    eid, rid = _member(plan)
    changed = type(plan)(tuple(a for a in plan.assignments if (a.engagement_id, a.reviewer_id) != (eid, rid)),
                         plan.engagements, plan.meta)
    save_plan(changed, tmp_path / "changed")
    assert main(["diff", str(published), str(tmp_path / "changed"), "--scenario", str(MINI_DIR)]) == 0
    text = capsys.readouterr().out
    assert ": 1 change\n" in text and f"{rid} leaves" in text and "People involved" in text
    assert main(["diff", str(published), str(tmp_path / "changed"), "--json", "--scenario", str(MINI_DIR)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["change_count"] == 1
    assert data["changes"][0]["kind"] == "leaves" and data["changes"][0]["reviewer_id"] == rid
    assert set(data["kpis"]["people_involved"]) == {"before", "after", "change"}


def test_diff_of_a_plan_with_itself_has_no_change_and_finds_its_scenario(capsys):
    published = Path(__file__).resolve().parent.parent / "plans" / "kp-2018-h2"
    assert main(["diff", str(published), str(published), "--json"]) == 0  # scenario found by scenario_hash
    data = json.loads(capsys.readouterr().out)
    assert Path(data["scenario"]).name == "kp-2018-h2"
    assert data["change_count"] == 0 and all(row["change"] == 0 for row in data["kpis"].values())


def test_diff_of_a_missing_folder_exits_2(published, tmp_path, capsys):
    assert main(["diff", str(published), str(tmp_path / "nowhere")]) == 2
    assert "nowhere" in capsys.readouterr().err


def test_explain_explains_the_saved_plan_by_default(left_out, tmp_path, monkeypatch, capsys):
    scenario, plan = left_out
    from planner.io.scenario_files import save_scenario

    folder = save_scenario(scenario, tmp_path / "data" / "left-out")
    monkeypatch.chdir(tmp_path)
    save_plan(plan, tmp_path / "plans" / "left-out")
    assert main(["explain", str(folder), "--time-limit", "10"]) == 0
    said = capsys.readouterr()
    assert "Explaining the saved plan plans/left-out/" in said.out
    assert "Unscheduled engagements:" in said.out
    unscheduled = said.out.split("Unscheduled engagements:")[1]
    assert "no allowed start day" in unscheduled  # the pre-check's reason for CM-RV
    assert "Explaining why" not in said.err  # which needs no trial solve (progress is only for those)


def test_scenario_text_printed_to_a_terminal_stays_on_its_line_and_sends_no_escape(mini, plan, tmp_path, capsys):
    import dataclasses

    from planner.io.scenario_files import save_scenario

    hostile = "Visit\nline two \x1b[31mred\x07"
    s = dataclasses.replace(mini, engagements=tuple(dataclasses.replace(e, title=hostile) if e.id == "AO-RV" else e
                                                    for e in mini.engagements))
    folder = save_scenario(s, tmp_path / "hostile")
    saved = save_plan(plan, tmp_path / "plan")
    main(["check", str(folder), str(saved)])
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert any("Visit ↵ line two ␛[31mred␇" in line for line in out.splitlines())


def test_diff_names_engagements_missing_from_the_scenario_instead_of_failing(mini, plan, published, tmp_path,
                                                                           capsys):
    import dataclasses

    from planner.core.model import EngagementOutcome

    extra = dataclasses.replace(plan, engagements=(*plan.engagements, EngagementOutcome("GH-RV", "unscheduled")))
    save_plan(extra, tmp_path / "variant")
    assert main(["diff", str(published), str(tmp_path / "variant"), "--scenario", str(MINI_DIR)]) == 2
    err = capsys.readouterr().err
    assert "GH-RV is not in the scenario" in err and "Traceback" not in err


def test_export_in_french_writes_french_calendars(plan, published, tmp_path, capsys):
    from icalendar import Calendar

    assert main(["export", str(published), "--scenario", str(MINI_DIR), "--ics", "--lang", "fr",
                 "--out", str(tmp_path / "fr")]) == 0
    assert main(["export", str(published), "--scenario", str(MINI_DIR), "--ics", "--out", str(tmp_path / "en")]) == 0
    whole_fr = next((tmp_path / "fr" / "calendars").rglob("*.ics"))
    whole_en = tmp_path / "en" / "calendars" / whole_fr.relative_to(tmp_path / "fr" / "calendars")
    fr = Calendar.from_ical(whole_fr.read_bytes())
    en = Calendar.from_ical(whole_en.read_bytes())
    def field(calendar, name):
        return sorted(str(e.get(name)) for e in calendar.walk("VEVENT"))

    assert field(fr, "UID") == field(en, "UID")  # the same events, in another language
    assert field(fr, "DESCRIPTION") != field(en, "DESCRIPTION")


@pytest.mark.parametrize("name", ["assignments.csv", "plan.json"])
def test_a_folder_in_place_of_a_plan_file_exits_2(published, tmp_path, capsys, name):
    import shutil

    broken = tmp_path / "broken"
    shutil.copytree(published, broken)
    (broken / name).unlink()
    (broken / name).mkdir()
    assert main(["check", str(MINI_DIR), str(broken)]) == 2
    assert "Traceback" not in capsys.readouterr().err
