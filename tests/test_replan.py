"""Re-planning: the past does not move, and what has not started cannot move into the past."""

from __future__ import annotations

from datetime import timedelta

from planner_helpers import MINI_DIR

from planner import check
from planner.engine.replan import mark_unavailable, published, replan


def test_an_engagement_that_has_not_started_cannot_move_before_today(mini, plan):
    # the latest-starting engagement must move: its whole team is away on its dates
    o = max(plan.scheduled(), key=lambda o: o.start)
    today = o.start - timedelta(days=3)
    s = mini
    for a in plan.team(o.engagement_id):
        s = mark_unavailable(s, a.reviewer_id, o.start, o.end)
    result = replan(s, plan, today=today, time_limit_s=10)
    assert result.plan is not None
    moved = result.plan.outcomes_by_id[o.engagement_id]
    assert not moved.scheduled or moved.start > today
    for other in result.plan.scheduled():
        before = plan.outcomes_by_id[other.engagement_id]
        if before.scheduled and before.start <= today:
            assert other.start == before.start  # started by today: pinned where it was
        else:
            assert other.start > today
    assert check(published(s, plan, today), result.plan).ok


def test_published_scenario_keeps_windows_when_no_day_is_given(mini, plan):
    s = published(mini, plan)
    for e in s.engagements:
        original = mini.engagements_by_id[e.id]
        assert e.earliest_start == original.earliest_start and e.pinned_start == original.pinned_start
        assert e.published_start == plan.outcomes_by_id[e.id].start


def test_check_scores_team_changes_against_a_reference(mini, plan, tmp_path, capsys):
    from planner.apps.cli import main
    from planner.io.plan_files import save_plan

    reference = save_plan(plan, tmp_path / "reference")
    lead = next(a for a in plan.assignments if a.role == "lead")
    changed = type(plan)(tuple(a for a in plan.assignments if a != lead), plan.engagements, plan.meta)
    save_plan(changed, tmp_path / "changed")
    code = main(["check", str(MINI_DIR), str(tmp_path / "changed"), "--reference", str(reference)])
    out = capsys.readouterr().out
    assert code == 1  # the visit lost its lead: a hard rule
    assert f"{lead.reviewer_id} leaves" in out
