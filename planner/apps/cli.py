"""The ``kp-plan`` command line.

Exit codes (all sub-commands):
  0  success (validate: the scenario is valid; solve: a plan was found; check: no violation)
  1  problems found (validate: invalid scenario; solve: no plan satisfies the hard rules; check: violations)
  2  the input could not be read (missing folder, unreadable files, bad arguments)
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from planner.core.problems import ScenarioError

# The sub-commands import what they need when they run, so that `kp-plan --help` and argument errors answer
# without loading OR-Tools, pandas and plotly.


def _print_problems(title: str, problems, stream=None) -> None:
    stream = stream if stream is not None else sys.stdout  # looked up at call time (tests redirect it)
    print(title, file=stream)
    for problem in problems:
        print(f"  - {problem}", file=stream)


def cmd_validate(args: argparse.Namespace) -> int:
    from planner.rules.validation import validate_scenario

    report = validate_scenario(args.folder)
    if report.ok:
        s = report.scenario
        print(f"{args.folder}: valid — {len(s.participants)} participants, {len(s.reviewers)} reviewers, "
              f"{len(s.events)} fixed events, {len(s.engagements)} engagements, "
              f"horizon {s.horizon_start} to {s.horizon_end}")
    else:
        _print_problems(f"{args.folder}: {len(report.problems)} problem(s) found", report.problems)
    return report.exit_code


def _terms_table(terms) -> None:
    from planner.rules.scoring import TERM_LABELS

    print("Soft terms (value × weight = penalty):")
    for term in terms:
        print(f"  {TERM_LABELS.get(term.name, term.name):<58} {term.value:>10,g} × {term.weight:<7g} = "
              f"{term.penalty:>10,.2f}")
        for sentence in term.sentences[:6]:
            print(f"      {sentence}")


def _plan_table(scenario, plan) -> None:
    engagements = scenario.engagements_by_id
    print("Scheduled engagements:")
    for o in sorted(plan.scheduled(), key=lambda o: (o.start, o.engagement_id)):
        e = engagements[o.engagement_id]
        team = [a.reviewer_id for a in plan.team(o.engagement_id) if a.role != "lead"]
        lead = plan.lead(o.engagement_id)
        print(f"  {o.start:%a %d %b}–{o.end:%d %b}  {o.host:<3} {e.title}")
        print(f"      {'lead ' + lead + '; ' if lead else ''}team {', '.join(team)}")
    unscheduled = [o for o in plan.engagements if not o.scheduled]
    if unscheduled:
        print("Unscheduled engagements:")
        for o in unscheduled:
            print(f"  {engagements[o.engagement_id].title}: {o.reason or 'no reason recorded'}")


def cmd_solve(args: argparse.Namespace) -> int:
    from pathlib import Path

    from planner.engine.explain import explain
    from planner.engine.solve import solve
    from planner.io.plan_files import save_plan
    from planner.io.scenario_files import load_scenario

    scenario = load_scenario(args.folder)

    def progress(p) -> None:
        print(f"  {p.text()}", file=sys.stderr, flush=True)

    print(f"Solving {scenario.name} ({len(scenario.engagements)} engagements, {len(scenario.reviewers)} "
          "reviewers)…", file=sys.stderr)
    result = solve(scenario, time_limit_s=args.time_limit, reproducible=True if args.reproducible else None,
                   progress=None if args.quiet else progress)
    result = explain(scenario, result)
    print(result.summary())
    if result.plan is None:
        for sentence in result.diagnosis:
            print(f"  - {sentence}")
        return 1
    _plan_table(scenario, result.plan)
    _terms_table(result.terms)
    out = Path(args.out) if args.out else Path("plans") / Path(args.folder).resolve().name
    save_plan(result.plan, out)
    print(f"Plan written to {out}/")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from planner.io.plan_files import load_plan, scenario_hash
    from planner.io.scenario_files import load_scenario
    from planner.rules.checker import check

    scenario = load_scenario(args.scenario)
    plan = load_plan(args.plan)
    if plan.meta.get("scenario_hash") not in (None, scenario_hash(scenario)):
        print("Note: the plan was made for a different version of this scenario (scenario_hash differs).")
    reference = load_plan(args.reference) if args.reference else None
    report = check(scenario, plan, reference)
    if report.ok:
        print(f"{args.plan}: no hard rule is violated.")
    else:
        print(f"{args.plan}: {len(report.violations)} violation(s):")
        for v in report.violations:
            print(f"  - [{v.rule}] {v.sentence}")
    _terms_table(report.terms)
    print(f"Objective recomputed from the plan: {report.objective:,.2f}")
    return 0 if report.ok else 1


def cmd_explain(args: argparse.Namespace) -> int:
    from planner.engine.diagnose import diagnose
    from planner.engine.explain import explain
    from planner.engine.solve import solve
    from planner.io.plan_files import load_plan
    from planner.io.scenario_files import load_scenario
    from planner.rules.precheck import staffing_problems

    scenario = load_scenario(args.folder)
    findings = staffing_problems(scenario)
    print("Pre-checks (each engagement on its own):")
    if not findings:
        print("  every engagement can be staffed on its own.")
    for f in findings:
        print(f"  - {'REQUIRED ' if f.engagement_required else ''}{f.sentence}")
    if args.plan:
        plan = load_plan(args.plan)
        from planner.rules.checker import check
        terms = check(scenario, plan).terms
    else:
        result = explain(scenario, solve(scenario, time_limit_s=args.time_limit))
        print(result.summary())
        if result.plan is None:
            print("Why no plan exists:")
            for sentence in result.diagnosis or diagnose(scenario):
                print(f"  - {sentence}")
            return 1
        plan, terms = result.plan, result.terms
    _plan_table(scenario, plan)
    _terms_table(terms)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from planner.exports import export_plan, find_scenario
    from planner.io.plan_files import load_plan, scenario_hash
    from planner.io.scenario_files import load_scenario

    plan = load_plan(args.plan)
    scenario = load_scenario(args.scenario or find_scenario(plan, args.plan))
    if plan.meta.get("scenario_hash") not in (None, scenario_hash(scenario)):
        print("Note: the plan was made for a different version of this scenario (scenario_hash differs).")
    previous = load_plan(args.previous) if args.previous else None
    every = not (args.ics or args.xlsx or args.html)
    out = Path(args.out) if args.out else Path(args.plan) / "exports"
    written = export_plan(scenario, plan, out, ics=every or args.ics, xlsx=every or args.xlsx,
                          html=every or args.html, previous_plan=previous)
    calendars = [p for p in written if p.suffix == ".ics"]
    parts = ([f"{len(calendars)} calendar(s) in calendars/"] if calendars else []) + [
        p.name for p in written if p.suffix != ".ics"]
    print(f"Exported {scenario.name} to {out}/: {', '.join(parts)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kp-plan", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("validate", help="check a scenario folder and list every problem")
    p.add_argument("folder")
    p.set_defaults(func=cmd_validate)
    p = sub.add_parser("solve", help="plan a scenario and write the plan folder")
    p.add_argument("folder")
    p.add_argument("--out", help="plan folder to write (default: plans/<scenario folder name>)")
    p.add_argument("--time-limit", type=float, help="seconds (default: scenario.yaml solver.time_limit_s)")
    p.add_argument("--reproducible", action="store_true", help="byte-identical plan files for the same input")
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    p.set_defaults(func=cmd_solve)
    p = sub.add_parser("check", help="check a plan against a scenario's hard rules and score it")
    p.add_argument("scenario")
    p.add_argument("plan")
    p.add_argument("--reference", help="the published plan a re-plan started from (scores team changes)")
    p.set_defaults(func=cmd_check)
    p = sub.add_parser("explain", help="pre-checks, then why the plan (or its absence) is what it is")
    p.add_argument("folder")
    p.add_argument("--plan", help="explain this saved plan instead of solving")
    p.add_argument("--time-limit", type=float)
    p.set_defaults(func=cmd_explain)
    p = sub.add_parser("export", help="calendars (.ics), an Excel workbook and an HTML report of a plan")
    p.add_argument("plan", metavar="PLAN_DIR")
    p.add_argument("--ics", action="store_true", help="calendars: one per person, per engagement, whole plan")
    p.add_argument("--xlsx", action="store_true", help="the Excel workbook plan.xlsx")
    p.add_argument("--html", action="store_true", help="report.html: map, timeline, tables, offline")
    p.add_argument("--out", help="folder to write (default: PLAN_DIR/exports); none of the flags: all three")
    p.add_argument("--scenario", help="scenario folder (default: the one under data/scenarios whose content "
                   "matches the plan's scenario_hash)")
    p.add_argument("--previous", metavar="PLAN_DIR", help="the plan people already have: its engagements "
                   "that this plan no longer has are exported as cancelled")
    p.set_defaults(func=cmd_export)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return 2 if exit_.code not in (0, None) else 0
    try:
        return int(args.func(args))
    except ScenarioError as error:
        _print_problems("The input could not be used:", error.problems, sys.stderr)
        return 2 if error.unreadable else 1
    except BrokenPipeError:  # output piped into a pager or head that closed early
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
