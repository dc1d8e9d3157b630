"""`make audit`: Lighthouse scores and page weights of the demo site, as a small HTML report.

    python -m audit.report [--output output] [--no-lighthouse]

A report, not a test: it writes output/audit/index.html and output/audit/audit.json with
- Lighthouse 12 (audit/package.json, Debian's chromium) on the home, an actor page, search with
  results, the map, the board of offers and needs and the printed directory: performance,
  accessibility, best practices and SEO (goal: 100 each). The map's tiles come from a local
  fixture on the audit's own server (the pages' tile address is rewritten as they are served),
  so that the map's figure includes them and nothing leaves the machine;
- every page type loaded cold in Chromium throttled to 2G (250 kbit/s each way, 300 ms round
  trip): its first contentful paint (goal: 3 s at most) and, for search, the time to its first
  results (goal: 5 s at most);
- each page type's weight as served gzipped: HTML, CSS, JS and the rest, on load (goal: the
  HTML of the home and of an actor page within 14 KB, one round trip), and the render-blocking
  resources from another origin (goal: none);
- the presence of a 404 page, of fallbacks without JavaScript, of print and reduced-motion styles.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import html
import http.server
import json
import os
import re
import struct
import subprocess
import threading
import zlib
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
LIGHTHOUSE = REPO / "audit/node_modules/lighthouse/cli/index.js"
ONE_ROUND_TRIP = 14 * 1024
PAGE_TYPES = {
    "accueil": "/",
    "acteur": "/acteurs/la-tricyclerie/",  # with opening hours: « Ouvert maintenant » loads
    "initiative": "/initiatives/plateforme-innovation-numerique-sociale/",
    "événement": "/agenda/rencontre-echange-competences/",
    "thème": "/themes/numerique/",
    "liste A–Z": "/acteurs/",
    "commune": "/communes/nantes/",
    "agenda": "/agenda/",
    "recherche (résultats)": "/recherche/?q=velo",
    "carte": "/carte/",
    "carte affichée": "/carte/?vue=carte",  # Leaflet and the tiles (the local fixture) loaded
    "données": "/donnees/",
    "page libre": "/a-propos/",
    "coups de main": "/coups-de-main/",
    "imprimer": "/imprimer/",
    "livret": "/imprimer/communes/nantes/",
    "affiche": "/imprimer/affiches/la-tricyclerie/",
    "404": "/404.html",
}
LIGHTHOUSE_PAGES = [
    "accueil",
    "acteur",
    "recherche (résultats)",
    "carte",
    "carte affichée",
    "coups de main",
    "imprimer",
]
# Chromium's throttling at 2G figures (the issue's: 250 kbit/s, 300 ms round trip)
SLOW_NETWORK = {
    "offline": False,
    "latency": 300,
    "downloadThroughput": 250_000 / 8,
    "uploadThroughput": 250_000 / 8,
}
FCP_GOAL_MS = 3000
FIRST_RESULTS_GOAL_MS = 5000
SEARCH_PAGE = "recherche (résultats)"
TILES = "/audit-tiles/{z}/{x}/{y}.png"
_DATA_TILES = re.compile(rb'data-tiles="[^"]*"')
CATEGORIES = {
    "performance": "Performance",
    "accessibility": "Accessibilité",
    "best-practices": "Bonnes pratiques",
    "seo": "Référencement",
}
ONE_ROUND_TRIP_PAGES = ("accueil", "acteur")


def tile_png() -> bytes:
    """One 256×256 map tile (light grey, a darker border), written as PNG by hand: the local
    tile fixture every tile address answers with."""
    size, light, dark = 256, b"\xe8\xe8\xe0", b"\xc8\xc8\xc0"
    rows = []
    for y in range(size):
        row = dark * size if y in (0, size - 1) else dark + light * (size - 2) + dark
        rows.append(b"\x00" + row)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


TILE = tile_png()


class Handler(http.server.SimpleHTTPRequestHandler):
    """Static files with keep-alive, silent; the map's tiles from the local fixture: every page's
    `data-tiles` address is rewritten to it as the page is served."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # noqa: D102
        pass

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        path = urlparse(self.path).path
        if path.startswith("/audit-tiles/"):
            return self._send(TILE, "image/png")
        local = Path(self.translate_path(path))
        if local.is_dir():
            local = local / "index.html"
        if not local.is_file():
            return super().do_GET()  # its 404
        body, content_type = local.read_bytes(), self.guess_type(str(local))
        if local.suffix == ".html":
            body = _DATA_TILES.sub(f'data-tiles="{TILES}"'.encode(), body)
            content_type = "text/html; charset=utf-8"
        return self._send(body, content_type)

    def _send(self, body: bytes, content_type: str) -> None:
        """One response, gzipped when the browser accepts it and the type is text, as static
        hosts (GitHub Pages, GitLab Pages) serve it."""
        textual = content_type.startswith("text/") or any(
            kind in content_type for kind in ("javascript", "json", "svg", "xml")
        )
        zipped = textual and "gzip" in self.headers.get("Accept-Encoding", "")
        if zipped:
            body = gzip.compress(body, 6)
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        if zipped:
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=3600")
        self.end_headers()
        self.wfile.write(body)


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve `directory` on 127.0.0.1; return the server and its base URL."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=str(directory))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def gzipped(path: Path) -> int:
    """Bytes of a file as a static host serves it (gzip, level 6)."""
    return len(gzip.compress(path.read_bytes(), 6))


def kind_of(path: str, content_type: str) -> str:
    """html, css, js or other, from the response's type."""
    for kind, marker in (("html", "text/html"), ("css", "text/css"), ("js", "javascript")):
        if marker in content_type:
            return kind
    return "other" if not path.endswith(".js") else "js"


@contextlib.contextmanager
def chromium():
    """Debian's chromium driven by Playwright, for a measurement run without a browser given."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


def page_weights(output: Path, base: str, browser=None) -> dict[str, dict]:
    """Each page type loaded in Chromium: gzipped bytes by kind, render-blocking third parties."""
    if browser is None:
        with chromium() as browser:
            return page_weights(output, base, browser)
    weights: dict[str, dict] = {}
    origin = urlparse(base).netloc
    for name, path in PAGE_TYPES.items():
        context = browser.new_context()
        # No network here: map tiles are answered empty (they are third-party images, not counted).
        context.route("https://**/*", lambda route: route.fulfill(status=204, body=b""))
        page = context.new_page()
        loaded: list[tuple[str, str]] = []
        page.on(
            "response",
            lambda r, loaded=loaded: loaded.append((r.url, r.headers.get("content-type", ""))),
        )
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        sizes = {"html": 0, "css": 0, "js": 0, "other": 0}
        third_party = []
        for url, content_type in loaded:
            parsed = urlparse(url)
            if parsed.netloc != origin:
                third_party.append(url)
                continue
            local = output / parsed.path.lstrip("/")
            if parsed.path.endswith("/"):
                local = local / "index.html"
            if local.is_file():
                sizes[kind_of(parsed.path, content_type)] += gzipped(local)
        blocking = page.evaluate(
            """() => [...document.querySelectorAll(
                     'head script[src]:not([async]):not([defer]):not([type=module]),'
                     + 'head link[rel=stylesheet]')]
                   .map(e => e.src || e.href).filter(u => new URL(u).origin !== location.origin)"""
        )
        weights[name] = {
            "path": path,
            "bytes": sizes,
            "total": sum(sizes.values()),
            "requests": len(loaded),
            "third_party": sorted(set(third_party)),
            "render_blocking_third_party": blocking,
        }
        context.close()
    return weights


def lighthouse(base: str, work: Path) -> dict[str, dict]:
    """Lighthouse scores (0–100) of a few pages; a clear message instead when it is missing."""
    if not LIGHTHOUSE.is_file():
        return {"error": "Lighthouse n'est pas installé : lancez « make audit » (npm ci dans audit/)."}
    scores: dict[str, dict] = {}
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    for name in LIGHTHOUSE_PAGES:
        report = work / f"lighthouse-{re.sub(r'[^a-z]+', '-', name)}.json"
        subprocess.run(
            [
                "node",
                str(LIGHTHOUSE),
                base + PAGE_TYPES[name],
                "--quiet",
                "--output=json",
                f"--output-path={report}",
                "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-background-networking",
                f"--only-categories={','.join(CATEGORIES)}",
            ],
            check=True,
            env=env,
        )
        result = json.loads(report.read_text(encoding="utf-8"))
        scores[name] = {key: round((result["categories"][key]["score"] or 0) * 100) for key in CATEGORIES}
        scores[name]["failed"] = sorted(
            audit["title"]
            for audit in result["audits"].values()
            if audit.get("score") is not None
            and audit["score"] < 0.9
            and audit.get("scoreDisplayMode") == "binary"
        )
    return scores


def slow_network(base: str, browser=None, pages: dict[str, str] | None = None) -> dict[str, dict]:
    """Each page type loaded cold over a 2G connection (SLOW_NETWORK): its first contentful
    paint, and for search the time to its first results, in milliseconds from navigation."""
    if browser is None:
        with chromium() as browser:
            return slow_network(base, browser, pages)
    found: dict[str, dict] = {}
    for name, path in (pages or PAGE_TYPES).items():
        context = browser.new_context()
        context.route(lambda url: not url.startswith(base), lambda route: route.abort())
        page = context.new_page()
        session = context.new_cdp_session(page)
        session.send("Network.enable")
        session.send("Network.emulateNetworkConditions", SLOW_NETWORK)
        page.goto(base + path, wait_until="commit", timeout=120_000)
        page.wait_for_function(
            "performance.getEntriesByName('first-contentful-paint').length > 0", timeout=120_000
        )
        timing = {
            "fcp_ms": round(
                page.evaluate("performance.getEntriesByName('first-contentful-paint')[0].startTime")
            )
        }
        if name == SEARCH_PAGE:
            page.wait_for_function(
                "window.essaimSearch && window.essaimSearch.firstResultsAt", timeout=120_000
            )
            timing["first_results_ms"] = round(page.evaluate("window.essaimSearch.firstResultsAt"))
        found[name] = {"path": path, **timing}
        context.close()
    return found


def checks(output: Path) -> dict[str, bool]:
    """What a page needs beyond its weight: a 404, fallbacks without JavaScript, print and motion."""
    css = (output / "theme/css/essaim.css").read_text(encoding="utf-8")
    search = (output / "recherche/index.html").read_text(encoding="utf-8")
    carte = (output / "carte/index.html").read_text(encoding="utf-8")
    return {
        "Page 404 (404.html)": (output / "404.html").is_file(),
        "Recherche : explication et liens sans JavaScript (<noscript>)": "<noscript>" in search,
        "Carte : la liste des lieux sans JavaScript": 'class="map-list"' in carte,
        "Styles d'impression (@media print)": "@media print" in css,
        "Animations réduites respectées (prefers-reduced-motion)": "prefers-reduced-motion" in css,
    }


def seconds(ms: float) -> str:
    """`2,4 s` (French decimal comma)."""
    return f"{ms / 1000:.1f} s".replace(".", ",")


def kilobytes(size: int) -> str:
    """`12,3 Ko` (French decimal comma)."""
    return f"{size / 1024:.1f} Ko".replace(".", ",")


def render(result: dict) -> str:
    """The report as a small, accessible HTML page (French, no script)."""
    rows = []
    for name, weight in result["weights"].items():
        fits = weight["bytes"]["html"] <= ONE_ROUND_TRIP
        flag = (" ✓" if fits else " ✗ (plus de 14 Ko)") if name in ONE_ROUND_TRIP_PAGES else ""
        blocking = ", ".join(weight["render_blocking_third_party"]) or "aucune"
        rows.append(
            f"<tr><th scope=row><a href='..{html.escape(weight['path'])}'>{html.escape(name)}</a></th>"
            f"<td>{kilobytes(weight['bytes']['html'])}{flag}</td><td>{kilobytes(weight['bytes']['css'])}</td>"
            f"<td>{kilobytes(weight['bytes']['js'])}</td><td>{kilobytes(weight['bytes']['other'])}</td>"
            f"<td>{kilobytes(weight['total'])}</td><td>{weight['requests']}</td><td>{html.escape(blocking)}</td></tr>"
        )
    scores = result["lighthouse"]
    if "error" in scores:
        lighthouse_html = f"<p>{html.escape(scores['error'])}</p>"
    else:
        lines = []
        for name, score in scores.items():
            cells = "".join(f"<td>{score[key]}</td>" for key in CATEGORIES)
            failed = ", ".join(score["failed"]) or "—"
            lines.append(
                f"<tr><th scope=row>{html.escape(name)}</th>{cells}<td>{html.escape(failed)}</td></tr>"
            )
        headers = "".join(f"<th scope=col>{label}</th>" for label in CATEGORIES.values())
        lighthouse_html = (
            "<table><caption>Scores Lighthouse (mobile, objectif : 100)</caption>"
            f"<tr><th scope=col>Page</th>{headers}<th scope=col>Audits non réussis</th></tr>"
            f"{''.join(lines)}</table>"
        )

    def mark(ms: int | None, goal: int) -> str:
        return "—" if ms is None else f"{seconds(ms)} {'✓' if ms <= goal else '✗'}"

    slow_rows = "".join(
        f"<tr><th scope=row>{html.escape(name)}</th><td>{mark(t['fcp_ms'], FCP_GOAL_MS)}</td>"
        f"<td>{mark(t.get('first_results_ms'), FIRST_RESULTS_GOAL_MS)}</td></tr>"
        for name, t in result.get("slow_network", {}).items()
    )
    check_items = "".join(
        f"<li>{'✓' if ok else '✗'} {html.escape(label)}</li>" for label, ok in result["checks"].items()
    )
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Audit du site</title>
<style>body{{font-family:system-ui,sans-serif;max-width:70rem;margin:1rem auto;padding:0 1rem;
color:#1a1a1a}}
table{{border-collapse:collapse;margin:1rem 0}}
th,td{{border:1px solid #767676;padding:.3rem .6rem;text-align:left}}
caption{{font-weight:700;text-align:left;padding:.3rem 0}}</style></head>
<body><main><h1>Audit du site</h1>
<p>Produit par <code>make audit</code> le {html.escape(result["generated_at"])}.</p>
<h2>Lighthouse</h2>{lighthouse_html}
<h2>Poids des pages (gzip, au chargement)</h2>
<table><caption>Octets transférés par type de page
(objectif : HTML de l'accueil et d'une fiche ≤ 14 Ko)</caption>
<tr><th scope=col>Page</th><th scope=col>HTML</th><th scope=col>CSS</th><th scope=col>JS</th>
<th scope=col>Autres</th><th scope=col>Total</th><th scope=col>Requêtes</th>
<th scope=col>Ressources tierces bloquantes</th></tr>
{"".join(rows)}</table>
<h2>Connexion lente (2G)</h2>
<table><caption>Chargement à froid à 250 kbit/s, 300 ms d'aller-retour
(objectifs : premier affichage ≤ 3 s, premiers résultats de recherche ≤ 5 s)</caption>
<tr><th scope=col>Page</th><th scope=col>Premier affichage</th><th scope=col>Premiers résultats</th></tr>
{slow_rows}</table>
<h2>Vérifications</h2><ul>{check_items}</ul>
</main></body></html>
"""


def main() -> None:
    """Audit the built site in `--output` and write output/audit/."""
    from datetime import UTC, datetime

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default=str(REPO / "output"))
    parser.add_argument("--no-lighthouse", action="store_true")
    args = parser.parse_args()
    output = Path(args.output)
    folder = output / "audit"
    folder.mkdir(parents=True, exist_ok=True)
    server, base = serve(output)
    try:
        result = {
            "generated_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "weights": page_weights(output, base),
            "lighthouse": {"error": "non lancé (--no-lighthouse)"}
            if args.no_lighthouse
            else lighthouse(base, folder),
            "slow_network": slow_network(base),
            "checks": checks(output),
        }
    finally:
        server.shutdown()
    (folder / "audit.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    (folder / "index.html").write_text(render(result), encoding="utf-8")
    for name, weight in result["weights"].items():
        print(
            f"{name:<24} html {kilobytes(weight['bytes']['html']):>9}  total {kilobytes(weight['total']):>9}"
        )
    for name, score in result["lighthouse"].items():
        print(f"lighthouse {name}: {score}")
    for name, timing in result["slow_network"].items():
        print(f"2G {name:<24} {timing}")
    print(f"report: {folder / 'index.html'}")


if __name__ == "__main__":
    main()
