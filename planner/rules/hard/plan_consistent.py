"""Hard rule ``plan_consistent``: the plan refers to the scenario's engagements, hosts and people, once each,
and every assignment repeats its engagement's dates and host. The model holds it by construction (one
variable per engagement, host and person); only the checker needs to say it."""

from __future__ import annotations

from collections import Counter

from planner.rules.base import HardRule, PlanContext
from planner.rules.names import RuleName


class PlanConsistent(HardRule):
    name = RuleName.PLAN_CONSISTENT
    order = 10

    def check(self, c: PlanContext):
        for e in c.scenario.engagements:
            if e.id not in c.outcomes:
                yield self.violation(e.id, "", f"{e.title} has no row in the plan's engagements.csv")
        for o in c.plan.engagements:
            e = c.engagements.get(o.engagement_id)
            if e is None:
                yield self.violation(o.engagement_id, "", f"unknown engagement {o.engagement_id}")
                continue
            if o.scheduled:
                if o.start is None or o.end is None:
                    yield self.violation(e.id, "", f"{e.title} is scheduled without dates")
                elif o.end != e.end_for(o.start):
                    yield self.violation(e.id, "", f"{e.title} lasts {e.duration_days} days, so it should end on "
                                         f"{e.end_for(o.start)}, not {o.end}")
                if o.host not in e.hosts:
                    yield self.violation(e.id, "", f"{e.title} is hosted by {o.host or 'nobody'}, not one of its "
                                         f"candidate hosts {', '.join(e.hosts)}")
        seen = Counter((a.engagement_id, a.reviewer_id) for a in c.plan.assignments)
        for (eid, rid), n in sorted(seen.items()):
            if n > 1:
                yield self.violation(eid, rid, f"{rid} is listed {n} times on {eid}")
        for a in c.plan.assignments:
            o = c.outcomes.get(a.engagement_id)
            if a.reviewer_id not in c.reviewers:
                yield self.violation(a.engagement_id, a.reviewer_id, f"unknown reviewer {a.reviewer_id}")
            if o is None or not o.scheduled:
                yield self.violation(a.engagement_id, a.reviewer_id,
                                     f"{a.reviewer_id} is assigned to {a.engagement_id}, which is not scheduled")
            elif (a.start, a.end, a.host) != (o.start, o.end, o.host):
                yield self.violation(a.engagement_id, a.reviewer_id,
                                     f"{a.reviewer_id}'s dates or host for {a.engagement_id} differ from the "
                                     "engagement's")


RULE = PlanConsistent()
