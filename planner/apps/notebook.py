"""The coordinators' notebooks (notebooks/*.ipynb): tables, background solves, widgets, comparison, regions.

A notebook is a short narrative that calls this module; the logic lives here and is unit-tested
(tests/test_notebook_helpers.py). Four parts:

* **Tables** (pandas DataFrames): people, the fixed calendar, engagements, teams with leads, unscheduled
  engagements with reasons, the soft-term breakdown. Coordinators see private unavailability *reasons* in
  their own notebooks (``show_reasons=True``); dashboards and exports never show them.
* **Background solves**: ``BackgroundSolve`` runs ``planner.engine.solve.solve`` in a thread and keeps a
  ``SolveState`` (objective, bound, gap, elapsed) that widgets poll; ``stop()`` ends the search within a
  fraction of a second and keeps the best plan found. No widget is needed to use or test it.
* **Widgets** (ipywidgets, imported lazily): ``SolvePanel`` (Solve and Stop buttons, live progress, results),
  ``ScenarioEditor`` (02-what-if), ``DisruptionPanel`` (03-disruption), ``save_plan_box``. Expensive work sits
  behind buttons, sliders use ``continuous_update=False``, and every callback reports its errors in the panel
  in plain words (``user_message``); only unexpected errors (bugs) show a traceback.
* **Views**: ``compare`` (a saved plan against a variant, side by side, with ``planner.rules.plan_diff``) and
  ``regional_view`` (the Mano River Union and Central Africa cooperation: who travels where, chains, km saved).

Where notebooks write: plans under ``plans_dir()`` (``$KP_PLANS_DIR``, else ``plans/``; git ignores every
folder there except the committed ``plans/kp-2018-h2``, which notebooks never write), scenario variants under
``variants_dir()`` (``$KP_VARIANTS_DIR``, else ``data/scenarios``).
"""

from __future__ import annotations

import dataclasses
import html
import os
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from planner.apps import edits
from planner.apps.dashboard import repo_root
from planner.core.calendar import great_circle_km, home_of, km_between, site_of
from planner.core.model import Assignment, EngagementOutcome, Plan, Scenario
from planner.core.problems import ScenarioError
from planner.engine.solve import Progress, SolveResult, solve
from planner.rules.plan_diff import PlanDiff, diff_plans
from planner.rules.scoring import TERM_LABELS, TermResult, best_chains, evaluate, total_penalty

DEFAULT_SCENARIO = Path("data/scenarios/kp-2018-h2")
COMMITTED_PLAN = Path("plans/kp-2018-h2")
NOTEBOOK_PLAN = "notebook-kp-2018-h2"
NOTEBOOK_TIME_LIMIT_S = 8.0  # the real scenario uses its whole limit (optimality is not proven quickly)

KPI_LABELS = {
    "engagements_scheduled": "Engagements scheduled",
    "engagements_unscheduled": "Engagements left out",
    "countries_visited": "Countries visited",
    "people_involved": "People involved",
    "travel_km": "Kilometres travelled (after chaining)",
    "co2_tonnes": "CO2 in tonnes (estimate)",
    "max_load": "Largest workload (engagements per person)",
}
APPROACH_NAMES = {"MRU": "Mano River Union", "CA": "Central Africa"}


# ============================================================================================================
# Where notebooks read and write
# ============================================================================================================


def scenario_dir() -> Path:
    """The real scenario: ``$KP_SCENARIO``, else data/scenarios/kp-2018-h2 in the repository."""
    return Path(os.environ.get("KP_SCENARIO") or repo_root() / DEFAULT_SCENARIO)


def plans_dir() -> Path:
    """Where notebooks save plans: ``$KP_PLANS_DIR`` (the notebook tests set a temporary folder), else plans/."""
    return Path(os.environ.get("KP_PLANS_DIR") or repo_root() / "plans")


def variants_dir() -> Path:
    """Where 02-what-if saves scenario variants: ``$KP_VARIANTS_DIR``, else data/scenarios."""
    return Path(os.environ.get("KP_VARIANTS_DIR") or repo_root() / "data" / "scenarios")


def plan_folder(name: str = NOTEBOOK_PLAN) -> Path:
    """The folder a notebook saves plan ``name`` to; never the committed plans/kp-2018-h2."""
    name = (name or "").strip()
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise edits.EditRejected("Give the plan a simple folder name such as 'notebook-kp-2018-h2' "
                                 "(no slashes, not starting with a dot).")
    folder = plans_dir() / name
    if folder.resolve() == (repo_root() / COMMITTED_PLAN).resolve():
        raise edits.EditRejected("plans/kp-2018-h2 is the committed reference plan (written by `make plan`); "
                                 "save the notebook's plan under another name.")
    return folder


def save_notebook_plan(plan: Plan, name: str = NOTEBOOK_PLAN) -> Path:
    """Save ``plan`` under ``plans_dir()/name`` (each file atomically; the notebook's own folder is replaced)."""
    from planner.io.plan_files import save_plan

    if plan is None:
        raise edits.EditRejected("There is no plan to save yet: solve first.")
    return save_plan(plan, plan_folder(name))


@dataclass
class SavedPlan:
    plan: Plan
    path: Path
    note: str = ""


def load_saved_plan(scenario: Scenario, name: str | None = None) -> SavedPlan:
    """A saved plan of ``scenario``: ``plans_dir()/name`` when ``name`` is given (e.g. the plan
    01-plan-the-season saved, ``NOTEBOOK_PLAN``), else the published plan plans/kp-2018-h2 (what the
    dashboards show; made by ``make plan`` with the full time limit), falling back to the notebook's plan.
    ``note`` says which, and warns when the plan was made for other scenario files."""
    from planner.io.plan_files import load_plan, scenario_hash

    if name:
        candidates = [plans_dir() / name]
    else:
        candidates = [repo_root() / COMMITTED_PLAN, plans_dir() / NOTEBOOK_PLAN]
    for path in candidates:
        if (path / "engagements.csv").exists():
            plan = load_plan(path)
            known = set(scenario.engagements_by_id)
            if not {o.engagement_id for o in plan.engagements} <= known:
                continue
            note = f"Saved plan: {path}"
            if plan.meta.get("scenario_hash") and plan.meta["scenario_hash"] != scenario_hash(scenario):
                note += (" (made for a different version of the scenario files; its engagements and people "
                         "still match)")
            return SavedPlan(plan, path, note)
    raise edits.EditRejected(f"No saved plan of this scenario was found in {', '.join(map(str, candidates))}: "
                             "run `make plan`, or 01-plan-the-season.ipynb and save its plan.")


# ============================================================================================================
# Errors in plain words
# ============================================================================================================


def user_message(error: BaseException) -> str | None:
    """The plain-words message for a user mistake, or None for an unexpected error (a bug: show details)."""
    if isinstance(error, ScenarioError):
        lines = [f"• {p}" for p in error.problems[:20]]
        more = len(error.problems) - len(lines)
        if more > 0:
            lines.append(f"• … and {more} more")
        count = len(error.problems)
        return f"The scenario has {count} problem{'s' if count != 1 else ''}:\n" + "\n".join(lines)
    if isinstance(error, edits.EditRejected | edits.VariantExists | FileExistsError):
        return str(error)
    if isinstance(error, PermissionError):
        return f"Not allowed to write {error.filename or 'there'}; choose another folder."
    if isinstance(error, FileNotFoundError):
        return f"Not found: {error.filename or error}."
    if isinstance(error, ValueError | TimeoutError):
        return str(error)
    return None


def describe_error(error: BaseException) -> tuple[str, bool]:
    """``(text, unexpected)``: plain words for user mistakes; for bugs a short line plus the traceback."""
    message = user_message(error)
    if message is not None:
        return message, False
    details = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    return ("Something unexpected went wrong (a bug, not your mistake). Please report it with these "
            f"details:\n{details}"), True


def message_html(text: str, kind: str = "info") -> str:
    colours = {"info": "#1f6fb2", "ok": "#2a7a3b", "error": "#b03a2e", "warn": "#9a6700"}
    icon = {"info": "ℹ", "ok": "✓", "error": "✗", "warn": "⚠"}[kind]
    body = html.escape(text).replace("\n", "<br>")
    return (f'<div class="kp-msg kp-msg-{kind}" style="border-left:4px solid {colours[kind]};padding:4px 8px;'
            f'margin:4px 0;color:#1d2b36;white-space:normal">{icon} {body}</div>')


class MessageArea:
    """A place in a panel for messages. Thread-safe: it only ever replaces the ``ipywidgets.HTML`` value, and
    keeps ``last`` and ``kind`` so that tests can read what a user would see."""

    def __init__(self):
        import ipywidgets as w

        self.widget = w.HTML(layout=w.Layout(width="100%"))
        self.last = ""
        self.kind = ""

    def show(self, text: str, kind: str = "info") -> None:
        self.last, self.kind = text, kind
        if kind == "error" and "Traceback" in text:
            head, _, details = text.partition("\n")
            self.widget.value = (message_html(head, kind) + '<pre style="font-size:11px;white-space:pre-wrap">'
                                 + html.escape(details) + "</pre>")
        else:
            self.widget.value = message_html(text, kind)

    def error(self, error: BaseException) -> None:
        text, _unexpected = describe_error(error)
        self.show(text, "error")

    def clear(self) -> None:
        self.last, self.kind = "", ""
        self.widget.value = ""


def guarded(messages: MessageArea, func: Callable[..., object]) -> Callable[..., None]:
    """A widget callback that never loses an error: user mistakes appear in ``messages`` in plain words,
    unexpected errors with their traceback (and are logged on the kernel's stderr)."""

    def handler(*args, **kwargs) -> None:
        try:
            func(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 - every error is shown to the user, none is swallowed
            messages.error(error)
            if user_message(error) is None:
                traceback.print_exc()

    handler.__name__ = getattr(func, "__name__", "handler")
    handler.__doc__ = func.__doc__
    return handler


# ============================================================================================================
# Tables
# ============================================================================================================


def _d(day: date | None) -> str:
    return "" if day is None else f"{day:%a %d %b %Y}"


def _span(start: date | None, end: date | None) -> str:
    if start is None or end is None:
        return ""
    return f"{start:%d %b}–{end:%d %b %Y}"


def _joined(values: Iterable[str]) -> str:
    return ", ".join(values)


def _participant_name(scenario: Scenario, code: str) -> str:
    p = scenario.participants_by_code.get(code)
    return p.name if p else code


def _home_name(scenario: Scenario, reviewer) -> str:
    """Where a reviewer travels from, in words: a participant, an EU member state, or coordinates."""
    if not reviewer.home:
        return f"{reviewer.home_lat:.2f}/{reviewer.home_lon:.2f}"
    if reviewer.home in scenario.participants_by_code:
        return scenario.participant(reviewer.home).name
    owner = scenario.participant_of_country(reviewer.home)
    return f"{reviewer.home} ({_participant_name(scenario, owner)})" if owner else reviewer.home


def people_table(scenario: Scenario, *, show_reasons: bool = True) -> pd.DataFrame:
    """One row per reviewer. ``show_reasons``: add the private reasons of unavailability (coordinators only:
    never pass this table to a stakeholder output)."""
    periods: dict[str, list[str]] = {}
    for u in sorted(scenario.unavailability, key=lambda u: (u.reviewer, u.start)):
        text = _span(u.start, u.end)
        if show_reasons and u.reason:
            text += f" ({u.reason})"
        periods.setdefault(u.reviewer, []).append(text)
    rows = []
    for r in scenario.reviewers:
        origin = scenario.reviewer_participant(r)
        rows.append({
            "id": r.id,
            "organisation": r.organisation,
            "role": "government reviewer" if r.is_government else f"{r.organisation} observer",
            "from": _participant_name(scenario, origin) if origin else "",
            "lead-eligible": "yes" if r.lead_eligible else "",
            "languages": _joined(r.languages),
            "expertise": _joined(r.expertise),
            "groups": _joined(g for g in r.groups if g != "lead-eligible"),
            "max engagements": r.max_engagements,
            "unavailable": "; ".join(periods.get(r.id, [])),
        })
    return pd.DataFrame(rows).set_index("id")


def calendar_table(scenario: Scenario) -> pd.DataFrame:
    """The fixed calendar: fixed events (ASM18, the plenary …) and the periods the rules keep free."""
    rows = []
    for v in scenario.events:
        people = scenario.attendees_of(v.attendees)
        rows.append({"what": v.title, "kind": v.kind, "place": v.place, "from": v.start, "to": v.end,
                     "days": (v.end - v.start).days + 1,
                     "who": f"{_joined(v.attendees)} ({len(people)} people)"})
    plenary = scenario.plenary()
    lead = scenario.rules.report_lead_time_days
    if plenary is not None and lead > 0:
        kinds = ", ".join(k.replace("_", " ") + "s" for k in scenario.rules.report_lead_time_kinds)
        rows.append({"what": f"Report lead time: no {kinds} before the plenary", "kind": "rule", "place": "",
                     "from": plenary.start - timedelta(days=lead), "to": plenary.start - timedelta(days=1),
                     "days": lead, "who": "(a rule of scenario.yaml)"})
    table = pd.DataFrame(rows).sort_values(["from", "to"]).reset_index(drop=True)
    table["from"] = table["from"].map(_d)
    table["to"] = table["to"].map(_d)
    return table


def engagements_table(scenario: Scenario) -> pd.DataFrame:
    """The engagements to schedule, with their windows, priorities and needs."""
    rows = []
    for e in scenario.engagements:
        low, high = scenario.team_bounds(e)
        rows.append({
            "id": e.id, "title": e.title, "kind": e.kind.replace("_", " "),
            "host(s)": _joined(_participant_name(scenario, h) for h in e.hosts),
            "days": e.duration_days, "window": _span(e.earliest_start, e.latest_end), "priority": e.priority,
            "team": f"{low}–{high}", "attendees": _joined(e.attendees), "languages": _joined(e.languages),
            "expertise": _joined(e.expertise), "pinned start": _d(e.pinned_start),
            "published start": _d(e.published_start),
        })
    return pd.DataFrame(rows).set_index("id")


def teams_table(scenario: Scenario, plan: Plan) -> pd.DataFrame:
    """Scheduled engagements in date order: dates, host, lead and the rest of the team."""
    engagements = scenario.engagements_by_id
    rows = []
    for o in sorted(plan.scheduled(), key=lambda o: (o.start, o.engagement_id)):
        e = engagements.get(o.engagement_id)
        team = plan.team(o.engagement_id)
        lead = plan.lead(o.engagement_id)
        others = sorted(a.reviewer_id for a in team if a.reviewer_id != lead)
        rows.append({"id": o.engagement_id, "title": e.title if e else o.engagement_id,
                     "dates": _span(o.start, o.end), "host": _participant_name(scenario, o.host),
                     "lead": lead or "", "members": _joined(others),
                     "size": len(team)})
    columns = ["id", "title", "dates", "host", "lead", "members", "size"]
    return pd.DataFrame(rows, columns=columns).set_index("id")


def unscheduled_table(scenario: Scenario, plan: Plan) -> pd.DataFrame:
    """Engagements the plan leaves out, with their priority and the reason in a sentence."""
    engagements = scenario.engagements_by_id
    rows = [{"id": o.engagement_id, "title": engagements[o.engagement_id].title,
             "priority": engagements[o.engagement_id].priority, "reason": o.reason or "(no reason recorded)"}
            for o in plan.engagements if not o.scheduled and o.engagement_id in engagements]
    return pd.DataFrame(rows, columns=["id", "title", "priority", "reason"]).set_index("id")


def terms_table(terms: Iterable[TermResult]) -> pd.DataFrame:
    """The soft-term breakdown: what each term measures, its value, weight, penalty and explanation."""
    terms = list(terms)
    rows = [{"term": TERM_LABELS.get(t.name, t.name), "key": t.name, "value": t.value, "weight": t.weight,
             "penalty": round(t.penalty, 2),
             "explanation": "; ".join(t.sentences[:4]) + (" …" if len(t.sentences) > 4 else "")}
            for t in terms]
    rows.append({"term": "Total (recomputed from the plan)", "key": "", "value": None, "weight": None,
                 "penalty": round(total_penalty(terms), 2), "explanation": ""})
    return pd.DataFrame(rows).set_index("term")


def validation_table(report) -> pd.DataFrame:
    """``planner.validate_scenario``'s problems as a table (empty when the scenario is valid)."""
    return pd.DataFrame([{"file": p.file, "row": p.row, "column": p.column, "value": p.value,
                          "expected": p.expected} for p in report.problems],
                        columns=["file", "row", "column", "value", "expected"])


def result_summary(result: SolveResult) -> str:
    """One paragraph about a solve, in words."""
    if result.plan is None:
        return (f"No plan ({result.status}). " + " ".join(result.diagnosis)).strip()
    scheduled = len(result.plan.scheduled())
    total = len(result.plan.engagements)
    how = {"OPTIMAL": "the best plan possible (proven optimal)",
           "FEASIBLE": "a plan that satisfies every hard rule; a better one may exist"}.get(result.status,
                                                                                          result.status)
    stop = " The solve was stopped by hand; this is the best plan found until then." if result.stopped else ""
    gap = "" if result.gap is None else f", gap {format_gap(result.gap)}"
    return (f"{how.capitalize()}: {scheduled} of {total} engagements scheduled. Objective {result.objective:,.2f} "
            f"(lower is better), bound {result.bound:,.2f}{gap}, after {result.runtime_s:.1f} s.{stop}")


def format_gap(gap: float | None) -> str:
    if gap is None:
        return "n/a"
    return "over 100%" if gap > 1 else f"{gap:.1%}"


# ============================================================================================================
# Solving in the background
# ============================================================================================================

PHASES = ("idle", "searching", "explaining", "done", "stopped", "failed")


@dataclass
class SolveState:
    """What a progress display shows. ``elapsed_s`` runs while the solve does."""

    phase: str = "idle"
    started: float | None = None
    finished: float | None = None
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    solutions: int = 0
    detail: str = ""

    @property
    def elapsed_s(self) -> float:
        if self.started is None:
            return 0.0
        return (self.finished or time.monotonic()) - self.started

    @property
    def running(self) -> bool:
        return self.phase in ("searching", "explaining")

    def text(self) -> str:
        if self.phase == "idle":
            return "Not started. Press Solve."
        figures = (f"{self.elapsed_s:.1f} s; best objective "
                   + ("—" if self.objective is None else f"{self.objective:,.2f}")
                   + ", bound " + ("—" if self.bound is None else f"{self.bound:,.2f}")
                   + f", gap {format_gap(self.gap)}; {self.solutions} plan(s) found")
        label = {"searching": "Solving…", "explaining": "Explaining left-out engagements…", "done": "Finished",
                 "stopped": "Stopped by hand", "failed": "Failed"}[self.phase]
        return f"{label} {figures}" + (f". {self.detail}" if self.detail else "")

    def html(self) -> str:
        colour = {"failed": "#b03a2e", "stopped": "#9a6700", "done": "#2a7a3b"}.get(self.phase, "#1f6fb2")
        return (f'<div class="kp-progress" style="font-family:monospace;color:{colour};padding:2px 0">'
                f"{html.escape(self.text())}</div>")


class BackgroundSolve:
    """Run ``solve`` in a background thread so that the notebook stays responsive.

    ``state()`` is a snapshot for progress displays; ``stop()`` ends the search within a fraction of a second
    (the best plan found is kept); ``wait()`` returns the ``SolveResult`` (and raises what the solve raised).
    After the search, each left-out engagement gets its reason (``explain=True``), as ``solve`` would give
    it, except that Stop skips the remaining explanations instead of waiting for them.

    ``reference`` is a published plan to stay close to (re-planning, what-if). ``on_progress(state)`` and
    ``on_done(job)`` are called from the background thread. ``solve_fn`` replaces ``planner.engine.solve.solve``
    (tests).
    """

    def __init__(self, scenario: Scenario, *, time_limit_s: float | None = None, reference: Plan | None = None,
                 workers: int | None = None, explain: bool = True,
                 on_progress: Callable[[SolveState], None] | None = None,
                 on_done: Callable[[BackgroundSolve], None] | None = None,
                 solve_fn: Callable[..., SolveResult] = solve):
        if time_limit_s is not None and not 0 < float(time_limit_s) <= 86_400:
            raise ValueError(f"The time limit must be between 0 and 86,400 seconds, not {time_limit_s!r}.")
        self.scenario = scenario
        self.time_limit_s = time_limit_s
        self.reference = reference
        self.workers = workers
        self.explain = explain
        self.on_progress = on_progress
        self.on_done = on_done
        self.solve_fn = solve_fn
        self.result: SolveResult | None = None
        self.error: BaseException | None = None
        self.stop_requested_at: float | None = None
        self._state = SolveState()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # --- control ----------------------------------------------------------------------------------------
    def start(self) -> BackgroundSolve:
        if self._thread is not None:
            raise RuntimeError("This solve has already been started; make a new BackgroundSolve to solve again.")
        self._update(phase="searching", started=time.monotonic())
        self._thread = threading.Thread(target=self._run, name="kp-solve", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Ask the search to stop; the best plan found so far is kept."""
        if self.stop_requested_at is None:
            self.stop_requested_at = time.monotonic()
        self._stop.set()

    def wait(self, timeout: float | None = None) -> SolveResult:
        if self._thread is None:
            raise RuntimeError("The solve has not been started.")
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise TimeoutError(f"The solve is still running after {timeout:g} s.")
        if self.error is not None:
            raise self.error
        return self.result

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def state(self) -> SolveState:
        with self._lock:
            return dataclasses.replace(self._state)

    # --- internals --------------------------------------------------------------------------------------
    def _update(self, **changes) -> None:
        with self._lock:
            self._state = dataclasses.replace(self._state, **changes)
            snapshot = dataclasses.replace(self._state)
        if self.on_progress is not None:
            try:
                self.on_progress(snapshot)
            except Exception:  # noqa: BLE001 - a display problem must not kill the solve
                traceback.print_exc()

    def _progress(self, p: Progress) -> None:
        self._update(objective=p.objective, bound=p.bound, gap=p.gap, solutions=p.solutions)

    def _run(self) -> None:
        try:
            result = self.solve_fn(self.scenario, time_limit_s=self.time_limit_s, workers=self.workers,
                                   reference=self.reference, progress=self._progress, stop_event=self._stop,
                                   explain_unscheduled=False)
            self._update(objective=result.objective, bound=result.bound, gap=result.gap,
                         solutions=max(result.solutions, self._state.solutions))
            if result.plan is not None and self.explain:
                left_out = [o for o in result.plan.engagements if not o.scheduled]
                if left_out:
                    self._update(phase="explaining", detail=f"{len(left_out)} engagement(s) left out")
                    self._explain(result)
            self.result = result
            self._update(phase="stopped" if self._stop.is_set() else "done", finished=time.monotonic(),
                         detail="" if result.plan is not None else result.status)
        except BaseException as error:  # noqa: BLE001 - reported through wait() and the panel
            self.error = error
            self._update(phase="failed", finished=time.monotonic(), detail=str(error).split("\n")[0][:200])
        finally:
            if self.on_done is not None:
                try:
                    self.on_done(self)
                except Exception:  # noqa: BLE001
                    traceback.print_exc()

    def _explain(self, result: SolveResult) -> None:
        """Reasons for left-out engagements (as ``planner.engine.solve`` gives them), then the soft terms again so that
        their sentences quote the reasons."""
        plan = result.plan
        outcomes = []
        for o in plan.engagements:
            if o.scheduled:
                outcomes.append(o)
            else:
                outcomes.append(EngagementOutcome(o.engagement_id, "unscheduled", reason=self._reason(result, o)))
        plan.engagements = tuple(outcomes)
        result.terms = evaluate(self.scenario, plan, self.reference)
        if isinstance(plan.meta, dict) and "terms" in plan.meta:
            plan.meta["terms"] = [t.as_dict() for t in result.terms]

    def _reason(self, result: SolveResult, outcome: EngagementOutcome) -> str:
        from planner.engine.diagnose import why_left_out
        from planner.rules.precheck import engagement_findings

        engagement = self.scenario.engagements_by_id[outcome.engagement_id]
        findings = engagement_findings(self.scenario, engagement)
        if findings:
            return " ".join(f.sentence for f in findings)
        if self._stop.is_set():
            return "Not explained: the solve was stopped before this engagement was looked at."
        box: dict[str, object] = {}

        def trial() -> None:
            try:
                box["reason"] = why_left_out(self.scenario, engagement, result.plan, result.settings,
                                             stop_event=self._stop, reference=self.reference)
            except Exception as error:  # noqa: BLE001 - an explanation that fails must not lose the plan
                box["reason"] = f"Not explained ({type(error).__name__}: {error})."

        helper = threading.Thread(target=trial, name="kp-explain", daemon=True)
        helper.start()
        while helper.is_alive():  # Stop does not wait for the trial solve: it is abandoned
            if self._stop.wait(0.05):
                return "Not explained: the solve was stopped while this engagement was being looked at."
        return str(box.get("reason", "Not explained."))


# ============================================================================================================
# Displaying results
# ============================================================================================================


def _heading(text: str, level: int = 4):
    from IPython.display import HTML

    return HTML(f"<h{level} style='margin:.8em 0 .3em'>{html.escape(text)}</h{level}>")


def _plotly_offline() -> None:
    import plotly.io as pio

    pio.renderers.default = "plotly_mimetype"  # JupyterLab's plotly extension renders it: no CDN needed


def setup() -> None:
    """Display settings for the coordinator notebooks: whole tables, readable columns, plotly without a CDN."""
    pd.set_option("display.max_rows", 200)
    pd.set_option("display.max_columns", 30)
    pd.set_option("display.max_colwidth", 140)
    _plotly_offline()


def plan_sections(scenario: Scenario, plan: Plan, terms: list[TermResult] | None = None, *,
                  timeline: bool = True, map: bool = True, downloads: bool = False) -> list:  # noqa: A002
    """Displayable objects for a plan: timeline, map, teams with leads, unscheduled with reasons, soft terms."""
    from IPython.display import HTML

    objects: list = []
    if timeline:
        from planner.views.timeline import plan_timeline

        _plotly_offline()
        objects += [_heading("Timeline"), plan_timeline(scenario, plan)]
    if map:
        from planner.views.maps import plan_map

        objects += [_heading("Map (offline: country shapes, no tiles)"), plan_map(scenario, plan)]
    objects += [_heading("Teams and leads"), teams_table(scenario, plan)]
    left_out = unscheduled_table(scenario, plan)
    objects += [_heading("Engagements left out"),
                left_out if len(left_out) else HTML("<p>None: every engagement is scheduled.</p>")]
    objects += [_heading("Soft terms: why the plan scores what it scores"),
                terms_table(terms if terms is not None else evaluate(scenario, plan))]
    if downloads:
        from planner.exports.download import download_links_html

        objects += [_heading("Downloads"), HTML(download_links_html(scenario, plan))]
    return objects


def show(output, objects: Iterable, *, clear: bool = True) -> None:
    """Show ``objects`` in an ``ipywidgets.Output``; safe to call from a background thread."""
    from IPython import get_ipython
    from IPython.core.formatters import DisplayFormatter

    shell = get_ipython()
    fmt = shell.display_formatter.format if shell is not None else DisplayFormatter().format
    items = []
    for obj in objects:
        if isinstance(obj, str):
            items.append({"output_type": "stream", "name": "stdout", "text": obj + "\n"})
            continue
        if hasattr(obj, "to_plotly_json") and hasattr(obj, "_repr_mimebundle_"):
            # plotly figures: their _ipython_display_ would print into whichever cell ran last, not here
            bundle = obj._repr_mimebundle_()
            data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
        else:
            data, metadata = fmt(obj)
        items.append({"output_type": "display_data", "data": data, "metadata": metadata})
    output.outputs = tuple(items) if clear else tuple(output.outputs) + tuple(items)


# ============================================================================================================
# Widgets
# ============================================================================================================


class _Displayable:
    widget = None

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


class SolvePanel(_Displayable):
    """Solve and Stop buttons, a live progress line (objective, bound, gap, elapsed) and a results area.

    ``job_factory(time_limit_s)`` makes the ``BackgroundSolve`` to run (it may raise ``EditRejected`` and the
    like: the message is shown). ``render(result, panel)`` fills ``panel.results`` when a solve ends (the
    default shows the summary and the plan sections). ``solve()``/``stop()``/``wait()`` do from code what
    the buttons do.
    """

    def __init__(self, job_factory: Callable[[float], BackgroundSolve], *,
                 time_limit_s: float = NOTEBOOK_TIME_LIMIT_S,
                 render: Callable[[SolveResult, SolvePanel], None] | None = None, solve_label: str = "Solve",
                 poll_s: float = 0.25):
        import ipywidgets as w

        self.job_factory = job_factory
        self.render = render or render_plan
        self.poll_s = poll_s
        self.job: BackgroundSolve | None = None
        self.solve_button = w.Button(description=solve_label, button_style="primary", icon="play",
                                     tooltip="Solve in the background; the notebook stays usable")
        self.stop_button = w.Button(description="Stop", button_style="warning", icon="stop", disabled=True,
                                    tooltip="Stop the search now and keep the best plan found")
        self.time_limit = w.IntSlider(value=int(time_limit_s), min=2, max=120, step=1, description="Time (s)",
                                      continuous_update=False, style={"description_width": "60px"})
        self.progress = w.HTML(SolveState().html())
        self.messages = MessageArea()
        self.results = w.Output(layout=w.Layout(width="100%"))
        self.solve_button.on_click(guarded(self.messages, lambda _b: self.solve()))
        self.stop_button.on_click(guarded(self.messages, lambda _b: self.stop()))
        self.widget = w.VBox([w.HBox([self.solve_button, self.stop_button, self.time_limit]), self.progress,
                              self.messages.widget, self.results])
        self.widget.add_class("kp-solve-panel")
        self._ticker: threading.Thread | None = None

    def solve(self) -> BackgroundSolve:
        """Start a solve (what the Solve button does); refused while one runs."""
        if self.job is not None and self.job.running:
            raise edits.EditRejected("A solve is already running: wait for it or press Stop.")
        self.messages.clear()
        job = self.job_factory(float(self.time_limit.value))
        job.on_done = self._done
        self.job = job
        self.results.outputs = ()  # the previous results would be mistaken for this solve's
        self.solve_button.disabled, self.stop_button.disabled = True, False
        job.start()
        self._ticker = threading.Thread(target=self._tick, args=(job,), name="kp-progress", daemon=True)
        self._ticker.start()
        return job

    def stop(self) -> None:
        if self.job is None or not self.job.running:
            self.messages.show("Nothing is running.", "info")
            return
        self.job.stop()
        self.stop_button.disabled = True
        self.messages.show("Stopping… the best plan found so far is kept.", "info")

    @property
    def result(self) -> SolveResult | None:
        """The last finished solve's result (None before the first one ends)."""
        return self.job.result if self.job is not None else None

    @property
    def plan(self) -> Plan | None:
        return self.result.plan if self.result is not None else None

    def wait(self, timeout: float | None = None) -> SolveResult:
        """Block until the current solve ends (the notebook is busy meanwhile: Stop works between cells)."""
        if self.job is None:
            raise edits.EditRejected("Nothing has been solved yet: press Solve or call solve().")
        result = self.job.wait(timeout)
        if self._ticker is not None:
            self._ticker.join(5)
        return result

    def _tick(self, job: BackgroundSolve) -> None:
        while job.running:
            self.progress.value = job.state().html()
            time.sleep(self.poll_s)
        self.progress.value = job.state().html()

    def _done(self, job: BackgroundSolve) -> None:
        self.solve_button.disabled, self.stop_button.disabled = False, True
        self.progress.value = job.state().html()
        if job.error is not None:
            self.messages.error(job.error)
            return
        if job.stopped:
            self.messages.show("Stopped: " + ("the best plan found is kept." if job.result.plan is not None
                                              else "no plan had been found yet."), "warn")
        try:
            self.render(job.result, self)
        except Exception as error:  # noqa: BLE001 - shown in the panel
            self.messages.error(error)


def render_plan(result: SolveResult, panel: SolvePanel, scenario: Scenario | None = None) -> None:
    """The default results: the summary, then the plan's sections."""
    from IPython.display import HTML

    objects: list = [HTML(message_html(result_summary(result), "ok" if result.plan else "error"))]
    scenario = scenario or panel.job.scenario
    if result.plan is not None:
        objects += plan_sections(scenario, result.plan, result.terms)
    show(panel.results, objects)


def render_summary(result: SolveResult, panel: SolvePanel) -> None:
    """Results as one line (the notebook's own cells show the details)."""
    from IPython.display import HTML

    show(panel.results, [HTML(message_html(result_summary(result), "ok" if result.plan else "error"))])


def solve_panel(scenario: Scenario, *, time_limit_s: float = NOTEBOOK_TIME_LIMIT_S,
                reference: Plan | None = None, render=None) -> SolvePanel:
    """A ``SolvePanel`` that solves ``scenario`` (optionally staying close to ``reference``)."""
    return SolvePanel(lambda limit: BackgroundSolve(scenario, time_limit_s=limit, reference=reference),
                      time_limit_s=time_limit_s, render=render)


def save_plan_box(get_plan: Callable[[], Plan | None], name: str = NOTEBOOK_PLAN):
    """A folder name and a "Save plan" button; saves under ``plans_dir()``. Returns the widget box."""
    import ipywidgets as w

    folder = w.Text(value=name, description="Folder", style={"description_width": "60px"})
    button = w.Button(description="Save plan", icon="save")
    messages = MessageArea()

    def save(_b=None) -> None:
        path = save_notebook_plan(get_plan(), folder.value)
        messages.show(f"Saved the plan in {path}.", "ok")

    button.on_click(guarded(messages, save))
    box = w.VBox([w.HBox([folder, button]), messages.widget])
    box.save = guarded(messages, save)  # for code: box.save()
    box.messages = messages
    return box


# --- 02: the scenario editor ---------------------------------------------------------------------------------


def _weight_slider_range(default: float) -> tuple[float, float, float]:
    if default <= 0:
        return 0.0, 1.0, 0.01
    if default < 1:
        return 0.0, round(default * 10, 3), 0.001
    high = max(10.0, default * 5)
    return 0.0, high, max(1.0, round(high / 200))


@dataclass
class Comparison:
    """A saved plan against a variant: both side by side, the list of changes and the headline deltas."""

    diff: PlanDiff
    side_by_side: pd.DataFrame
    changes: pd.DataFrame
    kpis: pd.DataFrame

    def sentences(self) -> list[str]:
        return self.diff.sentences() or ["No engagement changes: same dates, hosts, teams and leads."]


def _outcome_text(o: EngagementOutcome | None) -> str:
    if o is None:
        return "(not in this plan)"
    return _span(o.start, o.end) if o.scheduled else "left out"


def compare(scenario: Scenario, before: Plan, after: Plan, labels: tuple[str, str] = ("saved", "variant")
            ) -> Comparison:
    """``before`` and ``after`` side by side (dates, host, lead, team per engagement), the changes
    (``planner.rules.plan_diff.diff_plans``) and the headline figures with their deltas."""
    diff = diff_plans(scenario, before, after)
    old, new = before.outcomes_by_id, after.outcomes_by_id
    by_engagement: dict[str, list[str]] = {}
    for c in diff.changes:
        by_engagement.setdefault(c.engagement_id, []).append(c.change)
    a, b = labels
    rows = []
    for e in scenario.engagements:
        o, n = old.get(e.id), new.get(e.id)
        row = {"id": e.id, "title": e.title}
        for label, outcome, plan in ((a, o, before), (b, n, after)):
            scheduled = outcome is not None and outcome.scheduled
            lead = plan.lead(e.id) if scheduled else None
            team = sorted(x.reviewer_id for x in plan.team(e.id) if x.reviewer_id != lead) if scheduled else []
            row[f"{label}: dates"] = _outcome_text(outcome)
            row[f"{label}: host"] = outcome.host if scheduled else ""
            row[f"{label}: lead"] = lead or ""
            row[f"{label}: team"] = _joined(team)
        row["changes"] = "; ".join(by_engagement.get(e.id, [])) or "—"
        rows.append(row)
    side = pd.DataFrame(rows).set_index("id")
    kpis = diff.kpi_table().rename(index=KPI_LABELS).rename(columns={"before": a, "after": b})
    return Comparison(diff, side, diff.changes_table(), kpis)


def comparison_objects(comparison: Comparison) -> list:
    from IPython.display import HTML

    items = "".join(f"<li>{html.escape(s)}</li>" for s in comparison.sentences())
    return [_heading("What changed"), HTML(f"<ul>{items}</ul>"), _heading("Headline figures"), comparison.kpis,
            _heading("Side by side"), comparison.side_by_side]


class ScenarioEditor(_Displayable):
    """02-what-if: edit a scenario with widgets, solve the variant, compare it with the saved plan, save it.

    Tabs: availability (mark a reviewer unavailable), rules, weights (sliders), pins, invitations. Every edit
    goes through ``planner.apps.edits``: a rejected edit leaves the scenario unchanged and says why. ``apply`` does
    from code what the buttons do. ``history`` keeps each accepted edit, so "Undo" goes back one step.
    """

    def __init__(self, scenario: Scenario, saved: Plan | None = None, *,
                 time_limit_s: float = NOTEBOOK_TIME_LIMIT_S, variant_name: str | None = None):
        import ipywidgets as w

        self.w = w
        self.base = scenario
        self.saved = saved
        self.history: list[tuple[str, Scenario]] = []
        self._syncing = False
        self.result: SolveResult | None = None
        self.comparison: Comparison | None = None
        self.messages = MessageArea()
        self.log = w.HTML()
        wide = {"description_width": "120px"}
        horizon = {"min": scenario.horizon_start, "max": scenario.horizon_end}

        # availability
        self.reviewer = w.Combobox(options=[r.id for r in scenario.reviewers], placeholder="e.g. CM-1",
                                   description="Reviewer", ensure_option=False, style=wide)
        self.off_start = w.DatePicker(description="First day", style=wide, **horizon)
        self.off_end = w.DatePicker(description="Last day", style=wide, **horizon)
        self.off_reason = w.Text(value="unavailable (what-if)", description="Reason (private)", style=wide)
        mark = w.Button(description="Mark unavailable", icon="user-times")
        mark.on_click(guarded(self.messages, lambda _b: self.apply(
            f"{self.reviewer.value} unavailable {self.off_start.value}–{self.off_end.value}",
            edits.mark_unavailable, self.reviewer.value, self.off_start.value, self.off_end.value,
            self.off_reason.value)))
        availability = w.VBox([self.reviewer, self.off_start, self.off_end, self.off_reason, mark])

        # rules
        self.rule = w.Dropdown(options=[(label, name) for name, (label, _, _) in edits.EDITABLE_RULES.items()],
                               description="Rule", style=wide, layout=w.Layout(width="560px"))
        self.rule_value = w.IntText(description="New value", style=wide)
        self.rule_flag = w.Checkbox(description="yes", indent=False)
        change = w.Button(description="Change rule", icon="gavel")
        self.rule.observe(lambda _c: self._show_rule(), names="value")
        change.on_click(guarded(self.messages, lambda _b: self._change_rule()))
        rules = w.VBox([self.rule, w.HBox([self.rule_value, self.rule_flag]), change])

        # weights
        self.weight_sliders: dict[str, object] = {}
        sliders = []
        for name, value in scenario.weights.items():
            low, high, step = _weight_slider_range(float(value))
            slider = w.FloatSlider(value=float(value), min=low, max=max(high, float(value)), step=step,
                                   description=name, continuous_update=False, readout_format=".3g",
                                   style={"description_width": "140px"}, layout=w.Layout(width="520px"),
                                   tooltip=TERM_LABELS.get(name, name))
            slider.observe(guarded(self.messages, lambda change, name=name: self._weight_changed(name, change)),
                           names="value")
            self.weight_sliders[name] = slider
            sliders.append(w.HBox([slider, w.HTML(f"<small>{html.escape(TERM_LABELS.get(name, name))}</small>")]))
        weights = w.VBox(sliders)

        # pins
        self.pin_engagement = w.Dropdown(options=[(f"{e.id} — {e.title}", e.id) for e in scenario.engagements],
                                         description="Engagement", style=wide, layout=w.Layout(width="560px"))
        self.pin_day = w.DatePicker(description="Start day", style=wide, **horizon)
        pin_button = w.Button(description="Pin", icon="thumb-tack")
        unpin_button = w.Button(description="Unpin", icon="unlock")
        pin_button.on_click(guarded(self.messages, lambda _b: self.apply(
            f"pin {self.pin_engagement.value} on {self.pin_day.value}", edits.pin, self.pin_engagement.value,
            self.pin_day.value)))
        unpin_button.on_click(guarded(self.messages, lambda _b: self.apply(
            f"unpin {self.pin_engagement.value}", edits.unpin, self.pin_engagement.value)))
        pins = w.VBox([self.pin_engagement, self.pin_day, w.HBox([pin_button, unpin_button])])

        # invitations
        self.invite_host = w.Combobox(options=sorted(f"{p.code}" for p in scenario.participants),
                                      description="Host (code)", placeholder="e.g. GH", style=wide)
        self.invite_from = w.DatePicker(description="Earliest start", style=wide, **horizon)
        self.invite_to = w.DatePicker(description="Latest end", style=wide, **horizon)
        self.invite_days = w.BoundedIntText(value=5, min=1, max=60, description="Days", style=wide)
        self.invite_priority = w.Dropdown(options=["required", "high", "normal", "low"], value="normal",
                                          description="Priority", style=wide)
        self.invite_languages = w.Text(description="Languages", placeholder="e.g. en;fr", style=wide)
        invite = w.Button(description="Add invitation", icon="plus")
        invite.on_click(guarded(self.messages, lambda _b: self.apply(
            f"invitation from {self.invite_host.value} ({self.invite_from.value}–{self.invite_to.value}, "
            f"{self.invite_days.value} days, {self.invite_priority.value})",
            edits.add_invitation, self.invite_host.value, self.invite_from.value, self.invite_to.value,
            self.invite_days.value, priority=self.invite_priority.value, languages=self.invite_languages.value)))
        invitations = w.VBox([self.invite_host, self.invite_from, self.invite_to, self.invite_days,
                              self.invite_priority, self.invite_languages, invite])

        tabs = w.Tab(children=[availability, rules, weights, pins, invitations])
        for i, title in enumerate(("Availability", "Rules", "Weights", "Pins", "Invitation")):
            tabs.set_title(i, title)
        undo = w.Button(description="Undo last edit", icon="undo")
        reset = w.Button(description="Reset all edits", icon="refresh")
        undo.on_click(guarded(self.messages, lambda _b: self.undo()))
        reset.on_click(guarded(self.messages, lambda _b: self.reset()))

        # solve and compare
        self.stay_close = w.Checkbox(value=saved is not None, disabled=saved is None, indent=False,
                                     description="Start from the saved plan and keep changes small")
        self.panel = SolvePanel(self._job, time_limit_s=time_limit_s, render=self._render,
                                solve_label="Solve variant")

        # save
        self.variant_folder = w.Text(value=variant_name or f"{Path(scenario.source_path or 'scenario').name}"
                                     "-what-if", description="Folder", style={"description_width": "60px"})
        self.confirm = w.Checkbox(value=False, description="Replace it if it exists", indent=False)
        save = w.Button(description="Save variant", icon="save")
        save.on_click(guarded(self.messages, lambda _b: self.save()))

        self.widget = w.VBox([
            tabs, w.HBox([undo, reset]), self.messages.widget, self.log,
            w.HTML("<b>Solve the variant</b>"), self.stay_close, self.panel.widget,
            w.HTML(f"<b>Save the variant</b> (a new scenario folder under {html.escape(str(variants_dir()))})"),
            w.HBox([self.variant_folder, self.confirm, save])])
        self.widget.add_class("kp-scenario-editor")
        self._refresh_log()

    # --- state -------------------------------------------------------------------------------------------
    @property
    def scenario(self) -> Scenario:
        return self.history[-1][1] if self.history else self.base

    def apply(self, description: str, edit: Callable[..., Scenario], *args, **kwargs) -> Scenario:
        """Apply ``edit(scenario, *args)``; on ``EditRejected`` nothing changes and the reason is shown."""
        try:
            changed = edit(self.scenario, *args, **kwargs)
        except edits.EditRejected as error:
            self.messages.show(f"Not applied: {error}", "error")
            return self.scenario
        notes = edits.consequences(self.scenario, changed)
        self.history.append((description, changed))
        self._refresh_log()
        text = f"Applied: {description}."
        self.messages.show(text + ("\n" + "\n".join(notes) if notes else ""), "warn" if notes else "ok")
        return changed

    def undo(self) -> None:
        if not self.history:
            self.messages.show("There is no edit to undo.", "info")
            return
        description, _ = self.history.pop()
        self._sync_sliders()
        self._refresh_log()
        self.messages.show(f"Undone: {description}.", "ok")

    def reset(self) -> None:
        self.history.clear()
        self._sync_sliders()
        self._refresh_log()
        self.messages.show("Back to the scenario as loaded.", "ok")

    def edit_log(self) -> list[str]:
        return [d for d, _ in self.history]

    def _refresh_log(self) -> None:
        self._show_rule()  # the rule field shows the variant's current value
        if not self.history:
            self.log.value = "<i>No edits yet: the variant is the scenario as loaded.</i>"
            return
        items = "".join(f"<li>{html.escape(d)}</li>" for d in self.edit_log())
        self.log.value = f"<b>Edits so far</b><ol style='margin:2px 0'>{items}</ol>"

    def _sync_sliders(self) -> None:
        self._syncing = True
        try:
            for name, slider in self.weight_sliders.items():
                slider.value = float(self.scenario.weights[name])
        finally:
            self._syncing = False

    # --- callbacks -------------------------------------------------------------------------------------------
    def _show_rule(self) -> None:
        name = self.rule.value
        _, low, _ = edits.EDITABLE_RULES[name]
        current = getattr(self.scenario.rules, name)
        flag = low is None
        self.rule_value.layout.display = "none" if flag else None
        self.rule_flag.layout.display = None if flag else "none"
        if flag:
            self.rule_flag.value = bool(current)
        else:
            self.rule_value.value = int(current)

    def _change_rule(self) -> None:
        name = self.rule.value
        value = self.rule_flag.value if edits.EDITABLE_RULES[name][1] is None else self.rule_value.value
        self.apply(f"{name} = {value}", edits.set_rule, name, value)

    def _weight_changed(self, name: str, change) -> None:
        if self._syncing:
            return
        value = round(float(change["new"]), 3)
        if value == self.scenario.weights.get(name):
            return
        self.apply(f"weight {name} = {value:g}", edits.set_weight, name, value)

    # --- solve and compare ---------------------------------------------------------------------------------
    def _job(self, time_limit_s: float) -> BackgroundSolve:
        reference = self.saved if (self.saved is not None and self.stay_close.value) else None
        return BackgroundSolve(self.scenario, time_limit_s=time_limit_s, reference=reference)

    def _render(self, result: SolveResult, panel: SolvePanel) -> None:
        from IPython.display import HTML

        self.result = result
        objects: list = [HTML(message_html(result_summary(result), "ok" if result.plan else "error"))]
        if result.plan is not None and self.saved is not None:
            self.comparison = compare(self.scenario, self.saved, result.plan)
            objects += comparison_objects(self.comparison)
        if result.plan is not None:
            objects += plan_sections(self.scenario, result.plan, result.terms, map=False)
        show(panel.results, objects)

    def save(self, folder: str | os.PathLike | None = None, confirm_overwrite: bool | None = None) -> Path:
        """Save the variant (a new scenario folder under ``variants_dir()`` unless ``folder`` is a path)."""
        name = str(folder if folder is not None else self.variant_folder.value).strip()
        target = Path(name) if os.sep in name or isinstance(folder, Path) else variants_dir() / name
        confirm = self.confirm.value if confirm_overwrite is None else confirm_overwrite
        note = "What-if variant made in notebooks/02-what-if.ipynb. Edits: " + (
            "; ".join(self.edit_log()) or "none") + "."
        path = edits.save_variant(self.scenario, target, confirm_overwrite=confirm,
                                  name=f"{self.base.name} — what-if {target.name}", note=note)
        self.confirm.value = False
        self.messages.show(f"Saved the variant in {path}. Solve it with: kp-plan solve {path}", "ok")
        return path


# --- 03: a reviewer drops out ---------------------------------------------------------------------------------


@dataclass
class Disruption:
    """A reviewer drops out of an engagement ``days_before`` its start: what the re-plan solves."""

    scenario: Scenario  # the published scenario with the dropout (dates of the plan as published_start)
    today: date
    reviewer_id: str
    engagement_id: str
    description: str


def drop_out(scenario: Scenario, plan: Plan, engagement_id: str, reviewer_id: str, days_before: int = 14
             ) -> Disruption:
    """``reviewer_id`` cannot do ``engagement_id`` after all (unavailable on its dates), and we learn it
    ``days_before`` its start. The plan's dates become published, engagements started by then are pinned."""
    from planner.engine.replan import published

    o = plan.outcomes_by_id.get(engagement_id)
    if o is None or not o.scheduled:
        raise edits.EditRejected(f"{engagement_id} is not scheduled in the plan; choose a scheduled engagement.")
    team = {a.reviewer_id for a in plan.team(engagement_id)}
    if reviewer_id not in team:
        raise edits.EditRejected(f"{reviewer_id} is not on the team of {engagement_id} "
                                 f"({', '.join(sorted(team))}).")
    days = edits._whole_number(days_before, "number of days before the start", 0, 365)
    today = o.start - timedelta(days=days)
    title = scenario.engagements_by_id[engagement_id].title
    changed = edits.mark_unavailable(scenario, reviewer_id, o.start, o.end, f"dropped out of {title}")
    text = (f"On {today:%a %d %b %Y}, {days} days before it starts, {reviewer_id} drops out of {title} "
            f"({_span(o.start, o.end)}).")
    return Disruption(published(changed, plan, today), today, reviewer_id, engagement_id, text)


class DisruptionPanel(_Displayable):
    """03-disruption: choose a scheduled engagement, a member who drops out and how early we learn it;
    "Re-plan" solves with few changes from the plan and shows what changes."""

    def __init__(self, scenario: Scenario, plan: Plan, *, time_limit_s: float = NOTEBOOK_TIME_LIMIT_S):
        import ipywidgets as w

        self.scenario, self.plan = scenario, plan
        self.disruption: Disruption | None = None
        self.comparison: Comparison | None = None
        engagements = scenario.engagements_by_id
        options = [(f"{o.engagement_id} — {engagements[o.engagement_id].title} ({_span(o.start, o.end)})",
                    o.engagement_id) for o in sorted(plan.scheduled(), key=lambda o: o.start)]
        self.engagement = w.Dropdown(options=options, description="Engagement", layout=w.Layout(width="640px"))
        self.reviewer = w.Dropdown(description="Drops out")
        self.days_before = w.BoundedIntText(value=14, min=0, max=180, description="Days before")
        self.engagement.observe(lambda _c: self._team(), names="value")
        self._team()
        self.panel = SolvePanel(self._job, time_limit_s=time_limit_s, render=self._render, solve_label="Re-plan")
        self.widget = w.VBox([self.engagement, w.HBox([self.reviewer, self.days_before]), self.panel.widget])

    def _team(self) -> None:
        eid = self.engagement.value
        lead = self.plan.lead(eid)
        people = sorted((a.reviewer_id for a in self.plan.team(eid)), key=lambda r: (r != lead, r))
        self.reviewer.options = [(f"{r} (lead)" if r == lead else r, r) for r in people]

    def _job(self, time_limit_s: float) -> BackgroundSolve:
        self.disruption = drop_out(self.scenario, self.plan, self.engagement.value, self.reviewer.value,
                                   self.days_before.value)
        self.panel.messages.show(self.disruption.description, "info")
        return BackgroundSolve(self.disruption.scenario, time_limit_s=time_limit_s, reference=self.plan)

    def _render(self, result: SolveResult, panel: SolvePanel) -> None:
        from IPython.display import HTML

        objects: list = [HTML(message_html(result_summary(result), "ok" if result.plan else "error"))]
        if result.plan is not None:
            self.comparison = compare(self.disruption.scenario, self.plan, result.plan, ("before", "after"))
            objects += comparison_objects(self.comparison)
        show(panel.results, objects)


# ============================================================================================================
# 04: regional cooperation (Mano River Union, Central Africa)
# ============================================================================================================


@dataclass
class RegionalView:
    """The artisanal-mining cooperation of the regional approaches, as tables and figures."""

    engagements: pd.DataFrame  # MRU / CA engagements and fixed events
    travellers: pd.DataFrame  # who travels where for them
    chains: pd.DataFrame  # trips that chain with another engagement in the same region
    summary: dict[str, float] = field(default_factory=dict)
    people: tuple[str, ...] = ()
    members: pd.DataFrame | None = None  # the participants of each approach

    def summary_text(self) -> str:
        s = self.summary
        return (f"{s['engagements']} regional-approach engagements and {s['events']} fixed events; "
                f"{s['people']} people travel {s['round_trip_km']:,} km in round trips from home for them. "
                f"{s['chains']} chain(s) with another engagement in the same region save "
                f"{s['km_saved']:,} km (about {s['co2_saved_tonnes']:,.1f} t CO2, an estimate).")


def _approach_of(scenario: Scenario, code: str) -> str:
    p = scenario.participants_by_code.get(code)
    return p.regional_approach if p else ""


def _event_participant(scenario: Scenario, lat: float, lon: float, within_km: float = 50.0) -> str:
    """The participant whose capital is at the event's place (fixed events name a place, not a host)."""
    best = min(scenario.participants, key=lambda p: great_circle_km(lat, lon, p.lat, p.lon))
    return best.code if great_circle_km(lat, lon, best.lat, best.lon) <= within_km else ""


def regional_view(scenario: Scenario, plan: Plan, approaches: tuple[str, ...] = ("MRU", "CA")) -> RegionalView:
    """The engagements and fixed events in countries of the regional approaches, who travels to them, and
    which of those trips chain with another engagement in the same region (``evaluation.best_chains``: the
    kilometres saved by going straight from one to the next instead of two round trips from home)."""
    reviewers = scenario.reviewers_by_id
    outcomes = plan.outcomes_by_id
    rows, trips_out, event_rows = [], [], []
    regional_ids: set[str] = set()
    for e in scenario.engagements:
        o = outcomes.get(e.id)
        hosts = (o.host,) if o is not None and o.scheduled else e.hosts
        found = sorted({_approach_of(scenario, h) for h in hosts} & set(approaches))
        if not found:
            continue
        regional_ids.add(e.id)
        scheduled = o is not None and o.scheduled
        rows.append({"id": e.id, "what": e.title, "kind": e.kind.replace("_", " "),
                     "approach": ", ".join(APPROACH_NAMES.get(a, a) for a in found),
                     "where": _participant_name(scenario, o.host) if scheduled
                     else " or ".join(_participant_name(scenario, h) for h in e.hosts),
                     "dates": _span(o.start, o.end) if scheduled else "left out",
                     "team": len(plan.team(e.id)) if scheduled else 0,
                     "status": "scheduled" if scheduled else (o.reason if o and o.reason else "left out")})
    for v in scenario.events:
        code = _event_participant(scenario, v.lat, v.lon)
        approach = _approach_of(scenario, code)
        if approach not in approaches:
            continue
        people = scenario.attendees_of(v.attendees)
        event_rows.append(v)
        rows.append({"id": v.id, "what": v.title, "kind": f"fixed {v.kind}",
                     "approach": APPROACH_NAMES.get(approach, approach), "where": v.place,
                     "dates": _span(v.start, v.end), "team": len(people), "status": "fixed (already dated)"})
        for rid in people:
            r = reviewers[rid]
            trips_out.append({"person": rid, "organisation": r.organisation,
                              "home": _home_name(scenario, r),
                              "goes to": v.title, "where": v.place, "dates": _span(v.start, v.end),
                              "role": "attends (fixed event)",
                              "round trip km": 2 * km_between(home_of(r), (v.lat, v.lon))})

    itineraries: dict[str, list[Assignment]] = {}
    for a in sorted(plan.assignments, key=lambda a: (a.reviewer_id, a.start, a.engagement_id)):
        if a.reviewer_id in reviewers:
            itineraries.setdefault(a.reviewer_id, []).append(a)
    chain_rows = []
    chained: dict[tuple[str, str], str] = {}
    engagements = scenario.engagements_by_id
    for rid, trips in itineraries.items():
        for a, b, saving in best_chains(scenario, reviewers[rid], trips):
            if a.engagement_id not in regional_ids and b.engagement_id not in regional_ids:
                continue
            chained[(rid, a.engagement_id)] = f"then {b.engagement_id}"
            chained[(rid, b.engagement_id)] = f"after {a.engagement_id}"
            chain_rows.append({"person": rid, "first": engagements[a.engagement_id].title,
                               "first dates": _span(a.start, a.end),
                               "then": engagements[b.engagement_id].title, "then dates": _span(b.start, b.end),
                               "free days between": (b.start - a.end).days - 1,
                               "region": scenario.participant(a.host).region, "km saved": saving})
    for rid, trips in itineraries.items():
        r = reviewers[rid]
        for a in trips:
            if a.engagement_id not in regional_ids:
                continue
            trips_out.append({"person": rid, "organisation": r.organisation,
                              "home": _home_name(scenario, r),
                              "goes to": engagements[a.engagement_id].title,
                              "where": _participant_name(scenario, a.host), "dates": _span(a.start, a.end),
                              "role": a.role + (f" ({chained[(rid, a.engagement_id)]})"
                                                if (rid, a.engagement_id) in chained else ""),
                              "round trip km": 2 * km_between(home_of(r), site_of(scenario, a.host))})
    travellers = pd.DataFrame(trips_out, columns=["person", "organisation", "home", "goes to", "where", "dates",
                                                  "role", "round trip km"])
    travellers = travellers.sort_values(["goes to", "person"]).reset_index(drop=True)
    chains = pd.DataFrame(chain_rows, columns=["person", "first", "first dates", "then", "then dates",
                                               "free days between", "region", "km saved"])
    saved = int(chains["km saved"].sum()) if len(chains) else 0
    summary = {
        "engagements": sum(1 for r in rows if not r["kind"].startswith("fixed")),
        "events": len(event_rows),
        "people": int(travellers["person"].nunique()) if len(travellers) else 0,
        "round_trip_km": int(travellers["round trip km"].sum()) if len(travellers) else 0,
        "chains": len(chains),
        "km_saved": saved,
        "co2_saved_tonnes": round(saved * scenario.rules.co2_kg_per_km / 1000, 1),
    }
    table = pd.DataFrame(rows, columns=["id", "what", "kind", "approach", "where", "dates", "team", "status"])
    members = pd.DataFrame(
        [{"approach": APPROACH_NAMES.get(p.regional_approach, p.regional_approach), "code": p.code, "name": p.name,
          "languages": _joined(p.languages),
          "participant from": _d(p.participant_from) if p.participant_from else "before the horizon",
          "reviewers in the pool": sum(1 for r in scenario.reviewers if scenario.reviewer_participant(r) == p.code)}
         for p in sorted(scenario.participants, key=lambda p: (p.regional_approach, p.name))
         if p.regional_approach in approaches],
        columns=["approach", "code", "name", "languages", "participant from", "reviewers in the pool"])
    return RegionalView(table.set_index("id"), travellers, chains, summary,
                        tuple(sorted(set(travellers["person"])) if len(travellers) else ()), members)


def regional_map(scenario: Scenario, plan: Plan):
    """The plan's engagements in Africa on the offline map (the regional approaches are shaded)."""
    from planner.views.maps import plan_map

    return plan_map(scenario, plan, filters={"region": "Africa"})


def itinerary_picker(scenario: Scenario, plan: Plan, people: Iterable[str]):
    """A person chooser that shows that person's trips on a map (``planner.views.maps.itinerary_map``)."""
    import ipywidgets as w

    from planner.views.maps import itinerary_map

    people = sorted(set(people))
    chooser = w.Dropdown(options=[("choose a person", "")] + [(p, p) for p in people], description="Person")
    out = w.Output(layout=w.Layout(width="100%"))
    messages = MessageArea()

    def changed(_change=None) -> None:
        if chooser.value:
            show(out, [itinerary_map(scenario, plan, [chooser.value])])
        else:
            out.outputs = ()

    chooser.observe(guarded(messages, changed), names="value")
    box = w.VBox([chooser, messages.widget, out])
    box.chooser = chooser
    box.output = out
    return box


__all__ = [
    "BackgroundSolve", "Comparison", "Disruption", "DisruptionPanel", "RegionalView", "ScenarioEditor",
    "SolvePanel", "SolveState", "calendar_table", "compare", "describe_error", "drop_out", "engagements_table",
    "guarded", "itinerary_picker", "load_saved_plan", "people_table", "plan_folder", "plan_sections",
    "plans_dir", "regional_map", "regional_view", "result_summary", "save_notebook_plan", "save_plan_box",
    "setup", "show", "solve_panel", "teams_table", "terms_table", "unscheduled_table", "user_message",
    "validation_table", "variants_dir",
]
