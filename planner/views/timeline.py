"""Plotly timelines of a plan: engagements and fixed events on a calendar axis.

Public function (also used by the HTML report): :func:`plan_timeline`. It returns a plain
``plotly.graph_objects.Figure`` (no ``FigureWidget``), which renders offline in Voilà through the
jupyterlab-plotly extension shipped in the plotly wheel, and in a static report with
``fig.to_html(include_plotlyjs=True)``.

Dates in plan files are inclusive; bars run from the first day 00:00 to the day after the last day 00:00.

plotly.js reads every label, tick label and hover text as a small HTML subset (``<b>``, ``<a href>`` …), so
scenario text goes into the figure through ``planner.views.escape.plotly_text`` and is shown literally;
:func:`timeline_rows` keeps the text as the scenario spells it.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import plotly.graph_objects as go

from planner.core.model import Plan, Scenario
from planner.views.escape import plotly_text
from planner.views.i18n import date_range_label, kind_label, organisation_label, role_label, t
from planner.views.palette import EVENT_COLOUR_MUTED, KIND_COLOURS
from planner.views.plan_view import EngagementView, EventView, Filters, filtered

BY = ("engagement", "reviewer", "organisation")


def _day(d) -> datetime:
    return datetime.combine(d, time())


def _engagement_row(scenario: Scenario, v: EngagementView, lang: str, row: str, who: str = "") -> dict:
    return {
        "row": row, "start": _day(v.start), "finish": _day(v.end + timedelta(days=1)),
        "group": kind_label(v.kind, lang), "label": v.title, "id": v.id,
        "dates": date_range_label(v.start, v.end, lang), "place": v.place,
        "lead": v.lead or "—", "team": ", ".join(r for r in v.team if r != v.lead) or "—", "who": who,
    }


def _event_row(ev: EventView, lang: str, row: str, who: str = "") -> dict:
    return {
        "row": row, "start": _day(ev.start), "finish": _day(ev.end + timedelta(days=1)),
        "group": t("fixed_event", lang), "label": ev.title, "id": ev.id,
        "dates": f"{date_range_label(ev.start, ev.end, lang)} ({kind_label(ev.kind, lang)})",
        "place": ev.place, "lead": "—", "team": "—", "who": who,
    }


def timeline_rows(scenario: Scenario, plan: Plan, *, by: str = "engagement", lang: str = "en",
                  filters: Filters | dict | None = None) -> list[dict]:
    """The bars of :func:`plan_timeline` as plain dicts (row, start, finish, group, label, id, …)."""
    if by not in BY:
        raise ValueError(f"by must be one of {', '.join(BY)}, not {by!r}")
    f = Filters.coerce(filters)
    views, events = filtered(scenario, plan, f)
    reviewers = scenario.reviewers_by_id
    rows: list[dict] = []
    if by == "engagement":
        rows += [_engagement_row(scenario, v, lang, v.title) for v in views]
        rows += [_event_row(ev, lang, ev.title) for ev in events]
    elif by == "reviewer":
        people: set[str] = set()
        for v in views:
            for rid in v.team:
                if f.organisation is None or reviewers[rid].organisation == f.organisation:
                    people.add(rid)
                    role = role_label(v.roles.get(rid, ""), lang)
                    rows.append(_engagement_row(scenario, v, lang, rid, role))
        for ev in events:
            rows += [_event_row(ev, lang, rid) for rid in ev.attendees if rid in people]
    else:
        seen: set[tuple[str, str]] = set()
        for v in views:
            for rid in v.team:
                org = reviewers[rid].organisation
                if (org, v.id) in seen or (f.organisation is not None and org != f.organisation):
                    continue
                seen.add((org, v.id))
                members = ", ".join(r for r in v.team if reviewers[r].organisation == org)
                label = organisation_label(scenario, org, lang)
                rows.append(_engagement_row(scenario, v, lang, label, members))
        orgs = {org for org, _ in seen}
        for ev in events:
            attending = sorted({reviewers[r].organisation for r in ev.attendees if r in reviewers} & orgs)
            rows += [_event_row(ev, lang, organisation_label(scenario, org, lang)) for org in attending]
    return rows


def plan_timeline(scenario: Scenario, plan: Plan, *, by: str = "engagement", lang: str = "en",
                  filters: Filters | dict | None = None) -> go.Figure:
    """A Gantt-style timeline of the plan's scheduled engagements and the scenario's fixed events.

    ``by="engagement"``: one row per engagement and per fixed event (the y-axis shows every title);
    ``by="reviewer"``: one row per person, a bar per engagement they join and per fixed event they attend;
    ``by="organisation"``: one row per organisation (government, WDC, CSC), a bar per engagement with someone
    from it. Colours: the engagement kind; fixed events in a muted colour. ``filters`` narrows the bars
    exactly as on the dashboard's map and table (fixed events follow the month and organisation filters
    only).
    Labels follow ``lang`` ('en' or 'fr'); engagement titles are shown as the scenario spells them.
    """
    rows = timeline_rows(scenario, plan, by=by, lang=lang, filters=filters)
    if not rows:
        fig = go.Figure()
        fig.add_annotation(text=t("no_match", lang), showarrow=False, x=0.5, y=0.5, xref="paper",
                           yref="paper", font={"size": 14})
        fig.update_layout(height=160, xaxis={"visible": False}, yaxis={"visible": False},
                          margin={"l": 20, "r": 20, "t": 20, "b": 20}, template="plotly_white")
        fig.layout.meta = {"kp_rows": 0}
        return fig
    order = list(dict.fromkeys(plotly_text(r["row"])
                               for r in sorted(rows, key=lambda r: (r["start"], r["row"]))))
    if by != "engagement":
        order = sorted(order)
    colours = {kind_label(k, lang): c for k, c in KIND_COLOURS.items()}
    colours.update({r["group"]: EVENT_COLOUR_MUTED for r in rows if r["group"] not in colours})
    groups = [g for g in colours if any(r["group"] == g for r in rows)]
    fig = go.Figure()
    for group in groups:  # one horizontal bar trace per colour group (what plotly.express.timeline builds)
        mine = [r for r in rows if r["group"] == group]
        fig.add_trace(go.Bar(
            name=plotly_text(group), orientation="h", y=[plotly_text(r["row"]) for r in mine],
            base=[r["start"] for r in mine],
            x=[(r["finish"] - r["start"]).total_seconds() * 1000 for r in mine], marker_color=colours[group],
            text=None if by == "engagement" else [plotly_text(r["label"]) for r in mine],
            customdata=[[plotly_text(r[k]) for k in ("label", "dates", "place", "lead", "team", "who")]
                        for r in mine],
            legendgroup=group, offsetgroup=None, alignmentgroup="rows"))
    fig.update_layout(barmode="overlay")
    hover = (f"<b>%{{customdata[0]}}</b><br>%{{customdata[1]}}<br>{plotly_text(t('col_place', lang))}: "
             f"%{{customdata[2]}}<br>{plotly_text(t('col_lead', lang))}: %{{customdata[3]}}"
             f"<br>{plotly_text(t('col_team', lang))}: %{{customdata[4]}}")
    if by != "engagement":
        hover += "<br>%{customdata[5]}"
    fig.update_traces(hovertemplate=hover + "<extra></extra>", textposition="inside",
                      insidetextanchor="start", cliponaxis=False)
    fig.update_yaxes(categoryorder="array", categoryarray=order, autorange="reversed", title=None,
                     automargin=True, dtick=1)
    fig.update_xaxes(type="date", title=t("axis_date", lang), range=[_day(scenario.horizon_start),
                                                        _day(scenario.horizon_end + timedelta(days=1))],
                     showgrid=True, dtick="M1", tickformat="%b %Y")
    fig.update_layout(
        height=max(220, 90 + 30 * len(order)), template="plotly_white", legend_title_text=t("col_kind", lang),
        margin={"l": 10, "r": 10, "t": 30, "b": 40}, bargap=0.25,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        font={"family": "system-ui, 'DejaVu Sans', sans-serif"},
    )
    if lang == "fr":
        fig.update_xaxes(tickformat="%m/%Y")
    fig.layout.meta = {"kp_rows": len(order)}
    return fig
