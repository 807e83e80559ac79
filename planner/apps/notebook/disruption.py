"""03-disruption: a reviewer drops out of a scheduled engagement (``drop_out``); ``DisruptionPanel`` re-plans
with the fewest changes from the plan (``planner.engine.replan``) and shows what changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import ipywidgets as w
from IPython.display import HTML

from planner.apps import edits
from planner.apps.notebook.background import NOTEBOOK_TIME_LIMIT_S, BackgroundSolve
from planner.apps.notebook.display import Displayable, comparison_objects, show
from planner.apps.notebook.messages import message_html
from planner.apps.notebook.panels import SolvePanel
from planner.core.model import Plan, Scenario
from planner.engine.replan import DropOut, Replanning, prepare_replan
from planner.engine.solve import SolveResult
from planner.views.comparison import Comparison, compare
from planner.views.tables import result_summary, span_text


@dataclass
class Disruption:
    """A reviewer drops out of an engagement ``days_before`` its start: the re-plan to solve."""

    replanning: Replanning  # what the re-plan solves, and the plan it counts changes from
    today: date
    reviewer_id: str
    engagement_id: str
    description: str

    @property
    def scenario(self) -> Scenario:
        """What the new plan must satisfy: published dates, what started by ``today`` pinned, the drop-out."""
        return self.replanning.scenario

    def job(self, time_limit_s: float) -> BackgroundSolve:
        """The minimal-change re-plan, in the background."""
        r = self.replanning
        return BackgroundSolve(r.scenario, time_limit_s=time_limit_s, **r.options)


def drop_out(scenario: Scenario, plan: Plan, engagement_id: str, reviewer_id: str, days_before: int = 14
             ) -> Disruption:
    """``reviewer_id`` cannot do ``engagement_id`` after all (whatever its dates), and we learn it
    ``days_before`` its start. The plan's dates become published, engagements started by then are pinned."""
    o = plan.outcomes_by_id.get(engagement_id)
    if o is None or not o.scheduled:
        raise edits.EditRejected(f"{engagement_id} is not scheduled in the plan; choose a scheduled engagement.")
    team = {a.reviewer_id for a in plan.team(engagement_id)}
    if reviewer_id not in team:
        raise edits.EditRejected(f"{reviewer_id} is not on the team of {engagement_id} "
                                 f"({', '.join(sorted(team))}).")
    days = edits._whole_number(days_before, "number of days before the start", 0, 365)
    today = o.start - timedelta(days=days)
    title = scenario.engagements_by_id[engagement_id].title
    replanning = prepare_replan(scenario, plan, today=today, drop_outs=[DropOut(reviewer_id, engagement_id)])
    text = (f"On {today:%a %d %b %Y}, {days} days before it starts, {reviewer_id} drops out of {title} "
            f"({span_text(o.start, o.end)}).")
    return Disruption(replanning, today, reviewer_id, engagement_id, text)


class DisruptionPanel(Displayable):
    """03-disruption: choose a scheduled engagement, a member who drops out and how early we learn it;
    "Re-plan" solves with the fewest changes from the plan and shows what changes."""

    def __init__(self, scenario: Scenario, plan: Plan, *, time_limit_s: float = NOTEBOOK_TIME_LIMIT_S):
        self.scenario, self.plan = scenario, plan
        self.disruption: Disruption | None = None
        self.comparison: Comparison | None = None
        engagements = scenario.engagements_by_id
        options = [(f"{o.engagement_id} — {engagements[o.engagement_id].title} ({span_text(o.start, o.end)})",
                    o.engagement_id) for o in sorted(plan.scheduled(), key=lambda o: o.start)]
        self.engagement = w.Dropdown(options=options, description="Engagement", layout=w.Layout(width="640px"))
        self.reviewer = w.Dropdown(description="Drops out")
        self.days_before = w.BoundedIntText(value=14, min=0, max=180, description="Days before")
        self.engagement.observe(lambda _c: self._team(), names="value")
        self._team()
        self.panel = SolvePanel(self._job, time_limit_s=time_limit_s, render=self._render, solve_label="Re-plan")
        self.widget = w.VBox([self.engagement, w.HBox([self.reviewer, self.days_before]), self.panel.widget])

    def _team(self) -> None:
        eid = self.engagement.value
        lead = self.plan.lead(eid)
        people = sorted((a.reviewer_id for a in self.plan.team(eid)), key=lambda r: (r != lead, r))
        self.reviewer.options = [(f"{r} (lead)" if r == lead else r, r) for r in people]

    def _job(self, time_limit_s: float) -> BackgroundSolve:
        self.disruption = drop_out(self.scenario, self.plan, self.engagement.value, self.reviewer.value,
                                   self.days_before.value)
        self.panel.messages.show(self.disruption.description, "info")
        return self.disruption.job(time_limit_s)

    def _render(self, result: SolveResult, panel: SolvePanel) -> None:
        objects: list = [HTML(message_html(result_summary(result), "ok" if result.plan else "error"))]
        if result.plan is not None:
            self.comparison = compare(self.disruption.scenario, self.plan, result.plan, ("before", "after"),
                                      after_result=result)
            objects += comparison_objects(self.comparison)
        show(panel.results, objects)


__all__ = ["Disruption", "DisruptionPanel", "drop_out"]
