"""Federation peers are untrusted: hostile peers served on loopback (127.0.0.0/8 only), pulled
and built. A peer never breaks a build, never speaks for another site, never holds `pull` up,
never leads it to a private address, never puts its own image or two records on one page."""

from __future__ import annotations

import http.server
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import html as lxml_html

from conftest import REPO, build, write
from essaim.cli import main
from essaim.federation.pull import peer_folder, pull_peer
from essaim.net import http as http_module
from essaim.net.http import Client
from essaim.records.schema import SCHEMA_VERSION

US = "https://nantes.example.org"
PULL = ["federation", "pull", "--allow-private"]  # the peers are served on 127.0.0.1


class Peer(http.server.ThreadingHTTPServer):
    """A peer on a loopback address: `routes` maps a path to a body, or to a function that
    answers (the handler given); `hits` lists the paths asked for."""

    daemon_threads = True

    def __init__(self, routes: dict[str, bytes | Callable], host: str = "127.0.0.1") -> None:
        self.routes = routes
        self.hits: list[str] = []
        super().__init__((host, 0), _Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://{self.server_address[0]}:{self.server_address[1]}"

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


class _Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:  # noqa: D102
        pass

    def do_GET(self) -> None:  # noqa: N802, D102
        self.server.hits.append(self.path)
        route = self.server.routes.get(self.path)
        if callable(route):
            route(self)
            return
        self.send_response(200 if route is not None else 404)
        self.send_header("Content-Length", str(len(route or b"")))
        self.end_headers()
        self.wfile.write(route or b"")


@pytest.fixture
def peers() -> Iterator[Callable[..., Peer]]:
    """Start peers (stopped after the test)."""
    started: list[Peer] = []

    def start(routes: dict | None = None, host: str = "127.0.0.1") -> Peer:
        started.append(Peer(routes if routes is not None else {}, host))
        return started[-1]

    yield start
    for peer in started:
        peer.stop()


def manifest(base: str, name: str = "Annuaire voisin", url: str | None = None, **datasets: str) -> bytes:
    """A valid manifest; `url`: the territory URL it declares (its own by default)."""
    return json.dumps(
        {
            "protocol": "essaim-federation",
            "version": "1.0",
            "territory": {"name": name, "url": url or base, "language": "fr"},
            "licence": {"id": "etalab-2.0", "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence"},
            "datasets": datasets or {"actors": f"{base}/actors.json", "events": f"{base}/events.json"},
            "schema_version": SCHEMA_VERSION,
            "updated_at": "2026-11-01T00:00:00",
        }
    ).encode()


def dataset(records: list) -> bytes:
    return json.dumps({"schema_version": SCHEMA_VERSION, "records": records}).encode()


def event(base: str, slug: str, **fields) -> dict:
    return {
        "slug": slug,
        "url": f"{base}/agenda/{slug}/",
        "title": slug.replace("-", " ").capitalize(),
        "start": "2026-12-12T14:00",
        "themes": ["economie-circulaire"],
        "updated": "2026-11-01",
        **fields,
    }


def actor(base: str, slug: str, **fields) -> dict:
    return {
        "slug": slug,
        "url": f"{base}/acteurs/{slug}/",
        "name": slug.replace("-", " ").capitalize(),
        "legal_form": "association",
        "summary": "Une association voisine.",
        "themes": ["numerique"],
        "updated": "2026-11-01",
        **fields,
    }


def serve_peer(
    start: Callable[..., Peer],
    actors: Callable[[str], list] = lambda base: [],
    events: Callable[[str], list] = lambda base: [],
    host: str = "127.0.0.1",
    **declared: str,
) -> Peer:
    """A peer publishing a manifest, `actors(its URL)` and `events(its URL)`."""
    peer = start(host=host)
    peer.routes.update(
        {
            "/federation.json": manifest(peer.url, **declared),
            "/actors.json": dataset(actors(peer.url)),
            "/events.json": dataset(events(peer.url)),
        }
    )
    return peer


def territory(root: Path, peers: list[str], extra: str = "") -> Path:
    peer_lines = "".join(f"    - url: {url}\n{extra}" for url in peers)
    text = f"name: Essaim Nantes\npitch: L'ESS de Nantes.\nbase_url: {US}\ntimezone: Europe/Paris\n"
    write(root, "territory.yml", text + "federation:\n  peers:\n" + peer_lines)
    return root


def pull(root: Path, *options: str):
    return CliRunner().invoke(main, ["--root", str(root), *options], env={})


def snapshot(root: Path, url: str, name: str, **rows: list) -> None:
    """federation/<peer>/ as an older Essaim (or a hand edit) may have left it."""
    folder = root / "federation" / peer_folder(url)
    folder.mkdir(parents=True)
    provenance = {"peer": url, "territory": {"name": name, "url": url}, "datasets": {}}
    (folder / "provenance.json").write_text(json.dumps(provenance), encoding="utf-8")
    for plural, records in rows.items():
        (folder / f"{plural}.json").write_text(json.dumps(records), encoding="utf-8")


# (a) A peer record goes through the checks of a local record; a snapshot never fails a build.

BROKEN_EVENTS = [
    ("regle-inconnue", {"recurrence": "FREQ=WEEKLY;FOO=BAR"}, "récurrence"),
    ("regle-invalide", {"recurrence": "FREQ=WEEKLY;BYDAY=XX"}, "récurrence"),
    (
        "exdate",
        {"recurrence": "FREQ=WEEKLY", "exdates": ["2026-02-30"]},
        "« exdates » : la date « 2026-02-30 »",
    ),
    ("fin-avant", {"end": "2026-12-12T10:00"}, "est avant le début"),
]


def without_url(base: str) -> list:
    record = actor(base, "sans-url")
    del record["url"]
    return [record]


def events_with_broken(base: str) -> list:
    return [event(base, "repair-cafe"), *(event(base, slug, **fields) for slug, fields, _ in BROKEN_EVENTS)]


def test_a_peer_record_gets_the_checks_of_a_local_record(peers, tmp_path):
    peer = serve_peer(peers, without_url, events_with_broken)
    territory(tmp_path, [peer.url], "      transitive: true\n")
    result = pull(tmp_path, *PULL)
    assert result.exit_code == 0, result.output
    assert f"{peer.url} : 1 ajoutée(s), 0 modifiée(s), 0 retirée(s), 5 rejetée(s)" in result.output
    for slug, _, reason in BROKEN_EVENTS:
        assert f"rejetée : {peer.url}/agenda/{slug}/ : " in result.output
        line = next(line for line in result.output.splitlines() if f"/agenda/{slug}/" in line)
        assert reason in line, line
    assert "rejetée : fiche n° 1 : pas d'adresse « url »" in result.output
    output = build(tmp_path)  # the build never sees them
    assert "Repair cafe" in (output / "agenda/index.html").read_text(encoding="utf-8")


def test_a_build_never_fails_because_of_a_snapshot(tmp_path):
    url = "https://reze.example.org"  # only built, never pulled: no request
    territory(tmp_path, [url], "      transitive: true\n")
    actors = [*without_url(url), "pas un objet", actor(url, "demi", name="Demi \ud800 paire")]
    snapshot(tmp_path, url, "Annuaire de Rezé", actors=actors, events=events_with_broken(url))
    output = build(tmp_path)
    agenda = (output / "agenda/index.html").read_text(encoding="utf-8")
    assert f'<a href="{url}/agenda/repair-cafe/">Repair cafe</a>' in agenda
    assert all(slug not in agenda for slug, _, _ in BROKEN_EVENTS)


# (b) The origin is the URL we configured; a peer's UIDs are never ours.

FORGED = {"title": "ANNULÉ : Fête de l'ESS", "start": "2026-12-12T14:00"}
OURS = "---\ntitle: Fête de l'ESS\nstart: 2026-12-12T14:00\nthemes: [economie-circulaire]\n---\n"


@pytest.mark.parametrize("transitive", [False, True])
def test_a_peer_cannot_speak_for_our_site(peers, tmp_path, transitive):
    forged = [event(US, "fete-de-l-ess", **FORGED)]
    peer = serve_peer(peers, events=lambda base: forged, name="Essaim Nantes", url=US)
    territory(tmp_path, [peer.url], f"      include: [events]\n      transitive: {str(transitive).lower()}\n")
    write(tmp_path, "events/fete-de-l-ess.md", OURS)
    result = pull(tmp_path, *PULL)
    assert result.exit_code == 0, result.output
    assert "0 ajoutée(s), 0 modifiée(s), 0 retirée(s), 1 rejetée(s)" in result.output
    assert f"rejetée : {US}/agenda/fete-de-l-ess/ : fiche qui se dit de cet annuaire-ci" in result.output
    check_our_calendar(build(tmp_path))


def test_an_old_snapshot_cannot_speak_for_our_site_either(tmp_path):
    url = "https://reze.example.org"  # only built, never pulled: no request
    territory(tmp_path, [url], "      transitive: true\n")
    write(tmp_path, "events/fete-de-l-ess.md", OURS)
    snapshot(tmp_path, url, "Essaim Nantes", events=[event(US, "fete-de-l-ess", **FORGED)])
    folder = tmp_path / "federation" / peer_folder(url)
    provenance = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))
    provenance["territory"]["url"] = US  # what the peer declared, kept by an older Essaim
    (folder / "provenance.json").write_text(json.dumps(provenance), encoding="utf-8")
    check_our_calendar(build(tmp_path))


def check_our_calendar(output: Path) -> None:
    from icalendar import Calendar

    calendar = Calendar.from_ical((output / "agenda.ics").read_bytes())
    assert [(str(e["summary"]), str(e["uid"])) for e in calendar.walk("VEVENT")] == [
        ("Fête de l'ESS", "fete-de-l-ess@nantes.example.org")
    ]
    assert "ANNULÉ" not in (output / "agenda/index.html").read_text(encoding="utf-8")


def test_a_peer_on_our_host_never_gets_our_uids():
    from zoneinfo import ZoneInfo

    from essaim.agenda.ics import vevent
    from essaim.records.model import Event

    ours = Event("fete", "events/fete.md", {"title": "Fête", "start": "2026-12-12T14:00"}, "", 0, "")
    theirs = Event("fete", "federation/x/events.json", dict(ours.fields), "", 0, "")
    for record in (ours, theirs):
        record.set_times(ZoneInfo("Europe/Paris"))
        record.updated = date(2026, 11, 1)
    theirs.origin, theirs.origin_url, theirs.origin_slug = "Rezé", "https://Nantes.example.org/reze", "fete"
    uids = {str(vevent(r, "https://x.example.org/", [], "nantes.example.org")["uid"]) for r in (ours, theirs)}
    assert uids == {"fete@nantes.example.org", "fete@Nantes.example.org/reze/"}


# (c) A peer never holds `pull` up, and one peer's failure never stops the others.


def drip_body(handler: http.server.BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Length", "100000")
    handler.end_headers()
    drip(handler, b" " * 100)


def drip_headers(handler: http.server.BaseHTTPRequestHandler) -> None:
    drip(handler, b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 100)


def drip(handler: http.server.BaseHTTPRequestHandler, data: bytes) -> None:
    """One byte every 0.2 s (each read is quick), 20 s in all."""
    handler.close_connection = True
    for byte in data:
        try:
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
        except OSError:
            return
        time.sleep(0.2)


@pytest.mark.parametrize("answer", [drip_body, drip_headers])
def test_a_peer_that_drips_its_answer_is_cut_at_the_deadline(peers, tmp_path, answer):
    peer = peers({"/federation.json": answer})
    started = time.monotonic()
    report = pull_peer(
        tmp_path,
        {"url": peer.url, "include": ["actors"], "themes": [], "transitive": False},
        Client(timeout=1.0, deadline=1.0, retries=0, allow_private=True),
    )
    assert "délai dépassé (plus de 1 s pour ce fichier)" in report.error
    assert time.monotonic() - started < 5


def test_a_hostile_peer_never_stops_the_others(peers, tmp_path):
    deep = peers({"/federation.json": b"[" * 100_000 + b"]" * 100_000})
    lone_name = serve_peer(peers, name="Annuaire \udfff")
    lone_record = serve_peer(peers, lambda b: [actor(b, "bien"), actor(b, "demi", name="Demi \ud800 paire")])
    nested: list = [1]
    for _ in range(20):
        nested = [nested]
    too_deep = serve_peer(peers, lambda b: [actor(b, "imbrique", extra=nested)])
    good = serve_peer(peers, lambda b: [actor(b, "bon-voisin")])
    urls = [deep.url, lone_name.url, lone_record.url, too_deep.url, good.url]
    territory(tmp_path, urls, "      include: [actors]\n")
    result = pull(tmp_path, *PULL)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert f"{deep.url} : ÉCHEC, {deep.url}/federation.json : JSON invalide" in result.output
    assert f"{lone_name.url} : ÉCHEC, {lone_name.url}/federation.json : manifeste invalide" in result.output
    assert "rejetée : fiche n° 2 : caractère invalide (moitié de paire UTF-16 isolée)" in result.output
    assert "rejetée : fiche n° 1 : valeurs imbriquées sur plus de 16 niveaux" in result.output
    assert f"{good.url} : 1 ajoutée(s)" in result.output
    assert sorted(p.name for p in (tmp_path / "federation").iterdir()) == sorted(
        peer_folder(u) for u in (lone_record.url, too_deep.url, good.url)
    )  # and no half-written snapshot (`.new`) left behind


# (d) No loopback, private or link-local address unless --allow-private (SSRF).


def test_a_private_address_is_refused_before_connecting(peers, tmp_path):
    peer = serve_peer(peers, lambda b: [actor(b, "x")])
    territory(tmp_path, [peer.url], "      include: [actors]\n")
    result = pull(tmp_path, "federation", "pull")
    assert result.exit_code == 1
    assert (
        f"{peer.url}/federation.json : adresse locale ou privée 127.0.0.1, connexion refusée" in result.output
    )
    assert "relancez avec « essaim federation pull --allow-private »" in result.output
    assert peer.hits == []  # decided before connecting
    assert pull(tmp_path, *PULL).exit_code == 0 and peer.hits == ["/federation.json", "/actors.json"]


def only_127_0_0_1_is_public(monkeypatch) -> None:
    """127.0.0.1 stands for a public server, any other address for a private one: a test's
    traffic stays on loopback even if the guard let it through."""
    monkeypatch.setattr(http_module, "is_private", lambda address: address != "127.0.0.1")


def redirect_to(location: str) -> Callable:
    def answer(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(302)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return answer


@pytest.mark.parametrize("how", ["dataset", "redirect", "redirect of a dataset"])
def test_no_request_nor_redirect_reaches_a_private_address(peers, tmp_path, monkeypatch, how):
    only_127_0_0_1_is_public(monkeypatch)
    internal = peers({"/secret.json": dataset([])}, host="127.0.0.2")
    peer = peers()
    secret = f"{internal.url}/secret.json"
    peer.routes["/federation.json"] = (
        redirect_to(f"{internal.url}/federation.json")
        if how == "redirect"
        else manifest(peer.url, actors=secret if how == "dataset" else f"{peer.url}/actors.json")
    )
    peer.routes["/actors.json"] = redirect_to(secret)
    report = pull_peer(
        tmp_path,
        {"url": peer.url, "include": ["actors"], "themes": [], "transitive": False},
        Client(retries=0),
    )
    assert "adresse locale ou privée 127.0.0.2, connexion refusée" in report.error
    assert internal.hits == [] and peer.hits
    assert not (tmp_path / "federation").exists()


def test_the_address_checked_is_the_address_connected_to(peers, tmp_path, monkeypatch):
    """A name is resolved once, before connecting, and the connection goes to that address."""
    only_127_0_0_1_is_public(monkeypatch)
    internal = peers(host="127.0.0.2")
    url = f"http://voisin.test:{internal.server_address[1]}"
    internal.routes.update({"/federation.json": manifest(url), "/actors.json": dataset([actor(url, "x")])})
    real = socket.getaddrinfo  # voisin.test is 127.0.0.2, without asking any DNS server
    monkeypatch.setattr(
        socket, "getaddrinfo", lambda host, *a, **k: real(host.replace("voisin.test", "127.0.0.2"), *a, **k)
    )
    peer = {"url": url, "include": ["actors"], "themes": [], "transitive": False}
    report = pull_peer(tmp_path, peer, Client(retries=0))
    assert "adresse locale ou privée 127.0.0.2 (voisin.test), connexion refusée" in report.error
    assert internal.hits == []
    report = pull_peer(tmp_path, peer, Client(retries=0, allow_private=True))
    assert not report.error and report.added == 1
    assert internal.hits == ["/federation.json", "/actors.json"]


def test_is_private_knows_the_addresses_a_neighbour_never_has():
    private = ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1"]
    private += ["0.0.0.0", "224.0.0.1", "::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1"]
    assert all(http_module.is_private(address) for address in private)
    assert not any(http_module.is_private(address) for address in ["93.184.215.14", "2606:4700::1111"])


# (e) A peer's image is never shown here; with render_pages, one page per record.


def test_a_peer_logo_is_set_aside_by_pull(peers, tmp_path):
    peer = serve_peer(peers, lambda b: [actor(b, "logo", logo="media/logos/x.png")])
    territory(tmp_path, [peer.url], "      include: [actors]\n")
    assert pull(tmp_path, *PULL).exit_code == 0
    folder = tmp_path / "federation" / peer_folder(peer.url)
    provenance = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))
    assert provenance["datasets"]["actors"]["ignored_fields"] == {"logo": 1}
    assert "logo" not in json.loads((folder / "actors.json").read_text(encoding="utf-8"))[0]


@pytest.mark.parametrize("logo", ["/evil.example/x.png", "media/logos/x.png"])
def test_a_peer_logo_is_never_shown(tmp_path, logo):
    url = "https://reze.example.org"  # only built, never pulled: no request
    territory(tmp_path, [url], "      include: [actors]\n")
    write(tmp_path, "territory.yml", (tmp_path / "territory.yml").read_text() + "  render_pages: true\n")
    snapshot(tmp_path, url, "Annuaire de Rezé", actors=[actor(url, "piege", logo=logo)])
    html = (build(tmp_path) / "acteurs/piege--annuaire-de-reze/index.html").read_text(encoding="utf-8")
    assert "record-logo" not in html and "x.png" not in html


def test_render_pages_gives_each_peer_record_a_page_of_its_own(peers, tmp_path):
    first = serve_peer(
        peers, lambda b: [actor(b, "la-ruche"), actor(b, "la-ruche", url=f"{b}/acteurs/autre/")]
    )
    # The same declared name: the second is shown with its address, never as the first.
    second = serve_peer(peers, lambda b: [actor(b, "la-ruche", summary="L'autre Ruche.")])
    territory(tmp_path, [first.url, second.url], "      include: [actors]\n")
    write(tmp_path, "territory.yml", (tmp_path / "territory.yml").read_text() + "  render_pages: true\n")
    result = pull(tmp_path, *PULL)
    assert f"rejetée : {first.url}/acteurs/autre/ : même identifiant « la-ruche »" in result.output
    output = build(tmp_path)
    pages = sorted(p.parent.name for p in (output / "acteurs").glob("la-ruche*/index.html"))
    other = "la-ruche--annuaire-voisin-" + second.url.split("://")[1].replace(".", "-").replace(":", "-")
    assert pages == ["la-ruche--annuaire-voisin", other]
    second_page = (output / f"acteurs/{other}/index.html").read_text(encoding="utf-8")
    assert f"Annuaire voisin ({second.url.split('://')[1]})" in second_page
    assert "L&#39;autre Ruche." in second_page
    cards = json.loads((output / "search/docs-0.json").read_text(encoding="utf-8"))
    assert {c[1] for c in cards} == {f"acteurs/{page}/" for page in pages}


# What `pull` needs is declared; the build never needs it.


def test_pull_dependencies_are_declared_and_the_build_does_without_them():
    import tomllib

    declared = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    assert {d.split("==")[0] for d in declared} >= {"requests", "urllib3"}
    code = (
        "import sys, essaim.federation.snapshots; print(sorted({'requests', 'urllib3'} & set(sys.modules)))"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"


# More cases of the same classes, found by a hostile pass over the first fixes.


def test_control_characters_from_a_peer_never_reach_a_page_or_feed(peers, tmp_path):
    named = serve_peer(peers, name="Voisin\x0b")
    texts = serve_peer(peers, lambda b: [actor(b, "bien"), actor(b, "ctrl", name="C\x01")])
    territory(tmp_path, [named.url, texts.url], "      include: [actors]\n")
    result = pull(tmp_path, *PULL)
    assert f"{named.url} : ÉCHEC, {named.url}/federation.json : manifeste invalide" in result.output
    assert "rejetée : fiche n° 2 : caractère de contrôle dans un texte" in result.output
    build(tmp_path)  # the feeds are written (XML refuses control characters)


def test_a_snapshot_with_control_characters_or_nan_never_fails_a_build(tmp_path):
    url = "https://reze.example.org"  # only built, never pulled: no request
    territory(tmp_path, [url], "      include: [actors, events]\n")
    snapshot(tmp_path, url, "Voisin\x0b", actors=[actor(url, "bien"), actor(url, "c", name="C\x02")])
    folder = tmp_path / "federation" / peer_folder(url)
    (folder / "events.json").write_text(
        '[{"slug": "x", "location": {"geo": {"lat": NaN}}}]', encoding="utf-8"
    )
    output = build(tmp_path)
    feed = (output / "feeds/acteurs.atom.xml").read_text(encoding="utf-8")
    assert "Bien" in feed and "\x02" not in feed and "\x0b" not in feed


def test_nan_coordinates_from_a_peer_are_refused(peers, tmp_path):
    peer = peers()
    body = dataset([actor("X", "bien")]).replace(b'"X/', f'"{peer.url}/'.encode())
    nan = body.replace(b'"updated"', b'"geo": {"lat": NaN, "lon": 1.0}, "updated"')
    peer.routes.update({"/federation.json": manifest(peer.url), "/actors.json": nan})
    report = pull_peer(
        tmp_path,
        {"url": peer.url, "include": ["actors"], "themes": [], "transitive": False},
        Client(retries=0, allow_private=True),
    )
    assert "JSON invalide" in report.error and "NaN" in report.error


def test_a_peer_that_declares_our_name_is_shown_with_its_address(tmp_path):
    url = "https://reze.example.org"  # only built, never pulled: no request
    territory(tmp_path, [url], "      include: [actors]\n")
    snapshot(tmp_path, url, "Essaim Nantes", actors=[actor(url, "voisin")])
    output = build(tmp_path)
    facet = json.loads((output / "search/facet-territory.json").read_text(encoding="utf-8"))
    assert "Essaim Nantes (reze.example.org)" in [name for _, name in facet["labels"]]


def test_two_peers_in_sub_folders_of_one_host_never_share_a_uid():
    from zoneinfo import ZoneInfo

    from essaim.agenda.ics import vevent
    from essaim.records.model import Event

    uids = set()
    for path in ("nantes", "rennes"):
        record = Event(
            "repair-cafe", "federation/x/events.json", {"title": "R", "start": "2026-12-12"}, "", 0, ""
        )
        record.set_times(ZoneInfo("Europe/Paris"))
        record.updated = date(2026, 11, 1)
        record.origin, record.origin_url = path, f"https://org.example.io/{path}"
        record.origin_slug = "repair-cafe"
        uids.add(str(vevent(record, "https://x.example.org/", [], "nantes.example.org")["uid"]))
    assert uids == {"repair-cafe@org.example.io/nantes/", "repair-cafe@org.example.io/rennes/"}


def test_a_peer_record_cannot_take_the_slug_of_a_list_page():
    from zoneinfo import ZoneInfo

    from essaim.federation.records import peer_record

    base = "https://voisin.example.org"
    tz = ZoneInfo("Europe/Paris")
    for kind, data in (
        ("event", event(base, "embed")),
        ("event", event(base, "passes")),
        ("actor", actor(base, "page")),
    ):
        record, reason = peer_record(kind, data, "federation/voisin/x.json", tz)
        assert record is None and "réservé à une page de liste" in reason
    record, reason = peer_record("event", event(base, "atelier"), "federation/voisin/x.json", tz)
    assert record is not None and reason == ""


def test_a_rebuild_checks_again_only_the_snapshots_a_pull_changed(tmp_path, monkeypatch):
    """The checked records of each snapshot are cached (cache/federation-records/, a file per
    snapshot): a rebuild reads them back without checking them again, but a snapshot that
    changed is checked again — and its file alone is written again — and a bad record is still
    left out, with its warning, from the cache."""
    import multiprocessing

    from essaim.federation import snapshots
    from essaim.records.territory import load_territory

    urls = ["https://reze.example.org", "https://orvault.example.org"]
    territory(tmp_path, urls, "      include: [actors]\n")
    snapshot(tmp_path, urls[0], "Rezé", actors=[actor(urls[0], "un"), actor(urls[0], "deux", themes=["x y"])])
    snapshot(tmp_path, urls[1], "Orvault", actors=[actor(urls[1], "trois")])
    nantes = load_territory(tmp_path)
    checked: list[str] = []
    real = snapshots.peer_record

    def counting(kind, data, source, tz):
        checked.append(data["slug"])
        return real(kind, data, source, tz)

    monkeypatch.setattr("essaim.federation.snapshots.peer_record", counting)

    def load():  # the cache is written by a forked process while the build goes on: wait for it
        found = snapshots.load_peers(tmp_path, nantes, [], tmp_path / "cache")
        for child in multiprocessing.active_children():
            child.join()
        return found

    first = load()
    assert sorted(checked) == ["deux", "trois", "un"]
    assert sorted(r.slug for r in first.records) == ["trois", "un"]  # "deux": an unknown theme

    checked.clear()
    again = load()
    assert checked == []
    assert [(r.slug, r.origin, r.canonical_url) for r in again.records] == [
        (r.slug, r.origin, r.canonical_url) for r in first.records
    ]

    time.sleep(0.01)
    folder = tmp_path / "federation" / peer_folder(urls[1])
    (folder / "actors.json").write_text(json.dumps([actor(urls[1], "quatre")]), encoding="utf-8")
    cached = {p: p.stat().st_mtime_ns for p in (tmp_path / "cache/federation-records").iterdir()}
    assert len(cached) == 2 and not (tmp_path / "cache/federation-records.pickle").exists()
    changed = load()
    assert checked == ["quatre"]
    assert sorted(r.slug for r in changed.records) == ["quatre", "un"]
    rewritten = [p for p, mtime in cached.items() if p.stat().st_mtime_ns != mtime]
    assert len(rewritten) == 1 and set((tmp_path / "cache/federation-records").iterdir()) == set(cached)


@pytest.mark.parametrize(
    ("declared", "marked"),
    [("en", "en"), ("fr", None), (None, None), ('en" onmouseover="x', None), (["en"], None)],
)
def test_a_neighbour_s_texts_are_marked_with_the_language_it_declares(tmp_path, declared, marked):
    """A neighbour writing in English: its record's summary, on our French page, says
    `lang="en"` so that a screen reader switches voice (in search results too). What is not a
    plain language code is never written into a page."""
    url = "https://bristol.example.org"  # only built, never pulled: no request
    territory(tmp_path, [url], "      include: [actors]\n")
    write(tmp_path, "territory.yml", (tmp_path / "territory.yml").read_text() + "  render_pages: true\n")
    snapshot(tmp_path, url, "Bristol", actors=[actor(url, "tool-library", summary="Tools to borrow.")])
    folder = tmp_path / "federation" / peer_folder(url)
    provenance = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))
    provenance["territory"]["language"] = declared
    (folder / "provenance.json").write_text(json.dumps(provenance), encoding="utf-8")
    output = build(tmp_path)
    page = lxml_html.fromstring((output / "acteurs/tool-library--bristol/index.html").read_bytes())
    assert [p.get("lang") for p in page.xpath("//p[@class='lead']")] == [marked]
    assert page.xpath("//h1")[0].get("lang") == marked
    cards = [
        card
        for chunk in sorted((output / "search").glob("docs-*.json"))
        for card in json.loads(chunk.read_text())
    ]
    card = next(c for c in cards if c[0] == "Tool library")
    assert card[8:] == ([marked, marked] if marked else [])
