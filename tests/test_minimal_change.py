"""Minimal-change re-planning: the change count (model and plan side by side), drop-outs, and the three
re-plan policies on the real scenario (each solve is proven optimal in a few seconds)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

import pytest
from ortools.sat.python import cp_model

from planner import check, load_plan, load_scenario
from planner.engine.hints import hint_from_plan
from planner.engine.model import ModelBuilder
from planner.engine.replan import DropOut, ReplanPolicy, apply_drop_outs, prepare_replan
from planner.rules.changes import ChangeKind, change_count, plan_changes
from planner.rules.scoring import evaluate, total_penalty
from tests.planner_helpers import add_assignment, move_engagement, remove_assignment, replace_assignment, unschedule

ROOT = Path(__file__).resolve().parent.parent
KP = ROOT / "data" / "scenarios" / "kp-2018-h2"
PUBLISHED = ROOT / "plans" / "kp-2018-h2"


def _model_count(scenario, reference, plan) -> int:
    """The model's change count with every decision fixed to ``plan`` (diagnosis mode: the hard rules are
    behind free switches, so that plans that break a rule can be counted too)."""
    builder = ModelBuilder(scenario, reference, diagnosis=True).build()
    changes = change_count(builder, reference)
    hint_from_plan(builder, plan)
    proto = builder.model.proto
    for var_index, value in zip(proto.solution_hint.vars, proto.solution_hint.values, strict=True):
        builder.model.add(builder.model.get_int_var_from_proto_index(var_index) == value)
    builder.model.minimize(changes)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(builder.model) == cp_model.OPTIMAL
    return round(solver.objective_value)


def _variants(s, plan):
    visit = next(o for o in plan.scheduled() if s.engagements_by_id[o.engagement_id].is_review_visit)
    eid = visit.engagement_id
    lead = plan.lead(eid)
    member = next(a.reviewer_id for a in plan.team(eid) if a.role == "member")
    outsider = next(r.id for r in s.reviewers if r.id not in {a.reviewer_id for a in plan.team(eid)})
    promoted = replace_assignment(replace_assignment(plan, eid, lead, role="member"), eid, member, role="lead")
    return {
        "same": (plan, 0, []),
        "moved 7 days": (move_engagement(plan, s, eid, visit.start + timedelta(days=7)), 1, [ChangeKind.MOVED]),
        "a member leaves": (remove_assignment(plan, eid, member), 1, [ChangeKind.LEAVES]),
        "someone joins": (add_assignment(plan, s, eid, outsider), 1, [ChangeKind.JOINS]),
        "a member replaced": (add_assignment(remove_assignment(plan, eid, member), s, eid, outsider), 2,
                              [ChangeKind.LEAVES, ChangeKind.JOINS]),
        "another lead": (promoted, 1, [ChangeKind.LEAD]),
        "dropped": (unschedule(plan, eid), 1, [ChangeKind.DROPPED]),
    }


@pytest.mark.parametrize("variant", ["same", "moved 7 days", "a member leaves", "someone joins",
                                     "a member replaced", "another lead", "dropped"])
def test_the_model_counts_the_changes_the_plan_comparison_counts(mini, plan, variant):
    after, expected, kinds = _variants(mini, plan)[variant]
    changes = plan_changes(mini, plan, after)
    assert [c.kind for c in changes] == kinds and len(changes) == expected
    assert _model_count(mini, plan, after) == expected


def test_a_newly_scheduled_engagement_is_one_change_in_both_counts(mini, plan):
    eid = plan.scheduled()[0].engagement_id
    before = unschedule(plan, eid)
    assert [c.kind for c in plan_changes(mini, before, plan)] == [ChangeKind.ADDED]
    assert _model_count(mini, before, plan) == 1


@pytest.fixture(scope="module")
def kp():
    return load_scenario(KP)


@pytest.fixture(scope="module")
def published_plan():
    return load_plan(PUBLISHED)


def _member(plan, scenario):
    """A review visit of the published plan and a member (not its lead)."""
    for o in sorted(plan.scheduled(), key=lambda o: o.engagement_id):
        if scenario.engagements_by_id[o.engagement_id].is_review_visit:
            member = next(a.reviewer_id for a in plan.team(o.engagement_id) if a.role == "member")
            return o, member
    raise AssertionError("no review visit in the published plan")


def test_a_member_dropping_out_of_one_team_is_replaced_and_nothing_else_changes(kp, published_plan):
    o, member = _member(published_plan, kp)
    replanning = prepare_replan(kp, published_plan, today=o.start - timedelta(days=14),
                                drop_outs=[DropOut(member, o.engagement_id)])
    result = replanning.solve(time_limit_s=60, workers=2)
    assert result.status == "OPTIMAL", result.summary()
    assert [s.proven for s in result.stages] == [True, True]
    assert [c.kind for c in replanning.given()] == [ChangeKind.LEAVES]  # the drop-out itself
    assert len(result.changes) == 1, [c.sentence for c in result.changes]
    (change,) = result.changes
    assert change.kind == ChangeKind.JOINS and change.engagement_id == o.engagement_id
    assert member not in {a.reviewer_id for a in result.plan.team(o.engagement_id)}
    assert check(replanning.scenario, result.plan).ok
    assert result.stages[1].value == len(result.changes)  # the model's count is the plan comparison's


def test_the_free_policy_is_never_worse_on_the_soft_terms_than_the_fewest_changes(kp, published_plan):
    o, member = _member(published_plan, kp)
    options = dict(today=o.start - timedelta(days=14), drop_outs=[DropOut(member, o.engagement_id)])
    fewest = prepare_replan(kp, published_plan, policy=ReplanPolicy.FEWEST, **options).solve(time_limit_s=60)
    free_replanning = prepare_replan(kp, published_plan, policy=ReplanPolicy.FREE, **options)
    free = free_replanning.solve(time_limit_s=60)
    assert free.status == "OPTIMAL" and fewest.status == "OPTIMAL"
    on_free_terms = free_replanning.scenario
    assert (total_penalty(evaluate(on_free_terms, free.plan)) <=
            total_penalty(evaluate(on_free_terms, fewest.plan)) + 1e-6)
    assert len(free.changes) >= len(fewest.changes)


def test_a_drop_out_must_name_a_person_on_that_team(kp, published_plan):
    o, _ = _member(published_plan, kp)
    outsider = next(r.id for r in kp.reviewers
                    if r.id not in {a.reviewer_id for a in published_plan.team(o.engagement_id)})
    with pytest.raises(ValueError, match=f"{outsider} is not on the team of {o.engagement_id}"):
        apply_drop_outs(kp, published_plan, [DropOut(outsider, o.engagement_id)])
    with pytest.raises(ValueError, match="unknown reviewer 'NOBODY-9'"):
        apply_drop_outs(kp, published_plan, [DropOut("NOBODY-9")])
    with pytest.raises(ValueError, match="unknown engagement 'XX-RV'"):
        apply_drop_outs(kp, published_plan, [DropOut(outsider, "XX-RV")])


def test_a_dropped_out_attendee_is_no_longer_required_and_is_kept_off(kp, published_plan):
    meeting = next(o for o in published_plan.scheduled()
                   if kp.engagements_by_id[o.engagement_id].kind != "review_visit"
                   and kp.attendees_of(kp.engagements_by_id[o.engagement_id].attendees))
    who = kp.attendees_of(kp.engagements_by_id[meeting.engagement_id].attendees)[0]
    changed, reference, excluded = apply_drop_outs(kp, published_plan, [DropOut(who, meeting.engagement_id)])
    assert who not in changed.attendees_of(changed.engagements_by_id[meeting.engagement_id].attendees)
    assert (meeting.engagement_id, who) in excluded
    assert who not in {a.reviewer_id for a in reference.team(meeting.engagement_id)}
    assert who in {a.reviewer_id for a in published_plan.team(meeting.engagement_id)}


def test_drop_out_parses_reviewer_and_optional_engagement():
    assert DropOut.parse("EU-2") == DropOut("EU-2", None)
    assert DropOut.parse("EU-2:CI-RV") == DropOut("EU-2", "CI-RV")


def test_a_what_if_variant_started_from_the_published_plan_is_never_worse_when_that_plan_still_fits(
        kp, published_plan):
    """Even with a time limit far too short to prove anything, the hinted published plan is the first solution."""
    from planner.apps import edits
    from planner.engine.solve import solve

    variant = edits.set_weight(kp, "max_load", 80)
    assert check(variant, published_plan).ok  # a weight change leaves the published plan valid
    published_cost = total_penalty(evaluate(variant, published_plan))
    result = solve(variant, hint=published_plan, time_limit_s=0.5, workers=1)
    assert result.plan is not None and result.objective <= published_cost + 1e-6


# --- review findings: each one a test -------------------------------------------------------------------


def test_a_level_that_finds_nothing_keeps_the_previous_levels_plan(mini, plan, monkeypatch):
    import planner.engine.solve as solve_module

    real_run, calls = solve_module._run, []

    def second_level_finds_nothing(builder, settings, *args, **kwargs):
        calls.append(1)
        solver, status, runtime, found = real_run(builder, settings, *args, **kwargs)
        return (solver, cp_model.UNKNOWN, runtime, 0) if len(calls) == 2 else (solver, status, runtime, found)

    monkeypatch.setattr(solve_module, "_run", second_level_finds_nothing)
    eid, rid = next((o.engagement_id, a.reviewer_id) for o in plan.scheduled() for a in plan.team(o.engagement_id)
                    if a.role == "member")
    replanning = prepare_replan(mini, plan, drop_outs=[DropOut(rid, eid)])
    result = replanning.solve(time_limit_s=10)
    assert result.plan is not None and result.status == "FEASIBLE"  # the first level's plan, not none
    assert check(replanning.scenario, result.plan).ok


def test_the_starting_plan_is_returned_only_when_it_holds_every_rule(mini, plan):
    from planner.engine.solve import solve
    from tests.planner_helpers import with_reviewer

    member = next(a for a in plan.assignments if a.role == "member")
    broken = with_reviewer(mini, member.reviewer_id, max_engagements=0)  # the hint breaks a rule now
    result = solve(broken, hint=plan, time_limit_s=0.05, workers=1)
    assert result.plan is None or check(broken, result.plan).ok


def test_what_has_started_keeps_its_team_and_lead_even_in_a_free_re_plan(kp, published_plan):
    first = min(published_plan.scheduled(), key=lambda o: o.start)
    today = first.start + timedelta(days=1)  # under way
    replanning = prepare_replan(kp, published_plan, today=today, policy=ReplanPolicy.FREE)
    result = replanning.solve(time_limit_s=30)
    assert result.plan is not None
    team = {(a.reviewer_id, a.role) for a in published_plan.team(first.engagement_id)}
    assert {(a.reviewer_id, a.role) for a in result.plan.team(first.engagement_id)} == team


def test_a_free_re_plan_records_its_changes_and_policy(mini, plan):
    o = plan.scheduled()[0]
    who = plan.team(o.engagement_id)[0].reviewer_id
    from planner.engine.replan import mark_unavailable

    away = mark_unavailable(mini, who, o.start, o.end)
    result = prepare_replan(away, plan, policy=ReplanPolicy.FREE).solve(time_limit_s=10)
    assert result.changes and result.plan.meta["changes"]["policy"] == "free"
    assert result.plan.meta["changes"]["count"] == len(result.changes) == len(plan_changes(away, plan, result.plan))


def test_a_single_host_engagement_whose_host_changed_counts_as_one_change_in_both_counts(mini, plan):
    import dataclasses

    from tests.planner_helpers import rehost

    o = next(o for o in plan.scheduled() if len(mini.engagements_by_id[o.engagement_id].hosts) == 1)
    other = next(p.code for p in mini.participants if p.code != o.host)
    before = rehost(plan, o.engagement_id, other)  # published at a host the scenario no longer offers
    s = dataclasses.replace(mini)
    assert [c.kind for c in plan_changes(s, before, plan)] == [ChangeKind.REHOSTED]
    assert _model_count(s, before, plan) == 1


def test_a_solve_cut_short_gives_at_least_the_greedy_baseline_and_reports_it_first(kp):
    """The greedy baseline holds every rule on kp-2018-h2: it is the first plan reported, before the model is built,
    and a search stopped after a few of its own worse solutions returns it rather than one of those."""
    from planner.engine.greedy import greedy_plan
    from planner.engine.solve import solve

    baseline = check(kp, greedy_plan(kp))
    assert baseline.ok
    reports = []
    result = solve(kp, time_limit_s=0.02, reproducible=True, workers=1, progress=reports.append)
    assert reports[0].starting and reports[0].objective == pytest.approx(baseline.objective)
    assert "starting plan" in reports[0].text()
    assert all(r.objective < baseline.objective for r in reports[1:])  # only improvements are news
    assert result.status == "FEASIBLE" and check(kp, result.plan).ok
    assert result.objective <= baseline.objective + 1e-6
    assert "More time would help" in result.quality()


def test_a_greedy_baseline_that_breaks_a_rule_is_neither_reported_nor_returned(kp, monkeypatch):
    import planner.engine.solve as solve_module
    from planner.engine.greedy import greedy_plan

    real = greedy_plan(kp)
    lead = next(a for a in real.assignments if a.role == "lead")
    broken = dataclasses.replace(real, assignments=tuple(a for a in real.assignments if a != lead))
    assert not check(kp, broken).ok  # a review visit without its lead
    monkeypatch.setattr(solve_module, "greedy_plan", lambda scenario: broken)
    reports = []
    result = solve_module.solve(kp, time_limit_s=0.02, reproducible=True, workers=1, progress=reports.append)
    assert not any(r.starting for r in reports)
    assert result.plan is None or (check(kp, result.plan).ok and result.plan.assignments != broken.assignments)


def test_a_what_if_variant_the_published_plan_no_longer_fits_starts_from_the_greedy_baseline(kp, published_plan):
    """CSC-2 away for a month breaks the published plan: the search is still hinted with its decisions, but the
    plan the user has at once, and at least gets, is the greedy baseline, which holds every rule."""
    from datetime import date

    from planner.apps import edits
    from planner.engine.greedy import greedy_plan
    from planner.engine.solve import solve

    variant = edits.mark_unavailable(kp, "CSC-2", date(2018, 9, 15), date(2018, 10, 15))
    assert not check(variant, published_plan).ok
    baseline = check(variant, greedy_plan(variant))
    assert baseline.ok
    reports = []
    result = solve(variant, hint=published_plan, time_limit_s=0.02, reproducible=True, workers=1,
                   progress=reports.append)
    assert reports[0].starting and reports[0].objective == pytest.approx(baseline.objective)
    assert result.plan is not None and check(variant, result.plan).ok
    assert result.objective <= baseline.objective + 1e-6


def test_a_what_if_variant_the_published_plan_still_fits_starts_from_the_published_plan(kp, published_plan):
    from planner.apps import edits
    from planner.engine.solve import solve

    variant = edits.set_weight(kp, "max_load", 80)
    reports = []
    solve(variant, hint=published_plan, time_limit_s=0.02, reproducible=True, workers=1, progress=reports.append)
    assert reports[0].starting
    assert reports[0].objective == pytest.approx(total_penalty(evaluate(variant, published_plan)))


def test_a_search_that_ends_on_a_worse_plan_returns_the_starting_plan_with_no_bound_above_it(kp, monkeypatch):
    """Every plan the search may find is made to cost more than the greedy baseline (a floor on its objective):
    the result is the baseline itself, FEASIBLE, and the floored search's bound, which is not a bound on the
    baseline's scenario, is not shown above its objective."""
    import planner.engine.solve as solve_module
    from planner.engine.greedy import greedy_plan
    from planner.engine.model import WEIGHT_SCALE

    baseline = greedy_plan(kp)
    baseline_cost = check(kp, baseline).objective
    real_run = solve_module._run

    def floored(builder, *args, **kwargs):
        builder.model.add(builder.objective_expr >= round((baseline_cost + 1_000) * WEIGHT_SCALE))
        return real_run(builder, *args, **kwargs)

    monkeypatch.setattr(solve_module, "_run", floored)
    result = solve_module.solve(kp, time_limit_s=5, reproducible=True, workers=1)
    assert result.status == "FEASIBLE"
    assert result.plan.assignments == baseline.assignments
    assert result.objective == pytest.approx(baseline_cost)
    assert result.bound is None or result.bound <= result.objective + 1e-6
    assert result.kept_start == "greedy baseline" and result.search_status in ("UNKNOWN", "FEASIBLE")
    assert "It is the greedy baseline the search started from" in result.quality()
    saved = solve_module.saved_result(kp, result.plan)  # plan.json keeps it, so a saved plan says so too
    assert saved.kept_start == "greedy baseline" and saved.search_status == result.search_status
    assert saved.quality() == result.quality()


def test_a_starting_plan_must_keep_drop_outs_off_and_started_teams_as_they_are(kp):
    from planner.engine.greedy import greedy_plan
    from planner.engine.solve import _starting_plan

    baseline = greedy_plan(kp)
    assert _starting_plan(kp, baseline, "greedy baseline", None, frozenset(), ()) is not None
    member = next(a for a in baseline.assignments if a.role == "member")
    dropped = frozenset({(member.engagement_id, member.reviewer_id)})
    assert _starting_plan(kp, baseline, "greedy baseline", None, dropped, ()) is None
    started = tuple(a for a in baseline.assignments if a.engagement_id == member.engagement_id)
    assert _starting_plan(kp, baseline, "greedy baseline", None, frozenset(), started) is not None
    other_team = tuple(dataclasses.replace(a, reviewer_id=f"{a.reviewer_id}-X") for a in started)
    assert _starting_plan(kp, baseline, "greedy baseline", None, frozenset(), other_team) is None


def test_a_fewest_changes_re_plan_reports_no_starting_plan(kp, published_plan):
    from planner.engine.solve import solve

    reports = []
    solve(kp, reference=published_plan, fewest_changes=True, time_limit_s=2, reproducible=True, workers=1,
          progress=reports.append)
    assert reports and not any(r.starting for r in reports)


def test_a_plan_the_search_found_does_not_say_it_is_the_starting_plan(kp):
    from planner.engine.solve import saved_result, solve

    result = solve(kp, time_limit_s=5, reproducible=True, workers=1)
    assert result.plan is not None and not result.kept_start and result.search_status is None
    assert "started from" not in result.quality()
    assert "kept_start" not in result.plan.meta and not saved_result(kp, result.plan).kept_start


def test_a_saved_plan_names_its_kept_starting_plan_only_by_a_known_name(kp, published_plan):
    from planner.engine.solve import saved_result

    for kept in ({"source": "<b>any text</b>", "search_status": "NOPE"}, {"source": ["x"], "search_status": [1]},
                 "greedy baseline"):
        edited = dataclasses.replace(published_plan, meta={**published_plan.meta, "kept_start": kept})
        result = saved_result(kp, edited)
        assert result.kept_start == "" and result.search_status is None
        assert "started from" not in result.quality()
    named = {"source": "published plan", "search_status": "FEASIBLE"}
    result = saved_result(kp, dataclasses.replace(published_plan, meta={"status": "FEASIBLE", "kept_start": named}))
    assert result.kept_start == "published plan" and result.search_status == "FEASIBLE"


def _kept(status, search_status, pruned=False, gap=None, stopped=False, chain=True):
    from planner import load_plan
    from planner.engine.solve import SolveResult

    plan = load_plan(PUBLISHED)
    bound = None if gap is None else 100 * (1 - gap)
    return SolveResult(status, 100.0, bound, gap, 1.0, plan, kept_start="greedy baseline",
                       search_status=search_status, candidates_pruned=pruned, stopped=stopped,
                       chain_credit_modelled=chain)


def test_a_kept_starting_plan_says_why_the_search_did_not_beat_it():
    from planner.engine.solve import SolveStatus as S

    stopped_first = _kept(S.FEASIBLE, S.UNKNOWN).quality()
    assert "found no plan before it stopped" in stopped_first and "More time would help" in stopped_first
    worse = _kept(S.FEASIBLE, S.FEASIBLE, gap=0.03).quality()
    assert "within 3.0 %" in worse and "cost more" in worse and "More time would help" in worse
    assert "More time would help" not in _kept(S.FEASIBLE, S.FEASIBLE, stopped=True).quality()
    pruned = _kept(S.FEASIBLE, S.INFEASIBLE, pruned=True).quality()
    assert "nearest candidates" in pruned and "More time" not in pruned
    disagreement = _kept(S.FEASIBLE, S.INFEASIBLE).quality()
    assert "checker contradicts" in disagreement and "More time" not in disagreement
    unmodelled = _kept(S.FEASIBLE, S.OPTIMAL, chain=False).quality()
    assert "leaves the chain credit out" in unmodelled and "nearest" not in unmodelled
    assert "More time" not in unmodelled
    among_nearest = _kept(S.FEASIBLE, S.OPTIMAL, pruned=True).quality()
    assert "nearest candidates" in among_nearest and "chain credit" not in among_nearest


def test_the_search_must_beat_the_starting_plan_on_its_own_scale(kp, monkeypatch):
    """When the model leaves the chain credit out (a large scenario), the search's objectives do not include it:
    its reports are compared with the starting plan's objective without the credit, not with the checker's."""
    import planner.engine.model as model_module
    import planner.engine.solve as solve_module
    from planner.engine.greedy import greedy_plan

    start = solve_module._starting_plan(kp, greedy_plan(kp), "greedy baseline", None, frozenset(), ())
    credit = sum(t.penalty for t in start.terms if t.name == "chain_credit_km")
    assert credit < 0
    assert start.solver_objective(True) == pytest.approx(start.objective)
    assert start.solver_objective(False) == pytest.approx(start.objective - credit)

    thresholds = []
    real_run = solve_module._run

    def recording(*args, **kwargs):
        thresholds.append(kwargs.get("better_than"))
        return real_run(*args, **kwargs)

    monkeypatch.setattr(solve_module, "_run", recording)
    for limit, expected in ((model_module.CHAIN_CANDIDATE_LIMIT, start.objective),
                            (0, start.objective - credit)):  # 0: too many candidates, the credit is only reported
        monkeypatch.setattr(solve_module, "ModelBuilder",
                            lambda *args, _limit=limit, **kwargs: ModelBuilder(*args, chain_limit=_limit, **kwargs))
        thresholds.clear()
        result = solve_module.solve(kp, time_limit_s=0.5, reproducible=True, workers=1, progress=lambda p: None)
        assert result.chain_credit_modelled == (limit > 0)
        assert thresholds == [pytest.approx(expected)]
