"""Pictures of timelines, drawn once on the server, so that a page shows its timeline without waiting for plotly.js.

A dashboard's timeline is plotly's mime bundle (``planner.views.timeline.figure_bundle``). JupyterLab's plotly
extension (shipped in the plotly wheel) shows the bundle's ``image/png`` when it has one, and builds the
interactive figure only when the pointer first enters the picture (a tap, on a phone). Evaluating plotly.js is
one 0.7–0.8 s task on the page's only thread, the largest part of a page's time (docs/dashboards.md, "Where a
page's time goes"). With the picture, that cost moves to the first hover.

- :func:`draw_images` draws pictures with kaleido (plotly's image export, which drives a headless Chromium). It
  runs in a process of its own that the dashboard server starts (``planner.apps.prerender``), never in a
  viewer's kernel: starting Chromium takes seconds.
- :func:`with_image` is what a kernel does: it looks a picture up by the figure's content (:func:`image_key`).
  A figure that differs in anything (other filters, language or plan) has no picture, and the browser draws
  it with plotly.js as before.

The pictures live in :func:`image_folder`, named by key. That folder is a cache: deleting it only costs the
next server start a few seconds. :func:`draw_images` marks the pictures it is asked for as used (their
modification time) and removes the others unused for :data:`KEEP_UNUSED_DAYS` (about 80 KB each; every new plan
or scenario edit makes new ones). The server draws them as it starts, so a plan replaced while it runs has no
pictures until it is restarted (its pages draw the timeline with plotly.js meanwhile).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import re
import stat
import time
import warnings
from pathlib import Path

from planner.io.atomic import atomic_write_bytes
from planner.views.timeline import PLOTLY_MIME

#: The picture's width in CSS pixels: the timeline is 1,082 px wide in a 1,280 px window and 1,242 px in a
#: 1,440 px one. A narrower window narrows the picture, a wider one leaves it at this width until the pointer
#: brings the figure, which fills the width (planner.views.html CSS); a phone shows it at this width in the
#: timeline's own scrolling box, so that its text stays readable.
IMAGE_WIDTH = 1200
PNG_MIME = "image/png"
#: Pictures no server start has asked for in this many days are removed (another plan's server may still use a
#: younger one: the folder is shared by every server of the same user).
KEEP_UNUSED_DAYS = 30
DAY_S = 86_400
#: The files remove_unused may remove: pictures (image_key's hex name) and the temporary files that a killed
#: atomic write of one leaves behind (planner.io.atomic: ".<name>.<random><suffix>").
PICTURE_NAME = re.compile(r"[0-9a-f]{64}\.png|\.[0-9a-f]{64}\.png\.\w+\.tmp")


def image_folder() -> Path:
    """``$KP_VIEW_CACHE``, else ``$XDG_CACHE_HOME/kp-planner/timelines`` (``~/.cache/…``)."""
    if os.environ.get("KP_VIEW_CACHE"):
        return Path(os.environ["KP_VIEW_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kp-planner" / "timelines"


def image_key(spec: dict) -> str:
    """The name of a figure's picture: a hash of the figure's JSON (as the bundle carries it), the width and the
    plotly version that draws it."""
    import plotly  # already imported by whoever built the figure

    text = json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(f"{text}|{IMAGE_WIDTH}|plotly {plotly.__version__}".encode()).hexdigest()


def image_path(spec: dict, folder: Path | None = None) -> Path:
    return (folder or image_folder()) / f"{image_key(spec)}.png"


def with_image(bundle: dict, folder: Path | None = None) -> dict:
    """``bundle`` with the figure's picture as ``image/png`` when one was drawn, else ``bundle`` unchanged. A
    picture shown is marked as used once a day (:func:`remove_unused`), so that a server running for weeks keeps
    its pictures when another server that shares the folder starts."""
    if PLOTLY_MIME not in bundle or PNG_MIME in bundle:
        return bundle
    path = image_path(bundle[PLOTLY_MIME], folder)
    try:
        data = path.read_bytes()
        if path.stat().st_mtime < time.time() - DAY_S:
            os.utime(path)
    except OSError:  # none drawn (yet), or the cache is unreadable: the browser draws the figure
        return bundle
    if not data:  # not a picture (an empty file): the browser draws the figure
        return bundle
    return {**bundle, PNG_MIME: base64.b64encode(data).decode("ascii")}


def draw_images(specs: list[dict], folder: Path | None = None) -> list[Path]:
    """Draw the pictures of ``specs`` (plotly figure JSON, as in a bundle) that are not in ``folder`` yet; return
    the paths drawn. Each picture is written atomically (a kernel reads a whole picture or none). Raises
    whatever kaleido raises when it cannot start a browser (``planner.apps.prerender`` says so in words)."""
    folder = folder or image_folder()
    wanted = {image_path(spec, folder): spec for spec in specs}  # each figure's JSON hashed once
    missing = missing_pictures(wanted)
    remove_unused(folder, keep=set(wanted))
    if not missing:
        return []
    import kaleido  # only this process pays for kaleido and plotly.io
    import plotly.io as pio

    folder.mkdir(parents=True, exist_ok=True)
    drawn = []
    kaleido.start_sync_server(silence_warnings=True)  # one browser for all the pictures
    try:
        with warnings.catch_warnings():
            # plotly passes kaleido options that a started server ignores, with a warning each time
            warnings.filterwarnings("ignore", message="The kopts argument is ignored")
            for path, spec in missing.items():
                atomic_write_bytes(path, _png(pio, spec))
                drawn.append(path)
    finally:
        kaleido.stop_sync_server(silence_warnings=True)
    return drawn


def _png(pio, spec: dict) -> bytes:
    """One picture: the figure's own height (it grows with its rows), the width of a desktop page's timeline.
    A second try after a second: once, on a loaded machine, kaleido's page had not yet defined its script when
    the first picture was asked for ("ReferenceError: kaleido_scopes is not defined", a RuntimeError)."""
    size = {"format": "png", "width": IMAGE_WIDTH, "height": spec["layout"].get("height")}
    try:
        return pio.to_image(spec, **size)
    except RuntimeError as error:
        if "kaleido_scopes" not in str(error):
            raise  # a browser that could not start or was stopped: no second try
        time.sleep(1)
    return pio.to_image(spec, **size)


def missing_pictures(wanted: dict[Path, dict]) -> dict[Path, dict]:
    """Of the pictures ``wanted`` (path → figure JSON), those to draw; those already there are marked as used."""
    missing = {}
    for path, spec in wanted.items():
        try:
            if path.stat().st_size == 0:  # not a picture: drawn again
                raise FileNotFoundError(path)
            os.utime(path)  # used again: kept (utime, unlike touch, never makes an empty file)
        except OSError:  # not drawn yet, or removed meanwhile by another server sharing the folder
            missing[path] = spec
    return missing


def remove_unused(folder: Path, keep: set[Path], now: float | None = None) -> list[Path]:
    """Remove the pictures in ``folder`` that are not in ``keep`` and were last used (drawn or asked for by
    :func:`draw_images`) more than :data:`KEEP_UNUSED_DAYS` ago; return them. Other files are left alone."""
    limit = (time.time() if now is None else now) - KEEP_UNUSED_DAYS * DAY_S
    removed = []
    for path in folder.iterdir() if folder.is_dir() else []:
        # a picture (image_key's name) or what a killed atomic write left of one (atomic_write_bytes' ".tmp")
        if path in keep or not PICTURE_NAME.fullmatch(path.name):
            continue
        with contextlib.suppress(OSError):  # gone already, or not ours to remove
            status = path.lstat()
            if stat.S_ISREG(status.st_mode) and status.st_mtime < limit:
                path.unlink()
                removed.append(path)
    return removed
