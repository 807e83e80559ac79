"""The artisanal-mining cooperation of the regional approaches (Mano River Union, Central Africa) as tables and
figures (pure, no widgets): the engagements and fixed events in their countries, who travels to them, and which
trips chain with another engagement in the same region (kilometres saved). 04-regional-cooperation shows it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from planner.core.calendar import great_circle_km, home_of, km_between, trip_km
from planner.core.model import Assignment, Plan, Scenario
from planner.rules.scoring import best_chains
from planner.views.i18n import approach_label, participant_name
from planner.views.maps import plan_map
from planner.views.tables import day_text, home_name, joined, span_text


@dataclass
class RegionalView:
    """The artisanal-mining cooperation of the regional approaches, as tables and figures."""

    engagements: pd.DataFrame  # MRU / CA engagements and fixed events
    travellers: pd.DataFrame  # who travels where for them
    chains: pd.DataFrame  # trips that chain with another engagement in the same region
    summary: dict[str, float] = field(default_factory=dict)
    people: tuple[str, ...] = ()
    members: pd.DataFrame | None = None  # the participants of each approach

    def summary_text(self) -> str:
        s = self.summary
        return (f"{s['engagements']} regional-approach engagements and {s['events']} fixed events; "
                f"{s['people']} people travel {s['round_trip_km']:,} km in round trips from home for them. "
                f"{s['chains']} chain(s) with another engagement in the same region save "
                f"{s['km_saved']:,} km (about {s['co2_saved_tonnes']:,.1f} t CO2, an estimate).")


def _approach_of(scenario: Scenario, code: str) -> str:
    p = scenario.participants_by_code.get(code)
    return p.regional_approach if p else ""


def _event_participant(scenario: Scenario, lat: float, lon: float, within_km: float = 50.0) -> str:
    """The participant whose capital is at the event's place (fixed events name a place, not a host)."""
    best = min(scenario.participants, key=lambda p: great_circle_km(lat, lon, p.lat, p.lon))
    return best.code if great_circle_km(lat, lon, best.lat, best.lon) <= within_km else ""


def regional_view(scenario: Scenario, plan: Plan, approaches: tuple[str, ...] = ("MRU", "CA")) -> RegionalView:
    """The engagements and fixed events in countries of the regional approaches, who travels to them, and
    which of those trips chain with another engagement in the same region (``planner.rules.scoring.best_chains``:
    the kilometres saved by going straight from one to the next instead of two round trips from home)."""
    reviewers = scenario.reviewers_by_id
    outcomes = plan.outcomes_by_id
    rows, trips_out, event_rows = [], [], []
    regional_ids: set[str] = set()
    for e in scenario.engagements:
        o = outcomes.get(e.id)
        hosts = (o.host,) if o is not None and o.scheduled else e.hosts
        found = sorted({_approach_of(scenario, h) for h in hosts} & set(approaches))
        if not found:
            continue
        regional_ids.add(e.id)
        scheduled = o is not None and o.scheduled
        rows.append({"id": e.id, "what": e.title, "kind": e.kind.replace("_", " "),
                     "approach": ", ".join(approach_label(a) for a in found),
                     "where": participant_name(scenario, o.host) if scheduled
                     else " or ".join(participant_name(scenario, h) for h in e.hosts),
                     "dates": span_text(o.start, o.end) if scheduled else "left out",
                     "team": len(plan.team(e.id)) if scheduled else 0,
                     "status": "scheduled" if scheduled else (o.reason if o and o.reason else "left out")})
    for v in scenario.events:
        code = _event_participant(scenario, v.lat, v.lon)
        approach = _approach_of(scenario, code)
        if approach not in approaches:
            continue
        people = scenario.attendees_of(v.attendees)
        event_rows.append(v)
        rows.append({"id": v.id, "what": v.title, "kind": f"fixed {v.kind}",
                     "approach": approach_label(approach), "where": v.place,
                     "dates": span_text(v.start, v.end), "team": len(people), "status": "fixed (already dated)"})
        for rid in people:
            r = reviewers[rid]
            trips_out.append({"person": rid, "organisation": r.organisation,
                              "home": home_name(scenario, r),
                              "goes to": v.title, "where": v.place, "dates": span_text(v.start, v.end),
                              "role": "attends (fixed event)",
                              "round trip km": 2 * km_between(home_of(r), (v.lat, v.lon))})

    itineraries: dict[str, list[Assignment]] = {}
    for a in sorted(plan.assignments, key=lambda a: (a.reviewer_id, a.start, a.engagement_id)):
        if a.reviewer_id in reviewers:
            itineraries.setdefault(a.reviewer_id, []).append(a)
    chain_rows = []
    chained: dict[tuple[str, str], str] = {}
    engagements = scenario.engagements_by_id
    for rid, trips in itineraries.items():
        for a, b, saving in best_chains(scenario, reviewers[rid], trips):
            if a.engagement_id not in regional_ids and b.engagement_id not in regional_ids:
                continue
            chained[(rid, a.engagement_id)] = f"then {b.engagement_id}"
            chained[(rid, b.engagement_id)] = f"after {a.engagement_id}"
            chain_rows.append({"person": rid, "first": engagements[a.engagement_id].title,
                               "first dates": span_text(a.start, a.end),
                               "then": engagements[b.engagement_id].title, "then dates": span_text(b.start, b.end),
                               "free days between": (b.start - a.end).days - 1,
                               "region": scenario.participant(a.host).region, "km saved": saving})
    for rid, trips in itineraries.items():
        r = reviewers[rid]
        for a in trips:
            if a.engagement_id not in regional_ids:
                continue
            trips_out.append({"person": rid, "organisation": r.organisation,
                              "home": home_name(scenario, r),
                              "goes to": engagements[a.engagement_id].title,
                              "where": participant_name(scenario, a.host), "dates": span_text(a.start, a.end),
                              "role": a.role + (f" ({chained[(rid, a.engagement_id)]})"
                                                if (rid, a.engagement_id) in chained else ""),
                              "round trip km": trip_km(scenario, r, engagements[a.engagement_id], a.host)})
    travellers = pd.DataFrame(trips_out, columns=["person", "organisation", "home", "goes to", "where", "dates",
                                                  "role", "round trip km"])
    travellers = travellers.sort_values(["goes to", "person"]).reset_index(drop=True)
    chains = pd.DataFrame(chain_rows, columns=["person", "first", "first dates", "then", "then dates",
                                               "free days between", "region", "km saved"])
    saved = int(chains["km saved"].sum()) if len(chains) else 0
    summary = {
        "engagements": sum(1 for r in rows if not r["kind"].startswith("fixed")),
        "events": len(event_rows),
        "people": int(travellers["person"].nunique()) if len(travellers) else 0,
        "round_trip_km": int(travellers["round trip km"].sum()) if len(travellers) else 0,
        "chains": len(chains),
        "km_saved": saved,
        "co2_saved_tonnes": round(saved * scenario.rules.co2_kg_per_km / 1000, 1),
    }
    table = pd.DataFrame(rows, columns=["id", "what", "kind", "approach", "where", "dates", "team", "status"])
    members = pd.DataFrame(
        [{"approach": approach_label(p.regional_approach), "code": p.code, "name": p.name,
          "languages": joined(p.languages),
          "participant from": day_text(p.participant_from) if p.participant_from else "before the horizon",
          "reviewers in the pool": sum(1 for r in scenario.reviewers if scenario.reviewer_participant(r) == p.code)}
         for p in sorted(scenario.participants, key=lambda p: (p.regional_approach, p.name))
         if p.regional_approach in approaches],
        columns=["approach", "code", "name", "languages", "participant from", "reviewers in the pool"])
    return RegionalView(table.set_index("id"), travellers, chains, summary,
                        tuple(sorted(set(travellers["person"])) if len(travellers) else ()), members)


def regional_map(scenario: Scenario, plan: Plan):
    """The plan's engagements in Africa on the offline map (the regional approaches are shaded)."""
    return plan_map(scenario, plan, filters={"region": "Africa"})


__all__ = ["RegionalView", "regional_map", "regional_view"]
