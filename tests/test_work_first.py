"""Work comes first by default: weights for leaving work out that a scenario does not set are derived so that
no engagement is left out to save travel or any other soft cost (planner.core.model.work_first_weights)."""

from __future__ import annotations

import dataclasses

import yaml
from planner_helpers import load_mini, outcome, solve_explained, unschedule, with_weights

from planner import load_scenario, save_scenario
from planner.apps import edits
from planner.apps.synthetic import SyntheticSpec, generate
from planner.core.calendar import home_of, km_between, site_of
from planner.core.model import DERIVABLE_WEIGHTS, PRIORITIES, SolverSettings, soft_term_spread
from planner.engine.explain import why_left_out
from planner.engine.greedy import greedy_plan
from planner.engine.solve import SolveStatus, solve
from planner.rules.checker import check
from planner.rules.names import TermName


def _scheduled_by_priority(scenario, plan) -> tuple[int, ...]:
    done = {o.engagement_id for o in plan.scheduled()}
    return tuple(sum(1 for e in scenario.engagements if e.priority == p and e.id in done) for p in PRIORITIES)


def test_weights_absent_from_the_file_are_derived_and_saved_as_auto(tmp_path):
    scenario = generate(SyntheticSpec(engagements=6, reviewers=30, seed=3))
    assert scenario.derived_weights == DERIVABLE_WEIGHTS
    save_scenario(scenario, tmp_path / "s")
    written = yaml.safe_load((tmp_path / "s" / "scenario.yaml").read_text())["weights"]
    assert {k: written[k] for k in DERIVABLE_WEIGHTS} == dict.fromkeys(DERIVABLE_WEIGHTS, "auto")
    again = load_scenario(tmp_path / "s")
    assert again.derived_weights == DERIVABLE_WEIGHTS and again.weights == scenario.weights


def test_weights_written_in_the_file_are_kept():
    mini = load_mini()  # its scenario.yaml sets the three weights
    assert mini.derived_weights == ()
    assert (mini.weights["unscheduled_high"], mini.weights["unscheduled_normal"],
            mini.weights["unscheduled_low"]) == (1000, 400, 150)


def test_derived_weights_dominate_priority_by_priority():
    scenario = generate(SyntheticSpec(engagements=12, reviewers=40, seed=5))
    w = scenario.weights
    count = {p: sum(1 for e in scenario.engagements if e.priority == p) for p in PRIORITIES}
    # an independent bound on the travel term alone: every seat of every team flown from the farthest home
    sites = {h: site_of(scenario, h) for e in scenario.engagements for h in e.hosts}
    farthest = max(km_between(home_of(r), site) for r in scenario.reviewers for site in sites.values())
    travel = w["travel_km"] * sum(2 * farthest * scenario.team_bounds(e)[1] for e in scenario.engagements)
    assert w["unscheduled_low"] > travel
    assert w["unscheduled_normal"] > w["unscheduled_low"] * count["low"]
    assert w["unscheduled_high"] > w["unscheduled_normal"] * count["normal"] + w["unscheduled_low"] * count["low"]


def test_a_derived_weight_follows_the_scenario_and_a_weight_set_by_hand_stops_being_derived():
    scenario = generate(SyntheticSpec(engagements=6, reviewers=30, seed=3))
    doubled = edits.set_weight(scenario, "travel_km", scenario.weights["travel_km"] * 2)
    assert doubled.weights["unscheduled_low"] > scenario.weights["unscheduled_low"]  # re-derived
    fixed = edits.set_weight(scenario, "unscheduled_low", 7)
    assert fixed.weights["unscheduled_low"] == 7 and "unscheduled_low" not in fixed.derived_weights
    assert "unscheduled_normal" in fixed.derived_weights


def test_with_derived_weights_work_is_not_left_out_to_save_travel():
    mini = load_mini()
    # with no weight on leaving it out, the chairs' meeting is not worth its travel ...
    cheap = with_weights(mini, unscheduled_normal=0)
    assert not outcome(solve_explained(cheap, time_limit_s=10, reproducible=True).plan, "CHAIRS").scheduled
    # ... with derived weights it is scheduled
    derived = dataclasses.replace(cheap, derived_weights=DERIVABLE_WEIGHTS)
    result = solve(derived, time_limit_s=10, reproducible=True)
    assert result.status == SolveStatus.OPTIMAL
    assert outcome(result.plan, "CHAIRS").scheduled


def test_the_solver_schedules_at_least_what_a_simpler_valid_plan_schedules():
    scenario = generate(SyntheticSpec(engagements=12, reviewers=40, seed=5))
    result = solve(scenario, time_limit_s=30, workers=2)
    assert result.status == SolveStatus.OPTIMAL, result.summary()
    assert check(scenario, result.plan).ok
    greedy = greedy_plan(scenario)  # a valid plan of a simpler method: the solver schedules at least as much
    assert check(scenario, greedy).ok
    assert _scheduled_by_priority(scenario, result.plan) >= _scheduled_by_priority(scenario, greedy)


def test_every_soft_term_has_a_spread_bound():
    scenario = generate(SyntheticSpec(engagements=6, reviewers=30, seed=3))
    others = {str(n) for n in TermName} - set(DERIVABLE_WEIGHTS)
    assert set(soft_term_spread(scenario)) == others


def test_two_valid_plans_differ_in_the_other_terms_by_less_than_the_spread():
    scenario = generate(SyntheticSpec(engagements=12, reviewers=40, seed=5))
    plans = [greedy_plan(scenario), solve(scenario, time_limit_s=10, workers=2).plan,
             solve(with_weights(scenario, travel_km=0, chain_credit_km=0), time_limit_s=5, workers=2).plan]
    spread = soft_term_spread(scenario)

    def others(plan) -> float:
        return sum(t.penalty for t in check(scenario, plan).terms if t.name in spread)

    for a in plans:
        for b in plans:
            assert abs(others(a) - others(b)) <= sum(spread.values())


def test_a_left_out_reason_compares_costs_under_the_same_derived_weights(monkeypatch):
    """Forcing one engagement in must not re-derive the weights: one fewer optional engagement lowers the weights
    above it, and the reason would then compare costs in two different units."""
    import planner.engine.explain as explain_module

    derived = dataclasses.replace(load_mini(), derived_weights=DERIVABLE_WEIGHTS)
    plan = solve(derived, time_limit_s=10, reproducible=True).plan
    seen = []

    def recording_solve(scenario, **options):
        seen.append(scenario)
        return solve(scenario, **options)

    monkeypatch.setattr(explain_module, "solve", recording_solve)
    why_left_out(derived, derived.engagements_by_id["CHAIRS"], unschedule(plan, "CHAIRS"),
                 SolverSettings(time_limit_s=8, workers=2), time_limit_s=5)
    forced = seen[0]
    assert forced.engagements_by_id["CHAIRS"].required
    assert forced.weights == derived.weights
