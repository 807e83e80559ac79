"""The coordinators' tables (pandas DataFrames, no widgets): people, the fixed calendar, engagements, teams with
leads, engagements left out with their reasons, the soft-term breakdown, validation problems; and a solve in
words (``result_summary``).

Coordinators see private unavailability *reasons* in their own notebooks (``people_table(show_reasons=True)``);
dashboards and exports never show them. ``planner.apps.notebook`` displays these tables; the tests call them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import pandas as pd

from planner.core.costs import plan_costs, totals_by_payer
from planner.core.model import Plan, Scenario
from planner.engine.solve import SolveResult, bound_text
from planner.rules.scoring import TERM_LABELS, TermResult, total_penalty
from planner.views.i18n import participant_name


def day_text(day: date | None) -> str:
    """A day in words for coordinators' tables ("Mon 24 Sep 2018"); empty for no day."""
    return "" if day is None else f"{day:%a %d %b %Y}"


def span_text(start: date | None, end: date | None) -> str:
    """An inclusive period, e.g. "24 Sep–28 Sep 2018"; empty when a day is missing."""
    if start is None or end is None:
        return ""
    return f"{start:%d %b}–{end:%d %b %Y}"


def joined(values: Iterable[str]) -> str:
    """Values separated by commas."""
    return ", ".join(values)


def home_name(scenario: Scenario, reviewer) -> str:
    """Where a reviewer travels from, in words: a participant, an EU member state, or coordinates."""
    if not reviewer.home:
        return f"{reviewer.home_lat:.2f}/{reviewer.home_lon:.2f}"
    if reviewer.home in scenario.participants_by_code:
        return scenario.participant(reviewer.home).name
    owner = scenario.participant_of_country(reviewer.home)
    return f"{reviewer.home} ({participant_name(scenario, owner)})" if owner else reviewer.home


def people_table(scenario: Scenario, *, show_reasons: bool = True) -> pd.DataFrame:
    """One row per reviewer. ``show_reasons``: add the private reasons of unavailability (coordinators only:
    never pass this table to a stakeholder output)."""
    periods: dict[str, list[str]] = {}
    for u in sorted(scenario.unavailability, key=lambda u: (u.reviewer, u.start)):
        text = span_text(u.start, u.end)
        if show_reasons and u.reason:
            text += f" ({u.reason})"
        periods.setdefault(u.reviewer, []).append(text)
    rows = []
    for r in scenario.reviewers:
        origin = scenario.reviewer_participant(r)
        rows.append({
            "id": r.id,
            "organisation": r.organisation,
            "role": "government reviewer" if r.is_government else f"{r.organisation} observer",
            "from": participant_name(scenario, origin) if origin else "",
            "lead-eligible": "yes" if r.lead_eligible else "",
            "languages": joined(r.languages),
            "expertise": joined(r.expertise),
            "groups": joined(g for g in r.groups if g != "lead-eligible"),
            "max engagements": r.max_engagements,
            "unavailable": "; ".join(periods.get(r.id, [])),
        })
    return pd.DataFrame(rows).set_index("id")


def calendar_table(scenario: Scenario) -> pd.DataFrame:
    """The fixed calendar: fixed events (ASM18, the plenary …) and the periods the rules keep free."""
    rows = []
    for v in scenario.events:
        people = scenario.attendees_of(v.attendees)
        rows.append({"what": v.title, "kind": v.kind, "place": v.place, "from": v.start, "to": v.end,
                     "days": (v.end - v.start).days + 1,
                     "who": f"{joined(v.attendees)} ({len(people)} people)"})
    plenary = scenario.plenary()
    lead = scenario.rules.report_lead_time_days
    if plenary is not None and lead > 0:
        kinds = ", ".join(k.replace("_", " ") + "s" for k in scenario.rules.report_lead_time_kinds)
        rows.append({"what": f"Report lead time: no {kinds} before the plenary", "kind": "rule", "place": "",
                     "from": plenary.start - timedelta(days=lead), "to": plenary.start - timedelta(days=1),
                     "days": lead, "who": "(a rule of scenario.yaml)"})
    table = pd.DataFrame(rows).sort_values(["from", "to"]).reset_index(drop=True)
    table["from"] = table["from"].map(day_text)
    table["to"] = table["to"].map(day_text)
    return table


def engagements_table(scenario: Scenario) -> pd.DataFrame:
    """The engagements to schedule, with their windows, priorities and needs."""
    rows = []
    for e in scenario.engagements:
        low, high = scenario.team_bounds(e)
        rows.append({
            "id": e.id, "title": e.title, "kind": e.kind.replace("_", " "),
            "host(s)": joined(participant_name(scenario, h) for h in e.hosts),
            "days": e.duration_days, "window": span_text(e.earliest_start, e.latest_end), "priority": e.priority,
            "team": f"{low}–{high}", "attendees": joined(e.attendees), "languages": joined(e.languages),
            "expertise": joined(e.expertise), "pinned start": day_text(e.pinned_start),
            "published start": day_text(e.published_start),
        })
    return pd.DataFrame(rows).set_index("id")


def teams_table(scenario: Scenario, plan: Plan) -> pd.DataFrame:
    """Scheduled engagements in date order: dates, host, lead and the rest of the team."""
    engagements = scenario.engagements_by_id
    rows = []
    for o in sorted(plan.scheduled(), key=lambda o: (o.start, o.engagement_id)):
        e = engagements.get(o.engagement_id)
        team = plan.team(o.engagement_id)
        lead = plan.lead(o.engagement_id)
        others = sorted(a.reviewer_id for a in team if a.reviewer_id != lead)
        rows.append({"id": o.engagement_id, "title": e.title if e else o.engagement_id,
                     "dates": span_text(o.start, o.end), "host": participant_name(scenario, o.host),
                     "lead": lead or "", "members": joined(others),
                     "size": len(team)})
    columns = ["id", "title", "dates", "host", "lead", "members", "size"]
    return pd.DataFrame(rows, columns=columns).set_index("id")


def unscheduled_table(scenario: Scenario, plan: Plan) -> pd.DataFrame:
    """Engagements the plan leaves out, with their priority and the reason in a sentence."""
    engagements = scenario.engagements_by_id
    rows = [{"id": o.engagement_id, "title": engagements[o.engagement_id].title,
             "priority": engagements[o.engagement_id].priority, "reason": o.reason or "(no reason recorded)"}
            for o in plan.engagements if not o.scheduled and o.engagement_id in engagements]
    return pd.DataFrame(rows, columns=["id", "title", "priority", "reason"]).set_index("id")


def terms_table(terms: Iterable[TermResult]) -> pd.DataFrame:
    """The soft-term breakdown: what each term measures, its value, weight, penalty and explanation."""
    terms = list(terms)
    rows = [{"term": TERM_LABELS.get(t.name, t.name), "key": t.name, "value": t.value, "weight": t.weight,
             "penalty": round(t.penalty, 2),
             "explanation": "; ".join(t.sentences[:4]) + (" …" if len(t.sentences) > 4 else "")}
            for t in terms]
    rows.append({"term": "Total (recomputed from the plan)", "key": "", "value": None, "weight": None,
                 "penalty": round(total_penalty(terms), 2), "explanation": ""})
    return pd.DataFrame(rows).set_index("term")


def validation_table(report) -> pd.DataFrame:
    """``planner.validate_scenario``'s problems as a table (empty when the scenario is valid)."""
    return pd.DataFrame([{"file": p.file, "row": p.row, "column": p.column, "value": p.value,
                          "expected": p.expected} for p in report.problems],
                        columns=["file", "row", "column", "value", "expected"])


def costs_table(scenario: Scenario, plan: Plan) -> pd.DataFrame:
    """Estimated cost of each scheduled engagement, one row per payer (all figures assumptions:
    scenario.yaml ``costs``)."""
    engagements = scenario.engagements_by_id
    rows = [{"engagement": engagements[line.engagement_id].title, "payer": participant_name(scenario, line.payer),
             "people": line.people, "fares": round(line.fares), "allowances": round(line.allowances),
             f"total ({scenario.costs.currency})": round(line.total)}
            for line in plan_costs(scenario, plan)]
    return pd.DataFrame(rows, columns=["engagement", "payer", "people", "fares", "allowances",
                                       f"total ({scenario.costs.currency})"])


def costs_text(scenario: Scenario, plan: Plan) -> str:
    """The estimated cost in one sentence, by payer, labelled as the estimate it is."""
    totals = totals_by_payer(plan_costs(scenario, plan))
    if not totals:
        return "Estimated cost: nothing scheduled."
    currency = scenario.costs.currency
    payers = ", ".join(f"{participant_name(scenario, payer)} {total:,.0f}" for payer, total in list(totals.items())[:6])
    more = f" and {len(totals) - 6} more" if len(totals) > 6 else ""
    return (f"Estimated cost {sum(totals.values()):,.0f} {currency} (assumed fares by distance and a daily "
            f"allowance of {scenario.costs.daily_allowance:,.0f}): {payers}{more}.")


def result_summary(result: SolveResult) -> str:
    """One paragraph about a solve, in words: what is scheduled, the cost and how sure it is."""
    if result.plan is None:
        return " ".join([result.quality(), *result.diagnosis])
    scheduled = len(result.plan.scheduled())
    total = len(result.plan.engagements)
    stop = " The solve was stopped by hand; this is the best plan found until then." if result.stopped else ""
    return (f"{scheduled} of {total} engagements scheduled; {bound_text(result.objective, result.bound, result.gap)}"
            f" (lower is better), after {result.runtime_s:.1f} s. {result.quality()}{stop}")


__all__ = ["calendar_table", "costs_table", "costs_text", "day_text", "engagements_table", "home_name", "joined",
           "people_table", "result_summary", "span_text", "teams_table", "terms_table", "unscheduled_table",
           "validation_table"]
