"""Running CP-SAT so that a ``threading.Event`` stops it: the one place a stop request reaches a solver."""

from __future__ import annotations

import threading

from ortools.sat.python import cp_model

STOP_POLL_S = 0.05  # how often a stop request is looked for: a stop takes effect within about this long


def solve_stoppable(solver: cp_model.CpSolver, model: cp_model.CpModel, stop_event: threading.Event | None,
                    callback: cp_model.CpSolverSolutionCallback | None = None):
    """``solver.solve(model, callback)``, stopped when ``stop_event`` is set (before or during the solve)."""
    if stop_event is None:
        return solver.solve(model, callback)
    done = threading.Event()

    def watch() -> None:
        while not done.wait(STOP_POLL_S):
            if stop_event.is_set():
                # every poll until the solve returns: a stop asked for before CP-SAT has started its search
                # (during presolve, or while the model is loaded) would otherwise be lost
                solver.stop_search()

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        return solver.solve(model, callback)
    finally:
        done.set()
        watcher.join()
