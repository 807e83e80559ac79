"""The dashboard server's limits (planner.apps.serving, voila.json, the kp-offline template).

- A cap on the kernels alive at once, sized to memory by default; beyond it a page is answered 503 with a
  Retry-After header and a self-contained "busy" page; a reclaimed kernel frees its place.
- Kernels of pages that never connected are culled within about a minute (voila.json).
- No page the server sends asks another server for anything: the landing page `/`, folder listings, error
  pages, the busy page and the dashboards' HTML.
- Path-traversal attempts on template static files answer 404, and no static route answers 500.

Servers are started as `make dashboard` starts them (`python -P -m planner.apps.serving` from the repository
root, reading voila.json), on a free port, with a small cap given on the command line.
"""

from __future__ import annotations

import asyncio
import http.client
import importlib
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest
from traitlets.config import Config
from voila_server import free_port, server_command

ROOT = Path(__file__).resolve().parents[1]


def _import_serving():
    """planner.apps.serving imports Voilà, and `python -m pytest` puts the working directory, the repository root,
    first on sys.path, where the repository's voila.py (Voilà's config file) would be found as the voila package.
    The servers below run with `python -P` for the same reason."""
    saved = list(sys.path)
    sys.path[:] = [p for p in sys.path if Path(p or os.getcwd()).resolve() != ROOT]
    try:
        return importlib.import_module("planner.apps.serving")
    finally:
        sys.path[:] = saved


serving = _import_serving()
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
LOCAL = re.compile(r"^(data:|blob:|about:|(https?|wss?)://(127\.0\.0\.1|localhost)(:\d+)?/)")
PAGE = "/voila/render/plan.ipynb"


# --- starting a server --------------------------------------------------------------------------------------


class Server:
    """A dashboard server started like `make dashboard`, with extra traitlets options."""

    def __init__(self, name: str, *options: str, pictures: Path | None = None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        ARTIFACTS.mkdir(exist_ok=True)
        self.log = ARTIFACTS / f"voila-{name}.log"
        with self.log.open("w") as handle:
            # timeline pictures only when given a folder for them: nothing else here looks at the timeline
            options = (*options, f"--DashboardServer.draw_timeline_pictures={pictures is not None}")
            env = dict(os.environ, KP_MAP_TILES="offline", **({"KP_VIEW_CACHE": str(pictures)} if pictures else {}))
            self.process = subprocess.Popen(server_command(self.port, *options), cwd=ROOT, env=env, stdout=handle,
                                            stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(self.base + "/", timeout=5):
                    return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("the server did not start:\n" + self.log.read_text()[-3000:]) from None
                time.sleep(0.3)

    def get(self, path: str, timeout: float = 300) -> tuple[int, dict[str, str], str]:
        """Status, headers and body of a GET, the path sent as it is (no `..` folded away)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read().decode("utf-8", "replace")
        finally:
            connection.close()

    def kernels(self) -> int:
        """Kernel processes the server runs now."""
        import psutil

        alive = 0
        for child in psutil.Process(self.process.pid).children():
            try:
                alive += "ipykernel" in " ".join(child.cmdline())
            except psutil.Error:  # it has just ended (a zombie until the server reaps it): not a live kernel
                pass
        return alive

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture(scope="module")
def one_kernel_server():
    """At most one kernel, never culled during the tests."""
    server = Server("one-kernel", "--BoundedKernelManager.max_kernels=1",
                    "--MappingKernelManager.cull_idle_timeout=3600")
    yield server
    server.stop()


# --- what a page may load ----------------------------------------------------------------------------------


class _Assets(HTMLParser):
    """Every URL an HTML page makes the browser fetch by itself: scripts, style sheets, images, frames, fonts
    and CSS url(...) / @import, including those of iframe srcdoc documents. Plain links (<a href>) are not."""

    FETCHED = {"script": "src", "img": "src", "iframe": "src", "source": "src", "video": "src", "audio": "src",
               "embed": "src", "input": "src", "link": "href", "object": "data"}
    CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if self.FETCHED.get(tag) in attributes and attributes[self.FETCHED[tag]]:
            self.urls.append(attributes[self.FETCHED[tag]])
        if attributes.get("srcset"):
            self.urls += [item.split()[0] for item in attributes["srcset"].split(",") if item.strip()]
        if attributes.get("style"):
            self._css(attributes["style"])
        if attributes.get("srcdoc"):
            self.urls += asset_urls(attributes["srcdoc"])
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self._css(data)

    def _css(self, text: str) -> None:
        self.urls += [a or b for a, b in self.CSS_URL.findall(text)]


def asset_urls(html: str) -> list[str]:
    parser = _Assets()
    parser.feed(html)
    parser.close()
    return parser.urls


def other_servers(html: str) -> list[str]:
    """Asset URLs that point at another server (absolute or protocol-relative)."""
    return [u for u in asset_urls(html) if re.match(r"^\s*((https?|wss?|ftp):)?//", u, re.I)]


def test_the_asset_check_sees_what_a_cdn_link_looks_like():
    page = ('<link rel="stylesheet" href="https://cdn.jsdelivr.net/x.css"><script src="//cdn.example/y.js">'
            '</script><style>@import "https://fonts.example/z.css"; b { background: url(/local.png) }</style>'
            '<iframe srcdoc="&lt;script src=&quot;https://unpkg.example/l.js&quot;&gt;&lt;/script&gt;"></iframe>'
            '<a href="https://voila.readthedocs.io/">docs</a><img src="data:image/png;base64,AAAA">')
    assert sorted(other_servers(page)) == ["//cdn.example/y.js", "https://cdn.jsdelivr.net/x.css",
                                           "https://fonts.example/z.css", "https://unpkg.example/l.js"]


@pytest.mark.parametrize("path, status, templated", [
    ("/", 200, True),  # the landing page: Voilà's page.html linked Font Awesome from cdn.jsdelivr.net
    ("/voila/tree", 200, True),
    ("/voila/tree/", 200, True),
    ("/?template=lab", 200, True),  # no switching to Voilà's own templates (allow_template_override NO)
    ("/voila/render/no-such-notebook.ipynb", 404, True),  # Voilà's error pages extend page.html too
    ("/voila/tree/no-such-folder", 404, True),
    ("/no-such-page", 404, False),  # tornado's own plain error page
])
def test_no_page_the_server_sends_loads_anything_from_another_server(one_kernel_server, path, status,
                                                                     templated):
    code, headers, body = one_kernel_server.get(path)
    assert code == status
    assert headers.get("Content-Type", "").startswith("text/html")
    if templated:  # the page loads its style sheets from the server itself: the check sees them
        assert any("/voila/templates/kp-offline/static/" in u for u in asset_urls(body)), asset_urls(body)
    assert other_servers(body) == []


# --- the cap and the busy page -----------------------------------------------------------------------------


def test_beyond_the_cap_a_page_is_answered_busy(one_kernel_server):
    first, _, page = one_kernel_server.get(PAGE)
    assert first == 200
    assert other_servers(page) == []  # the dashboard's own HTML (its widgets come over the kernel's socket)
    assert one_kernel_server.kernels() == 1  # a plain GET leaves its kernel until it is culled
    code, headers, body = one_kernel_server.get("/voila/render/itinerary.ipynb")
    assert code == 503
    assert int(headers["Retry-After"]) == 15  # voila.json BoundedKernelManager.retry_after_s
    assert headers["Cache-Control"] == "no-store"
    assert 'class="kp-busy"' in body and "try again" in body.lower() and 'lang="fr"' in body
    assert '<meta http-equiv="refresh" content="15">' in body  # the page retries by itself
    assert asset_urls(body) == []  # self-contained: nothing to fetch from the busy server, nor from another
    assert one_kernel_server.kernels() == 1  # the refused page started nothing


def test_kernels_talk_to_the_server_over_unix_sockets(one_kernel_server):
    """voila.json's KernelManager.transport "ipc": over TCP each kernel listened on five ports of 127.0.0.1 that
    any local user could reach, and with 22 kernels starting at once one failed ("Address already in use") and
    its page with it. What stays is ipykernel's own pipe for the output of processes the kernel forks
    (ipykernel.iostream), one port."""
    import psutil

    one_kernel_server.get(PAGE)  # a kernel, or the busy page when the cap's one kernel is already there
    checked = 0
    for child in psutil.Process(one_kernel_server.process.pid).children():
        try:
            arguments = child.cmdline()
            if "ipykernel_launcher" not in " ".join(arguments):
                continue
            listening = [c.laddr for c in child.net_connections(kind="tcp") if c.status == psutil.CONN_LISTEN]
            connection = json.loads(Path(arguments[arguments.index("-f") + 1]).read_text(encoding="utf-8"))
        except (psutil.Error, FileNotFoundError):  # a kernel that has just ended (the culler)
            continue
        assert connection["transport"] == "ipc", connection
        assert len(listening) <= 1, listening  # over TCP: the five channels' ports and the pipe
        checked += 1
    assert checked


def test_a_reclaimed_kernel_frees_its_place():
    server = Server("reclaim", "--BoundedKernelManager.max_kernels=1", "--MappingKernelManager.cull_idle_timeout=5",
                    "--MappingKernelManager.cull_interval=1")
    try:
        assert server.get(PAGE)[0] == 200
        statuses = [server.get(PAGE)[0]]  # right away: the first page's kernel is still there
        deadline = time.monotonic() + 180  # a guard against hanging, not a speed requirement
        while statuses[-1] != 200 and time.monotonic() < deadline:
            time.sleep(1)
            statuses.append(server.get(PAGE)[0])
        assert statuses[0] == 503
        assert statuses[-1] == 200, statuses
        assert "Culling 'idle' kernel" in server.log.read_text()
    finally:
        server.stop()


def test_kernels_of_pages_that_never_connect_are_culled_within_a_minute():
    config = json.loads((ROOT / "voila.json").read_text(encoding="utf-8"))
    culling = config["MappingKernelManager"]
    assert culling["cull_idle_timeout"] + culling["cull_interval"] <= 60
    assert culling["cull_connected"] is False  # an open tab keeps its kernel: its filters keep working
    assert config["VoilaConfiguration"]["multi_kernel_manager_class"] == "planner.apps.serving.BoundedKernelManager"


def test_the_default_cap_is_sized_to_memory(monkeypatch):
    monkeypatch.setattr(serving, "memory_bytes", lambda: 24 * 2**30)
    assert serving.BoundedKernelManager().max_kernels == 38  # half of 24 GiB at 320 MB: above 20 viewers
    monkeypatch.setattr(serving, "memory_bytes", lambda: 2 * 2**30)
    assert serving.BoundedKernelManager().max_kernels == 3
    small = Config({"BoundedKernelManager": {"kernel_memory_mb": 512, "memory_share": 0.25}})
    assert serving.BoundedKernelManager(config=small).max_kernels == 1
    assert serving.BoundedKernelManager(config=Config({"BoundedKernelManager": {"max_kernels": 7}})).max_kernels == 7


def test_memory_is_what_the_machine_has_at_most():
    assert 0 < serving.memory_bytes() <= os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def test_simultaneous_requests_never_start_more_kernels_than_the_cap(monkeypatch):
    """Requests that arrive together are counted before any of their kernels exists."""
    started: list[str] = []

    async def slow_start(self, *, kernel_id=None, path=None, **kwargs):
        await asyncio.sleep(0.05)  # a kernel takes a while to start; other requests arrive meanwhile
        self._kernels[kernel_id] = object()
        started.append(kernel_id)
        return kernel_id

    monkeypatch.setattr(serving.AsyncMappingKernelManager, "start_kernel", slow_start)
    manager = serving.BoundedKernelManager(config=Config({"BoundedKernelManager": {"max_kernels": 2}}))

    async def five_at_once():
        return await asyncio.gather(*(manager.start_kernel(path="") for _ in range(5)), return_exceptions=True)

    results = asyncio.run(five_at_once())
    refused = [r for r in results if isinstance(r, serving.ServerBusy)]
    assert len(started) == 2 and len(refused) == 3
    assert all(r.status_code == 503 and r.retry_after_s == 15 for r in refused)
    manager._kernels.clear()  # both kernels gone (culled): places free again
    assert asyncio.run(manager.start_kernel(path="")) in started


def test_pre_heated_kernels_leave_the_last_places_to_pages(monkeypatch):
    """Voilà's pool of pre-heated kernels (preheat_kernel) fills only below the cap less a reserve; a page that
    finds the cap reached takes the place of a pre-heated kernel no page uses yet; a failed pool start is
    forgotten so that the next page starts a kernel of its own."""
    shut: list[str] = []

    async def start(self, *, kernel_id=None, path=None, **kwargs):
        self._kernels[kernel_id] = object()
        return kernel_id

    async def shutdown(self, kernel_id, *args, **kwargs):
        shut.append(kernel_id)
        self._kernels.pop(kernel_id, None)

    monkeypatch.setattr(serving.AsyncMappingKernelManager, "start_kernel", start)
    monkeypatch.setattr(serving.AsyncMappingKernelManager, "shutdown_kernel", shutdown)
    assert serving.BoundedKernelManager(config=Config({"BoundedKernelManager": {"max_kernels": 1}})).pages_reserve == 1
    manager = serving.BoundedKernelManager(config=Config({"BoundedKernelManager": {"max_kernels": 4}}))
    assert manager.pages_reserve == 1
    preheat = {"env": {"VOILA_PREHEAT": "True"}}

    async def scenario():
        loop = asyncio.get_running_loop()
        pooled = [await manager.start_kernel(path="", **preheat) for _ in range(3)]  # 3 of 4: one reserved
        try:
            await manager.start_kernel(path="", **preheat)
            raise AssertionError("the pool took the last place")
        except serving.ServerBusy:
            pass
        done = []
        for kernel_id in pooled:
            task = loop.create_future()
            task.set_result({"kernel_id": kernel_id})
            done.append(task)
        failed = loop.create_future()
        failed.set_exception(serving.ServerBusy(4, 15))
        manager._pools = {"plan.ipynb": [done[0], failed], "itinerary.ipynb": done[1:]}
        first = await manager.start_kernel(path="")  # the reserved place
        second = await manager.start_kernel(path="")  # the cap is reached: a pre-heated kernel makes room
        return first, second

    first, second = asyncio.run(scenario())
    assert len(shut) == 1 and shut[0] not in (first, second) and len(manager._kernels) == 4
    assert shut[0] not in [t.result()["kernel_id"] for pool in manager._pools.values() for t in pool
                           if t.done() and t.exception() is None]
    assert len(manager._pools["plan.ipynb"]) == 1  # the victim went from its pool; the failed start is left
    manager.get_pool_size = lambda name: len(manager._pools.get(name, []))
    manager.get_rendered_notebook = lambda **kw: None
    manager.fill_if_needed = lambda **kwargs: None
    serving._adapt_preheated_pool(manager)
    assert manager.get_pool_size("plan.ipynb") == 0  # the failed start is dropped: the page starts its own
    assert manager.get_pool_size("itinerary.ipynb") == 2


def test_a_page_never_waits_for_the_pools_refill_delay(monkeypatch, tmp_path):
    """Voilà refills its pool ``fill_delay`` after a page takes a kernel, and puts the waiting refill in the pool
    at once: the next page would take it and wait out the delay. That page starts a kernel of its own instead
    (Voilà's handler asks get_pool_size first); a kernel the pool is starting (past its delay, or filling the
    pool as the server starts) is still taken, and the refill keeps its delay."""
    from traitlets import Integer, Unicode
    from traitlets.config import Configurable
    from voila.voila_kernel_manager import voila_kernel_manager_factory

    class App(Configurable):  # what Voilà's kernel manager reads of its application
        root_dir, notebook_path = Unicode(str(tmp_path)), None
        base_url = server_url = Unicode("/")
        port = Integer(8866)

    started: list[str] = []
    go_on = None

    async def initialize(self, notebook_name, kernel_id=None, **kwargs):  # stands for a kernel start + execution
        started.append(f"k{len(started) + 1}")
        kernel_id = started[-1]
        await go_on.wait()
        rendered = asyncio.get_running_loop().create_future()
        rendered.set_result(([], None))
        return {"task": rendered, "renderer": SimpleNamespace(stop_generator=False, rendered_cache=[]),
                "kernel_id": kernel_id}

    pooled = voila_kernel_manager_factory(serving.BoundedKernelManager, True, 1)
    monkeypatch.setattr(pooled, "_initialize", initialize)
    manager = pooled(parent=App(), config=Config({"VoilaKernelManager": {"fill_delay": 0.5},
                                                  "BoundedKernelManager": {"max_kernels": 8}}))
    serving._adapt_preheated_pool(manager)

    async def pages():
        nonlocal go_on
        go_on = asyncio.Event()
        manager.fill_if_needed(delay=0, notebook_name="plan.ipynb")  # as the server starts
        await asyncio.sleep(0.05)
        assert started == ["k1"] and manager.get_pool_size("plan.ipynb") == 1  # starting: a page waits for it
        go_on.set()
        first = await manager.get_rendered_notebook(notebook_name="plan.ipynb", extra_kernel_env_variables={})
        waiting = list(manager._pools["plan.ipynb"])
        assert len(waiting) == 1 and started == ["k1"]  # the refill is there, waiting for its delay
        assert manager.get_pool_size("plan.ipynb") == 0, "the next page would wait out fill_delay"
        await asyncio.sleep(0.7)  # the delay is over: the refill starts, and a page takes it again
        assert started == ["k1", "k2"] and manager.get_pool_size("plan.ipynb") == 1
        second = await manager.get_rendered_notebook(notebook_name="plan.ipynb", extra_kernel_env_variables={})
        await manager._pools["plan.ipynb"][0]  # the last refill, left to finish
        return first[2], second[2]

    assert asyncio.run(pages()) == ("k1", "k2")


def test_a_browsers_page_gets_longer_to_connect_than_a_crawlers(monkeypatch):
    """A page a browser asked for may take a while to start its scripts on a busy machine: its kernel waits
    browser_connect_grace_s for the page to connect; any other page's kernel is culled after cull_idle_timeout."""
    from datetime import UTC, datetime, timedelta

    culled: list[str] = []

    async def jupyter_server_culling(self, kernel_id):  # stands for jupyter_server's: culls an idle kernel
        culled.append(kernel_id)

    monkeypatch.setattr(serving.AsyncMappingKernelManager, "cull_kernel_if_idle", jupyter_server_culling)
    manager = serving.BoundedKernelManager(config=Config({"BoundedKernelManager": {"browser_connect_grace_s": 180}}))

    def kernel(kernel_id: str, idle_s: float, browser: bool, connections: int = 0) -> None:
        manager._kernels[kernel_id] = SimpleNamespace(last_activity=datetime.now(UTC) - timedelta(seconds=idle_s))
        manager._kernel_connections[kernel_id] = connections
        if browser:
            manager._awaiting_browser.add(kernel_id)

    kernel("curl", 100, browser=False)
    kernel("browser-loading", 100, browser=True)
    kernel("browser-gone", 200, browser=True)  # asked for by a browser that never connected: past the grace
    kernel("browser-connected", 100, browser=True, connections=1)

    async def cull_all():
        for kernel_id in list(manager._kernels):
            await manager.cull_kernel_if_idle(kernel_id)

    asyncio.run(cull_all())
    assert culled == ["curl", "browser-gone", "browser-connected"]  # the last one: jupyter_server's rules now
    assert manager._awaiting_browser == {"browser-loading", "browser-gone"}
    del manager._kernels["browser-gone"]
    asyncio.run(cull_all())
    assert manager._awaiting_browser == {"browser-loading"}  # forgotten once its kernel is gone
    culled.clear()
    asyncio.run(manager.cull_kernel_if_idle("shut-down-meanwhile"))  # its tab closed while the culler went round
    assert culled == []


@pytest.mark.parametrize("headers, browser", [({"Sec-Fetch-Dest": "document"}, True), ({}, False),
                                               ({"Sec-Fetch-Dest": "iframe"}, False)])
def test_only_a_browser_navigating_to_a_page_gets_the_grace(monkeypatch, headers, browser):
    async def start(self, *, kernel_id=None, path=None, **kwargs):
        self._kernels[kernel_id] = object()
        return kernel_id

    monkeypatch.setattr(serving.AsyncMappingKernelManager, "start_kernel", start)
    manager = serving.BoundedKernelManager(config=Config({"BoundedKernelManager": {"max_kernels": 5}}))

    async def page_request():  # what BusyAwareVoilaHandler.get does before Voilà starts the page's kernel
        serving._browser_page.set(headers.get("Sec-Fetch-Dest") == "document")
        return await manager.start_kernel(path="")

    kernel_id = asyncio.run(page_request())
    assert (kernel_id in manager._awaiting_browser) is browser

    async def refill_started_by_a_page():  # Voilà's pool refill runs in the context of the page that took one
        serving._browser_page.set(headers.get("Sec-Fetch-Dest") == "document")
        return await manager.start_kernel(path="", env={"VOILA_PREHEAT": "True"})

    pooled = asyncio.run(refill_started_by_a_page())
    assert pooled not in manager._awaiting_browser  # the grace comes when a browser's page takes it


def test_pages_that_start_their_own_kernel_are_served_in_turn():
    """PageStarts: at most ``limit`` pages that start a kernel are served at once, the rest in the order they
    came; a page that takes a pre-heated kernel never waits; limit 0 lets every page through at once."""

    async def pages(limit: int) -> tuple[int, list[str]]:
        starts, busy, most, order = serving.PageStarts(limit), 0, 0, []

        async def page(name: str, own_kernel: bool) -> None:
            nonlocal busy, most
            async with starts.slot(own_kernel):
                busy += own_kernel
                most = max(most, busy)
                order.append(name)
                await asyncio.sleep(0.05)
                busy -= own_kernel

        crowd = [asyncio.create_task(page(f"p{i}", True)) for i in range(6)]
        await asyncio.sleep(0.01)  # the crowd is in: two served, four waiting
        await page("pre-heated", False)
        await asyncio.gather(*crowd)
        return most, order

    def run(coroutine):  # in a thread of its own: a browser test of this module may hold this thread's loop
        with ThreadPoolExecutor(1) as thread:
            return thread.submit(asyncio.run, coroutine).result()

    most, order = run(pages(2))
    assert most == 2
    assert order.index("pre-heated") == 2  # it came after the first two and passed the four waiting
    assert [p for p in order if p != "pre-heated"] == [f"p{i}" for i in range(6)]  # first come, first served
    assert run(pages(0))[0] == 6
    # near the cap a page does not queue: the places left are taken by the pages already queued, so it goes
    # straight on and gets the busy page at once
    starts = serving.PageStarts(2)
    starts.queued = 3
    assert starts.waits(True, places_left=4) and not starts.waits(True, places_left=3)
    assert not starts.waits(False, places_left=4) and not serving.PageStarts(0).waits(True, places_left=4)


# --- path traversal on static files ------------------------------------------------------------------------

TRAVERSALS = [
    "../../../../etc/passwd",
    "..%2f..%2f..%2f..%2fetc%2fpasswd",
    "%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "..%5c..%5c..%5cconf.json",
    "/etc/passwd",
    "a%00b",
    "",
]


@pytest.mark.parametrize("path", [
    *(f"/voila/templates/lab/static/{t}" for t in TRAVERSALS),
    *(f"/voila/templates/kp-offline/static/{t}" for t in TRAVERSALS),
    "/voila/templates/kp-offline/static/../conf.json",
    "/voila/templates/../../../../etc/passwd",
    "/voila/templates/..%2f..%2fetc%2fpasswd",
    "/voila/templates/lab/static",
    "/voila/templates/lab/not-static/voila-style.js",
    "/voila/templates/x",
    "/voila/templates/no-such-template/static/no-such-file.js",
    "/voila/templates/lab/static/no-such-file.js",
])
def test_traversal_on_template_static_files_is_404(one_kernel_server, path):
    assert one_kernel_server.get(path)[0] == 404


def test_template_static_files_are_still_served(one_kernel_server):
    code, _, body = one_kernel_server.get("/voila/templates/kp-offline/static/voila-style.js")
    assert code == 200 and body


@pytest.mark.parametrize("route", ["/voila/static/", "/voila/files/", "/voila/labextensions/",
                                   "/voila/api/themes/"])
@pytest.mark.parametrize("attempt", TRAVERSALS)
def test_no_static_route_answers_500(one_kernel_server, route, attempt):
    code = one_kernel_server.get(route + attempt)[0]
    assert code in (403, 404), code  # refused, and never an error of the server


# --- in a real browser -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make system-deps)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.mark.browser
def test_the_landing_page_makes_no_request_to_another_server(one_kernel_server, chromium):
    page = chromium.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    try:
        page.goto(one_kernel_server.base + "/", timeout=90_000)
        page.get_by_text("plan.ipynb").first.wait_for(timeout=90_000)  # the listing drawn by treepage.js
        page.wait_for_load_state("networkidle", timeout=90_000)
        page.screenshot(path=str(ARTIFACTS / "landing-page.png"), full_page=True)
    finally:
        page.close()
    assert requests, "no request recorded at all"
    assert [u for u in requests if not LOCAL.match(u)] == []


@pytest.mark.browser
def test_the_picture_drawing_process_is_reaped_when_it_ends(tmp_path):
    """The server starts planner.apps.prerender and does not wait for it; once it has ended it must not stay a
    zombie child of the server for as long as the server runs."""
    import psutil

    server = Server("prerender", pictures=tmp_path)
    try:
        drawer = None
        for child in psutil.Process(server.process.pid).children():
            try:
                if "planner.apps.prerender" in " ".join(child.cmdline()):
                    drawer = child
            except psutil.ZombieProcess:  # the server's only child that can have ended by now: the drawer
                drawer = child
            except psutil.NoSuchProcess:
                pass
        deadline = time.monotonic() + 180  # guards against hanging (kaleido starts a browser), not a speed limit
        while drawer is not None:  # None: it has ended and was reaped already
            try:
                status = drawer.status()
            except psutil.NoSuchProcess:
                break  # ended and reaped
            assert time.monotonic() < deadline, f"planner.apps.prerender (pid {drawer.pid}) is still {status}"
            time.sleep(0.3)
        assert "timeline pictures" in server.log.read_text(), server.log.read_text()[-2000:]  # it did run
    finally:
        server.stop()


@pytest.mark.browser
def test_closing_a_tab_shuts_its_kernel_down_at_once(chromium):
    """Voilà's page asks the server to shut its kernel down when its tab closes; that request needs the _xsrf
    cookie, which Voilà's own page handler never sets (voila-dashboards/voila#1458: refused with 403)."""
    # not the culler's doing; no pre-heated kernels, so that the page's kernel is the only one to count
    server = Server("tab-close", "--MappingKernelManager.cull_idle_timeout=3600",
                    "--VoilaConfiguration.preheat_kernel=False")
    context = chromium.new_context()  # a page of its own context would take the context down as it closes
    try:
        page = context.new_page()
        page.goto(server.base + PAGE, timeout=180_000)
        page.wait_for_selector("#loading", state="detached", timeout=180_000)
        page.wait_for_selector(".jupyter-widgets", timeout=120_000)
        assert server.kernels() == 1
        page.close(run_before_unload=True)
        deadline = time.monotonic() + 60  # a guard against hanging, not a speed requirement
        while server.kernels() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert server.kernels() == 0
        log = server.log.read_text()
        assert "Kernel shutdown" in log and "403 POST /voila/api/shutdown" not in log
    finally:
        context.close()
        server.stop()

