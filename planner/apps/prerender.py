"""Draw the pictures of the timelines that the plan dashboard shows first, one per language
(``planner.views.timeline_images``). The dashboard server starts this in a process of its own as it starts
(``planner.apps.serving``), from the notebooks' folder, so it loads the plan the kernels load. It can also be run
by hand::

    .venv/bin/python -m planner.apps.prerender

Without a browser for kaleido (Debian's chromium: ``make system-deps``), it says so and draws nothing: the
pages then draw their timelines with plotly.js, as they do for any other filters.
"""

from __future__ import annotations

import signal
import sys
import time

from planner.apps.dashboard import timeline_bundle
from planner.views.i18n import UI_LANGUAGES
from planner.views.loading import load_saved
from planner.views.timeline import PLOTLY_MIME
from planner.views.timeline_images import draw_images, image_folder


def first_timelines(loaded) -> list[dict]:
    """The plotly JSON of the timeline a plan page shows before any filter is touched, in each language."""
    return [timeline_bundle(loaded, lang)[PLOTLY_MIME] for lang in UI_LANGUAGES]


def main() -> int:
    # the server stops this process (SIGTERM) when it stops first: exit through the finally blocks, so that
    # kaleido's browser is stopped too
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    started = time.monotonic()
    loaded = load_saved()
    if loaded.scenario is None:
        print(f"timeline pictures: no plan in {loaded.plan_dir}, nothing to draw", flush=True)
        return 0
    try:
        drawn = draw_images(first_timelines(loaded))
    except Exception as error:  # noqa: BLE001 - any failure of the browser: the pages draw the timeline instead
        print(f"timeline pictures not drawn ({type(error).__name__}: {error}); the pages draw their timelines "
              "with plotly.js (a browser for kaleido: make system-deps)", flush=True)
        return 1
    print(f"timeline pictures: {len(drawn)} drawn into {image_folder()} in {time.monotonic() - started:.1f} s "
          f"({len(UI_LANGUAGES) - len(drawn)} there already)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
