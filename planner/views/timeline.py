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

import json
from datetime import date, datetime, time, timedelta

import plotly.graph_objects as go
from babel.dates import format_date

from planner.core.model import Plan, Scenario
from planner.views.escape import plotly_text
from planner.views.i18n import check_lang, date_range_label, kind_label, organisation_label, role_label, t
from planner.views.palette import EVENT_COLOUR_MUTED, KIND_COLOURS
from planner.views.plan_view import EngagementView, EventView, Filters, filtered
from planner.views.wording import participant_place, place_label, place_of_item, title_in, title_of

BY = ("engagement", "reviewer", "organisation")


def _day(d) -> datetime:
    return datetime.combine(d, time())


def _engagement_row(scenario: Scenario, v: EngagementView, lang: str, row: str, who: str = "") -> dict:
    return {
        "row": row, "start": _day(v.start), "finish": _day(v.end + timedelta(days=1)),
        "group": kind_label(v.kind, lang), "label": title_of(scenario, lang, v.id, fallback=v.title), "id": v.id,
        "dates": date_range_label(v.start, v.end, lang),
        "place": participant_place(scenario, v.host, v.place, lang, place_of_item(scenario, lang, v.id)),
        "lead": v.lead or "—", "team": ", ".join(r for r in v.team if r != v.lead) or "—", "who": who,
    }


def _event_row(ev: EventView, lang: str, row: str, who: str = "") -> dict:
    return {
        "row": row, "start": _day(ev.start), "finish": _day(ev.end + timedelta(days=1)),
        "group": t("fixed_event", lang), "label": title_in(ev.event, lang), "id": ev.id,
        "dates": f"{date_range_label(ev.start, ev.end, lang)} ({kind_label(ev.kind, lang)})",
        "place": place_label(ev.place, lang, ev.event.extra.get(f"place_{lang}", "") if lang != "en" else ""),
        "lead": "—", "team": "—", "who": who,
    }


def activity_months(rows: list[dict]) -> list[date]:
    """The first days of the months with a bar, through the first day of the month after the last one (the
    axis's end): a month without activity at either end takes no room."""
    first = min(r["start"] for r in rows).date().replace(day=1)
    last = (max(r["finish"] for r in rows) - timedelta(days=1)).date()
    months = [first]
    while months[-1] <= last:
        m = months[-1]
        months.append(date(m.year + m.month // 12, m.month % 12 + 1, 1))
    return months


def month_tick(month: date, lang: str = "en") -> str:
    """A month's tick label in the page's language (CLDR's abbreviated month): 'Sep 2018' / 'sept. 2018'."""
    return format_date(month, "MMM y", locale=check_lang(lang))


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
        rows += [_engagement_row(scenario, v, lang, title_of(scenario, lang, v.id, fallback=v.title))
                 for v in views]
        rows += [_event_row(ev, lang, title_in(ev.event, lang)) for ev in events]
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
    Labels follow ``lang`` ('en' or 'fr'): month ticks from CLDR, titles from the scenario's ``title_fr``
    column when it has one, places named by CLDR (``planner.views.wording``). The axis spans the months with
    a bar; no text is drawn inside the bars (titles are row labels or in the hover); the legend is under the
    axis, away from plotly's toolbar.
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
            customdata=[[plotly_text(r[k]) for k in ("label", "dates", "place", "lead", "team", "who")]
                        for r in mine],
            legendgroup=group, offsetgroup=None, alignmentgroup="rows"))
    fig.update_layout(barmode="overlay")
    hover = (f"<b>%{{customdata[0]}}</b><br>%{{customdata[1]}}<br>{plotly_text(t('col_place', lang))}: "
             f"%{{customdata[2]}}<br>{plotly_text(t('col_lead', lang))}: %{{customdata[3]}}"
             f"<br>{plotly_text(t('col_team', lang))}: %{{customdata[4]}}")
    if by != "engagement":
        hover += "<br>%{customdata[5]}"
    # no text inside the bars (a five-day bar cannot hold a title legibly): the title is the row's label
    # (by engagement) or in the hover
    fig.update_traces(hovertemplate=hover + "<extra></extra>", text=None, cliponaxis=False)
    fig.update_yaxes(categoryorder="array", categoryarray=order, autorange="reversed", title=None,
                     automargin=True, dtick=1)
    months = activity_months(rows)
    fig.update_xaxes(type="date", title=t("axis_date", lang), range=[_day(months[0]), _day(months[-1])],
                     showgrid=True, tickvals=[_day(m) for m in months[:-1]],
                     ticktext=[month_tick(m, lang) for m in months[:-1]], ticklabelmode="period")
    # The legend sits under the axis, the toolbar (top right) above the plot: they never meet.
    fig.update_layout(
        height=max(240, 130 + 30 * len(order)), template="plotly_white", legend_title_text=t("col_kind", lang),
        margin={"l": 10, "r": 10, "t": 36, "b": 90}, bargap=0.25,
        legend={"orientation": "h", "yref": "container", "yanchor": "bottom", "y": 0.0, "x": 0},
        font={"family": "system-ui, 'DejaVu Sans', sans-serif"},
    )
    fig.layout.meta = {"kp_rows": len(order), "kp_months": [m.isoformat() for m in months[:-1]]}
    return fig


PLOTLY_MIME = "application/vnd.plotly.v1+json"


def figure_bundle(figure: go.Figure) -> dict[str, object]:
    """The figure as the mime bundle JupyterLab's plotly extension renders (what plotly's "plotly_mimetype"
    renderer makes), for ``IPython.display.display(bundle, raw=True)``. Built with the figure's own JSON
    encoder, without ``plotly.io``'s renderers: importing those imports nbformat, whose jsonschema compiles
    some forty URI grammars — about 4 s of a dashboard kernel's start (docs/benchmarks.md, Dashboards)."""
    return {PLOTLY_MIME: json.loads(figure.to_json()), "text/plain": f"<{figure.layout.title.text or 'figure'}>"}
