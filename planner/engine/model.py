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

from datetime import date, timedelta

import numpy as np
from ortools.sat.python import cp_model

from planner.core.calendar import (
    allowed_starts,
    arrival_site,
    departure_site,
    home_of,
    km_between,
    reviewer_commitments,
    site_legs_km,
)
from planner.core.model import Engagement, Plan, Reviewer, Scenario
from planner.engine.greedy import commitment_holders, free_matrix
from planner.engine.variables import Variables
from planner.rules.base import Assumption, ModelTerm
from planner.rules.changes import change_count, published_work
from planner.rules.hard import HARD_RULES, eligible_reviewers, staffing_needs
from planner.rules.hard.one_lead import may_lead
from planner.rules.soft import SOFT_TERMS

WEIGHT_SCALE = 1000  # weights have at most three decimals; the objective is integral after scaling
# Above this many (engagement pair, person, hosts) chain candidates the chain credit is reported, not optimised:
# kp-2018-h2 has about 1,200; a 50 × 200 synthetic scenario about 80,000, which makes the model 8× larger.
CHAIN_CANDIDATE_LIMIT = 20_000
# Above this many (engagement, eligible person) pairs each engagement only considers its nearest candidates.
PRUNE_ABOVE_PAIRS = 30_000
PRUNE_NEAREST = 40
PRUNE_PER_NEED = 8


class ModelBuilder:
    """Builds the CP-SAT model of a scenario. Construction order is fixed for reproducibility."""

    Domain = cp_model.Domain  # what the rules build domain constraints with (ModelContext)

    def __init__(self, scenario: Scenario, reference: Plan | None = None, diagnosis: bool = False,
                 chain_limit: int = CHAIN_CANDIDATE_LIMIT, prune_above: int = PRUNE_ABOVE_PAIRS,
                 count_changes: bool = False, exclusions: frozenset[tuple[str, str]] = frozenset(),
                 frozen: tuple = ()):
        self.scenario = scenario
        self.frozen = tuple(frozen)  # assignments whose engagements keep exactly this team and lead (started)
        self.exclusions = exclusions  # (engagement, person) pairs that may not be on a team (drop-outs)
        self.reference = reference
        self.count_changes = count_changes and reference is not None  # a minimal-change re-plan's levels
        self.diagnosis = diagnosis
        self.model = cp_model.CpModel()
        self.vars = Variables()
        self.terms: list[ModelTerm] = []
        self.assumptions: dict[int, Assumption] = {}  # literal index -> meaning
        self.assumption_literals: dict[Assumption, cp_model.IntVar] = {}
        self.h0 = scenario.horizon_start
        self.engagements = sorted(scenario.engagements, key=lambda e: e.id)
        self.reviewers = sorted(scenario.reviewers, key=lambda r: r.id)
        self.reviewer_by_id = {r.id: r for r in self.reviewers}
        self.commitments = reviewer_commitments(scenario)
        self.holders = commitment_holders(self.commitments)  # who holds each distinct commitment
        self.allowed: dict[tuple[str, str], list[int]] = {}
        self.eligible: dict[str, list[Reviewer]] = {}
        self.km_cache: dict[tuple, int] = {}
        self.follows: dict[tuple[str, str], cp_model.IntVar] = {}  # the chain credit's pair literals
        self.trip_at: dict[tuple[str, str, str], cp_model.IntVar] = {}  # (engagement, person, host) -> goes
        self.chain_limit = chain_limit
        self.prune_above = prune_above
        self.candidates_pruned = False
        self.chain_credit_modelled = True
        self.objective_expr = None  # the weighted soft terms (scaled to integers)
        self.lost_work_expr = None  # minimal-change re-plans: published work dropped (scaled weights)
        self.changes_expr = None  # minimal-change re-plans: changes to the reference (planner.rules.changes)

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
        """The trip from home to the engagement's sites in order and home again (``planner.core.calendar.trip_km``)."""
        home = home_of(r)
        return (self.site_km(home, arrival_site(self.scenario, e, host)) + site_legs_km(self.scenario, e, host)
                + self.site_km(departure_site(self.scenario, e, host), home))

    # --- build -----------------------------------------------------------------------------------
    def build(self) -> ModelBuilder:
        """Variables first, then the hard rules in their fixed order, then the soft terms and the objective."""
        self._create_engagement_variables()
        self._create_assignment_variables()  # after the engagements': an assignment implies its engagement
        self._create_lead_variables()  # after the assignments': a lead is one of the team
        self._freeze_started_teams()
        for e in self.engagements:  # per-engagement constraints, engagement by engagement (stable order)
            for rule in HARD_RULES:
                rule.constrain_engagement(self, e)
        for rule in HARD_RULES:  # constraints that span engagements
            rule.constrain(self)
        if self.diagnosis:  # feasibility only: soft terms would add hidden constraints (e.g. load caps)
            return self
        for term in SOFT_TERMS:  # the soft terms' expressions, in a fixed order; the objective is built from them
            self.terms.extend(term.add_to_model(self))
        if self.count_changes:
            self.lost_work_expr = sum(int(round(w * WEIGHT_SCALE)) * (1 - happens)
                                      for w, happens in published_work(self, self.reference))
            self.changes_expr = change_count(self, self.reference)
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
                if (e.id, r.id) in self.exclusions:
                    m.add(a == 0)

    def _nearest_candidates(self, e: Engagement, people: list[Reviewer]) -> list[Reviewer]:
        """For large scenarios only: keep the people nearest to ``e`` who are free on some allowed day —
        overall and for every staffing need (leads, each observer organisation, French speakers, languages,
        expertise, distinct governments) — plus every required attendee. Plans stay valid (the checker
        proves it); optimality then holds for this candidate set, which the result reports."""
        days_by_host = {h: [self.date_of(d) for d in self.allowed[(e.id, h)]] for h in e.hosts}
        free = np.zeros(len(people), dtype=bool)  # free of fixed commitments on some allowed day at some host
        for host, starts in days_by_host.items():
            if starts:
                free |= free_matrix(self.scenario, e, host, people, starts, self.holders).any(axis=1)
        available = [r for r, ok in zip(people, free, strict=True) if ok]
        distance = {r.id: min(self.travel_km(r, e, h) for h in e.hosts) for r in available}
        ranked = sorted(available, key=lambda r: (distance[r.id], r.id))
        _, high = self.scenario.team_bounds(e)
        keep: dict[str, Reviewer] = {r.id: r for r in ranked[: max(3 * high, PRUNE_NEAREST)]}
        required = set(self.scenario.attendees_of(e.attendees)) | {p.reviewer_id for p in self.scenario.pins_of(e.id)}
        keep.update({r.id: r for r in people if r.id in required})
        for need in staffing_needs(self.scenario, e, e.hosts[0]):
            keep.update({r.id: r for r in need.candidates(ranked)[:PRUNE_PER_NEED]})
        governments: dict[str | None, int] = {}
        for r in ranked:  # the nearest people of enough distinct governments
            code = self.scenario.reviewer_participant(r) if r.is_government else None
            if code is not None and governments.get(code, 0) < 2 and len(governments) < 3 * (
                    self.scenario.other_governments_for(e) + 2):
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

    def _freeze_started_teams(self) -> None:
        """What has started keeps its people: each frozen engagement has exactly its frozen team and lead."""
        teams: dict[str, dict[str, str]] = {}
        for a in self.frozen:
            teams.setdefault(a.engagement_id, {})[a.reviewer_id] = a.role
        for eid, team in sorted(teams.items()):
            if eid not in self.vars.scheduled:
                continue
            for r in self.eligible[eid]:
                self.model.add(self.vars.assigned[(eid, r.id)] == int(r.id in team))
                lead = self.vars.lead.get((eid, r.id))
                if lead is not None:
                    self.model.add(lead == int(team.get(r.id) == "lead"))

    def team(self, e: Engagement) -> list[cp_model.IntVar]:
        return [self.vars.assigned[(e.id, r.id)] for r in self.eligible[e.id]]

    def members_where(self, e: Engagement, predicate) -> list[cp_model.IntVar]:
        return [self.vars.assigned[(e.id, r.id)] for r in self.eligible[e.id] if predicate(r)]

    def load(self, r: Reviewer) -> list[cp_model.IntVar]:
        return [self.vars.assigned[(e.id, r.id)] for e in self.engagements if (e.id, r.id) in self.vars.assigned]

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
        self.objective_expr = objective
        self.model.minimize(objective)
