"""Solving in the background: ``BackgroundSolve`` runs ``planner.engine.solve.solve`` in a thread, then
explains the left-out engagements (``planner.engine.explain``), and keeps a ``SolveState`` (objective, bound, gap,
elapsed) that widgets poll. ``stop()`` ends the search within a fraction of a second and keeps the best plan
found. No widget is needed to use or test it.
"""

from __future__ import annotations

import dataclasses
import html
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from planner.core.model import Plan, Scenario
from planner.engine.explain import explain as explain_result
from planner.engine.explain import explanation_budget, left_out_reasons, with_reasons
from planner.engine.solve import Progress, SolveResult, bound_text, solve
from planner.views.palette import MESSAGE_COLOURS

# An upper bound: a solve ends as soon as its plan is proven best (kp-2018-h2 and its what-if variants take a
# few seconds to about 20 s on two cores; a minimal-change re-plan about 2 s).
NOTEBOOK_TIME_LIMIT_S = 60.0
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
    solutions: int = 0  # plans shown so far, each better than the one before (the starting plan included)
    detail: str = ""
    stage: str = ""  # a minimal-change re-plan's level being minimised ("" for the soft terms)

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
        if self.stage and self.running:
            best = "—" if self.objective is None else f"{self.objective:,g}"
            figures = f"{self.elapsed_s:.1f} s; first the {self.stage}: {best} so far"
        else:
            figures = (f"{self.elapsed_s:.1f} s; best {bound_text(self.objective, self.bound, self.gap)}; "
                       f"{self.solutions} plan(s) found")
        label = {"searching": "Solving…", "explaining": "Explaining left-out engagements…", "done": "Finished",
                 "stopped": "Stopped by hand", "failed": "Failed"}[self.phase]
        return f"{label} {figures}" + (f". {self.detail}" if self.detail else "")

    def html(self) -> str:
        colour = MESSAGE_COLOURS[{"failed": "error", "stopped": "warn", "done": "ok"}.get(self.phase, "info")]
        return (f'<div class="kp-progress" style="font-family:monospace;color:{colour};padding:2px 0">'
                f"{html.escape(self.text())}</div>")


class BackgroundSolve:
    """Run ``solve`` in a background thread so that the notebook stays responsive.

    ``state()`` is a snapshot for progress displays; ``stop()`` ends the search within a fraction of a second
    (the best plan found is kept); ``wait()`` returns the ``SolveResult`` (and raises what the solve raised).
    After the search, each left-out engagement gets its reason (``explain=True``) from
    ``planner.engine.explain`` (staffing pre-checks first, then a trial solve), except that Stop skips the
    remaining explanations instead of waiting for them; a solve without a plan gets its diagnosis.

    ``reference`` is a published plan to stay close to (re-planning; with ``fewest_changes``, lexicographic),
    ``hint`` a plan to start from without staying close to it (what-if), ``exclusions`` (engagement, person)
    pairs kept off the teams (drop-outs). ``on_progress(state)`` and
    ``on_done(job)`` are called from the background thread. ``solve_fn`` replaces ``planner.engine.solve.solve``
    (tests).
    """

    def __init__(self, scenario: Scenario, *, time_limit_s: float | None = None, reference: Plan | None = None,
                 hint: Plan | None = None, fewest_changes: bool = False,
                 exclusions: frozenset[tuple[str, str]] = frozenset(), workers: int | None = None,
                 explain: bool = True,
                 on_progress: Callable[[SolveState], None] | None = None,
                 on_done: Callable[[BackgroundSolve], None] | None = None,
                 solve_fn: Callable[..., SolveResult] = solve, **solve_options):
        if time_limit_s is not None and not 0 < float(time_limit_s) <= 86_400:
            raise ValueError(f"The time limit must be between 0 and 86,400 seconds, not {time_limit_s!r}.")
        self.scenario = scenario
        self.time_limit_s = time_limit_s
        self.reference = reference
        self.hint = hint
        self.fewest_changes = fewest_changes
        self.exclusions = exclusions
        self.solve_options = solve_options  # more of solve()'s options (a re-plan's frozen teams, policy …)
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
        # every report is a plan shown, better than the one before (solve reports no worse plan the search
        # meets, so CP-SAT's own count would include plans the user never saw)
        shown = self._state.solutions + 1
        if p.starting:  # a plan that holds every rule, there at once; the search's plans must beat it
            self._update(objective=p.objective, bound=None, gap=None, solutions=shown,
                         detail=f"Starting from the {p.starting_from}")
            return
        self._update(objective=p.objective, bound=p.bound, gap=p.gap, solutions=shown, stage=p.stage, detail="")

    def _run(self) -> None:
        try:
            options = self._options()
            result = self.solve_fn(self.scenario, time_limit_s=self.time_limit_s, workers=self.workers,
                                   reference=self.reference, progress=self._progress, stop_event=self._stop,
                                   **options)
            self._update(objective=result.objective, bound=result.bound, gap=result.gap, stage="",
                         solutions=max(self._state.solutions, int(result.plan is not None)))
            if result.plan is None:  # why there is no plan (``solve`` itself does not say)
                result = explain_result(self.scenario, result, reference=self.reference, stop_event=self._stop,
                                        exclusions=self.exclusions)
            elif self.explain:
                left_out = [o for o in result.plan.engagements if not o.scheduled]
                if left_out:
                    self._update(phase="explaining", detail=f"{len(left_out)} engagement(s) left out")
                    reasons = left_out_reasons(self.scenario, result, explanation_budget(result.settings),
                                               reference=self.reference, stop_event=self._stop,
                                               exclusions=self.exclusions,
                                               trial_options={**self._options(), "reference": self.reference},
                                               run_trial=self._abandonable)
                    result = with_reasons(self.scenario, result, reasons, self.reference)
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

    def _options(self) -> dict:
        options = dict(self.solve_options)
        if self.hint is not None:
            options["hint"] = self.hint
        if self.fewest_changes:
            options["fewest_changes"] = True
        if self.exclusions:
            options["exclusions"] = self.exclusions
        return options

    def _abandonable(self, trial: Callable[[], str]) -> str:
        """A trial solve's reason (``planner.engine.explain.left_out_reasons``), run in a helper thread that
        Stop abandons, so that Stop never waits for an explanation."""
        box: dict[str, str] = {}

        def run() -> None:
            try:
                box["reason"] = trial()
            except Exception as error:  # noqa: BLE001 - an explanation that fails must not lose the plan
                box["reason"] = f"Not explained ({type(error).__name__}: {error})."

        helper = threading.Thread(target=run, name="kp-explain", daemon=True)
        helper.start()
        while helper.is_alive():  # Stop does not wait for the trial solve: it is abandoned
            if self._stop.wait(0.05):
                return "Not explained: the solve was stopped while this engagement was being looked at."
        return box.get("reason", "Not explained.")


__all__ = ["NOTEBOOK_TIME_LIMIT_S", "PHASES", "BackgroundSolve", "SolveState"]
