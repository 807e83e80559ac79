"""The CP-SAT model: variables first, then the hard rules' constraints in a fixed order, then the soft terms and
the objective (PyJobShop's shape).

Days are integers counted from the horizon start. The model only decides; ``planner.engine.solve`` runs it and
``planner.rules.scoring`` scores the resulting plan independently of the solver.

The hard rules live one per module in ``planner.rules.hard`` and add their own constraints through the
``ModelContext`` this builder implements. In *diagnosis* mode every hard rule is switched on by an assumption
literal per (rule, subject), so that an infeasible scenario can be explained by a small set of rules (see
``planner.engine.diagnose``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from ortools.sat.python import cp_model

from planner.core.calendar import allowed_starts, blocked_starts, home_of, km_between, reviewer_commitments, site_of
from planner.core.model import PRIORITIES, Engagement, Plan, Reviewer, Scenario
from planner.rules.base import Assumption
from planner.rules.hard import HARD_RULES, eligible_reviewers, staffing_needs
from planner.rules.hard.one_lead import may_lead
from planner.rules.scoring import chain_saving_km

WEIGHT_SCALE = 1000  # weights have at most three decimals; the objective is integral after scaling
# Above this many (engagement pair, person, hosts) chain candidates the chain credit is reported, not optimised:
# kp-2018-h2 has about 1,200; a 50 × 200 synthetic scenario about 80,000, which makes the model 8× larger.
CHAIN_CANDIDATE_LIMIT = 20_000
# Above this many (engagement, eligible person) pairs each engagement only considers its nearest candidates.
PRUNE_ABOVE_PAIRS = 30_000
PRUNE_NEAREST = 40
PRUNE_PER_NEED = 8


@dataclass
class Variables:
    scheduled: dict[str, cp_model.IntVar] = field(default_factory=dict)
    host: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)
    start: dict[str, cp_model.IntVar] = field(default_factory=dict)
    assigned: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)
    lead: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)
    separated: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)
    chain: dict[tuple[str, str, str, str, str], cp_model.IntVar] = field(default_factory=dict)


@dataclass
class Term:
    """A soft term as a linear expression, with its weight key."""

    name: str
    weight_key: str
    expr: cp_model.LinearExprT
    weight: float | None = None  # overrides the scenario's weight for ``weight_key``


class ModelBuilder:
    """Builds the CP-SAT model of a scenario. Construction order is fixed for reproducibility."""

    def __init__(self, scenario: Scenario, reference: Plan | None = None, diagnosis: bool = False,
                 chain_limit: int = CHAIN_CANDIDATE_LIMIT, prune_above: int = PRUNE_ABOVE_PAIRS):
        self.scenario = scenario
        self.reference = reference
        self.diagnosis = diagnosis
        self.model = cp_model.CpModel()
        self.vars = Variables()
        self.terms: list[Term] = []
        self.assumptions: dict[int, Assumption] = {}  # literal index -> meaning
        self.assumption_literals: dict[Assumption, cp_model.IntVar] = {}
        self.h0 = scenario.horizon_start
        self.engagements = sorted(scenario.engagements, key=lambda e: e.id)
        self.reviewers = sorted(scenario.reviewers, key=lambda r: r.id)
        self.reviewer_by_id = {r.id: r for r in self.reviewers}
        self.commitments = reviewer_commitments(scenario)
        self.allowed: dict[tuple[str, str], list[int]] = {}
        self.eligible: dict[str, list[Reviewer]] = {}
        self.km_cache: dict[tuple, int] = {}
        self.follows: dict[tuple[str, str], cp_model.IntVar] = {}
        self.chain_limit = chain_limit
        self.prune_above = prune_above
        self.candidates_pruned = False
        self.chain_credit_modelled = True

    # --- helpers -------------------------------------------------------------------------------
    def day(self, d: date) -> int:
        return (d - self.h0).days

    def date_of(self, day: int) -> date:
        return self.h0 + timedelta(days=day)

    def switch(self, assumption: Assumption) -> list[cp_model.IntVar]:
        """Enforcement literals for a hard rule: none normally, one assumption literal in diagnosis mode."""
        if not self.diagnosis:
            return []
        lit = self.assumption_literals.get(assumption)
        if lit is None:
            lit = self.model.new_bool_var(f"assume[{assumption.rule}|{assumption.engagement_id}|"
                                          f"{assumption.reviewer_id}|{assumption.detail}]")
            self.assumption_literals[assumption] = lit
            self.assumptions[lit.index] = assumption
        return [lit]

    def host_literal(self, e: Engagement, host: str) -> cp_model.IntVar:
        return self.vars.host[(e.id, host)]

    def site_km(self, a: tuple[float, float], b: tuple[float, float]) -> int:
        key = (a, b)
        if key not in self.km_cache:
            self.km_cache[key] = km_between(a, b)
        return self.km_cache[key]

    def travel_km(self, r: Reviewer, e: Engagement, host: str) -> int:
        """Round trip from home to the engagement's site."""
        return 2 * self.site_km(home_of(r), site_of(self.scenario, host))

    # --- build -----------------------------------------------------------------------------------
    def build(self) -> ModelBuilder:
        """Variables first, then the hard rules in their fixed order, then the soft terms and the objective."""
        self._create_engagement_variables()
        self._create_assignment_variables()  # after the engagements': an assignment implies its engagement
        self._create_lead_variables()  # after the assignments': a lead is one of the team
        for e in self.engagements:  # per-engagement constraints, engagement by engagement (stable order)
            for rule in HARD_RULES:
                rule.constrain_engagement(self, e)
        for rule in HARD_RULES:  # constraints that span engagements
            rule.constrain(self)
        if self.diagnosis:  # feasibility only: soft terms would add hidden constraints (e.g. load caps)
            return self
        self.soft_unscheduled()
        self.soft_workload_fairness()
        self.soft_travel()
        self.soft_lead_language()
        self.soft_regional_peer()
        self.soft_moved_from_published()
        self.soft_team_changes()
        self.soft_weekday_start()
        self._set_objective()
        return self

    def _create_engagement_variables(self) -> None:
        m, v = self.model, self.vars
        for e in self.engagements:
            sched = m.new_bool_var(f"scheduled[{e.id}]")
            v.scheduled[e.id] = sched
            starts: set[int] = set()
            for host in e.hosts:
                days = [self.day(d) for d in allowed_starts(self.scenario, e, host)]
                self.allowed[(e.id, host)] = days
                starts.update(days)
            if self.diagnosis:  # the calendar becomes a switchable rule: allow the whole horizon
                starts.update(range(0, (self.scenario.horizon_end - self.h0).days - e.duration_days + 2))
            domain = sorted(starts) or [self.day(e.earliest_start)]
            v.start[e.id] = m.new_int_var_from_domain(cp_model.Domain.from_values(domain), f"start[{e.id}]")
            if len(e.hosts) == 1:
                v.host[(e.id, e.hosts[0])] = sched
            else:
                lits = []
                for host in e.hosts:
                    lit = m.new_bool_var(f"host[{e.id},{host}]")
                    v.host[(e.id, host)] = lit
                    lits.append(lit)
                m.add(sum(lits) == sched)
            # an engagement that does not happen sits on its first possible day (removes symmetry)
            m.add(v.start[e.id] == domain[0]).only_enforce_if(sched.Not())

    def _create_assignment_variables(self) -> None:
        m, v = self.model, self.vars
        everyone: dict[str, list[Reviewer]] = {}
        for e in self.engagements:
            people: dict[str, Reviewer] = {}
            for host in e.hosts:
                for r in eligible_reviewers(self.scenario, e, host):
                    people[r.id] = r
            everyone[e.id] = [people[k] for k in sorted(people)]
        pairs = sum(len(people) for people in everyone.values())
        self.candidates_pruned = pairs > self.prune_above and not self.diagnosis
        for e in self.engagements:
            people = everyone[e.id]
            self.eligible[e.id] = self._nearest_candidates(e, people) if self.candidates_pruned else people
            for r in self.eligible[e.id]:
                a = m.new_bool_var(f"assigned[{e.id},{r.id}]")
                v.assigned[(e.id, r.id)] = a
                m.add_implication(a, v.scheduled[e.id])

    def _nearest_candidates(self, e: Engagement, people: list[Reviewer]) -> list[Reviewer]:
        """For large scenarios only: keep the people nearest to ``e`` who are free on some allowed day —
        overall and for every staffing need (leads, each observer organisation, French speakers, languages,
        expertise, distinct governments) — plus every required attendee. Plans stay valid (the checker
        proves it); optimality then holds for this candidate set, which the result reports."""
        commitments = self.commitments
        days_by_host = {h: self.allowed[(e.id, h)] for h in e.hosts}

        def free_somewhere(r: Reviewer) -> bool:
            for host, days in days_by_host.items():
                if not days:
                    continue
                blocked = []
                for c in commitments[r.id]:
                    first, last = blocked_starts(self.scenario, c, e, host)
                    blocked.extend([self.day(first), self.day(last)])
                free = cp_model.Domain.from_values(days).intersection_with(
                    cp_model.Domain.from_flat_intervals(blocked).complement())
                if not free.is_empty():
                    return True
            return False

        available = [r for r in people if free_somewhere(r)]
        distance = {r.id: min(self.travel_km(r, e, h) for h in e.hosts) for r in available}
        ranked = sorted(available, key=lambda r: (distance[r.id], r.id))
        _, high = self.scenario.team_bounds(e)
        keep: dict[str, Reviewer] = {r.id: r for r in ranked[: max(3 * high, PRUNE_NEAREST)]}
        required = set(self.scenario.attendees_of(e.attendees))
        keep.update({r.id: r for r in people if r.id in required})
        for need in staffing_needs(self.scenario, e, e.hosts[0]):
            keep.update({r.id: r for r in need.candidates(ranked)[:PRUNE_PER_NEED]})
        rules = self.scenario.rules
        governments: dict[str | None, int] = {}
        for r in ranked:  # the nearest people of enough distinct governments
            code = self.scenario.reviewer_participant(r) if r.is_government else None
            if code is not None and governments.get(code, 0) < 2 and len(governments) < 3 * (
                    rules.min_other_participant_governments + 2):
                governments[code] = governments.get(code, 0) + 1
                keep[r.id] = r
        return [keep[k] for k in sorted(keep)]

    def _create_lead_variables(self) -> None:
        m, v = self.model, self.vars
        for e in self.engagements:
            if not e.is_review_visit:
                continue
            for r in self.eligible[e.id]:
                if may_lead(self.scenario, r):
                    lead = m.new_bool_var(f"lead[{e.id},{r.id}]")
                    v.lead[(e.id, r.id)] = lead
                    m.add_implication(lead, v.assigned[(e.id, r.id)])

    def team(self, e: Engagement) -> list[cp_model.IntVar]:
        return [self.vars.assigned[(e.id, r.id)] for r in self.eligible[e.id]]

    def members_where(self, e: Engagement, predicate) -> list[cp_model.IntVar]:
        return [self.vars.assigned[(e.id, r.id)] for r in self.eligible[e.id] if predicate(r)]

    def load(self, r: Reviewer) -> list[cp_model.IntVar]:
        return [self.vars.assigned[(e.id, r.id)] for e in self.engagements if (e.id, r.id) in self.vars.assigned]

    # --- soft terms ------------------------------------------------------------------------------
    def soft_unscheduled(self) -> None:
        """Soft term: optional engagements left unscheduled, weighted by priority
        (``unscheduled_high`` / ``_normal`` / ``_low``)."""
        for priority in PRIORITIES[1:]:
            missing = [1 - self.vars.scheduled[e.id] for e in self.engagements if e.priority == priority]
            self.terms.append(Term(f"unscheduled_{priority}", f"unscheduled_{priority}", sum(missing)))

    def soft_workload_fairness(self) -> None:
        """Soft terms: the largest number of engagements of one reviewer (``max_load``), and the spread
        between the busiest and the least busy reviewer (``load_spread``)."""
        m = self.model
        loads = [sum(self.load(r)) for r in self.reviewers if r.max_engagements > 0]
        if not loads:
            return
        top = max((r.max_engagements for r in self.reviewers), default=0)
        high = m.new_int_var(0, top, "max_load")
        low = m.new_int_var(0, top, "min_load")
        for load in loads:
            m.add(high >= load)
            m.add(low <= load)
        self.terms.append(Term("max_load", "max_load", high))
        self.terms.append(Term("load_spread", "load_spread", high - low))

    def soft_travel(self) -> None:
        """Soft terms: kilometres travelled, each engagement a round trip from home (``travel_km``), and a
        credit for chaining two engagements in one region within ``chain_max_gap_days`` instead of flying
        home in between (``chain_credit_km``: home→A→B→home instead of two round trips).

        Encoded without negative costs: every trip has an inbound and an outbound leg; a chain replaces the
        outbound leg of A and the inbound leg of B by the hop A→B. Then gross km = legs + credit, and the
        objective ``w_travel·gross − w_chain·credit`` equals ``(w_travel − w_chain)·gross + w_chain·legs``,
        whose LP relaxation cannot go below zero.
        """
        m, v = self.model, self.vars
        gross = []
        self.trip_at: dict[tuple[str, str, str], cp_model.IntVar] = {}
        for e in self.engagements:
            for r in self.eligible[e.id]:
                a = v.assigned[(e.id, r.id)]
                if len(e.hosts) == 1:
                    self.trip_at[(e.id, r.id, e.hosts[0])] = a
                else:  # at[h] = "r goes to e at host h"; linear links keep the LP relaxation tight
                    at = {h: m.new_bool_var(f"at[{e.id},{r.id},{h}]") for h in e.hosts}
                    m.add(sum(at.values()) == a)
                    for h, lit in at.items():
                        m.add(lit <= self.host_literal(e, h))
                        self.trip_at[(e.id, r.id, h)] = lit
        for (eid, rid, host), lit in self.trip_at.items():
            gross.append(self.travel_km(self.reviewer_by_id[rid], self.scenario.engagements_by_id[eid], host) * lit)
        w_travel = self.scenario.weights.get("travel_km", 0)
        w_chain = self.scenario.weights.get("chain_credit_km", 0)
        candidates = self.chain_candidates() if w_chain > 0 else []
        if len(candidates) > self.chain_limit:
            # too many (engagement pair, person) candidates to model exactly: optimise round trips only;
            # the credit is still computed from the plan and reported (docs/model.md, "Scale")
            self.chain_credit_modelled = False
        if w_chain <= 0 or not self.chain_credit_modelled:
            self.terms.append(Term("travel_km", "travel_km", sum(gross)))
            return
        legs = self._chain_legs(candidates)
        self.terms.append(Term("travel_km", "", sum(gross), weight=w_travel - w_chain))
        self.terms.append(Term("chain_legs_km", "chain_credit_km", legs))

    def chain_saving(self, r: Reviewer, he: str, hf: str) -> int:
        """Kilometres saved by going home→A→B→home rather than home→A→home→B→home (0 across regions)."""
        return chain_saving_km(self.scenario, r, he, hf)

    def chain_candidates(self) -> list[tuple[Engagement, Engagement, str, str, str]]:
        """Every (A, B, person, host of A, host of B) that could earn a chain credit: B can start within
        ``chain_max_gap_days`` after A ends, the person may do both, and the hop saves kilometres."""
        gap = self.scenario.rules.chain_max_gap_days
        candidates = []
        for e in self.engagements:
            for f in self.engagements:
                if e.id == f.id:
                    continue
                earliest_next = e.earliest_start + timedelta(days=e.duration_days)
                if f.latest_start < earliest_next or f.earliest_start > e.latest_end + timedelta(days=gap + 1):
                    continue
                shared = {r.id for r in self.eligible[e.id]} & {r.id for r in self.eligible[f.id]}
                for rid in sorted(shared):
                    r = self.reviewer_by_id[rid]
                    candidates.extend((e, f, rid, he, hf) for he in e.hosts for hf in f.hosts
                                      if self.chain_saving(r, he, hf) > 0)
        return candidates

    def _chain_legs(self, candidates):
        """Chain variables per (A, B, person, host of A, host of B) and the kilometres of all legs."""
        m, v = self.model, self.vars
        gap = self.scenario.rules.chain_max_gap_days
        outgoing: dict[tuple[str, str, str], list] = {}
        incoming: dict[tuple[str, str, str], list] = {}
        legs = []
        for e, f, rid, he, hf in candidates:
            follows = self.follows.get((e.id, f.id))
            if follows is None:  # "f follows e closely enough to chain": once per pair, not per person
                follows = m.new_bool_var(f"follows[{e.id},{f.id}]")
                self.follows[(e.id, f.id)] = follows
                if (f.id, e.id) in self.follows:  # a cut the LP cannot see from the dates
                    m.add(follows + self.follows[(f.id, e.id)] <= 1)
                m.add(v.start[f.id] >= v.start[e.id] + e.duration_days).only_enforce_if(follows)
                m.add(v.start[f.id] <= v.start[e.id] + e.duration_days + gap).only_enforce_if(follows)
            c = m.new_bool_var(f"chain[{e.id},{f.id},{rid},{he},{hf}]")
            v.chain[(e.id, f.id, rid, he, hf)] = c
            m.add(c <= follows)
            outgoing.setdefault((e.id, rid, he), []).append(c)
            incoming.setdefault((f.id, rid, hf), []).append(c)
            legs.append(self.site_km(site_of(self.scenario, he), site_of(self.scenario, hf)) * c)
        # chains form paths: a person with n engagements chains at most n - 1 times (a cut for the LP)
        per_person: dict[str, list] = {}
        for (_, _, rid, _, _), c in v.chain.items():
            per_person.setdefault(rid, []).append(c)
        for rid, chains in per_person.items():
            trips = self.load(self.reviewer_by_id[rid])
            travels = m.new_bool_var(f"travels[{rid}]")
            for a in trips:
                m.add(travels >= a)
            m.add(sum(chains) <= sum(trips) - travels)
        for (eid, rid, host), at in self.trip_at.items():
            one_way = self.site_km(home_of(self.reviewer_by_id[rid]), site_of(self.scenario, host))
            for side, chains in (("home_after", outgoing.get((eid, rid, host), [])),
                                 ("home_before", incoming.get((eid, rid, host), []))):
                if not chains:
                    legs.append(one_way * at)
                    continue
                leg = m.new_bool_var(f"{side}[{eid},{rid},{host}]")
                m.add(leg + sum(chains) == at)  # each trip either flies home or chains on, once each way
                legs.append(one_way * leg)
        return sum(legs)

    def soft_lead_language(self) -> None:
        """Soft term: review visits whose lead speaks none of the host's languages (``lead_language``)."""
        misses = []
        for e in self.engagements:
            if not e.is_review_visit:
                continue
            host_languages = set(self.scenario.participant(e.hosts[0]).languages)
            for r in self.eligible[e.id]:
                lead = self.vars.lead.get((e.id, r.id))
                if lead is not None and not host_languages & set(r.languages):
                    misses.append(lead)
        self.terms.append(Term("lead_language", "lead_language", sum(misses)))

    def soft_regional_peer(self) -> None:
        """Soft term: review visits without a government reviewer from the host's region (``regional_peer``)."""
        m = self.model
        misses = []
        for e in self.engagements:
            if not e.is_review_visit:
                continue
            region = self.scenario.participant(e.hosts[0]).region
            peers = self.members_where(e, lambda r, region=region: r.is_government and self._region_of(r) == region)
            miss = m.new_bool_var(f"no_regional_peer[{e.id}]")
            m.add(sum(peers) + miss >= self.vars.scheduled[e.id])
            misses.append(miss)
        self.terms.append(Term("regional_peer", "regional_peer", sum(misses)))

    def _region_of(self, r: Reviewer) -> str | None:
        code = self.scenario.reviewer_participant(r)
        return self.scenario.participant(code).region if code else None

    def soft_moved_from_published(self) -> None:
        """Soft term: days between an engagement's start and its ``published_start`` (``moved_days``)."""
        m = self.model
        moves = []
        for e in self.engagements:
            if e.published_start is None:
                continue
            target = self.day(e.published_start)
            horizon = (self.scenario.horizon_end - self.h0).days + 1
            dev = m.new_int_var(0, horizon + abs(target), f"moved[{e.id}]")
            sched = self.vars.scheduled[e.id]
            m.add(dev >= self.vars.start[e.id] - target).only_enforce_if(sched)
            m.add(dev >= target - self.vars.start[e.id]).only_enforce_if(sched)
            moves.append(dev)
        self.terms.append(Term("moved_days", "moved_days", sum(moves)))

    def soft_team_changes(self) -> None:
        """Soft term: people added to or removed from the teams of a reference (published) plan, plus one
        for each review visit whose published lead no longer leads it (``team_changes``). Only when
        re-planning from a plan."""
        if self.reference is None:
            return
        before = {(a.engagement_id, a.reviewer_id) for a in self.reference.assignments}
        scheduled_before = {o.engagement_id for o in self.reference.scheduled()}
        changes = []
        for (eid, rid), a in self.vars.assigned.items():
            if eid not in scheduled_before:
                continue
            changes.append(1 - a if (eid, rid) in before else a)
        for eid, rid in sorted(before):  # people who can no longer be assigned count as removed
            if (eid, rid) not in self.vars.assigned and eid in self.vars.scheduled:
                changes.append(1)
        for eid in sorted(scheduled_before):  # a review visit whose published lead no longer leads
            lead_id = self.reference.lead(eid)
            if lead_id is not None and eid in self.vars.scheduled:
                lead = self.vars.lead.get((eid, lead_id))
                changes.append(1 if lead is None else 1 - lead)
        self.terms.append(Term("team_changes", "team_changes", sum(changes)))

    def soft_weekday_start(self) -> None:
        """Soft term: engagements starting on a day that is not a preferred weekday (``weekday_start``)."""
        preferred = self.scenario.rules.preferred_start_weekdays
        if not preferred:
            return
        m = self.model
        misses = []
        for e in self.engagements:
            domain_values = sorted({d for host in e.hosts for d in self.allowed[(e.id, host)]})
            good = [d for d in domain_values if self.date_of(d).weekday() in preferred]
            if len(good) == len(domain_values):
                continue
            miss = m.new_bool_var(f"weekday_miss[{e.id}]")
            sched = self.vars.scheduled[e.id]
            if good:
                m.add_linear_expression_in_domain(self.vars.start[e.id], cp_model.Domain.from_values(good)) \
                    .only_enforce_if([sched, miss.Not()])
            else:
                m.add_implication(sched, miss)
            misses.append(miss)
        self.terms.append(Term("weekday_start", "weekday_start", sum(misses)))

    def _set_objective(self) -> None:
        weights = self.scenario.weights
        objective = 0
        for term in self.terms:
            raw = weights.get(term.weight_key, 0) if term.weight is None else term.weight
            weight = int(round(raw * WEIGHT_SCALE))
            if weight:
                objective += weight * term.expr
        if self.diagnosis:
            return  # diagnosis only asks for feasibility
        self.model.minimize(objective)
