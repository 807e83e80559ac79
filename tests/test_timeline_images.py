"""The pictures of the first timelines (planner.views.timeline_images, planner.apps.prerender): drawn for exactly
the timelines a plan page shows first, one per language; found by the figure's content, so that any other figure
(another filter, language or plan) gets none and is drawn by plotly.js as before."""

from __future__ import annotations

import base64
import copy
import struct
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner import load_scenario
from planner.apps import prerender
from planner.apps.dashboard import PlanDashboard, timeline_bundle
from planner.io.plan_files import load_plan
from planner.views.i18n import UI_LANGUAGES
from planner.views.loading import Loaded
from planner.views.plan_view import Filters
from planner.views.timeline import PLOTLY_MIME
from planner.views.timeline_images import IMAGE_WIDTH, PNG_MIME, draw_images, image_key, image_path, with_image

ROOT = Path(__file__).resolve().parents[1]
SCENARIO, PLAN = ROOT / "data" / "scenarios" / "kp-2018-h2", ROOT / "plans" / "kp-2018-h2"
PNG = b"\x89PNG\r\n\x1a\n" + b"a picture"


@pytest.fixture(scope="module")
def loaded() -> Loaded:
    return Loaded(load_scenario(SCENARIO), load_plan(PLAN), PLAN)


def _first_shown(loaded: Loaded, lang: str) -> dict:
    """The bundle a fresh plan page would show as its first timeline in ``lang`` (before the page is live)."""
    dashboard = PlanDashboard(loaded)
    dashboard.set_language(lang)
    return dashboard._pending_timeline


def test_a_picture_is_found_by_the_figures_content(loaded, tmp_path):
    bundle = timeline_bundle(loaded, "en")
    assert with_image(bundle, tmp_path) is bundle  # none drawn: the bundle as it was
    image_path(bundle[PLOTLY_MIME], tmp_path).write_bytes(PNG)
    shown = with_image(bundle, tmp_path)
    assert base64.b64decode(shown[PNG_MIME]) == PNG
    assert shown[PLOTLY_MIME] is bundle[PLOTLY_MIME] and PNG_MIME not in bundle  # the figure stays; no change
    for other in (timeline_bundle(loaded, "fr"), timeline_bundle(loaded, "en", "reviewer"),
                  timeline_bundle(loaded, "en", filters=Filters(kind="meeting"))):
        assert PNG_MIME not in with_image(other, tmp_path)


def test_the_prerender_draws_the_timelines_a_page_shows_first(loaded):
    drawn = [image_key(spec) for spec in prerender.first_timelines(loaded)]
    assert len(set(drawn)) == len(UI_LANGUAGES)  # one per language
    for lang in UI_LANGUAGES:
        assert image_key(_first_shown(loaded, lang)[PLOTLY_MIME]) == drawn[UI_LANGUAGES.index(lang)]
    # and none of what the page shows once a filter or the view is changed
    assert image_key(timeline_bundle(loaded, "en", "organisation")[PLOTLY_MIME]) not in drawn
    assert image_key(timeline_bundle(loaded, "en", filters=Filters(region="Africa"))[PLOTLY_MIME]) not in drawn


def test_the_page_looks_the_picture_up_when_it_shows_the_timeline(loaded, tmp_path, monkeypatch):
    """A pre-heated kernel builds its first figure before the server has drawn the picture: the picture is
    looked up when the page is live, not when the figure was built."""
    monkeypatch.setenv("KP_VIEW_CACHE", str(tmp_path))
    dashboard = PlanDashboard(loaded)
    shown: list[dict] = []
    monkeypatch.setattr(dashboard, "_show", lambda _output, *objects: shown.extend(objects))
    image_path(dashboard._pending_timeline[PLOTLY_MIME]).write_bytes(PNG)  # drawn after the figure was built
    dashboard._draw_first_timeline()
    assert base64.b64decode(shown[0][PNG_MIME]) == PNG
    dashboard.kind.value = "meeting"  # a filter: another figure, no picture
    assert PNG_MIME not in shown[-1] and PLOTLY_MIME in shown[-1]


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=30), where=st.sampled_from(["title", "row", "meta"]))
def test_any_change_to_the_figure_changes_its_picture(loaded, text, where):
    spec = timeline_bundle(loaded, "en")[PLOTLY_MIME]
    assert image_key(copy.deepcopy(spec)) == image_key(spec)
    changed = copy.deepcopy(spec)
    if where == "title":
        changed["layout"]["title"] = {"text": "x" + text}
    elif where == "row":
        changed["data"][0]["y"] = [*changed["data"][0]["y"][:-1], changed["data"][0]["y"][-1] + "x" + text]
    else:
        changed["layout"]["meta"] = {**changed["layout"]["meta"], "extra": text}
    assert image_key(changed) != image_key(spec)


def test_the_prerender_says_why_it_drew_nothing(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("KP_SCENARIO", str(SCENARIO))
    monkeypatch.setenv("KP_PLAN", str(PLAN))

    def no_browser(_specs):
        raise RuntimeError("no Chrome found")

    monkeypatch.setattr(prerender, "draw_images", no_browser)
    assert prerender.main() == 1
    said = capsys.readouterr().out
    assert "not drawn (RuntimeError: no Chrome found)" in said and "make system-deps" in said
    monkeypatch.setenv("KP_PLAN", str(tmp_path / "no-plan"))
    assert prerender.main() == 0
    assert "no plan in" in capsys.readouterr().out


@pytest.mark.browser
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Debian's chromium (make system-deps)")
def test_draw_images_draws_each_missing_picture_once(loaded, tmp_path):
    specs = prerender.first_timelines(loaded)
    drawn = draw_images(specs, tmp_path)
    assert sorted(drawn) == sorted(image_path(spec, tmp_path) for spec in specs)
    for spec in specs:
        png = image_path(spec, tmp_path).read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk
        assert (width, height) == (IMAGE_WIDTH, spec["layout"]["height"])
    assert draw_images(specs, tmp_path) == []  # there already: nothing drawn again
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in drawn)  # no leftovers


def test_old_unused_pictures_are_removed_and_the_pictures_asked_for_kept(loaded, tmp_path):
    """draw_images marks the pictures it is asked for as used and removes other pictures unused for
    KEEP_UNUSED_DAYS; younger ones (another plan's server may use them) and files not named like a picture stay."""
    import os
    import time as clock

    from planner.views.timeline_images import DAY_S, KEEP_UNUSED_DAYS, remove_unused

    specs = prerender.first_timelines(loaded)
    long_ago = clock.time() - (KEEP_UNUSED_DAYS + 1) * DAY_S
    wanted = [image_path(spec, tmp_path) for spec in specs]
    old, young = tmp_path / f"{'a' * 64}.png", tmp_path / f"{'b' * 64}.png"
    leftover = tmp_path / f".{'c' * 64}.png.k3x_9q2a.tmp"  # of a write killed half way (planner.io.atomic)
    others = [tmp_path / "notes.png", tmp_path / f"{'Z' * 64}.png", tmp_path / f"{'d' * 64}.png.bak"]
    for path in (*wanted, old, young, leftover, *others):
        path.write_bytes(b"\x89PNG")
    folder = tmp_path / f"{'e' * 64}.png"
    folder.mkdir()
    for path in (*wanted, old, leftover, *others, folder):
        os.utime(path, (long_ago, long_ago))
    assert draw_images(specs, tmp_path) == []  # every picture asked for is there: nothing drawn, no browser
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in (*wanted, young, *others, folder))
    assert all(path.stat().st_mtime > long_ago + DAY_S for path in wanted)  # marked as used
    assert remove_unused(tmp_path, keep=set()) == []  # all used recently now
    removed = remove_unused(tmp_path, keep=set(), now=clock.time() + (KEEP_UNUSED_DAYS + 1) * DAY_S)
    assert sorted(removed) == sorted((*wanted, young)) and all(p.exists() for p in (*others, folder))


def test_an_empty_picture_file_is_drawn_again_and_never_shown(loaded, tmp_path):
    """An empty file where a picture should be (e.g. left by a crash): draw_images draws it again
    (missing_pictures), with_image does not show it; a real picture is shown, and marked as used."""
    import os

    from planner.views.timeline_images import missing_pictures

    empty, drawn = prerender.first_timelines(loaded)
    image_path(empty, tmp_path).write_bytes(b"")
    image_path(drawn, tmp_path).write_bytes(b"\x89PNG")
    os.utime(image_path(drawn, tmp_path), (0, 0))
    wanted = {image_path(empty, tmp_path): empty, image_path(drawn, tmp_path): drawn}
    assert missing_pictures(wanted) == {image_path(empty, tmp_path): empty}
    assert image_path(drawn, tmp_path).stat().st_mtime > 0  # marked as used
    assert PNG_MIME not in with_image({PLOTLY_MIME: empty}, tmp_path)
    os.utime(image_path(drawn, tmp_path), (0, 0))
    assert with_image({PLOTLY_MIME: drawn}, tmp_path)[PNG_MIME]
    assert image_path(drawn, tmp_path).stat().st_mtime > 0  # a picture shown, a day or more after: marked


@pytest.mark.browser
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Debian's chromium (make system-deps)")
def test_prerender_stopped_while_drawing_stops_its_browser_too(tmp_path):
    """The dashboard server stops planner.apps.prerender (SIGTERM) when it stops first: the process exits
    through its finally blocks, which stop kaleido's browser, instead of dying with the browser left running."""
    import os
    import signal
    import subprocess
    import sys
    import time

    import psutil

    drawer = subprocess.Popen([sys.executable, "-P", "-m", "planner.apps.prerender"], cwd=ROOT,
                              env=dict(os.environ, KP_VIEW_CACHE=str(tmp_path)), stdout=subprocess.DEVNULL)
    try:
        deadline, browsers = time.monotonic() + 120, []  # a guard against hanging, not a speed limit
        while not browsers:  # drawing: its browser runs
            assert drawer.poll() is None, "it ended before its browser was seen"
            assert time.monotonic() < deadline, "no browser started"
            browsers = [c for c in psutil.Process(drawer.pid).children(recursive=True) if "chrom" in c.name()]
            time.sleep(0.05)
        drawer.send_signal(signal.SIGTERM)
        assert drawer.wait(timeout=60) == 128 + signal.SIGTERM  # exited (sys.exit), not killed by the signal
        _, alive = psutil.wait_procs(browsers, timeout=30)
        assert alive == [], f"browser processes left running: {alive}"
    finally:
        if drawer.poll() is None:
            drawer.kill()


def test_a_picture_whose_page_was_not_ready_is_drawn_on_a_second_try_and_other_failures_raise(monkeypatch):
    """kaleido once raised "kaleido_scopes is not defined" for the first picture on a loaded machine."""
    from types import SimpleNamespace

    from planner.views import timeline_images

    monkeypatch.setattr(timeline_images.time, "sleep", lambda seconds: None)
    spec = {"layout": {"height": 300}}
    calls = []

    def flaky(figure, **size):
        calls.append(size)
        if len(calls) == 1:
            raise RuntimeError("ReferenceError: kaleido_scopes is not defined")
        return b"png"

    assert timeline_images._png(SimpleNamespace(to_image=flaky), spec) == b"png"
    assert calls == [{"format": "png", "width": IMAGE_WIDTH, "height": 300}] * 2

    def broken(figure, **size):
        calls.append(size)
        raise RuntimeError("no browser")

    calls.clear()
    with pytest.raises(RuntimeError, match="no browser"):  # any other failure: no second try
        timeline_images._png(SimpleNamespace(to_image=broken), spec)
    assert len(calls) == 1

    def never_ready(figure, **size):
        calls.append(size)
        raise RuntimeError("ReferenceError: kaleido_scopes is not defined")

    calls.clear()
    with pytest.raises(RuntimeError, match="kaleido_scopes"):  # twice: raised
        timeline_images._png(SimpleNamespace(to_image=never_ready), spec)
    assert len(calls) == 2
