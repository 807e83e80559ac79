"""Soft terms ``travel_km`` and ``chain_credit_km``: kilometres travelled, each engagement a trip from home to its
sites in order and back (one site: the host's capital; several: sites.csv), and a credit for chaining two
engagements in one region — the next starting at most ``chain_max_gap_days`` free days after the previous ends —
instead of flying home in between (home→A→B→home instead of two round trips). One module because the model
encodes both with the same leg variables.
"""

from __future__ import annotations

from datetime import timedelta
from itertools import combinations

from planner.core.calendar import arrival_site, departure_site, home_of, km_between, site_legs_km, trip_km
from planner.core.model import Assignment, Engagement, Plan, Reviewer, Scenario
from planner.rules.base import Match, ModelContext, ModelTerm, SoftTerm, TermResult
from planner.rules.names import TermName

# Subtour cuts on the chain credit (_subtour_cuts): sets of up to this many engagements of one person; up to 3
# when a person could chain among more than SUBTOUR_MAX_NODES engagements (keeps large models small).
SUBTOUR_MAX_SET = 6
SUBTOUR_MAX_NODES = 12


def chain_saving_km(scenario: Scenario, reviewer: Reviewer, a: Engagement, host_a: str, b: Engagement,
                    host_b: str) -> int:
    """Kilometres saved by home→A→B→home instead of two round trips (from A's last site straight to B's first);
    0 when A and B are in other regions."""
    if scenario.participant(host_a).region != scenario.participant(host_b).region:
        return 0
    home, leave_a, reach_b = home_of(reviewer), departure_site(scenario, a, host_a), arrival_site(scenario, b, host_b)
    return max(0, km_between(leave_a, home) + km_between(home, reach_b) - km_between(leave_a, reach_b))


def best_chains(scenario: Scenario, reviewer: Reviewer,
                trips: list[Assignment]) -> list[tuple[Assignment, Assignment, int]]:
    """The chains that save the most kilometres: each engagement followed by at most one, preceded by at most
    one, the next starting 0..chain_max_gap_days free days after the previous ends (a small exact search)."""
    gap = scenario.rules.chain_max_gap_days
    engagements = scenario.engagements_by_id
    edges = []
    for i, a in enumerate(trips):
        for j, b in enumerate(trips):
            free_days = (b.start - a.end).days - 1
            if i != j and 0 <= free_days <= gap:
                saving = chain_saving_km(scenario, reviewer, engagements[a.engagement_id], a.host,
                                         engagements[b.engagement_id], b.host)
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


class Travel(SoftTerm):
    names = (TermName.TRAVEL_KM, TermName.CHAIN_CREDIT_KM)
    labels = {
        TermName.TRAVEL_KM: "Kilometres travelled (round trips from home)",
        TermName.CHAIN_CREDIT_KM: "Kilometres saved by chaining engagements in one region",
    }
    order = 30

    def add_to_model(self, m: ModelContext) -> list[ModelTerm]:
        return _add_travel(m)

    def evaluate(self, scenario: Scenario, plan: Plan, reference: Plan | None) -> list[TermResult]:
        engagements, reviewers = scenario.engagements_by_id, scenario.reviewers_by_id
        itineraries: dict[str, list[Assignment]] = {}
        for a in sorted(plan.assignments, key=lambda a: (a.reviewer_id, a.start, a.engagement_id)):
            itineraries.setdefault(a.reviewer_id, []).append(a)
        total_km, credit_km = 0, 0
        km_matches, chain_matches = [], []
        for rid, trips in itineraries.items():
            r = reviewers[rid]
            km = sum(trip_km(scenario, r, engagements[a.engagement_id], a.host) for a in trips)
            total_km += km
            km_matches.append(Match(km, f"{rid} travels {km:,} km for {len(trips)} engagement(s)", reviewer_id=rid))
            for a, b, saving in best_chains(scenario, r, trips):
                credit_km += saving
                chain_matches.append(Match(-saving, f"{rid} goes from {engagements[a.engagement_id].title} "
                                           f"straight on to {engagements[b.engagement_id].title}, saving "
                                           f"{saving:,} km", a.engagement_id, rid))
        co2 = scenario.rules.co2_kg_per_km
        top = sorted(km_matches, key=lambda x: (x.amount, x.reviewer_id), reverse=True)[:5]
        sentences = [f"{total_km:,} km in all before chaining, {total_km - credit_km:,} km after; about "
                     f"{(total_km - credit_km) * co2 / 1000:,.1f} t CO2 at {co2} kg per km (an assumption)"]
        terms = [TermResult("travel_km", total_km, scenario.weights["travel_km"],
                            sentences + [x.sentence for x in top], km_matches)]
        if scenario.weights.get("chain_credit_km", 0) > 0:
            terms.append(TermResult("chain_credit_km", -credit_km, scenario.weights["chain_credit_km"],
                                    [x.sentence for x in chain_matches], chain_matches))
        return terms


TERM = Travel()


# --- the model's encoding ---------------------------------------------------------------------------------


def _add_travel(m) -> list[ModelTerm]:
    """Soft terms: kilometres travelled, each engagement a round trip from home (``travel_km``), and a
    credit for chaining two engagements in one region within ``chain_max_gap_days`` instead of flying
    home in between (``chain_credit_km``: home→A→B→home instead of two round trips).

    Encoded without negative costs: every trip has an inbound and an outbound leg; a chain replaces the
    outbound leg of A and the inbound leg of B by the hop A→B. Then gross km = legs + credit, and the
    objective ``w_travel·gross − w_chain·credit`` equals ``(w_travel − w_chain)·gross + w_chain·legs``,
    whose LP relaxation cannot go below zero.
    """
    model, v = m.model, m.vars
    gross = []
    for e in m.engagements:
        for r in m.eligible[e.id]:
            a = v.assigned[(e.id, r.id)]
            if len(e.hosts) == 1:
                m.trip_at[(e.id, r.id, e.hosts[0])] = a
            else:  # at[h] = "r goes to e at host h"; linear links keep the LP relaxation tight
                at = {h: model.new_bool_var(f"at[{e.id},{r.id},{h}]") for h in e.hosts}
                model.add(sum(at.values()) == a)
                for h, lit in at.items():
                    model.add(lit <= m.host_literal(e, h))
                    m.trip_at[(e.id, r.id, h)] = lit
    for (eid, rid, host), lit in m.trip_at.items():
        gross.append(m.travel_km(m.reviewer_by_id[rid], m.scenario.engagements_by_id[eid], host) * lit)
    w_travel = m.scenario.weights.get("travel_km", 0)
    w_chain = m.scenario.weights.get("chain_credit_km", 0)
    candidates = chain_candidates(m) if w_chain > 0 else []
    if len(candidates) > m.chain_limit:
        # too many (engagement pair, person) candidates to model exactly: optimise round trips only;
        # the credit is still computed from the plan and reported (docs/model.md, "Scale")
        m.chain_credit_modelled = False
    if w_chain <= 0 or not m.chain_credit_modelled:
        return [ModelTerm("travel_km", "travel_km", sum(gross))]
    legs = _chain_legs(m, candidates)
    return [ModelTerm("travel_km", "", sum(gross), weight=w_travel - w_chain),
            ModelTerm("chain_legs_km", "chain_credit_km", legs)]


def _chain_saving(m, r: Reviewer, e: Engagement, he: str, f: Engagement, hf: str) -> int:
    """Kilometres saved by going home→A→B→home rather than home→A→home→B→home (0 across regions)."""
    return chain_saving_km(m.scenario, r, e, he, f, hf)


def chain_candidates(m) -> list[tuple[Engagement, Engagement, str, str, str]]:
    """Every (A, B, person, host of A, host of B) that could earn a chain credit: B can start within
    ``chain_max_gap_days`` after A ends, the person may do both, and the hop saves kilometres."""
    gap = m.scenario.rules.chain_max_gap_days
    candidates = []
    for e in m.engagements:
        for f in m.engagements:
            if e.id == f.id:
                continue
            earliest_next = e.earliest_start + timedelta(days=e.duration_days)
            if f.latest_start < earliest_next or f.earliest_start > e.latest_end + timedelta(days=gap + 1):
                continue
            shared = {r.id for r in m.eligible[e.id]} & {r.id for r in m.eligible[f.id]}
            for rid in sorted(shared):
                r = m.reviewer_by_id[rid]
                candidates.extend((e, f, rid, he, hf) for he in e.hosts for hf in f.hosts
                                  if _chain_saving(m, r, e, he, f, hf) > 0)
    return candidates


def _chain_legs(m, candidates):
    """Chain variables per (A, B, person, host of A, host of B) and the kilometres of all legs."""
    model, v = m.model, m.vars
    gap = m.scenario.rules.chain_max_gap_days
    outgoing: dict[tuple[str, str, str], list] = {}
    incoming: dict[tuple[str, str, str], list] = {}
    legs = []
    for e, f, rid, he, hf in candidates:
        follows = m.follows.get((e.id, f.id))
        if follows is None:  # "f follows e closely enough to chain": once per pair, not per person
            follows = model.new_bool_var(f"follows[{e.id},{f.id}]")
            m.follows[(e.id, f.id)] = follows
            if (f.id, e.id) in m.follows:  # a cut the LP cannot see from the dates
                model.add(follows + m.follows[(f.id, e.id)] <= 1)
            model.add(v.start[f.id] >= v.start[e.id] + e.duration_days).only_enforce_if(follows)
            model.add(v.start[f.id] <= v.start[e.id] + e.duration_days + gap).only_enforce_if(follows)
        c = model.new_bool_var(f"chain[{e.id},{f.id},{rid},{he},{hf}]")
        v.chain[(e.id, f.id, rid, he, hf)] = c
        model.add(c <= follows)
        outgoing.setdefault((e.id, rid, he), []).append(c)
        incoming.setdefault((f.id, rid, hf), []).append(c)
        legs.append(m.site_km(departure_site(m.scenario, e, he), arrival_site(m.scenario, f, hf)) * c)
    # chains form paths: a person with n engagements chains at most n - 1 times (a cut for the LP)
    per_person: dict[str, list] = {}
    for (_, _, rid, _, _), c in v.chain.items():
        per_person.setdefault(rid, []).append(c)
    for rid, chains in per_person.items():
        trips = m.load(m.reviewer_by_id[rid])
        travels = model.new_bool_var(f"travels[{rid}]")
        for a in trips:
            model.add(travels >= a)
        model.add(sum(chains) <= sum(trips) - travels)
        # and at most max_engagements - 1 of them: without this the LP spreads a person thinly over many
        # engagements and chains them all
        model.add(sum(chains) <= (m.reviewer_by_id[rid].max_engagements - 1) * travels)
    _subtour_cuts(m)
    for (eid, rid, host), at in m.trip_at.items():
        e, home = m.scenario.engagements_by_id[eid], home_of(m.reviewer_by_id[rid])
        between_sites = site_legs_km(m.scenario, e, host)
        if between_sites:
            legs.append(between_sites * at)
        leave_km = m.site_km(departure_site(m.scenario, e, host), home)
        reach_km = m.site_km(home, arrival_site(m.scenario, e, host))
        for side, chains, one_way in (("home_after", outgoing.get((eid, rid, host), []), leave_km),
                                      ("home_before", incoming.get((eid, rid, host), []), reach_km)):
            if not chains:
                legs.append(one_way * at)
                continue
            leg = model.new_bool_var(f"{side}[{eid},{rid},{host}]")
            model.add(leg + sum(chains) == at)  # each trip either flies home or chains on, once each way
            legs.append(one_way * leg)
    return sum(legs)


def _subtour_cuts(m) -> None:
    """Cuts for the LP only (every plan satisfies them): one person's chains inside a set S of engagements form
    paths, so chains inside S <= (assigned in S) - assigned[k] for each k in S.

    Without them the LP relaxation lets a person half-do A and B and chain A→B *and* B→A, or go round A→B→C→A
    at 1/3, paying no flight home at all: kp-2018-h2's LP bound was 2,313 against an optimum of 3,140; sets of
    2..6 engagements (connected by candidate chains) lift it to about 3,069 (docs/model.md)."""
    model, v = m.model, m.vars
    arcs: dict[str, dict[tuple[str, str], list]] = {}
    for (eid, fid, rid, _, _), c in v.chain.items():
        arcs.setdefault(rid, {}).setdefault((eid, fid), []).append(c)
    for rid, by_arc in arcs.items():
        neighbours: dict[str, set[str]] = {}
        for eid, fid in by_arc:
            neighbours.setdefault(eid, set()).add(fid)
            neighbours.setdefault(fid, set()).add(eid)
        nodes = sorted(neighbours)
        # a disconnected S is implied by its parts; large neighbourhoods keep to small sets (model size)
        largest = SUBTOUR_MAX_SET if len(nodes) <= SUBTOUR_MAX_NODES else 3
        for size in range(2, min(largest, len(nodes)) + 1):
            for subset in combinations(nodes, size):
                members = set(subset)
                if not _connected(members, neighbours):
                    continue
                inside = [c for (eid, fid), cs in by_arc.items() if eid in members and fid in members for c in cs]
                if len(inside) < size:  # no cycle through all of S: the smaller sets and degrees suffice
                    continue
                assigned = [v.assigned[(x, rid)] for x in subset]
                chains_inside, trips_inside = sum(inside), sum(assigned)  # summed once: most of the build time
                for k in assigned:
                    model.add(chains_inside <= trips_inside - k)


def _connected(members: set[str], neighbours: dict[str, set[str]]) -> bool:
    start = next(iter(members))
    seen, todo = {start}, [start]
    while todo:
        for y in neighbours[todo.pop()] & members:
            if y not in seen:
                seen.add(y)
                todo.append(y)
    return len(seen) == len(members)
