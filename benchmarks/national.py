"""National-scale benchmark: how an aggregate's cost grows with its records, 1,000 to 250,000.

    python -m benchmarks.national [--sizes 1000,10000,50000,250000] [--peers 50]

For each size, an aggregate of `--peers` neighbouring directories (the snapshots `essaim
federation pull` writes, `benchmarks.federation.write_aggregate`: N / peers synthetic actors
each) is built three ways, each measured as `benchmarks.build.measure` does (wall time, peak
proportional memory of the whole process tree):

- the full build, into a fresh folder;
- the no-change rebuild (same output and cache);
- the rebuild after one peer's snapshot changed (a pull that brought new summaries for 1 % of
  its records).

Then, on loopback, in Debian's Chromium (every request to another address is answered by the
benchmark itself, blank, and counted as refused): the search page's cold loads for one-word,
two-word and faceted queries (a territory, a theme) — gzipped bytes downloaded before the first
results and time to them, medians and worst — and the time of a query typed in a loaded page,
its data already fetched ("loaded") or not ("not loaded"); the map page's cold loads (bytes
before the first markers, tiles aside, and time to them), then the map moved with the keyboard
(zoomed into a city, panned across it, zoomed out): the longest task meanwhile and the frames'
intervals. The output's size is reported by part, raw and gzipped.

Targets (national-scale issue, N = 250,000, 2-core machine): full build ≤ 600 s, peak memory
≤ 4 GB, one-peer rebuild ≤ 20 % and no-change rebuild ≤ 25 % of the full build; search ≤ 1 MB
before the first results, ≤ 500 ms to them (median), keystroke ≤ 30 ms loaded and ≤ 150 ms not;
map ≤ 1 MB before the first markers, and no task over 50 ms while it moves. Results:
bench-results/national.json, and the cost curve docs/national-cost.svg drawn from it
(`python -m benchmarks.national --plot` redraws it alone).
"""

from __future__ import annotations

import argparse
import compileall
import functools
import hashlib
import http.server
import json
import re
import statistics
import tempfile
import threading
from pathlib import Path
from urllib.parse import quote, urlparse

from benchmarks.build import BIN, REPO, measure
from benchmarks.federation import write_aggregate
from benchmarks.search import CHROMIUM, Quiet, gzipped_size
from benchmarks.synthetic import actor_records

TARGETS = {
    "full_s": 600,
    "peak_mb": 4000,
    "one_peer_over_full": 0.20,
    "no_change_over_full": 0.25,
    "search_kb": 1000,
    "first_results_ms": 500,
    "keystroke_loaded_ms": 30,
    "keystroke_not_loaded_ms": 150,
    "map_kb": 1000,
    # « Smooth panning »: no long task (the Long Tasks API's threshold) while the map moves.
    "map_longest_task_ms": 50,
}
RESULTS = REPO / "bench-results" / "national.json"
PLOT = REPO / "docs" / "national-cost.svg"
ROUNDS = 3  # each cold load is repeated: this machine's timings vary by tens of milliseconds
PARTS = (  # output folders by part: the first prefix that matches names a file's part
    ("search", ("search/", "recherche/")),
    ("map", ("carte/",)),
    ("data", ("donnees/", "data/", "federation.json")),
    ("vendor", ("theme/", "vendor/")),
)


def query_words(records: list) -> list[str]:
    """Words a visitor would type, from the summaries (a peer's descriptions are not indexed):
    the most frequent word (its postings are the longest), less and less frequent ones, and a
    five-letter prefix."""
    counted: dict[str, int] = {}
    for _, fields, _ in records:
        for word in re.findall(r"[a-zéèêàâîôûç]{6,}", fields["summary"].lower()):
            counted[word] = counted.get(word, 0) + 1
    ranked = sorted(counted, key=lambda w: (-counted[w], w))
    return [ranked[0], ranked[5], ranked[20], ranked[60], ranked[150], ranked[3][:5]]


def change_one_peer(root: Path, share: float = 0.01) -> int:
    """Rewrite the first peer's snapshot as a new pull would: `share` of its records with a new
    summary, its provenance's checksum and date updated. Returns how many records changed."""
    folder = sorted((root / "federation").iterdir())[0]
    records = json.loads((folder / "actors.json").read_text("utf-8"))
    step = max(1, round(1 / share))
    for record in records[::step]:
        record["summary"] = f"{record['summary'][:200]} (mis à jour)"
    text = "[\n" + ",\n".join(json.dumps(r, ensure_ascii=False, sort_keys=True) for r in records) + "\n]\n"
    (folder / "actors.json").write_text(text, encoding="utf-8")
    provenance = json.loads((folder / "provenance.json").read_text("utf-8"))
    provenance["pulled_at"] = "2026-11-24T00:00:00+00:00"
    provenance["datasets"]["actors"]["sha256"] = hashlib.sha256(text.encode()).hexdigest()
    (folder / "provenance.json").write_text(json.dumps(provenance), encoding="utf-8")
    return len(records[::step])


def output_sizes(output: Path) -> dict[str, dict[str, float]]:
    """Megabytes of the output by part (pages: everything else), raw and gzipped as a host sends."""
    sizes = {name: {"files": 0, "mb": 0.0, "mb_gz": 0.0} for name in ("pages", *(p for p, _ in PARTS))}
    for path in output.rglob("*"):
        if not path.is_file():
            continue
        relative = path.relative_to(output).as_posix()
        part = next((name for name, prefixes in PARTS if relative.startswith(prefixes)), "pages")
        sizes[part]["files"] += 1
        sizes[part]["mb"] += path.stat().st_size / 1e6
        sizes[part]["mb_gz"] += gzipped_size(path) / 1e6
    return {name: {k: round(v, 2) for k, v in found.items()} for name, found in sizes.items()}


class QuietServer(http.server.ThreadingHTTPServer):
    """A loopback server that says nothing when a page closes before a file is sent."""

    def handle_error(self, request, client_address) -> None:  # noqa: D102
        pass


class Loopback:
    """The built site on a loopback server, and a Chromium that resolves no other host (map
    tiles, anything a page would fetch elsewhere fail at once, and are counted). Requests are
    not intercepted: Playwright's routing would add tens of milliseconds to each."""

    def __init__(self, output: Path) -> None:
        self.output = output
        self.server = QuietServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(output)))
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.refused = 0

    def __enter__(self) -> Loopback:
        from playwright.sync_api import sync_playwright

        self.playwright = sync_playwright().start()
        self.browser = self.playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"],
        )
        return self

    def __exit__(self, *_) -> None:
        self.browser.close()
        self.playwright.stop()
        self.server.shutdown()

    def new_page(self):
        """A fresh context (cold cache) and its page."""
        context = self.browser.new_context()
        page = context.new_page()
        page.on("requestfailed", self._refused)
        return page

    def _refused(self, request) -> None:
        if urlparse(request.url).hostname != "127.0.0.1":
            self.refused += 1

    def bytes_of(self, urls: list) -> int:
        """Gzipped bytes of the files of this site among `urls` (the others were refused)."""
        files = [
            self.output / (u.path.lstrip("/") + ("index.html" if u.path.endswith("/") else ""))
            for u in urls
            if u.hostname == "127.0.0.1"
        ]
        return sum(gzipped_size(f) for f in files if f.is_file())

    def cold_loads(self, paths: list[str], ready: str, at: str, shown: str = "1") -> dict:
        """Each path loaded ROUNDS times, each in a fresh context: bytes and time to `ready`
        (`at`, in ms since navigation), and how many loads showed nothing (`shown` false). The
        bytes are those of the page and of the files it asked for before that time (Resource
        Timing): what it fetches after (the filters' counts, the hours) does not count."""
        loads = []
        for path in paths * ROUNDS:
            page = self.new_page()
            page.goto(self.base + path)
            page.wait_for_function(ready, timeout=60_000)
            found = page.evaluate(
                f"""(() => {{ const at = {at};
                  return [at, !!({shown}), performance.getEntriesByType("resource")
                    .filter(e => e.startTime <= at).map(e => e.name)]; }})()"""
            )
            asked = [urlparse(self.base + path), *(urlparse(name) for name in found[2])]
            loads.append({"ms": found[0], "bytes": self.bytes_of(asked), "empty": not found[1]})
            page.context.close()
        return {
            "empty": sum(x["empty"] for x in loads),
            "ms": round(statistics.median(x["ms"] for x in loads)),
            "ms_max": round(max(x["ms"] for x in loads)),
            "kb": round(statistics.median(x["bytes"] for x in loads) / 1000, 1),
            "kb_max": round(max(x["bytes"] for x in loads) / 1000, 1),
        }

    def keystrokes(self, start: str, texts: list[str]) -> dict:
        """Queries typed as a visitor types them, in one page opened at `start` (its filters
        kept): each text a letter at a time from the third letter of its last word (before it, a
        word is searched as typed, not as a prefix), each keystroke's query run in full (results
        shown, filters counted). A keystroke that downloaded a file (a shard, result cards, a
        filter's values) is "not loaded", the others "loaded"; each kind's median and worst. Of
        the loaded ones, those that asked lunr (lunr.Index#query counted, once lunr has loaded)
        are reported apart too: the others were answered from what the page remembered."""
        page = self.new_page()
        page.goto(self.base + start)
        page.wait_for_function("window.essaimSearch !== undefined")
        page.evaluate("performance.setResourceTimingBufferSize(1000000)")  # 250 by default
        timing = (
            "async q => { const count = () => { if (window.lunr && !lunr.Index.prototype.query.counted) {"
            " const query = lunr.Index.prototype.query; window.__asked = 0;"
            " lunr.Index.prototype.query = function (fn) { window.__asked++; return query.call(this, fn); };"
            " lunr.Index.prototype.query.counted = true; } return window.__asked || 0; };"
            " const asked = performance.getEntriesByType('resource').length, before = count();"
            " const t = performance.now(); await essaimSearch.run(q); const ms = performance.now() - t;"
            " const fetched = performance.getEntriesByType('resource').length > asked;"
            " return [ms, fetched, window.__asked > before]; }"
        )
        timed: dict[bool, list[float]] = {True: [], False: []}
        asked_lunr = []
        for text in texts:
            last = text.rindex(" ") + 1 if " " in text else 0
            for end in range(last + 3, len(text) + 1):
                ms, fetched, lunr = page.evaluate(timing, text[:end])
                timed[fetched].append(ms)
                if not fetched and lunr:
                    asked_lunr.append(ms)
        page.context.close()
        warm, cold = timed[False], timed[True]
        return {
            "keystrokes": len(warm) + len(cold),
            "loaded_ms": round(statistics.median(warm), 1) if warm else None,
            "loaded_ms_max": round(max(warm), 1) if warm else None,
            "loaded_lunr_ms": round(statistics.median(asked_lunr), 1) if asked_lunr else None,
            "loaded_lunr_keystrokes": len(asked_lunr),
            "not_loaded_ms": round(statistics.median(cold), 1) if cold else None,
            "not_loaded_ms_max": round(max(cold), 1) if cold else None,
            "not_loaded_keystrokes": len(cold),
        }


# The map moved as a visitor moves it with the keyboard (Leaflet: + and − zoom, the arrows pan by
# 80 px): from France's view into a crowded city's, across it, and out again.
MOVES = ["+", "+", "+"] + ["ArrowRight"] * 4 + ["ArrowDown"] * 3 + ["+", "+"] + ["ArrowLeft"] * 6
MOVES += ["ArrowUp"] * 4 + ["-", "-", "-", "-"]
WATCH = """(() => { window.__tasks = []; window.__frames = [];
  new PerformanceObserver(list => { for (const e of list.getEntries()) __tasks.push(e.duration); })
    .observe({ type: "longtask" });
  const frame = t => { __frames.push(t); requestAnimationFrame(frame); };
  requestAnimationFrame(frame); })()"""


def panning(site: Loopback, path: str, ready: str) -> dict:
    """Whether the map moves smoothly: the map page opened at `path`, its first markers shown
    (`ready`), then moved by MOVES, a key every 250 ms (what a visitor holding a key does, about),
    and left a second to settle. Reported: the longest task the page ran meanwhile (Long Tasks
    API: any over 50 ms), how many there were, and the intervals between its frames (95th
    percentile and longest)."""
    page = site.new_page()
    page.goto(site.base + path)
    page.wait_for_function(ready, timeout=60_000)
    page.evaluate(WATCH)
    page.focus("#carte")
    for key in MOVES:
        page.keyboard.press(key)
        page.wait_for_timeout(250)
    page.wait_for_timeout(1000)
    tasks, frames = page.evaluate("[window.__tasks, window.__frames]")
    page.context.close()
    gaps = sorted(b - a for a, b in zip(frames, frames[1:], strict=False))
    return {
        "moves": len(MOVES),
        "long_tasks": len(tasks),
        "longest_task_ms": round(max(tasks, default=0)),
        "frame_p95_ms": round(gaps[int(len(gaps) * 0.95)] if gaps else 0, 1),
        "frame_max_ms": round(gaps[-1] if gaps else 0, 1),
    }


def search_and_map(output: Path, words: list[str], theme: str, territory: str) -> dict:
    """The search page's and the map's figures on the built site."""
    pairs = [f"{a} {b}" for a, b in zip(words, words[1:] + words[:1], strict=True)]
    kinds = {
        "one_word": ([f"?q={quote(w)}" for w in words], ""),
        "two_words": ([f"?q={quote(p)}" for p in pairs], ""),
        "territory": ([f"?q={quote(w)}&territory={territory}" for w in words], f"?territory={territory}"),
        "theme": ([f"?q={quote(w)}&theme={theme}" for w in words], f"?theme={theme}"),
    }
    # Ready once the first page of results is shown (or the page says there is none).
    ready = "document.documentElement.hasAttribute('data-search-shown')"
    result: dict = {"search": {}}
    with Loopback(output) as site:
        for kind, (paths, filters) in kinds.items():
            loads = site.cold_loads(
                [f"/recherche/{p}" for p in paths],
                ready,
                "window.essaimSearch.firstResultsAt || performance.now()",
                "window.essaimSearch.firstResultsAt",
            )
            typed = pairs if kind == "two_words" else words
            loads.update(site.keystrokes(f"/recherche/{filters}", typed))
            result["search"][kind] = loads
            print(f"  search {kind}: {loads}", flush=True)
        markers = "document.querySelector('#carte .leaflet-marker-icon') !== null"
        result["map"] = site.cold_loads(["/carte/?vue=carte"], markers, "performance.now()")
        result["map"]["panning"] = panning(site, "/carte/?vue=carte", markers)
        print(f"  map: {result['map']}", flush=True)
        result["refused_requests"] = site.refused
    return result


def run_size(count: int, peers: int, work: Path) -> dict:
    """Every measurement for one size."""
    per_peer = max(1, count // peers)
    print(f"\n== {peers} peers × {per_peer} records", flush=True)
    root = work / "aggregate"
    root.mkdir()
    write_aggregate(root, peers, per_peer)
    pelican = [str(BIN / "pelican"), "-s", "pelicanconf.py", "-q", "-o", "output"]
    result: dict = {"records": peers * per_peer, "peers": peers}
    result["full"] = measure(pelican, root)
    print(f"  full build: {result['full']}", flush=True)
    result["no_change"] = measure(pelican, root)
    print(f"  no-change rebuild: {result['no_change']}", flush=True)
    result["changed_records"] = change_one_peer(root)
    result["one_peer"] = measure(pelican, root)
    print(f"  one peer changed: {result['one_peer']}", flush=True)
    result["output"] = output_sizes(root / "output")
    print(f"  output: {result['output']}", flush=True)
    sample = actor_records(400, seed=2026)
    words = query_words(sample)
    theme = sample[0][1]["themes"][0]
    result["queries"] = words
    result.update(search_and_map(root / "output", words, theme, "annuaire-01"))
    return result


def verdicts(largest: dict) -> dict[str, bool]:
    """Each target against the largest size's figures."""
    full = largest["full"]["seconds"]
    searches = largest["search"].values()
    return {
        "full_s": full <= TARGETS["full_s"],
        "peak_mb": max(largest[k]["peak_mb"] for k in ("full", "no_change", "one_peer"))
        <= TARGETS["peak_mb"],
        "one_peer_over_full": largest["one_peer"]["seconds"] / full <= TARGETS["one_peer_over_full"],
        "no_change_over_full": largest["no_change"]["seconds"] / full <= TARGETS["no_change_over_full"],
        "search_kb": all(s["kb_max"] <= TARGETS["search_kb"] for s in searches),
        "first_results_ms": all(s["ms"] <= TARGETS["first_results_ms"] for s in searches),
        "keystroke_loaded_ms": all(
            s["loaded_ms"] is not None and s["loaded_ms"] <= TARGETS["keystroke_loaded_ms"] for s in searches
        ),
        "keystroke_not_loaded_ms": all(
            s["not_loaded_ms"] is not None and s["not_loaded_ms"] <= TARGETS["keystroke_not_loaded_ms"]
            for s in searches
        ),
        "map_kb": largest["map"]["kb_max"] <= TARGETS["map_kb"],
        "map_longest_task_ms": largest["map"]["panning"]["longest_task_ms"] <= TARGETS["map_longest_task_ms"],
    }


def curves(results: list[dict]) -> dict[str, list[float]]:
    """The five costs the plot draws, one value per size."""
    return {
        "full build (s)": [r["full"]["seconds"] for r in results],
        "peak memory (MB)": [r["full"]["peak_mb"] for r in results],
        "search: KB before results": [max(s["kb"] for s in r["search"].values()) for r in results],
        "search: ms to first results": [max(s["ms"] for s in r["search"].values()) for r in results],
        "map: KB before markers": [r["map"]["kb"] for r in results],
    }


def plot(results: list[dict]) -> str:
    """The cost curve as SVG: log-log, records across, one line per cost, a cost's target as a
    dashed line where the issue sets one."""
    import math

    width, height, left, right, top, bottom = 720, 420, 70, 230, 20, 50
    sizes = [r["records"] for r in results]
    lines = curves(results)
    targets = {
        "full build (s)": TARGETS["full_s"],
        "peak memory (MB)": TARGETS["peak_mb"],
        "search: KB before results": TARGETS["search_kb"],
        "search: ms to first results": TARGETS["first_results_ms"],
        "map: KB before markers": TARGETS["map_kb"],
    }
    values = [v for line in lines.values() for v in line if v > 0] + list(targets.values())
    low, high = math.floor(math.log10(min(values))), math.ceil(math.log10(max(values)))
    x_low, x_high = math.log10(min(sizes)), math.log10(max(sizes))

    def x(n: float) -> float:
        return left + (math.log10(n) - x_low) / ((x_high - x_low) or 1) * (width - left - right)

    def y(v: float) -> float:
        return top + (high - math.log10(max(v, 10**low))) / (high - low) * (height - top - bottom)

    colours = ("#0b5394", "#b45f06", "#38761d", "#990000", "#674ea7")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        'aria-labelledby="title"><title id="title">Cost of an aggregate by number of records '
        "(benchmarks/national.py)</title>",
        "<style>text{font:12px sans-serif;fill:#222}</style>",
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fff"/>',
    ]
    for power in range(low, high + 1):
        at = y(10**power)
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{at:.1f}" y2="{at:.1f}" stroke="#ddd"/>'
            f'<text x="{left - 6}" y="{at + 4:.1f}" text-anchor="end">{10**power:g}</text>'
        )
    for n in sizes:
        parts.append(
            f'<line x1="{x(n):.1f}" x2="{x(n):.1f}" y1="{top}" y2="{height - bottom}" stroke="#eee"/>'
            f'<text x="{x(n):.1f}" y="{height - bottom + 16}" text-anchor="middle">{n:,}</text>'
        )
    parts.append(
        f'<text x="{(left + width - right) / 2}" y="{height - 10}" text-anchor="middle">records</text>'
    )
    for number, (name, line) in enumerate(lines.items()):
        colour = colours[number % len(colours)]
        points = " ".join(f"{x(n):.1f},{y(v):.1f}" for n, v in zip(sizes, line, strict=True))
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>')
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(targets[name]):.1f}" y2="{y(targets[name]):.1f}" '
            f'stroke="{colour}" stroke-dasharray="4 4"/>'
        )
        legend_y = top + 18 * number + 10
        parts.append(
            f'<line x1="{width - right + 12}" x2="{width - right + 32}" y1="{legend_y}" y2="{legend_y}" '
            f'stroke="{colour}" stroke-width="2"/>'
            f'<text x="{width - right + 38}" y="{legend_y + 4}">{name}</text>'
        )
    parts.append(
        f'<text x="{width - right + 12}" y="{top + 18 * len(lines) + 14}">dashed: target</text></svg>\n'
    )
    return "\n".join(parts)


def main() -> None:
    """Measure every size, print the table and the verdicts, save the JSON and the plot."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000,250000")
    parser.add_argument("--peers", type=int, default=50)
    parser.add_argument("--plot", action="store_true", help="only redraw the plot from the saved JSON")
    args = parser.parse_args()
    if args.plot:
        PLOT.write_text(plot(json.loads(RESULTS.read_text("utf-8"))["results"]), encoding="utf-8")
        return
    compileall.compile_dir(REPO / "plugins", quiet=1)  # as an installed package is
    results = []
    for count in sorted(int(n) for n in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(prefix=f"essaim-national-{count}-") as work:
            results.append(run_size(count, args.peers, Path(work)))
    largest = results[-1]
    met = verdicts(largest)
    print("\n records  full s  peak MB  no-change s  one-peer s  search KB  first ms  map KB")
    for r in results:
        searches = r["search"].values()
        print(
            f"{r['records']:>8} {r['full']['seconds']:>7} {r['full']['peak_mb']:>8} "
            f"{r['no_change']['seconds']:>12} {r['one_peer']['seconds']:>11} "
            f"{max(s['kb_max'] for s in searches):>10} {max(s['ms'] for s in searches):>9} "
            f"{r['map']['kb_max']:>7}"
        )
    print(f"targets at {largest['records']} records: {TARGETS}\nmet: {met}")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(
        json.dumps({"results": results, "targets": TARGETS, "met": met}, indent=2), encoding="utf-8"
    )
    PLOT.write_text(plot(results), encoding="utf-8")


if __name__ == "__main__":
    main()
