"""Hard rule ``no_self_review``: nobody reviews the participant they are from (EU member states count as the
EU), whether government or observer. The model never makes a variable for such a pair."""

from __future__ import annotations

from planner.rules.base import HardRule, PlanContext, country_name
from planner.rules.names import RuleName


class NoSelfReview(HardRule):
    name = RuleName.NO_SELF_REVIEW
    order = 70

    def excludes(self, scenario, e, host, r) -> bool:
        return e.is_review_visit and scenario.reviewer_participant(r) == host

    def check(self, c: PlanContext):
        for e, o in c.scheduled:
            if not e.is_review_visit:
                continue
            for a in c.team(e.id):
                if c.scenario.reviewer_participant(c.reviewers[a.reviewer_id]) == o.host:
                    yield self.violation(e.id, a.reviewer_id, f"{a.reviewer_id} is from "
                                         f"{country_name(c.scenario, o.host)} and cannot review it")


RULE = NoSelfReview()
