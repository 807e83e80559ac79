"""Running a sweep on Dask distributed: every case is one task, sent the scenario and the plan as data.

``dask_client()`` opens an embedded ``LocalCluster`` (one single-threaded worker process per core; nothing to
start) or connects to a running scheduler (``dask scheduler`` / ``dask worker``, dask-jobqueue, Kubernetes:
the user's choice; its workers need this package installed). ``run_sweep`` submits the cases, reports each
finished case to a progress callback, keeps a failed task as a row naming its case and its error, and on
Ctrl-C (or any other interruption) cancels every future before the interruption goes on. Nothing is written
here: ``planner.sweeps.results.save_sweep`` writes the result folder as a whole, afterwards.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pandas as pd

from planner.core.model import Plan, Scenario
from planner.io.plan_files import scenario_hash
from planner.sweeps.cases import SweepSpec
from planner.sweeps.progress import ProgressCallback
from planner.sweeps.results import SweepResult, plan_fingerprint, versions
from planner.sweeps.tasks import CaseOutcome, CaseSettings, baseline_objective, run_case

#: how long to wait for a scheduler to answer, and for a scheduler to have its first worker
CONNECT_TIMEOUT_S = 30
WORKER_WAIT_S = 60

ERROR = "ERROR"  # the status of a case whose task failed


class SweepError(RuntimeError):
    """The sweep could not run (no scheduler at that address, a cluster without workers): one sentence."""


@contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None, *, processes: bool = True
                ) -> Iterator:
    """A ``distributed.Client``: connected to ``scheduler`` (``tcp://HOST:8786``), or to an embedded
    ``LocalCluster`` of ``workers`` single-threaded workers (default: one per core; ``processes=False`` runs them
    as threads of this process). Closed, with the embedded cluster, when the block ends."""
    from distributed import Client

    if scheduler:
        try:
            client = Client(scheduler, timeout=f"{CONNECT_TIMEOUT_S}s")
        except (OSError, TimeoutError) as error:
            raise SweepError(f"could not reach the Dask scheduler at {scheduler}: {error}") from None
        try:
            try:
                client.wait_for_workers(1, timeout=WORKER_WAIT_S)
            except TimeoutError:
                raise SweepError(f"the Dask scheduler at {scheduler} has no worker (waited {WORKER_WAIT_S} s); "
                                 "start some with `dask worker " + scheduler + "`") from None
            yield client
        finally:
            client.close()
        return
    client = local_client(workers, processes=processes)
    try:
        yield client
    finally:
        client.close()  # and its cluster


def local_client(workers: int | None = None, *, processes: bool = True):
    """A ``distributed.Client`` of its own embedded ``LocalCluster``: ``workers`` single-threaded workers
    (default: one per core), processes or (``processes=False``) threads of this one. ``client.close()`` closes
    the cluster too (a notebook keeps one for several sweeps)."""
    from distributed import Client

    count = workers or os.cpu_count() or 1
    if count < 1:
        raise SweepError("a local cluster needs at least one worker")
    # one thread per worker: each case is one single-threaded CP-SAT search; the scheduler's web server on a
    # free port of this machine only (the default 8787 may be taken by another cluster)
    return Client(n_workers=count, threads_per_worker=1, processes=processes, dashboard_address="127.0.0.1:0",
                  silence_logs=logging.ERROR)


def _failure_row(case, error: BaseException | str) -> CaseOutcome:
    text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    return CaseOutcome({"case_id": case.case_id, **case.describe(), "status": ERROR, "error": text})


def cluster_size(client) -> tuple[int, int]:
    """(workers, threads) of the client's cluster now."""
    workers = client.scheduler_info(n_workers=-1)["workers"]  # -1: all of them, not the first five
    return len(workers), sum(w.get("nthreads", 1) for w in workers.values())


def run_sweep(spec: SweepSpec, scenario: Scenario, plan: Plan, client, *,
              progress: ProgressCallback | None = None) -> SweepResult:
    """Solve every case of ``spec`` on ``client``'s cluster; the rows come back in the order of the cases
    whatever order the tasks finish in. A task that raises (or whose worker died) becomes a row with status
    ``ERROR`` and the error; the other cases go on."""
    from distributed import as_completed

    started, created = time.monotonic(), datetime.now(UTC)
    settings = CaseSettings(spec.today, spec.time_limit_s)
    baseline = baseline_objective(scenario, plan, spec.today)
    cases = list(spec.cases)
    outcomes: list[CaseOutcome | None] = [None] * len(cases)
    failed = 0
    if progress is not None:
        progress(0, len(cases), 0)
    futures: dict = {}
    try:
        if cases:
            # the data each task gets, sent once to every worker (no shared file, no shared state)
            scenario_data, plan_data = client.scatter([scenario, plan], broadcast=True, hash=False)
            token = uuid.uuid4().hex[:12]
            for index, case in enumerate(cases):
                future = client.submit(run_case, spec.kind, scenario_data, plan_data, case, settings, baseline,
                                       key=f"kp-sweep-{spec.kind}-{token}-{index:06d}", pure=False)
                futures[future] = index
        for done, future in enumerate(as_completed(list(futures)), start=1):
            index = futures[future]
            if future.status == "finished":
                outcomes[index] = future.result()
            else:  # "error" (the task raised, or its worker died too often) or "cancelled"
                error = future.exception() if future.status == "error" else f"the task was {future.status}"
                outcomes[index] = _failure_row(cases[index], error)
                failed += 1
            future.release()
            if progress is not None:
                progress(done, len(cases), failed)
    except BaseException:
        if futures:
            client.cancel(list(futures), force=True)
        raise
    workers, threads = cluster_size(client)
    rows = [o.row for o in outcomes]
    changes = [c for o in outcomes for c in o.changes]
    meta = {
        "kind": str(spec.kind),
        "scenario_name": scenario.name,
        "scenario_hash": scenario_hash(scenario),
        "plan_fingerprint": plan_fingerprint(plan),
        "baseline_objective": baseline,
        "scheduled_engagements": sorted(o.engagement_id for o in plan.scheduled()),
        "engagement_titles": {e.id: e.title for e in scenario.engagements},
        "cases": len(cases),
        "failed": failed,
        "failures": [{"case_id": r["case_id"], "error": r["error"]} for r in rows if r["status"] == ERROR],
        "options": {"today": spec.today.isoformat() if spec.today else None, "time_limit_s": spec.time_limit_s,
                    "seed": spec.seed, **spec.options},
        "reproducible": True,
        "cluster": {"address": client.scheduler.address, "workers": workers, "threads": threads},
        "created": created.isoformat(timespec="seconds"),
        "wall_s": round(time.monotonic() - started, 3),
        "versions": versions(),
    }
    return SweepResult(spec.kind, _typed(pd.DataFrame(rows)), pd.DataFrame(changes, columns=CHANGE_COLUMNS), meta)


#: whole-number columns, kept whole (pandas' nullable integers) where a failed case or one without a plan
#: leaves them empty
INTEGER_COLUMNS = ("changes", "engagements_lost", "given", "absent_days", "people_absent", "kpi_engagements_scheduled",
                   "kpi_engagements_unscheduled", "kpi_countries_visited", "kpi_people_involved")


def _typed(table: pd.DataFrame) -> pd.DataFrame:
    for column in INTEGER_COLUMNS:
        if column in table:
            table[column] = table[column].astype("Int64")
    if "proven" in table:
        table["proven"] = table["proven"].astype("boolean")
    return table


CHANGE_COLUMNS = ["case_id", "kind", "engagement_id", "reviewer_id", "before", "after", "sentence", "reason"]
