"""Shared fixtures: tiny territories written into tmp_path, real Pelican builds, a real browser."""

from __future__ import annotations

import base64
import functools
import http.server
import os
import re
import shutil
import textwrap
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape
from pathlib import Path

import pytest
from lxml import html as lxml_html

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
DEMO_NOW = "2026-11-22T12:00:00"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

BLANK_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)

TERRITORY = """\
name: Annuaire de Testville
pitch: L'ESS de Testville.
base_url: https://testville.example.org
timezone: Europe/Paris
"""


def write(root: Path, relative: str, text: str) -> Path:
    """Write a file (dedented) under root, creating folders."""
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def territory_yml(name: str, url: str, peers: list[str] = ()) -> str:
    """A territory.yml at `url` that includes the directories at `peers`."""
    text = f"name: {name}\npitch: L'ESS de {name}.\nbase_url: {url}\ntimezone: Europe/Paris\n"
    if peers:
        text += "federation:\n  peers:\n" + "".join(f"    - url: {p}\n" for p in peers)
    return text


def text_of(html: str) -> str:
    """What a page's piece reads as, tags dropped and spaces joined (entities decoded)."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def section(html: str, marker: str) -> str:
    """The first <section> whose opening tag holds `marker` (e.g. 'id="correspondances"')."""
    match = re.search(rf"<section[^>]*{marker}.*?</section>", html, re.S)
    assert match, marker
    return match.group(0)


def _record_text(values: dict[str, str | None], body: str) -> str:
    lines = [f"{key}: {value}" for key, value in values.items() if value is not None]
    return "---\n" + "\n".join(lines) + f"\n---\n{body}\n"


def event_text(**fields: str) -> str:
    """A valid event file organized by la-ruche; keyword arguments replace or add lines verbatim."""
    values = {"title": "Atelier", "start": "2026-03-05 18:00", "themes": "[numerique]"}
    values |= {"organizers": "[la-ruche]", **fields}
    return _record_text(values, "Un atelier.")


def actor_text(name: str = "La Ruche", **fields: str) -> str:
    """A valid actor file; keyword arguments replace or add front-matter lines verbatim."""
    values = {
        "name": name,
        "legal_form": "association",
        "summary": "Une association de test.",
        "themes": "[numerique]",
        "address": '\n  postcode: "44000"\n  city: Testville',
    }
    values.update(fields)
    return _record_text(values, "Une présentation.")


def place(rng, crowded: bool, spread: float) -> tuple[float, float]:
    """A point for a large map: around Nantes (within `spread` degrees) when `crowded`, where its
    tiles are split deepest, else anywhere in mainland France."""
    if crowded:
        return 47.2 + rng.uniform(-spread, spread), -1.55 + rng.uniform(-spread, spread)
    return rng.uniform(43.5, 50.5), rng.uniform(-1.0, 7.0)


def peer_places(peer: str, count: int, seed: int, crowded_every: int, spread: float) -> list[dict]:
    """`count` actors of the neighbour at `peer`, as its snapshot holds them, with coordinates:
    all but one in `crowded_every` around Nantes (see `place`); a third on one theme, a fifth
    SCOPs; each summary with its number."""
    import random

    rng = random.Random(seed)
    found = []
    for n in range(count):
        lat, lon = place(rng, crowded=n % crowded_every != 0, spread=spread)
        found.append(
            {
                "slug": f"lieu-{n}",
                "url": f"{peer}/acteurs/lieu-{n}/",
                "name": f"Coopérative {n}",
                "legal_form": "scop" if n % 5 == 0 else "association",
                "summary": f"Une coopérative voisine, numéro {n}.",
                "themes": ["agriculture-alimentation"] if n % 3 == 0 else ["numerique"],
                "geo": {"lat": round(lat, 5), "lon": round(lon, 5)},
                "updated": "2026-11-01",
            }
        )
    return found


@pytest.fixture
def territory(tmp_path: Path) -> Path:
    """An empty territory (territory.yml only) in a temporary folder."""
    write(tmp_path, "territory.yml", TERRITORY)
    return tmp_path


def build(root: Path, output: Path | None = None, **overrides) -> Path:
    """Build the territory at `root` with real Pelican, in this process; return the output path."""
    from pelican import Pelican
    from pelican.settings import read_settings

    from essaim.settings import pelican_settings

    settings = pelican_settings(root)
    settings["PATH"] = str(root / "content") if (root / "content").is_dir() else str(REPO / "content")
    settings["OUTPUT_PATH"] = str(output or root / "output")
    settings["CACHE_PATH"] = str(root / "cache")
    settings["ESSAIM_NOW"] = DEMO_NOW
    settings.update(overrides)
    Pelican(read_settings(None, override=settings)).run()
    return Path(settings["OUTPUT_PATH"])


def demo_copy(target: Path, extra: str) -> Path:
    """The demo's records and territory.yml, with `extra` lines added to territory.yml (its
    older `language:` key left out)."""
    for folder in ("actors", "initiatives", "events", "content", "calendars"):
        shutil.copytree(REPO / folder, target / folder)
    text = (REPO / "territory.yml").read_text(encoding="utf-8")
    write(target, "territory.yml", re.sub(r"(?m)^language:.*\n", "", text) + extra)
    return target


@pytest.fixture(scope="session")
def languages_output(tmp_path_factory) -> Path:
    """The demo in French (at the root), English (/en/) and Spanish (/es/), its name and pitch
    translated into English only; built once for the session."""
    extra = (
        "languages: [fr, en, es]\n"
        "translations:\n"
        "  en: {name: Essaim Nantes in English, pitch: The social and solidarity economy of Nantes.}\n"
    )
    root = demo_copy(tmp_path_factory.mktemp("languages"), extra)
    translate_ping(root)
    return build(root, root / "output")


def translate_ping(root: Path) -> None:
    """Give the demo's PiNG an English summary and description (no Spanish ones)."""
    ping = root / "actors/ping.md"
    text = ping.read_text(encoding="utf-8")
    ping.write_text(text.replace("\nlegal_form:", TRANSLATED_PING + "legal_form:", 1), encoding="utf-8")


TRANSLATED_PING = """
translations:
  en:
    summary: A popular education association in Nantes that runs shared makerspace and repair workshops.
    description: |
      PiNG helps everyone understand **digital technology** and make it their own: open workshops,
      soldering, sewing machines and laser cutters.
"""


@pytest.fixture(scope="session")
def demo_output(tmp_path_factory) -> Path:
    """The demo territory (this repository's records) built once for the session."""
    output = tmp_path_factory.mktemp("demo-output")
    cache = tmp_path_factory.mktemp("demo-cache")
    build(REPO, output, CACHE_PATH=str(cache))
    return output


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static file handler that does not log every request."""

    def log_message(self, *args) -> None:  # noqa: D102
        pass


class LocalServer(http.server.ThreadingHTTPServer):
    """A server on 127.0.0.1 for a test: its threads never outlive it, and a client that hangs
    up early (what a size cap or a deadline does) is not reported as an error."""

    daemon_threads = True

    def handle_error(self, request, client_address):
        pass


@contextmanager
def local_server(handler) -> Iterator[str]:
    """Serve `handler` (a BaseHTTPRequestHandler class) on 127.0.0.1, a free port; its base URL."""
    server = LocalServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def in_language(output: Path, french: str, language: str) -> str:
    """The address of a French page type in another language: where the French page's language
    switcher leads (the printed directory is made once, in French). A page without a switcher
    (an embed, framed by another site) is where its parent's leads, and its own segment."""
    path, _, query = french.partition("?")
    file = output / path.lstrip("/") / ("index.html" if path.endswith("/") else "")
    tree = lxml_html.fromstring(file.read_bytes())
    links = {a.get("hreflang"): a.get("href") for a in tree.xpath("//nav[@class='languages wrap']//a")}
    found = links.get(language)
    if found is None and path.strip("/").count("/") and not tree.xpath("//nav[@class='languages wrap']"):
        parent, segment = path.rstrip("/").rsplit("/", 1)
        found = in_language(output, parent + "/", language) + segment + "/"
    return (found or f"/{language}{path}") + (f"?{query}" if query else "")


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve `directory` on 127.0.0.1 (a free port); return the server and its base URL."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="session")
def languages_url(languages_output: Path) -> Iterator[str]:
    """Base URL of the three-language demo served over HTTP on loopback."""
    server, url = serve(languages_output)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def demo_url(demo_output: Path) -> Iterator[str]:
    """Base URL of the demo site served over HTTP on loopback."""
    server, url = serve(demo_output)
    yield url
    server.shutdown()


def require(path: Path, package: str) -> None:
    """A system tool the test needs: missing is a failure when CI=true, a reported skip otherwise."""
    if path.exists():
        return
    message = f"{path} is missing: run `make test` as root, or `apt-get install {package}`"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright. Missing browser: failure when CI=true, else skip."""
    require(CHROMIUM, "chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    """A fresh browser page that records console errors in `page.console_errors`."""
    context = browser.new_context(locale="fr-FR")
    new_page = context.new_page()
    new_page.console_errors = []
    new_page.on(  # with the address a failed load was for (the message itself does not say)
        "console",
        lambda m: (
            m.type == "error"
            and new_page.console_errors.append(f"{m.text} {m.location.get('url', '')}".rstrip())
        ),
    )
    new_page.on("pageerror", lambda e: new_page.console_errors.append(str(e)))
    # No network here: map tiles are answered with a blank image.
    context.route(
        "https://tile.openstreetmap.org/**",
        lambda route: route.fulfill(status=200, content_type="image/png", body=BLANK_PNG),
    )
    yield new_page
    context.close()


def copy_repository(target: Path) -> Path:
    """Copy this repository's tracked-looking files (no venv, output, caches) to `target`."""
    ignore = shutil.ignore_patterns(
        ".git",
        ".venv",
        "node_modules",
        "output",
        "cache",
        "__pycache__",
        "*.egg-info",
        ".pytest_cache",
        ".ruff_cache",
        "bench-results",
    )
    shutil.copytree(REPO, target, ignore=ignore)
    (target / "node_modules").symlink_to(REPO / "node_modules")  # what `npm ci` gives a fork
    return target


def json_ld(page: Path, base_url: str = "https://essaim-nantes.example.org") -> list[dict]:
    """The JSON-LD items of a page, as extruct reads them."""
    import extruct

    html = page.read_text(encoding="utf-8")
    return extruct.extract(html, base_url=base_url, syntaxes=["json-ld"])["json-ld"]


def expand_json_ld(data: dict) -> list[dict]:
    """JSON-LD expansion with pyld, schema.org's context served locally (no network here)."""
    from pyld import jsonld

    def loader(url, options=None):
        assert url.rstrip("/") == "https://schema.org"
        return {
            "contextUrl": None,
            "documentUrl": url,
            "document": {"@context": {"@vocab": "https://schema.org/"}},
        }

    return jsonld.expand(data, {"documentLoader": loader})
