"""Kills the writers of plan folders, exports and scenario variants at many points (tests/test_atomic_folders.py).

``python tests/kill_harness.py WRITER WORKDIR [--random N] [--stride S] [--seed SEED]`` prints one JSON object.

WRITER is ``plan`` (``save_plan`` of two plans in turn), ``export`` (``export_plan``) or ``variant``
(``save_variant`` with ``confirm_overwrite=True``). For every kill the folder is first put back to a known old
version; then a forked child writes the new version and is killed with SIGKILL, either

* by itself, just before its k-th file operation (an audit hook counts every file opened for writing, rename,
  removal, new folder, link, chmod, utime, copy and foreign-function call — the folder swap), for k = 1, 1 + S,
  1 + 2S, … until a child finishes its write before reaching k; or
* by the harness, after a random delay between 0 and 1.2 times the length of a whole write (N of them).

Then the folder is read back and classified: ``old`` or ``new`` when every file and folder in it is
byte-for-byte the old or the new version (exports: but for what two exports of one plan never share, see
``ExportWriter.normalise``) and, for plans and variants, ``load_plan`` / ``load_scenario`` read it as that
version; anything else, a missing folder included, is ``mixed``. Both transitions are run (A over B, B over A).
Finally one write that is not interrupted must leave no leftover beside the folder.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import shutil
import signal
import sys
import time
import zipfile
from datetime import date
from pathlib import Path

MINI_DIR = Path(__file__).parent / "fixtures" / "mini"
COUNTED_EVENTS = {"os.rename", "os.remove", "os.rmdir", "os.mkdir", "os.link", "os.symlink", "os.chmod",
                  "os.utime", "os.truncate", "os.setxattr", "shutil.copyfile", "ctypes.call_function"}
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def _is_file_operation(event: str, args: tuple) -> bool:
    if event == "open":
        _path, mode, flags = args
        return bool((flags or 0) & WRITE_FLAGS) or any(c in (mode or "") for c in "wax+")
    return event in COUNTED_EVENTS


def _kill_before_operation(k: int) -> None:
    """From now on, SIGKILL this process just before its k-th file operation."""
    seen = 0

    def hook(event: str, args: tuple) -> None:
        nonlocal seen
        if _is_file_operation(event, args):
            seen += 1
            if seen >= k:
                os.kill(os.getpid(), signal.SIGKILL)

    sys.addaudithook(hook)


# --- the two versions each writer writes --------------------------------------------------------------------


def _plans():
    from planner.core.model import Assignment, EngagementOutcome, Plan

    def team(eid, kind, host, start, end, people):
        return [Assignment(eid, kind, host, start, end, rid, role) for rid, role in people]

    ao = (date(2018, 9, 3), date(2018, 9, 7))
    cm = (date(2018, 9, 24), date(2018, 9, 27))
    chairs = (date(2018, 10, 1), date(2018, 10, 2))
    a = Plan(
        tuple(team("AO-RV", "review_visit", "AO", *ao, [("ZA-1", "lead"), ("RU-1", "member"), ("AO-1", "member")])
              + team("CM-RV", "review_visit", "CM", *cm, [("EU-1", "lead"), ("CA-1", "member"),
                                                           ("CSC-1", "member")])
              + team("CHAIRS", "meeting", "ZA", *chairs, [("ZA-1", "attendee"), ("IN-1", "attendee")])),
        (EngagementOutcome("AO-RV", "scheduled", *ao, "AO"), EngagementOutcome("CM-RV", "scheduled", *cm, "CM"),
         EngagementOutcome("CHAIRS", "scheduled", *chairs, "ZA")),
        {"status": "FEASIBLE", "objective": 120.0, "created": "2018-08-01T10:00:00Z", "note": "plan A"})
    moved = (date(2018, 9, 17), date(2018, 9, 21))
    b = Plan(
        tuple(team("AO-RV", "review_visit", "AO", *moved, [("IN-1", "lead"), ("WDC-1", "member"),
                                                            ("AO-1", "member")])
              + team("CHAIRS", "meeting", "ZA", *chairs, [("ZA-1", "attendee"), ("IN-1", "attendee")])),
        (EngagementOutcome("AO-RV", "scheduled", *moved, "AO"),
         EngagementOutcome("CM-RV", "unscheduled", reason="no team in these weeks (plan B)"),
         EngagementOutcome("CHAIRS", "scheduled", *chairs, "ZA")),
        {"status": "OPTIMAL", "objective": 95.5, "created": "2018-08-02T11:30:00Z", "note": "plan B"})
    return a, b


class Writer:
    """Writes version "a" or "b" of one folder; reads a folder back."""

    name = ""

    def write(self, version: str, folder: Path) -> None:
        raise NotImplementedError

    def read(self, folder: Path):
        """What a reader of the folder gets (compared between versions), or None when it has no reader."""
        return None

    def normalise(self, name: str, data: bytes):
        """What is compared of the file ``name`` (the bytes, unless the writer is not byte-for-byte repeatable)."""
        return data


class PlanWriter(Writer):
    name = "plan"

    def __init__(self):
        self.plans = dict(zip("ab", _plans(), strict=True))

    def write(self, version, folder):
        from planner.io.plan_files import save_plan

        save_plan(self.plans[version], folder)

    def read(self, folder):
        from planner.io.plan_files import load_plan

        return load_plan(folder)


class ExportWriter(Writer):
    name = "export"

    def __init__(self):
        from planner.io.scenario_files import load_scenario

        self.scenario = load_scenario(MINI_DIR)
        self.plans = dict(zip("ab", _plans(), strict=True))

    def write(self, version, folder):
        from planner.exports import export_plan

        export_plan(self.scenario, self.plans[version], folder)

    def normalise(self, name, data):
        """Two exports of one plan differ in folium's random element ids (report.html) and in the workbook's
        creation time and zip dates (plan.xlsx); everything else is compared."""
        if name.endswith(".html"):
            return re.sub(rb"[0-9a-f]{32}", b"<id>", data)
        if name.endswith(".xlsx"):
            with zipfile.ZipFile(io.BytesIO(data)) as book:
                return {member: book.read(member) for member in sorted(book.namelist())
                        if member != "docProps/core.xml"}
        return data


class VariantWriter(Writer):
    name = "variant"

    def __init__(self):
        from planner.apps import edits
        from planner.io.scenario_files import load_scenario

        mini = load_scenario(MINI_DIR)
        self.variants = {"a": edits.set_rule(mini, "review_team_max", 4),
                         "b": edits.mark_unavailable(mini, "ZA-1", "2018-09-20", "2018-09-25")}

    def write(self, version, folder):
        from planner.apps import edits

        edits.save_variant(self.variants[version], folder, confirm_overwrite=True, name=f"Variant {version}")

    def read(self, folder):
        from planner.io.scenario_files import load_scenario

        return load_scenario(folder)


WRITERS = {w.name: w for w in (PlanWriter, ExportWriter, VariantWriter)}


# --- reading a folder back ----------------------------------------------------------------------------------


def snapshot(writer: Writer, folder: Path) -> dict | None:
    """Every file (its bytes, as ``writer.normalise`` compares them) and every folder, by path inside
    ``folder``; None when there is no folder."""
    if not folder.is_dir():
        return None
    content: dict = {}
    for path in sorted(folder.rglob("*")):
        key = path.relative_to(folder).as_posix()
        content[key] = "<folder>" if path.is_dir() else writer.normalise(key, path.read_bytes())
    return content


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}."))


def _run_child(writer: Writer, version: str, folder: Path, kill_at: int | None) -> int:
    """Fork a child that writes ``version`` into ``folder``; return its pid."""
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            if kill_at is not None:
                _kill_before_operation(kill_at)
            writer.write(version, folder)
        except BaseException:  # noqa: B036 - the child must never return into the harness
            import traceback

            traceback.print_exc()
            code = 1
        finally:
            os._exit(code)
    return pid


def _classify(writer: Writer, folder: Path, versions: dict[str, tuple]) -> str:
    """``old`` or ``new`` when the folder is wholly that version (bytes, and what a reader gets), else ``mixed``."""
    seen = snapshot(writer, folder)
    for state, (content, read) in versions.items():
        if seen == content:
            return state if writer.read(folder) == read else "mixed"
    return "mixed"


def _kill_once(writer: Writer, folder: Path, old: Path, new: str, versions: dict, kill_at: int | None,
               delay: float | None) -> dict:
    """Put the old version back, start writing ``new`` and kill the writer; what the folder then holds."""
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(old, folder, symlinks=True)
    pid = _run_child(writer, new, folder, kill_at)
    if delay is not None:
        time.sleep(delay)
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    return {"new": new, "kill_at": kill_at, "delay": delay,
            "killed": os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL,
            "failed": os.WIFEXITED(status) and os.WEXITSTATUS(status) != 0,
            "state": _classify(writer, folder, versions), "leftovers": len(leftovers(folder))}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("writer", choices=sorted(WRITERS))
    parser.add_argument("workdir", type=Path)
    parser.add_argument("--random", type=int, default=20, help="kills after random delays, per transition")
    parser.add_argument("--stride", type=int, default=1, help="kill before every S-th file operation")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args(argv)
    writer = WRITERS[args.writer]()
    rng = random.Random(args.seed)
    work = args.workdir
    work.mkdir(parents=True, exist_ok=True)
    folder = work / "target"
    outcomes: list[dict] = []
    for old, new in (("a", "b"), ("b", "a")):
        # both versions written once without interruption (an export continues from the old calendars)
        reference = work / f"old-{old}"
        writer.write(old, reference)
        if writer.name == "plan":  # another entry of a plan folder, to be carried into the new version
            (reference / "exports").mkdir()
            (reference / "exports" / "note.txt").write_text("made by an earlier export\n")
        expected_new = work / f"new-{new}-over-{old}"
        shutil.copytree(reference, expected_new, symlinks=True)
        started = time.perf_counter()
        writer.write(new, expected_new)
        duration = time.perf_counter() - started
        versions = {"old": (snapshot(writer, reference), writer.read(reference)),
                    "new": (snapshot(writer, expected_new), writer.read(expected_new))}
        assert versions["old"][0] != versions["new"][0]
        k = 1
        while True:
            outcomes.append(_kill_once(writer, folder, reference, new, versions, k, None))
            if not outcomes[-1]["killed"]:
                break
            k += args.stride
        for _ in range(args.random):
            outcomes.append(_kill_once(writer, folder, reference, new, versions, None,
                                       rng.uniform(0, 1.2 * duration)))
    writer.write("a", folder)  # one whole write after all those kills
    kills = [o for o in outcomes if o["killed"]]
    print(json.dumps({
        "writer": writer.name,
        "kills": len(kills),
        "operation_kills": sum(1 for o in kills if o["kill_at"] is not None),
        "random_kills": sum(1 for o in kills if o["delay"] is not None),
        "states": {s: sum(1 for o in kills if o["state"] == s) for s in ("old", "new", "mixed")},
        "mixed": [o for o in outcomes if o["state"] == "mixed"],
        "failed": [o for o in outcomes if o["failed"]],
        "finished_but_not_new": [o for o in outcomes if not o["killed"] and o["state"] != "new"],
        "most_leftovers_after_a_kill": max(o["leftovers"] for o in outcomes),
        "leftovers_after_whole_write": leftovers(folder),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
