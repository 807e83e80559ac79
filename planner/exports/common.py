"""What every export says about a plan, worded once: places, teams, soft terms. Itineraries and kind labels
are the views' (``planner.views.plan_view.itinerary``, ``planner.views.i18n.kind_label``).

Nothing here reads ``Unavailability.reason`` (private): exports only ever see the plan, the engagements,
the fixed events and the people's ids and organisations.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from planner.core.calendar import site_of
from planner.core.model import Assignment, Engagement, Plan, Scenario
from planner.core.problems import Problem, ScenarioError
from planner.rules.scoring import TERM_LABELS, TermResult, evaluate
from planner.views.wording import place_parts


def safe_filename(identifier: str) -> str:
    """A file name made from an id: anything other than letters, digits, '.', '-' and '_' becomes '_'."""
    name = re.sub(r"[^A-Za-z0-9._-]", "_", identifier).strip(".")
    return name or "_"


def place_of(scenario: Scenario, engagement: Engagement, host: str) -> str:
    """Where an engagement takes place, in words: its ``place`` and the host's name ("Luanda, Angola")."""
    country = scenario.participant(host).name if host in scenario.participants_by_code else host
    place = engagement.place.strip()
    if not place:
        return country
    if country.lower() in place.lower():
        return place
    return f"{place}, {country}"


def location_of(scenario: Scenario, engagement: Engagement, host: str) -> tuple[str, bool]:
    """A calendar's LOCATION: city and country without the planners' "(assumed)" remark, and whether the
    place was marked assumed (the calendar says so once, in the description)."""
    place, assumed = place_parts(engagement.place)
    return place_of(scenario, replace(engagement, place=place), host), assumed


def coordinates_of(scenario: Scenario, host: str) -> tuple[float, float]:
    """The site's coordinates: the chosen host's capital (docs/scenario-format.md)."""
    return site_of(scenario, host)


def team_of(plan: Plan, engagement_id: str) -> list[Assignment]:
    """The team in a fixed order: the lead first, then members and attendees by id."""
    order = {"lead": 0, "member": 1, "attendee": 2}
    return sorted(plan.team(engagement_id), key=lambda a: (order.get(a.role, 9), a.reviewer_id))


def person_label(scenario: Scenario, reviewer_id: str) -> str:
    """A reviewer's id with their organisation, e.g. ``ZA-1 (ZA)``; ids only, never personal names."""
    reviewer = scenario.reviewers_by_id.get(reviewer_id)
    if reviewer is None or reviewer.organisation in reviewer_id:
        return reviewer_id
    return f"{reviewer_id} ({reviewer.organisation})"


def team_text(scenario: Scenario, plan: Plan, engagement_id: str) -> str:
    parts = []
    for a in team_of(plan, engagement_id):
        parts.append(f"{a.reviewer_id} ({a.role})" if a.role == "lead" else a.reviewer_id)
    return ", ".join(parts)


def date_range_text(start: date, end: date) -> str:
    days = (end - start).days + 1
    if start == end:
        return f"{start:%a %d %b %Y} (1 day)"
    return f"{start:%a %d %b} – {end:%a %d %b %Y} ({days} days)"


def check_plan_fits(scenario: Scenario, plan: Plan) -> None:
    """Raise ``ScenarioError`` when the plan names engagements, hosts or people the scenario does not know
    (a plan exported against the wrong scenario)."""
    engagements = scenario.engagements_by_id
    reviewers = scenario.reviewers_by_id
    hosts = scenario.participants_by_code
    problems: list[Problem] = []
    for o in plan.engagements:
        if o.engagement_id not in engagements:
            problems.append(Problem("engagements.csv", "expected an engagement id of the scenario",
                                    column="engagement_id", value=o.engagement_id))
        elif o.scheduled and o.host not in hosts:
            problems.append(Problem("engagements.csv", "expected a participant code of the scenario",
                                    column="host", value=o.host))
    for a in plan.assignments:
        if a.engagement_id not in engagements:
            problems.append(Problem("assignments.csv", "expected an engagement id of the scenario",
                                    column="engagement_id", value=a.engagement_id))
        if a.reviewer_id not in reviewers:
            problems.append(Problem("assignments.csv", "expected a reviewer id of the scenario",
                                    column="reviewer_id", value=a.reviewer_id))
    if problems:
        unique = list(dict.fromkeys(problems))
        unique.append(Problem("plan", f"the plan does not fit the scenario '{scenario.name}': export it with "
                              "the scenario it was made for"))
        raise ScenarioError(unique)


def soft_terms(scenario: Scenario, plan: Plan) -> list[TermResult]:
    """The plan's soft terms recomputed from its files; terms only the solve could know (``team_changes``,
    which needs the reference plan) are taken from plan.json."""
    terms = evaluate(scenario, plan)
    known = {t.name for t in terms}
    for stored in plan.meta.get("terms", []) or []:
        if isinstance(stored, dict) and stored.get("name") and stored["name"] not in known:
            terms.append(TermResult(str(stored["name"]), float(stored.get("value", 0)),
                                    float(stored.get("weight", 0)), list(stored.get("sentences", []))))
    return terms


def term_label(name: str) -> str:
    return TERM_LABELS.get(name, name.replace("_", " ").capitalize())
