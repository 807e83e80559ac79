"""The coordinators' notebooks (notebooks/*.ipynb): one import for everything they call,
``from planner.apps import notebook as nb``.

A notebook is a short narrative that calls the package; the logic is unit-tested (tests/test_notebook_helpers.py).
What needs no widget lives in ``planner.views``; this package is the widget glue:

* ``planner.views.tables`` — the tables (pandas DataFrames): people, the fixed calendar, engagements, teams with
  leads, unscheduled engagements with reasons, the soft-term breakdown; ``result_summary``. Coordinators see
  private unavailability *reasons* in their own notebooks (``show_reasons=True``); dashboards and exports never.
* ``planner.views.comparison`` — ``compare``: a saved plan against a variant, side by side
  (``planner.rules.plan_diff``); ``planner.views.regional`` — ``regional_view``: the Mano River Union and
  Central Africa cooperation (who travels where, chains, km saved).
* ``paths`` — where notebooks read and write (``plans_dir()``, ``variants_dir()``, saving and loading plans).
* ``messages`` — errors in plain words (``user_message``), ``MessageArea``, ``guarded`` callbacks.
* ``background`` — ``BackgroundSolve``: ``planner.engine.solve.solve`` in a thread, then the explanations of
  ``planner.engine.explain``, with a ``SolveState`` that widgets poll; ``stop()`` ends it within a fraction of a
  second and keeps the best plan found.
* ``display`` — the displayed sections of a plan, ``show`` into an ``Output``; ``panels`` — ``SolvePanel``,
  ``save_plan_box``, ``itinerary_picker``; ``editor`` — ``ScenarioEditor`` (02-what-if); ``disruption`` —
  ``drop_out`` and ``DisruptionPanel`` (03-disruption).
"""

from __future__ import annotations

from planner.apps.notebook.background import NOTEBOOK_TIME_LIMIT_S, PHASES, BackgroundSolve, SolveState
from planner.apps.notebook.display import comparison_objects, heading, plan_sections, setup, show
from planner.apps.notebook.disruption import Disruption, DisruptionPanel, drop_out
from planner.apps.notebook.editor import ScenarioEditor
from planner.apps.notebook.messages import MessageArea, describe_error, guarded, message_html, user_message
from planner.apps.notebook.panels import (
    SolvePanel,
    itinerary_picker,
    render_plan,
    render_summary,
    save_plan_box,
    solve_panel,
)
from planner.apps.notebook.paths import (
    COMMITTED_PLAN,
    NOTEBOOK_PLAN,
    SavedPlan,
    load_saved_plan,
    plan_folder,
    plans_dir,
    save_notebook_plan,
    scenario_dir,
    variants_dir,
)
from planner.views.comparison import KPI_LABELS, Comparison, compare
from planner.views.regional import RegionalView, regional_map, regional_view
from planner.views.tables import (
    calendar_table,
    engagements_table,
    people_table,
    result_summary,
    teams_table,
    terms_table,
    unscheduled_table,
    validation_table,
)

__all__ = [
    "COMMITTED_PLAN", "KPI_LABELS", "NOTEBOOK_PLAN", "NOTEBOOK_TIME_LIMIT_S", "PHASES",
    "BackgroundSolve", "Comparison", "Disruption", "DisruptionPanel", "MessageArea", "RegionalView", "SavedPlan",
    "ScenarioEditor", "SolvePanel", "SolveState", "calendar_table", "compare", "comparison_objects",
    "describe_error", "drop_out", "engagements_table", "guarded", "heading", "itinerary_picker",
    "load_saved_plan", "message_html", "people_table", "plan_folder", "plan_sections", "plans_dir",
    "regional_map", "regional_view", "render_plan", "render_summary", "result_summary", "save_notebook_plan",
    "save_plan_box", "scenario_dir", "setup", "show", "solve_panel", "teams_table", "terms_table",
    "unscheduled_table", "user_message", "validation_table", "variants_dir",
]
