"""02-what-if: ``ScenarioEditor`` edits a scenario with widgets (availability, rules, weights, pins,
invitations), solves the variant, compares it with the saved plan (``planner.views.comparison``) and saves it.
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable
from pathlib import Path

import ipywidgets as w
from IPython.display import HTML

from planner.apps import edits
from planner.apps.notebook.background import NOTEBOOK_TIME_LIMIT_S, BackgroundSolve
from planner.apps.notebook.display import Displayable, comparison_objects, plan_sections, show
from planner.apps.notebook.messages import MessageArea, guarded, message_html
from planner.apps.notebook.panels import SolvePanel
from planner.apps.notebook.paths import variants_dir
from planner.core.model import Plan, Scenario
from planner.engine.replan import ReplanPolicy, prepare_replan
from planner.engine.solve import SolveResult
from planner.rules.scoring import TERM_LABELS
from planner.views.comparison import Comparison, compare
from planner.views.tables import result_summary


def _weight_slider_range(default: float) -> tuple[float, float, float, str]:
    """(low, high, step, readout format) of a weight's slider: whole numbers shown whole ("5,000", not
    "5.00e+3"), small weights with three decimals."""
    if default <= 0:
        return 0.0, 1.0, 0.01, ".2f"
    if default < 1:
        return 0.0, round(default * 10, 3), 0.001, ".3f"
    high = max(10.0, default * 5)
    return 0.0, high, max(1.0, round(high / 200)), ",.0f"


def _reviewer_label(scenario: Scenario, reviewer_id: str) -> str:
    r = scenario.reviewers_by_id[reviewer_id]
    return f"{r.id} — {r.organisation}" + (f", {r.home}" if r.home else "")


def _day(value) -> str:
    return f"{value:%d %b %Y}" if hasattr(value, "strftime") else str(value)


class ScenarioEditor(Displayable):
    """02-what-if: edit a scenario with widgets, solve the variant, compare it with the saved plan, save it.

    Tabs: availability (mark a reviewer unavailable), rules, weights (sliders), pins, invitations. Every edit
    goes through ``planner.apps.edits``: a rejected edit leaves the scenario unchanged and says why. ``apply`` does
    from code what the buttons do. ``history`` keeps each accepted edit, so "Undo" goes back one step.
    """

    def __init__(self, scenario: Scenario, saved: Plan | None = None, *,
                 time_limit_s: float = NOTEBOOK_TIME_LIMIT_S, variant_name: str | None = None):
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
        self.reviewer = w.Dropdown(options=[(_reviewer_label(scenario, r.id), r.id)
                                            for r in sorted(scenario.reviewers, key=lambda r: r.id)],
                                   description="Reviewer", style=wide, layout=w.Layout(width="560px"))
        self.off_start = w.DatePicker(description="First day", style=wide, **horizon)
        self.off_end = w.DatePicker(description="Last day", style=wide, **horizon)
        self.off_reason = w.Text(value="unavailable (what-if)", description="Reason (private)", style=wide)
        mark = w.Button(description="Mark unavailable", icon="user-times")
        mark.on_click(guarded(self.messages, lambda _b: self.apply(
            f"{self.reviewer.value} unavailable {_day(self.off_start.value)}–{_day(self.off_end.value)}",
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
            low, high, step, readout = _weight_slider_range(float(value))
            slider = w.FloatSlider(value=float(value), min=low, max=max(high, float(value)), step=step,
                                   continuous_update=False, readout_format=readout, layout=w.Layout(width="360px"),
                                   tooltip=TERM_LABELS.get(name, name))
            slider.observe(guarded(self.messages, lambda change, name=name: self._weight_changed(name, change)),
                           names="value")
            self.weight_sliders[name] = slider
            label = w.HTML(f"{html.escape(TERM_LABELS.get(name, name))}", layout=w.Layout(width="400px"))
            sliders.append(w.HBox([label, slider]))
        weights = w.VBox(sliders)

        # pins
        self.pin_engagement = w.Dropdown(options=[(f"{e.id} — {e.title}", e.id) for e in scenario.engagements],
                                         description="Engagement", style=wide, layout=w.Layout(width="560px"))
        self.pin_day = w.DatePicker(description="Start day", style=wide, **horizon)
        pin_button = w.Button(description="Pin", icon="thumb-tack")
        unpin_button = w.Button(description="Unpin", icon="unlock")
        pin_button.on_click(guarded(self.messages, lambda _b: self.apply(
            f"pin {self.pin_engagement.value} on {_day(self.pin_day.value)}", edits.pin, self.pin_engagement.value,
            self.pin_day.value)))
        unpin_button.on_click(guarded(self.messages, lambda _b: self.apply(
            f"unpin {self.pin_engagement.value}", edits.unpin, self.pin_engagement.value)))
        # pinned people (pins.csv): on the engagement chosen above, as lead, member or attendee, or kept off it
        self.pin_person = w.Dropdown(options=[(_reviewer_label(scenario, r.id), r.id)
                                              for r in sorted(scenario.reviewers, key=lambda r: r.id)],
                                     description="Person", style=wide, layout=w.Layout(width="560px"))
        self.pin_role = w.Dropdown(options=[("lead", "lead"), ("member", "member"), ("attendee", "attendee"),
                                            ("kept off (excluded)", "excluded")], value="member",
                                   description="Role", style=wide)
        pin_person_button = w.Button(description="Pin person", icon="user-plus")
        unpin_person_button = w.Button(description="Remove pin", icon="user-minus")
        pin_person_button.on_click(guarded(self.messages, lambda _b: self.apply(
            f"pin {self.pin_person.value} on {self.pin_engagement.value} as {self.pin_role.value}",
            edits.pin_person, self.pin_engagement.value, self.pin_person.value, self.pin_role.value)))
        unpin_person_button.on_click(guarded(self.messages, lambda _b: self.apply(
            f"remove the pin of {self.pin_person.value} on {self.pin_engagement.value}", edits.unpin_person,
            self.pin_engagement.value, self.pin_person.value)))
        pins = w.VBox([self.pin_engagement,
                       w.HTML("<b>Start day</b>"), self.pin_day, w.HBox([pin_button, unpin_button]),
                       w.HTML("<b>People</b> (pins.csv: the planner keeps them and completes the team)"),
                       self.pin_person, self.pin_role, w.HBox([pin_person_button, unpin_person_button])])

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
        self.stay_close = w.Checkbox(value=False, disabled=saved is None, indent=False,
                                     description="Keep changes to the saved plan few (fewest changes first, "
                                     "then the best plan)", layout=w.Layout(width="640px"))
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
        self.result, self.comparison = None, None  # the comparison was of a variant that no longer exists
        self.panel.results.outputs = ()
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
        label = edits.EDITABLE_RULES[name][0]
        shown = ("yes" if value else "no") if isinstance(value, bool) else f"{value:,}"
        self.apply(f"{label}: {shown}", edits.set_rule, name, value)

    def _weight_changed(self, name: str, change) -> None:
        if self._syncing:
            return
        value = round(float(change["new"]), 3)
        if value == self.scenario.weights.get(name):
            return
        self.apply(f"weight of “{TERM_LABELS.get(name, name)}”: {value:,g}", edits.set_weight, name, value)

    # --- solve and compare ---------------------------------------------------------------------------------
    def _job(self, time_limit_s: float) -> BackgroundSolve:
        """The best plan for the variant, starting from the saved plan (so that the variant is never worse when
        the saved plan still fits it); with "keep changes few", the fewest changes to it first."""
        if self.saved is not None and self.stay_close.value:
            replanning = prepare_replan(self.scenario, self.saved, policy=ReplanPolicy.FEWEST)
            return BackgroundSolve(replanning.scenario, time_limit_s=time_limit_s, **replanning.options)
        return BackgroundSolve(self.scenario, time_limit_s=time_limit_s, hint=self.saved)

    def _render(self, result: SolveResult, panel: SolvePanel) -> None:
        self.result = result
        objects: list = [HTML(message_html(result_summary(result), "ok" if result.plan else "error"))]
        if result.plan is not None and self.saved is not None:
            self.comparison = compare(self.scenario, self.saved, result.plan, after_result=result)
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


__all__ = ["ScenarioEditor"]
