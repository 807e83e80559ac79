"""The seeded synthetic scenario generator (planner/apps/synthetic.py, docs/synthetic-scenarios.md)."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import planner.apps.synthetic as synthetic
from planner import load_scenario, save_scenario
from planner.apps.synthetic import SyntheticSpec, generate
from planner.core.calendar import reviewer_commitments
from planner.core.model import Scenario, days_inclusive, ranges_overlap
from planner.io.scenario_files import scenario_files
from planner.rules.precheck import engagement_findings

ROOT = Path(__file__).resolve().parent.parent
SMALL = SyntheticSpec(engagements=5, reviewers=20, seed=1)
MEDIUM = SyntheticSpec(engagements=50, reviewers=200, seed=2)


@pytest.fixture(scope="module")
def medium() -> Scenario:
    return generate(MEDIUM)


def same_content(a: Scenario, b: Scenario) -> bool:
    """Dataclass equality, ignoring only where each scenario was read from."""
    return dataclasses.replace(a, source_path="") == dataclasses.replace(b, source_path="")


def unstaffable_required(scenario: Scenario) -> list[str]:
    commitments = reviewer_commitments(scenario)
    return [e.id for e in scenario.engagements
            if e.required and engagement_findings(scenario, e, commitments)]


# --- determinism -------------------------------------------------------------------------------------


def test_same_spec_gives_identical_files(medium):
    again = generate(MEDIUM)
    assert scenario_files(again) == scenario_files(medium)
    assert again == medium


def test_another_seed_gives_another_scenario(medium):
    other = generate(dataclasses.replace(MEDIUM, seed=MEDIUM.seed + 1))
    assert scenario_files(other)["engagements.csv"] != scenario_files(medium)["engagements.csv"]
    assert scenario_files(other)["reviewers.csv"] != scenario_files(medium)["reviewers.csv"]


def test_cli_writes_identical_folders_whatever_the_hash_seed(tmp_path):
    """Two processes with different string hashing (set order) write byte-identical folders."""
    folders = []
    for hash_seed in ("1", "2"):
        out = tmp_path / f"run{hash_seed}"
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run(
            [sys.executable, "-m", "planner.apps.synthetic", str(out), "--engagements", "12", "--reviewers", "40",
             "--days", "120", "--francophone-share", "0.5", "--availability", "0.8", "--seed", "9"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert "wrote" in done.stdout
        folders.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert folders[0] == folders[1]
    assert set(folders[0]) == {"scenario.yaml", "participants.csv", "reviewers.csv", "unavailability.csv",
                               "events.csv", "engagements.csv"}
    scenario = load_scenario(tmp_path / "run1")
    assert len(scenario.engagements) == 12 and len(scenario.reviewers) == 40
    assert scenario.horizon_end - scenario.horizon_start == timedelta(days=119)


def test_cli_rejects_a_spec_out_of_range(tmp_path):
    command = [sys.executable, "-m", "planner.apps.synthetic", str(tmp_path / "x"), "--reviewers", "3"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "reviewers" in done.stderr
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("change", [
    {"reviewers": 5}, {"engagements": -1}, {"horizon_days": 10}, {"francophone_share": 1.5},
    {"availability_density": -0.1}, {"required_share": "a lot"}, {"seed": 1.5},
])
def test_spec_out_of_range_is_refused(change):
    with pytest.raises(ValueError):
        generate(dataclasses.replace(SMALL, **change))


# --- sizes and content ---------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", [SMALL, MEDIUM, SyntheticSpec(engagements=0, reviewers=10, horizon_days=30,
                                                               horizon_start=date(2021, 2, 1), seed=3)])
def test_sizes_and_horizon_are_respected(spec):
    s = generate(spec)
    assert len(s.engagements) == spec.engagements
    assert len(s.reviewers) == spec.reviewers
    assert s.horizon_start == spec.horizon_start
    assert days_inclusive(s.horizon_start, s.horizon_end) == spec.horizon_days
    rv = [e for e in s.engagements if e.is_review_visit]
    assert len(rv) == round(spec.engagements * spec.review_visit_share)


def test_participants(medium):
    s = medium
    codes = [p.code for p in s.participants]
    assert 40 <= len(codes) <= 60 and len(set(codes)) == len(codes)
    assert {p.region for p in s.participants} == {"Africa", "Asia", "Europe", "Americas", "Oceania"}
    assert all(re.fullmatch(r"[A-Z]{2}", c) for c in codes)
    assert sum(p.francophone for p in s.participants) >= 3
    assert {p.regional_approach for p in s.participants} >= {"MRU", "CA"}
    africa = [p for p in s.participants if p.region == "Africa"]
    assert all(-35 <= p.lat <= 38 and -26 <= p.lon <= 60 for p in africa)


def test_reviewers(medium):
    s = medium
    codes = set(s.participants_by_code)
    government = [r for r in s.reviewers if r.is_government]
    wdc = [r for r in s.reviewers if r.organisation == "WDC"]
    csc = [r for r in s.reviewers if r.organisation == "CSC"]
    n = len(s.reviewers)
    assert abs(len(government) / n - 0.75) < 0.03
    assert abs(len(wdc) / n - 0.12) < 0.02 and abs(len(csc) / n - 0.13) < 0.02
    for r in s.reviewers:
        assert re.fullmatch(r"([A-Z]{2}|WDC|CSC)-\d+", r.id), r.id
        assert 2 <= r.max_engagements <= 4
        assert r.home in codes and r.groups and r.expertise and r.languages
    for r in government:
        assert r.organisation == r.home and r.id.startswith(r.organisation + "-")
    lead_share = sum(r.lead_eligible for r in government) / len(government)
    assert 0.25 <= lead_share <= 0.35
    spoken = {lang for r in s.reviewers for lang in r.languages}
    assert {"en", "fr", "pt", "es", "ru"} <= spoken
    assert not any(r.lead_eligible for r in wdc + csc)


def test_events_and_plenary(medium):
    s = medium
    plenary = s.plenary()
    assert plenary is not None and plenary.attendees == ("all",)
    assert s.horizon_start <= plenary.start <= plenary.end <= s.horizon_end
    position = (plenary.start - s.horizon_start).days / (s.horizon_end - s.horizon_start).days
    assert 0.70 <= position <= 0.76
    assert len(s.events) >= 3
    for event in s.events:
        assert s.horizon_start <= event.start <= event.end <= s.horizon_end
        assert all(s.group_members(token) for token in event.attendees)


def test_engagements(medium):
    s = medium
    plenary = s.plenary()
    for e in s.engagements:
        window = days_inclusive(e.earliest_start, e.latest_end)
        assert s.horizon_start <= e.earliest_start and e.latest_end <= s.horizon_end
        assert 20 <= window <= 60 and window >= e.duration_days
        # room for the engagement before or after the plenary
        starts = [e.earliest_start + timedelta(days=k) for k in range(window - e.duration_days + 1)]
        assert any(not ranges_overlap(d, e.end_for(d), plenary.start, plenary.end) for d in starts), e.id
        if e.kind == "review_visit":
            assert len(e.hosts) == 1 and 4 <= e.duration_days <= 8 and not e.attendees
            assert e.team_min is None and e.team_max is None  # the rules' bounds
        elif e.kind == "workshop":
            assert 2 <= len(e.hosts) <= 3 and 2 <= e.duration_days <= 3
            assert len(e.attendees) == 1 and 3 <= len(s.attendees_of(e.attendees)) <= 8
            assert len({s.participant(h).region for h in e.hosts}) == 1
        else:
            assert e.kind == "meeting" and len(e.hosts) == 1 and 1 <= e.duration_days <= 2
            assert 2 <= len(e.attendees) <= 6 and set(e.attendees) <= set(s.reviewers_by_id)
    assert {e.kind for e in s.engagements} == {"review_visit", "workshop", "meeting"}
    assert {e.priority for e in s.engagements} == {"required", "high", "normal", "low"}


def test_rules(medium):
    rules = medium.rules
    assert (rules.review_team_min, rules.review_team_max) == (4, 8)
    assert rules.min_other_participant_governments in (2, 3)
    assert rules.observers_required == {"WDC": 1, "CSC": 1}
    assert rules.french_speakers_for_francophone_hosts == 1
    assert [s.days for s in rules.travel_buffer] == [0, 1, 2]


@pytest.mark.parametrize("share", [0.0, 0.3, 0.7, 1.0])
def test_francophone_share_of_review_visit_hosts(share):
    s = generate(SyntheticSpec(engagements=60, reviewers=120, francophone_share=share, seed=4))
    hosts = [s.participant(e.hosts[0]) for e in s.engagements if e.is_review_visit]
    measured = sum(p.francophone for p in hosts) / len(hosts)
    assert abs(measured - share) <= 1 / len(hosts)


@pytest.mark.parametrize("density", [1.0, 0.85, 0.6])
def test_availability_density(density):
    spec = SyntheticSpec(engagements=10, reviewers=150, availability_density=density, seed=5)
    s = generate(spec)
    busy: dict[str, set[date]] = {}
    for u in s.unavailability:
        assert s.horizon_start <= u.start <= u.end <= s.horizon_end
        days = busy.setdefault(u.reviewer, set())
        for k in range(days_inclusive(u.start, u.end)):
            assert u.start + timedelta(days=k) not in days  # periods of one reviewer never overlap
            days.add(u.start + timedelta(days=k))
    free = 1 - sum(len(d) for d in busy.values()) / (len(s.reviewers) * spec.horizon_days)
    assert abs(free - density) < 0.03
    if density == 1.0:
        assert not s.unavailability


# --- loading and feasibility ---------------------------------------------------------------------------


def test_round_trip_through_files(medium, tmp_path):
    folder = save_scenario(medium, tmp_path / "synthetic")
    loaded = load_scenario(folder)
    assert same_content(loaded, medium)
    assert scenario_files(loaded) == scenario_files(medium)


@pytest.mark.parametrize("spec", [SMALL, MEDIUM, SyntheticSpec(engagements=40, reviewers=60,
                                                               availability_density=0.5, required_share=0.6,
                                                               seed=6)])
def test_required_engagements_pass_the_precheck(spec):
    s = generate(spec)
    assert unstaffable_required(s) == []


def test_unstaffable_required_engagements_are_demoted_to_high(monkeypatch):
    """Exactly the required engagements that fail the pre-check become 'high'; nothing else changes."""
    spec = SyntheticSpec(engagements=40, reviewers=30, availability_density=0.3, required_share=0.8, seed=7)
    final = generate(spec)
    monkeypatch.setattr(synthetic, "_demote_unstaffable", lambda scenario: (scenario, []))
    raw = generate(spec)
    failing = set(unstaffable_required(raw))
    assert failing, "this spec is meant to produce unstaffable required engagements"
    for before, after in zip(raw.engagements, final.engagements, strict=True):
        assert dataclasses.replace(before, priority=after.priority) == after
        expected = "high" if before.id in failing else before.priority
        assert after.priority == expected, before.id
    assert f"{len(failing)} required engagement(s)" in final.description


def test_sampled_precheck_agrees_with_the_full_one(monkeypatch):
    """The generator pre-checks samples of the reviewers first; its verdicts equal the full check's.

    Tiny samples make every branch happen: passes on a sample, and failures on every sample that the whole
    scenario then decides.
    """
    monkeypatch.setattr(synthetic, "SAMPLE_SIZES", (6, 15))
    spec = SyntheticSpec(engagements=30, reviewers=60, availability_density=0.6, required_share=1.0, seed=8)
    s = generate(spec)
    assert unstaffable_required(s) == []
    commitments = reviewer_commitments(s)
    for e in s.engagements:
        assert synthetic._staffable(s, e, commitments) == (not engagement_findings(s, e, commitments))


@pytest.mark.slow
def test_generation_time_of_200_by_800():
    began = time.perf_counter()
    s = generate(SyntheticSpec(engagements=200, reviewers=800, seed=10))
    assert time.perf_counter() - began < 30
    assert len(s.engagements) == 200 and len(s.reviewers) == 800


small_specs = st.builds(
    SyntheticSpec,
    engagements=st.integers(0, 15),
    reviewers=st.integers(synthetic.MIN_REVIEWERS, 60),
    horizon_days=st.integers(synthetic.MIN_HORIZON_DAYS, 250),
    horizon_start=st.dates(date(2000, 1, 1), date(2040, 12, 31)),
    francophone_share=st.floats(0, 1),
    availability_density=st.floats(0, 1),
    review_visit_share=st.floats(0, 1),
    required_share=st.floats(0, 1),
    seed=st.integers(0, 2**32),
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=small_specs)
def test_any_small_spec_gives_a_loadable_staffable_scenario(spec):
    scenario = generate(spec)
    with tempfile.TemporaryDirectory() as folder:
        save_scenario(scenario, folder, overwrite=True)
        loaded = load_scenario(folder)
    assert same_content(loaded, scenario)
    assert len(loaded.engagements) == spec.engagements and len(loaded.reviewers) == spec.reviewers
    assert unstaffable_required(loaded) == []
