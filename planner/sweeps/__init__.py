"""Robustness and sensitivity sweeps on Dask distributed (docs/sweeps.md): every drop-out, a grid or Latin
hypercube of weights, or N seeded availability shocks, each case one Dask task.

- ``cases``: the cases (plain frozen data, made on the client from a seed);
- ``tasks``: what one task does (a reproducible solve of one case);
- ``runner``: the Dask client (an embedded ``LocalCluster`` or a scheduler's address) and ``run_sweep``;
- ``results``: ``SweepResult`` and what it adds up to (fragility, criticality, flips, distributions);
- ``saving``: the result folder, written in one step; ``summary``: its one-page HTML summary;
- ``resilience``: the plan dashboard's resilience panel from a sweep saved with the plan;
- ``progress``: progress bars for the terminal and the notebook; ``charts``: notebook 05's plotly figures.

A layer of its own between ``planner.apps`` (the command line, the notebooks) and ``planner.exports``.
Importing this package does not import Dask: ``runner`` does, when a sweep runs.
"""
