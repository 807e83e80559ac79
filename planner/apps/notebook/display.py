"""Displaying results in the notebooks: headings, the sections of a plan (timeline, map, teams, engagements left
out, soft terms, downloads), a comparison, and ``show`` (fill an ``ipywidgets.Output`` from any thread).
"""

from __future__ import annotations

import html
from collections.abc import Iterable

import pandas as pd
import plotly.io as pio
from IPython import get_ipython
from IPython.core.formatters import DisplayFormatter
from IPython.display import HTML

from planner.apps.notebook.messages import message_html
from planner.core.model import Plan, Scenario
from planner.exports.download import download_links_html
from planner.rules.scoring import TermResult, evaluate
from planner.views.comparison import Comparison
from planner.views.maps import plan_map
from planner.views.tables import costs_table, costs_text, teams_table, terms_table, unscheduled_table
from planner.views.timeline import plan_timeline


def heading(text: str, level: int = 4) -> HTML:
    """A section heading between displayed objects."""
    return HTML(f"<h{level} style='margin:.8em 0 .3em'>{html.escape(text)}</h{level}>")


def _plotly_offline() -> None:
    pio.renderers.default = "plotly_mimetype"  # JupyterLab's plotly extension renders it: no CDN needed


# Tables in the notebooks: text left-aligned (pandas right-aligns every cell), wrapped rather than cut.
TABLE_CSS = """<style>
.jp-RenderedHTMLCommon table.dataframe td, .jp-RenderedHTMLCommon table.dataframe th,
table.dataframe td, table.dataframe th { text-align: left; vertical-align: top; white-space: normal; }
</style>"""


def number_text(x) -> str:
    """A table's number for people: whole numbers without decimals, others with two, a missing value blank."""
    if x is None or x != x:  # NaN
        return ""
    if float(x).is_integer():
        return f"{x:,.0f}"
    return f"{x:,.2f}"


def setup() -> None:
    """Display settings for the coordinator notebooks: whole tables with whole sentences (no "…"), numbers as
    people write them (no NaN, no 5.00e+03), text left-aligned, plotly without a CDN."""
    pd.set_option("display.max_rows", 200)
    pd.set_option("display.max_columns", 30)
    pd.set_option("display.max_colwidth", None)
    pd.set_option("display.float_format", number_text)
    shell = get_ipython()
    if shell is not None:
        from IPython.display import display

        display(HTML(TABLE_CSS))
    _plotly_offline()


def plan_sections(scenario: Scenario, plan: Plan, terms: list[TermResult] | None = None, *,
                  timeline: bool = True, map: bool = True, downloads: bool = False) -> list:  # noqa: A002
    """Displayable objects for a plan: timeline, map, teams with leads, unscheduled with reasons, soft terms."""
    objects: list = []
    if timeline:
        _plotly_offline()
        objects += [heading("Timeline"), plan_timeline(scenario, plan)]
    if map:
        objects += [heading("Map (offline: country shapes, no tiles)"), plan_map(scenario, plan)]
    objects += [heading("Teams and leads"), teams_table(scenario, plan)]
    left_out = unscheduled_table(scenario, plan)
    objects += [heading("Engagements left out"),
                left_out if len(left_out) else HTML("<p>None: every engagement is scheduled.</p>")]
    objects += [heading("Soft terms: why the plan scores what it scores"),
                terms_table(terms if terms is not None else evaluate(scenario, plan))]
    objects += [heading("Estimated costs (assumed fares and allowances: scenario.yaml costs)"),
                HTML(f"<p>{html.escape(costs_text(scenario, plan))}</p>"), costs_table(scenario, plan)]
    if downloads:
        objects += [heading("Downloads"), HTML(download_links_html(scenario, plan))]
    return objects


def show(output, objects: Iterable, *, clear: bool = True) -> None:
    """Show ``objects`` in an ``ipywidgets.Output``; safe to call from a background thread."""
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


def comparison_objects(comparison: Comparison) -> list:
    """Displayable objects for a comparison: what changed, headline figures, both plans side by side."""
    items = "".join(f"<li>{html.escape(s)}</li>" for s in comparison.sentences())
    verdict = HTML(message_html(comparison.verdict, "ok" if comparison.both_proven else "warn"))
    return [verdict, heading("What changed"), HTML(f"<ul>{items}</ul>"), heading("Headline figures"), comparison.kpis,
            heading("Side by side"), comparison.side_by_side]


class Displayable:
    """Displays as its ``widget`` (panels are objects with state and a widget tree)."""

    widget = None

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


__all__ = ["Displayable", "comparison_objects", "heading", "plan_sections", "setup", "show"]
