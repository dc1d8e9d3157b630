"""A site served from a sub-path (https://org.github.io/annuaire/) must work: every link, asset,
map data and feed. Built with a sub-path SITEURL, served under that sub-path on 127.0.0.1,
crawled."""

from __future__ import annotations

import functools
import http.server
import json
import threading
import urllib.error
import urllib.request
from html.parser import HTMLParser

from conftest import DEMO_NOW, REPO, build, demo_copy

PREFIX = "/annuaire"


class SubPathHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the output folder under /annuaire/ only (anything else is a 404)."""

    def log_message(self, *args) -> None:  # noqa: D102
        pass

    def translate_path(self, path: str) -> str:  # noqa: D102
        if not path.startswith(PREFIX + "/"):
            return "/nonexistent"
        return super().translate_path(path[len(PREFIX) :])


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            links = ("href", "src", "data-geojson", "data-hours-client", "data-leaflet", "data-map")
            if name in links and value:
                self.links.append(value)
            elif name in ("data-scripts", "data-css") and value:  # what the map and mini maps load
                self.links.extend(json.loads(value) if value.startswith("[") else [value])
            elif name in ("data-hours", "data-hours-config") and value:  # « Ouvert maintenant »
                config = json.loads(value)
                self.links.extend([config["worker"], *config["libs"]])


def crawl(output) -> tuple[set[str], list[tuple[str, int]]]:
    """Serve `output` under PREFIX on 127.0.0.1 and follow every link from its home page: the
    paths reached and the links that gave an error."""
    handler = functools.partial(SubPathHandler, directory=str(output))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        seen: set[str] = set()
        todo = [PREFIX + "/"]
        broken = []
        while todo:
            path = todo.pop()
            if path in seen:
                continue
            seen.add(path)
            try:
                with urllib.request.urlopen(base + path, timeout=10) as response:
                    body = response.read()
                    kind = response.headers.get("Content-Type", "")
            except urllib.error.HTTPError as error:
                broken.append((path, error.code))
                continue
            if "text/html" in kind:
                parser = Links()
                parser.feed(body.decode("utf-8"))
                for link in parser.links:
                    link = link.split("#")[0].split("?")[0]
                    if link.startswith("/"):
                        todo.append(link)
        return seen, broken
    finally:
        server.shutdown()


def test_a_sub_path_deploy_has_no_broken_link(tmp_path_factory):
    output = build(
        REPO,
        tmp_path_factory.mktemp("subpath"),
        SITEURL=PREFIX,
        CACHE_PATH=str(tmp_path_factory.mktemp("cache")),
        ESSAIM_NOW=DEMO_NOW,
    )
    seen, broken = crawl(output)
    assert broken == []
    assert len(seen) > 100
    for needed in (
        "/carte/lieux.geojson",
        "/agenda.ics",
        "/feeds/evenements.atom.xml",
        "/vendor/leaflet/leaflet.js",
        "/vendor/opening_hours/opening_hours.js",
        "/theme/js/hours/worker.js",
        "/theme/css/essaim.css",
        "/data/actors.csv",
    ):
        assert PREFIX + needed in seen, needed
    assert all(path.startswith(PREFIX + "/") for path in seen)


def test_a_site_in_three_languages_under_a_sub_path_has_no_broken_link(tmp_path_factory):
    """The English and Spanish sites (/en/, /es/) are reached from the French one by its language
    switcher, and every link of every language works, under a sub-path too."""

    root = demo_copy(tmp_path_factory.mktemp("languages"), "languages: [fr, en, es]\n")
    output = build(root, root / "output", SITEURL=PREFIX, ESSAIM_NOW=DEMO_NOW)
    seen, broken = crawl(output)
    assert broken == []
    for needed in (
        "/en/",
        "/es/",
        "/en/organisations/ping/",
        "/es/organizaciones/ping/",
        "/en/map/lieux.geojson",
        "/es/agenda.ics",
        "/en/events/",
        "/donnees/",  # the open data, once, linked from every language
        "/schemas/actor.json",
    ):
        assert PREFIX + needed in seen, needed
    assert not (output / "en" / "donnees").exists() and not (output / "en" / "imprimer").exists()
    assert all(path.startswith(PREFIX + "/") for path in seen)
