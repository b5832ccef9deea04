"""Benchmark the collaboration maps on SYNTHETIC graphs (not part of the test suite).

For 500, 2,000 and 10,000 invented organisations (``maps_synthetic.synthetic_graph``) it measures,
for secongraph's map and for pyvis's default page (``Network.from_nx`` + ``write_html`` with
in-browser physics, the baseline):

- generation time (secongraph: with its igraph layout), and the file size;
- time to first draw in headless Debian Chromium: the first vis-network ``afterDrawing`` event,
  in ms since navigation start, hooked the same way into both pages;
- panning: the longest and the median frame while the mouse drags the map.

Run: ``.venv/bin/python benchmarks/maps_benchmark.py [--sizes 500 2000 10000] [--out DIR]``.
Requests to other hosts (pyvis's Bootstrap CDN) are aborted and counted.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from pyvis.network import Network

sys.path.insert(0, str(Path(__file__).resolve().parent))
from maps_synthetic import synthetic_graph

from secongraph.maps import render_map

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
BASELINE_TIMEOUT_S = 120

# Wrap vis.Network as the page defines it, so both pages report their first draw the same way.
HOOK = """(() => {
  let visValue;
  Object.defineProperty(window, "vis", { configurable: true, get() { return visValue; }, set(value) {
    visValue = value;
    let Wrapped;
    Object.defineProperty(value, "Network", { configurable: true, enumerable: true,
      get() { return Wrapped; },
      set(Original) {
        Wrapped = function (...args) {
          const network = new Original(...args);
          const bench = window.__bench = { network, frames: [] };
          network.once("afterDrawing", () => { bench.firstDrawn = performance.now(); });
          network.on("beforeDrawing", () => { bench.start = performance.now(); });
          network.on("afterDrawing", () => { bench.frames.push(performance.now() - bench.start); });
          return network;
        };
        Wrapped.prototype = Original.prototype;
      } });
  } });
})();"""


def baseline(graph: Any, path: Path) -> Path:
    """pyvis's own page: from_nx (add_node per node), default options, physics in the browser."""
    net = Network(cdn_resources="in_line")
    net.from_nx(graph)
    net.write_html(str(path))
    return path


def in_browser(browser: Browser, path: Path, timeout_s: float) -> dict[str, Any]:
    """Open ``path``; return first-draw ms, frame times while dragging, and blocked requests."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.set_default_timeout(timeout_s * 1000)  # a page busy with physics blocks every call
    page.add_init_script(HOOK)
    blocked: list[str] = []

    def route(request_route: Any) -> None:
        if request_route.request.url.startswith("file:"):
            request_route.continue_()
        else:
            blocked.append(request_route.request.url)
            request_route.abort()

    page.route("**/*", route)
    try:
        page.goto(path.as_uri(), wait_until="commit")
        deadline = time.monotonic() + timeout_s
        while not page.evaluate("() => !!(window.__bench && window.__bench.firstDrawn)"):
            if time.monotonic() > deadline:
                return {"first_draw_ms": None, "blocked": blocked}
            page.wait_for_timeout(100)
        first = page.evaluate("() => window.__bench.firstDrawn")
        page.wait_for_timeout(500)
        page.evaluate("() => { window.__bench.frames = []; }")
        box = page.locator("canvas").first.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x, y)
        page.mouse.down()
        for step in range(30):
            page.mouse.move(x + 10 * step, y + 5 * step)
        page.mouse.up()
        page.wait_for_timeout(300)
        frames = page.evaluate("() => window.__bench.frames")
        return {
            "first_draw_ms": first,
            "frame_max_ms": max(frames, default=0.0),
            "frame_median_ms": statistics.median(frames) if frames else 0.0,
            "blocked": blocked,
        }
    except PlaywrightTimeout:
        return {"first_draw_ms": None, "blocked": blocked}
    finally:
        page.close()


def run(sizes: list[int], out: Path) -> list[dict[str, Any]]:
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for size in sizes:
            graph = synthetic_graph(size, events_per_node=0.3)
            started = time.perf_counter()
            ours = render_map(graph, out / f"secongraph-{size}.html", title=f"SYNTHETIC {size}")
            ours_s = time.perf_counter() - started
            draws = [in_browser(browser, ours, 60) for _ in range(3)]
            print(
                f"{size}: generated in {ours_s:.2f} s, first draws {[d['first_draw_ms'] for d in draws]}",
                flush=True,
            )
            started = time.perf_counter()
            base = baseline(graph, out / f"pyvis-{size}.html")
            base_s = time.perf_counter() - started
            base_draw = in_browser(browser, base, BASELINE_TIMEOUT_S)
            median = statistics.median(d["first_draw_ms"] for d in draws)
            html = ours.read_text(encoding="utf-8")
            start = html.index('id="map-data">') + len('id="map-data">')
            ties = json.loads(html[start : html.index("</script>", start)])["ties"]
            row = {
                "nodes": size,
                "ties": ties["total"],
                "drawn": ties["shown"],
                "gen_s": ours_s,
                "size_mb": ours.stat().st_size / 1e6,
                "first_draw_ms": median,
                "frame_max_ms": max(d["frame_max_ms"] for d in draws),
                "frame_median_ms": statistics.median(d["frame_median_ms"] for d in draws),
                "blocked": len(draws[0]["blocked"]),
                "base_gen_s": base_s,
                "base_size_mb": base.stat().st_size / 1e6,
                "base_first_draw_ms": base_draw["first_draw_ms"],
                "base_blocked": len(base_draw["blocked"]),
            }
            rows.append(row)
            print(row, flush=True)
        browser.close()
    return rows


def table(rows: list[dict[str, Any]]) -> str:
    """The Markdown table for benchmarks/README.md."""

    def ratio(a: float | None, b: float | None) -> str:
        if a is not None and b is None:  # the baseline did not draw before the timeout
            return f"< {a / (BASELINE_TIMEOUT_S * 1000):.3f}"
        return f"{a / b:.3f}" if a is not None and b else "n/a"

    def draw(ms: float | None) -> str:
        return f"{ms / 1000:.2f}" if ms is not None else f"> {BASELINE_TIMEOUT_S}"

    lines = [
        "| nodes | ties (all / drawn) | generate s (pyvis) | ratio | MB (pyvis) | ratio | first draw s (pyvis) | ratio | drag frame median / max ms | other-host requests (pyvis) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['nodes']:,} | {r['ties']:,} / {r['drawn']:,} | {r['gen_s']:.2f} ({r['base_gen_s']:.2f}) | "
            f"{ratio(r['gen_s'], r['base_gen_s'])} | {r['size_mb']:.2f} ({r['base_size_mb']:.2f}) | "
            f"{ratio(r['size_mb'], r['base_size_mb'])} | {draw(r['first_draw_ms'])} "
            f"({draw(r['base_first_draw_ms'])}) | {ratio(r['first_draw_ms'], r['base_first_draw_ms'])} | "
            f"{r['frame_median_ms']:.0f} / {r['frame_max_ms']:.0f} | {r['blocked']} ({r['base_blocked']}) |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 10000])
    parser.add_argument("--out", type=Path, default=Path(tempfile.mkdtemp(prefix="maps-bench-")))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    print(table(run(args.sizes, args.out)))


if __name__ == "__main__":
    main()
