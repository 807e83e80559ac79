"""Benchmark of the stakeholder dashboards: time to a fully rendered plan.ipynb, memory per viewer kernel, and
ten viewers at once. Writes the "## Dashboards" section of docs/benchmarks.md (other sections are kept).

    .venv/bin/python bench/bench_dashboards.py [--runs 5] [--viewers 10] [--no-write]

Voilà is started as `make dashboard` starts it (the repository's voila.json), on a free local port, with the
default plan (plans/kp-2018-h2); Debian's Chromium is driven by Playwright. "Fully rendered" means: Voilà's
spinner is gone, the map's engagement-site markers are drawn inside the map frame and the timeline's plotly
axis is drawn. Kernel memory is the resident set size (RSS) of each ipykernel process Voilà started.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
LOCAL = re.compile(r"^(data:|blob:|about:|(https?|wss?)://(127\.0\.0\.1|localhost)(:\d+)?/)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_voila(port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("voila")), "dashboards/", "--no-browser", "--Voila.ip=127.0.0.1",
         f"--port={port}", "--Voila.port_retries=0"], cwd=ROOT, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, env=dict(os.environ, KP_MAP_TILES="offline"))
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
                return process
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("Voilà did not start") from None
            time.sleep(0.3)


def kernel_rss_mb(voila_pid: int) -> list[float]:
    """RSS (MB) of each ipykernel process below the Voilà process (psutil, else /proc)."""
    try:
        import psutil

        children = psutil.Process(voila_pid).children(recursive=True)
        return [c.memory_info().rss / 2**20 for c in children if "ipykernel" in " ".join(c.cmdline())]
    except ImportError:
        sizes = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                text = status.read_text()
                cmdline = (status.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            ppid = int(re.search(r"PPid:\s+(\d+)", text).group(1))
            if "ipykernel" in cmdline and ppid == voila_pid:
                sizes.append(int(re.search(r"VmRSS:\s+(\d+)", text).group(1)) / 1024)
        return sizes


async def render(browser, url: str) -> tuple[float, list[str]]:
    """Seconds from navigation to a fully rendered plan.ipynb, and the non-local request URLs."""
    context = await browser.new_context(viewport={"width": 1280, "height": 1600})
    page = await context.new_page()
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not LOCAL.match(r.url) else None)
    started = time.monotonic()
    try:
        await page.goto(url, timeout=180_000)
        await page.wait_for_selector("#loading", state="detached", timeout=180_000)
        await page.frame_locator(".kp-map iframe").first.locator(".kp-site").first.wait_for(timeout=180_000)
        await page.wait_for_selector(".js-plotly-plot .ytick text", timeout=180_000)
    except Exception:
        (ROOT / "test-artifacts").mkdir(exist_ok=True)
        await page.screenshot(path=str(ROOT / "test-artifacts" / f"bench-failed-{id(page):x}.png"), full_page=True)
        raise
    finally:
        seconds = time.monotonic() - started
    await context.close()
    return seconds, outside


async def measure(base: str, runs: int, viewers: int, voila_pid: int) -> dict:
    from playwright.async_api import async_playwright

    url = f"{base}/voila/render/plan.ipynb"
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        first, outside = await render(browser, url)
        sequential = []
        for _ in range(runs):
            seconds, more = await render(browser, url)
            sequential.append(seconds)
            outside += more
        rss = kernel_rss_mb(voila_pid)
        started = time.monotonic()
        results = await asyncio.gather(*(render(browser, url) for _ in range(viewers)), return_exceptions=True)
        wall = time.monotonic() - started
        rss_after = kernel_rss_mb(voila_pid)
        await browser.close()
    ok = [r[0] for r in results if not isinstance(r, BaseException)]
    outside += [u for r in results if not isinstance(r, BaseException) for u in r[1]]
    return {"first": first, "sequential": sequential, "rss": rss, "viewers": viewers, "ok": len(ok),
            "concurrent": ok, "wall": wall, "rss_after": rss_after, "outside": sorted(set(outside)),
            "errors": [repr(r)[:200] for r in results if isinstance(r, BaseException)]}


def machine() -> str:
    cpu = "unknown CPU"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f", {kb / 2**20:.0f} GiB RAM"
    except (OSError, AttributeError):
        pass
    load = ", load average before the run {:.1f} / {:.1f} / {:.1f}".format(*os.getloadavg())
    return f"{os.cpu_count()} cores ({cpu}){memory}, {platform.system()} {platform.release()}{load}"


def chromium_version() -> str:
    try:
        return subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=20).stdout.strip()
    except OSError:
        return "chromium (version unknown)"


def section(result: dict, header: str) -> str:
    seq = result["sequential"]
    conc = result["concurrent"]
    rss = result["rss"]
    lines = [
        "## Dashboards",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `.venv/bin/python bench/bench_dashboards.py` "
        "(Voilà started as `make dashboard` does, with voila.json, on a free local port; the default plan "
        "plans/kp-2018-h2; Debian's Chromium through Playwright; each viewer in a fresh browser context).",
        "",
        f"- Machine: {header}",
        f"- Versions: Python {platform.python_version()}, voila {version('voila')}, "
        f"ipywidgets {version('ipywidgets')}, plotly {version('plotly')}, folium {version('folium')}, "
        f"{chromium_version()}",
        "- \"Rendered\": from navigation until Voilà's spinner is gone, the map frame shows the site markers "
        "and the timeline's axis is drawn (every viewer gets a new kernel: Voilà executes the notebook for "
        "each page).",
        "",
        "| measure | result | target |",
        "|---|---|---|",
        f"| plan.ipynb, first page after the server started | {result['first']:.2f} s | |",
        f"| plan.ipynb, {len(seq)} pages one after another | median {statistics.median(seq):.2f} s "
        f"(min {min(seq):.2f}, max {max(seq):.2f}) | under 5 s |",
        f"| memory per viewer kernel (RSS) | median {statistics.median(rss):.0f} MB "
        f"(min {min(rss):.0f}, max {max(rss):.0f}; {len(rss)} kernels) | |",
        f"| {result['viewers']} viewers at once: rendered | {result['ok']} of {result['viewers']} | all |",
        (f"| {result['viewers']} viewers at once: time to rendered | median {statistics.median(conc):.1f} s, "
         f"slowest {max(conc):.1f} s (all done after {result['wall']:.1f} s) | |") if conc else
        f"| {result['viewers']} viewers at once | none rendered | |",
        f"| kernels alive after the burst | {len(result['rss_after'])}, "
        f"{sum(result['rss_after']) / 1024:.1f} GB in all | |",
        f"| requests that left 127.0.0.1 | {len(result['outside'])} | 0 |",
        "",
        "Notes: most of a page's time is Voilà starting a kernel and executing the notebook (Python imports "
        "of pandas, folium and plotly, then building the widgets), then the browser loading Voilà's "
        "JupyterLab bundle and drawing the widgets, the map frame and the plot. On 2 cores, ten viewers at "
        "once queue for the CPU: each one still renders, later. Each viewer holds a kernel while the tab is "
        "open; a closed tab's kernel is culled after 5 idle minutes (voila.json). Size a server at about "
        "the kernel RSS above per simultaneous viewer, plus Voilà itself.",
    ]
    if result["errors"]:
        lines += ["", "Errors: " + "; ".join(result["errors"])]
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
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--viewers", type=int, default=10)
    parser.add_argument("--no-write", action="store_true", help="print, do not update docs/benchmarks.md")
    options = parser.parse_args()
    header = machine()
    port = free_port()
    process = start_voila(port)
    try:
        result = asyncio.run(measure(f"http://127.0.0.1:{port}", options.runs, options.viewers, process.pid))
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
    text = section(result, header)
    print(text)
    if not options.no_write:
        write_section(text)
        print(f"written to {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
