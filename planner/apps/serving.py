"""The stakeholder dashboards' server: Voilà with a bound on its kernels and strict template files.

Every page Voilà serves starts a kernel of its own (about 265 MB, docs/benchmarks.md "Dashboards"), and Voilà has
no limit of its own (voila-dashboards/voila#617). Three pieces, all configured in voila.json:

- ``BoundedKernelManager``, Voilà's kernel manager (``VoilaConfiguration.multi_kernel_manager_class``), starts at
  most ``max_kernels`` kernels at once: by default as many as ``memory_share`` of the machine's memory holds at
  ``kernel_memory_mb`` each. A page asked for beyond that gets ``ServerBusy`` (503) and starts nothing. Idle
  kernels are culled by jupyter_server (``MappingKernelManager.cull_*`` in voila.json), except that the kernel
  of a page a browser asked for waits up to ``browser_connect_grace_s`` for the page to connect.
- ``DashboardServer`` is Voilà with two handlers replaced: the page handler sets the ``_xsrf`` cookie that a
  closing tab needs to shut its kernel down at once, tells the kernel manager whether a browser asked for the
  page, and adds ``Retry-After`` to a page refused with ``ServerBusy`` (the page itself is the template's
  503.html); the template static files answer 404 to anything but ``<template>/static/<file>`` inside a
  template (Voilà's own handler fails with 500 on ``..``, a missing ``static`` part or a NUL byte).
- Pre-heated kernels (``VoilaConfiguration.preheat_kernel``, ``default_pool_size``): Voilà keeps that many kernels
  per dashboard started, with the notebook executed up to the point where it waits for a page's address
  (``planner.apps.dashboard.language_from_url``); they count in the cap, a page that takes one gets the
  browsers' grace like a kernel started for it, and a page never waits out the pool's ``fill_delay``.
- ``main`` starts it, taking Voilà's own arguments (``make dashboard``)::

    .venv/bin/python -P -m planner.apps.serving dashboards/ --no-browser --Voila.ip=127.0.0.1 --port=8866

Started as plain ``voila`` from the repository root, the kernel bound and the busy page still apply (voila.json);
the Retry-After header, the shutdown of a closed tab's kernel, the browsers' grace and the 404s need
``DashboardServer``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import threading
import time
import uuid
import weakref
from contextvars import ContextVar
from datetime import UTC, datetime
from pathlib import Path

import tornado.web
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from traitlets import Bool, Float, Integer, default
from voila.app import Voila
from voila.static_file_handler import TemplateStaticFileHandler
from voila.tornado.handler import TornadoVoilaHandler

from planner.views import i18n

MIB = 2**20

#: Whether the page request being served comes from a browser navigating to it (``Sec-Fetch-Dest: document``):
#: set by ``BusyAwareVoilaHandler`` in the request's own task, read by ``BoundedKernelManager.start_kernel``.
_browser_page: ContextVar[bool] = ContextVar("kp_browser_page", default=False)


def page_texts(_value: object = None) -> dict[str, dict]:
    """The Jinja filter ``kp_page_texts`` (voila.json ``VoilaExporter.filters``): the kp-offline template's page
    texts in every language (``planner.views.i18n.page_texts``); a filter because nbconvert's exporter takes
    filters from the configuration, and no other functions."""
    return i18n.page_texts()


def memory_bytes() -> int:
    """Memory this process may use: the machine's, or its control group's limit when that is lower."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    try:  # cgroup v2: "0::/some/group"; a container's limit is in that group's memory.max
        group = Path("/proc/self/cgroup").read_text().strip().split("::", 1)[1]
        limit = (Path("/sys/fs/cgroup") / group.lstrip("/") / "memory.max").read_text().strip()
    except (OSError, IndexError):
        return total
    return min(total, int(limit)) if limit.isdigit() else total


class ServerBusy(tornado.web.HTTPError):
    """Every kernel the server may run is in use: 503, try again in ``retry_after_s`` seconds."""

    def __init__(self, max_kernels: int, retry_after_s: int):
        super().__init__(503, "all %d dashboard kernels are in use", max_kernels, reason="Busy")
        self.retry_after_s = retry_after_s


class BoundedKernelManager(AsyncMappingKernelManager):
    """Voilà's kernel manager with a cap on the kernels alive (or starting) at once."""

    max_kernels = Integer(config=True, help="Most kernels alive at once, every one a viewer's page. Default: "
                          "memory_share of the machine's memory (or its cgroup limit) at kernel_memory_mb each.")
    kernel_memory_mb = Integer(320, config=True, help="Memory planned per kernel (a dashboard kernel with its page "
                               "drawn measured about 265 MB resident; the rest is headroom for a viewer's filters).")
    memory_share = Float(0.5, config=True, help="Share of the memory the kernels may take together (the rest is "
                         "for Voilà, the system and anything else on the machine).")
    retry_after_s = Integer(15, config=True, help="Seconds a refused viewer is asked to wait (Retry-After).")
    browser_connect_grace_s = Integer(180, config=True, help="How long the kernel of a page a browser asked for "
                                      "(Sec-Fetch-Dest: document) waits for that page to connect, counted from its "
                                      "last activity: a busy or slow machine takes a while to start the page's "
                                      "scripts. Other pages (curl, crawlers) get cull_idle_timeout like any kernel.")

    @property
    def pages_reserve(self) -> int:
        """Places a pre-heated kernel never takes: a quarter of the cap, at least one (so a server capped at one
        kernel pre-heats none)."""
        return max(1, -(-self.max_kernels // 4))

    @default("max_kernels")
    def _max_kernels_from_memory(self) -> int:
        return max(1, int(memory_bytes() * self.memory_share / (self.kernel_memory_mb * MIB)))

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._starting: set[str] = set()  # ids of kernels being started: they count before they exist
        self._awaiting_browser: set[str] = set()  # kernels of browsers' pages that have not connected yet

    async def start_kernel(self, *, kernel_id: str | None = None, path: str | None = None, **kwargs) -> str:
        if kernel_id is not None and kernel_id in self:  # asks for a running kernel: nothing new starts
            return await super().start_kernel(kernel_id=kernel_id, path=path, **kwargs)
        # counted and reserved with no await in between: concurrent requests cannot both take the last place
        victim = None
        alive = self._alive()
        preheating = (kwargs.get("env") or {}).get("VOILA_PREHEAT") == "True"  # Voilà's pool filling itself
        if preheating and alive >= self.max_kernels - self.pages_reserve:
            raise ServerBusy(self.max_kernels, self.retry_after_s)  # the last places are for pages
        if alive >= self.max_kernels:
            # a page may take the place of a pre-heated kernel nobody uses yet
            victim = None if preheating else self._take_idle_pooled_kernel()
            if victim is None:
                raise ServerBusy(self.max_kernels, self.retry_after_s)
        kernel_id = kernel_id or str(uuid.uuid4())
        self._starting.add(kernel_id)
        try:
            if victim is not None:
                await self.shutdown_kernel(victim)
            started = await super().start_kernel(kernel_id=kernel_id, path=path, **kwargs)
        finally:
            self._starting.discard(kernel_id)
        if _browser_page.get() and not preheating:  # a pool kernel gets the grace when a browser's page takes it
            self._awaiting_browser.add(started)
        return started

    def _alive(self) -> int:
        """Kernels alive or being started."""
        return len(set(self.list_kernel_ids()) | self._starting)

    def _idle_pooled(self) -> list[tuple[list, asyncio.Future]]:
        """(pool, task) of every pre-heated kernel no page has taken (Voilà's pool, with ``preheat_kernel``),
        the newest of each pool first: the oldest is the next page's."""
        return [(pool, task) for pool in getattr(self, "_pools", {}).values() for task in reversed(pool)
                if task.done() and not task.cancelled() and task.exception() is None]

    def places_left(self) -> int:
        """Kernels that may still start before the cap (pre-heated kernels no page uses count as places)."""
        return self.max_kernels - self._alive() + len(self._idle_pooled())

    def _take_idle_pooled_kernel(self) -> str | None:
        """A pre-heated kernel no page has taken, removed from its pool so that no page takes it meanwhile;
        None when there is none."""
        for pool, task in self._idle_pooled()[:1]:
            pool.remove(task)
            return task.result()["kernel_id"]
        return None

    async def cull_kernel_if_idle(self, kernel_id: str) -> None:
        """jupyter_server's culling, except that a browser's page gets ``browser_connect_grace_s`` to connect.

        A page that never connects (curl, a crawler) and a page whose connection dropped are culled after
        ``cull_idle_timeout``; a closed tab's kernel is shut down at once by the page itself."""
        self._awaiting_browser &= set(self._kernels)
        if kernel_id not in self._kernels:  # shut down (its tab closed) while the culler went through the list
            return
        if kernel_id in self._awaiting_browser:
            if self._kernel_connections.get(kernel_id, 0):
                self._awaiting_browser.discard(kernel_id)  # connected: an ordinary kernel from now on
            elif (datetime.now(UTC) - self._kernels[kernel_id].last_activity).total_seconds() \
                    < self.browser_connect_grace_s:
                return
        await super().cull_kernel_if_idle(kernel_id)


class PageStarts:
    """At most ``limit`` pages that start a kernel of their own are served at once; the others wait their turn,
    first come first served (``limit`` 0: no limit). A page that takes a pre-heated kernel never waits.

    Twenty pages arriving together each start a kernel that needs about 2 CPU-s (its start, imports, the
    dashboard); on 2 cores, started all at once, they share the cores and all finish together after about 20 s.
    In turn, as many at a time as there are cores, the first is served after about 1 s, the tenth after about
    10 s, the last still after 20 s: the same work, half the median wait."""

    def __init__(self, limit: int):
        self.limit = limit
        self.queued = 0  # pages waiting for their turn or being served in it
        self._slots: asyncio.Semaphore | None = None  # made in the server's event loop, on first use

    def waits(self, starts_a_kernel: bool, places_left: int) -> bool:
        """Whether a page takes its turn: it starts a kernel, and the pages already in the queue leave a place
        under the kernel cap for it (otherwise it goes straight on, to be refused with the busy page at once
        rather than after its turn)."""
        return starts_a_kernel and self.limit > 0 and self.queued < places_left

    @contextlib.asynccontextmanager
    async def slot(self, starts_a_kernel: bool, places_left: int = 2**31):
        if not self.waits(starts_a_kernel, places_left):
            yield
            return
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.limit)
        self.queued += 1
        try:
            async with self._slots:  # asyncio's semaphore wakes its waiters in the order they came
                yield
        finally:
            self.queued -= 1


class BusyAwareVoilaHandler(TornadoVoilaHandler):
    """Voilà's page handler; a page refused with ``ServerBusy`` says when to come back (Retry-After), every page
    gets the ``_xsrf`` cookie, and the kernel manager learns whether a browser asked for the page.

    When its tab closes, Voilà's page asks the server to shut its kernel down (a beacon to
    /voila/api/shutdown/<kernel>), sending the ``_xsrf`` cookie's value as the XSRF check requires; Voilà's own
    handler never sets that cookie, so the request is refused (403, voila-dashboards/voila#1458) and the kernel
    waits for the culler."""

    async def get(self, path: str | None = None) -> None:
        self.xsrf_token  # noqa: B018 - reading it sets the cookie (before the page's first byte is sent)
        _browser_page.set(self.request.headers.get("Sec-Fetch-Dest") == "document")
        manager = self.kernel_manager
        pool_size = getattr(manager, "get_pool_size", None)
        own_kernel = pool_size is None or pool_size(self.notebook_path or path) == 0  # as Voilà decides below
        places = manager.places_left() if isinstance(manager, BoundedKernelManager) else 2**31
        async with self.settings.get("kp_page_starts", PageStarts(0)).slot(own_kernel, places):
            await super().get(path)

    def write_error(self, status_code: int, **kwargs) -> None:
        exception = (kwargs.get("exc_info") or (None, None, None))[1]
        if isinstance(exception, ServerBusy):
            self.set_header("Retry-After", str(exception.retry_after_s))
            self.set_header("Cache-Control", "no-store")
        super().write_error(status_code, **kwargs)  # renders the template's 503.html


class StrictTemplateStaticFileHandler(TemplateStaticFileHandler):
    """Template static files: 404 for any path that is not ``<template>/static/<file>`` inside a template."""

    def parse_url_path(self, url_path: str) -> str:
        parts = url_path.split("/")
        if (len(parts) < 3 or parts[1] != "static" or any(p in ("", ".", "..") for p in parts)
                or "\\" in url_path or any(ord(ch) < 32 for ch in url_path)):
            raise tornado.web.HTTPError(404)
        try:
            return super().parse_url_path(url_path)
        except ValueError as error:  # Voilà's "no template of that name"
            raise tornado.web.HTTPError(404) from error

    def validate_absolute_path(self, root: str, absolute_path: str) -> str | None:
        try:
            return super().validate_absolute_path(root, absolute_path)
        except tornado.web.HTTPError as error:  # outside every root of the template (403), or absent
            raise tornado.web.HTTPError(404) from error


class DashboardServer(Voila):
    """Voilà with the stricter handlers above in place of Voilà's own, which also has the pictures of the first
    timelines drawn as it starts."""

    replaced_handlers = {TornadoVoilaHandler: BusyAwareVoilaHandler,
                         TemplateStaticFileHandler: StrictTemplateStaticFileHandler}
    draw_timeline_pictures = Bool(True, config=True, help="Start planner.apps.prerender as the server starts: "
                                  "it draws the pictures of the timelines a plan page shows first, which a page "
                                  "shows without waiting for plotly.js (planner.views.timeline_images).")

    concurrent_page_starts = Integer(config=True, help="Most pages served at once that start a kernel of their "
                                     "own (PageStarts); the others wait their turn. Default: the cores this "
                                     "process may use. 0: no limit.")

    @default("concurrent_page_starts")
    def _cores(self) -> int:
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)

    def start(self) -> None:
        prerender = None
        if self.draw_timeline_pictures:
            # a process of its own (kaleido drives a headless Chromium for a few seconds), from the notebooks'
            # folder so that it finds the plan the kernels find; the server does not wait for it, a thread
            # reaps it when it ends (unwaited, it stayed a zombie process as long as the server ran)
            prerender = subprocess.Popen([sys.executable, "-P", "-m", "planner.apps.prerender"], cwd=self.root_dir)
            threading.Thread(target=prerender.wait, name="kp-prerender-reaper", daemon=True).start()
        try:
            super().start()
        finally:  # the server stops while pictures are still being drawn: so does the drawing
            if prerender is not None and prerender.poll() is None:
                prerender.terminate()

    def init_handlers(self) -> list:
        return [(spec[0], self.replaced_handlers.get(spec[1], spec[1]), *spec[2:])
                for spec in super().init_handlers()]

    def init_settings(self) -> dict:
        settings = super().init_settings()
        _adapt_preheated_pool(self.kernel_manager)
        settings["kp_page_starts"] = PageStarts(self.concurrent_page_starts)
        return settings


def _adapt_preheated_pool(manager) -> None:
    """With ``preheat_kernel``, Voilà's pool (its ``VoilaKernelManager``, a subclass of the class voila.json
    names) hands a page a kernel it started earlier, without ``start_kernel``. Three changes to it:

    - ``BoundedKernelManager`` learns that a browser's page took the kernel, so that the kernel gets
      ``browser_connect_grace_s`` to connect like one started for that page;
    - a pre-heated kernel that could not start (the cap was reached: ``ServerBusy``) is dropped, so that the
      page starts a kernel of its own instead of being refused for the pool's old failure;
    - a page never waits for ``fill_delay``: Voilà puts the refill in the pool at once, still waiting for its
      delay, and the next page took it and waited out the delay too (8 s of a burst's first seconds with no
      kernel starting); a page that finds only refills still waiting for their delay starts a kernel of its
      own, as a page does with no pool (a page, not the pool: the cap's reserve is for it)."""
    take = getattr(manager, "get_rendered_notebook", None)
    fill = getattr(manager, "fill_if_needed", None)
    if take is None or fill is None or not isinstance(manager, BoundedKernelManager):
        return
    begins: weakref.WeakKeyDictionary[asyncio.Future, float] = weakref.WeakKeyDictionary()  # refill: its start

    def fill_if_needed(delay: float | None = None, notebook_name: str | None = None, **kwargs) -> None:
        before = set(manager._pools.get(notebook_name, []))
        fill(delay=delay, notebook_name=notebook_name, **kwargs)
        starts = time.monotonic() + (manager.fill_delay if delay is None else delay)
        for task in manager._pools.get(notebook_name, []):
            if task not in before:
                begins[task] = starts

    async def get_rendered_notebook(*args, **kwargs):
        render_task, rendered_cache, kernel_id = await take(*args, **kwargs)
        if _browser_page.get():
            manager._awaiting_browser.add(kernel_id)
        return render_task, rendered_cache, kernel_id

    size = manager.get_pool_size

    def get_pool_size(notebook_name: str) -> int:
        """What Voilà's page handler asks before it takes the pool's next kernel (0: the page starts its own)."""
        pool = manager._pools.get(notebook_name, [])
        failed = [t for t in pool if t.done() and (t.cancelled() or t.exception() is not None)]
        for task in failed:
            pool.remove(task)
        if pool and not pool[0].done() and begins.get(pool[0], 0.0) > time.monotonic():  # waits for fill_delay
            return 0
        return size(notebook_name)

    manager.fill_if_needed = fill_if_needed
    manager.get_rendered_notebook = get_rendered_notebook
    manager.get_pool_size = get_pool_size


main = DashboardServer.launch_instance

if __name__ == "__main__":
    # run the classes of the module voila.json names, not those of this __main__ copy of it (two ServerBusy
    # classes would not recognise each other's exceptions)
    from planner.apps.serving import main as serve

    serve()
