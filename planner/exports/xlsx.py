"""The plan as an Excel workbook (pandas with openpyxl).

Sheets, in order:
  Summary       the plan's headline figures (plan quality, total penalty, engagements, people, km, CO2)
  Engagements   one row per engagement of the scenario: status, dates, host, place, lead, team, reason
  Teams         one row per person per scheduled engagement, with their role
  People        one row per reviewer: organisation, engagements, days away, kilometres
  Soft terms    the soft-term breakdown: value × weight = penalty, with the sentences that explain it
  Unscheduled   engagements left out, with the reason
  <reviewer id> one sheet per person with at least one engagement: their itinerary, fixed events included

Headers are words (in English or French: ``lang``, ``planner.views.i18n.heading``; cells in French too: kinds,
priorities, statuses, roles, titles from ``title_fr``, places and countries from CLDR), the header row is frozen
and filtered, columns are sized to their content and dates are Excel dates. Unavailability is not exported (its
periods and its private reasons stay out).

Scenario text is never a formula: the workbook has no formula by design, so every cell openpyxl would store as
one (a text starting with ``=``) is stored as text, and every text a spreadsheet could take for a formula when
someone edits the cell (starting with ``=``, ``+``, ``-``, ``@``, tab or CR: OWASP's CSV-injection list,
``planner.views.escape.looks_like_formula``) is marked as text with Excel's quote prefix, which is not part of
the value. Control characters that XML cannot hold are shown as their control pictures
(``planner.views.escape.visible_text``).
"""

from __future__ import annotations

import io
import os
import re
from datetime import date

import pandas as pd
from babel import Locale
from babel.numbers import format_decimal
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from planner.core.calendar import trip_km
from planner.core.costs import CostLine, plan_costs
from planner.core.model import Plan, Scenario, days_inclusive
from planner.exports.common import (
    coordinates_of,
    place_of,
    soft_terms,
    team_of,
    team_text,
    term_label,
)
from planner.io.atomic import atomic_write_bytes
from planner.rules.scoring import plan_kpis, total_penalty
from planner.views.escape import looks_like_formula, visible_text
from planner.views.i18n import HEADINGS_FR, date_range_label, heading, kind_label, participant_name, t
from planner.views.plan_view import itinerary
from planner.views.wording import (
    participant_place,
    place_in,
    place_of_item,
    plan_quality,
    scenario_title,
    title_in,
)

FIXED_SHEETS = ("Summary", "Engagements", "Teams", "People", "Soft terms", "Unscheduled", "Costs")
WRAP_COLUMNS = {"Team", "Reason", "Details", "Lead of"}
WRAP_COLUMNS |= {HEADINGS_FR[c] for c in WRAP_COLUMNS}  # the same columns in a French workbook
MAX_WIDTH = 60
HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")


def country_name(scenario: Scenario, code: str, lang: str = "en") -> str:
    """A participant's country in ``lang``: the scenario's English name, in French the CLDR name (babel),
    else the participant's French name (``participant_name``)."""
    english = scenario.participant(code).name if code in scenario.participants_by_code else code
    if lang == "en":
        return english
    return Locale.parse(lang).territories.get(code) or participant_name(scenario, code, lang)


def _word(value: str, lang: str) -> str:
    """A status or role word of a cell in ``lang`` ('scheduled' → 'programmé')."""
    return heading(value, lang)


def _priority(priority: str, lang: str) -> str:
    return t(f"priority_{priority}", lang) if lang != "en" else priority


def _summary(scenario: Scenario, plan: Plan, lang: str, costs: list[CostLine]) -> pd.DataFrame:
    kpis = plan_kpis(scenario, plan)
    meta = plan.meta or {}
    if lang == "en":
        horizon = f"{scenario.horizon_start:%d %b %Y} – {scenario.horizon_end:%d %b %Y}"
    else:
        horizon = date_range_label(scenario.horizon_start, scenario.horizon_end, lang)
    factor = format_decimal(scenario.rules.co2_kg_per_km, locale=lang)
    rows = [
        ("Scenario", scenario_title(scenario, lang)),  # its name; in French its period (the name is English)
        ("Horizon", horizon),
        ("Plan quality", plan_quality(meta, lang)),
        ("Total penalty (lower is better)", meta.get("objective")),
        ("Plan created (UTC)", meta.get("created", heading("not recorded (reproducible plan)", lang))),
        ("Engagements scheduled", kpis["engagements_scheduled"]),
        ("Engagements left out", kpis["engagements_unscheduled"]),
        ("Countries visited", kpis["countries_visited"]),
        ("People involved", kpis["people_involved"]),
        ("Kilometres travelled (after chaining)", kpis["travel_km"]),
        ("CO2 estimate, tonnes (at {factor} kg per km, an assumption)", kpis["co2_tonnes"]),
        ("Largest workload (engagements per person)", kpis["max_load"]),
        ("Estimated cost in {currency} (assumed fares and allowances)",
         round(sum(line.total for line in costs))),
    ]
    rows = [(heading(item, lang, factor=factor, currency=scenario.costs.currency), value) for item, value in rows]
    return pd.DataFrame(rows, columns=["Item", "Value"]).astype({"Value": object})


def _place(scenario: Scenario, e, host: str, lang: str) -> str:
    if lang == "en":
        return place_of(scenario, e, host)
    return participant_place(scenario, host, e.place, lang, place_of_item(scenario, lang, e.id))


def _engagements(scenario: Scenario, plan: Plan, lang: str = "en") -> pd.DataFrame:
    outcomes = plan.outcomes_by_id
    rows = []
    for e in scenario.engagements:
        o = outcomes.get(e.id)
        scheduled = o is not None and o.scheduled
        lat, lon = coordinates_of(scenario, o.host) if scheduled else (None, None)
        moved = (abs((o.start - e.published_start).days) if scheduled and e.published_start else None)
        rows.append({
            "ID": e.id, "Title": title_in(e, lang), "Kind": kind_label(e.kind, lang),
            "Priority": _priority(e.priority, lang),
            "Status": _word(o.status if o else "not in plan", lang),
            "Start": o.start if scheduled else None, "End": o.end if scheduled else None,
            "Days": days_inclusive(o.start, o.end) if scheduled else None,
            "Host": o.host if scheduled else "",
            "Host country": country_name(scenario, o.host, lang) if scheduled else "",
            "Place": _place(scenario, e, o.host, lang) if scheduled else place_in(e.place, lang),
            "Latitude": lat, "Longitude": lon,
            "Lead": (plan.lead(e.id) or "") if scheduled else "",
            "Team size": len(plan.team(e.id)) if scheduled else 0,
            "Team": team_text(scenario, plan, e.id) if scheduled else "",
            "Published start": e.published_start, "Days moved": moved,
            "Reason": "" if scheduled else (o.reason if o else heading("the plan does not mention it", lang)),
        })
    frame = pd.DataFrame(rows)
    return frame.sort_values(["Start", "ID"], na_position="last", key=_sortable).reset_index(drop=True)


def _sortable(column: pd.Series) -> pd.Series:
    if column.name == "Start":
        return column.map(lambda d: d.toordinal() if isinstance(d, date) else 10**9)
    return column


def _teams(scenario: Scenario, plan: Plan, lang: str = "en") -> pd.DataFrame:
    engagements = scenario.engagements_by_id
    reviewers = scenario.reviewers_by_id
    rows = []
    for o in sorted(plan.scheduled(), key=lambda o: (o.start, o.engagement_id)):
        e = engagements[o.engagement_id]
        for a in team_of(plan, o.engagement_id):
            r = reviewers[a.reviewer_id]
            rows.append({"Engagement ID": e.id, "Engagement": title_in(e, lang), "Start": a.start, "End": a.end,
                         "Host": a.host, "Reviewer": a.reviewer_id, "Organisation": r.organisation,
                         "Role": _word(a.role, lang), "Languages": ", ".join(r.languages)})
    return pd.DataFrame(rows, columns=["Engagement ID", "Engagement", "Start", "End", "Host", "Reviewer",
                                       "Organisation", "Role", "Languages"])


def _people(scenario: Scenario, plan: Plan) -> pd.DataFrame:
    rows = []
    for r in scenario.reviewers:
        mine = plan.of_reviewer(r.id)
        km = sum(trip_km(scenario, r, scenario.engagements_by_id[a.engagement_id], a.host) for a in mine)
        rows.append({"Reviewer": r.id, "Organisation": r.organisation, "Groups": ", ".join(r.groups),
                     "Engagements": len(mine), "Most engagements": r.max_engagements,
                     "Days away": sum(days_inclusive(a.start, a.end) for a in mine),
                     "Kilometres (round trips)": km,
                     "Lead of": ", ".join(a.engagement_id for a in mine if a.role == "lead")})
    return pd.DataFrame(rows)


def term_rows(scenario: Scenario, plan: Plan, lang: str = "en") -> list[dict]:
    """The soft-term breakdown, a row per term and the total; ``Details`` is the term's sentences (a tuple:
    a sentence may quote a title that has line breaks of its own)."""
    terms = soft_terms(scenario, plan)
    rows = [{"Term": t.name, "Description": term_label(t.name), "Value": t.value, "Weight": t.weight,
             "Penalty": round(t.penalty, 2), "Details": tuple(t.sentences)} for t in terms]
    rows.append({"Term": "total", "Description": heading("Total penalty (lower is better)", lang), "Value": None,
                 "Weight": None, "Penalty": round(total_penalty(terms), 2), "Details": ()})
    return rows


def _terms(scenario: Scenario, plan: Plan, lang: str = "en") -> pd.DataFrame:
    return pd.DataFrame([{**row, "Details": "\n".join(row["Details"])} for row in term_rows(scenario, plan, lang)])


def _costs(scenario: Scenario, lang: str, costs: list[CostLine]) -> pd.DataFrame:
    """The estimated cost of each scheduled engagement, one row per payer (planner.core.costs; assumptions)."""
    engagements = scenario.engagements_by_id
    rows = [{"Engagement ID": line.engagement_id, "Engagement": title_in(engagements[line.engagement_id], lang),
             "Payer": participant_name(scenario, line.payer, lang), "People": line.people,
             "Fares": round(line.fares), "Allowances": round(line.allowances), "Total": round(line.total)}
            for line in costs]
    return pd.DataFrame(rows, columns=["Engagement ID", "Engagement", "Payer", "People", "Fares", "Allowances",
                                       "Total"])


def _unscheduled(scenario: Scenario, plan: Plan, lang: str = "en") -> pd.DataFrame:
    outcomes = plan.outcomes_by_id
    rows = []
    for e in scenario.engagements:
        o = outcomes.get(e.id)
        if o is not None and o.scheduled:
            continue
        rows.append({"ID": e.id, "Title": title_in(e, lang), "Kind": kind_label(e.kind, lang),
                     "Priority": _priority(e.priority, lang),
                     "Earliest start": e.earliest_start, "Latest end": e.latest_end,
                     "Duration (days)": e.duration_days,
                     "Reason": (o.reason or heading("no reason recorded", lang)) if o
                     else heading("the plan does not mention it", lang)})
    return pd.DataFrame(rows, columns=["ID", "Title", "Kind", "Priority", "Earliest start", "Latest end",
                                       "Duration (days)", "Reason"])


def itinerary_frame(scenario: Scenario, plan: Plan, reviewer_id: str, lang: str = "en") -> pd.DataFrame:
    """One person's itinerary sheet: engagements and fixed events in date order
    (``planner.views.plan_view.itinerary``; unavailability is never part of it)."""
    engagements = scenario.engagements_by_id
    stops = itinerary(scenario, plan, [reviewer_id])
    rows = []
    for i, s in enumerate(stops):
        following = stops[i + 1] if i + 1 < len(stops) else None
        if s.engagement_id:
            kind, role = kind_label(s.kind, lang), _word(s.role, lang)
            place = _place(scenario, engagements[s.engagement_id], s.host, lang)
            what = title_in(engagements[s.engagement_id], lang)
        else:
            fixed = "fixed event" if lang == "en" else t("fixed_event", lang).lower()
            kind, role = f"{kind_label(s.kind, lang)} ({fixed})", _word("attendee", lang)
            place = place_in(s.place, lang, place_of_item(scenario, lang, "", s.event_id))
            event = next((v for v in scenario.events if v.id == s.event_id), None)
            what = title_in(event, lang) if event is not None else s.title
        rows.append({"Start": s.start, "End": s.end, "Days": days_inclusive(s.start, s.end), "What": what,
                     "Kind": kind, "Place": place, "Role": role, "ID": s.engagement_id or s.event_id,
                     "Km from home": s.km_from_home,
                     "Free days until next": (following.start - s.end).days - 1 if following else None})
    return pd.DataFrame(rows, columns=["Start", "End", "Days", "What", "Kind", "Place", "Role", "ID",
                                       "Km from home", "Free days until next"])


def _sheet_name(identifier: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name (at most 31 characters, none of []:*?/\\)."""
    base = re.sub(r"[\[\]:*?/\\]", "_", visible_text(identifier)).strip("'")[:31] or "person"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def _format(sheet, frame: pd.DataFrame) -> None:
    """Readable headers, frozen and filtered header row, widths from the content, dates as dates."""
    sheet.freeze_panes = "A2"
    if len(frame.columns):
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(frame.columns))}{max(2, len(frame) + 1)}"
    for index, column in enumerate(frame.columns, start=1):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index)
        header.font = Font(bold=True)
        header.fill = HEADER_FILL
        header.alignment = Alignment(vertical="center", wrap_text=True)
        values = frame[column].tolist()
        is_date = any(isinstance(v, date) for v in values)
        longest = max([len(str(column))] + [max((len(line) for line in str(v).split("\n")), default=0)
                                            for v in values if v is not None and not _missing(v)])
        width = 12 if is_date else min(MAX_WIDTH, longest + 2)
        sheet.column_dimensions[letter].width = max(8, width)
        # numbers sit right with a space before the column's edge, so "6" never touches the next column's
        # "RU" (a number's width is not the text's: the column is as wide as its longest value plus two)
        is_number = not is_date and _numeric(values)
        if is_number:
            header.alignment = Alignment(horizontal="right", vertical="center", wrap_text=True, indent=1)
        for row in range(2, len(frame) + 2):
            cell = sheet.cell(row=row, column=index)
            if is_date:
                cell.number_format = "yyyy-mm-dd"
            if is_number or (isinstance(cell.value, int | float) and not isinstance(cell.value, bool)):
                cell.alignment = Alignment(horizontal="right", vertical="top", indent=1)
                if isinstance(cell.value, int) and not isinstance(cell.value, bool):
                    cell.number_format = "#,##0"
            elif column in WRAP_COLUMNS or longest > MAX_WIDTH or (isinstance(cell.value, str)
                                                                    and "\n" in cell.value):
                cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True, indent=1)
            else:
                cell.alignment = Alignment(horizontal="left", vertical="top", indent=1)
    _print_setup(sheet)


def _numeric(values: list) -> bool:
    """A column of numbers (blanks allowed, at least one number)."""
    present = [v for v in values if v is not None and not _missing(v)]
    return bool(present) and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present)


def _print_setup(sheet) -> None:
    """Print on A4 landscape, every column on one page's width (as many pages down as it takes), the header
    row repeated on every page, the sheet's name and the page number in the margins."""
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # 0: no limit downwards
    sheet.print_title_rows = "1:1"
    sheet.print_options.gridLines = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.oddHeader.center.text = "&A"  # the sheet's name
    sheet.oddFooter.center.text = "&P / &N"


def _as_text(value):
    """Cell values with text that XML can hold (other values unchanged)."""
    return visible_text(value) if isinstance(value, str) else value


def _text_not_formula(sheet) -> None:
    """Store scenario text as text, never as a formula (module docstring)."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":  # openpyxl's guess for a text starting with '='; we write no formula
                cell.data_type = "s"
            if looks_like_formula(cell.value):
                cell.quotePrefix = True


def _missing(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def sheet_frames(scenario: Scenario, plan: Plan, lang: str = "en") -> dict[str, pd.DataFrame]:
    """Every sheet as a data frame with English sheet and column names (the report reads them by name) and
    cells in ``lang``; :func:`workbook_sheets` gives them their headings in ``lang``."""
    costs = plan_costs(scenario, plan)  # the summary's total and the Costs sheet: one computation
    sheets = {
        "Summary": _summary(scenario, plan, lang, costs),
        "Engagements": _engagements(scenario, plan, lang),
        "Teams": _teams(scenario, plan, lang),
        "People": _people(scenario, plan),
        "Soft terms": _terms(scenario, plan, lang),
        "Unscheduled": _unscheduled(scenario, plan, lang),
        "Costs": _costs(scenario, lang, costs),
    }
    taken = {heading(name, lang).lower() for name in sheets} | {name.lower() for name in sheets}
    for r in sorted(scenario.reviewers, key=lambda r: r.id):
        if plan.of_reviewer(r.id):
            sheets[_sheet_name(r.id, taken)] = itinerary_frame(scenario, plan, r.id, lang)
    return sheets


def workbook_sheets(scenario: Scenario, plan: Plan, lang: str = "en") -> dict[str, pd.DataFrame]:
    """Every sheet of the workbook as a data frame, in order (sheet name → frame), headings in ``lang``
    ('en' or 'fr': sheet names, column headers, summary items and status words)."""
    return {(heading(name, lang) if name in FIXED_SHEETS else name):
            frame.rename(columns=lambda c: heading(c, lang))
            for name, frame in sheet_frames(scenario, plan, lang).items()}


def workbook_bytes(scenario: Scenario, plan: Plan, lang: str = "en") -> bytes:
    """The .xlsx file's content (for a download button or an e-mail), in ``lang``."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl", date_format="yyyy-mm-dd",
                        datetime_format="yyyy-mm-dd") as writer:
        for name, frame in workbook_sheets(scenario, plan, lang).items():
            frame = frame.map(_as_text)
            frame.to_excel(writer, sheet_name=name, index=False)
            _format(writer.sheets[name], frame)
            _text_not_formula(writer.sheets[name])
        book = writer.book
        book.properties.title = visible_text(f"KP plan – {scenario.name}" if lang == "en"
                                             else heading("KP plan — {scenario}", lang, scenario=scenario.name))
        book.properties.creator = "kp-plan export"
    return buffer.getvalue()


def write_workbook(scenario: Scenario, plan: Plan, path: str | os.PathLike, lang: str = "en") -> None:
    """Write the workbook to ``path`` atomically (a reader never sees half a file), in ``lang``."""
    atomic_write_bytes(path, workbook_bytes(scenario, plan, lang))
