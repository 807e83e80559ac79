"""A sweep's result: one row per case, one row per change, and what they add up to — per engagement a fragility
figure and per person a criticality figure (dropouts), where the plan flips (weights), the distribution of
changes and lost engagements (shocks). ``planner.sweeps.saving.save_sweep`` writes it as one folder (Parquet,
CSV, a one-page HTML summary, sweep.json) in one step; ``load_sweep`` reads it back.

Every column is reproducible by seed whatever the number of workers, except ``runtime_s`` (wall-clock seconds
of the case on its worker); sweep.json records when, where and how long.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from planner.core.model import Plan
from planner.core.problems import Problem, ScenarioError
from planner.sweeps.cases import SweepKind

#: the columns that may differ between two runs of the same sweep
TIMING_COLUMNS = ("runtime_s",)


def plan_fingerprint(plan: Plan) -> str:
    """SHA-256 of what a plan decides (dates, hosts, teams and roles; not its metadata or reasons): a saved
    sweep belongs to the plan with the same fingerprint."""
    lines = sorted(f"{o.engagement_id}|{o.status}|{o.start}|{o.host}" for o in plan.engagements)
    lines += sorted(f"{a.engagement_id}|{a.reviewer_id}|{a.role}" for a in plan.assignments)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def versions() -> dict[str, str]:
    import dask
    import distributed
    import ortools

    from planner.core.version import PACKAGE_VERSION

    return {"package": PACKAGE_VERSION, "ortools": ortools.__version__, "dask": dask.__version__,
            "distributed": distributed.__version__}


def _ids(text) -> list[str]:
    return [t for t in str(text).split(";") if t] if isinstance(text, str) else []


@dataclass(frozen=True, eq=False)
class SweepResult:
    kind: SweepKind
    results: pd.DataFrame  # one row per case, in the order of the cases
    changes: pd.DataFrame  # one row per change to the published plan, per case
    meta: dict  # sweep.json

    @property
    def solved(self) -> pd.DataFrame:
        """The cases that gave a plan (not failed, not without a plan)."""
        return self.results[self.results["status"].isin(["OPTIMAL", "FEASIBLE"])]

    @property
    def failures(self) -> pd.DataFrame:
        return self.results[self.results["status"] == "ERROR"]

    def title(self, engagement_id: str) -> str:
        return self.meta.get("engagement_titles", {}).get(engagement_id, engagement_id)

    # --- dropouts ------------------------------------------------------------------------------------------

    def fragility(self) -> pd.DataFrame:
        """Per engagement of the published plan: of the solved single drop-outs, how many change it
        (``cases_changing``) and how many lose it (``cases_losing``, with whose drop-out: ``lost_without``);
        ``fragility`` is the share that change it. Most fragile first."""
        solved = self.solved
        rows = []
        for eid in self.meta.get("scheduled_engagements", []):
            changing = solved[solved["changed_engagements"].map(lambda t, e=eid: e in _ids(t))]
            losing = solved[solved["lost_engagements"].map(lambda t, e=eid: e in _ids(t))]
            rows.append({"engagement_id": eid, "title": self.title(eid), "cases": len(solved),
                         "cases_changing": len(changing), "cases_losing": len(losing),
                         "fragility": round(len(changing) / len(solved), 4) if len(solved) else 0.0,
                         "lost_without": ";".join(sorted(set(losing["reviewer_id"])))})
        table = pd.DataFrame(rows, columns=["engagement_id", "title", "cases", "cases_changing", "cases_losing",
                                            "fragility", "lost_without"])
        return table.sort_values(["cases_losing", "cases_changing", "engagement_id"],
                                 ascending=[False, False, True], ignore_index=True)

    @property
    def without_plan(self) -> pd.DataFrame:
        """The cases whose re-plan found no plan: INFEASIBLE (proven: no plan keeps every hard rule) or UNKNOWN
        (none found within the time limit)."""
        return self.results[self.results["status"].isin(["INFEASIBLE", "UNKNOWN"])]

    def criticality(self) -> pd.DataFrame:
        """Per person: what their absence costs — cases without any plan (``no_plan``), published work lost
        (unscheduled weight), engagements lost, changes, objective delta — most critical first (in that order).
        With ``--pairs``, summed over their engagements (each dropped on its own)."""
        columns = ["no_plan", "lost_work", "engagements_lost", "changes", "objective_delta"]
        cases = pd.concat([self.solved.assign(no_plan=0), self.without_plan.assign(no_plan=1)])
        if cases.empty:
            return pd.DataFrame(columns=["rank", "reviewer_id", "cases", *columns])
        table = cases.groupby("reviewer_id", sort=True).agg(
            cases=("case_id", "count"), **{c: (c, "sum") for c in columns}).reset_index()
        for column in ("no_plan", "engagements_lost", "changes"):
            table[column] = table[column].astype("int64")
        table["objective_delta"] = table["objective_delta"].astype(float).round(6)
        table = table.sort_values([*columns, "reviewer_id"], ascending=[False] * len(columns) + [True],
                                  ignore_index=True)
        table.insert(0, "rank", range(1, len(table) + 1))
        return table

    def fragility_matrix(self) -> pd.DataFrame:
        """Engagements × people: how many changes each engagement gets when that person drops out (0: none);
        the heatmap of notebook 05."""
        engagements = self.meta.get("scheduled_engagements", [])
        people = sorted(set(self.solved["reviewer_id"]))
        counts = pd.DataFrame(0, index=pd.Index(engagements, name="engagement_id"),
                              columns=pd.Index(people, name="reviewer_id"), dtype="int64")
        if not self.changes.empty and people:
            who = self.results.set_index("case_id")["reviewer_id"]
            merged = self.changes.assign(person=self.changes["case_id"].map(who))
            for (eid, rid), n in merged.groupby(["engagement_id", "person"]).size().items():
                if eid in counts.index and rid in counts.columns:
                    counts.loc[eid, rid] += int(n)
        return counts

    # --- weights ---------------------------------------------------------------------------------------

    @property
    def weight_names(self) -> list[str]:
        return [c.removeprefix("w_") for c in self.results.columns if c.startswith("w_")]

    def flips(self) -> pd.DataFrame:
        """One row per (point, engagement) whose dates, host or team differ from the published plan."""
        rows = []
        for _, r in self.solved.iterrows():
            aspects = {a: set(_ids(r[f"{a}_changed"])) for a in ("dates", "host", "team")}
            for eid in sorted(set().union(*aspects.values())):
                rows.append({"case_id": r["case_id"], **{f"w_{n}": r[f"w_{n}"] for n in self.weight_names},
                             "engagement_id": eid, **{a: eid in ids for a, ids in aspects.items()}})
        return pd.DataFrame(rows, columns=["case_id", *(f"w_{n}" for n in self.weight_names), "engagement_id",
                                           "dates", "host", "team"])

    def flip_summary(self) -> pd.DataFrame:
        """Per engagement: at how many points its dates, host or team differ, and the range of each weight
        over those points (where the plan flips)."""
        flips, points = self.flips(), len(self.solved)
        rows = []
        for eid in self.meta.get("scheduled_engagements", []) + sorted(
                set(flips["engagement_id"]) - set(self.meta.get("scheduled_engagements", []))):
            mine = flips[flips["engagement_id"] == eid]
            row = {"engagement_id": eid, "title": self.title(eid), "points": points, "points_differing": len(mine),
                   "dates": int(mine["dates"].sum()), "host": int(mine["host"].sum()),
                   "team": int(mine["team"].sum())}
            for n in self.weight_names:
                row[f"w_{n}_range"] = (f"{mine[f'w_{n}'].min():g}–{mine[f'w_{n}'].max():g}" if len(mine) else "")
            rows.append(row)
        return pd.DataFrame(rows)

    # --- shocks ----------------------------------------------------------------------------------------

    def distribution(self) -> pd.DataFrame:
        """How many shocks needed 0, 1, 2 … changes, and lost 0, 1 … engagements."""
        solved = self.solved
        changes = solved["changes"].astype(int).value_counts().sort_index()
        lost = solved["engagements_lost"].astype(int).value_counts().sort_index()
        values = sorted(set(changes.index) | set(lost.index))
        return pd.DataFrame({"value": values, "shocks_with_that_many_changes": [int(changes.get(v, 0)) for v in values],
                             "shocks_losing_that_many_engagements": [int(lost.get(v, 0)) for v in values]})

    def statistics(self) -> dict[str, float]:
        """Mean, median, 90th percentile and maximum of the changes and lost engagements of solved cases."""
        solved, out = self.solved, {}
        for column in ("changes", "engagements_lost"):
            if column in solved and len(solved):
                values = solved[column].astype(float)
                out.update({f"{column}_mean": round(values.mean(), 3), f"{column}_median": values.median(),
                            f"{column}_p90": values.quantile(0.9), f"{column}_max": values.max()})
        if "engagements_lost" in solved and len(solved):
            out["share_losing_work"] = round(float((solved["engagements_lost"] > 0).mean()), 4)
        return out

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables a saved sweep holds (file stem → table)."""
        tables = {"results": self.results, "changes": self.changes}
        if self.kind == SweepKind.DROPOUTS:
            tables.update(fragility=self.fragility(), criticality=self.criticality())
        elif self.kind == SweepKind.WEIGHTS:
            tables.update(flips=self.flips(), flip_summary=self.flip_summary())
        else:
            tables.update(distribution=self.distribution())
        return tables


def load_sweep(folder: str | os.PathLike) -> SweepResult:
    """A saved sweep; ``ScenarioError`` naming the file when it is missing or unreadable."""
    folder = Path(folder)
    try:
        meta = json.loads((folder / "sweep.json").read_text(encoding="utf-8"))
        results = pd.read_parquet(folder / "results.parquet")
        changes = pd.read_parquet(folder / "changes.parquet")
        kind = SweepKind(meta["kind"])
    except FileNotFoundError as error:
        raise ScenarioError([Problem(str(error.filename or folder), "not found: is this a sweep folder "
                                     "(kp-plan sweep --out)?")], unreadable=True) from None
    except (OSError, ValueError, KeyError) as error:
        raise ScenarioError([Problem(str(folder), f"not a readable sweep folder ({error})")],
                            unreadable=True) from None
    return SweepResult(kind, results, changes, meta)
