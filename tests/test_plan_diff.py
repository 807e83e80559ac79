"""planner.rules.plan_diff.diff_plans: the changes (those plan_changes counts) and how the headline figures changed
(hand-made plans)."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest

from planner.core.model import Assignment, EngagementOutcome, Plan
from planner.rules.changes import Change, ChangeKind, plan_changes
from planner.rules.plan_diff import diff_plans
from tests.planner_helpers import load_mini, with_engagement

AO_START, CM_START = date(2018, 9, 17), date(2018, 9, 24)
AO_TEAM = {"ZA-1": "lead", "EU-1": "member", "WDC-1": "member", "CSC-2": "member"}
CM_TEAM = {"CA-1": "lead", "RU-1": "member", "WDC-1": "member", "CSC-2": "member"}


def _plan(ao=(AO_START, "AO", AO_TEAM), cm=(CM_START, "CM", CM_TEAM), chairs=None) -> Plan:
    """A plan of the mini scenario: each argument ``(start, host, {reviewer: role})`` or None (unscheduled)."""
    durations = {"AO-RV": 5, "CM-RV": 4, "CHAIRS": 2}
    kinds = {"AO-RV": "review_visit", "CM-RV": "review_visit", "CHAIRS": "meeting"}
    outcomes, assignments = [], []
    for eid, spec in (("AO-RV", ao), ("CM-RV", cm), ("CHAIRS", chairs)):
        if spec is None:
            outcomes.append(EngagementOutcome(eid, "unscheduled", reason="left out"))
            continue
        start, host, team = spec
        end = start + timedelta(days=durations[eid] - 1)
        outcomes.append(EngagementOutcome(eid, "scheduled", start, end, host))
        assignments += [Assignment(eid, kinds[eid], host, start, end, rid, role) for rid, role in sorted(team.items())]
    return Plan(tuple(assignments), tuple(outcomes))


@pytest.fixture(scope="module")
def mini():
    return load_mini()


def _changes(diff) -> list[tuple[str, str, str, str, str]]:
    return [(c.engagement_id, str(c.kind), c.reviewer_id, c.before, c.after) for c in diff.changes]


def test_the_same_plan_has_no_changes_and_zero_deltas(mini):
    diff = diff_plans(mini, _plan(), _plan())
    assert diff.unchanged and diff.changes == [] and diff.sentences() == []
    assert set(diff.kpi_deltas().values()) == {0}
    table = diff.changes_table()
    assert table.empty and list(table.columns) == ["engagement_id", "title", "change", "reviewer_id", "before", "after"]


def test_a_moved_engagement(mini):
    diff = diff_plans(mini, _plan(), _plan(ao=(AO_START + timedelta(days=7), "AO", AO_TEAM)))
    assert _changes(diff) == [("AO-RV", "moved", "", "17 Sep–21 Sep", "24 Sep–28 Sep")]
    assert diff.sentences() == ["Review visit to Angola: moved, 17 Sep–21 Sep → 24 Sep–28 Sep"]
    assert diff.changes_table().loc[0, "change"] == "moved"


def test_a_rehosted_engagement(mini):
    scenario = with_engagement(mini, "CHAIRS", hosts=("ZA", "IN"))
    team = {"ZA-1": "attendee", "IN-1": "attendee", "CA-1": "attendee"}
    before = _plan(chairs=(date(2018, 10, 8), "ZA", team))
    after = _plan(chairs=(date(2018, 10, 8), "IN", team))
    assert _changes(diff_plans(scenario, before, after)) == [("CHAIRS", "new host", "", "ZA", "IN")]


def test_dropped_is_the_only_change_of_a_dropped_engagement(mini):
    diff = diff_plans(mini, _plan(), _plan(cm=None))
    assert _changes(diff) == [("CM-RV", "dropped", "", "24 Sep–27 Sep", "left out")]
    assert diff.kpi_deltas()["engagements_scheduled"] == -1
    assert diff.kpi_deltas()["engagements_unscheduled"] == 1


def test_newly_scheduled(mini):
    team = {"ZA-1": "attendee", "IN-1": "attendee", "CA-1": "attendee"}
    diff = diff_plans(mini, _plan(), _plan(chairs=(date(2018, 10, 8), "ZA", team)))
    assert _changes(diff) == [("CHAIRS", "newly scheduled", "", "left out", "08 Oct–09 Oct")]
    assert diff.kpi_deltas()["engagements_scheduled"] == 1
    assert diff.kpi_deltas()["people_involved"] == 1  # IN-1 was on no team before


def test_a_changed_team(mini):
    team = {**{k: v for k, v in AO_TEAM.items() if k != "EU-1"}, "IN-1": "member"}
    diff = diff_plans(mini, _plan(), _plan(ao=(AO_START, "AO", team)))
    assert _changes(diff) == [("AO-RV", "leaves", "EU-1", "", ""), ("AO-RV", "joins", "IN-1", "", "")]
    assert [c.label for c in diff.changes] == ["EU-1 leaves", "IN-1 joins"]


def test_a_team_that_only_grows_or_shrinks(mini):
    grown = _plan(ao=(AO_START, "AO", {**AO_TEAM, "IN-1": "member"}))
    assert _changes(diff_plans(mini, _plan(), grown)) == [("AO-RV", "joins", "IN-1", "", "")]
    assert _changes(diff_plans(mini, grown, _plan())) == [("AO-RV", "leaves", "IN-1", "", "")]


def test_a_changed_lead_with_the_same_people(mini):
    swapped = {**AO_TEAM, "ZA-1": "member", "EU-1": "lead"}
    diff = diff_plans(mini, _plan(), _plan(ao=(AO_START, "AO", swapped)))
    assert _changes(diff) == [("AO-RV", "new lead", "EU-1", "ZA-1", "EU-1")]


def test_several_changes_come_in_engagement_order(mini):
    after = _plan(ao=(AO_START + timedelta(days=1), "AO", {**AO_TEAM, "ZA-1": "member", "EU-1": "lead"}), cm=None)
    kinds = [(c.engagement_id, str(c.kind)) for c in diff_plans(mini, _plan(), after).changes]
    assert kinds == [("AO-RV", "moved"), ("AO-RV", "new lead"), ("CM-RV", "dropped")]


def test_kpi_table_has_before_after_and_change(mini):
    after = _plan(cm=(CM_START, "CM", {**CM_TEAM, "IN-1": "member"}))
    diff = diff_plans(mini, _plan(), after)
    table = diff.kpi_table()
    assert list(table.columns) == ["before", "after", "change"]
    assert table.loc["people_involved", "change"] == 1
    assert table.loc["travel_km", "after"] > table.loc["travel_km", "before"]
    assert (table["after"] - table["before"] - table["change"]).abs().max() < 1e-6


def test_an_engagement_missing_from_the_old_plan_counts_as_newly_scheduled(mini):
    before = _plan()
    before = dataclasses.replace(before, engagements=tuple(o for o in before.engagements
                                                            if o.engagement_id != "CHAIRS"))
    team = {"ZA-1": "attendee", "IN-1": "attendee", "CA-1": "attendee"}
    diff = diff_plans(mini, before, _plan(chairs=(date(2018, 10, 8), "ZA", team)))
    assert [(c.engagement_id, str(c.kind)) for c in diff.changes] == [("CHAIRS", "newly scheduled")]


def test_the_diff_lists_exactly_the_changes_a_minimal_change_replan_counts(mini):
    """One vocabulary: a comparison shows the changes plan_changes counts (and change_count minimises), no more
    and no fewer."""
    after = _plan(ao=(AO_START + timedelta(days=1), "AO", {**AO_TEAM, "ZA-1": "member", "EU-1": "lead",
                                                          "IN-1": "member"}), cm=None)
    assert diff_plans(mini, _plan(), after).changes == plan_changes(mini, _plan(), after)
    assert len(diff_plans(mini, _plan(), after).changes) == 4  # moved, IN-1 joins, new lead, CM-RV dropped


def test_a_lead_change_is_labelled_as_its_sentence_says():
    """The side-by-side's short label of a lead change: a new lead, or a visit left without one."""
    replaced = Change(ChangeKind.LEAD, "AO-RV", "Review visit to Angola", "ZA-1", "EU-1", reviewer_id="EU-1")
    lost = Change(ChangeKind.LEAD, "AO-RV", "Review visit to Angola", "ZA-1", "nobody", reviewer_id="ZA-1")
    assert (replaced.label, lost.label) == ("new lead", "loses its lead")
    assert lost.sentence == "Review visit to Angola loses its lead ZA-1"
