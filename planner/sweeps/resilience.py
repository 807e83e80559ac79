"""The resilience panel of the plan dashboard: a few sentences and a small table from a dropouts sweep saved
with the plan (``kp-plan sweep … --kind dropouts --out PLAN_DIR/sweeps/dropouts``).

Pure data: ``resilience(result)`` turns a sweep into sentences and rows; ``resilience_panel(plan_dir, plan)``
finds the saved sweep beside a plan and gives None when there is none or it was made for another version of
the plan (its fingerprint differs), so a stale sweep is never shown; ``panel_html`` is the panel as an HTML
fragment with every scenario text escaped.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from planner.core.model import Plan
from planner.core.problems import ScenarioError
from planner.sweeps.cases import SweepKind
from planner.sweeps.results import SweepResult, _ids, load_sweep, plan_fingerprint
from planner.views.escape import html_text

#: where a dropouts sweep saved with a plan lives, inside the plan folder
SWEEP_FOLDER = Path("sweeps") / "dropouts"
#: people listed in the panel's table
TABLE_ROWS = 5


@dataclass(frozen=True)
class Resilience:
    sentences: list[str]
    table: pd.DataFrame  # the most critical people: reviewer, no plan, engagements lost, changes, objective delta
    cases: int
    failed: int
    notes: list[str] = field(default_factory=list)  # how the figures were made (for a footnote)


def _names(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def resilience(result: SweepResult) -> Resilience:
    """What a dropouts sweep says about the plan, most serious first: the engagements that depend on one
    person (with why, when the re-plan gave a reason), how many drop-outs the plan absorbs, the engagements
    that change most often, the failed cases."""
    if result.kind != SweepKind.DROPOUTS:
        raise ValueError(f"a resilience panel needs a dropouts sweep, not a {result.kind} sweep")
    solved, sentences = result.solved, []
    for _, row in result.without_plan.iterrows():
        who = row["case_id"] if row["engagement_id"] else row["reviewer_id"]
        sentences.append(f"Without {who} no plan keeps every hard rule." if row["status"] == "INFEASIBLE" else
                         f"Without {who} no plan was found within the time limit.")
    reasons = result.changes[result.changes["kind"] == "dropped"] if not result.changes.empty else result.changes
    for _, row in result.fragility().iterrows():
        if not row["cases_losing"]:
            continue
        people = _ids(row["lost_without"])
        if len(people) == 1:
            case = solved[solved["reviewer_id"] == people[0]]
            why = reasons[(reasons["case_id"].isin(case["case_id"])) & (reasons["engagement_id"] ==
                                                                         row["engagement_id"])]["reason"]
            why = next((r for r in why if r), "")
            sentences.append(f"{row['title']} depends on one person: {people[0]}"
                             + (f" — without them it is left out: {why}" if why else
                                " — without them it is left out."))
        else:
            sentences.append(f"{row['title']} is left out if {_names(people)} drops out.")
    cases = len(solved) + len(result.without_plan)
    if cases:
        kept = int((solved["engagements_lost"] == 0).sum())
        quiet = int((solved["changes"] == 0).sum())
        sentences.append(f"Of {_plural(cases, 'single drop-out')}, {kept} keep every engagement and {quiet} "
                         "need no change beyond the drop-out itself.")
    for _, row in result.fragility().iterrows():
        if row["cases_changing"] and not row["cases_losing"]:
            sentences.append(f"{row['title']} changes in {row['cases_changing']} of {row['cases']} drop-outs.")
            break
    failed = len(result.failures)
    if failed:
        sentences.append(f"{_plural(failed, 'case')} failed and {'is' if failed == 1 else 'are'} not counted: "
                         f"{', '.join(result.failures['case_id'])}.")
    critical = result.criticality()
    table = critical[critical[["no_plan", "engagements_lost", "changes"]].sum(axis=1) > 0].head(TABLE_ROWS)
    pairs = bool(result.meta.get("options", {}).get("pairs"))
    notes = [(f"Each of the {cases} team places on the plan was left in turn" if pairs else
              f"Each of the {cases} people on the plan dropped out in turn") + ", re-planned with the fewest changes"
             + ("" if solved["proven"].all() else " (not every re-plan proven best)") + "."]
    return Resilience(sentences, table[["reviewer_id", "no_plan", "engagements_lost", "changes", "objective_delta"]]
                      .reset_index(drop=True), cases, failed, notes)


def resilience_panel(plan_dir: str | os.PathLike, plan: Plan) -> Resilience | None:
    """The panel for the plan in ``plan_dir``: None without a dropouts sweep saved in
    ``plan_dir/sweeps/dropouts``, or when that sweep was made for another version of the plan, or cannot be
    read."""
    folder = Path(plan_dir) / SWEEP_FOLDER
    if not (folder / "sweep.json").is_file():
        return None
    try:
        result = load_sweep(folder)
    except ScenarioError:
        return None
    if result.kind != SweepKind.DROPOUTS or result.meta.get("plan_fingerprint") != plan_fingerprint(plan):
        return None
    return resilience(result)


def panel_html(panel: Resilience, title: str = "Resilience") -> str:
    """The panel as an HTML fragment (a heading, the sentences, the table); every text escaped."""
    items = "".join(f"<li>{html_text(s)}</li>" for s in panel.sentences)
    rows = "".join(
        "<tr>" + "".join(f"<td>{html_text(v)}</td>" for v in (
            r.reviewer_id, "no plan" if r.no_plan else r.engagements_lost, "" if r.no_plan else r.changes,
            "" if r.no_plan else f"{r.objective_delta:+,.2f}")) + "</tr>"
        for r in panel.table.itertuples())
    table = ("<table class='kp-resilience-table'><thead><tr><th>Person</th><th>Engagements lost</th>"
             f"<th>Changes</th><th>Objective change</th></tr></thead><tbody>{rows}</tbody></table>"
             if rows else "")
    notes = "".join(f"<p class='kp-note'>{html_text(n)}</p>" for n in panel.notes)
    return (f"<section class='kp-resilience'><h3>{html_text(title)}</h3><ul>{items}</ul>{table}{notes}"
            "</section>")
