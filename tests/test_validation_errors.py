"""Broken copies of the mini scenario: `kp-plan validate` exits 1 and names file, row and column.

Every case runs ``planner.apps.cli.main(["validate", folder])`` and checks the printed report: the exit code,
the exact location ``<file>, row <n>, column '<name>'`` (header = row 1), a hint of what was expected, that
no traceback is printed and that the input files are left untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from planner import ScenarioError, load_scenario
from planner.apps import cli
from planner.apps.cli import main


@dataclass(frozen=True)
class Case:
    id: str
    breaks: Callable  # (folder, edit) -> None
    file: str
    row: int | None
    column: str | None
    says: tuple[str, ...] = ()  # fragments of the message (value, what was expected)
    staffing: bool = False  # found by the staffing pre-check of validate, not by load_scenario

    @property
    def location(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column '{self.column}'"
        return where


@pytest.fixture(autouse=True)
def _problems_to_current_stdout(monkeypatch):
    """Work around the stale ``stream=sys.stdout`` default of ``planner.apps.cli._print_problems``.

    The default is bound when planner.apps.cli is imported, so capsys (or contextlib.redirect_stdout) does not
    see the problem list; see test_cli_validate.py::test_problem_list_goes_to_the_current_stdout (xfail).
    Printing to ``file=None`` writes to whatever ``sys.stdout`` is at call time.
    """
    function = getattr(cli, "_print_problems", None)
    defaults = getattr(function, "__defaults__", None)
    if defaults and defaults[-1] is not None:
        monkeypatch.setattr(function, "__defaults__", defaults[:-1] + (None,))


def run_validate(folder: Path, capsys) -> tuple[int, str]:
    code = main(["validate", str(folder)])
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert "Traceback" not in output
    return code, captured.out


def set_cells(file: str, row: int, **cells: str) -> Callable:
    def breaks(folder, edit):
        for column, value in cells.items():
            edit.set_cell(folder, file, row, column, value)
    return breaks


def append(file: str, **cells: str) -> Callable:
    def breaks(folder, edit):
        edit.append_row(folder, file, cells)
    return breaks


def replace(file: str, old: str, new: str) -> Callable:
    def breaks(folder, edit):
        edit.replace_text(folder, file, old, new)
    return breaks


def chain(*steps: Callable) -> Callable:
    def breaks(folder, edit):
        for step in steps:
            step(folder, edit)
    return breaks


def drop_column(file: str, column: str) -> Callable:
    def breaks(folder, edit):
        edit.drop_column(folder, file, column)
    return breaks


def write_bytes(file: str, data: bytes | Callable[[bytes], bytes]) -> Callable:
    def breaks(folder, edit):
        path = folder / file
        path.write_bytes(data(path.read_bytes()) if callable(data) else data)
    return breaks


def latin1(file: str) -> Callable:
    return write_bytes(file, lambda raw: raw.decode("utf-8").encode("latin-1"))


def speakers_removed(folder, edit):
    """CM-RV (a francophone host) becomes required; the only French speakers who may go lose French."""
    edit.set_cell(folder, "engagements.csv", 3, "priority", "required")
    edit.set_cell(folder, "reviewers.csv", 4, "languages", "en")  # EU-1
    edit.set_cell(folder, "reviewers.csv", 5, "languages", "en")  # CA-1 (CSC-1 lives in CM: excluded)


CASES = [
    # --- cross-file references -------------------------------------------------------------------------
    Case("unknown-host", set_cells("engagements.csv", 4, hosts="XX"), "engagements.csv", 4, "hosts",
         ("'XX'", "participants.csv")),
    Case("unknown-host-among-several", set_cells("engagements.csv", 4, hosts="ZA;QQ", kind="workshop"),
         "engagements.csv", 4, "hosts", ("'QQ'",)),
    Case("unknown-reviewer-unavailability", set_cells("unavailability.csv", 2, reviewer="RU-9"),
         "unavailability.csv", 2, "reviewer", ("'RU-9'", "reviewers.csv")),
    Case("unknown-reviewer-home", set_cells("reviewers.csv", 6, home="XX"), "reviewers.csv", 6, "home",
         ("'XX'",)),
    Case("unknown-organisation", set_cells("reviewers.csv", 3, organisation="XX"), "reviewers.csv", 3,
         "organisation", ("'XX'", "WDC")),
    Case("unknown-event-attendee", set_cells("events.csv", 2, attendees="wgaap;nobody"), "events.csv", 2,
         "attendees", ("'nobody'",)),
    Case("unknown-engagement-attendee", set_cells("engagements.csv", 4, attendees="ZA-7"),
         "engagements.csv", 4, "attendees", ("'ZA-7'",)),
    # --- end before start ------------------------------------------------------------------------------
    Case("unavailability-end-before-start", set_cells("unavailability.csv", 2, end="2018-09-30"),
         "unavailability.csv", 2, "end", ("'2018-09-30'", "on or after start (2018-10-01)")),
    Case("event-end-before-start", set_cells("events.csv", 3, end="2018-10-28"), "events.csv", 3, "end",
         ("'2018-10-28'", "on or after start (2018-10-29)")),
    Case("engagement-end-before-start",
         set_cells("engagements.csv", 3, earliest_start="2018-10-20", latest_end="2018-10-10"),
         "engagements.csv", 3, "latest_end", ("'2018-10-10'", "on or after earliest_start")),
    # --- horizon ---------------------------------------------------------------------------------------
    Case("engagement-starts-before-horizon", set_cells("engagements.csv", 2, earliest_start="2018-08-15"),
         "engagements.csv", 2, "earliest_start", ("'2018-08-15'", "2018-09-01 to 2018-10-31")),
    Case("engagement-ends-after-horizon", set_cells("engagements.csv", 4, latest_end="2018-11-15"),
         "engagements.csv", 4, "latest_end", ("'2018-11-15'", "horizon")),
    Case("published-start-outside-horizon", set_cells("engagements.csv", 3, published_start="2019-01-07"),
         "engagements.csv", 3, "published_start", ("'2019-01-07'", "horizon")),
    Case("event-outside-horizon", set_cells("events.csv", 2, start="2018-07-01", end="2018-07-03"),
         "events.csv", 2, "start", ("'2018-07-01'", "horizon")),
    Case("unavailability-outside-horizon",
         set_cells("unavailability.csv", 2, start="2019-01-01", end="2019-01-05"),
         "unavailability.csv", 2, "start", ("'2019-01-01'", "horizon")),
    Case("participant-from-after-horizon",
         chain(lambda f, e: e.write_rows(f / "participants.csv",
                                         [r + ["participant_from" if i == 0 else ""]
                                          for i, r in enumerate(e.read_rows(f / "participants.csv"))]),
               set_cells("participants.csv", 9, participant_from="2019-03-01")),
         "participants.csv", 9, "participant_from", ("'2019-03-01'",)),
    # --- duplicates ------------------------------------------------------------------------------------
    Case("duplicate-reviewer-id",
         append("reviewers.csv", id="ZA-1", organisation="ZA", home="ZA", max_engagements="1"),
         "reviewers.csv", 11, "id", ("'ZA-1'", "already used on row 2")),
    Case("duplicate-engagement-id", set_cells("engagements.csv", 4, id="AO-RV"), "engagements.csv", 4, "id",
         ("'AO-RV'", "already used on row 2")),
    Case("duplicate-event-id", set_cells("events.csv", 3, id="ASM18"), "events.csv", 3, "id",
         ("already used on row 2",)),
    Case("duplicate-participant-code",
         append("participants.csv", code="CM", name="Cameroon again", region="Africa", lat="3", lon="11"),
         "participants.csv", 10, "code", ("already used on row 3",)),
    # --- windows and teams -----------------------------------------------------------------------------
    Case("window-shorter-than-duration",
         set_cells("engagements.csv", 2, earliest_start="2018-09-03", latest_end="2018-09-05"),
         "engagements.csv", 2, "latest_end", ("'2018-09-05'", "duration_days (5)", "3 days")),
    Case("pinned-start-outside-window", set_cells("engagements.csv", 2, pinned_start="2018-10-18"),
         "engagements.csv", 2, "pinned_start", ("'2018-10-18'",)),
    Case("team-max-below-team-min", set_cells("engagements.csv", 3, team_min="4", team_max="3"),
         "engagements.csv", 3, "team_max", ("team_min (4)",)),
    Case("review-visit-with-two-hosts", set_cells("engagements.csv", 2, hosts="AO;ZA"), "engagements.csv", 2,
         "hosts", ("exactly one host",)),
    Case("meeting-without-attendees", set_cells("engagements.csv", 4, attendees=""), "engagements.csv", 4,
         "attendees", ("required attendees",)),
    # --- staffing pre-checks (required engagements nobody can staff) --------------------------------------
    Case("required-francophone-visit-without-french-speakers", speakers_removed, "engagements.csv", 3, "id",
         ("'CM-RV'", "French speaker", "nobody eligible"), staffing=True),
    Case("every-csc-unavailable",
         chain(append("unavailability.csv", reviewer="CSC-1", start="2018-09-01", end="2018-10-31"),
               append("unavailability.csv", reviewer="CSC-2", start="2018-09-01", end="2018-10-31")),
         "engagements.csv", 2, "id", ("'AO-RV'", "CSC observer", "CSC-1 is unavailable", "CSC-2"),
         staffing=True),
    Case("required-meeting-with-chair-unavailable",
         chain(set_cells("engagements.csv", 4, priority="required"),
               append("unavailability.csv", reviewer="IN-1", start="2018-09-01", end="2018-10-31")),
         "engagements.csv", 4, "id", ("'CHAIRS'", "IN-1"), staffing=True),
    # --- cells -----------------------------------------------------------------------------------------
    Case("non-number-latitude", set_cells("participants.csv", 3, lat="north"), "participants.csv", 3, "lat",
         ("'north'", "a latitude")),
    Case("latitude-out-of-range", set_cells("participants.csv", 2, lat="-125.7"), "participants.csv", 2,
         "lat", ("'-125.7'", "-90 to 90")),
    Case("non-number-longitude-of-event", set_cells("events.csv", 3, lon="4,34"), "events.csv", 3, "lon",
         ("'4,34'", "a longitude")),
    Case("bad-date", set_cells("unavailability.csv", 2, start="2018-02-30"), "unavailability.csv", 2, "start",
         ("'2018-02-30'", "YYYY-MM-DD")),
    Case("not-a-date", set_cells("events.csv", 2, end="13/09/2018"), "events.csv", 2, "end",
         ("'13/09/2018'",)),
    Case("bad-priority", set_cells("engagements.csv", 3, priority="urgent"), "engagements.csv", 3, "priority",
         ("'urgent'", "'required'")),
    Case("bad-kind", set_cells("engagements.csv", 4, kind="conference"), "engagements.csv", 4, "kind",
         ("'conference'", "'review_visit'")),
    Case("zero-duration", set_cells("engagements.csv", 2, duration_days="0"), "engagements.csv", 2,
         "duration_days", ("'0'", "at least 1")),
    Case("fractional-duration", set_cells("engagements.csv", 2, duration_days="4.5"), "engagements.csv", 2,
         "duration_days", ("'4.5'", "whole number")),
    Case("negative-max-engagements", set_cells("reviewers.csv", 7, max_engagements="-1"), "reviewers.csv", 7,
         "max_engagements", ("'-1'",)),
    Case("bad-language-code", set_cells("reviewers.csv", 2, languages="en;English"), "reviewers.csv", 2,
         "languages", ("ISO 639-1",)),
    Case("bad-regional-approach", set_cells("participants.csv", 9, regional_approach="ECOWAS"),
         "participants.csv", 9, "regional_approach", ("'ECOWAS'", "'MRU'")),
    Case("id-with-space", set_cells("reviewers.csv", 2, id="ZA 1"), "reviewers.csv", 2, "id", ("'ZA 1'",)),
    Case("empty-required-cell", set_cells("events.csv", 2, title=""), "events.csv", 2, "title",
         ("a value is required",)),
    Case("bad-home-coordinates", set_cells("reviewers.csv", 8, home="51.2/east"), "reviewers.csv", 8, "home",
         ("'51.2/east'", "lat/lon")),
    # --- whole files -----------------------------------------------------------------------------------
    Case("missing-column", drop_column("participants.csv", "lat"), "participants.csv", 1, "lat",
         ("required column is missing",)),
    Case("missing-column-engagements", drop_column("engagements.csv", "priority"), "engagements.csv", 1,
         "priority", ("missing",)),
    Case("duplicated-column",
         lambda f, e: e.write_rows(f / "reviewers.csv",
                                   [r + [r[1]] for r in e.read_rows(f / "reviewers.csv")]),
         "reviewers.csv", 1, "organisation", ("more than once",)),
    Case("stray-comma", replace("reviewers.csv", "RU-1,RU,wgm,", "RU-1,RU,wgm,,"), "reviewers.csv", 6, None,
         ("stray comma",)),
    Case("latin1-file", latin1("engagements.csv"), "engagements.csv", 3, "place", ("UTF-8", "e9")),
    Case("latin1-reviewers", write_bytes("reviewers.csv", lambda raw: raw.replace(b"RU-1,RU,wgm",
                                                                                  b"RU-1,RU,wgm\xe9")),
         "reviewers.csv", 6, "groups", ("UTF-8",)),
    Case("binary-file", write_bytes("events.csv", b"id,title\x00\x01\x02"), "events.csv", None, None,
         ("binary",)),
    Case("empty-file", write_bytes("events.csv", b""), "events.csv", None, None, ("empty",)),
    Case("whitespace-only-file", write_bytes("unavailability.csv", b"  \n\n \r\n"), "unavailability.csv",
         None, None, ("empty",)),
    Case("missing-file", lambda f, e: (f / "reviewers.csv").unlink(), "reviewers.csv", None, None,
         ("missing",)),
    # --- scenario.yaml ------------------------------------------------------------------------------------
    Case("bad-yaml", replace("scenario.yaml", "rules:\n", "rules: [\n"), "scenario.yaml", 6, None,
         ("valid YAML",)),
    Case("bad-yaml-indentation", replace("scenario.yaml", "  workers: 2", "    workers: 2\n   seed: 0"),
         "scenario.yaml", 15, None, ("valid YAML", "mapping values are not allowed")),
    Case("unknown-rule-setting", replace("scenario.yaml", "  review_team_min: 3", "  review_team_minimum: 3"),
         "scenario.yaml", None, "rules.review_team_minimum", ("unknown setting", "review_team_min")),
    Case("unknown-top-level-setting", replace("scenario.yaml", "weights:", "weigths:"), "scenario.yaml", None,
         "scenario.weigths", ("unknown setting",)),
    Case("unknown-weight", replace("scenario.yaml", "travel_km:", "travel_kms:"), "scenario.yaml", None,
         "weights.travel_kms", ("unknown setting",)),
    Case("unknown-solver-setting", replace("scenario.yaml", "workers: 2", "threads: 2"), "scenario.yaml",
         None, "solver.threads", ("unknown setting",)),
    Case("bad-rule-value", replace("scenario.yaml", "review_team_max: 5", "review_team_max: five"),
         "scenario.yaml", None, "rules.review_team_max", ("'five'", "whole number")),
    Case("negative-weight", replace("scenario.yaml", "travel_km: 0.01", "travel_km: -1"), "scenario.yaml",
         None, "weights.travel_km", ("'-1'",)),
    Case("weight-with-four-decimals", replace("scenario.yaml", "travel_km: 0.01", "travel_km: 0.0125"),
         "scenario.yaml", None, "weights.travel_km", ("three decimals",)),
    Case("bad-horizon-date", replace("scenario.yaml", "end: 2018-10-31", "end: '31.10.2018'"),
         "scenario.yaml", None, "horizon.end", ("'31.10.2018'", "YYYY-MM-DD")),
    Case("horizon-end-before-start", replace("scenario.yaml", "end: 2018-10-31", "end: 2018-08-31"),
         "scenario.yaml", None, "horizon.end", ("2018-08-31",)),
    # --- spans longer than horizon.max_days (default three years) ------------------------------------------
    Case("horizon-of-eleven-centuries",
         replace("scenario.yaml", "horizon: {start: 2018-09-01, end: 2018-10-31}",
                 "horizon: {start: 1900-01-01, end: 2999-12-31}"),
         "scenario.yaml", None, "horizon.end", ("'2999-12-31'", "at most 1096 days", "401767 days")),
    Case("horizon-longer-than-its-own-max-days",
         replace("scenario.yaml", "end: 2018-10-31}", "end: 2018-10-31, max_days: 60}"),
         "scenario.yaml", None, "horizon.end", ("at most 60 days", "61 days")),
    Case("window-longer-than-max-days", set_cells("engagements.csv", 2, earliest_start="2015-01-01"),
         "engagements.csv", 2, "latest_end", ("'2018-10-20'", "at most 1096 days", "1389 days")),
    Case("window-longer-than-a-lowered-max-days",
         replace("scenario.yaml", "end: 2018-10-31}", "end: 2018-10-31, max_days: 40}"),
         "engagements.csv", 2, "latest_end", ("at most 40 days", "50 days")),  # AO-RV: 1 Sep..20 Oct
    Case("max-days-zero", replace("scenario.yaml", "end: 2018-10-31}", "end: 2018-10-31, max_days: 0}"),
         "scenario.yaml", None, "horizon.max_days", ("'0'", "from 1 to 3660")),
    Case("max-days-above-the-ceiling",
         replace("scenario.yaml", "end: 2018-10-31}", "end: 2018-10-31, max_days: 400000}"),
         "scenario.yaml", None, "horizon.max_days", ("'400000'", "from 1 to 3660")),
    Case("unknown-horizon-setting", replace("scenario.yaml", "end: 2018-10-31}", "end: 2018-10-31, days: 9}"),
         "scenario.yaml", None, "horizon.days", ("unknown setting", "max_days")),
    Case("missing-name", replace("scenario.yaml", "name: Mini test scenario\n", ""), "scenario.yaml", None,
         "name", ("name",)),
    Case("bad-travel-buffer",
         replace("scenario.yaml", "  report_lead_time_days: 0",
                 "  travel_buffer: [{up_to_km: 2500, days: 1}, {up_to_km: 100, days: 0}]"),
         "scenario.yaml", None, "rules.travel_buffer", ("distances increasing",)),
    Case("yaml-not-a-mapping", write_bytes("scenario.yaml", b"- just\n- a list\n"), "scenario.yaml",
         None, None, ("not a mapping",)),
    Case("yaml-latin1", write_bytes("scenario.yaml", lambda raw: raw.replace(b"Mini test", b"Mini t\xe9st")),
         "scenario.yaml", None, None, ("UTF-8",)),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_broken_copy_is_reported(case: Case, scenario_copy, edit, folder_hashes, capsys):
    case.breaks(scenario_copy, edit)
    before = folder_hashes(scenario_copy)
    code, out = run_validate(scenario_copy, capsys)
    assert code == 1, out
    lines = [line for line in out.splitlines() if line.startswith("  - ")]
    assert lines, out
    matching = [line for line in lines if line.startswith(f"  - {case.location}:")
                or line.startswith(f"  - {case.location} —")]
    assert matching, f"no problem at {case.location!r} in:\n{out}"
    for fragment in case.says:
        assert any(fragment in line for line in matching), f"{fragment!r} not in:\n{out}"
    assert f"{len(lines)} problem(s) found" in out
    assert folder_hashes(scenario_copy) == before  # input files are never modified


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_load_scenario_raises_scenario_error_for_load_problems(case: Case, scenario_copy, edit):
    """Apart from the staffing pre-checks, every case is already a ScenarioError of load_scenario."""
    case.breaks(scenario_copy, edit)
    if case.staffing:
        load_scenario(scenario_copy)  # staffing problems: the scenario itself loads
        return
    with pytest.raises(ScenarioError) as info:
        load_scenario(scenario_copy)
    problems = info.value.problems
    assert problems and not info.value.unreadable
    assert any(p.file == case.file and p.row == case.row and p.column == case.column for p in problems), \
        [str(p) for p in problems]


# --- row numbering ---------------------------------------------------------------------------------------


def test_row_numbers_count_the_header_as_row_1_even_with_bom(scenario_copy, edit, capsys):
    edit.set_cell(scenario_copy, "reviewers.csv", 10, "max_engagements", "many")  # last row (CSC-2)
    path = scenario_copy / "reviewers.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    code, out = run_validate(scenario_copy, capsys)
    assert code == 1
    assert "reviewers.csv, row 10, column 'max_engagements': got 'many'" in out


def test_row_numbers_count_blank_lines_like_a_spreadsheet(scenario_copy, edit, capsys):
    edit.set_cell(scenario_copy, "engagements.csv", 3, "duration_days", "x")
    edit.replace_text(scenario_copy, "engagements.csv", "\nAO-RV", "\n\nAO-RV")  # a blank row 2
    code, out = run_validate(scenario_copy, capsys)
    assert code == 1
    assert "engagements.csv, row 4, column 'duration_days'" in out


def test_row_numbers_count_records_not_lines(scenario_copy, edit, capsys):
    """A quoted cell with a line break is still one spreadsheet row."""
    edit.set_cell(scenario_copy, "events.csv", 2, "title", "ASM18\nconference")
    edit.set_cell(scenario_copy, "events.csv", 3, "lat", "fifty")
    code, out = run_validate(scenario_copy, capsys)
    assert code == 1
    assert "events.csv, row 3, column 'lat': got 'fifty'" in out


def test_encoding_error_names_spreadsheet_row_and_column(scenario_copy, edit, capsys):
    edit.set_cell(scenario_copy, "events.csv", 2, "title", "ASM18\nconference")
    edit.set_cell(scenario_copy, "events.csv", 3, "place", "Bruxelles, Belgique é")
    path = scenario_copy / "events.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1"))
    code, out = run_validate(scenario_copy, capsys)
    assert code == 1
    assert "events.csv, row 3, column 'place'" in out


# --- every problem at once -----------------------------------------------------------------------------


def test_two_cell_errors_in_two_files_are_both_listed(scenario_copy, edit, capsys):
    edit.set_cell(scenario_copy, "participants.csv", 9, "lat", "x")  # SL: no reviewer lives there
    edit.set_cell(scenario_copy, "engagements.csv", 4, "duration_days", "two")
    code, out = run_validate(scenario_copy, capsys)
    assert code == 1
    assert "2 problem(s) found" in out
    assert "participants.csv, row 9, column 'lat': got 'x'" in out
    assert "engagements.csv, row 4, column 'duration_days': got 'two'" in out


def test_two_reference_errors_in_two_files_are_both_listed(scenario_copy, edit, capsys):
    edit.set_cell(scenario_copy, "unavailability.csv", 2, "reviewer", "NOPE-1")
    edit.set_cell(scenario_copy, "engagements.csv", 2, "hosts", "XX")
    edit.set_cell(scenario_copy, "events.csv", 3, "end", "2018-10-01")
    code, out = run_validate(scenario_copy, capsys)
    assert code == 1
    assert "3 problem(s) found" in out
    assert "unavailability.csv, row 2, column 'reviewer': got 'NOPE-1'" in out
    assert "engagements.csv, row 2, column 'hosts': got 'XX'" in out
    assert "events.csv, row 3, column 'end': got '2018-10-01'" in out


def test_several_bad_cells_in_one_row_are_all_listed(scenario_copy, edit, capsys):
    edit.set_cell(scenario_copy, "engagements.csv", 3, "duration_days", "four")
    edit.set_cell(scenario_copy, "engagements.csv", 3, "priority", "top")
    edit.set_cell(scenario_copy, "engagements.csv", 3, "earliest_start", "soon")
    code, out = run_validate(scenario_copy, capsys)
    assert code == 1
    for column in ("duration_days", "priority", "earliest_start"):
        assert f"engagements.csv, row 3, column '{column}'" in out


def test_yaml_and_csv_problems_are_listed_together(scenario_copy, edit, capsys):
    edit.replace_text(scenario_copy, "scenario.yaml", "review_team_max: 5", "review_team_max: lots")
    edit.set_cell(scenario_copy, "reviewers.csv", 4, "max_engagements", "2.5")
    edit.drop_column(scenario_copy, "events.csv", "kind")
    (scenario_copy / "unavailability.csv").write_bytes(b"")
    code, out = run_validate(scenario_copy, capsys)
    assert code == 1
    assert "reviewers.csv, row 4, column 'max_engagements'" in out
    assert "events.csv, row 1, column 'kind'" in out
    assert "unavailability.csv — the file is empty" in out


def test_yaml_setting_and_cell_errors_are_listed_together(scenario_copy, edit, capsys):
    edit.replace_text(scenario_copy, "scenario.yaml", "workers: 2", "workerz: 2")
    edit.set_cell(scenario_copy, "events.csv", 2, "start", "2018-9-11")
    code, out = run_validate(scenario_copy, capsys)
    assert code == 1
    assert "scenario.yaml, column 'solver.workerz'" in out
    assert "events.csv, row 2, column 'start': got '2018-9-11'" in out


def test_cell_error_and_reference_error_in_two_files_are_both_listed(scenario_copy, edit, capsys):
    edit.set_cell(scenario_copy, "participants.csv", 2, "lat", "abc")  # ZA
    edit.set_cell(scenario_copy, "unavailability.csv", 2, "reviewer", "NOPE-1")
    code, out = run_validate(scenario_copy, capsys)
    assert code == 1
    assert "participants.csv, row 2, column 'lat': got 'abc'" in out
    assert "unavailability.csv, row 2, column 'reviewer': got 'NOPE-1'" in out
    # ZA-1 and CSC-2 live in ZA, whose row is already reported: no second, misleading problem about them
    assert not [line for line in out.splitlines() if line.startswith("  - reviewers.csv")]


# --- crashes found while writing these tests ------------------------------------------------------------


def test_horizon_with_a_time_is_a_problem_not_a_crash(scenario_copy, edit, capsys):
    edit.replace_text(scenario_copy, "scenario.yaml", "start: 2018-09-01,", "start: 2018-09-01 10:00:00,")
    code, out = run_validate(scenario_copy, capsys)
    assert code == 1
    assert "scenario.yaml, column 'horizon.start'" in out


@pytest.mark.parametrize("old, new", [
    ("start: 2018-09-01,", "start: 2018-02-30,"),
    ("end: 2018-10-31", "end: 2018-10-32"),
    ("time_limit_s: 10", "time_limit_s: !!float ''"),
    ("workers: 2", "workers: 2\n  reproducible: !!bool ''"),
    ("workers: 2", "workers: !!timestamp x"),
], ids=["impossible-date", "day-32", "empty-float-tag", "empty-bool-tag", "bad-timestamp-tag"])
def test_badly_typed_yaml_scalar_is_a_problem_not_a_crash(scenario_copy, edit, capsys, old, new):
    edit.replace_text(scenario_copy, "scenario.yaml", old, new)
    code, out = run_validate(scenario_copy, capsys)
    assert code == 1
    assert "scenario.yaml" in out


def test_dates_at_the_start_of_the_calendar_do_not_crash(scenario_copy, edit, capsys):
    edit.set_cell(scenario_copy, "engagements.csv", 2, "earliest_start", "0001-01-01")
    edit.set_cell(scenario_copy, "engagements.csv", 2, "latest_end", "0001-01-01")
    edit.set_cell(scenario_copy, "engagements.csv", 2, "pinned_start", "0001-01-01")
    code, out = run_validate(scenario_copy, capsys)
    assert code == 1
    assert "engagements.csv, row 2, column 'earliest_start'" in out


@pytest.mark.parametrize("weight", ["1.001", "1.005", "1.015"])
def test_weights_with_three_decimals_are_accepted(scenario_copy, edit, weight):
    edit.replace_text(scenario_copy, "scenario.yaml", "travel_km: 0.01", f"travel_km: {weight}")
    assert load_scenario(scenario_copy).weights["travel_km"] == float(weight)
