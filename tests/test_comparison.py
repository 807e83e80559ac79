"""The what-if comparison's verdict: a difference is the edits' only when both plans are proven best; otherwise
the range the search leaves open is said, so that the search's luck is not taken for the edit's effect."""

from __future__ import annotations

import dataclasses

from planner.views.comparison import Certainty, attribution, compare


def test_both_proven_best_attributes_the_whole_difference_to_the_edits():
    verdict, proven = attribution(Certainty(3000.0, 3000.0, True), Certainty(3250.5, 3250.5, True))
    assert proven and "every difference below is the effect of the edits" in verdict and "+250.50" in verdict


def test_an_unproven_variant_gives_the_range_of_the_best_cost_change():
    verdict, proven = attribution(Certainty(3000.0, 3000.0, True), Certainty(3400.0, 2900.0, False))
    assert not proven
    assert "the variant is not proven best" in verdict
    assert "between -100.00 and +400.00" in verdict and "may be the search's" in verdict


def test_an_unproven_saved_plan_without_bound_says_nothing_can_be_attributed():
    verdict, proven = attribution(Certainty(3000.0, None, False), Certainty(3100.0, 3100.0, True))
    assert not proven and "the saved plan is not proven best and has no useful bound" in verdict


def test_compare_reads_the_saved_plans_certainty_from_plan_json(mini, plan):
    proven = dataclasses.replace(plan, meta={**plan.meta, "status": "OPTIMAL", "objective": 10.0, "bound": 10.0})
    assert compare(mini, proven, proven).both_proven
    unproven = dataclasses.replace(proven, meta={**proven.meta, "status": "FEASIBLE", "bound": 5.0})
    comparison = compare(mini, proven, unproven)
    assert not comparison.both_proven and "between -5.00 and +0.00" in comparison.verdict


def test_a_fewest_changes_re_plan_is_not_called_proven_best_for_the_comparison(mini, plan):
    from planner.engine.replan import DropOut, prepare_replan

    eid, rid = next((o.engagement_id, a.reviewer_id) for o in plan.scheduled() for a in plan.team(o.engagement_id)
                    if a.role == "member")
    proven = dataclasses.replace(plan, meta={**plan.meta, "status": "OPTIMAL", "objective": 10.0, "bound": 10.0})
    replanning = prepare_replan(mini, proven, drop_outs=[DropOut(rid, eid)])
    result = replanning.solve(time_limit_s=10)
    comparison = compare(replanning.scenario, proven, result.plan, after_result=result)
    assert not comparison.both_proven
    assert "fewest changes first" in comparison.verdict and "price of changing little" in comparison.verdict
