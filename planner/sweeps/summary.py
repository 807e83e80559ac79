"""The one-page HTML summary of a sweep (summary.html): self-contained (inline style, no script, nothing
fetched), every scenario text escaped with ``planner.views.escape.html_text``."""

from __future__ import annotations

import pandas as pd

from planner.sweeps.cases import SweepKind
from planner.sweeps.resilience import resilience
from planner.sweeps.results import SweepResult
from planner.views.escape import html_text

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 62em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
table { border-collapse: collapse; font-size: 0.9em; margin: 0.5em 0; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #f2f2f2; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
.bar { display: inline-block; height: 0.8em; background: #4a78b5; }
.failed { color: #a00; } .meta { color: #555; font-size: 0.9em; }
"""


def _cell(value) -> str:
    if isinstance(value, bool):
        return f"<td>{'yes' if value else 'no'}</td>"
    if isinstance(value, int | float) and not pd.isna(value):
        return f"<td class='n'>{html_text(f'{value:,.6g}')}</td>"
    return f"<td>{html_text('' if value is None or (isinstance(value, float) and pd.isna(value)) else value)}</td>"


def _table(table: pd.DataFrame, limit: int = 60) -> str:
    if table.empty:
        return "<p>None.</p>"
    head = "".join(f"<th>{html_text(c)}</th>" for c in table.columns)
    body = "".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>"
                   for row in table.head(limit).itertuples(index=False))
    more = f"<p class='meta'>… and {len(table) - limit} more rows in the CSV and Parquet files.</p>" \
        if len(table) > limit else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


def _bars(table: pd.DataFrame, column: str) -> str:
    top = max(1, int(table[column].max())) if len(table) else 1
    rows = "".join(f"<tr><td class='n'>{int(r['value'])}</td><td class='n'>{int(r[column])}</td>"
                   f"<td><span class='bar' style='width:{12 * int(r[column]) / top:.2f}em'></span></td></tr>"
                   for _, r in table.iterrows())
    return f"<table><thead><tr><th>how many</th><th>shocks</th><th></th></tr></thead><tbody>{rows}</tbody></table>"


def summary_html(result: SweepResult) -> str:
    m = result.meta
    cluster = m.get("cluster", {})
    wall = f"{m.get('wall_s', 0):,.1f}"
    parts = [f"<h1>{html_text(str(result.kind).capitalize())} sweep of {html_text(m.get('scenario_name', ''))}</h1>",
             f"<p class='meta'>{m.get('cases', 0)} cases, {m.get('failed', 0)} failed; "
             f"{html_text(wall)} s on {cluster.get('workers', '?')} Dask workers "
             f"({cluster.get('threads', '?')} threads); every case solved reproducibly (one CP-SAT worker, "
             f"deterministic time); made {html_text(m.get('created', ''))}.</p>"]
    if len(result.failures):
        parts.append("<h2 class='failed'>Failed cases</h2>"
                     + _table(result.failures[["case_id", "error"]]))
    if result.kind == SweepKind.DROPOUTS:
        panel = resilience(result)
        parts.append("<h2>In short</h2><ul>" + "".join(f"<li>{html_text(s)}</li>" for s in panel.sentences)
                     + "</ul>")
        parts.append("<h2>Criticality: what each person's absence costs</h2>" + _table(result.criticality()))
        parts.append("<h2>Fragility: how many single drop-outs change each engagement</h2>"
                     + _table(result.fragility()))
    elif result.kind == SweepKind.WEIGHTS:
        parts.append("<h2>Where the plan flips</h2>" + _table(result.flip_summary()))
        columns = [c for c in result.results.columns if c not in ("dates_changed", "host_changed", "team_changed")]
        parts.append("<h2>Points</h2>" + _table(result.results[columns]))
    else:
        stats = result.statistics()
        parts.append("<h2>In short</h2>" + _table(pd.DataFrame([stats])) if stats else "")
        distribution = result.distribution() if len(result.solved) else pd.DataFrame()
        if len(distribution):
            parts.append("<h2>Changes per shock</h2>" + _bars(distribution, "shocks_with_that_many_changes"))
            parts.append("<h2>Engagements lost per shock</h2>"
                         + _bars(distribution, "shocks_losing_that_many_engagements"))
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>{html_text(result.kind)} sweep</title><style>{_STYLE}</style></head><body>"
            + "".join(parts) + "</body></html>\n")
