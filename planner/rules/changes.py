"""Changes to a published plan, counted one by one: what a minimal-change re-plan minimises and what
``kp-plan diff`` and the notebooks show.

One change is: an engagement that moves (any number of days), gets another host, is dropped or is newly
scheduled; each person who joins or leaves the team of an engagement that stays scheduled; a review visit led
by someone else than before. A dropped engagement is one change (its people are not counted again), and so is
a newly scheduled one. A re-plan after a drop-out counts from the plan without the person who dropped out
(``planner.engine.replan.apply_drop_outs``): their leaving, and a visit's need for a new lead when the lead
dropped out, are given, not changes the re-plan chose.

The CP-SAT expression (``change_count``) and the count of a finished plan (``plan_changes``) sit side by side
and count the same things; a test holds them equal.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from planner.core.model import Plan, Scenario
from planner.rules.base import ModelContext


class ChangeKind(StrEnum):
    MOVED = "moved"
    REHOSTED = "new host"
    DROPPED = "dropped"
    ADDED = "newly scheduled"
    JOINS = "joins"
    LEAVES = "leaves"
    LEAD = "new lead"


@dataclass(frozen=True)
class Change:
    """One change to the published plan, with the ids it concerns and the before/after values as text."""

    kind: ChangeKind
    engagement_id: str
    title: str
    before: str = ""
    after: str = ""
    reviewer_id: str = ""

    @property
    def sentence(self) -> str:
        if self.kind in (ChangeKind.JOINS, ChangeKind.LEAVES):
            return f"{self.reviewer_id} {self.kind} {self.title}"
        if self.kind == ChangeKind.DROPPED:
            return f"{self.title} is dropped (was {self.before})"
        if self.kind == ChangeKind.ADDED:
            return f"{self.title} is newly scheduled ({self.after})"
        if self.kind == ChangeKind.LEAD and self.after == "nobody":
            return f"{self.title} loses its lead {self.before}"
        return f"{self.title}: {self.kind}, {self.before} → {self.after}"

    @property
    def label(self) -> str:
        """The change without the engagement's title, for a table that has a row per engagement."""
        if self.kind in (ChangeKind.JOINS, ChangeKind.LEAVES):
            return f"{self.reviewer_id} {self.kind}"
        if self.kind == ChangeKind.LEAD and self.after == "nobody":
            return "loses its lead"
        return str(self.kind)

    def as_dict(self) -> dict[str, str]:
        return {"kind": str(self.kind), "engagement_id": self.engagement_id, "reviewer_id": self.reviewer_id,
                "before": self.before, "after": self.after, "sentence": self.sentence}


def _dates(o) -> str:
    return f"{o.start:%d %b}–{o.end:%d %b}"


def plan_changes(scenario: Scenario, before: Plan, after: Plan) -> list[Change]:
    """Every change from ``before`` to ``after``, engagement by engagement (in id order)."""
    changes: list[Change] = []
    old, new = before.outcomes_by_id, after.outcomes_by_id
    for e in sorted(scenario.engagements, key=lambda e: e.id):
        o, n = old.get(e.id), new.get(e.id)
        was, now = bool(o and o.scheduled), bool(n and n.scheduled)
        if not was:
            if now:
                changes.append(Change(ChangeKind.ADDED, e.id, e.title, "left out", _dates(n)))
            continue
        if not now:
            changes.append(Change(ChangeKind.DROPPED, e.id, e.title, _dates(o), "left out"))
            continue
        if o.start != n.start:
            changes.append(Change(ChangeKind.MOVED, e.id, e.title, _dates(o), _dates(n)))
        if o.host != n.host:
            changes.append(Change(ChangeKind.REHOSTED, e.id, e.title, o.host, n.host))
        team_before = {a.reviewer_id for a in before.team(e.id)}
        team_after = {a.reviewer_id for a in after.team(e.id)}
        changes += [Change(ChangeKind.LEAVES, e.id, e.title, reviewer_id=r) for r in sorted(team_before - team_after)]
        changes += [Change(ChangeKind.JOINS, e.id, e.title, reviewer_id=r) for r in sorted(team_after - team_before)]
        lead_before, lead_after = before.lead(e.id), after.lead(e.id)
        if lead_before is not None and lead_before != lead_after:
            changes.append(Change(ChangeKind.LEAD, e.id, e.title, lead_before or "nobody", lead_after or "nobody",
                                  reviewer_id=lead_after or lead_before))
    return changes


def change_count(m: ModelContext, reference: Plan) -> Any:
    """The number of changes from ``reference`` as a CP-SAT linear expression (``plan_changes`` counts the
    same)."""
    v, model = m.vars, m.model
    old = reference.outcomes_by_id
    terms: list[Any] = []
    for e in m.engagements:
        o = old.get(e.id)
        sched = v.scheduled[e.id]
        if o is None or not o.scheduled:
            terms.append(sched)  # newly scheduled
            continue
        terms.append(1 - sched)  # dropped
        moved = model.new_bool_var(f"moved[{e.id}]")
        model.add_implication(moved, sched)
        target = m.day(o.start)
        if _in_domain(v.start[e.id], target):
            model.add(v.start[e.id] == target).only_enforce_if([sched, moved.Not()])
        else:  # the published day is no longer possible
            model.add(moved == sched)
        terms.append(moved)
        if len(e.hosts) > 1:  # a new host
            same_host = v.host.get((e.id, o.host))
            terms.append(sched if same_host is None else sched - same_host)
        elif o.host != e.hosts[0]:  # its only host is no longer the published one
            terms.append(sched)
        team_before = {a.reviewer_id for a in reference.team(e.id)}
        for r in m.eligible[e.id]:
            a = v.assigned[(e.id, r.id)]
            terms.append(sched - a if r.id in team_before else a)  # leaves (only while scheduled) / joins
        candidates = {r.id for r in m.eligible[e.id]}
        terms += [sched for r in sorted(team_before - candidates)]  # can no longer be on it: leaves
        lead_before = reference.lead(e.id)
        if lead_before is not None:
            lead = v.lead.get((e.id, lead_before))
            terms.append(sched if lead is None else sched - lead)
    return sum(terms)


def _in_domain(var: Any, value: int) -> bool:
    domain = list(var.proto.domain)
    return any(low <= value <= high for low, high in zip(domain[::2], domain[1::2], strict=True))


def published_work(m: ModelContext, reference: Plan) -> list[tuple[float, Any]]:
    """(unscheduled weight, "happens" literal) of each optional engagement that ``reference`` schedules: a
    minimal-change re-plan first keeps as much of the published work as the rules allow."""
    old = reference.outcomes_by_id
    weights = m.scenario.weights
    return [(weights.get(f"unscheduled_{e.priority}", 0), m.vars.scheduled[e.id]) for e in m.engagements
            if e.id in old and old[e.id].scheduled and e.priority != "required"]
