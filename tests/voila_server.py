"""Starting the dashboard server for the browser and server tests as `make dashboard` starts it
(``python -P -m planner.apps.serving`` from the repository root, reading voila.json): a free port on 127.0.0.1,
a given scenario and plan, offline map tiles; the server's output goes to a log file that a failed start quotes.

The server draws the pictures of the first timelines (planner.views.timeline_images) only when a test asks for it,
into a folder of the test's own: other tests read plotly's drawn figure, which a page with a picture builds only
once the pointer enters it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_command(port: int, *options: str) -> list[str]:
    """The command line of `make dashboard` on ``port``, with extra traitlets options. ``-P`` keeps the
    repository's voila.py (Voilà's config file) from being imported as the voila package."""
    return [sys.executable, "-P", "-m", "planner.apps.serving", "dashboards/", "--no-browser", "--Voila.ip=127.0.0.1",
            f"--port={port}", "--Voila.port_retries=0", *options]


@contextmanager
def running_voila(scenario_dir: Path, plan_dir: Path, log: Path, pictures: Path | None = None) -> Iterator[str]:
    """The base URL of the dashboard server, stopped on exit; with ``pictures``, a folder where it draws the
    timelines' pictures (without, it draws none and its pages find none)."""
    port = free_port()
    log.parent.mkdir(exist_ok=True)
    env = dict(os.environ, KP_SCENARIO=str(scenario_dir), KP_PLAN=str(plan_dir), KP_MAP_TILES="offline",
               KP_VIEW_CACHE=str(pictures or log.parent / f"no-pictures-{port}"))
    options = [] if pictures else ["--DashboardServer.draw_timeline_pictures=False"]
    with log.open("w") as handle:
        process = subprocess.Popen(server_command(port, *options), cwd=ROOT, env=env, stdout=handle,
                                   stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(base + "/", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the dashboard server did not start:\n" + log.read_text()[-3000:]) from None
                time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
