"""Hard rule ``fixed_commitments``: nobody is sent to an engagement that collides with a fixed event they
attend or with their unavailability; the travel buffer for the distance applies between places. What
"collides" means is decided once, in ``planner.core.calendar.blocked_starts``."""

from __future__ import annotations

from planner.core.calendar import blocked_starts, commitment_blocks, reviewer_commitments
from planner.rules.base import HardRule, ModelContext, PlanContext
from planner.rules.names import RuleName


class FixedCommitments(HardRule):
    name = RuleName.FIXED_COMMITMENTS
    order = 130

    def constrain(self, m: ModelContext) -> None:
        for e in m.engagements:
            for r in m.eligible[e.id]:
                a = m.vars.assigned[(e.id, r.id)]
                if not m.commitments[r.id]:
                    continue
                for host in e.hosts:
                    if m.diagnosis:
                        self._switchable(m, e, r, host, a)
                    else:
                        self._as_domain(m, e, r, host, a)

    def _as_domain(self, m: ModelContext, e, r, host: str, a) -> None:
        """One domain constraint per (engagement, person, host): the start days left free by every commitment."""
        blocked = []
        for c in m.commitments[r.id]:
            first, last = blocked_starts(m.scenario, c, e, host)
            blocked.extend([m.day(first), m.day(last)])
        allowed = m.Domain.from_values(m.allowed[(e.id, host)])
        free = allowed.intersection_with(m.Domain.from_flat_intervals(blocked).complement())
        if free.size() == allowed.size():
            return
        lit = m.host_literal(e, host)
        if not free.is_empty():
            m.model.add_linear_expression_in_domain(m.vars.start[e.id], free).only_enforce_if([a, lit])
        else:
            m.model.add_bool_or([a.Not(), lit.Not()])

    def _switchable(self, m: ModelContext, e, r, host: str, a) -> None:
        """Diagnosis: one constraint per commitment, each behind its own assumption, so a conflict can name it."""
        lit = m.host_literal(e, host)
        horizon_days = range(0, (m.scenario.horizon_end - m.scenario.horizon_start).days + 1)
        for c in m.commitments[r.id]:
            blocked = [d for d in horizon_days if commitment_blocks(m.scenario, c, e, host, m.date_of(d))]
            if not blocked:
                continue
            switch = m.switch(self.assumption(e.id, r.id, _with_dates(c)))
            allowed = m.Domain.from_values(blocked).complement()
            m.model.add_linear_expression_in_domain(m.vars.start[e.id], allowed).only_enforce_if([a, lit, *switch])

    def check(self, c: PlanContext):
        commitments = reviewer_commitments(c.scenario)
        for e, o in c.scheduled:
            for a in c.team(e.id):
                for item in commitments.get(a.reviewer_id, []):
                    if commitment_blocks(c.scenario, item, e, o.host, o.start):
                        label = "unavailable" if item.place is None else item.label
                        yield self.violation(e.id, a.reviewer_id, f"{a.reviewer_id} is sent to {e.title} ({o.start}–"
                                             f"{o.end}) but is {label} ({item.start}–{item.end})")

    def phrase(self, scenario, a) -> str:
        return f"{a.reviewer_id} is {a.detail}"


def _with_dates(c) -> str:
    """A commitment for a sentence, with its days ("unavailable 28 Aug–09 Sep"); one assumption per period."""
    days = f"on {c.start:%d %b}" if c.start == c.end else f"{c.start:%d %b}–{c.end:%d %b}"
    return f"{c.label} {days}" + (" (with the travel to and from it)" if c.place is not None else "")


RULE = FixedCommitments()
