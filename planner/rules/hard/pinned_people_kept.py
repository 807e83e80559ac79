"""Hard rule ``pinned_people_kept``: the people pins.csv fixes onto an engagement are on its team when it happens,
each in the pinned role (``lead``, ``member`` — on the team but not its lead — or ``attendee``), and the people
pinned ``excluded`` are not. The planner completes the rest of the team; an engagement left out keeps no one.

Pins are checked for what can be seen before solving (unknown ids, two leads, a role that does not fit the kind,
a lead who may not lead) when the scenario is loaded (``planner.io.references``); ``pin_problems`` adds what
needs the other rules: a pinned person whom a rule keeps off the engagement, or who is busy on every start."""

from __future__ import annotations

from planner.core.calendar import allowed_starts, free_starts, reviewer_commitments
from planner.core.model import Pin, Scenario
from planner.core.problems import Problem
from planner.rules.base import HardRule, ModelContext, Need, PlanContext
from planner.rules.names import RuleName

ON_TEAM = ("lead", "member", "attendee")


def _role_words(role: str) -> str:
    return {"lead": "as its lead", "member": "as a member", "attendee": "as an attendee"}.get(role, role)


class PinnedPeopleKept(HardRule):
    name = RuleName.PINNED_PEOPLE_KEPT
    order = 45
    staff_first = -10  # the greedy baseline seats pinned people before anyone else

    def excludes(self, scenario, e, host, r) -> bool:
        return any(p.reviewer_id == r.id and p.role == "excluded" for p in scenario.pins_of(e.id))

    def constrain_engagement(self, m: ModelContext, e) -> None:
        sched = m.vars.scheduled[e.id]
        for pin in m.scenario.pins_of(e.id):
            if pin.role not in ON_TEAM:
                continue  # excluded: no variable is made (``excludes``)
            switch = m.switch(self.assumption(e.id, pin.reviewer_id, pin.role))
            assigned = m.vars.assigned.get((e.id, pin.reviewer_id))
            lead = m.vars.lead.get((e.id, pin.reviewer_id))
            if assigned is None or (pin.role == "lead" and lead is None):
                # another rule keeps this person off (or they may not lead): the engagement cannot happen
                m.model.add(sched == 0).only_enforce_if(switch)
                continue
            m.model.add(assigned == sched).only_enforce_if(switch)
            if pin.role == "lead":
                m.model.add(lead == sched).only_enforce_if(switch)
            elif lead is not None:
                m.model.add(lead == 0).only_enforce_if(switch)

    def check(self, c: PlanContext):
        for e, _ in c.scheduled:
            roles = {a.reviewer_id: a.role for a in c.plan.team(e.id)}
            for pin in c.scenario.pins_of(e.id):
                have = roles.get(pin.reviewer_id)
                if pin.role == "excluded" and have is not None:
                    yield self.violation(e.id, pin.reviewer_id, f"{pin.reviewer_id} is pinned off {e.title} but is "
                                         f"on its team")
                elif pin.role in ON_TEAM and have is None:
                    yield self.violation(e.id, pin.reviewer_id, f"{pin.reviewer_id} is pinned onto {e.title} "
                                         f"{_role_words(pin.role)} but is not on its team")
                elif pin.role in ON_TEAM and have != pin.role:
                    yield self.violation(e.id, pin.reviewer_id, f"{pin.reviewer_id} is pinned onto {e.title} "
                                         f"{_role_words(pin.role)} but is on it {_role_words(have)}")

    def needs(self, scenario, e, host) -> list[Need]:
        return [Need(self.name, f"{pin.reviewer_id}, pinned {_role_words(pin.role)}",
                     lambda rs, rid=pin.reviewer_id: [r for r in rs if r.id == rid], 1)
                for pin in scenario.pins_of(e.id) if pin.role in ON_TEAM]

    def phrase(self, scenario, a) -> str:
        title = scenario.engagements_by_id[a.engagement_id].title
        return f"{a.reviewer_id} is pinned onto {title} {_role_words(a.detail)}"


RULE = PinnedPeopleKept()


def pin_problems(scenario: Scenario) -> list[Problem]:
    """Pins that cannot hold whatever the plan: the pinned person is kept off the engagement by another rule
    (reviewing their own participant, no capacity), or is busy (unavailable or at a fixed event, with the travel
    time) on every start day the engagement's window allows. Each names pins.csv, its row and column."""
    from planner.rules.hard import eligible_reviewers  # the rule list imports this module

    problems: list[Problem] = []
    commitments = None
    for pin in scenario.pins:
        e = scenario.engagements_by_id.get(pin.engagement_id)
        r = scenario.reviewers_by_id.get(pin.reviewer_id)
        if e is None or r is None or pin.role not in ON_TEAM:
            continue
        if not any(r in eligible_reviewers(scenario, e, host) for host in e.hosts):
            problems.append(_problem(pin, f"{r.id} cannot be on {e.id} at all (another rule keeps them off: "
                                     "they are from the host, or may take no engagement)"))
            continue
        commitments = commitments if commitments is not None else reviewer_commitments(scenario)
        starts = {host: allowed_starts(scenario, e, host) for host in e.hosts}
        if not any(starts.values()):
            problems.append(_problem(pin, f"{e.id} has no start day its window allows, so it can only be left "
                                     "out; a pin on it cannot hold", column="engagement_id", value=e.id))
        elif not any(free_starts(scenario, e, host, r, days, commitments[r.id]) for host, days in starts.items()):
            problems.append(_problem(pin, f"{r.id} is unavailable or at a fixed event on every start day of "
                                     f"{e.id} ({e.earliest_start:%d %b}–{e.latest_end:%d %b %Y})"))
    return problems


def _problem(pin: Pin, sentence: str, column: str = "reviewer_id", value: str | None = None) -> Problem:
    return Problem("pins.csv", f"expected a pin that can hold: {sentence}", row=pin.source_row, column=column,
                   value=pin.reviewer_id if value is None else value)
