"""Hard rule ``team_size``: the team size is within the engagement's bounds (review visits: the rules' bounds;
workshops and meetings: at least their required attendees)."""

from __future__ import annotations

from planner.rules.base import HardRule, ModelContext, Need, PlanContext
from planner.rules.names import RuleName


class TeamSize(HardRule):
    name = RuleName.TEAM_SIZE
    order = 50

    def constrain_engagement(self, m: ModelContext, e) -> None:
        low, high = m.scenario.team_bounds(e)
        sched, team = m.vars.scheduled[e.id], m.team(e)
        switch = m.switch(self.assumption(e.id, detail=f"{low}-{high}"))
        m.model.add(sum(team) >= low * sched).only_enforce_if(switch)
        m.model.add(sum(team) <= high * sched).only_enforce_if(switch)

    def check(self, c: PlanContext):
        for e, _ in c.scheduled:
            low, high = c.scenario.team_bounds(e)
            n = len(c.team(e.id))
            if not low <= n <= high:
                yield self.violation(e.id, "", f"{e.title} has {n} people; expected {low} to {high}")

    def needs(self, scenario, e, host) -> list[Need]:
        low, _ = scenario.team_bounds(e)
        return [Need(self.name, f"{low} people", lambda rs: rs, low)]

    def phrase(self, scenario, a) -> str:
        return f"{scenario.engagements_by_id[a.engagement_id].title} needs {a.detail.replace('-', ' to ')} people"


RULE = TeamSize()
