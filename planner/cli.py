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

from .problems import ScenarioError


def _print_problems(title: str, problems, stream=sys.stdout) -> None:
    print(title, file=stream)
    for problem in problems:
        print(f"  - {problem}", file=stream)


def cmd_validate(args: argparse.Namespace) -> int:
    from .validation import validate_scenario

    report = validate_scenario(args.folder)
    if report.ok:
        s = report.scenario
        print(f"{args.folder}: valid — {len(s.participants)} participants, {len(s.reviewers)} reviewers, "
              f"{len(s.events)} fixed events, {len(s.engagements)} engagements, "
              f"horizon {s.horizon_start} to {s.horizon_end}")
    else:
        _print_problems(f"{args.folder}: {len(report.problems)} problem(s) found", report.problems)
    return report.exit_code


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kp-plan", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("validate", help="check a scenario folder and list every problem")
    p.add_argument("folder")
    p.set_defaults(func=cmd_validate)
    for register in _REGISTRARS:
        register(sub)
    return parser


_REGISTRARS: list = []


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
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
