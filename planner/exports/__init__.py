"""Exports of a saved plan that people use outside the planner (docs/exports.md).

* ``ics``  — iCalendar files: one per person, one per engagement, one for the whole plan; stable UIDs, so
  a re-exported plan updates events in calendar programs (moved dates, cancelled engagements).
* ``xlsx`` — an Excel workbook: engagements, teams, people, each person's itinerary, soft terms, unscheduled.
* ``html`` — one self-contained HTML report (map, timeline, tables) that opens offline from an e-mail.

``export_plan`` writes any of them into a folder (what ``kp-plan export`` does); ``find_scenario`` finds the
scenario folder a plan was made for. Private unavailability reasons never reach any export.
"""

from __future__ import annotations

import os
from pathlib import Path

from planner.core.model import Plan, Scenario
from planner.core.problems import Problem, ScenarioError
from planner.exports.common import check_plan_fits
from planner.exports.ics import write_calendars
from planner.io.atomic import replacing_folder
from planner.io.plan_files import scenario_hash
from planner.io.scenario_files import load_scenario

CALENDAR_FOLDER = "calendars"
WORKBOOK_NAME = "plan.xlsx"
REPORT_NAME = "report.html"


def export_plan(scenario: Scenario, plan: Plan, out_dir: str | os.PathLike, *, ics: bool = True,
                xlsx: bool = True, html: bool = True, previous_plan: Plan | None = None,
                lang: str = "en") -> list[Path]:
    """Write the chosen exports into ``out_dir`` and return the files written:
    ``calendars/`` (see ``write_calendars``), ``plan.xlsx`` and ``report.html``.

    The folder is replaced as a whole (``planner.io.atomic.replacing_folder``): whoever opens it, and a kill
    or an error at any point, finds the earlier export or the new one, never a mix. Exports not chosen this
    time, and anything else in the folder, are kept; earlier calendars are read so that their SEQUENCE numbers
    continue. ``previous_plan`` is the plan people already have in their calendars: engagements it has and
    ``plan`` no longer has are exported as cancelled. Raises ``ScenarioError`` when the plan does not fit the
    scenario. ``lang`` ('en' or 'fr') words the calendars, the workbook (sheet names, headings, status words)
    and the report (headings, numbers and dates in the locale).
    """
    # imported here, not at the top: importing planner.exports (which any of its modules does) should not load
    # pandas and openpyxl for a dashboard that only offers calendar links (docs/benchmarks.md, Dashboards)
    from planner.exports.html import write_report
    from planner.exports.xlsx import write_workbook

    check_plan_fits(scenario, plan)
    folder = Path(out_dir)
    written: list[Path] = []
    with replacing_folder(folder, start_from=[CALENDAR_FOLDER] if ics else [], keep_others=True) as staging:
        if ics:
            written += write_calendars(scenario, plan, staging / CALENDAR_FOLDER, previous_plan=previous_plan,
                                       lang=lang)
        if xlsx:
            write_workbook(scenario, plan, staging / WORKBOOK_NAME, lang=lang)
            written.append(staging / WORKBOOK_NAME)
        if html:
            write_report(scenario, plan, staging / REPORT_NAME, lang=lang)
            written.append(staging / REPORT_NAME)
    return [folder / path.relative_to(staging) for path in written]


def _candidate_folders(plan_dir: Path, roots: list[Path]) -> list[Path]:
    candidates: list[Path] = []
    for root in roots:
        candidates.append(root / plan_dir.resolve().name)
        if root.is_dir():
            candidates += sorted(p for p in root.iterdir() if p.is_dir())
    unique: list[Path] = []
    for c in candidates:
        seen = {u.resolve() for u in unique}
        if c.is_dir() and (c / "scenario.yaml").is_file() and c.resolve() not in seen:
            unique.append(c)
    return unique


def find_scenario(plan: Plan, plan_dir: str | os.PathLike,
                  roots: list[str | os.PathLike] | None = None) -> Path:
    """The scenario folder ``plan`` was made for: the folder under ``roots`` (default: ``data/scenarios``
    of the working directory and of this source tree) whose content has the plan's ``scenario_hash``
    (plan.json); a plan without a hash matches on ``scenario_name``. The folder named like the plan folder
    is tried first. Raises ``ScenarioError`` when none matches (then name it: ``--scenario DIR``)."""
    if roots is None:
        source_tree = Path(__file__).resolve().parents[2]
        roots = [Path.cwd() / "data" / "scenarios", source_tree / "data" / "scenarios"]
    wanted_hash = plan.meta.get("scenario_hash")
    wanted_name = plan.meta.get("scenario_name")
    roots = list(dict.fromkeys(Path(r).resolve() for r in roots))
    for folder in _candidate_folders(Path(plan_dir), roots):
        try:
            scenario = load_scenario(folder)
        except ScenarioError:
            continue
        if wanted_hash and scenario_hash(scenario) == wanted_hash:
            return folder
        if not wanted_hash and wanted_name and scenario.name == wanted_name:
            return folder
    made_for = f" ('{wanted_name}')" if wanted_name else ""
    raise ScenarioError([Problem(str(Path(plan_dir) / "plan.json"),
                                 f"could not find the scenario folder this plan was made for{made_for} under "
                                 f"{', '.join(str(r) for r in roots)}; name it with --scenario DIR")],
                        unreadable=True)


__all__ = ["CALENDAR_FOLDER", "REPORT_NAME", "WORKBOOK_NAME", "export_plan", "find_scenario"]
