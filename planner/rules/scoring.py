"""Scores a plan from its files alone: every soft term's value, penalty and plain sentences.

This is the single definition of the soft terms that the solver reports after a solve and that
``planner.check`` recomputes; the CP-SAT model in ``planner.engine.model`` encodes the same definitions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from planner.core.calendar import home_of, km_between, site_of, weekday_penalty
from planner.core.languages import language_list
from planner.core.model import PRIORITIES, Assignment, Plan, Reviewer, Scenario


@dataclass
class TermResult:
    name: str
    value: float
    weight: float
    sentences: list[str] = field(default_factory=list)

    @property
    def penalty(self) -> float:
        return self.value * self.weight

    def as_dict(self) -> dict:
        return {"name": self.name, "value": self.value, "weight": self.weight,
                "penalty": round(self.penalty, 6), "sentences": list(self.sentences)}


TERM_LABELS = {
    "unscheduled_high": "High-priority engagements left out",
    "unscheduled_normal": "Normal-priority engagements left out",
    "unscheduled_low": "Low-priority engagements left out",
    "max_load": "Largest workload (engagements per person)",
    "load_spread": "Workload spread (busiest minus least busy)",
    "travel_km": "Kilometres travelled (round trips from home)",
    "chain_credit_km": "Kilometres saved by chaining engagements in one region",
    "lead_language": "Review visits whose lead speaks no language of the host",
    "regional_peer": "Review visits without a peer from the host's region",
    "moved_days": "Days moved away from published dates",
    "team_changes": "People added to or removed from published teams",
    "weekday_start": "Engagements not starting on a preferred weekday",
}


def _itineraries(scenario: Scenario, plan: Plan) -> dict[str, list[Assignment]]:
    result: dict[str, list[Assignment]] = {}
    for a in sorted(plan.assignments, key=lambda a: (a.reviewer_id, a.start, a.engagement_id)):
        result.setdefault(a.reviewer_id, []).append(a)
    return result


def chain_saving_km(scenario: Scenario, reviewer: Reviewer, host_a: str, host_b: str) -> int:
    """Kilometres saved by home→A→B→home instead of two round trips; 0 when A and B are in other regions."""
    if scenario.participant(host_a).region != scenario.participant(host_b).region:
        return 0
    home, a, b = home_of(reviewer), site_of(scenario, host_a), site_of(scenario, host_b)
    return max(0, km_between(home, a) + km_between(home, b) - km_between(a, b))


def best_chains(scenario: Scenario, reviewer: Reviewer,
                trips: list[Assignment]) -> list[tuple[Assignment, Assignment, int]]:
    """The chains that save the most kilometres: each engagement followed by at most one, preceded by at most
    one, the next starting 0..chain_max_gap_days free days after the previous ends (a small exact search)."""
    gap = scenario.rules.chain_max_gap_days
    edges = []
    for i, a in enumerate(trips):
        for j, b in enumerate(trips):
            free_days = (b.start - a.end).days - 1
            if i != j and 0 <= free_days <= gap:
                saving = chain_saving_km(scenario, reviewer, a.host, b.host)
                if saving > 0:
                    edges.append((i, j, saving))
    best: tuple[int, list] = (0, [])

    def search(k: int, used_out: frozenset, used_in: frozenset, total: int, chosen: list) -> None:
        nonlocal best
        if total > best[0]:
            best = (total, list(chosen))
        for index in range(k, len(edges)):
            i, j, saving = edges[index]
            if i not in used_out and j not in used_in:
                chosen.append(edges[index])
                search(index + 1, used_out | {i}, used_in | {j}, total + saving, chosen)
                chosen.pop()

    search(0, frozenset(), frozenset(), 0, [])
    return [(trips[i], trips[j], s) for i, j, s in best[1]]


def evaluate(scenario: Scenario, plan: Plan, reference: Plan | None = None) -> list[TermResult]:
    """Every soft term of ``plan``, in a fixed order, with sentences that name engagements and people."""
    w = scenario.weights
    engagements = scenario.engagements_by_id
    reviewers = scenario.reviewers_by_id
    outcomes = plan.outcomes_by_id
    terms: list[TermResult] = []

    for priority in PRIORITIES[1:]:
        left_out = [e for e in scenario.engagements if e.priority == priority
                    and not (outcomes.get(e.id) and outcomes[e.id].scheduled)]
        terms.append(TermResult(f"unscheduled_{priority}", len(left_out), w[f"unscheduled_{priority}"],
                                [f"{e.title} is not scheduled" + (f": {outcomes[e.id].reason}"
                                                                   if e.id in outcomes and outcomes[e.id].reason
                                                                   else "") for e in left_out]))

    loads = {r.id: 0 for r in scenario.reviewers if r.max_engagements > 0}
    for a in plan.assignments:
        if a.reviewer_id in loads:
            loads[a.reviewer_id] += 1
    if loads:
        high, low = max(loads.values()), min(loads.values())
        busiest = sorted(rid for rid, n in loads.items() if n == high)
        terms.append(TermResult("max_load", high, w["max_load"],
                                [f"{', '.join(busiest[:8])}{' …' if len(busiest) > 8 else ''} "
                                 f"take{'s' if len(busiest) == 1 else ''} {high} engagement(s)"]))
        terms.append(TermResult("load_spread", high - low, w["load_spread"],
                                [f"loads range from {low} to {high} engagements per person"]))

    itineraries = _itineraries(scenario, plan)
    total_km, credit_km = 0, 0
    km_sentences, chain_sentences = [], []
    per_person = []
    for rid, trips in itineraries.items():
        r = reviewers[rid]
        km = sum(2 * km_between(home_of(r), site_of(scenario, a.host)) for a in trips)
        total_km += km
        per_person.append((km, rid, len(trips)))
        for a, b, saving in best_chains(scenario, r, trips):
            credit_km += saving
            chain_sentences.append(f"{rid} goes from {engagements[a.engagement_id].title} straight on to "
                                   f"{engagements[b.engagement_id].title}, saving {saving:,} km")
    for km, rid, n in sorted(per_person, reverse=True)[:5]:
        km_sentences.append(f"{rid} travels {km:,} km for {n} engagement(s)")
    co2 = scenario.rules.co2_kg_per_km
    km_sentences.insert(0, f"{total_km:,} km in all before chaining, {total_km - credit_km:,} km after; "
                           f"about {(total_km - credit_km) * co2 / 1000:,.1f} t CO2 at {co2} kg per km "
                           "(an assumption)")
    terms.append(TermResult("travel_km", total_km, w["travel_km"], km_sentences))
    if w.get("chain_credit_km", 0) > 0:
        terms.append(TermResult("chain_credit_km", -credit_km, w["chain_credit_km"], chain_sentences))

    lead_misses, peer_misses = [], []
    for o in plan.scheduled():
        e = engagements[o.engagement_id]
        if not e.is_review_visit:
            continue
        host = scenario.participant(o.host)
        lead_id = plan.lead(e.id)
        if lead_id and not set(host.languages) & set(reviewers[lead_id].languages):
            spoken = language_list(host.languages) or "the host's language"
            lead_misses.append(f"{e.title}: the lead {lead_id} speaks no {spoken}")
        peers = [a.reviewer_id for a in plan.team(e.id)
                 if reviewers[a.reviewer_id].is_government
                 and _region(scenario, reviewers[a.reviewer_id]) == host.region]
        if not peers:
            peer_misses.append(f"{e.title}: no government reviewer from {host.region} on the team")
    terms.append(TermResult("lead_language", len(lead_misses), w["lead_language"], lead_misses))
    terms.append(TermResult("regional_peer", len(peer_misses), w["regional_peer"], peer_misses))

    moved, moved_sentences = 0, []
    for e in scenario.engagements:
        o = outcomes.get(e.id)
        if e.published_start is not None and o is not None and o.scheduled and o.start != e.published_start:
            days = abs((o.start - e.published_start).days)
            moved += days
            moved_sentences.append(f"{e.title} moves {days} day(s) from {e.published_start:%d %b} to "
                                   f"{o.start:%d %b}")
    terms.append(TermResult("moved_days", moved, w["moved_days"], moved_sentences))

    if reference is not None:
        terms.append(team_changes(scenario, plan, reference))

    if scenario.rules.preferred_start_weekdays:
        off = [o for o in plan.scheduled() if weekday_penalty(scenario, o.start)]
        terms.append(TermResult("weekday_start", len(off), w["weekday_start"],
                                [f"{engagements[o.engagement_id].title} starts on a {o.start:%A}" for o in off]))
    return terms


def team_changes(scenario: Scenario, plan: Plan, reference: Plan) -> TermResult:
    """People added to or removed from the teams of engagements that the reference plan schedules, plus
    review visits whose reference lead no longer leads them."""
    engagements = scenario.engagements_by_id
    before = {(a.engagement_id, a.reviewer_id) for a in reference.assignments}
    after = {(a.engagement_id, a.reviewer_id) for a in plan.assignments}
    scheduled_before = {o.engagement_id for o in reference.scheduled() if o.engagement_id in engagements}
    removed = sorted(k for k in before - after if k[0] in scheduled_before)
    added = sorted(k for k in after - before if k[0] in scheduled_before)
    sentences = [f"{rid} leaves {engagements[eid].title}" for eid, rid in removed]
    sentences += [f"{rid} joins {engagements[eid].title}" for eid, rid in added]
    lead_changes = 0
    for eid in sorted(scheduled_before):
        lead_before, lead_after = reference.lead(eid), plan.lead(eid)
        if lead_before is not None and lead_after != lead_before:
            lead_changes += 1
            sentences.append(f"{engagements[eid].title} is no longer led by {lead_before}"
                             + (f" but by {lead_after}" if lead_after else ""))
    return TermResult("team_changes", len(removed) + len(added) + lead_changes, scenario.weights["team_changes"],
                      sentences)


def _region(scenario: Scenario, reviewer: Reviewer) -> str | None:
    code = scenario.reviewer_participant(reviewer)
    return scenario.participant(code).region if code else None


def total_penalty(terms: list[TermResult]) -> float:
    return round(sum(t.penalty for t in terms), 6)


def plan_kpis(scenario: Scenario, plan: Plan) -> dict[str, float]:
    """Headline figures of a plan (dashboards, plan comparison)."""
    terms = {t.name: t for t in evaluate(scenario, plan)}
    gross = terms["travel_km"].value
    credit = -terms["chain_credit_km"].value if "chain_credit_km" in terms else 0
    scheduled = plan.scheduled()
    hosts = {o.host for o in scheduled}
    return {
        "engagements_scheduled": len(scheduled),
        "engagements_unscheduled": len(plan.engagements) - len(scheduled),
        "countries_visited": len(hosts),
        "people_involved": len({a.reviewer_id for a in plan.assignments}),
        "travel_km": gross - credit,
        "co2_tonnes": round((gross - credit) * scenario.rules.co2_kg_per_km / 1000, 1),
        "max_load": terms["max_load"].value if "max_load" in terms else 0,
    }

