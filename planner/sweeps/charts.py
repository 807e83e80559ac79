"""Plotly figures of a sweep for notebooks/05-robustness.ipynb: the fragility heatmap (engagements × people),
the criticality ranking, the weight-sensitivity flips, the distribution of a shock sweep's changes. Every
scenario text goes through ``planner.views.escape.plotly_text``."""

from __future__ import annotations

import plotly.graph_objects as go

from planner.sweeps.results import SweepResult
from planner.views.escape import plotly_text


def _label(result: SweepResult, engagement_id: str) -> str:
    return plotly_text(f"{result.title(engagement_id)} ({engagement_id})")


def fragility_heatmap(result: SweepResult) -> go.Figure:
    """Rows: the plan's engagements; columns: the people who dropped out; a cell: how many changes that
    engagement gets when that person drops out."""
    matrix = result.fragility_matrix()
    figure = go.Figure(go.Heatmap(
        z=matrix.values, x=[plotly_text(c) for c in matrix.columns], y=[_label(result, e) for e in matrix.index],
        colorscale="Reds", colorbar={"title": "changes"},
        hovertemplate="%{y}<br>without %{x}: %{z} change(s)<extra></extra>"))
    figure.update_layout(title="Fragility: changes to each engagement when one person drops out",
                         xaxis_title="who drops out", height=160 + 28 * len(matrix.index),
                         margin={"l": 10, "r": 10, "t": 50, "b": 10})
    return figure


def criticality_chart(result: SweepResult, top: int = 15) -> go.Figure:
    """The most critical people: changes their absence costs (bars), engagements lost (in the hover text)."""
    table = result.criticality().head(top).iloc[::-1]
    text = [("no plan" if r.no_plan else f"{r.engagements_lost} lost") for r in table.itertuples()]
    figure = go.Figure(go.Bar(x=table["changes"], y=[plotly_text(r) for r in table["reviewer_id"]],
                              orientation="h", text=text, textposition="outside",
                              marker_color=["#b22222" if r.no_plan or r.engagements_lost else "#4a78b5"
                                            for r in table.itertuples()]))
    figure.update_layout(title="Criticality: changes when each person drops out (red: work lost or no plan)",
                         xaxis_title="changes to the published plan", height=120 + 24 * len(table),
                         margin={"l": 10, "r": 40, "t": 50, "b": 10})
    return figure


def flips_heatmap(result: SweepResult) -> go.Figure:
    """Rows: engagements; columns: the weight points; a cell: 1 for dates, 2 for host, 4 for team differing
    from the published plan (summed), so each colour says what flipped."""
    flips = result.flips()
    points = list(result.solved["case_id"])
    labels = [plotly_text(", ".join(f"{n}={r[f'w_{n}']:g}" for n in result.weight_names))
              for _, r in result.solved.iterrows()]
    engagements = list(result.meta.get("scheduled_engagements", []))
    engagements += sorted(set(flips["engagement_id"]) - set(engagements))
    z = [[0] * len(points) for _ in engagements]
    for r in flips.itertuples():
        code = int(r.dates) + 2 * int(r.host) + 4 * int(r.team)
        z[engagements.index(r.engagement_id)][points.index(r.case_id)] = code
    figure = go.Figure(go.Heatmap(z=z, x=labels, y=[_label(result, e) for e in engagements], zmin=0, zmax=7,
                                  colorscale="Viridis", colorbar={"title": "1 dates<br>2 host<br>4 team"},
                                  hovertemplate="%{y}<br>%{x}: %{z}<extra></extra>"))
    figure.update_layout(title="Where the plan flips: what differs from the published plan at each weight point",
                         height=160 + 28 * len(engagements), margin={"l": 10, "r": 10, "t": 50, "b": 10})
    return figure


def distribution_chart(result: SweepResult) -> go.Figure:
    """How many shocks needed 0, 1, 2 … changes."""
    table = result.distribution()
    figure = go.Figure(go.Bar(x=table["value"], y=table["shocks_with_that_many_changes"], name="changes"))
    figure.add_bar(x=table["value"], y=table["shocks_losing_that_many_engagements"], name="engagements lost")
    figure.update_layout(title="Shocks: changes and lost engagements per shock", barmode="group",
                         xaxis_title="how many", yaxis_title="shocks", height=320,
                         margin={"l": 10, "r": 10, "t": 50, "b": 10})
    return figure
