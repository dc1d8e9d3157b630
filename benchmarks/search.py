"""Search benchmark: Essaim's search against Pagefind, on the same built site, in the same run.

    python -m benchmarks.search --sizes 1000,10000

For N synthetic actors (summary + ~150-word body), Essaim builds the site (pages and search),
Pagefind indexes the same actor pages, and headless Chromium (Debian's) measures on loopback:

- bytes downloaded before the first results are on screen, gzipped as a static host serves
  them (files already compressed, like Pagefind's fragments, count as they are);
- time from navigation start to the first results on screen (cold cache, one page per query,
  each query loaded three times: medians over all loads, and the slowest);
- the median time of a query once its shard is loaded (typing the next letter), and the median
  cold query (first query of a fresh page, shards and libraries still to fetch);
- the time to build the index (Essaim: in-process, reading included; Pagefind: its CLI).

Targets (search issue, N = 10,000): ≤ 1 MB before the first results (≤ 150 KB at N = 1,000),
≤ 500 ms to the first results, median query ≤ 30 ms, index build ≤ 15 s. Results are written
to bench-results/search.json.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse

from benchmarks.synthetic import actor_records, write_territory

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"
TARGETS = {"kb_1000": 150, "kb_10000": 1000, "first_results_ms": 500, "median_query_ms": 30, "build_s": 15}
FEATURES = "features:\n  pages: true\n  search: true\n  agenda: false\n  map: false\n  opendata: false\n"
PAGEFIND_PAGE = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Pagefind</title></head>
<body><ol id="r"></ol><script type="module">
const q = new URLSearchParams(location.search).get("q");
const pagefind = await import("/pagefind/pagefind.js");
const search = await pagefind.search(q);
const shown = await Promise.all(search.results.slice(0, 20).map(r => r.data()));
document.getElementById("r").innerHTML = shown.map(d => "<li>" + d.meta.title + "</li>").join("");
window.firstResultsAt = performance.now();
window.timeQuery = async (q) => { const t = performance.now(); const s = await pagefind.search(q);
  await Promise.all(s.results.slice(0, 20).map(r => r.data())); return performance.now() - t; };
</script></body></html>"""


class Quiet(http.server.SimpleHTTPRequestHandler):
    """Static files with keep-alive and TCP_NODELAY (as every static host: nginx's default), no log.

    Without TCP_NODELAY, http.server's separate writes of headers and body meet Nagle's
    algorithm and the client's delayed ACK: up to 40 ms more per small file, which no real host
    adds (it was most of the wait for result cards, and of Pagefind's fragments).
    """

    protocol_version = "HTTP/1.1"

    def setup(self) -> None:  # noqa: D102
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args) -> None:  # noqa: D102
        pass


def queries(records: list, count: int = 12) -> list[str]:
    """Words a visitor would type, drawn from the synthetic text: frequent and rare words, a
    prefix and a typo (deterministic for a given seed)."""
    counted = Counter(
        w.lower() for _, fields, body in records for w in re.findall(r"[a-zA-Zéèêàâîôûç]{6,}", body)
    )
    ranked = [w for w, _ in counted.most_common()]
    step = max(1, len(ranked) // count)
    chosen = ranked[::step][: count - 2]
    return [*chosen, ranked[3][:5], ranked[5][:3] + ranked[5][4:]]


def gzipped_size(path: Path) -> int:
    """Bytes a static host sends: the gzip of the file, or the file when already compressed."""
    data = path.read_bytes()
    return len(data) if data[:2] == b"\x1f\x8b" else len(gzip.compress(data, 6))


ROUNDS = 3  # each query is loaded this many times: this machine's timings vary by ±50 ms


def measure_pages(browser, base: str, output: Path, url_of, ready: str, words: list[str]) -> dict:
    """Cold loads (one fresh context per query, every query ROUNDS times, in turn): bytes and
    time to the first results, medians over all loads."""
    loads = []
    for word in words * ROUNDS:
        context = browser.new_context()
        page = context.new_page()
        paths: list[str] = []
        page.on("requestfinished", lambda r, paths=paths: paths.append(urlparse(r.url).path))
        page.goto(base + url_of(word))
        page.wait_for_function(ready, timeout=30_000)
        at = page.evaluate("window.firstResultsAt || window.essaimSearch.firstResultsAt")
        files = [output / (p.lstrip("/") + ("index.html" if p.endswith("/") else "")) for p in paths]
        loads.append({"ms": at, "bytes": sum(gzipped_size(f) for f in files if f.is_file())})
        context.close()
    return {
        "first_results_ms": round(statistics.median(x["ms"] for x in loads)),
        "first_results_ms_max": round(max(x["ms"] for x in loads)),
        "kb_before_results": round(statistics.median(x["bytes"] for x in loads) / 1000, 1),
        "kb_before_results_max": round(max(x["bytes"] for x in loads) / 1000, 1),
    }


def essaim_query_times(browser, base: str, words: list[str]) -> dict:
    """Query times in one page: cold (first time a word's shard is needed) and warm."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "/recherche/")
    timing = """async q => { const t = performance.now(); await essaimSearch.run(q);
                             return performance.now() - t; }"""
    cold = [page.evaluate(timing, w) for w in words]
    warm = [page.evaluate(timing, w) for w in words]
    context.close()
    return {
        "median_query_ms": round(statistics.median(warm), 1),
        "median_cold_query_ms": round(statistics.median(cold)),
    }


def pagefind_query_times(browser, base: str, words: list[str]) -> dict:
    """The same for Pagefind (search + the data of the first 20 results)."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "/pagefind-bench.html?q=" + words[0])
    page.wait_for_function("window.firstResultsAt !== undefined", timeout=30_000)
    cold = [page.evaluate("q => timeQuery(q)", w) for w in words[1:]]
    warm = [page.evaluate("q => timeQuery(q)", w) for w in words[1:]]
    context.close()
    return {
        "median_query_ms": round(statistics.median(warm), 1),
        "median_cold_query_ms": round(statistics.median(cold)),
    }


def essaim_index_seconds(root: Path) -> tuple[float, int]:
    """Reading the records and building the search index, in this process (median of 3)."""
    sys.path.insert(0, str(REPO / "plugins"))
    from essaim.records.read import read_directory
    from essaim.records.territory import load_territory
    from essaim.search.documents import documents
    from essaim.search.index import build
    from essaim.urls import Urls

    runs = []
    for _ in range(3):
        started = time.perf_counter()
        territory = load_territory(root)
        directory, _ = read_directory(root, territory, git_dates=False)
        found, labels = documents(
            directory.records,
            Urls("", territory.urls).record_path,
            directory.themes,
            datetime.now(UTC),
            timedelta(days=365),
        )
        build(found, labels)
        runs.append(time.perf_counter() - started)
    return round(statistics.median(runs), 2), len(found)


def search_figures(output: Path, words: list[str], pagefind: bool = False) -> dict:
    """Essaim's (and optionally Pagefind's) search figures on a built site, served on loopback."""
    from playwright.sync_api import sync_playwright

    result: dict = {}
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(output))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            result["essaim"] = measure_pages(
                browser,
                base,
                output,
                lambda w: f"/recherche/?q={w}",
                "document.querySelectorAll('#search-results li').length > 0",
                words,
            )
            result["essaim"].update(essaim_query_times(browser, base, words))
            if pagefind:
                result["pagefind"] = measure_pages(
                    browser,
                    base,
                    output,
                    lambda w: f"/pagefind-bench.html?q={w}",
                    "window.firstResultsAt !== undefined",
                    words,
                )
                result["pagefind"].update(pagefind_query_times(browser, base, words))
            browser.close()
    finally:
        server.shutdown()
    return result


def run_size(count: int, work: Path) -> dict:
    """Every measurement for one size."""
    print(f"\n== N = {count}", flush=True)
    records = actor_records(count)
    root = work / "essaim"
    write_territory(root, records, REPO)
    with (root / "territory.yml").open("a", encoding="utf-8") as handle:
        handle.write(FEATURES)
    output = root / "output"
    subprocess.run(
        [str(BIN / "pelican"), "-s", "pelicanconf.py", "-q", "-o", str(output)], cwd=root, check=True
    )
    result: dict = {"n": count}
    result["essaim_index_s"], _ = essaim_index_seconds(root)
    started = time.perf_counter()
    subprocess.run(
        [
            str(BIN / "python"),
            "-m",
            "pagefind",
            "--site",
            str(output),
            "--glob",
            "acteurs/*/index.html",
            "--quiet",
        ],
        check=True,
    )
    result["pagefind_index_s"] = round(time.perf_counter() - started, 2)
    (output / "pagefind-bench.html").write_text(PAGEFIND_PAGE, encoding="utf-8")
    words = queries(records)
    result["queries"] = words
    result.update(search_figures(output, words, pagefind=True))
    print(json.dumps(result, ensure_ascii=False), flush=True)
    return result


def main() -> None:
    """Run every size, print the table and the targets, write bench-results/search.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    args = parser.parse_args()
    results = []
    for count in (int(n) for n in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(prefix=f"essaim-search-{count}-") as work:
            results.append(run_size(count, Path(work)))
    print("\n     N  engine    KB before  ms to first  median query ms  cold query ms  index build s")
    for r in results:
        for engine in ("essaim", "pagefind"):
            e = r[engine]
            print(
                f"{r['n']:>6}  {engine:<9} {e['kb_before_results']:>9} {e['first_results_ms']:>12} "
                f"{e['median_query_ms']:>16} {e['median_cold_query_ms']:>14} {r[engine + '_index_s']:>14}"
            )
    met = {}
    for r in results:
        e = r["essaim"]
        if r["n"] in (1000, 10000):
            met[f"kb_{r['n']}"] = e["kb_before_results_max"] <= TARGETS[f"kb_{r['n']}"]
        if r["n"] == 10000:
            met["first_results_ms"] = e["first_results_ms"] <= TARGETS["first_results_ms"]
            met["median_query_ms"] = e["median_query_ms"] <= TARGETS["median_query_ms"]
            met["build_s"] = r["essaim_index_s"] <= TARGETS["build_s"]
    print(f"targets: {TARGETS} met: {met}")
    out = REPO / "bench-results"
    out.mkdir(exist_ok=True)
    (out / "search.json").write_text(
        json.dumps({"results": results, "targets": TARGETS, "met": met}, indent=2)
    )


if __name__ == "__main__":
    main()
