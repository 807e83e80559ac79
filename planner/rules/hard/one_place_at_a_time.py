"""Hard rule ``one_place_at_a_time``: nobody does two engagements that overlap, nor two in different places with
fewer free days between them than the travel buffer for their distance."""

from __future__ import annotations

from datetime import timedelta
from itertools import combinations

from planner.core.calendar import engagements_clash, travel_buffer_between
from planner.rules.base import HardRule, ModelContext, PlanContext
from planner.rules.names import RuleName


def may_clash(scenario, e, f) -> bool:
    """Could one person be asked to do both while they overlap or sit within a travel buffer?"""
    biggest = max((s.days for s in scenario.rules.travel_buffer), default=0)
    return not (e.latest_end + timedelta(days=biggest) < f.earliest_start
                or f.latest_end + timedelta(days=biggest) < e.earliest_start)


class OnePlaceAtATime(HardRule):
    name = RuleName.ONE_PLACE_AT_A_TIME
    order = 140

    def constrain(self, m: ModelContext) -> None:
        model, v = m.model, m.vars
        for e, f in combinations(m.engagements, 2):
            if not (m.diagnosis or may_clash(m.scenario, e, f)):
                continue
            shared = sorted({r.id for r in m.eligible[e.id]} & {r.id for r in m.eligible[f.id]})
            if not shared:
                continue
            # an auxiliary of this rule only: "both happen, one after the other with the travel buffer"
            sep = model.new_bool_var(f"separated[{e.id},{f.id}]")
            v.separated[(e.id, f.id)] = sep
            e_first = model.new_bool_var(f"first[{e.id},{f.id}]")
            model.add_implication(sep, v.scheduled[e.id])
            model.add_implication(sep, v.scheduled[f.id])
            for he in e.hosts:
                for hf in f.hosts:
                    e_then_f = travel_buffer_between(m.scenario, e, he, f, hf)
                    f_then_e = travel_buffer_between(m.scenario, f, hf, e, he)
                    hosts = [m.host_literal(e, he), m.host_literal(f, hf)]
                    model.add(v.start[f.id] >= v.start[e.id] + e.duration_days + e_then_f).only_enforce_if(
                        [sep, e_first, *hosts])
                    model.add(v.start[e.id] >= v.start[f.id] + f.duration_days + f_then_e).only_enforce_if(
                        [sep, e_first.Not(), *hosts])
            for rid in shared:
                switch = m.switch(self.assumption(reviewer_id=rid))
                model.add_bool_or([v.assigned[(e.id, rid)].Not(), v.assigned[(f.id, rid)].Not(), sep,
                                   *(s.Not() for s in switch)])

    def check(self, c: PlanContext):
        by_id = {e.id: (e, o) for e, o in c.scheduled}
        for rid in sorted(c.reviewers):
            mine = sorted({a.engagement_id for a in c.plan.of_reviewer(rid) if a.engagement_id in by_id})
            for x, y in combinations(mine, 2):
                (e, oe), (f, of) = by_id[x], by_id[y]
                if engagements_clash(c.scenario, e, oe.host, oe.start, f, of.host, of.start):
                    yield self.violation(x, rid, f"{rid} cannot do both {e.title} ({oe.start}–{oe.end}) and "
                                         f"{f.title} ({of.start}–{of.end}) with the travel time between them")

    def phrase(self, scenario, a) -> str:
        return f"{a.reviewer_id} can only be in one place at a time (with travel days between places)"


RULE = OnePlaceAtATime()
