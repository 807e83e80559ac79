"""Benchmark of the stakeholder dashboards under load: time to a fully rendered plan.ipynb, memory per viewer
kernel, 20 viewers at once (and the CPU each kind of process used meanwhile), 50 plain GETs in a row, the
server's side of 20 viewers at once (20 plain GETs at once), and what happens beyond the kernel cap. Writes the
"## Dashboards" section of docs/benchmarks.md (other sections are kept).

    .venv/bin/python bench/bench_dashboards.py [--runs 5] [--gap 15] [--viewers 20] [--bursts 3] [--gets 50]
                                               [--capped 10] [--pool N] [--no-pictures] [--no-write]

The server is started as `make dashboard` starts it (`python -P -m planner.apps.serving`, the repository's
voila.json: kernel cap, culling), on a free local port, with the default plan (plans/kp-2018-h2). Viewers are
real pages of Debian's Chromium driven by Playwright, each in a fresh browser context (nothing cached);
"rendered" means: Voilà's spinner is gone, the map's engagement-site markers are drawn inside the map frame and
the timeline is shown: as its picture (planner.views.timeline_images: the server draws the first timelines'
pictures as it starts, here into a folder of its own) or as plotly's drawn axis. On the pages one after another,
the pointer then enters the picture and the time until plotly's interactive figure replaces it is measured too
(``--no-pictures``: a server that draws none, as before). A viewer's tab is then closed as a person closes it
(beforeunload runs).
Plain GETs are what a crawler or `curl` does: the whole page read, no JavaScript, so the page's kernel never
hears from a browser. Throughout, a sampler records every second the kernels alive, the resident memory
(RSS) of the server process plus all its kernels, and the machine's one-minute load average (the machine may be
shared: the report says how busy it was).

Voilà pre-heats kernels (voila.json: ``preheat_kernel``, ``default_pool_size``); ``--pool N`` keeps N pre-heated
kernels of plan.ipynb instead (``VoilaKernelManager.kernel_pools_config``). The server first waits for its pool,
and pages one after another are ``--gap`` seconds apart, as single viewers are (the pool refills meanwhile).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the command line of `make dashboard`, shared with the tests
from voila_server import free_port, server_command  # noqa: E402

from planner.views.i18n import UI_LANGUAGES  # noqa: E402 - the server draws a picture per language

DOC = ROOT / "docs" / "benchmarks.md"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
LOCAL = re.compile(r"^(data:|blob:|about:|(https?|wss?)://(127\.0\.0\.1|localhost)(:\d+)?/)")
PAGE = "/voila/render/plan.ipynb"
EXECUTED_KERNEL_RSS_MB = 120  # a pre-heated kernel that has executed its notebook holds more (pool_ready)
RECLAIM_WAIT_S = 240  # how long to watch for kernels to go after the load stops
LOADS: list[float] = []  # the one-minute load average, every second of every phase
VIEW_TIMEOUT_MS = 420_000  # a viewer not live after 7 minutes has failed


def say(text: str) -> None:
    """Progress on stderr (the report goes to stdout)."""
    print(f"[{datetime.now():%H:%M:%S}] {text}", file=sys.stderr, flush=True)


class Server:
    """The dashboard server as `make dashboard` starts it, plus traitlets options."""

    def __init__(self, *options: str, pictures: bool = True):
        self.options = options
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        ARTIFACTS.mkdir(exist_ok=True)
        self.log = ARTIFACTS / f"bench-voila-{self.port}.log"
        self.pictures = ARTIFACTS / f"bench-pictures-{self.port}"  # empty: the server draws them as it starts
        options = (*options, *([] if pictures else ["--DashboardServer.draw_timeline_pictures=False"]))
        self.started = time.monotonic()
        with self.log.open("w") as handle:
            self.process = subprocess.Popen(
                server_command(self.port, *options), cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT,
                env=dict(os.environ, KP_MAP_TILES="offline", KP_VIEW_CACHE=str(self.pictures)))
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(self.base + "/", timeout=5):
                    return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise SystemExit("the dashboard server did not start") from None
                time.sleep(0.3)

    def kernel_processes(self) -> list[psutil.Process]:
        try:
            children = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []
        alive = []
        for child in children:
            try:
                if "ipykernel" in " ".join(child.cmdline()):
                    alive.append(child)
            except psutil.Error:  # it just ended
                pass
        return alive

    def kernel_rss_mb(self) -> list[float]:
        sizes = []
        for kernel in self.kernel_processes():
            try:
                sizes.append(kernel.memory_info().rss / 2**20)
            except psutil.Error:
                pass
        return sizes

    @property
    def pool_total(self) -> int:
        """Pre-heated kernels the server keeps when nobody is viewing (they stay: the bench waits for the
        kernels to come back down to this many, not to none)."""
        config = json.loads((ROOT / "voila.json").read_text(encoding="utf-8")).get("VoilaConfiguration", {})
        joined = " ".join(self.options)
        if "preheat_kernel=False" in joined or not config.get("preheat_kernel"):
            return 0
        per_notebook = config.get("default_pool_size", 1)
        pool = re.search(r'"plan.ipynb": \{"pool_size": (\d+)\}', joined)
        return (int(pool.group(1)) if pool else per_notebook) + per_notebook

    def pool_ready(self, timeout: float = 300) -> float:
        """Seconds until the pre-heated kernels are all there, have executed their notebook and are idle (each
        waits for a page's address). A kernel just started is idle too, before its notebook runs: an executed
        one holds the dashboard (about 165 MB resident, a fresh kernel about 60 MB)."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            kernels = self.kernel_processes()
            if len(kernels) >= self.pool_total:
                try:
                    busy = sum(k.cpu_percent(interval=None) for k in kernels)
                    time.sleep(1.0)
                    busy = sum(k.cpu_percent(interval=None) for k in kernels)
                    executed = all(k.memory_info().rss >= EXECUTED_KERNEL_RSS_MB * 2**20 for k in kernels)
                except psutil.Error:
                    continue
                if executed and busy < 5 * max(1, len(kernels)) / 4:
                    return time.monotonic() - started
            else:
                time.sleep(0.5)
        return time.monotonic() - started

    def pictures_drawn(self, wanted: int, timeout: float = 120) -> float | None:
        """Seconds from the server's start until ``wanted`` timeline pictures are there (None: not in time)."""
        while time.monotonic() - self.started < timeout:
            if len(list(self.pictures.glob("*.png"))) >= wanted:
                return time.monotonic() - self.started
            time.sleep(0.5)
        return None

    def sample(self) -> tuple[int, float]:
        """Kernels alive, and RSS (MB) of the server process plus its kernels."""
        kernels = self.kernel_rss_mb()
        try:
            own = psutil.Process(self.process.pid).memory_info().rss / 2**20
        except psutil.Error:
            own = 0.0
        return len(kernels), own + sum(kernels)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


class Sampler(threading.Thread):
    """Samples a server every second: (seconds since start, kernels alive, MB)."""

    def __init__(self, server: Server):
        super().__init__(daemon=True)
        self.server = server
        self.started = time.monotonic()
        self.samples: list[tuple[float, int, float]] = []
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            kernels, mb = self.server.sample()
            self.samples.append((time.monotonic() - self.started, kernels, mb))
            LOADS.append(os.getloadavg()[0])
            self._done.wait(1.0)

    def now(self) -> float:
        return time.monotonic() - self.started

    def stop(self) -> list[tuple[float, int, float]]:
        self._done.set()
        self.join()
        return self.samples

    def wait_for_kernels(self, at_most: int, timeout: float = RECLAIM_WAIT_S) -> float | None:
        """Seconds until at most ``at_most`` kernels are alive (None: not within ``timeout``)."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.server.sample()[0] <= at_most:
                return time.monotonic() - started
            time.sleep(0.5)
        return None


class CpuMeter(threading.Thread):
    """CPU seconds (user + system) of this benchmark's processes, by kind, from its start until ``stop``: the
    server process, its kernels, and Chromium's processes by their ``--type`` (renderer, gpu-process, utility;
    the browser process has none). Sampled every half second: a process that ends between two samples loses at
    most that half second's CPU; one born after the start counts from zero."""

    def __init__(self, server: Server):
        super().__init__(daemon=True)
        self.server = server
        self.first: dict[int, float] = {}
        self.last: dict[int, tuple[str, float]] = {}
        self._done = threading.Event()
        self._read(initial=True)

    def _kind(self, process: psutil.Process) -> str:
        if process.pid == self.server.process.pid:
            return "server"
        line = " ".join(process.cmdline())
        if "ipykernel" in line:
            return "kernels"
        if "chrom" in process.name():
            kind = re.search(r"--type=([\w-]+)", line)
            return f"chromium {kind.group(1) if kind else 'browser'}"
        return "other"

    def _read(self, initial: bool = False) -> None:
        for process in psutil.Process().children(recursive=True):
            try:
                with process.oneshot():
                    times = process.cpu_times()
                    used = times.user + times.system
                    kind = self.last[process.pid][0] if process.pid in self.last else self._kind(process)
            except psutil.Error:  # it just ended
                continue
            if initial:
                self.first[process.pid] = used
            self.last[process.pid] = (kind, used)

    def run(self) -> None:
        while not self._done.wait(0.5):
            self._read()

    def stop(self) -> dict[str, float]:
        self._done.set()
        self.join()
        self._read()
        used: dict[str, float] = {}
        for pid, (kind, total) in self.last.items():
            used[kind] = used.get(kind, 0.0) + total - self.first.get(pid, 0.0)
        return used


# --- viewers in a browser ----------------------------------------------------------------------------------


@dataclass
class View:
    outcome: str  # "rendered" (the page is live), "busy" (503) or "failed"
    seconds: float  # until live (or refused, or failed)
    map_drawn: bool = False  # the map frame showed its engagement-site markers too
    retry_after: str | None = None
    outside: list[str] = field(default_factory=list)
    error: str = ""
    timeline: str = ""  # how the timeline was first shown: "picture" or "figure" (plotly's)
    interactive_s: float | None = None  # from the pointer entering the picture to plotly's figure (if measured)


SHOWN = ("() => document.querySelector('.js-plotly-plot .ytick text') ? 'figure' : [...document.querySelectorAll("
         "'.kp-timeline img.plot-img')].some(i => i.complete && i.naturalWidth > 0 && i.offsetHeight > 0) "
         "? 'picture' : ''")


async def open_view(browser, url: str, hover: bool = False) -> tuple[View, object]:
    """A fresh viewer's page: how long until it is live (or refused), whether its map drew its markers, and the
    context to close later. Live: Voilà's spinner is gone and the timeline is shown (its picture, or plotly's
    axis), which the page does only once its kernel is connected (docs/dashboards.md, "For developers"). With
    ``hover``, the pointer then enters a picture, and the time until plotly's figure replaces it is kept."""
    context = await browser.new_context(viewport={"width": 1280, "height": 1600})
    page = await context.new_page()
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not LOCAL.match(r.url) else None)
    started = time.monotonic()
    try:
        response = await page.goto(url, timeout=VIEW_TIMEOUT_MS)
        if response is not None and response.status == 503:
            return View("busy", time.monotonic() - started, retry_after=response.headers.get("retry-after"),
                        outside=outside), context
        await page.wait_for_selector("#loading", state="detached", timeout=VIEW_TIMEOUT_MS)
        shown = await (await page.wait_for_function(SHOWN, timeout=VIEW_TIMEOUT_MS)).json_value()
        live = time.monotonic() - started
        view = View("rendered", live, outside=outside, timeline=shown)
        try:
            await page.frame_locator(".kp-map iframe").first.locator(".kp-site").first.wait_for(timeout=60_000)
            view.map_drawn = True
        except Exception:  # noqa: BLE001 - a map without markers is reported, with a screenshot
            await _screenshot(page, "bench-map-not-drawn")
        if hover and shown == "picture":
            picture = page.locator(".kp-timeline img.plot-img")
            await picture.scroll_into_view_if_needed()
            box = await picture.bounding_box()
            entered = time.monotonic()
            # in steps, as a hand moves it: a page does not always see a pointer that jumps in one event
            await page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=10)
            await page.wait_for_selector(".js-plotly-plot .ytick text", timeout=60_000)
            view.interactive_s = time.monotonic() - entered
        return view, context
    except Exception as error:  # noqa: BLE001 - a failed viewer is a result, reported with its error
        await _screenshot(page, "bench-failed")
        return View("failed", time.monotonic() - started, outside=outside, error=repr(error)[:200]), context


async def _screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        await page.screenshot(path=str(ARTIFACTS / f"{name}-{id(page):x}.png"), full_page=True)
    except Exception:  # noqa: BLE001 - the page may be gone
        pass


async def close_view(context) -> None:
    """Close the tab as a person does (beforeunload runs: Voilà's page asks the server to shut its kernel
    down), then the browser context."""
    for page in context.pages:
        await page.close(run_before_unload=True)
    await asyncio.sleep(1)
    await context.close()


async def one_by_one(browser, url: str, runs: int, gap: float) -> tuple[View, list[View], list[str]]:
    first, context = await open_view(browser, url)
    await close_view(context)
    views, outside = [], list(first.outside)
    for _ in range(runs):
        await asyncio.sleep(gap)
        LOADS.append(os.getloadavg()[0])
        view, context = await open_view(browser, url, hover=True)
        await close_view(context)
        views.append(view)
        outside += view.outside
    return first, views, outside


@dataclass
class Burst:
    views: list[View]
    wall: float  # until the last viewer rendered (or was refused, or failed)
    peak_kernels: int
    peak_mb: float
    reclaimed_s: float | None  # from closing the tabs until no kernel is left
    samples: list[tuple[float, int, float]]
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds by process kind, until the last was live


async def burst(browser, server: Server, viewers: int) -> Burst:
    sampler = Sampler(server)
    sampler.start()
    meter = CpuMeter(server)
    meter.start()
    started = time.monotonic()
    opened = await asyncio.gather(*(open_view(browser, server.base + PAGE) for _ in range(viewers)))
    wall = time.monotonic() - started
    cpu = meter.stop()
    await asyncio.sleep(2)
    closing = time.monotonic()
    await asyncio.gather(*(close_view(context) for _, context in opened))
    waited = await asyncio.to_thread(sampler.wait_for_kernels, server.pool_total)
    reclaimed = None if waited is None else time.monotonic() - closing
    samples = sampler.stop()
    return Burst([v for v, _ in opened], wall, max(k for _, k, _ in samples), max(m for _, _, m in samples),
                 reclaimed, samples, cpu)


async def browser_phase(server: Server, runs: int, viewers: int, bursts: int, gap: float) -> dict:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        say(f"{runs + 1} pages one after another")
        first, sequential, outside = await one_by_one(browser, server.base + PAGE, runs, gap)
        say(f"pages took {first.seconds:.1f} s, then {', '.join(f'{v.seconds:.1f}' for v in sequential)} s; "
            f"timelines shown as {', '.join(v.timeline for v in [first, *sequential])}")
        # a kernel's memory once its page is drawn and idle (one viewer on its own)
        view, context = await open_view(browser, server.base + PAGE)
        await asyncio.sleep(3)
        kernel_mb = server.kernel_rss_mb()  # the page's and the idle pre-heated ones: about the same
        await close_view(context)
        say(f"kernel memory {kernel_mb} MB; waiting for the kernels to go")
        gone = await asyncio.to_thread(Sampler(server).wait_for_kernels, server.pool_total)
        say(f"kernels gone after {gone} s")
        results = []
        for run in range(bursts):
            say(f"{viewers} viewers at once, run {run + 1} of {bursts}")
            await asyncio.to_thread(server.pool_ready)  # a full pool, as a crowd would find it
            results.append(await burst(browser, server, viewers))
            b = results[-1]
            say(f"  {[v.outcome for v in b.views].count('rendered')} rendered, last after {b.wall:.1f} s, "
                f"peak {b.peak_kernels} kernels / {b.peak_mb:.0f} MB, reclaimed after {b.reclaimed_s} s; "
                f"CPU s {cpu_shares(b.cpu)}")
            outside += [u for v in results[-1].views for u in v.outside]
        await browser.close()
    return {"first": first, "sequential": sequential, "kernel_mb": kernel_mb, "bursts": results,
            "outside": sorted(set(outside))}


async def capped_phase(viewers: int, cap: int) -> Burst:
    """``viewers`` at once against a server allowed ``cap`` kernels: the rest get the busy page."""
    from playwright.async_api import async_playwright

    server = Server(f"--BoundedKernelManager.max_kernels={cap}")
    await asyncio.to_thread(server.pool_ready)
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            result = await burst(browser, server, viewers)
            await browser.close()
        return result
    finally:
        server.stop()


# --- plain GETs --------------------------------------------------------------------------------------------


@dataclass
class Gets:
    statuses: list[int]
    seconds: list[float]
    wall: float
    peak_kernels: int
    peak_mb: float
    reclaimed_s: float | None  # from the last GET until no kernel is left
    samples: list[tuple[float, int, float]]


def plain_get(server: Server) -> tuple[int, float]:
    """One plain GET of the plan page, read to its end: (HTTP status, seconds)."""
    began = time.monotonic()
    try:
        with urllib.request.urlopen(server.base + PAGE, timeout=600) as response:
            response.read()
            return response.status, time.monotonic() - began
    except urllib.error.HTTPError as error:
        return error.code, time.monotonic() - began


def plain_gets(server: Server, count: int) -> Gets:
    sampler = Sampler(server)
    sampler.start()
    started = time.monotonic()
    answers = [plain_get(server) for _ in range(count)]
    statuses, seconds = [a[0] for a in answers], [a[1] for a in answers]
    wall = time.monotonic() - started
    reclaimed = sampler.wait_for_kernels(server.pool_total)
    samples = sampler.stop()
    return Gets(statuses, seconds, wall, max(k for _, k, _ in samples), max(m for _, _, m in samples), reclaimed,
                samples)


@dataclass
class GetsAtOnce:
    statuses: list[int]
    seconds: list[float]
    wall: float
    cpu: dict[str, float]


def gets_at_once(server: Server, count: int) -> GetsAtOnce:
    """``count`` plain GETs at once: the server's side of as many viewers arriving together (each page's kernel
    taken or started, and the notebook executed to its last cell, as for a browser), with no browser on the
    machine's cores."""
    from concurrent.futures import ThreadPoolExecutor

    meter = CpuMeter(server)
    meter.start()
    started = time.monotonic()
    with ThreadPoolExecutor(count) as pool:
        answers = list(pool.map(lambda _: plain_get(server), range(count)))
    wall = time.monotonic() - started
    return GetsAtOnce([a[0] for a in answers], [a[1] for a in answers], wall, meter.stop())


# --- the report --------------------------------------------------------------------------------------------


def machine() -> str:
    cpu = "unknown CPU"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = f", {psutil.virtual_memory().total / 2**30:.0f} GiB RAM"
    load = ", load average before the run {:.1f} / {:.1f} / {:.1f}".format(*os.getloadavg())
    return f"{os.cpu_count()} cores ({cpu}){memory}, {platform.system()} {platform.release()}{load}"


def chromium_version() -> str:
    try:
        return subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=20).stdout.strip()
    except OSError:
        return "chromium (version unknown)"


def default_cap() -> int:
    """The cap the server computes for this machine (voila.json's settings)."""
    code = ("from traitlets.config import Config; import json; from planner.apps.serving import "
            "BoundedKernelManager as B; c = json.load(open('voila.json'))['BoundedKernelManager']; "
            "print(B(config=Config({'BoundedKernelManager': c})).max_kernels)")
    done = subprocess.run([sys.executable, "-P", "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    return int(done.stdout.strip())


def timeline(samples: list[tuple[float, int, float]], every: float) -> str:
    """'t s: kernels / MB' every ``every`` seconds (and the last sample)."""
    picked, next_t = [], 0.0
    for t, kernels, mb in samples:
        if t >= next_t:
            picked.append((t, kernels, mb))
            next_t = t + every
    if samples and picked[-1] != samples[-1]:
        picked.append(samples[-1])
    return ", ".join(f"{t:.0f} s: {k} / {mb / 1024:.1f} GB" for t, k, mb in picked)


def seconds_range(values: list[float]) -> str:
    return f"median {statistics.median(values):.1f} s (min {min(values):.1f}, max {max(values):.1f})"


def median_of(values: list[float | None]) -> str:
    known = [v for v in values if v is not None]
    if not known:
        return f"not within {RECLAIM_WAIT_S} s"
    text = f"{statistics.median(known):.0f} s"
    return text if len(known) == len(values) else f"{text} ({len(values) - len(known)} not within {RECLAIM_WAIT_S} s)"


def cpu_shares(cpu: dict[str, float]) -> str:
    """CPU seconds by process kind, Chromium's summed first with its parts in brackets."""
    chromium = {k.removeprefix("chromium "): v for k, v in cpu.items() if k.startswith("chromium")}
    parts = [f"{k} {cpu[k]:.1f}" for k in ("server", "kernels", "other") if k in cpu]
    if chromium:
        inner = ", ".join(f"{k} {v:.1f}" for k, v in sorted(chromium.items(), key=lambda kv: -kv[1]))
        parts.append(f"Chromium {sum(chromium.values()):.1f} ({inner})")
    return "; ".join(parts) + f"; all {sum(cpu.values()):.1f}"


def shown_as(views: list[View]) -> str:
    live = [v.timeline for v in views if v.outcome == "rendered"]
    return ", ".join(f"{live.count(k)} {k}" for k in ("picture", "figure") if live.count(k)) or "-"


def section(result: dict, header: str, command: str) -> str:
    seq_views, kernel_mb, bursts = result["sequential"], result["kernel_mb"], result["bursts"]
    seq = [v.seconds for v in seq_views]
    hovered = [v.interactive_s for v in seq_views if v.interactive_s is not None]
    viewers = len(bursts[0].views)
    rendered = [[v.seconds for v in b.views if v.outcome == "rendered"] for b in bursts]
    middle = sorted(bursts, key=lambda b: b.wall)[len(bursts) // 2]
    gets: Gets = result["gets"]
    capped: Burst | None = result["capped"]
    config = json.loads((ROOT / "voila.json").read_text(encoding="utf-8"))
    limits, culling = config["BoundedKernelManager"], config["MappingKernelManager"]
    cull_after = f"{culling['cull_idle_timeout']} to {culling['cull_idle_timeout'] + culling['cull_interval']} s"
    lines = [
        "## Dashboards",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `{command}` (the server started as `make dashboard` "
        "starts it: `python -P -m planner.apps.serving`, voila.json; a free local port; the default plan "
        "plans/kp-2018-h2; Debian's Chromium through Playwright, each viewer in a fresh browser context, its tab "
        "closed as a person closes it). Memory is the resident set (RSS) of the server process plus all its "
        "kernels, sampled every second.",
        "",
        f"- Machine: {header}; one-minute load average during the run: median {statistics.median(LOADS):.1f}, "
        f"max {max(LOADS):.1f} (over {len(LOADS)} samples)" if LOADS else f"- Machine: {header}",
        f"- Pre-heated kernels: {result['pool']}; the server's pool was full {result['pool_ready']:.0f} s after it "
        "started, before the first page was asked for.",
        ("- Timeline pictures (planner.views.timeline_images): off (`--no-pictures`)" if result["pictures"] == "off"
         else "- Timeline pictures (planner.views.timeline_images): " + (
             f"both drawn {result['pictures']:.0f} s after the server started (planner.apps.prerender), before the "
             "first page was asked for" if result["pictures"] is not None else "not drawn within 120 s")),
        f"- Versions: Python {platform.python_version()}, voila {version('voila')}, jupyter_server "
        f"{version('jupyter_server')}, ipywidgets {version('ipywidgets')}, plotly {version('plotly')}, "
        f"folium {version('folium')}, {chromium_version()}",
        f"- Server limits (voila.json): at most {result['cap']} kernels on this machine "
        f"({limits['memory_share']:.0%} of its memory at {limits['kernel_memory_mb']} MB a kernel); a kernel idle "
        f"for {culling['cull_idle_timeout']} s without a connected page is culled (checked every "
        f"{culling['cull_interval']} s), except that a browser's page has {limits['browser_connect_grace_s']} s "
        "to connect. Server logs: test-artifacts/bench-voila-*.log.",
        "- \"Live\": Voilà's spinner is gone and the timeline is shown, as its picture or as plotly's drawn axis, "
        "which the page does only once its kernel (each page gets one of its own, which executes the notebook) is "
        "connected; \"map drawn\": the map frame also shows its engagement-site markers within a minute more.",
        "",
        "| measure | result | target |",
        "|---|---|---|",
        f"| plan.ipynb, first page after the server started | {result['first'].seconds:.1f} s | |",
        f"| plan.ipynb, {len(seq)} more pages one after another ({result['gap']:.0f} s apart) | {seconds_range(seq)} "
        "| under 2 s |",
        f"| those pages: timeline shown first as | {shown_as(seq_views)} | |",
        "| those pages: from the pointer entering the picture to plotly's interactive figure | "
        + (seconds_range(hovered) if hovered else "-") + " | |",
        f"| memory of a viewer's kernel, page drawn (RSS) | {statistics.median(kernel_mb):.0f} MB | |",
        f"| {viewers} viewers at once, runs: {len(bursts)}; live (map drawn) | "
        + ", ".join(f"{len(r)} of {viewers} ({sum(v.map_drawn for v in b.views)})" for r, b in zip(rendered, bursts,
                                                                                              strict=True))
        + " | all |",
        f"| {viewers} viewers at once: time to live, median of the runs' medians | "
        + (f"{statistics.median(statistics.median(r) for r in rendered if r):.1f} s (runs: "
           + ", ".join(f"{statistics.median(r):.1f}" for r in rendered if r) + " s) | |"
           if any(rendered) else "none rendered | |").replace("| |", "| under 10 s |"),
        f"| {viewers} viewers at once: timeline shown first as | "
        f"{shown_as([v for b in bursts for v in b.views])} | |",
        f"| {viewers} viewers at once: the last one live (or failed) after, median of the runs | "
        f"{statistics.median(b.wall for b in bursts):.1f} s | |",
        f"| {viewers} viewers at once, the run of median length: CPU seconds until the last one was live | "
        f"{cpu_shares(middle.cpu)} ({psutil.cpu_count()} cores: at most {psutil.cpu_count() * middle.wall:.0f} "
        f"CPU-s in its {middle.wall:.0f} s) | |",
        f"| {viewers} viewers at once: most kernels alive, most memory (median of the runs) | "
        f"{statistics.median(b.peak_kernels for b in bursts):.0f} kernels, "
        f"{statistics.median(b.peak_mb for b in bursts) / 1024:.1f} GB | |",
        f"| {viewers} viewers: tabs closed until only the pre-heated kernels are left (median of the runs) | "
        f"{median_of([b.reclaimed_s for b in bursts])} | about a minute |",
        f"| {len(gets.statuses)} plain GETs in a row (no browser): answered 200 | "
        f"{gets.statuses.count(200)} of {len(gets.statuses)}, each {seconds_range(gets.seconds)} | |",
        f"| {len(gets.statuses)} plain GETs: most kernels alive, most memory | {gets.peak_kernels} kernels, "
        f"{gets.peak_mb / 1024:.1f} GB (with the former 300 s culling all {len(gets.statuses)} would be alive at "
        f"the end: about {len(gets.statuses) * statistics.median(kernel_mb) / 1024:.0f} GB) | stays bounded |",
        f"| {len(gets.statuses)} plain GETs: from the last one until only the pre-heated kernels are left | "
        f"{median_of([gets.reclaimed_s])} | about a minute |",
    ]
    at_once: GetsAtOnce | None = result.get("at_once")
    if at_once is not None:
        lines += [
            f"| the server's side of {len(at_once.statuses)} viewers at once: {len(at_once.statuses)} plain GETs at "
            f"once (no browser), answered 200 | {at_once.statuses.count(200)} of {len(at_once.statuses)}, "
            f"{seconds_range(at_once.seconds)}; all after {at_once.wall:.1f} s | |",
            f"| those GETs: CPU seconds until the last was answered | {cpu_shares(at_once.cpu)} | |",
        ]
    if capped is not None:
        busy = [v for v in capped.views if v.outcome == "busy"]
        lines += [
            f"| {len(capped.views)} viewers at once, server capped at {result['capped_cap']} kernels | "
            f"{sum(v.outcome == 'rendered' for v in capped.views)} live, {len(busy)} got the busy page "
            f"(503, Retry-After {busy[0].retry_after if busy else '-'} s) in "
            + (f"median {statistics.median(v.seconds for v in busy):.2f} s" if busy else "-")
            + f"; at most {capped.peak_kernels} kernels | busy page beyond the cap |",
        ]
    lines += [
        f"| requests that left 127.0.0.1 | {len(result['outside'])} | 0 |",
        "",
        f"Kernels alive / memory over time, {viewers} viewers at once (the run of median length; the tabs "
        f"close after {middle.wall + 2:.0f} s): {timeline(middle.samples, max(10.0, middle.samples[-1][0] / 16))}.",
        "",
        f"Kernels alive / memory over time, {len(gets.statuses)} plain GETs in a row (the last one ends at "
        f"{gets.wall:.0f} s): {timeline(gets.samples, max(10.0, gets.samples[-1][0] / 16))}.",
        "",
        "Notes: with a pre-heated kernel, a page's time is the browser loading Voilà's JupyterLab bundle and "
        "drawing the widgets and the map frame, then, once the page has told its kernel it is live, the timeline "
        "(plotly); a page that finds the pool used up also waits for Voilà to start a kernel and execute the "
        "notebook (imports, then building the dashboard: docs/dashboards.md). On 2 cores, viewers at once queue "
        "for the CPU (and here the "
        "browsers share those cores): each page still becomes live, later. A closed tab's kernel goes at once (Voilà's "
        "page asks the server to shut it down as the tab closes, with the cookie DashboardServer sets); a page "
        f"that never connects (a plain GET, a crawler) keeps its kernel until the culler takes it, {cull_after} "
        "after the notebook ran, so a crawler holds about as many kernels as it fetches pages in a minute. Size "
        "a server at the kernel memory above per simultaneous viewer plus the server itself; the cap "
        "(docs/dashboards.md) keeps a crowd or a crawler from taking more than its share of the memory.",
    ]
    views = [v for b in bursts + ([capped] if capped else []) for v in b.views]
    undrawn = sum(v.outcome == "rendered" and not v.map_drawn for v in views)
    if undrawn:
        live = sum(v.outcome == "rendered" for v in views)
        lines += ["", f"Live pages whose map frame showed no engagement-site marker within a minute: {undrawn} of "
                  f"{live} (screenshots: test-artifacts/bench-map-not-drawn-*.png)."]
    errors = [v.error for v in views if v.outcome == "failed"]
    if errors:
        lines += ["", f"Failed viewers ({len(errors)}): " + "; ".join(sorted(set(errors)))]
    return "\n".join(lines) + "\n"


def write_section(text: str) -> None:
    current = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    pattern = re.compile(r"^## Dashboards\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(current):
        updated = pattern.sub(lambda _m: text + "\n", current, count=1)
    else:
        updated = current.rstrip("\n") + "\n\n" + text
    DOC.write_text(updated.rstrip("\n") + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="pages one after another")
    parser.add_argument("--viewers", type=int, default=20, help="viewers at once")
    parser.add_argument("--bursts", type=int, default=3, help="runs of the viewers at once")
    parser.add_argument("--gets", type=int, default=50, help="plain GETs in a row")
    parser.add_argument("--capped", type=int, default=10, help="cap of the beyond-the-cap run (0: skip it)")
    parser.add_argument("--gap", type=float, default=15, help="seconds between the pages one after another")
    parser.add_argument("--pool", type=int, default=0, help="pre-heated kernels of plan.ipynb (0: voila.json's)")
    parser.add_argument("--no-pictures", action="store_true", help="a server that draws no timeline pictures")
    parser.add_argument("--no-write", action="store_true", help="print, do not update docs/benchmarks.md")
    options = parser.parse_args()
    # the command as it is to be repeated: --no-write changes where the report goes, not the figures
    repeated = [a for a in sys.argv[1:] if a != "--no-write"]
    command = " ".join([".venv/bin/python", "bench/bench_dashboards.py", *repeated])
    header = machine()
    result = {"cap": default_cap(), "capped_cap": options.capped, "gap": options.gap}
    config = json.loads((ROOT / "voila.json").read_text(encoding="utf-8"))["VoilaConfiguration"]
    # "default" keeps the other dashboard's pool at voila.json's size (without it Voilà gives it 1)
    pool_options = ([f'--VoilaKernelManager.kernel_pools_config={{"default": {{"pool_size": '
                     f'{config.get("default_pool_size", 1)}}}, "plan.ipynb": {{"pool_size": {options.pool}}}}}']
                    if options.pool else [])
    if options.pool:
        result["pool"] = (f"{options.pool} of plan.ipynb (--pool), {config.get('default_pool_size', 1)} of "
                          "itinerary.ipynb")
    elif config.get("preheat_kernel"):
        result["pool"] = f"{config.get('default_pool_size', 1)} per dashboard (voila.json)"
    else:
        result["pool"] = "none (preheat_kernel off)"
    server = Server(*pool_options, pictures=not options.no_pictures)
    try:
        result["pool_ready"] = server.pool_ready()
        say(f"pool ready after {result['pool_ready']:.0f} s")
        result["pictures"] = "off" if options.no_pictures else server.pictures_drawn(len(UI_LANGUAGES))
        say(f"timeline pictures: {result['pictures']}")
        result.update(asyncio.run(browser_phase(server, options.runs, options.viewers, options.bursts,
                                                options.gap)))
        say(f"{options.gets} plain GETs in a row")
        result["gets"] = plain_gets(server, options.gets)
        say(f"  peak {result['gets'].peak_kernels} kernels, reclaimed {result['gets'].reclaimed_s} s after the last")
        if options.viewers:
            server.pool_ready()
            say(f"{options.viewers} plain GETs at once")
            result["at_once"] = gets_at_once(server, options.viewers)
            say(f"  median {statistics.median(result['at_once'].seconds):.1f} s, all after "
                f"{result['at_once'].wall:.1f} s; CPU s {cpu_shares(result['at_once'].cpu)}")
    finally:
        server.stop()
    if options.capped:
        say(f"{options.viewers} viewers at once against a cap of {options.capped}")
    result["capped"] = asyncio.run(capped_phase(options.viewers, options.capped)) if options.capped else None
    text = section(result, header, command)
    print(text)
    if not options.no_write:
        write_section(text)
        print(f"written to {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
