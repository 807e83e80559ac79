"""Benchmarks of the sweeps (docs/benchmarks.md, "Sweeps").

    .venv/bin/python bench/bench_sweeps.py dropouts [--runs 3] [--workers 1 2]
    .venv/bin/python bench/bench_sweeps.py shocks [--shocks 1000] [--workers 2] [--time-limit 20]

``dropouts``: the dropouts sweep of kp-2018-h2 from plans/kp-2018-h2 on the default LocalCluster (one
single-threaded worker process per core) and on a one-worker cluster: wall time of ``run_sweep`` (cluster start
excluded, reported apart), tasks per second, the speed-up over one worker; medians of ``--runs`` runs.

``shocks``: a shock sweep of the synthetic 50 × 200 instance (seed 1, 184 days) from its own published plan (solved
first, 2 workers, 90 s): throughput per core (cases per second per worker thread), peak memory per worker (the
largest resident set a worker process reached, sampled every second), and the wall time projected on N
machines of C cores: cases ÷ (throughput per core × C × N), plus one cluster start.

Each run prints one JSON line; the summary is the last line.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from planner.io.plan_files import load_plan  # noqa: E402
from planner.io.scenario_files import load_scenario  # noqa: E402
from planner.sweeps import cases  # noqa: E402
from planner.sweeps.runner import cluster_size, local_client, run_sweep  # noqa: E402


def _timed_sweep(spec, scenario, plan, workers: int) -> dict:
    started = time.monotonic()
    client = local_client(workers)
    ready = time.monotonic()
    peak = _PeakMemory(client)
    try:
        result = run_sweep(spec, scenario, plan, client)
    finally:
        peak.stop()
        size = cluster_size(client)
        client.close()
    wall = result.meta["wall_s"]
    return {"workers": size[0], "threads": size[1], "cases": len(spec.cases),
            "cluster_start_s": round(ready - started, 2), "wall_s": wall,
            "tasks_per_s": round(len(spec.cases) / wall, 3), "failed": result.meta["failed"],
            "proven": int(result.solved["proven"].sum()),
            "statuses": result.results["status"].value_counts().to_dict(),
            "peak_worker_mb": round(peak.peak_mb, 1), "median_case_s": float(result.results["runtime_s"].median())}


class _PeakMemory:
    """The largest resident set size any worker process reached, sampled every second."""

    def __init__(self, client):
        self.client, self.peak_mb, self._done = client, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._done.wait(1.0):
            try:
                workers = self.client.scheduler_info(n_workers=-1)["workers"].values()
                self.peak_mb = max([self.peak_mb, *(w["metrics"]["memory"] / 2**20 for w in workers)])
            except Exception:  # noqa: BLE001 - the cluster is closing
                return

    def stop(self) -> None:
        self._done.set()
        self._thread.join(timeout=5)


def bench_dropouts(runs: int, worker_counts: list[int]) -> dict:
    scenario = load_scenario(ROOT / "data" / "scenarios" / "kp-2018-h2")
    plan = load_plan(ROOT / "plans" / "kp-2018-h2")
    spec = cases.SweepSpec(cases.SweepKind.DROPOUTS, tuple(cases.dropout_cases(scenario, plan)))
    by_workers: dict[int, list[dict]] = {}
    for _ in range(runs):
        for workers in worker_counts:  # alternate, so that a busy moment of the machine hits both alike
            row = _timed_sweep(spec, scenario, plan, workers)
            print(json.dumps({"bench": "dropouts", **row}), flush=True)
            by_workers.setdefault(workers, []).append(row)
    summary = {str(w): {"runs": len(rows), "median_wall_s": statistics.median(r["wall_s"] for r in rows),
                        "min_wall_s": min(r["wall_s"] for r in rows), "max_wall_s": max(r["wall_s"] for r in rows),
                        "median_tasks_per_s": statistics.median(r["tasks_per_s"] for r in rows),
                        "median_cluster_start_s": statistics.median(r["cluster_start_s"] for r in rows)}
               for w, rows in by_workers.items()}
    one = summary.get("1")
    for w in summary:
        if one:
            summary[w]["speed_up_over_one_worker"] = round(one["median_wall_s"] / summary[w]["median_wall_s"], 2)
    return {"bench": "dropouts-summary", "cases": len(spec.cases), **summary}


def bench_shocks(count: int, workers: int, time_limit: float, seed: int) -> dict:
    from planner.apps.synthetic import SyntheticSpec, generate
    from planner.engine.solve import solve

    scenario = generate(SyntheticSpec(engagements=50, reviewers=200, horizon_days=184, seed=1))
    published = solve(scenario, time_limit_s=90)
    spec = cases.SweepSpec(cases.SweepKind.SHOCKS, tuple(cases.shock_cases(scenario, count, seed)),
                           time_limit_s=time_limit, seed=seed)
    row = _timed_sweep(spec, scenario, published.plan, workers)
    per_core = row["cases"] / row["wall_s"] / row["threads"]
    projected = {f"{n} machine(s) x {c} cores": round(1000 / (per_core * c * n) + row["cluster_start_s"], 1)
                 for n in (1, 4, 16) for c in (2, 32)}
    return {"bench": "shocks", "published_status": str(published.status), "time_limit_s": time_limit, "seed": seed,
            **row, "cases_per_s_per_core": round(per_core, 4), "projected_wall_s_for_1000_shocks": projected}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="which", required=True)
    p = sub.add_parser("dropouts")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    p = sub.add_parser("shocks")
    p.add_argument("--shocks", type=int, default=1000)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--time-limit", type=float, default=20.0)
    p.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.which == "dropouts":
        summary = bench_dropouts(args.runs, args.workers)
    else:
        summary = bench_shocks(args.shocks, args.workers, args.time_limit, args.seed)
    print(json.dumps(summary), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
