"""The notebooks' panels: ``SolvePanel`` (Solve and Stop buttons, live progress, results), ``save_plan_box`` and
``itinerary_picker``. Expensive work sits behind buttons, and every callback reports its errors in the panel in
plain words (``planner.apps.notebook.messages``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable

import ipywidgets as w
from IPython.display import HTML

from planner.apps import edits
from planner.apps.notebook.background import NOTEBOOK_TIME_LIMIT_S, BackgroundSolve, SolveState
from planner.apps.notebook.display import Displayable, plan_sections, show
from planner.apps.notebook.messages import MessageArea, guarded, message_html
from planner.apps.notebook.paths import NOTEBOOK_PLAN, save_notebook_plan
from planner.core.model import Plan, Scenario
from planner.engine.solve import SolveResult
from planner.views.maps import itinerary_map
from planner.views.tables import result_summary


class SolvePanel(Displayable):
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
    objects: list = [HTML(message_html(result_summary(result), "ok" if result.plan else "error"))]
    scenario = scenario or panel.job.scenario
    if result.plan is not None:
        objects += plan_sections(scenario, result.plan, result.terms)
    show(panel.results, objects)


def render_summary(result: SolveResult, panel: SolvePanel) -> None:
    """Results as one line (the notebook's own cells show the details)."""
    show(panel.results, [HTML(message_html(result_summary(result), "ok" if result.plan else "error"))])


def solve_panel(scenario: Scenario, *, time_limit_s: float = NOTEBOOK_TIME_LIMIT_S,
                reference: Plan | None = None, render=None) -> SolvePanel:
    """A ``SolvePanel`` that solves ``scenario`` (optionally staying close to ``reference``)."""
    return SolvePanel(lambda limit: BackgroundSolve(scenario, time_limit_s=limit, reference=reference),
                      time_limit_s=time_limit_s, render=render)


def save_plan_box(get_plan: Callable[[], Plan | None], name: str = NOTEBOOK_PLAN):
    """A folder name and a "Save plan" button; saves under ``plans_dir()``. Returns the widget box."""
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


def itinerary_picker(scenario: Scenario, plan: Plan, people: Iterable[str]):
    """A person chooser that shows that person's trips on a map (``planner.views.maps.itinerary_map``)."""
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


__all__ = ["SolvePanel", "itinerary_picker", "render_plan", "render_summary", "save_plan_box", "solve_panel"]
