"""The ``kp-plan`` command line.

Exit codes (all sub-commands):
  0  success (validate: the scenario is valid; solve/replan: a plan was found; check: no violation; diff: always)
  1  problems found (validate: invalid scenario; solve/replan: no plan satisfies the hard rules; check: violations)
  2  the input could not be read, or bad arguments (missing folder, unreadable files, an unknown reviewer, an
     existing output folder without --force); nothing is written then
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from planner.core.problems import ScenarioError

# The sub-commands import what they need when they run, so that `kp-plan --help` and argument errors answer
# without loading OR-Tools, pandas and plotly.


class UsageError(Exception):
    """A bad argument: said in one sentence, exit code 2, nothing written."""


def _refuse_overwrite(out, force: bool) -> None:
    if out.exists() and not force:
        raise UsageError(f"{out} already exists; pass --force to replace it, or --out another folder")


def _line(text) -> str:
    """Scenario text for a terminal: control characters shown as symbols (an ESC never reaches the terminal),
    a line break inside a title as ↵, so that every printed item stays on its line."""
    from planner.views.escape import visible_text

    return visible_text(text).replace("\n", " ↵ ")


def _print_problems(title: str, problems, stream=None) -> None:
    stream = stream if stream is not None else sys.stdout  # looked up at call time (tests redirect it)
    print(title, file=stream)
    for problem in problems:
        print(f"  - {_line(problem)}", file=stream)


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
            print(f"      {_line(sentence)}")


def _costs(scenario, plan) -> None:
    from planner.views.tables import costs_text

    print(_line(costs_text(scenario, plan)))


def _plan_table(scenario, plan) -> None:
    engagements = scenario.engagements_by_id
    print("Scheduled engagements:")
    for o in sorted(plan.scheduled(), key=lambda o: (o.start, o.engagement_id)):
        e = engagements[o.engagement_id]
        team = [a.reviewer_id for a in plan.team(o.engagement_id) if a.role != "lead"]
        lead = plan.lead(o.engagement_id)
        print(f"  {o.start:%a %d %b}–{o.end:%d %b}  {o.host:<3} {_line(e.title)}")
        print(f"      {'lead ' + lead + '; ' if lead else ''}team {', '.join(team)}")
    unscheduled = [o for o in plan.engagements if not o.scheduled]
    if unscheduled:
        print("Unscheduled engagements:")
        for o in unscheduled:
            print(f"  {_line(engagements[o.engagement_id].title)}: {_line(o.reason or 'no reason recorded')}")


def cmd_solve(args: argparse.Namespace) -> int:
    from pathlib import Path

    from planner.engine.explain import explain
    from planner.engine.solve import solve
    from planner.io.plan_files import save_plan
    from planner.io.scenario_files import load_scenario

    out = Path(args.out) if args.out else Path("plans") / Path(args.folder).resolve().name
    _refuse_overwrite(out, args.force)  # before solving: no minute spent on a plan that cannot be written
    scenario = load_scenario(args.folder)

    def progress(p) -> None:
        print(f"  {p.text()}", file=sys.stderr, flush=True)

    print(f"Solving {scenario.name} ({len(scenario.engagements)} engagements, {len(scenario.reviewers)} "
          "reviewers)…", file=sys.stderr)
    result = solve(scenario, time_limit_s=args.time_limit, reproducible=True if args.reproducible else None,
                   progress=None if args.quiet else progress)
    result = explain(scenario, result, progress=None if args.quiet else _say)
    if result.plan is None:
        _no_plan(result)
        return 1
    save_plan(result.plan, out)  # before the tables: a reader that closes the pipe early loses no plan
    print(result.summary())
    _plan_table(scenario, result.plan)
    _terms_table(result.terms)
    _costs(scenario, result.plan)
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
            print(f"  - [{v.rule}] {_line(v.sentence)}")
    _terms_table(report.terms)
    _costs(scenario, plan)
    print(f"Objective recomputed from the plan: {report.objective:,.2f}")
    return 0 if report.ok else 1


def _no_plan(result) -> None:
    print(f"{result.status}: {result.quality()}")
    for sentence in result.diagnosis:
        print(f"  - {_line(sentence)}")


def _say(line: str) -> None:
    print(f"  {line}", file=sys.stderr, flush=True)


def _progress(p) -> None:
    print(f"  {p.text()}", file=sys.stderr, flush=True)


def cmd_explain(args: argparse.Namespace) -> int:
    from pathlib import Path

    from planner.engine.diagnose import diagnose
    from planner.engine.explain import explain
    from planner.engine.solve import saved_result, solve
    from planner.io.plan_files import load_plan, scenario_hash
    from planner.io.scenario_files import load_scenario
    from planner.rules.precheck import staffing_problems

    scenario = load_scenario(args.folder)
    findings = staffing_problems(scenario)
    print("Pre-checks (each engagement on its own):")
    if not findings:
        print("  every engagement can be staffed on its own.")
    for sentence in dict.fromkeys(f"{'REQUIRED ' if f.engagement_required else ''}{f.sentence}" for f in findings):
        print(f"  - {_line(sentence)}")
    saved = Path(args.plan) if args.plan else Path("plans") / Path(args.folder).resolve().name
    budget = args.time_limit if args.time_limit is not None else scenario.solver.time_limit_s
    if args.plan or (not args.solve and saved.is_dir()):
        plan = load_plan(saved)
        if plan.meta.get("scenario_hash") not in (None, scenario_hash(scenario)):
            print("Note: the plan was made for a different version of this scenario (scenario_hash differs).")
        print(f"Explaining the saved plan {saved}/ (kp-plan explain --solve plans afresh).")
        dropped = frozenset(tuple(pair) for pair in plan.meta.get("drop_outs", ()))  # a re-plan's drop-outs
        result = explain(scenario, saved_result(scenario, plan), time_limit_s=budget, progress=_say,
                         exclusions=dropped)
    else:
        print(f"No saved plan at {saved}/: solving first (up to {scenario.solver.time_limit_s:g} s).")
        result = solve(scenario, progress=_progress)
        result = explain(scenario, result, time_limit_s=budget, progress=_say)
        print(result.summary())
        if result.plan is None:
            print("Why no plan exists:")
            for sentence in result.diagnosis or diagnose(scenario):
                print(f"  - {_line(sentence)}")
            return 1
    _plan_table(scenario, result.plan)
    _terms_table(result.terms)
    return 0


def _today(args: argparse.Namespace):
    """``--today`` as a date (None when not given)."""
    from datetime import date

    if not args.today:
        return None
    try:
        return date.fromisoformat(args.today)
    except ValueError:
        raise UsageError(f"--today {args.today}: expected a date as YYYY-MM-DD, e.g. 2018-09-10") from None


def _parse_unavailable(text: str):
    reviewer, _, dates = text.partition(":")
    start, _, end = dates.partition(":")
    if not reviewer or not start or not end or ":" in end:
        raise UsageError(f"--unavailable {text}: expected REVIEWER:YYYY-MM-DD:YYYY-MM-DD")
    return reviewer, start, end


def cmd_replan(args: argparse.Namespace) -> int:
    from pathlib import Path

    from planner.apps import edits
    from planner.engine.explain import explain
    from planner.engine.replan import DropOut, ReplanPolicy, prepare_replan
    from planner.io.plan_files import load_plan, save_plan, scenario_hash
    from planner.io.scenario_files import load_scenario

    out = Path(args.out)
    _refuse_overwrite(out, args.force)
    scenario = load_scenario(args.scenario)
    plan = load_plan(args.from_plan)
    if plan.meta.get("scenario_hash") not in (None, scenario_hash(scenario)):
        print("Note: the plan was made for a different version of this scenario (scenario_hash differs).")
    changed = scenario
    for text in args.unavailable:
        reviewer, start, end = _parse_unavailable(text)
        try:
            changed = edits.mark_unavailable(changed, reviewer, start, end, "unavailable (re-plan)")
        except edits.EditRejected as error:
            raise UsageError(f"--unavailable {text}: {error}") from None
    for text in args.pin:
        engagement, _, day = text.partition(":")
        try:
            changed = edits.pin(changed, engagement, day)
        except edits.EditRejected as error:
            raise UsageError(f"--pin {text}: {error}") from None
    today = _today(args)
    policy = ReplanPolicy.FREE if args.free else ReplanPolicy.WEIGHTED if args.weighted else ReplanPolicy.FEWEST
    try:
        replanning = prepare_replan(changed, plan, today=today, policy=policy,
                                    drop_outs=[DropOut.parse(text) for text in args.drop])
    except ValueError as error:
        raise UsageError(f"--drop: {error}") from None
    print(f"Re-planning {scenario.name} from {args.from_plan} ({policy} policy)…", file=sys.stderr)
    progress = None if args.quiet else _progress
    result = replanning.solve(time_limit_s=args.time_limit, progress=progress)
    reference = None if policy == ReplanPolicy.FREE else replanning.reference
    result = explain(replanning.scenario, result, reference=reference, exclusions=replanning.exclusions,
                     progress=None if args.quiet else _say, trial_options=replanning.options)
    if result.plan is None:
        _no_plan(result)
        return 1
    save_plan(result.plan, out)  # before the tables: a reader that closes the pipe early loses no plan
    print(result.summary())
    given = replanning.given()
    if given:
        print("Given (the drop-outs, not counted as changes):")
        for change in given:
            print(f"  - {_line(change.sentence)}")
    changes = result.changes or ()
    print(f"Changes to the published plan: {len(changes)}")
    for change in changes:
        print(f"  - {_line(change.sentence)}")
    _plan_table(replanning.scenario, result.plan)
    _terms_table(result.terms)
    print(f"Plan written to {out}/")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    import json

    from planner.exports import find_scenario
    from planner.io.plan_files import load_plan
    from planner.io.scenario_files import load_scenario
    from planner.rules.changes import plan_changes
    from planner.rules.scoring import plan_kpis
    from planner.views.comparison import KPI_LABELS

    old, new = load_plan(args.old), load_plan(args.new)
    if args.scenario:
        folder = args.scenario
    else:  # the new plan's scenario (a what-if variant may add engagements), else the old one's (a re-plan's
        try:  # own scenario, with published dates, is in no folder)
            folder = find_scenario(new, args.new)
        except ScenarioError:
            folder = find_scenario(old, args.old)
    scenario = load_scenario(folder)
    known = scenario.engagements_by_id
    unknown = sorted({o.engagement_id for o in (*old.engagements, *new.engagements)} - set(known))
    if unknown:
        raise UsageError(f"{', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not in the scenario "
                         f"{folder}; name the scenario both plans belong to with --scenario DIR")
    changes = plan_changes(scenario, old, new)
    before, after = plan_kpis(scenario, old), plan_kpis(scenario, new)
    kpis = {k: {"before": before[k], "after": after[k], "change": round(after[k] - before[k], 6)} for k in before}
    if args.json:
        print(json.dumps({"old": str(args.old), "new": str(args.new), "scenario": str(folder),
                          "change_count": len(changes), "changes": [c.as_dict() for c in changes],
                          "kpis": kpis}, indent=2, ensure_ascii=False))
        return 0
    print(f"{args.old} → {args.new}: {len(changes)} change{'' if len(changes) == 1 else 's'}")
    for change in changes:
        print(f"  - {_line(change.sentence)}")
    print("Headline figures (before → after, change):")
    for key, row in kpis.items():
        print(f"  {KPI_LABELS.get(key, key):<44} {row['before']:>10,g} → {row['after']:<10,g} "
              f"({row['change']:+,g})")
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
                          html=every or args.html, previous_plan=previous, lang=args.lang)
    calendars = [p for p in written if p.suffix == ".ics"]
    parts = ([f"{len(calendars)} calendar(s) in calendars/"] if calendars else []) + [
        p.name for p in written if p.suffix != ".ics"]
    print(f"Exported {scenario.name} to {out}/: {', '.join(parts)}")
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    from pathlib import Path

    out = Path(args.out)
    _refuse_overwrite(out, args.force)
    kind = args.kind
    wrong = [flag for flag, used, kinds in (
        ("--pairs", args.pairs, ("dropouts",)), ("--weight", args.weight, ("weights",)),
        ("--grid", args.grid is not None, ("weights",)), ("--samples", args.samples is not None, ("weights",)),
        ("--shocks", args.shocks is not None, ("shocks",)), ("--days-lost", args.days_lost is not None, ("shocks",)),
        ("--shock", args.shock is not None, ("shocks",)), ("--people", args.people is not None, ("shocks",)))
        if used and kind not in kinds]
    if wrong:
        raise UsageError(f"{', '.join(wrong)} cannot be used with --kind {kind}")
    if args.scheduler and args.workers is not None:
        raise UsageError("--workers sizes the embedded local cluster; with --scheduler the cluster's own workers "
                         "run the sweep")
    if args.workers is not None and args.workers < 1:
        raise UsageError(f"--workers {args.workers}: expected at least 1")
    if args.time_limit is not None and args.time_limit <= 0:
        raise UsageError(f"--time-limit {args.time_limit:g}: expected a positive number of seconds")
    if kind == "weights" and args.grid is not None and args.samples is not None:
        raise UsageError("--grid and --samples are two ways to choose the points: use one")
    today = _today(args)

    from planner.io.plan_files import load_plan, scenario_hash
    from planner.io.scenario_files import load_scenario
    from planner.sweeps import cases as sweep_cases
    from planner.sweeps.progress import TerminalProgress
    from planner.sweeps.runner import SweepError, dask_client, run_sweep
    from planner.sweeps.saving import save_sweep

    scenario = load_scenario(args.scenario)
    plan = load_plan(args.from_plan)
    if plan.meta.get("scenario_hash") not in (None, scenario_hash(scenario)):
        print("Note: the plan was made for a different version of this scenario (scenario_hash differs).")
    options: dict = {}
    try:
        if kind == "dropouts":
            made = sweep_cases.dropout_cases(scenario, plan, pairs=args.pairs, today=today)
            options = {"pairs": args.pairs}
        elif kind == "weights":
            ranges = [sweep_cases.WeightRange.parse(text) for text in args.weight]
            if args.samples is not None:
                made = sweep_cases.latin_hypercube_cases(ranges, args.samples, args.seed)
                options = {"design": "latin hypercube", "samples": args.samples}
            else:
                points = 3 if args.grid is None else args.grid
                made = sweep_cases.grid_cases(ranges, points)
                options = {"design": "grid", "points": points}
            options["weights"] = {r.name: [r.low, r.high] for r in ranges}
        else:
            count = 100 if args.shocks is None else args.shocks
            days_lost = 2 if args.days_lost is None else args.days_lost
            shock = args.shock or "mixed"
            made = sweep_cases.shock_cases(scenario, count, args.seed, days_lost=days_lost, people=args.people,
                                           kind=shock, today=today)
            options = {"shocks": count, "days_lost": days_lost, "people": args.people, "shock": shock}
    except sweep_cases.CaseError as error:
        raise UsageError(str(error)) from None
    spec = sweep_cases.SweepSpec(sweep_cases.SweepKind(kind), tuple(made), today, args.time_limit, args.seed,
                                 options)
    where = args.scheduler or f"a local cluster of {args.workers or 'one worker per core'}"
    print(f"Sweeping {len(made)} {kind} case(s) of {scenario.name} on {where}…", file=sys.stderr, flush=True)
    try:
        with dask_client(args.scheduler, args.workers) as client:
            if args.quiet:
                result = run_sweep(spec, scenario, plan, client)
            else:
                with TerminalProgress(len(made), kind) as bar:
                    result = run_sweep(spec, scenario, plan, client, progress=bar)
    except SweepError as error:
        raise UsageError(str(error)) from None
    save_sweep(result, out)
    m = result.meta
    print(f"{m['cases']} case(s) in {m['wall_s']:.1f} s on {m['cluster']['workers']} worker(s); "
          f"{m['failed']} failed. Results written to {out}/ (summary.html, results.parquet, results.csv …)")
    if kind == "dropouts" and len(result.solved):
        from planner.sweeps.resilience import resilience

        for sentence in resilience(result).sentences:
            print(f"  - {sentence}")
    elif kind == "shocks" and len(result.solved):
        stats = result.statistics()
        print(f"  changes per shock: median {stats['changes_median']:g}, 90th percentile {stats['changes_p90']:g}, "
              f"at most {stats['changes_max']:g}; {stats['share_losing_work']:.0%} of shocks lose an engagement")
    elif kind == "weights" and len(result.solved):
        flips = result.flip_summary()
        for row in flips[flips["points_differing"] > 0].itertuples():
            print(f"  - {row.title}: differs at {row.points_differing} of {row.points} points")
    for failure in m["failures"]:
        print(f"kp-plan sweep: case {failure['case_id']} failed: {failure['error']}", file=sys.stderr)
    return 1 if m["failed"] else 0


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
    p.add_argument("--force", action="store_true", help="replace the plan folder if it exists")
    p.set_defaults(func=cmd_solve)
    p = sub.add_parser("replan", help="re-plan from a published plan after a change, with the fewest changes",
                       description="Re-plan SCENARIO from the published plan PLAN_DIR after drop-outs, absences or "
                       "pins. By default the fewest changes (published work kept first, then the fewest changes, "
                       "then the best soft terms); --weighted prices changes with the moved_days and team_changes "
                       "weights; --free finds the best plan, starting from the published one.")
    p.add_argument("scenario")
    p.add_argument("--from", dest="from_plan", required=True, metavar="PLAN_DIR", help="the published plan")
    p.add_argument("--out", required=True, metavar="NEW_PLAN_DIR", help="where to write the new plan")
    p.add_argument("--unavailable", action="append", default=[], metavar="REVIEWER:START:END",
                   help="a person cannot travel from START to END (YYYY-MM-DD, inclusive); repeatable")
    p.add_argument("--drop", action="append", default=[], metavar="REVIEWER[:ENGAGEMENT]",
                   help="a person drops out of one engagement, or of every engagement not started; repeatable")
    p.add_argument("--pin", action="append", default=[], metavar="ENGAGEMENT:YYYY-MM-DD",
                   help="an engagement starts on that day; repeatable")
    p.add_argument("--today", metavar="YYYY-MM-DD", help="engagements started by then stay where they are, the "
                   "others cannot move before it (default: nothing has started)")
    policy = p.add_mutually_exclusive_group()
    policy.add_argument("--free", action="store_true", help="the best plan, not held to the published one")
    policy.add_argument("--weighted", action="store_true", help="changes priced by their weights")
    p.add_argument("--time-limit", type=float, help="seconds for the whole re-plan (default: scenario.yaml)")
    p.add_argument("--force", action="store_true", help="replace NEW_PLAN_DIR if it exists")
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    p.set_defaults(func=cmd_replan)
    p = sub.add_parser("diff", help="what changed between two plans, and the headline figures")
    p.add_argument("old", metavar="OLD_PLAN_DIR")
    p.add_argument("new", metavar="NEW_PLAN_DIR")
    p.add_argument("--scenario", help="scenario folder (default: found by the plans' scenario_hash)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_diff)
    p = sub.add_parser("check", help="check a plan against a scenario's hard rules and score it")
    p.add_argument("scenario")
    p.add_argument("plan")
    p.add_argument("--reference", help="the published plan a re-plan started from (scores team changes)")
    p.set_defaults(func=cmd_check)
    p = sub.add_parser("explain", help="pre-checks, then why the saved plan (or its absence) is what it is")
    p.add_argument("folder")
    p.add_argument("--plan", help="the saved plan to explain (default: plans/<scenario folder name>)")
    p.add_argument("--solve", action="store_true", help="solve afresh instead of explaining the saved plan")
    p.add_argument("--time-limit", type=float, help="seconds for all the explanations together (default: the "
                   "scenario's time limit)")
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
    p.add_argument("--lang", choices=("en", "fr"), default="en", help="language of the calendars, the workbook "
                   "and the report: headings, words, numbers and dates (default: en)")
    p.set_defaults(func=cmd_export)
    p = sub.add_parser("sweep", help="re-plan every drop-out, a grid of weights or random shocks, on Dask",
                       description="Robustness and sensitivity sweeps of the published plan PLAN_DIR on Dask "
                       "distributed (docs/sweeps.md): dropouts (every person on the plan, or with --pairs every "
                       "engagement and team member, re-planned with the fewest changes), weights (a grid or a Latin "
                       "hypercube over named weights), shocks (seeded random availability shocks). Runs on an "
                       "embedded local cluster (one worker per core) unless --scheduler names a running one. "
                       "Writes DIR as a whole: Parquet and CSV tables, summary.html, sweep.json. Exit 1 when a "
                       "case failed (it is in the results, with its error).")
    p.add_argument("scenario")
    p.add_argument("--from", dest="from_plan", required=True, metavar="PLAN_DIR", help="the published plan")
    p.add_argument("--kind", required=True, choices=["dropouts", "weights", "shocks"])
    p.add_argument("--out", required=True, metavar="DIR", help="the result folder to write")
    p.add_argument("--scheduler", metavar="ADDRESS", help="a running Dask scheduler, e.g. tcp://HOST:8786 "
                   "(default: an embedded local cluster)")
    p.add_argument("--workers", type=int, help="worker processes of the local cluster (default: one per core)")
    p.add_argument("--seed", type=int, default=0, help="seed of the shocks and of a Latin hypercube (default 0)")
    p.add_argument("--pairs", action="store_true", help="dropouts: one case per engagement and team member "
                   "(--drop REVIEWER:ENGAGEMENT) instead of one per person")
    p.add_argument("--weight", action="append", default=[], metavar="NAME=LOW:HIGH",
                   help="weights: a weight to vary between LOW and HIGH; repeatable")
    p.add_argument("--grid", type=int, metavar="K", help="weights: K evenly spaced values per weight, every "
                   "combination (default 3)")
    p.add_argument("--samples", type=int, metavar="N", help="weights: N points of a Latin hypercube instead")
    p.add_argument("--shocks", type=int, metavar="N", help="shocks: how many (default 100)")
    p.add_argument("--days-lost", type=int, metavar="K", help="shocks: days each person loses (default 2)")
    p.add_argument("--people", type=int, metavar="P", help="shocks: only P random people lose days (default: "
                   "everyone)")
    p.add_argument("--shock", choices=["days", "ban", "mixed"], help="shocks: every person loses days, or one "
                   "participant's reviewers cannot travel for a week, or either, drawn per shock (default mixed)")
    p.add_argument("--today", metavar="YYYY-MM-DD", help="engagements started by then stay where they are")
    p.add_argument("--time-limit", type=float, help="seconds per case, deterministic (default: scenario.yaml)")
    p.add_argument("--force", action="store_true", help="replace DIR if it exists")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_sweep)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return 2 if exit_.code not in (0, None) else 0
    try:
        return int(args.func(args))
    except UsageError as error:
        print(f"kp-plan {args.command}: {error}", file=sys.stderr)
        return 2
    except ScenarioError as error:
        _print_problems("The input could not be used:", error.problems, sys.stderr)
        return 2 if error.unreadable else 1
    except BrokenPipeError:  # output piped into a pager or head that closed early
        return 0
    except OSError as error:  # a folder that cannot be written (permissions, a full disk, a failed switch)
        print(f"kp-plan {args.command}: could not write or read {error.filename or 'a file'}: "
              f"{error.strerror or error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
